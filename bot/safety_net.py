"""The safety net: deterministic red-flag rules over a message's words.

The phrases live in `data/safety/*.yml` so a safeguarding lead can read and extend them. Each phrase
is matched word by word on spaCy lemmas ("breathing" also matches "breathe", "breathed"), after
common misspellings and one-letter slips in longer key words are corrected, so "not breathin" and
"sezure" are still caught. This module knows nothing about Rasa; `bot.safety_component` plugs it in.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import spacy
import yaml
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc

from bot.spacy_pipeline import KNOWN_WORDS_FILE

# Which reply a rule leads to, strongest first: when both match, the emergency reply wins.
REPLIES = ("emergency", "breaking_point")

# Written forms of "not" and of shortened verbs, so "isnt", "isn't" and "is not" read the same.
_CONTRACTIONS = {
    "n't": "not", "nt": "not", "n’t": "not",
    "'m": "be", "’m": "be", "m": "be",
    "'re": "be", "’re": "be",
    "'ve": "have", "’ve": "have", "ve": "have",
    "'ll": "will", "’ll": "will", "ll": "will",
    "'d": "would", "’d": "would",
    "'s": "be", "s": "be", "ca": "can", "wo": "will",
}
_GAP = "*"
_GAP_WORDS = 3
# The word group naming people other than the writer (see data/safety/README.md).
_OTHER_PERSON = "SOMEONE"
_BRACKETS = re.compile(r"\(([^()]*)\)")
_REPEATS = re.compile(r"([a-z])\1{2,}")
_WORDS_ONLY = re.compile(r"[^\w'’\s]+")


@dataclass(frozen=True)
class Finding:
    """What the safety net found: which reply to give, and the name of the rule that fired."""

    reply: str
    rule: str


@dataclass(frozen=True)
class _Rule:
    name: str
    reply: str
    phrases: tuple[str, ...]
    unless: tuple[str, ...]


class SafetyNet:
    """Red-flag rules compiled into spaCy matchers; `check(text)` says which reply a text needs."""

    def __init__(
        self, nlp: Language, rule_files: Iterable[Path], known_words: Iterable[str] = ()
    ) -> None:
        self._nlp = nlp
        self._known_words = set(known_words)
        self._lemmas = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_lookup")
        spellings: dict[str, str] = {}
        self._not_typos: set[str] = set()
        self._groups: dict[str, list[str]] = {}
        unless_everywhere: list[str] = []
        rules: list[_Rule] = []
        for path in sorted(rule_files):
            content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            for word, variants in (content.get("misspellings") or {}).items():
                for variant in variants:
                    spellings[str(variant).lower()] = str(word).lower()
            self._not_typos.update(str(w).lower() for w in content.get("real_words") or [])
            for group, words in (content.get("word_groups") or {}).items():
                self._groups[str(group).upper()] = [str(w).lower() for w in words]
            unless_everywhere.extend(content.get("unless_everywhere") or [])
            for entry in content.get("flags") or []:
                rules.append(_read_rule(entry, path))
        if not rules:
            raise ValueError("no safety rules found; the safety net must never run empty")
        self._spellings = spellings
        self._rules = {rule.name: rule for rule in rules}

        # Words that appear in the rules, which one-letter slips are corrected towards.
        self._keywords: set[str] = set()
        for rule in rules:
            for phrase in rule.phrases:
                for word in self._phrase_words(phrase):
                    self._keywords.add(word.lstrip("="))

        self._triggers = Matcher(nlp.vocab)
        self._unless = Matcher(nlp.vocab)
        for rule in rules:
            self._triggers.add(rule.name, self._compile(rule.phrases, rule.name))
            if rule.unless:
                self._unless.add(rule.name, self._compile(rule.unless, rule.name, exception=True))
        if unless_everywhere:
            self._unless.add(
                "*", self._compile(unless_everywhere, "unless_everywhere", exception=True)
            )

    @classmethod
    def from_paths(cls, spacy_model: Path, rules_dir: Path) -> SafetyNet:
        files = sorted(rules_dir.glob("*.yml"))
        if not files:
            raise FileNotFoundError(f"no safety rule files (*.yml) in {rules_dir}")
        known = spacy_model / KNOWN_WORDS_FILE
        if not known.exists():
            raise FileNotFoundError(f"{known} is missing: rebuild with `python -m bot.spacy_pipeline`")
        return cls(spacy.load(spacy_model), files, known.read_text(encoding="utf-8").split())

    @property
    def rule_names(self) -> list[str]:
        return sorted(self._rules)

    def check(self, text: str) -> Finding | None:
        """The reply the text needs, or None when no rule matches."""
        doc = self._keyed_doc(text)
        if not len(doc):
            return None
        excluded = {
            (self._nlp.vocab.strings[match_id], start, end)
            for match_id, start, end in self._unless(doc)
        }
        fired: list[_Rule] = []
        for match_id, start, end in self._triggers(doc):
            name = self._nlp.vocab.strings[match_id]
            if any(
                owner in (name, "*") and s < end and start < e for owner, s, e in excluded
            ):
                continue
            fired.append(self._rules[name])
        if not fired:
            return None
        best = min(fired, key=lambda rule: REPLIES.index(rule.reply))
        return Finding(reply=best.reply, rule=best.name)

    # --- turning words into match keys -------------------------------------------------------

    def _keyed_doc(self, text: str) -> Doc:
        """A Doc whose words are the cleaned spellings and whose lemmas are the match keys."""
        cleaned = _WORDS_ONLY.sub(" ", text.lower().replace("’", "'"))
        words, keys = [], []
        for token in self._nlp.tokenizer(cleaned):
            if token.is_space:
                continue
            # A correction may be several words: "cnt" -> "can not".
            for word in self._correct(token.text).split():
                words.append(word)
                keys.append(self._key(word))
        return Doc(self._nlp.vocab, words=words, lemmas=keys)

    def _correct(self, word: str) -> str:
        word = _REPEATS.sub(r"\1", word) if _REPEATS.search(word) else word
        if word in self._spellings:
            return self._spellings[word]
        if len(word) < 5 or word in self._keywords or word in self._not_typos:
            return word
        if word in self._known_words:
            return word
        if self._lemmas.get(word, word) in self._keywords:
            return word
        for keyword in self._keywords:
            if len(keyword) >= 5 and _one_slip_apart(word, keyword):
                return keyword
        return word

    def _key(self, word: str) -> str:
        if word in _CONTRACTIONS:
            return _CONTRACTIONS[word]
        return self._lemmas.get(word, word)

    def _compile(
        self, phrases: Iterable[str], rule: str, exception: bool = False
    ) -> list[list[dict]]:
        # In an exception, "*" never skips over a word for another person: "scared i might hurt"
        # is an exception, "scared because i think he hurt" must not become one.
        gap: dict = {"OP": "?"}
        if exception and _OTHER_PERSON in self._groups:
            others = sorted({self._key(w.lstrip("=")) for w in self._groups[_OTHER_PERSON]})
            gap = {"LEMMA": {"NOT_IN": others}, "OP": "?"}
        return [pattern for phrase in phrases for pattern in self._patterns(phrase, rule, gap)]

    def _phrase_words(self, phrase: str) -> list[str]:
        return [
            word
            for variant in _expand_brackets(phrase)
            for part in variant.lower().split()
            if part != _GAP
            for word in self._alternatives(part, phrase)
        ]

    def _alternatives(self, part: str, phrase: str) -> list[str]:
        """The words one position of a phrase accepts: "a|b|@GROUP" -> [a, b, group words...]."""
        words: list[str] = []
        for choice in part.split("|"):
            words.extend(self._group(choice[1:], phrase) if choice.startswith("@") else [choice])
        return words

    def _group(self, name: str, phrase: str) -> list[str]:
        name = name.upper()
        if name not in self._groups:
            raise ValueError(f"phrase {phrase!r} uses @{name}, which no word_groups entry defines")
        return self._groups[name]

    def _patterns(self, phrase: str, rule: str, gap: dict) -> list[list[dict]]:
        """Matcher patterns for one readable phrase (the syntax is described in data/safety/)."""
        patterns: list[list[dict]] = []
        for variant in _expand_brackets(phrase):
            positions: list[list[dict]] = []
            for part in variant.lower().replace("’", "'").split():
                if part == _GAP:
                    positions.extend([[gap]] * _GAP_WORDS)
                    continue
                alternatives = self._alternatives(part, phrase)
                if len(alternatives) == 1 and not alternatives[0].startswith("="):
                    # A single word may be several tokens: "can't" is "ca" + "n't".
                    for token in self._nlp.tokenizer(alternatives[0]):
                        positions.append([{"LEMMA": self._key(token.text)}])
                    continue
                for word in alternatives:
                    if len(self._nlp.tokenizer(word.lstrip("="))) > 1:
                        raise ValueError(
                            f"rule {rule!r}: in {phrase!r}, {word!r} is more than one word; "
                            "put choices of several words in brackets: (going to|gonna)"
                        )
                exact = sorted({w[1:] for w in alternatives if w.startswith("=")})
                forms = sorted({self._key(w) for w in alternatives if not w.startswith("=")})
                choices = []
                if exact:
                    choices.append({"LOWER": {"IN": exact}})
                if forms:
                    choices.append({"LEMMA": {"IN": forms}})
                positions.append(choices)
            if all(choice == [gap] for choice in positions):
                raise ValueError(f"rule {rule!r}: phrase {phrase!r} has no words")
            patterns.extend(list(combo) for combo in itertools.product(*positions))
        return patterns


def _expand_brackets(phrase: str) -> list[str]:
    """'(going to|gonna) hurt' -> ['going to hurt', 'gonna hurt']."""
    match = _BRACKETS.search(phrase)
    if not match:
        return [phrase]
    head, tail = phrase[: match.start()], phrase[match.end() :]
    return [
        expanded
        for choice in match.group(1).split("|")
        for expanded in _expand_brackets(f"{head} {choice.strip()} {tail}")
    ]


def _read_rule(entry: dict, path: Path) -> _Rule:
    where = f"{path.name}: rule {entry.get('name', '?')!r}"
    for field in ("name", "reply", "phrases"):
        if not entry.get(field):
            raise ValueError(f"{where} has no {field!r}")
    if entry["reply"] not in REPLIES:
        raise ValueError(f"{where}: reply must be one of {', '.join(REPLIES)}")
    return _Rule(
        name=str(entry["name"]),
        reply=str(entry["reply"]),
        phrases=tuple(str(p) for p in entry["phrases"]),
        unless=tuple(str(p) for p in entry.get("unless") or []),
    )


def _one_slip_apart(a: str, b: str) -> bool:
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
    for i in range(len(long_)):
        if long_[:i] + long_[i + 1 :] == short:
            return True
    return False
