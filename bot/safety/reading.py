"""Reading a message the way the safety rules need it: lower case, shortened words written out,
misspellings and text-speak corrected, every word reduced to its base form, numbers that matter
(a temperature, a baby's age, "sick 3 times") turned into named measures, and sentence ends kept
so that words from different sentences are never read together.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from typing import cast

from spacy.language import Language
from spacy.pipeline import Lemmatizer
from spacy.tokens import Doc

from bot.safety.rulebook import MEASURES

# Written forms of "not" and of shortened verbs, so "isnt", "isn't" and "is not" read the same.
CONTRACTIONS = {
    "n't": "not",
    "nt": "not",
    "'m": "be",
    "m": "be",
    "'re": "be",
    "re": "be",
    "'ve": "have",
    "ve": "have",
    "'ll": "will",
    "ll": "will",
    "'d": "would",
    "d": "would",
    "'s": "be",
    "s": "be",
    "ca": "can",
    "wo": "will",
    "ai": "be",
}
# Where a sentence ends (. ! ? ; or a new line): words either side are never read as one finding.
SENTENCE_END = MEASURES["<sentence end>"]
# Where "not" stops applying: "not breathing and floppy" does not mean "not floppy".
CLAUSE_BREAKS = frozenset(
    {
        SENTENCE_END,
        ",",
        "but",
        "and",
        "though",
        "although",
        "however",
        "so",
        "because",
        "cause",
        "cos",
        "coz",
        "then",
        "now",
        "he",
        "she",
        "they",
        "it",
        "i",
        "you",
        "we",
    }
)
NEGATIONS = frozenset({"not", "no", "never", "without", "nothing", "none", "nor", "neither"})

_REPEATS = re.compile(r"([a-z])\1{2,}")
_STARTED_FITTING = re.compile(r"\b(started|starts|began|begun|keeps|kept) fitting\b")
_NEVER_THIS = re.compile(
    r"\b(?:never|not ever)\s+(?:(?:been|seen|looked|felt|known|had)\s+)?"
    r"(?:(?:him|her|them|it|my baby|the baby|baby|my son|my daughter|my grandson|my granddaughter)\s+)?"
    r"(?=(?:this|that|so)\s+[a-z])"
)
_SENTENCE_MARKS = re.compile(r"[.!?;\n]+(?=\s|$)|[!?;\n]+")
_NOT_A_WORD = re.compile(r"[^\w'\s,]+")
_WORD_NUMBERS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "several": 3,
    "loads of": 5,
    "lots of": 5,
    "many": 5,
}
_NUMBER = r"(\d{1,3}|" + "|".join(sorted(_WORD_NUMBERS, key=len, reverse=True)) + r")"
_AGE = re.compile(
    r"(?<![\w.,])" + _NUMBER + r"\s*-?\s*(days?|d|wks?|weeks?|w|/52|mo|mos|mths?|months?|mnths?|"
    r"yrs?|years?|y)(?![a-z])(\s*-?\s*olds?)?",
)
_DAY_OF_LIFE = re.compile(r"\bday\s*(\d{1,2})\b")
# Words just before a number of days or weeks that make it a length of time, not an age.
_DURATION_BEFORE = re.compile(
    r"\b(for|past|last|since|over|every|within|after|in|about|nearly|almost|been|lasted|each|"
    r"per|than)\s+(the\s+)?(last\s+|past\s+)?$"
)
_TEMPERATURE = re.compile(
    r"(?<![\w.])(\d{2,3})(?:\s*[.,]\s*(\d{1,2})|\s+point\s+(\d|something|\w+))?\s*"
    r"(°\s*[cf]?|degrees?(\s*[cf])?|deg|celsius|centigrade|fahrenheit|c|f)?(?![a-z])"
)
_TEMPERATURE_WORDS = re.compile(
    r"\b(temp|temps|temperature|fever|feverish|thermometer|hot|burning|warm|degrees?|°)"
)
_TIMES = re.compile(r"(?<![\w.])" + _NUMBER + r"\s+times?\b")
# "6 wks old, 38.4 and won't feed": a number with one decimal between 34 and 42.9 is a temperature
# even without a word for one (ages, weights and times are not written that way).
_DECIMAL_TEMPERATURE = re.compile(
    r"(?<![\w.£$])(3[4-9]|4[0-2])[.,](\d)(?![\d.])(?!\s*(kg|lb|lbs|cm|kilos?|pounds?|weeks?|wks?|%))"
)


def measures(text: str) -> str:
    """The text with temperatures, ages and counts replaced by the measure words of MEASURES."""
    text = _DAY_OF_LIFE.sub(lambda m: f" {MEASURES['<age under 3 months>']} ", text)
    text = _AGE.sub(lambda m: _age(m, text), text)
    if _TEMPERATURE_WORDS.search(text):
        text = _TEMPERATURE.sub(_temperature, text)
    else:
        text = _DECIMAL_TEMPERATURE.sub(
            lambda m: _temperature_token(int(m.group(1)) + int(m.group(2)) / 10), text
        )
    return _TIMES.sub(_times, text)


def _number(word: str) -> int:
    return int(word) if word.isdigit() else _WORD_NUMBERS.get(word, 0)


def _age(match: re.Match[str], text: str) -> str:
    amount, unit, old = _number(match.group(1)), match.group(2), match.group(3)
    before = text[: match.start()]
    if not old and (
        _DURATION_BEFORE.search(before) or re.match(r"\s*(ago|now|later)\b", text[match.end() :])
    ):
        return match.group(0)
    if match.group(1) in ("a", "an") and not old:
        return match.group(0)
    if unit.startswith(("d",)):
        days = amount
    elif unit.startswith("w") or unit == "/52":
        days = amount * 7
    elif unit.startswith("y"):
        days = amount * 365
    else:
        days = amount * 30
    if days < 91:
        return f" {MEASURES['<age under 3 months>']} "
    if days < 365:
        return f" {MEASURES['<age 3 to 11 months>']} "
    return f" {MEASURES['<age 1 year or more>']} "


def _temperature(match: re.Match[str]) -> str:
    whole = int(match.group(1))
    unit = (match.group(4) or "").replace(" ", "")
    fraction = match.group(2) or (match.group(3) if (match.group(3) or "").isdigit() else "")
    value: float = whole + (int(fraction) / 10 ** len(fraction) if fraction else 0)
    if unit.endswith(("f", "fahrenheit")) or 90 <= value <= 110:
        value = (value - 32) * 5 / 9
    if not 34 <= value <= 43:
        return match.group(0)
    return _temperature_token(value)


def _temperature_token(value: float) -> str:
    if value < 36:
        return f" {MEASURES['<temperature under 36C>']} "
    return f" {MEASURES['<temperature 38C or more>' if value >= 38 else '<temperature under 38C>']} "


def _times(match: re.Match[str]) -> str:
    return f" {MEASURES['<3 times or more>']} " if _number(match.group(1)) >= 3 else match.group(0)


class Reader:
    """Turns a message into a Doc whose lemmas are the keys the rules are matched on."""

    def __init__(
        self,
        nlp: Language,
        misspellings: dict[str, str],
        keywords: Iterable[str],
        known_words: Iterable[str],
        real_words: Iterable[str],
    ) -> None:
        self._nlp = nlp
        lemmatizer = cast(Lemmatizer, nlp.get_pipe("lemmatizer"))
        self._lemmas = lemmatizer.lookups.get_table("lemma_lookup")
        self._misspellings = misspellings
        # By length, in alphabetical order: a word one slip from two keywords ("nanna": "nanny",
        # "wanna") is always read the same way (a set's order changes with each start of Python).
        self._keywords: dict[int, list[str]] = defaultdict(list)
        for word in sorted({word for word in keywords if len(word) >= 5 and word.isalpha()}):
            self._keywords[len(word)].append(word)
        self._leave_alone = set(keywords) | set(known_words) | set(real_words)

    def key(self, word: str) -> str:
        """The base form a word is matched by: "breathing" -> "breathe", "isnt" -> "is not"."""
        if word in CONTRACTIONS:
            return CONTRACTIONS[word]
        return self._lemmas.get(word, word)

    def split(self, phrase: str) -> list[str]:
        """The words of a phrase as the tokenizer splits them ("can't" -> "ca", "n't")."""
        return [token.text for token in self._nlp.tokenizer(phrase.lower()) if not token.is_space]

    def read(self, text: str) -> Doc:
        cleaned = text.lower().replace("’", "'").replace("‘", "'").replace("&", " and ")
        # "never been this floppy", "never seen her so pale": more than ever, not a "not".
        cleaned = _NEVER_THIS.sub("", cleaned)
        # "started fitting in his car seat" is a seizure; "fitting in the car seat" is a size.
        cleaned = _STARTED_FITTING.sub(r"\1 seizing", cleaned)
        cleaned = measures(cleaned)
        cleaned = _SENTENCE_MARKS.sub(f" {SENTENCE_END} ", cleaned)
        cleaned = _NOT_A_WORD.sub(" ", cleaned)
        words: list[str] = []
        for token in self._nlp.tokenizer(cleaned):
            if token.is_space or token.text == "'":
                continue
            for word in self.correct(token.text.strip("'")).split():
                words.append(word)
        # The message's own start and end are sentence ends too, so a rule can say "a message
        # that is only a cry for help" ("zzstop help zzstop") without a separate kind of anchor.
        if not words or words[0] != SENTENCE_END:
            words.insert(0, SENTENCE_END)
        if words[-1] != SENTENCE_END:
            words.append(SENTENCE_END)
        keys = [self.key(word) for word in words]
        return Doc(self._nlp.vocab, words=words, lemmas=keys)

    def correct(self, word: str) -> str:
        """A misspelt or text-speak word as the rules spell it: "breathng" -> "breathing"."""
        if _REPEATS.search(word):  # "noooo", "sleeeepy", "breathinggg"
            single, double = _REPEATS.sub(r"\1", word), _REPEATS.sub(r"\1\1", word)
            known = [w for w in (single, double) if w in self._leave_alone or w in self._misspellings]
            word = known[0] if known else single
        if word in self._misspellings:
            return self._misspellings[word]
        if len(word) < 5 or word in self._leave_alone or not word.isalpha():
            return word
        if self._lemmas.get(word, word) in self._leave_alone:
            return word
        for size in (len(word) - 1, len(word), len(word) + 1):
            for keyword in self._keywords.get(size, ()):
                if one_slip_apart(word, keyword):
                    return keyword
        return word


def one_slip_apart(a: str, b: str) -> bool:
    """True when a and b differ by one inserted, deleted, changed or swapped letter."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diffs = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        if len(diffs) == 1:
            return True
        return (
            len(diffs) == 2
            and diffs[1] == diffs[0] + 1
            and a[diffs[0]] == b[diffs[1]]
            and a[diffs[1]] == b[diffs[0]]
        )
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))
