"""The safety net inside Rasa's NLU pipeline: what it does to the classifier's decision."""

from __future__ import annotations

from typing import Any

import pytest
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.safety.component import SAFETY_RULE_KEY, SafetyNetClassifier
from bot.safety.net import SafetyNet
from bot.settings import DATA, SPACY_MODEL


@pytest.fixture(scope="module")
def component() -> SafetyNetClassifier:
    net = SafetyNet.from_paths(SPACY_MODEL, DATA / "safety")
    return SafetyNetClassifier(SafetyNetClassifier.get_default_config(), net)


def parse(component: SafetyNetClassifier, text: str, guess: str, confidence: float = 0.8) -> Message:
    """A message as the classifier (and the fallback classifier) left it, then the safety net."""
    message = Message(data={TEXT: text})
    message.set(INTENT, {"name": guess, "confidence": confidence})
    message.set(INTENT_RANKING_KEY, [{"name": guess, "confidence": confidence}])
    return component.process([message])[0]


def entities(message: Message) -> dict[str, Any]:
    return {e["entity"]: e["value"] for e in message.get(ENTITIES) or []}


def test_a_rule_overrules_a_confident_classifier(component) -> None:
    message = parse(component, "she's gone blue and floppy", guess="ask_comfort", confidence=0.97)
    assert message.get(INTENT) == {"name": "emergency", "confidence": 1.0}
    assert entities(message)["safety_concern"] == "unwell"
    assert message.get(SAFETY_RULE_KEY) in ("colour_change", "floppy_or_unresponsive")
    assert message.get(INTENT_RANKING_KEY)[0]["name"] == "emergency"


def test_danger_words_in_a_message_not_understood_get_the_safety_question(component) -> None:
    message = parse(component, "noticed a lump on him", guess="nlu_fallback")
    assert message.get(INTENT)["name"] == "safety_check"
    assert entities(message)["safety_concern"] == "unclear"


def test_the_same_words_in_an_understood_message_are_left_to_the_classifier(component) -> None:
    message = parse(component, "noticed a lump on him", guess="ask_illness")
    assert message.get(INTENT)["name"] == "ask_illness"


def test_a_message_not_understood_and_touching_no_danger_stays_not_understood(component) -> None:
    message = parse(component, "what colour pram should we buy", guess="nlu_fallback")
    assert message.get(INTENT)["name"] == "nlu_fallback"
    assert entities(message) == {}


def test_a_classifier_only_safety_guess_becomes_the_safety_question(component) -> None:
    message = parse(component, "it is all a bit much today", guess="emergency", confidence=0.9)
    assert message.get(INTENT)["name"] == "safety_check"
    assert message.get(SAFETY_RULE_KEY) == "classifier_only"


def test_a_professional_reporting_danger_is_marked_as_professional(component) -> None:
    # "Midwife here" is found by the role cues (bot/roles.py) before this component runs; words only
    # a professional uses are found here too.
    message = parse(component, "on a home visit, the baby is not breathing", guess="nlu_fallback")
    assert message.get(INTENT)["name"] == "emergency"
    assert entities(message)["role"] == "professional"


def test_a_parent_naming_a_professional_is_not_marked_as_one(component) -> None:
    # The parent gets the parents' wording: "GP's shut" names a GP, it is not one writing.
    message = parse(component, "gp shut and the baby is not breathing", guess="nlu_fallback")
    assert message.get(INTENT)["name"] == "emergency"
    assert "role" not in entities(message)


def test_a_role_the_cues_found_is_not_overwritten(component) -> None:
    # "my 3 week old ... the GP can't see us": the role cues said parent; a GP named is not a GP.
    message = Message(data={TEXT: "my 3 week old is floppy and the gp cant see us"})
    message.set(ENTITIES, [{"entity": "role", "value": "parent", "start": 0, "end": 2}])
    message.set(INTENT, {"name": "nlu_fallback", "confidence": 0.5})
    message = component.process([message])[0]
    roles = [e["value"] for e in message.get(ENTITIES) if e["entity"] == "role"]
    assert message.get(INTENT)["name"] == "emergency" and roles == ["parent"]


def test_a_button_payload_is_left_alone(component) -> None:
    message = parse(component, "/i_am_parent", guess="i_am_parent", confidence=1.0)
    assert message.get(INTENT)["name"] == "i_am_parent"
