"""Test messages must be words the model and the rules were not built from.

The conversation tests and the developers' safety suites must not be NLU training examples. The
blind rounds go further: none of their messages may appear anywhere in data/ (training examples,
safety rules, stories), so what they measure is how the bot does on words it was not given.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from bot.settings import ROOT
from tests.conftest import read_lines
from tests.safety.scoring import Round, available_rounds
from tests.understanding import scoring as understanding


def normalise(text: str) -> str:
    return " ".join(text.lower().split())


def words(text: str) -> str:
    """Lower-case words only, so punctuation cannot hide a copied phrase."""
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def training_examples() -> set[str]:
    examples = set()
    for path in (ROOT / "data" / "nlu").glob("*.yml"):
        for block in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
            for line in block.get("examples", "").splitlines():
                examples.add(normalise(line.strip().removeprefix("- ")))
    return examples


def phrases_in_tests() -> set[str]:
    phrases = set()
    for path in (ROOT / "tests" / "safety").glob("*.txt"):
        phrases |= {normalise(line) for line in read_lines(path)}
    conversations = yaml.safe_load((ROOT / "tests/safety/red_flag_conversations.yml").read_text())
    phrases |= {normalise(turn) for turns in conversations["conversations"] for turn in turns}
    for path in Path(ROOT / "tests" / "conversations").glob("*.yml"):
        for story in yaml.safe_load(path.read_text(encoding="utf-8"))["stories"]:
            phrases |= {normalise(step["user"]) for step in story["steps"] if "user" in step}
    return {p for p in phrases if not p.startswith("/")}


def test_no_test_phrase_is_a_training_example() -> None:
    # "yes", "no" and "hello" are everyone's answers, not a phrasing the model could have memorised.
    copied = {p for p in phrases_in_tests() & training_examples() if len(p.split()) > 2}
    assert copied == set()


def copied_into_data(measured: list[str]) -> list[str]:
    """The measured messages that are a line of data/, or (when longer) inside one."""
    lines = {
        words(line.strip().removeprefix("- ").strip("\"'"))
        for path in (ROOT / "data").rglob("*.yml")
        # The role cues are job titles and kinship words ("family support worker", "grandma"),
        # not messages: a blind writer naming a job is not a copied phrasing.
        if path != ROOT / "data" / "roles.yml"
        for line in path.read_text(encoding="utf-8").splitlines()
    }
    content = " | ".join(lines)
    # One- and two-word greetings ("hi", "good morning") are everyone's words, not a copied phrase.
    return [
        text
        for text in measured
        if (len(words(text).split()) > 2 and words(text) in lines)
        or (len(words(text).split()) >= 6 and words(text) in content)
    ]


@pytest.mark.parametrize("name", available_rounds())
def test_no_blind_message_appears_anywhere_in_data(name: str) -> None:
    """No line of data/ is a blind message, and no longer blind message is inside any line."""
    round_ = Round.load(name)
    # The measured messages: not the greetings that open a blind conversation ("hi", "no").
    measured = [m["text"] for m in round_.danger + round_.calm]
    measured += [c["turns"][-1] for c in round_.conversations]
    found = copied_into_data(measured)
    assert found == [], f"{name} messages copied into data/: {found}"


@pytest.mark.parametrize("name", understanding.available_rounds())
def test_no_blind_understanding_message_appears_anywhere_in_data(name: str) -> None:
    found = copied_into_data(understanding.Round.load(name).all_texts())
    assert found == [], f"{name} messages copied into data/: {found}"
