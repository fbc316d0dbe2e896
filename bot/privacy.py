"""Redaction of personal identifiers from what people type, before anything is stored.

People in distress type names, NHS numbers, phone numbers and addresses. The assistant needs none
of them, so they are replaced with a placeholder such as "[NHS number]" in every stored event.
The rules lean towards removing: a wrongly removed word costs the record little, a kept name might
cost a family a lot. What the advice depends on stays: ages, times, temperatures, the public
helplines and the partnerships' own numbers, place and service names.

Numbers: phone numbers are found with `phonenumbers` (Google's libphonenumber data, any UK
style); the public lines in data/areas/ are kept. Any other run of 10 digits is taken for an NHS
number, whether or not its check digit is right (`python-stdnum` tells the two apart only for the
placeholder). National Insurance numbers, dates (numbers, ISO and words), postcodes, car
registrations, case and hospital numbers, e-mail addresses, web links and handles have patterns.

Names: a word is taken for a name where a name is expected ("I'm Sarah", "her name is Amelia
Jones", "my partner tom", "mum (Kerry)", "this is Dave") and, anywhere, when it is a first name
that is not an English word ("callum", "Zainab"), or a capitalised word inside a sentence that is
not an English word, a place or a service we know. A surname after a name goes with it. First
names come from `gender-guesser`'s list of 48,000 names, surnames from the US census list in
`names`; English words from the spaCy lookup tables (build/spacy_en/known_words.txt).
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

import phonenumbers
from stdnum.gb import nhs

from bot.settings import DATA, KNOWN_WORDS_FILE, SPACY_MODEL

# --- numbers and addresses ------------------------------------------------------------------------

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|"
    r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_ORDINAL_WORDS = (
    r"(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|thirteenth|"
    r"fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|twenty[- ]?(?:first|second|"
    r"third|fourth|fifth|sixth|seventh|eighth|ninth)|thirtieth|thirty[- ]?first)"
)
_DAY = r"(?:\d{1,2}(?:st|nd|rd|th)?)"
_STREET_TYPE = (
    r"(?:street|st|road|rd|avenue|ave|lane|ln|close|cl|drive|dr|way|crescent|cres|court|ct|place|pl|gardens|"
    r"gdns|terrace|grove|hill|park|square|sq|row|walk|mews|view|rise|green|parade|estate)"
)
_NAMEISH = r"[A-Za-z][A-Za-z'’-]*"
# Words that never sit between a house number and a street name ("6 weeks he vomit green").
_NOT_IN_AN_ADDRESS = (
    r"(?:weeks?|wks?|months?|mths?|days?|hours?|hrs?|mins?|years?|yrs?|old|times?|he|she|they|it|is|was|"
    r"has|had|and|but|been|then|now|in|at|on|of|the|a|to|with|her|his|my|our|their|baby|feeds?|ml|oz|kg|"
    r"degrees?|am|pm)"
)

_MAIL_PROVIDERS = (
    r"(?:gmail|googlemail|hotmail|yahoo|outlook|icloud|live|btinternet|aol|protonmail|proton|sky|"
    r"virginmedia|talktalk|msn|ymail)"
)

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("[email]", re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")),
    (
        "[email]",
        re.compile(
            r"\b[\w.+-]+\s@\s?[\w-]+\.(?:com|co\.uk|org|net|uk|org\.uk|ac\.uk|nhs\.net|gov\.uk)\b|"
            r"\b[\w.+-]+@\s[\w-]+\.(?:com|co\.uk|org|net|uk|org\.uk|ac\.uk|nhs\.net|gov\.uk)\b",
            re.IGNORECASE,
        ),
    ),
    (
        # Spaces around the @ and the dots ("jo @ gmail . com"), "at" for the @ ("dani.rees at
        # gmail.com"), or all of it spelt out ("sammi dot trelease at gmail dot com"; the part
        # before "at" goes, the provider stays). Spelt out, the address needs a mail provider or a
        # dotted name, so "have a look at nhs dot uk" is left alone.
        "[email]",
        re.compile(
            r"\b[\w.+-]+\s*@\s*[\w-]+(?:\s*\.\s*[\w-]+)*\s*\.\s*(?:com|co\s*\.\s*uk|org|net|uk|nhs\s*\.\s*net)\b|"
            r"\b[\w+-]+(?:\.[\w+-]+)+(?=\s+at\s+[\w-]+\.(?:com|co\.uk|org|net|uk)\b)|"
            r"\b[\w+-]+(?:\s+dot\s+[\w+-]+)+(?=\s+at\s+[\w-]+(?:\s+dot\s+[\w-]+)*"
            r"\s+dot\s+(?:com|co\s+dot\s+uk|org|net|uk)\b)|"
            r"\b[\w+-]+(?=\s+at\s+"
            + _MAIL_PROVIDERS
            + r"(?:\s+dot\s+[\w-]+)*\s+dot\s+(?:com|co\s+dot\s+uk|net|uk)\b)",
            re.IGNORECASE,
        ),
    ),
    ("[web address]", re.compile(r"\b(?:https?://|www\.)\S+", re.IGNORECASE)),
    (
        "[web address]",
        re.compile(r"\b[\w-]+(?:\.[\w-]+)*\.(?:com|org|net|uk|io|me|co|gov|nhs)/\S*", re.IGNORECASE),
    ),
    ("[handle]", re.compile(r"(?<![\w.@])@[A-Za-z0-9_][A-Za-z0-9_.]{1,}")),
    (
        r"\1[handle]",
        re.compile(
            r"\b((?:snap(?:chat)?|insta(?:gram)?|ig|tiktok|facebook|fb|twitter|x|whatsapp|telegram|discord)"
            r"\s*(?:name|handle|is|me on|:|-)*\s*[:\-]?\s+)@?[A-Za-z0-9_][A-Za-z0-9_.]*[_.\d][A-Za-z0-9_.]*",
            re.IGNORECASE,
        ),
    ),
    # National Insurance numbers: AB 12 34 56 C.
    ("[NI number]", re.compile(r"\b[A-Za-z]{2}\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-Da-d]\b")),
    # Dates such as a date of birth: 01/02/2024, 1-2-24, 1.2.2024, 2024-03-01; in words.
    ("[date]", re.compile(r"(?<!\d)\d{4}[/.-]\d{1,2}[/.-]\d{1,2}(?!\d)")),
    ("[date]", re.compile(r"(?<!\d)\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})(?!\d)")),
    (
        "[date]",
        re.compile(
            rf"\b(?:{_DAY}|{_ORDINAL_WORDS})(?:\s+of)?\s+{_MONTH}\b\.?(?:,?\s+\d{{4}})?|"
            rf"\b{_MONTH}\.?\s+{_DAY}\b(?:,?\s+\d{{4}})?|\b{_MONTH}\s+\d{{4}}\b",
            re.IGNORECASE,
        ),
    ),
    # UK postcodes: EX1 1AB, SW1A 1AA, ex11ab.
    ("[postcode]", re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.IGNORECASE)),
    # Car registrations: AB12 CDE.
    ("[registration]", re.compile(r"\b(?:[A-Z]{2}\d{2}\s?[A-Z]{3}|[a-z]{2}\d{2}\s?[a-z]{3})\b")),
    ("[registration]", re.compile(r"\b[A-Z]\d{1,3}\s?[A-Z]{3}\b")),
    # House number and street: 12 Acacia Avenue, flat 3, 12 high st.
    ("[address]", re.compile(r"\b(?:flat|apartment|apt|unit)\s+\d+[a-z]?\b,?", re.IGNORECASE)),
    (
        "[address]",
        re.compile(
            rf"\b\d+[a-z]?,?\s+(?:(?!{_NOT_IN_AN_ADDRESS}\b)[A-Za-z']+\s+){{1,3}}{_STREET_TYPE}\b\.?",
            re.IGNORECASE,
        ),
    ),
    # A case, hospital or record number after the word that introduces it.
    (
        r"\1[reference]",
        re.compile(
            r"\b((?:mosaic|lcs|eclipse|liquidlogic|case|ref|reference|hospital|hosp|mrn|record|crn|id|patient|"
            r"client|child|unit|rio|systmone|emis|plan|crime|incident|log|police|cpp|cin)(?:\s+(?:no|number|num|id|ref))?\.?\s*[:#]?\s*)"
            r"(?=[A-Za-z]{0,4}[-/]?\d)[A-Za-z]{0,4}[-/]?\d[\w/-]*",
            re.IGNORECASE,
        ),
    ),
]

# A street named without a number, after the words that lead to one: "lives on Acacia Avenue".
_STREET = re.compile(
    rf"\b((?:live|lives|living|lived|on|in|at|off|from|near|to)\s+)((?:(?!the\b|a\b|my\b|her\b|his\b|our\b|"
    rf"their\b|this\b|that\b|end\b)[A-Za-z']+\s+){{1,3}}{_STREET_TYPE}\b\.?)",
    re.IGNORECASE,
)
_NAMED_STREET = re.compile(
    r"\b(?:[A-Z][A-Za-z'’]+\s+){1,3}(?:Street|St|Road|Rd|Avenue|Ave|Lane|Close|Drive|Way|Crescent|Court|Place|"
    r"Gardens|Terrace|Grove|Hill|Square|Row|Walk|Mews|View|Rise|Green|Parade|Paddocks|Meadows|Fields)\b\.?"
)
# A school or nursery by name: "Little Acorns nursery", "St Mary's Primary".
_SCHOOL_WORD = (
    r"(?:primary|nursery|academy|school|pre-school|preschool|day nursery|children's centre|infants|juniors|"
    r"college|childminding|childminders|playgroup|kindergarten)"
)
_SCHOOL = re.compile(rf"\b((?:[A-Z][A-Za-z'’.-]*\s+(?:(?:C of E|CE|RC)\s+)?){{1,4}})((?i:{_SCHOOL_WORD}))\b")
_SCHOOL_AFTER = re.compile(
    rf"\b((?:at|to|attends|from|goes to)\s+)((?!the\b|a\b|my\b|her\b|his\b|their\b|our\b)[a-z][a-z'’-]+\s+)"
    rf"({_SCHOOL_WORD})\b",
    re.IGNORECASE,
)

_TEN_DIGITS = re.compile(r"(?<![\w+])\d(?:[ .-]?\d){9}(?!\w)")
# Ten digits the writer calls an NHS number are one, whatever the check digit says.
_NHS_SAID = re.compile(
    r"\b(nhs\s*(?:no|num|number|#)?\.?\s*(?:is|was|=)?\s*[:#-]?\s*)\d(?:[ .-]?\d){9}(?![\d])", re.IGNORECASE
)
_LONG_NUMBER = re.compile(r"(?<![\w.])\d{6,}(?![\w.])")


@functools.lru_cache(maxsize=1)
def public_numbers() -> frozenset[str]:
    """The digits of every public line the assistant gives (data/areas/): those are advice."""
    digits = {"999", "111", "116123", "08001111", "101", "112"}
    for path in (DATA / "areas").glob("*.yml"):
        for number in re.findall(r"\b0\d[\d ]{6,12}\d\b|\b1\d\d ?\d{3}\b", path.read_text(encoding="utf-8")):
            digits.add(re.sub(r"\D", "", number))
    return frozenset(digits)


def _phones(text: str) -> str:
    spans = []
    for match in phonenumbers.PhoneNumberMatcher(text, "GB", leniency=phonenumbers.Leniency.POSSIBLE):
        digits = re.sub(r"\D", "", match.raw_string)
        national = "0" + str(match.number.national_number)
        if len(national) < 10 or digits in public_numbers() or national in public_numbers():
            continue  # "10/52" (ten weeks) and "2023" are not phone numbers
        if len(digits) == 10 and not match.raw_string.lstrip("(").startswith(("0", "+")):
            continue  # ten digits without a leading 0: an NHS number, taken below
        spans.append((match.start, match.end))
    for start, end in reversed(spans):
        text = text[:start] + "[phone number]" + text[end:]
    # What the matcher leaves: +44 (0)7700 900123 written oddly, 0 and 10 more digits.
    return re.sub(
        r"(?<![\d+])(?:\+\s?44\s?(?:\(0\)\s?)?|\(?0)(?:\d[\s)\-.]?){8,10}\d(?!\d)",
        lambda m: m.group(0) if re.sub(r"\D", "", m.group(0)) in public_numbers() else "[phone number]",
        text,
    )


def _ten_digits(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    if digits in public_numbers():
        return match.group(0)
    return "[NHS number]" if nhs.is_valid(digits) else "[number]"


# --- names ------------------------------------------------------------------------------------

# Words that never start or continue a name, whatever their case.
_STOP = set(
    """a an the and or but so if then than that this these those there here is are was were be been am
    i im i'm me my mine we us our you your he him his she her hers they them their it its it's not no yes
    of in on at to from for with by about into over under after before since until again also just only
    very really too quite still already now today tonight yesterday tomorrow morning evening night
    baby babies son daughter boy girl child children kid kids twins partner husband wife mum mom mam dad
    father mother nan nana nanna gran granny grandma grandad grandpa grandson granddaughter grandaughter
    sister brother sibling aunt auntie uncle niece nephew cousin friend neighbour boyfriend girlfriend ex
    grandmother grandfather stepmother stepfather stepmum stepdad godmother godfather
    health visitor hv gp midwife nurse doctor social worker sw teacher police officer foster carer carer
    parent parents family foster step new little old young first second last one two three four five
    six seven eight nine ten week weeks month months year years day days hour hours minute minutes
    hes shes theyre ive id ill dont cant wont isnt doesnt didnt please pls plz thanks thank help sorry
    hi hello hiya hey morning afternoon ok okay yeah yep well oh btw lol omg asap re query urgent
    worried scared tired exhausted struggling crying screaming poorly ill sick hot cold floppy fine
    good bad sure trying going looking calling writing asking ringing texting messaging back again
    known unknown not important at work away home out up down off""".split()
)
_TITLES = set("dr doctor sgt pc dc ds di mr mrs ms miss mx nurse prof rev cllr sister".split())
_FAMILY_TITLES = set(
    "grandad grandpa nan nana nanna gran granny grandma grandmother grandfather auntie aunty uncle".split()
)
# Where a name comes next: strong (anything that is not a stop word is the name) and weak (only a
# capitalised word, an unknown word or a first name is).
_STRONG_SLOT = re.compile(
    r"(?:\bmy\s+(?:full\s+)?names?\b|\bname\s*(?:'s|’s|s|is|was|me)\b|\bnames\s+is\b|\bname\s*[:=-]|"
    r"\b(?:is|was|be|get|gets|been)\s+called\b|\bcalled\b|\bnamed\b|\bknown\s+as\b|"
    r"\bcall(?:s|ed)?\s+(?:him|her|them)\b|\b(?:mother|father|mum|dad|child|baby|carer|sibling|parent)\s*:|"
    r"\bsigned\b)\s*[\"'(‘“]?\s*$",
    re.IGNORECASE,
)
_WEAK_SLOT = re.compile(
    r"(?:\b(?:mrs|mr|ms|miss|dr|pc|dc|sgt|prof|rev|cllr)\.?\s+$|\bi\s*'?\s*m\b|\bi’m\b|\bi\s+am\b|\bthis\s+is\b|(?:^|[.!?,]\s*|\bhi\s+|\bhello\s+|\bsorry\s+)it'?s\b|"
    r"\bit’s\b|\bthanks?\b|\bcheers\b|\bask\b|\btell\b|"
    r"\b(?:son|daughter|partner|husband|wife|boyfriend|girlfriend|fiance|fiancee|ex|mum|mom|mam|dad|"
    r"mother|father|stepdad|stepmum|step\s+dad|step\s+mum|nan|nana|nanna|gran|granny|grandma|grandad|"
    r"grandpa|grandson|granddaughter|grandaughter|niece|nephew|sister|brother|sibling|cousin|aunt|auntie|"
    r"aunty|uncle|friend|neighbour|missus|fella|baby|boy|girl|twin|twins|carer|childminder)\b"
    r"(?:\s+(?:is|was|=))?(?:\s*[,(\-–:]\s*|\s+))\s*[\"'(‘“]?\s*$",
    re.IGNORECASE,
)
_TOKEN = re.compile(r"[A-Za-z][A-Za-z'’-]*")
# Words that are capitalised for other reasons: places, services, medicines the assistant knows.
_KEEP_EXTRA = set(
    """nhs icon nspcc mash spoa samaritans childline calpol nurofen ibuprofen paracetamol dentinox infacol
    gaviscon sudocrem a&e ae cp lado cafcass ofsted hv gp sw pc edt eds eds cyp cin cpp lac iro
    monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs fri sat sun
    jan feb mar apr jun jul aug sep sept oct nov dec january february march april may june
    july august september october november december english polish romanian urdu arabic bengali
    front door portal whatsapp facebook instagram tiktok snapchat google teams slack zoom
    mondays tuesdays wednesdays thursdays fridays saturdays sundays weekend weekends
    moses tommee tippee colief menb mmr bcg rotavirus dtap calprofen piriton gripe infant infants
    paeds neonatal nicu scbu picu ae a&e ed edt ooh
    somali somalia polish poland romanian romania urdu punjabi bengali bangla arabic kurdish pashto dari
    farsi tigrinya amharic lithuanian latvian bulgarian slovak czech portuguese spanish italian french
    turkish ukrainian ukraine russian chinese mandarin cantonese vietnamese tamil gujarati hindi
    nigerian ghanaian eritrean afghan syrian iraqi iranian sudanese pakistani indian irish scottish welsh
    muslim islam christian catholic jewish hindu sikh buddhist ramadan eid diwali christmas easter
    derriford rd&e""".split()
)
# Words after a capitalised stranger that show an institution, not a person: "Russells Hall".
_INSTITUTION = set(
    """hall hospital house centre center trust panel review practice surgery clinic ward unit road street
    lane farm park school college academy nursery university council police court church mosque temple
    medical health foundation board team service services group children's childrens""".split()
)


@functools.lru_cache(maxsize=1)
def _known_words() -> frozenset[str]:
    path = SPACY_MODEL / KNOWN_WORDS_FILE
    return frozenset(path.read_text(encoding="utf-8").split()) if path.exists() else frozenset()


@functools.lru_cache(maxsize=1)
def _first_names() -> frozenset[str]:
    """First names, from gender-guesser's dictionary (48,000 names from many countries)."""
    import gender_guesser  # type: ignore[import-untyped]

    path = Path(gender_guesser.__file__).parent / "data" / "nam_dict.txt"
    found = set()
    for line in path.read_text(encoding="iso8859-1").splitlines():
        if line[:1] in "#=" or len(line) < 30:
            continue
        name = line[3:29].strip().lower()
        if name and " " not in name and "+" not in name:
            found.add(name)
    return frozenset(found)


@functools.lru_cache(maxsize=1)
def _surnames() -> frozenset[str]:
    """Surnames, from the US census list in `names` (88,000)."""
    import names  # type: ignore[import-untyped]

    path = Path(names.__file__).parent / "dist.all.last"
    return frozenset(line.split()[0].lower() for line in path.read_text().splitlines() if line.strip())


@functools.lru_cache(maxsize=1)
def _places() -> frozenset[str]:
    """Every word of the places the assistant knows (data/areas/): partnerships, their towns, and
    the places it has no contacts for. Those stay."""
    from actions.areas.files import load_directory

    directory = load_directory()
    names = [*directory.elsewhere]
    for area in directory.all:
        names += [area.name, area.id, *area.also_called]
    return frozenset(word.lower() for name in names for word in re.findall(r"[A-Za-z]+", name))


@functools.lru_cache(maxsize=1)
def _own_words() -> frozenset[str]:
    """Words of the bot's own content (its replies, guidance, safety words, area files): "Sepsis",
    "Meningitis", "Calpol" are what a message is about, never a person."""
    paths = [DATA.parent / "domain.yml", *(DATA / "guidance").glob("*.yml"), *(DATA / "areas").glob("*.yml")]
    paths += [DATA / "safety" / "words.yml"]
    words: set[str] = set()
    for path in paths:
        if path.exists():
            words.update(w.lower() for w in re.findall(r"[A-Za-z]{4,}", path.read_text(encoding="utf-8")))
    return frozenset(words)


def _bare(word: str) -> str:
    return re.sub(r"(?:'s|’s|')$", "", word).lower()


_CONTRACTION = re.compile(
    r"^(?:[a-z]+n[’']t|[a-z]+[’'](?:ll|re|ve|d|m)|"
    r"(?:he|she|it|that|there|what|who|where|here|let|how|everyone|nobody|somebody|someone)[’']s)$"
)


def _name_like(word: str, slot: str | None, sentence_start: bool) -> bool:
    if _CONTRACTION.match(word.lower()) and not word[0].isupper():
        return False  # isn't, she's, we'll: never a name
    bare = _bare(word)
    parts = [p for p in re.split(r"[-’']", bare) if p]
    if not parts or bare in _STOP or all(p in _KEEP_EXTRA or p in _places() for p in parts):
        return False
    known = all(p in _known_words() for p in parts)
    first = any(p in _first_names() for p in parts)
    capital = word[0].isupper()
    if word.isupper() and len(word) > 1 and (len(word) <= 3 or not (first and not known)):
        return False  # an acronym (DSL, NAI, DGH) or a message in capitals
    if slot == "strong":
        # "named person", "known as colic": a lower-case English word that is no first name is not one.
        return capital or not known or first
    if slot == "weak":
        return (capital and bare not in _TITLES) or not known or (first and bare not in _COMMON_FIRST_WORDS)
    if bare in _own_words() and not first:
        return False
    # Anywhere else: a first name that is no English word, a capitalised first name mid-sentence
    # ("scared of Jason"), or a capitalised stranger mid-sentence.
    if first and not known:
        return True
    if capital and not sentence_start and first and bare not in _COMMON_FIRST_WORDS:
        return True
    return capital and not sentence_start and not known and len(bare) > 1


def _surname_like(word: str) -> bool:
    """A word right after a name that goes with it: capitalised, or no English word ("begum")."""
    bare = _bare(word)
    if bare in _STOP or bare in _KEEP_EXTRA or bare in _places() or (word.isupper() and len(word) > 1):
        return False
    parts = [p for p in re.split(r"[-’']", bare) if p]
    if word[0].isupper() or not all(p in _known_words() for p in parts):
        return True
    # "amelia jones": a common surname right after a name, unless it is one of our own words.
    return bare in _surnames() and bare not in _own_words() and bare not in _COMMON_AFTER_NAME


# Words that follow a name in a sentence and are also surnames ("jack said", "sarah will").
_COMMON_AFTER_NAME = set(
    """will may said says is was has had can could would should did does and but or so then when while
    who how why what where here there now just still also too again only even very really back down
    up out over off away home born bell hand hands head king long little young good best rich love
    hurt cry cries cried crying sleep sleeps feed feeds fed wake woke walk walks""".split()
)

# First names that are everyday words: only a strong slot ("her name is hope") makes them a name.
_COMMON_FIRST_WORDS = set(
    """will may hope mark grace summer rose joy faith bill pat sue sky rain dawn april june art jack
    bob rob ray guy victor so an ok re""".split()
)


def _names(text: str) -> str:
    tokens = list(_TOKEN.finditer(text))
    spans: list[tuple[int, int]] = []
    previous_was_name = False
    index = 0
    while index < len(tokens):
        token = tokens[index]
        word = token.group(0)
        before = text[: token.start()]
        gap = text[tokens[index - 1].end() : token.start()] if index else before
        sentence_start = index == 0 or bool(re.search(r"[.!?:;]\s*$|\n\s*$", before))
        if previous_was_name and re.fullmatch(r"\s+", gap) and _surname_like(word):
            spans.append((token.start(), token.end()))
            index += 1
            continue
        previous_was_name = False
        slot = (
            "strong"
            if _STRONG_SLOT.search(before[-40:])
            else "weak"
            if _WEAK_SLOT.search(before[-40:])
            else None
        )
        bare = _bare(word)
        if slot and (bare in _TITLES or bare in _FAMILY_TITLES):
            index += 1  # "I'm Dr Okafor", "I am Grandad Pete": the name is after the title
            if index < len(tokens) and re.fullmatch(r"\.?\s+", text[token.end() : tokens[index].start()]):
                following = tokens[index]
                if _name_like(following.group(0), "strong", False):
                    spans.append((following.start(), following.end()))
                    previous_was_name = True
                index += 1
            continue
        next_word = tokens[index + 1].group(0) if index + 1 < len(tokens) else ""
        institution = bool(next_word) and next_word[0].isupper() and _bare(next_word) in _INSTITUTION
        if not (slot is None and institution) and _name_like(word, slot, sentence_start):
            spans.append((token.start(), token.end()))
            previous_was_name = True
        index += 1
    # "Kai Henderson", "Sue Barrington": a capitalised first name just before a name is part of it.
    starts = {start for start, _ in spans}
    for position, token in enumerate(tokens[1:], start=1):
        if token.start() in starts:
            before_token = tokens[position - 1]
            word = before_token.group(0)
            if (
                before_token.start() not in starts
                and text[before_token.end() : token.start()] == " "
                and word[0].isupper()
                and _bare(word) in _first_names()
                and _bare(word) not in _STOP
                and not word.isupper()
            ):
                spans.append((before_token.start(), before_token.end()))
    spans.sort()
    for start, end in reversed(spans):
        word = text[start:end]
        possessive = re.search(r"(?:'s|’s)$", word)
        text = text[:start] + "[name]" + (possessive.group(0) if possessive else "") + text[end:]
    return re.sub(r"\[name\](?:\s+\[name\])+", "[name]", text)


_PUBLIC = re.compile(
    r"(?<![\d+])(?:(?:\+44\s?(?:\(0\)\s?)?|0)\d{2,4}[ -]?\d{3,4}[ -]?\d{3,4}|"
    r"\d{3}[ -]?\d{3}|999|111|101)(?![\d])"
)


def redact(text: str) -> str:
    """The text with personal identifiers replaced by placeholders."""
    # The public lines (999, 111, the helplines, the partnerships' own) are advice: set aside first.
    # So are the places the assistant knows ("Brierley Hill" is a Dudley town, not a street): the
    # stored conversation is what Rasa reads back next turn, and the actions look for the place in it.
    kept: list[str] = []

    def keep(match: re.Match[str]) -> str:
        kept.append(match.group(0))
        return f"\x00{len(kept) - 1}\x00"

    def keep_public(match: re.Match[str]) -> str:
        digits = re.sub(r"\D", "", match.group(0))
        national = "0" + digits[2:] if digits.startswith("44") else digits
        return keep(match) if digits in public_numbers() or national in public_numbers() else match.group(0)

    text = text.replace("\x00", "")  # the marker below must be ours alone
    text = _PUBLIC.sub(keep_public, text)
    text = _place_names().sub(keep, text)
    text = _redact(text)
    return re.sub(r"\x00(\d+)\x00", lambda m: kept[int(m.group(1))], text)


@functools.lru_cache(maxsize=1)
def _place_names() -> re.Pattern[str]:
    from actions.areas.files import load_directory

    directory = load_directory()
    names = {*directory.elsewhere}
    for area in directory.all:
        names.update((area.name, *area.also_called))
    ordered = sorted((re.escape(name) for name in names if name), key=len, reverse=True)
    # Not when it names a street: "Wolverhampton Road", "Stoke Road".
    return re.compile(rf"\b(?:{'|'.join(ordered)})\b(?!\s+{_STREET_TYPE}\b)", re.IGNORECASE)


def _redact(text: str) -> str:
    for placeholder, pattern in _PATTERNS:
        text = pattern.sub(placeholder, text)
    text = _STREET.sub(lambda m: m.group(1) + "[street]", text)
    text = _NAMED_STREET.sub("[street]", text)
    text = _SCHOOL.sub(lambda m: "[school] " + m.group(2), text)
    text = _SCHOOL_AFTER.sub(lambda m: m.group(1) + "[school] " + m.group(3), text)
    text = _phones(text)
    text = _NHS_SAID.sub(lambda m: m.group(1) + "[NHS number]", text)
    text = _TEN_DIGITS.sub(_ten_digits, text)
    text = _LONG_NUMBER.sub(lambda m: m.group(0) if m.group(0) in public_numbers() else "[number]", text)
    return _names(text)


def redact_values(value: Any) -> Any:
    """Redact every string inside a JSON-like value (dicts, lists, strings)."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        # Ids (message_id, model_id) are ours, not anyone's words: left as they are.
        return {key: item if str(key).endswith("_id") else redact_values(item) for key, item in value.items()}
    if isinstance(value, list):
        return [redact_values(item) for item in value]
    return value
