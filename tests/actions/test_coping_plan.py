"""The coping plan's form validation, as Rasa calls it, with a real tracker and dispatcher."""

from __future__ import annotations

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.coping_plan import ValidateCopingPlanForm
from tests.actions.conftest import DOMAIN, render


def tracker_after_answer(slot: str, typed: str) -> Tracker:
    """The tracker as Rasa sends it once the form has filled `slot` from what the user typed."""
    return Tracker.from_dict(
        {
            "sender_id": "test",
            "slots": {"plan_calm_idea": None, "plan_support": None, "requested_slot": slot, slot: typed},
            "latest_message": {"text": typed, "intent": {"name": "ask_coping_plan"}},
            "events": [
                {"event": "action", "name": "action_listen"},
                {"event": "user", "text": typed, "parse_data": {"intent": {"name": "ask_coping_plan"}}},
                {"event": "slot", "name": slot, "value": typed},
            ],
            "active_loop": {"name": "coping_plan_form"},
            "latest_action_name": "action_listen",
        }
    )


async def run(slot: str, typed: str) -> tuple[dict, list[dict]]:
    dispatcher = CollectingDispatcher()
    events = await ValidateCopingPlanForm().run(dispatcher, tracker_after_answer(slot, typed), DOMAIN)
    values = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    return values, dispatcher.messages


@pytest.mark.parametrize(
    "typed, kept",
    [
        ("a cup of tea", "Have a drink or a snack"),
        ("Deep breaths", "Take some slow, deep breaths"),
        ("stamp my feet", "Stamp your feet to let the tension out"),
        ("ring someone", "Call or message someone you trust"),
    ],
)
async def test_calm_idea_becomes_a_plan_step(typed: str, kept: str) -> None:
    values, messages = await run("plan_calm_idea", typed)
    assert values == {"plan_calm_idea": kept}
    assert messages == []


@pytest.mark.parametrize(
    "typed, kept",
    [
        ("my sister Jo", "someone in your family"),
        ("my husband", "your partner"),
        ("Sam next door, my neighbour", "a friend or neighbour"),
        ("NHS 111", "NHS 111 (choose the mental health option)"),
        ("my health visitor", "your health visitor"),
        ("the midwife", "your midwife"),
        ("ring the doctors", "your GP"),
    ],
)
async def test_support_is_kept_without_any_name(typed: str, kept: str) -> None:
    values, _ = await run("plan_support", typed)
    assert values == {"plan_support": kept}
    assert "Jo" not in str(values) and "Sam" not in str(values)


async def test_an_answer_it_cannot_place_is_asked_again_kindly() -> None:
    values, messages = await run("plan_support", "purple monkey")
    assert values == {"plan_support": None}
    assert [m["response"] for m in messages] == ["utter_ask_again_support"]
    assert "didn't catch that" in render(messages[0])


async def test_the_helpline_number_comes_from_the_national_lines() -> None:
    values, _ = await run("plan_support", "the nspcc helpline")
    assert values == {"plan_support": "the NSPCC helpline on 0808 800 5000"}
