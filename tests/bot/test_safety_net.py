"""The safety net on its own: matching, exclusions, misspellings, and clear errors in rule files."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy

from bot.safety_net import SafetyNet, _one_slip_apart
from bot.serve import ROOT

SPACY_MODEL = ROOT / "build" / "spacy_en"


@pytest.fixture(scope="module")
def net() -> SafetyNet:
    return SafetyNet.from_paths(SPACY_MODEL, ROOT / "data" / "safety")


@pytest.fixture(scope="module")
def nlp():
    return spacy.load(SPACY_MODEL)


def write_rules(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "rules.yml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "text, rule",
    [
        ("my baby is not breathing", "not_breathing"),
        ("baby not breathng", "not_breathing"),  # a slip in a key word
        ("she's gone blue", "colour_change"),
        ("HE IS FLOPPY", "floppy_or_unresponsive"),
        ("he's having a siezure", "fitting"),
        ("rash that doesnt fade under a glass", "rash_not_fading"),
        ("my boyfriend shook the baby", "harmed_by_someone"),
        ("he threatened to hurt the baby", "threat_to_baby"),
    ],
)
def test_red_flags_get_the_emergency_reply(net: SafetyNet, text: str, rule: str) -> None:
    finding = net.check(text)
    assert finding is not None and finding.reply == "emergency" and finding.rule == rule


def test_breaking_point_words_get_the_breaking_point_reply(net: SafetyNet) -> None:
    finding = net.check("i cant cope any more")
    assert finding is not None and finding.reply == "breaking_point"


def test_emergency_wins_when_both_match(net: SafetyNet) -> None:
    finding = net.check("i lost it and shook him, now he won't wake up")
    assert finding is not None and finding.reply == "emergency"


@pytest.mark.parametrize(
    "text",
    [
        "what is shaken baby syndrome",
        "never ever shake a baby",
        "she hit her milestones early",
        "he's had enough milk",
        "babies cry, you can cope",
        "it's late at night and he keeps crying",  # "night" is a real word, not a slip of "might"
        "",
        "😭😭😭",
    ],
)
def test_ordinary_messages_raise_no_flag(net: SafetyNet, text: str) -> None:
    assert net.check(text) is None


def test_an_exception_only_covers_its_own_words(net: SafetyNet) -> None:
    finding = net.check("what is shaken baby syndrome, my partner shook her")
    assert finding is not None and finding.reply == "emergency"


def test_an_exception_never_reaches_across_another_person(net: SafetyNet) -> None:
    assert net.check("i'm scared i might hurt her").reply == "breaking_point"
    finding = net.check("i'm scared because i think he hurt her")
    assert finding is not None and finding.reply == "emergency"


def test_real_words_are_never_corrected_into_key_words(net: SafetyNet) -> None:
    # "sloppy" is one letter from "floppy", but it is a real word.
    assert net.check("his poos are sloppy") is None


def test_rule_files_can_be_extended_by_a_reader(tmp_path: Path, nlp) -> None:
    rules = write_rules(
        tmp_path,
        """
word_groups:
  BABY: [baby, him, her]
flags:
  - name: burns
    reply: emergency
    meaning: A baby who has been burned.
    phrases: ["=scalded|=burned * @BABY", "(hot water|kettle) * @BABY"]
    unless: ["burned * toast"]
""",
    )
    net = SafetyNet(nlp, [rules])
    assert net.check("she scalded the baby").rule == "burns"
    assert net.check("the kettle went over the baby").rule == "burns"
    assert net.check("i burned the toast for the baby's dad") is None


@pytest.mark.parametrize(
    "text, message",
    [
        ("flags:\n  - name: x\n    reply: emergency\n", "has no 'phrases'"),
        ("flags:\n  - name: x\n    reply: panic\n    phrases: [a b]\n", "reply must be one of"),
        ("flags:\n  - name: x\n    reply: emergency\n    phrases: ['hurt @NOBODY']\n", "@NOBODY"),
        ("flags:\n  - name: x\n    reply: emergency\n    phrases: [\"can't|won't breathe\"]\n", "brackets"),
        ("word_groups: {}\n", "no safety rules"),
    ],
)
def test_broken_rule_files_fail_with_a_clear_message(
    tmp_path: Path, nlp, text: str, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        SafetyNet(nlp, [write_rules(tmp_path, text)])


@pytest.mark.parametrize(
    "a, b, expected",
    [
        ("breathing", "breathng", True),  # deleted letter
        ("seizure", "siezure", True),  # swapped letters
        ("floppy", "flopy", True),
        ("floppy", "flippy", True),
        ("floppy", "sloppily", False),
        ("breathing", "breathing", False),
    ],
)
def test_one_slip_apart(a: str, b: str, expected: bool) -> None:
    assert _one_slip_apart(a, b) is expected
