"""Route requests and crying messages the classifier failed, read by their words (bot/rescue.py)."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.rescue import NotUnderstoodRescue, asks_only_for_a_route, crying_answer


def classified(text: str, ranking: list[tuple[str, float]]) -> Message:
    message = Message(data={TEXT: text})
    entries = [{"name": name, "confidence": confidence} for name, confidence in ranking]
    message.set(INTENT, entries[0])
    message.set(INTENT_RANKING_KEY, entries)
    return message


def rescued(text: str, ranking: list[tuple[str, float]]) -> str:
    component = NotUnderstoodRescue(NotUnderstoodRescue.get_default_config())
    return component.process([classified(text, ranking)])[0].get(INTENT)["name"]


@pytest.mark.parametrize(
    "text",
    [
        "what number do i ring",
        "What number do I call?",
        "where's the form",
        "how do i refer",
        "whats the phone number for the front door",
        "and the online form?",
        "mash number pls",
    ],
)
def test_a_plain_request_for_the_number_or_form_asks_for_the_route(text: str) -> None:
    assert asks_only_for_a_route(text)
    assert rescued(text, [("nlu_fallback", 0.45), ("ask_contacts", 0.3)]) == "ask_contacts"
    assert rescued(text, [("ask_other_service", 0.59), ("ask_contacts", 0.13)]) == "ask_contacts"


@pytest.mark.parametrize(
    "text",
    [
        "what's the number for cry-sis",
        "number for the family hub",
        "what do i do now",
        "who can i talk to",
        "can I call you later",
    ],
)
def test_a_named_service_or_a_question_without_a_route_word_is_left_alone(text: str) -> None:
    assert not asks_only_for_a_route(text)
    assert rescued(text, [("ask_other_service", 0.7)]) == "ask_other_service"


def test_crying_gets_the_crying_answer_ranked_highest_or_the_ways_to_soothe() -> None:
    ranking = [("nlu_fallback", 0.45), ("stop", 0.4), ("ask_crying_normal", 0.36), ("ask_walk_away", 0.16)]
    assert rescued("she wont stop crying and i dont know what to do anymore", ranking) == "ask_crying_normal"
    assert (
        crying_answer("hw 2 stop baby cryin", [{"name": "ask_privacy", "confidence": 0.2}]) == "ask_comfort"
    )
    assert crying_answer("fed changed burped still screaming", []) == "ask_comfort"


def test_a_message_not_about_crying_or_already_understood_is_left_alone() -> None:
    assert rescued("what is the weather", [("nlu_fallback", 0.45), ("ask_comfort", 0.3)]) == "nlu_fallback"
    assert rescued("he cries when i sing", [("ask_comfort", 0.8)]) == "ask_comfort"
    assert rescued("/i_am_parent", [("nlu_fallback", 0.45)]) == "nlu_fallback"


@pytest.mark.parametrize(
    "text", ["whats the nspcc number", "samaritans number please", "is there a helpline for parents"]
)
def test_a_national_line_the_assistant_holds_is_who_to_call_not_an_unknown_service(text: str) -> None:
    assert rescued(text, [("ask_other_service", 0.8)]) == "ask_who_to_call"
    assert rescued("what's the number for home-start", [("ask_other_service", 0.8)]) == "ask_other_service"


def test_a_greeting_or_unknown_message_that_says_who_they_are_gets_the_role_answer() -> None:
    component = NotUnderstoodRescue(NotUnderstoodRescue.get_default_config())
    for text, guess, role, expected in [
        ("Hi, I'm a health visitor", "greet", "professional", "i_am_professional"),
        ("nursery nurse, Lye", "nlu_fallback", "professional", "i_am_professional"),
        ("I'm the childminder", "nlu_fallback", "parent", "i_am_parent"),
        ("hello", "greet", None, "greet"),
    ]:
        message = classified(text, [(guess, 0.9)])
        if role:
            message.set("entities", [{"entity": "role", "value": role}])
        assert component.process([message])[0].get(INTENT)["name"] == expected, text


def test_a_crying_message_never_gets_the_professionals_icon_guidance() -> None:
    ranking = [("nlu_fallback", 0.45), ("guidance_icon_professional", 0.4), ("ask_comfort", 0.2)]
    assert rescued("who can I talk to about the crying in the middle of the night", ranking) == "ask_comfort"
