"""The place component: a not-understood message that names a place asks for its route."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from actions.areas import load_directory
from bot.places import PlaceNamedClassifier


@pytest.fixture(scope="module")
def component() -> PlaceNamedClassifier:
    return PlaceNamedClassifier(PlaceNamedClassifier.get_default_config(), load_directory())


def intent_after(component: PlaceNamedClassifier, text: str, guess: str) -> str:
    message = Message(data={TEXT: text, INTENT: {INTENT_NAME_KEY: guess, PREDICTED_CONFIDENCE_KEY: 0.3}})
    component.process([message])
    return message.get(INTENT)[INTENT_NAME_KEY]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("what number do i call in torbay", "ask_contacts"),
        ("how do i refer in Stourbridge", "ask_contacts"),
        ("actually sorry im in Exeter", "tell_area"),
        ("cornwall", "tell_area"),
        ("what's the weather like", "nlu_fallback"),  # no place: left as it was
    ],
)
def test_a_not_understood_message_naming_a_place(component, text: str, expected: str) -> None:
    assert intent_after(component, text, "nlu_fallback") == expected


def test_an_understood_message_is_left_alone(component) -> None:
    assert (
        intent_after(component, "I'm a health visitor in Leeds", "i_am_professional") == "i_am_professional"
    )
