"""The safety net: deterministic rules, built from named concepts, over a message's words.

`SafetyNet.assess(text)` says which tier of safety reply a message needs (emergency, a parent's
own crisis, domestic abuse, breaking point, urgent health advice, or one direct safety question),
which rule decided it, and which wording of the reply fits. The rules are data
(`data/safety/`, read by `bot.safety.rulebook`); the message is read by `bot.safety.reading`;
this module finds the rules' parts in the message and decides. It knows nothing about Rasa.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from bot.safety.phrases import (
    Phrase,
    PhraseFinder,
    PhraseIndex,
    PhraseParser,
    _Text,
    concepts_of,
    find,
    has_negation,
    words_of,
)
from bot.safety.reading import CLAUSE_BREAKS, NEGATIONS, SENTENCE_END, Reader
from bot.safety.rulebook import TIERS, Rule, Rulebook, load_rulebook
from bot.settings import KNOWN_WORDS_FILE

# Where talk about danger ("what are the signs of a fit") stops applying.
REPORT_BREAKS = frozenset({SENTENCE_END, ",", "but", "though", "although", "however"})
# How far back a "not" reaches: "not floppy", "isn't really floppy".
NEGATION_REACH = 3
# The concept whose words name people other than the writer; a `*` in an exception never skips
# one, so "scared I might hurt her" is excused but "scared because I think he hurt her" is not.
OTHER_PEOPLE = "SOMEONE"
# Said last, "it is over now" (not_a_report.yml) settles some replies for what came before it:
# - `checked_fine` (a doctor, nurse or pharmacist checked and said it's fine): urgent-health advice
#   and the safety question, but never for a bruise, mark or mouth injury on a baby who isn't
#   moving about (the reviews warn about exactly "the GP said it's fine");
# - `over_now` (the parent says it has fully passed: "all better now"): the advice for a fever or
#   an illness, and the safety question; never a head injury or a fever under 3 months, which
#   need a doctor whatever the baby seems like now (FACTS section 2);
# - `over_since` with `long_ago` ("fine ever since" and "last year"): as `over_now`.
# Nothing of the emergency, crisis, abuse or breaking-point tiers is ever settled (a fit now "and he
# had one last year, fine since" is an emergency), nor anything when someone may have hurt the baby.
# A "not" before the words ("hasn't been well since") means it is not over.
SETTLED_BY_CHECK = frozenset(
    {"fever_under_3_months", "fever", "unwell", "breathing", "head_injury", "unclear"}
)
SETTLED_BY_OVER = frozenset({"fever", "unwell", "breathing", "unclear"})
NEVER_SETTLED_WITH = frozenset({"HARMED", "ROUGH", "COVER_FACE", "HEAD_WHIPPED"})
UNSETTLED_TOGETHER = ("INJURY", "NOT_MOVING_ABOUT")
SETTLED_TIERS = frozenset({"urgent_health", "safety_check"})
# "What do I do if he's not breathing": a 999 sign inside `asking_what_to_do` is met with the
# safety question (the 999 signs and "is your baby breathing normally and responding to you right
# now?"), which answers a general question and catches one that is happening now.
ASKED_TIER = "emergency"
ASKED_REPLY = "safety_check"
ASKED_RULE = "asked_what_to_do_about_a_999_sign"
ASKED_CONCERN = "unclear"
# Words after "it's over" that open the worry again: "GP said fine, but now she's floppy".
REOPENERS = frozenset({"but", "though", "although", "however", "again", "worse", "except"})


@dataclass(frozen=True)
class Finding:
    """A rule that matched: the tier of reply, the rule's name, and the wording that fits."""

    tier: str
    rule: str
    concern: str


@dataclass(frozen=True)
class Assessment:
    """What the safety net made of a message."""

    # The most urgent rule that always applies, if any.
    finding: Finding | None
    # The most urgent rule that applies only when the message was not otherwise understood.
    if_unsure: Finding | None
    # The concepts found in the message (not cancelled by "not"), e.g. PROFESSIONAL.
    concepts: frozenset[str]
    # The message ends saying the worry is over ("she's back to her usual self"), for explaining.
    over: bool = False


@dataclass(frozen=True)
class Evaluation:
    """The working behind an assessment: the words as read, each part's places in them (and where
    a "not" cancelled one), the exceptions found, and the rules that fired."""

    doc: Doc
    spans: dict[str, list[tuple[int, int]]]
    negated: dict[str, list[tuple[int, int]]]
    excluded: dict[str, list[tuple[int, int]]]
    fired: list[Rule]
    concepts: frozenset[str]
    # Rules that matched but were settled by "it's over now" said after them.
    settled: tuple[Rule, ...] = ()
    over: bool = False
    # 999 signs inside "what do I do if ...": not a report for sure, so the safety question.
    asked: tuple[Rule, ...] = ()


class SafetyNet:
    """A rulebook compiled into spaCy matchers."""

    def __init__(self, nlp: Language, book: Rulebook, known_words: Iterable[str] = ()) -> None:
        self.book = book
        # Read the phrases once to learn their words, which misspellings are corrected towards.
        spelling = PhraseParser(Reader(nlp, book.misspellings, (), (), ()), book.concepts)
        written = [w for concept in book.concepts.values() for w in concept.words]
        written += [p for rule in book.rules for alt in rule.match for p in alt.phrases]
        written += [p for rule in book.rules for p in rule.unless]
        written += list(book.not_a_report) + list(book.everyday) + list(book.no_case)
        written += list(book.asking_what_to_do)
        keywords = set().union(*(words_of(spelling.parse(phrase)) for phrase in written))
        self._reader = Reader(nlp, book.misspellings, keywords, known_words, book.real_words)
        parser = PhraseParser(self._reader, book.concepts)

        others: set[str] = set()
        if OTHER_PEOPLE in book.concepts:
            for word in book.concepts[OTHER_PEOPLE].words:
                words = parser.parse(word).single_words
                if words:
                    others |= words[0] | words[1]
        self._finder = PhraseFinder(book.concepts, parser, never_skip=others, everyday=book.everyday)
        self._parts: dict[str, Phrase] = {}
        self._negatable: dict[str, bool] = {}
        for phrase in sorted({p for rule in book.rules for alt in rule.match for p in alt.phrases}):
            sequence = parser.parse(phrase)
            self._parts[phrase] = sequence
            self._negatable[phrase] = not has_negation(sequence) and all(
                book.concepts[name].cancelled_by_not for name in concepts_of(sequence)
            )
        self._exceptions = {
            rule.name: [parser.parse(phrase) for phrase in rule.unless] for rule in book.rules
        }
        # A reassurance such as BREATHING_FINE is turned round by a "not" ("NOT breathing
        # normally"); other exceptions describe the context, and a "not" leaves them standing.
        self._reassurance = {
            id(phrase): any(book.concepts[c].cancelled_by_not for c in concepts_of(phrase))
            and not has_negation(phrase)
            for phrases in self._exceptions.values()
            for phrase in phrases
        }
        self._checked_fine = [parser.parse(phrase) for phrase in book.checked_fine]
        self._over_now = [parser.parse(phrase) for phrase in book.over_now]
        self._over_since = [parser.parse(phrase) for phrase in book.over_since]
        self._long_ago = [parser.parse(phrase) for phrase in book.long_ago]
        self._exceptions["*"] = [parser.parse(phrase) for phrase in book.not_a_report]
        self._exceptions["**"] = [parser.parse(phrase) for phrase in book.no_case]
        self._exceptions["?"] = [parser.parse(phrase) for phrase in book.asking_what_to_do]
        # Looked up by their first words: a message is matched only against what could start in it.
        self._part_names = list(self._parts)
        self._part_index = PhraseIndex(self._parts.values())
        self._exception_names = [name for name, phrases in self._exceptions.items() for _ in phrases]
        self._exception_index = PhraseIndex(p for phrases in self._exceptions.values() for p in phrases)

    @classmethod
    def from_paths(cls, spacy_model: Path, rules_dir: Path) -> SafetyNet:
        known = spacy_model / KNOWN_WORDS_FILE
        if not known.exists():
            raise FileNotFoundError(f"{known} is missing: rebuild with `python -m tools.spacy_pipeline`")
        return cls(
            spacy.load(spacy_model),
            load_rulebook(rules_dir),
            known.read_text(encoding="utf-8").split(),
        )

    @property
    def rule_names(self) -> list[str]:
        return [rule.name for rule in self.book.rules]

    def assess(self, text: str) -> Assessment:
        evaluation = self.evaluate(text)
        always = [rule for rule in evaluation.fired if not rule.when_unsure]
        unsure = [rule for rule in evaluation.fired if rule.when_unsure]
        finding = _most_urgent(always)
        if finding is None and evaluation.asked:
            finding = Finding(tier=ASKED_REPLY, rule=ASKED_RULE, concern=ASKED_CONCERN)
        return Assessment(finding, _most_urgent(unsure), evaluation.concepts, evaluation.over)

    def evaluate(self, text: str) -> Evaluation:
        """Everything the net found in a message, for deciding and for explaining a decision."""
        doc = self._reader.read(text)
        found = self._finder.concept_spans(doc)
        spans: dict[str, list[tuple[int, int]]] = defaultdict(list)
        negated: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for number in self._part_index.candidates(found):
            part, sequence = self._part_names[number], self._part_index.phrases[number]
            for start, ends in find(sequence, found, exception=False).items():
                for end in ends:
                    cancelled = self._negatable[part] and _negated(doc, start)
                    (negated if cancelled else spans)[part].append((start, end))
        excluded: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for number in self._exception_index.candidates(found):
            name, sequence = self._exception_names[number], self._exception_index.phrases[number]
            for start, ends in find(sequence, found, exception=True).items():
                if self._reassurance.get(id(sequence)) and _negated(doc, start):
                    continue
                for end in ends:
                    if name in ("*", "?"):  # talking about danger: the whole clause is not a report
                        excluded[name].append(_clause_around(doc, start, end))
                    elif name == "**":  # no child, case or incident: nothing is a report
                        excluded["*"].append((0, len(doc)))
                    else:
                        excluded[name].append((start, end))
        # Everyday phrases hide only the words inside them ("a bit" hides "bit", not "a bit darker").
        for part, found_spans in spans.items():
            spans[part] = [span for span in found_spans if not found.is_hidden(*span)]
        if found.hidden:
            excluded["everyday"] = list(found.hidden)
        everywhere = excluded["*"] + excluded["?"]
        fired = [
            rule
            for rule in self.book.rules
            if self._matches(rule, doc, spans, excluded[rule.name] + everywhere)
        ]
        # "What do I do if he's not breathing" may be happening now: a 999 sign asked about.
        asked = tuple(
            rule
            for rule in self.book.rules
            if rule.tier == ASKED_TIER
            and excluded["?"]
            and rule not in fired
            and self._matches(rule, doc, spans, excluded[rule.name] + excluded["*"])
        )
        fired, settled, over = self._settle(doc, found, spans, excluded, fired)
        concepts = frozenset(
            name
            for name, concept in self.book.concepts.items()
            if any(
                not _inside((start, end), everywhere)
                and not (concept.cancelled_by_not and _negated(doc, start))
                for start, ends in found.concepts.get(name, {}).items()
                for end in ends
            )
        )
        return Evaluation(
            doc, dict(spans), dict(negated), dict(excluded), fired, concepts, tuple(settled), over, asked
        )

    def _settle(
        self,
        doc: Doc,
        found: _Text,
        spans: dict[str, list[tuple[int, int]]],
        excluded: dict[str, list[tuple[int, int]]],
        fired: list[Rule],
    ) -> tuple[list[Rule], list[Rule], bool]:
        """The rules left when the message ends saying the worry is over, those it settled, and
        whether it says so at all."""
        checked = _last_unopened(doc, found, self._checked_fine)
        over = _last_unopened(doc, found, self._over_now)
        since = _last_unopened(doc, found, self._over_since)
        if since is not None and not _found_any(found, self._long_ago):
            since = None
        said = [at for at in (checked, over, since) if at is not None]
        if not said:
            return fired, [], False
        if any(found.concepts.get(name) for name in NEVER_SETTLED_WITH) or all(
            found.concepts.get(name) for name in UNSETTLED_TOGETHER
        ):
            return fired, [], False
        kept: list[Rule] = []
        settled: list[Rule] = []
        for rule in fired:
            marks = []
            if rule.tier in SETTLED_TIERS and rule.concern in SETTLED_BY_CHECK and checked is not None:
                marks.append(checked)
            if rule.tier in SETTLED_TIERS and rule.concern in SETTLED_BY_OVER:
                marks += [at for at in (over, since) if at is not None]
            if not marks:
                kept.append(rule)
                continue
            ends = [end for _, end in self._matching(rule, doc, spans, excluded[rule.name] + excluded["*"])]
            (settled if max(ends, default=len(doc)) <= max(marks) else kept).append(rule)
        return kept, settled, True

    def _matches(
        self,
        rule: Rule,
        doc: Doc,
        spans: dict[str, list[tuple[int, int]]],
        excluded: list[tuple[int, int]],
    ) -> bool:
        return next(self._matching(rule, doc, spans, excluded), None) is not None

    def _matching(
        self,
        rule: Rule,
        doc: Doc,
        spans: dict[str, list[tuple[int, int]]],
        excluded: list[tuple[int, int]],
    ) -> Iterator[tuple[int, int]]:
        """Where the rule matches: the first and last word of each match."""
        for alternative in rule.match:
            candidates = [
                [span for span in spans.get(part, []) if not _inside(span, excluded)]
                for part in alternative.parts
            ]
            if not all(candidates):
                continue
            spoilers = [span for part in alternative.without for span in spans.get(part, [])]
            for combination in itertools.islice(itertools.product(*candidates), 2000):
                start = min(s for s, _ in combination)
                end = max(e for _, e in combination)
                if end - start > rule.near:
                    continue
                if not rule.across_sentences and _crosses_sentence(doc, start, end):
                    continue
                if len(set(combination)) < len(combination):
                    continue  # one span cannot stand for two parts
                if any(_same_sentence(doc, start, end, spoiler) for spoiler in spoilers):
                    continue
                yield start, end


def _last_unopened(doc: Doc, found: _Text, phrases: list[Phrase]) -> int | None:
    """Where the last of these phrases starts, if no word after it opens the worry again."""
    last: tuple[int, int] | None = None
    for phrase in phrases:
        for start, ends in find(phrase, found, exception=False).items():
            if _negated(doc, start) or any(doc[i].lemma_ in NEGATIONS for i in range(start, max(ends))):
                continue  # "hasn't been well since", "not back to her usual self"
            if last is None or start > last[0]:
                last = (start, max(ends))
    if last is None or any(doc[i].lemma_ in REOPENERS for i in range(last[1], len(doc))):
        return None
    return last[0]


def _found_any(found: _Text, phrases: list[Phrase]) -> bool:
    return any(find(phrase, found, exception=False) for phrase in phrases)


def _negated(doc: Doc, start: int) -> bool:
    for i in range(start - 1, max(-1, start - 1 - NEGATION_REACH), -1):
        lemma = doc[i].lemma_
        if lemma in NEGATIONS:
            return True
        if lemma in CLAUSE_BREAKS:
            return False
    return False


def _clause_around(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """The clause a span sits in: out to the nearest sentence end, comma or "but" either side."""
    while start > 0 and doc[start - 1].lemma_ not in REPORT_BREAKS:
        start -= 1
    while end < len(doc) and doc[end].lemma_ not in REPORT_BREAKS:
        end += 1
    return start, end


def _inside(span: tuple[int, int], excluded: list[tuple[int, int]]) -> bool:
    return any(s < span[1] and span[0] < e for s, e in excluded)


def _crosses_sentence(doc: Doc, start: int, end: int) -> bool:
    """Whether a sentence end lies inside the words (one a phrase starts or ends on is not inside)."""
    return any(doc[i].lemma_ == SENTENCE_END for i in range(start + 1, end - 1))


def _same_sentence(doc: Doc, start: int, end: int, other: tuple[int, int]) -> bool:
    low, high = min(start, other[0]), max(end, other[1])
    return not _crosses_sentence(doc, low, high)


def _most_urgent(rules: list[Rule]) -> Finding | None:
    if not rules:
        return None
    best = min(rules, key=lambda rule: TIERS.index(rule.tier))
    return Finding(tier=best.tier, rule=best.name, concern=best.concern)
