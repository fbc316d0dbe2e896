"""The phrase syntax of `data/safety/` (see its README), and finding phrases in a message.

| written                | matches                                                           |
| ---------------------- | ----------------------------------------------------------------- |
| `not breathing`        | the words in order, each in any form ("breathe", "breathed")     |
| `=shook`               | only that spelling                                                |
| `blue|grey`            | either word at that place                                         |
| `(going to|gonna)`     | choices of several words                                          |
| `(own )?life`          | the words in brackets may be there or not                         |
| `*`                    | up to three other words, never across a comma, a sentence end or a "not" |
| `BABY`                 | any of the words or phrases of the concept BABY in words.yml       |
| `<age under 3 months>` | a measure the reader found in the numbers of the message          |

Phrases are parsed once into small trees and matched against a message's words directly; concepts
are found first (in an order where a concept's own concepts come before it), so a phrase that
names a concept looks up where it was found instead of repeating all its words.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from spacy.tokens import Doc

from bot.safety.reading import NEGATIONS, SENTENCE_END, Reader
from bot.safety.rulebook import MEASURES, Concept, RulebookError

GAP = "*"
GAP_WORDS = 3
_MEASURE = re.compile(r"<[^>]*>")
_CONCEPT = re.compile(r"^[A-Z][A-Z0-9_]+$")
# What one written word may contain: letters, digits, an apostrophe, a hyphen, "/" (as in "7/52").
_WORD = re.compile(r"^=?['’]?\w[\w'’/-]*$")


@dataclass(frozen=True)
class Atom:
    """One choice at one place: a word (one or more tokens) by base form or spelling, or a concept."""

    kind: str  # "lemma", "exact" or "concept"
    words: tuple[str, ...] = ()  # for "lemma" and "exact"
    concept: str = ""  # for "concept"


@dataclass(frozen=True)
class Word:
    choices: tuple[Atom, ...]


@dataclass(frozen=True)
class Group:
    options: tuple[tuple[object, ...], ...]
    optional: bool = False


@dataclass(frozen=True)
class Gap:
    pass


Sequence = tuple[object, ...]


@dataclass(frozen=True)
class Phrase:
    """A parsed phrase: its items, and what its first word can be (to know where to look)."""

    items: Sequence
    starter: _Starter

    @classmethod
    def of(cls, items: Sequence) -> Phrase:
        return cls(items, _starter(items))

    @property
    def single_words(self) -> tuple[frozenset[str], frozenset[str]] | None:
        """(base forms, spellings) when the phrase is one word with one-token choices only."""
        if len(self.items) != 1 or not isinstance(self.items[0], Word):
            return None
        atoms = self.items[0].choices
        if any(atom.kind == "concept" or len(atom.words) != 1 for atom in atoms):
            return None
        return (
            frozenset(a.words[0] for a in atoms if a.kind == "lemma"),
            frozenset(a.words[0] for a in atoms if a.kind == "exact"),
        )


class PhraseSyntaxError(RulebookError):
    pass


class PhraseParser:
    """Turns written phrases into sequences of Word, Group and Gap items."""

    def __init__(self, reader: Reader, concepts: Iterable[str]) -> None:
        self._reader = reader
        self._concepts = set(concepts)

    def parse(self, phrase: str) -> Phrase:
        text = _MEASURE.sub(lambda m: f" {MEASURES.get(m.group(0), m.group(0))} ", phrase)
        sequence, rest = self._sequence(text.strip(), phrase, top=True)
        if rest:
            raise PhraseSyntaxError(f"phrase {phrase!r}: a ')' has no '(' before it")
        if not any(not isinstance(item, Gap) for item in sequence):
            raise PhraseSyntaxError(f"phrase {phrase!r} has no words")
        return Phrase.of(sequence)

    def _sequence(self, text: str, phrase: str, top: bool) -> tuple[Sequence, str]:
        items: list[object] = []
        while True:
            text = text.lstrip()
            if not text or text[0] == ")" or (not top and text[0] == "|"):
                return tuple(items), text
            if text[0] == "(":
                options, text = self._options(text[1:], phrase)
                optional = text.startswith("?")
                items.append(Group(options, optional))
                text = text[1:] if optional else text
                continue
            found = re.match(r"[^\s()]+" if top else r"[^\s()|]+", text)
            assert found, text  # the text is not empty and does not start with a bracket
            chunk = found.group(0)
            text = text[len(chunk) :]
            items.append(Gap() if chunk == GAP else self._word(chunk, phrase))

    def _options(self, text: str, phrase: str) -> tuple[tuple[Sequence, ...], str]:
        options = []
        while True:
            sequence, text = self._sequence(text, phrase, top=False)
            options.append(sequence)
            if not text:
                raise PhraseSyntaxError(f"phrase {phrase!r}: a '(' is never closed")
            if text[0] == ")":
                return tuple(options), text[1:]
            text = text[1:]  # "|"

    def _word(self, chunk: str, phrase: str) -> Word:
        choices = []
        for choice in chunk.split("|"):
            if not choice:
                raise PhraseSyntaxError(f"phrase {phrase!r} has an empty choice in {chunk!r}")
            if _CONCEPT.match(choice):
                if choice not in self._concepts:
                    raise PhraseSyntaxError(f"phrase {phrase!r} names {choice}, which is not a concept")
                choices.append(Atom("concept", concept=choice))
                continue
            exact = choice.startswith("=")
            tokens = tuple(self._reader.split(choice.lstrip("=")))
            if not tokens or not _WORD.match(choice):
                raise PhraseSyntaxError(
                    f"phrase {phrase!r}: {choice!r} is not a word (messages are read without punctuation; "
                    "a '?' belongs straight after a bracket)"
                )
            if exact:
                choices.append(Atom("exact", words=tokens))
            else:
                choices.append(Atom("lemma", words=tuple(self._reader.key(t) for t in tokens)))
        return Word(tuple(choices))


def words_of(sequence: Sequence | Phrase) -> set[str]:
    """The words (base forms and spellings) a sequence uses, for spelling correction."""
    found: set[str] = set()
    for item in sequence.items if isinstance(sequence, Phrase) else sequence:
        if isinstance(item, Word):
            for atom in item.choices:
                found.update(atom.words)
        elif isinstance(item, Group):
            for option in item.options:
                found |= words_of(option)
    return found


def concepts_of(sequence: Sequence | Phrase) -> set[str]:
    found: set[str] = set()
    for item in sequence.items if isinstance(sequence, Phrase) else sequence:
        if isinstance(item, Word):
            found |= {atom.concept for atom in item.choices if atom.kind == "concept"}
        elif isinstance(item, Group):
            for option in item.options:
                found |= concepts_of(option)
    return found


def has_negation(sequence: Sequence | Phrase) -> bool:
    return bool(words_of(sequence) & NEGATIONS)


Spans = dict[int, set[int]]  # start -> ends


@dataclass
class _Text:
    """A message's tokens, with what a `*` may skip, and the concepts found so far."""

    lemmas: list[str]
    lowers: list[str]
    skippable: list[bool]
    skippable_in_exception: list[bool]
    concepts: dict[str, Spans] = field(default_factory=dict)
    # Everyday phrases ("a bit", "baby monitor"): no concept is found inside them.
    hidden: list[tuple[int, int]] = field(default_factory=list)
    by_lemma: dict[str, list[int]] = field(default_factory=dict)
    by_lower: dict[str, list[int]] = field(default_factory=dict)

    def is_hidden(self, start: int, end: int) -> bool:
        return any(s <= start and end <= e for s, e in self.hidden)

    def hidden_at(self, position: int, length: int = 1) -> bool:
        """Whether any of these tokens belongs to an everyday phrase (a gap may still skip it)."""
        return any(s < position + length and position < e for s, e in self.hidden)

    def __post_init__(self) -> None:
        for i, (lemma, lower) in enumerate(zip(self.lemmas, self.lowers, strict=True)):
            self.by_lemma.setdefault(lemma, []).append(i)
            self.by_lower.setdefault(lower, []).append(i)


@dataclass(frozen=True)
class _Starter:
    """What the first word of a sequence can be, so matching is only tried where it could start."""

    lemmas: frozenset[str]
    exacts: frozenset[str]
    concepts: frozenset[str]
    anywhere: bool


def _starter(sequence: Sequence) -> _Starter:
    lemmas: set[str] = set()
    exacts: set[str] = set()
    concepts: set[str] = set()
    for item in sequence:
        if isinstance(item, Gap):
            continue  # a leading gap may be empty: the next item decides
        if isinstance(item, Word):
            for atom in item.choices:
                if atom.kind == "concept":
                    concepts.add(atom.concept)
                else:
                    (lemmas if atom.kind == "lemma" else exacts).add(atom.words[0])
            return _Starter(frozenset(lemmas), frozenset(exacts), frozenset(concepts), False)
        assert isinstance(item, Group)
        for option in item.options:
            if not option:
                return _Starter(frozenset(), frozenset(), frozenset(), True)
            inner = _starter(option)
            if inner.anywhere:
                return inner
            lemmas |= inner.lemmas
            exacts |= inner.exacts
            concepts |= inner.concepts
        if not item.optional:
            return _Starter(frozenset(lemmas), frozenset(exacts), frozenset(concepts), False)
    return _Starter(frozenset(), frozenset(), frozenset(), True)


class PhraseIndex:
    """Many phrases, looked up by what their first word can be, so a message is matched only
    against the phrases that could start somewhere in it (a few dozen of thousands)."""

    def __init__(self, phrases: Iterable[Phrase]) -> None:
        self.phrases = list(phrases)
        self._by_lemma: dict[str, list[int]] = defaultdict(list)
        self._by_exact: dict[str, list[int]] = defaultdict(list)
        self._by_concept: dict[str, list[int]] = defaultdict(list)
        self._anywhere: list[int] = []
        # For each phrase, the words it cannot match without (each a set of choices): one missing
        # from the message rules the phrase out before it is tried.
        self._needs = [_needs(phrase) for phrase in self.phrases]
        for number, phrase in enumerate(self.phrases):
            starter = phrase.starter
            if starter.anywhere:
                self._anywhere.append(number)
                continue
            for lemma in starter.lemmas:
                self._by_lemma[lemma].append(number)
            for exact in starter.exacts:
                self._by_exact[exact].append(number)
            for concept in starter.concepts:
                self._by_concept[concept].append(number)

    def candidates(self, text: _Text) -> list[int]:
        """The numbers of the phrases that could start in this message, in their order."""
        numbers = set(self._anywhere)
        for lemma in text.by_lemma:
            numbers.update(self._by_lemma.get(lemma, ()))
        for lower in text.by_lower:
            numbers.update(self._by_exact.get(lower, ()))
        for concept, spans in text.concepts.items():
            if spans:
                numbers.update(self._by_concept.get(concept, ()))
        return sorted(
            number for number in numbers if all(_present(need, text) for need in self._needs[number])
        )


Need = tuple[frozenset[str], frozenset[str], frozenset[str]]  # first tokens by base form, spelling; concepts


def _needs(phrase: Phrase) -> list[Need]:
    """The phrase's words outside any group: each must be in a message for the phrase to match."""
    needs = []
    for item in phrase.items:
        if isinstance(item, Word):
            needs.append(
                (
                    frozenset(a.words[0] for a in item.choices if a.kind == "lemma"),
                    frozenset(a.words[0] for a in item.choices if a.kind == "exact"),
                    frozenset(a.concept for a in item.choices if a.kind == "concept"),
                )
            )
    return needs


def _present(need: Need, text: _Text) -> bool:
    lemmas, exacts, concepts = need
    return (
        not lemmas.isdisjoint(text.by_lemma)
        or not exacts.isdisjoint(text.by_lower)
        or any(text.concepts.get(concept) for concept in concepts)
    )


class PhraseFinder:
    """Finds where phrases (and the concepts they name) occur in a message."""

    def __init__(
        self,
        concepts: dict[str, Concept],
        parser: PhraseParser,
        never_skip: set[str],
        everyday: Iterable[str] = (),
    ) -> None:
        everyday_phrases = []
        for written in everyday:
            everyday_phrases.append(parser.parse(written))
            if concepts_of(everyday_phrases[-1]):
                raise PhraseSyntaxError(f"everyday phrase {written!r} names a concept: write its words")
        self._everyday = PhraseIndex(everyday_phrases)
        parsed = {name: [parser.parse(word) for word in c.words] for name, c in concepts.items()}
        self._order = _dependency_order(parsed)
        # One-word entries are looked up together; only longer ones are matched one by one.
        self._single: dict[str, tuple[frozenset[str], frozenset[str]]] = {}
        self._longer: dict[str, PhraseIndex] = {}
        for name, entries in parsed.items():
            lemmas: set[str] = set()
            exacts: set[str] = set()
            longer: list[Phrase] = []
            for entry in entries:
                single = entry.single_words
                if single is None:
                    longer.append(entry)
                else:
                    lemmas |= single[0]
                    exacts |= single[1]
            self._single[name] = (frozenset(lemmas), frozenset(exacts))
            self._longer[name] = PhraseIndex(longer)
        self._never_skip = never_skip

    def concept_spans(self, doc: Doc) -> _Text:
        lemmas = [token.lemma_ for token in doc]
        lowers = [token.lower_ for token in doc]
        stops = {SENTENCE_END, ","} | NEGATIONS
        skippable = [lemma not in stops for lemma in lemmas]
        text = _Text(
            lemmas,
            lowers,
            skippable,
            [ok and lemma not in self._never_skip for ok, lemma in zip(skippable, lemmas, strict=True)],
        )
        # Everyday phrases may overlap ("baby blues", "the baby blues hit me"): all are found
        # before any hides its words.
        everyday = self._everyday
        hidden = {
            (start, end)
            for number in everyday.candidates(text)
            for start, ends in find(everyday.phrases[number], text, exception=False).items()
            for end in ends
        }
        text.hidden = sorted(hidden)
        for name in self._order:
            found: Spans = defaultdict(set)
            by_lemma, by_spelling = self._single[name]
            for i, (lemma, lower) in enumerate(zip(text.lemmas, text.lowers, strict=True)):
                if (lemma in by_lemma or lower in by_spelling) and not text.hidden_at(i):
                    found[i].add(i + 1)
            longer = self._longer[name]
            for number in longer.candidates(text):
                for start, ends in find(longer.phrases[number], text, exception=False).items():
                    found[start] |= ends
            text.concepts[name] = {
                start: visible
                for start, ends in found.items()
                if (visible := {end for end in ends if not text.is_hidden(start, end)})
            }
        return text


def find(phrase: Phrase, text: _Text, exception: bool) -> Spans:
    """Every (start -> ends) where the phrase matches."""
    memo: dict[tuple[int, int, int], frozenset[int]] = {}
    result: Spans = {}
    for start in _starts(phrase.starter, text):
        ends = _match(phrase.items, 0, start, text, exception, memo)
        if ends:
            result[start] = set(ends)
    return result


def _starts(starter: _Starter, text: _Text) -> Iterable[int]:
    """Positions where a phrase could start (everywhere, if that is hard to say)."""
    if starter.anywhere:
        return range(len(text.lemmas))
    if (
        starter.lemmas.isdisjoint(text.by_lemma)
        and starter.exacts.isdisjoint(text.by_lower)
        and not any(text.concepts.get(concept) for concept in starter.concepts)
    ):
        return ()
    positions: set[int] = set()
    for lemma in starter.lemmas:
        positions.update(text.by_lemma.get(lemma, ()))
    for exact in starter.exacts:
        positions.update(text.by_lower.get(exact, ()))
    for concept in starter.concepts:
        positions.update(text.concepts.get(concept, {}))
    return sorted(positions)


def _match(
    sequence: Sequence,
    index: int,
    position: int,
    text: _Text,
    exception: bool,
    memo: dict[tuple[int, int, int], frozenset[int]],
) -> frozenset[int]:
    if index == len(sequence):
        return frozenset({position})
    key = (id(sequence), index, position)
    if key in memo:
        return memo[key]
    item = sequence[index]
    ends: set[int] = set()
    for after in _item_ends(item, position, text, exception, memo):
        ends |= _match(sequence, index + 1, after, text, exception, memo)
    memo[key] = frozenset(ends)
    return memo[key]


def _item_ends(
    item: object,
    position: int,
    text: _Text,
    exception: bool,
    memo: dict[tuple[int, int, int], frozenset[int]],
) -> set[int]:
    size = len(text.lemmas)
    if isinstance(item, Gap):
        skippable = text.skippable_in_exception if exception else text.skippable
        ends = {position}
        for k in range(GAP_WORDS):
            if position + k < size and skippable[position + k]:
                ends.add(position + k + 1)
            else:
                break
        return ends
    if isinstance(item, Word):
        ends = set()
        for atom in item.choices:
            if atom.kind == "concept":
                ends |= text.concepts.get(atom.concept, {}).get(position, set())
                continue
            words = text.lemmas if atom.kind == "lemma" else text.lowers
            length = len(atom.words)
            # Everyday phrases' words count for exceptions only ("the baby blues hit me").
            hidden = not exception and text.hidden_at(position, length)
            if tuple(words[position : position + length]) == atom.words and not hidden:
                ends.add(position + length)
        return ends
    assert isinstance(item, Group)
    ends = {position} if item.optional else set()
    for option in item.options:
        if option:
            ends |= _match(option, 0, position, text, exception, memo)
        else:
            ends.add(position)
    return ends


def _dependency_order(sequences: dict[str, list[Phrase]]) -> list[str]:
    """Concepts ordered so that each comes after the concepts its words name (no cycles)."""
    order: list[str] = []
    state: dict[str, str] = {}

    def visit(name: str, path: tuple[str, ...]) -> None:
        if state.get(name) == "done":
            return
        if state.get(name) == "visiting":
            raise RulebookError(f"concept {name} is defined through itself ({' -> '.join(path + (name,))})")
        state[name] = "visiting"
        for sequence in sequences[name]:
            for inner in sorted(concepts_of(sequence)):
                visit(inner, path + (name,))
        state[name] = "done"
        order.append(name)

    for name in sequences:
        visit(name, ())
    return order
