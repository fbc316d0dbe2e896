"""The conversation and safety tests must use words the model was not trained on."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.serve import ROOT
from tests.conftest import read_lines


def normalise(text: str) -> str:
    return " ".join(text.lower().split())


def training_examples() -> set[str]:
    examples = set()
    for path in (ROOT / "data" / "nlu").glob("*.yml"):
        for block in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
            for line in block["examples"].splitlines():
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
    assert phrases_in_tests() & training_examples() == set()
