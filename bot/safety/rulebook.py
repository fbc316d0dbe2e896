"""The safety net's rule files (`data/safety/`), read and checked into plain data.

Nothing here matches text: it turns the YAML a safeguarding lead edits into concepts and rules,
and refuses a file it cannot read exactly, naming the file and the field (an unknown key such as
`flag:` for `rules:` is an error, never silently skipped), because a safety net with a rule
quietly missing is worse than one that will not start.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

# The replies, most urgent first: when several rules match, the most urgent tier answers.
TIERS = (
    "emergency",
    "parent_crisis",
    "domestic_abuse",
    "breaking_point",
    "urgent_health",
    "safety_check",
)
WORDS_FILE = "words.yml"
NOT_A_REPORT_FILE = "not_a_report.yml"
# Readable names for what the reader finds in numbers ("38.5", "6 weeks old", "3 times").
MEASURES = {
    "<temperature 38C or more>": "ztempthirtyeightplus",
    "<temperature under 38C>": "ztempunderthirtyeight",
    # Abnormally cold (FACTS.md section 2: "pale, mottled and abnormally cold"): under 36C.
    "<temperature under 36C>": "ztempunderthirtysix",
    "<age under 3 months>": "zageunderthreemonths",
    "<age 3 to 11 months>": "zagethreetoelevenmonths",
    "<age 1 year or more>": "zageoneyearplus",
    "<3 times or more>": "zthreetimesplus",
    # Not a number: the end of a sentence, and the start and end of the whole message.
    "<sentence end>": "zzstop",
}
_CONCEPT_NAME = re.compile(r"^[A-Z][A-Z0-9_]+$")


class _Loader(yaml.SafeLoader):
    """YAML as people write word lists: `no`, `off` and `on` stay words, only true/false are yes/no."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|false)$"), list("tf"))
_RULE_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


class RulebookError(ValueError):
    """A rule file that cannot be used, with the file and the field named."""


@dataclass(frozen=True)
class Concept:
    """A named set of words and short phrases that mean one thing ("BREATHING", "BABY")."""

    name: str
    meaning: str
    words: tuple[str, ...]
    # False for words whose absence is the danger (breathing, waking): "not" is part of the rule.
    cancelled_by_not: bool = True


@dataclass(frozen=True)
class Alternative:
    """One way a rule can match: `parts` all found near each other in one sentence, and none of
    `without` in that sentence. Written "A + B - C"."""

    parts: tuple[str, ...]
    without: tuple[str, ...] = ()

    @property
    def phrases(self) -> tuple[str, ...]:
        return self.parts + self.without


@dataclass(frozen=True)
class Rule:
    """Words that, found together, lead to one tier of reply."""

    name: str
    tier: str
    meaning: str
    # Which wording of the tier's reply fits (a variation of the response in domain.yml).
    concern: str
    # Alternatives: any one of them matching is enough.
    match: tuple[Alternative, ...]
    unless: tuple[str, ...] = ()
    # Only when the assistant has not otherwise understood the message.
    when_unsure: bool = False
    near: int = 10
    # Whether the parts may be in different sentences of the message ("A bruise. She's 6 weeks.").
    across_sentences: bool = False
    source: str = ""


@dataclass(frozen=True)
class Rulebook:
    concepts: dict[str, Concept]
    rules: tuple[Rule, ...]
    misspellings: dict[str, str]
    real_words: frozenset[str]
    # Talk about danger that is not a report: the whole clause it is in never counts.
    not_a_report: tuple[str, ...]
    # Everyday phrases that look like danger ("baby monitor", "a bit"): their words never count.
    everyday: tuple[str, ...] = ()
    # The writer says there is no child, case or incident ("no child involved, just the policy"):
    # nothing in the message counts.
    no_case: tuple[str, ...] = ()
    # Asking what to do if ("what do I do if he's not breathing"): a clause that is no report for
    # most tiers, but may be one happening now, so a 999 sign in it gets the safety question.
    asking_what_to_do: tuple[str, ...] = ()
    # The worry is over, said last: a doctor or nurse checked ("GP checked him and said fine"), or
    # it has fully passed ("back to her usual self"). What each settles: bot/safety/net.py.
    checked_fine: tuple[str, ...] = ()
    over_now: tuple[str, ...] = ()
    # Well for a long time since ("fine ever since", with "last year"): with `long_ago` in the
    # message, an illness that was an emergency then is not one now.
    over_since: tuple[str, ...] = ()
    long_ago: tuple[str, ...] = ()

    def rule(self, name: str) -> Rule:
        return next(rule for rule in self.rules if rule.name == name)


def load_rulebook(folder: Path) -> Rulebook:
    """Every rule file in `folder`: words.yml, not_a_report.yml and one file per tier."""
    if not (folder / WORDS_FILE).exists():
        raise RulebookError(f"{folder / WORDS_FILE} is missing: the safety net has no words")
    words = _read(folder / WORDS_FILE, {"concepts", "misspellings", "real_words"})
    concepts = _concepts(words.get("concepts"), WORDS_FILE)
    misspellings: dict[str, str] = {}
    for word, variants in (words.get("misspellings") or {}).items():
        if not isinstance(variants, list):
            raise RulebookError(f"{WORDS_FILE}: misspellings.{word} must be a list")
        misspellings.update({str(v).lower(): str(word).lower() for v in variants})
    real_words = frozenset(str(w).lower() for w in words.get("real_words") or [])

    not_a_report: tuple[str, ...] = ()
    everyday: tuple[str, ...] = ()
    no_case: tuple[str, ...] = ()
    asking: tuple[str, ...] = ()
    over: dict[str, tuple[str, ...]] = {}
    if (folder / NOT_A_REPORT_FILE).exists():
        content = _read(
            folder / NOT_A_REPORT_FILE,
            {
                "talking_about",
                "asking_what_to_do",
                "everyday",
                "no_case",
                "checked_fine",
                "over_now",
                "over_since",
                "long_ago",
            },
        )
        for key in ("checked_fine", "over_now", "over_since", "long_ago"):
            over[key] = _strings(content.get(key) or [], f"{NOT_A_REPORT_FILE}: {key}")
        not_a_report = _strings(content.get("talking_about") or [], f"{NOT_A_REPORT_FILE}: talking_about")
        everyday = _strings(content.get("everyday") or [], f"{NOT_A_REPORT_FILE}: everyday")
        no_case = _strings(content.get("no_case") or [], f"{NOT_A_REPORT_FILE}: no_case")
        asking = _strings(content.get("asking_what_to_do") or [], f"{NOT_A_REPORT_FILE}: asking_what_to_do")

    rules: list[Rule] = []
    for path in sorted(folder.glob("*.yml")):
        if path.name in (WORDS_FILE, NOT_A_REPORT_FILE):
            continue
        rules.extend(_tier_file(path))
    if not rules:
        raise RulebookError(f"no rules in {folder}: the safety net must never run empty")
    names = [rule.name for rule in rules]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise RulebookError(f"rule names used twice: {', '.join(repeated)}")
    book = Rulebook(
        concepts,
        tuple(rules),
        misspellings,
        real_words,
        not_a_report,
        everyday,
        no_case,
        asking_what_to_do=asking,
        **over,
    )
    _check_references(book)
    return book


def concept_names_in(phrase: str) -> list[str]:
    """The concepts a phrase refers to: words written in capitals ("SOMEONE * HARMED * BABY")."""
    without_measures = re.sub(r"<[^>]*>", " ", phrase)
    return [
        choice
        for word in re.split(r"[\s()?]+", without_measures)
        for choice in word.split("|")
        if choice and choice.upper() == choice and re.search(r"[A-Z]", choice)
    ]


def _tier_file(path: Path) -> list[Rule]:
    # "flags", not "rules": Rasa reads every file under data/ and takes a `rules:` key as its own.
    content = _read(path, {"tier", "flags"})
    tier = content.get("tier")
    if tier not in TIERS:
        raise RulebookError(f"{path.name}: 'tier' must be one of {', '.join(TIERS)}, not {tier!r}")
    entries = content.get("flags")
    if not isinstance(entries, list) or not entries:
        raise RulebookError(f"{path.name}: 'flags' must be a list of rules")
    return [_rule(entry, tier, path.name) for entry in entries]


def _rule(entry: Any, tier: str, file: str) -> Rule:
    fields = {"name", "meaning", "concern", "match", "unless", "when_unsure", "near", "across_sentences"}
    if not isinstance(entry, dict):
        raise RulebookError(f"{file}: every rule must be a mapping with a name")
    where = f"{file}: rule {entry.get('name', '?')!r}"
    unknown = sorted(set(entry) - fields)
    if unknown:
        raise RulebookError(f"{where}: unknown field {unknown[0]!r} (fields: {', '.join(sorted(fields))})")
    for field in ("name", "meaning", "match"):
        if not entry.get(field):
            raise RulebookError(f"{where} has no {field!r}")
    if not _RULE_NAME.match(str(entry["name"])):
        raise RulebookError(f"{where}: names are lower case words joined by _")
    match = tuple(_alternative(text, where) for text in _strings(entry["match"], f"{where}: match"))
    near = entry.get("near", 10)
    if not isinstance(near, int) or not 1 <= near <= 40:
        raise RulebookError(f"{where}: 'near' must be a number of words from 1 to 40")
    return Rule(
        name=str(entry["name"]),
        tier=tier,
        meaning=" ".join(str(entry["meaning"]).split()),
        concern=str(entry.get("concern") or tier),
        match=match,
        unless=_strings(entry.get("unless") or [], f"{where}: unless"),
        when_unsure=bool(entry.get("when_unsure", False)),
        near=near,
        across_sentences=bool(entry.get("across_sentences", False)),
        source=file,
    )


def _alternative(text: str, where: str) -> Alternative:
    """ "A + B - C" -> parts (A, B), without (C)."""
    pieces = re.split(r"\s+([+-])(?:\s+|$)", text.strip() + " ")
    parts: list[str] = [pieces[0].strip()]
    without: list[str] = []
    for operator, piece in zip(pieces[1::2], pieces[2::2], strict=True):
        (parts if operator == "+" else without).append(piece.strip())
    if not all(parts) or not all(without):
        raise RulebookError(f"{where}: {text!r} has an empty part around + or -")
    return Alternative(tuple(parts), tuple(without))


def _concepts(raw: Any, file: str) -> dict[str, Concept]:
    if not isinstance(raw, dict) or not raw:
        raise RulebookError(f"{file}: 'concepts' must map concept names to their words")
    concepts: dict[str, Concept] = {}
    for name, entry in raw.items():
        where = f"{file}: concept {name!r}"
        if not _CONCEPT_NAME.match(str(name)):
            raise RulebookError(f"{where}: concept names are written in capitals, like BABY")
        if not isinstance(entry, dict):
            raise RulebookError(f"{where} needs 'meaning' and 'words'")
        unknown = sorted(set(entry) - {"meaning", "words", "cancelled_by_not"})
        if unknown:
            raise RulebookError(f"{where}: unknown field {unknown[0]!r}")
        if not entry.get("meaning") or not entry.get("words"):
            raise RulebookError(f"{where} needs 'meaning' and 'words'")
        concepts[str(name)] = Concept(
            name=str(name),
            meaning=" ".join(str(entry["meaning"]).split()),
            words=_strings(entry["words"], f"{where}: words"),
            cancelled_by_not=bool(entry.get("cancelled_by_not", True)),
        )
    return concepts


def _check_references(book: Rulebook) -> None:
    """Every concept a phrase names exists, and no concept is defined through itself."""

    def check(phrases: Iterable[str], where: str) -> None:
        for phrase in phrases:
            for name in concept_names_in(phrase):
                if name not in book.concepts:
                    raise RulebookError(
                        f"{where}: {phrase!r} names {name}, which words.yml does not define "
                        "(ordinary words are written in lower case)"
                    )
            for measure in re.findall(r"<[^>]*>", phrase):
                if measure not in MEASURES:
                    raise RulebookError(f"{where}: {measure} is not one of {', '.join(MEASURES)}")

    for concept in book.concepts.values():
        check(concept.words, f"{WORDS_FILE}: concept {concept.name}")
    for rule in book.rules:
        check([p for alt in rule.match for p in alt.phrases], f"{rule.source}: rule {rule.name!r}")
        check(rule.unless, f"{rule.source}: rule {rule.name!r}")
    check(
        book.not_a_report
        + book.everyday
        + book.no_case
        + book.asking_what_to_do
        + book.checked_fine
        + book.over_now
        + book.over_since
        + book.long_ago,
        NOT_A_REPORT_FILE,
    )

    def visit(name: str, path: tuple[str, ...]) -> None:
        if name in path:
            raise RulebookError(
                f"{WORDS_FILE}: concept {name} is defined through itself ({' -> '.join(path + (name,))})"
            )
        for word in book.concepts[name].words:
            for inner in concept_names_in(word):
                visit(inner, path + (name,))

    for name in book.concepts:
        visit(name, ())


def _read(path: Path, fields: set[str]) -> dict[str, Any]:
    try:
        content = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506
    except yaml.YAMLError as error:
        raise RulebookError(f"{path.name}: not valid YAML ({error})") from error
    if not isinstance(content, dict):
        raise RulebookError(f"{path.name}: expected a mapping of fields")
    unknown = sorted(set(content) - fields)
    if unknown:
        raise RulebookError(
            f"{path.name}: unknown field {unknown[0]!r} (fields: {', '.join(sorted(fields))})"
        )
    return content


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise RulebookError(f"{where} must be a list of phrases")
    # A number on its own ("999") is a word too.
    words = [str(v).strip() if isinstance(v, (str, int)) and not isinstance(v, bool) else "" for v in value]
    if not all(words):
        raise RulebookError(f"{where} must be a list of phrases (one is empty or not text)")
    return tuple(words)
