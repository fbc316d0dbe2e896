"""Short follow-ups as people send them: "now what", "who do I ring", "the form after?"."""

from __future__ import annotations

from rasa_sdk.events import FollowupAction, SlotSet

from actions.follow_up import ActionFormAfterCall, ActionWhatNext, ActionWhoToCall
from actions.guidance import ActionGuidance
from actions.routing import ActionGiveContacts
from tests.actions.conftest import OPEN, responses, run, tracker, turns

BREAKING_POINT = [
    "utter_breaking_point_steps",
    "utter_breaking_point_never_shake",
    "utter_breaking_point_who_to_call",
]
DEVON_FRONT_DOOR = "0345 155 1071"


async def test_now_what_after_the_breaking_point_steps_is_the_next_step() -> None:
    state = tracker("now what", "ask_what_next", events=turns(("cant take it anymore", BREAKING_POINT)))
    text, messages, _ = await run(ActionWhatNext(), state)
    assert responses(messages) == ["utter_breaking_point_next"]
    assert "check on them" in text


async def test_now_what_after_the_next_step_is_who_to_call() -> None:
    # The next step was chosen by a custom action: its response name is kept with the message.
    events = turns(("done", ["action_what_next"]))
    events.insert(
        2,
        {
            "event": "bot",
            "text": "With your baby safe...",
            "metadata": {"utter_action": "utter_breaking_point_next"},
        },
    )
    state = tracker("and then", "ask_what_next", events=events)
    text, messages, _ = await run(ActionWhatNext(), state)
    assert responses(messages) == ["utter_who_to_call_parent"]
    assert "116 123" in text


async def test_now_what_after_a_devon_route_is_the_form_within_4_hours(clock) -> None:
    clock(OPEN)
    state = tracker(
        "ok rang them, now what",
        "ask_what_next",
        slots={"area": "devon", "role": "professional"},
        events=turns(("yes significant harm", ["action_route_concern"])),
    )
    text, _, _ = await run(ActionWhatNext(), state)
    assert text.startswith("Yes.") and "within 4 hours" in text


async def test_what_number_after_tell_me_more_is_the_areas_lines(clock) -> None:
    clock(OPEN)
    state = tracker(
        "what number do i ring then",
        "ask_what_next",
        slots={"area": "devon", "role": "professional"},
        events=turns(("bruise on a 9 week old", ["action_guidance"]), ("tell me more", ["action_tell_more"])),
    )
    text, messages, _ = await run(ActionWhatNext(), state)
    assert responses(messages) == ["utter_contacts_open"] and DEVON_FRONT_DOOR in text


async def test_now_what_with_nothing_before_offers_the_menu_for_who_is_asking() -> None:
    parent, messages, _ = await run(ActionWhatNext(), tracker("now what", "ask_what_next", events=turns()))
    assert responses(messages) == ["utter_parent_menu"]
    _, messages, _ = await run(
        ActionWhatNext(), tracker("now what", "ask_what_next", slots={"role": "professional"}, events=turns())
    )
    assert responses(messages) == ["utter_professional_intro"]


async def test_who_to_call_for_a_parent_is_people_not_referral_lines() -> None:
    text, messages, _ = await run(ActionWhoToCall(), tracker("no one to call tbh", "ask_who_to_call"))
    assert responses(messages) == ["utter_who_to_call_parent"]
    assert "116 123" in text and "111" in text and DEVON_FRONT_DOOR not in text


async def test_who_to_call_for_a_professional_is_their_areas_lines(clock) -> None:
    clock(OPEN)
    state = tracker("who do i ring", "ask_who_to_call", slots={"role": "professional", "area": "dudley"})
    text, _, _ = await run(ActionWhoToCall(), state)
    assert "0300 555 0050" in text and DEVON_FRONT_DOOR not in text


async def test_who_to_call_after_a_route_reads_the_user_as_a_professional(clock) -> None:
    clock(OPEN)
    state = tracker("who do i ring", "ask_who_to_call", events=turns(("concern", ["action_route_concern"])))
    text, _, _ = await run(ActionWhoToCall(), state)
    assert DEVON_FRONT_DOOR in text


async def test_form_after_call_in_devon_is_yes_within_4_hours(clock) -> None:
    clock(OPEN)
    text, _, _ = await run(
        ActionFormAfterCall(), tracker("form after?", "ask_form_after_call", {"area": "devon"})
    )
    assert text.startswith("Yes.") and "within 4 hours" in text and "dcfp.org.uk" in text


async def test_form_after_call_elsewhere_says_the_rule_is_not_held(clock) -> None:
    clock(OPEN)
    state = tracker("do i still do the portal after", "ask_form_after_call", {"area": "east_sussex"})
    text, _, _ = await run(ActionFormAfterCall(), state)
    assert "I don't hold East Sussex's rule" in text and "eastsussex.gov.uk" in text
    assert "4 hours" not in text and DEVON_FRONT_DOOR not in text


async def test_form_after_call_in_a_place_not_held_gives_the_national_route(clock) -> None:
    clock(OPEN)
    state = tracker("in plymouth, do i need the form after calling", "ask_form_after_call")
    text, _, _ = await run(ActionFormAfterCall(), state)
    assert "Plymouth" in text and DEVON_FRONT_DOOR not in text


async def test_a_parent_asking_about_a_bruise_gets_the_parents_injury_advice() -> None:
    state = tracker("bruise on my 6 week olds leg", "guidance_injury_non_mobile", {"role": "parent"})
    text, messages, events = await run(ActionGuidance(), state)
    assert messages == []
    assert events == [SlotSet("safety_concern", "injury"), FollowupAction("utter_urgent_health")]


async def test_a_parent_asking_a_professionals_topic_gets_a_kind_pointer() -> None:
    state = tracker("what is a strategy discussion", "guidance_strategy_discussion", {"role": "parent"})
    text, messages, _ = await run(ActionGuidance(), state)
    assert responses(messages) == ["utter_guidance_for_parent"]
    assert "written for professionals" in text and DEVON_FRONT_DOOR not in text


async def test_a_parent_asking_for_the_number_gets_people_to_call() -> None:
    text, messages, _ = await run(
        ActionGiveContacts(), tracker("what number do i ring", "ask_contacts", {"role": "parent"})
    )
    assert responses(messages) == ["utter_who_to_call_parent"]
    assert DEVON_FRONT_DOOR not in text
