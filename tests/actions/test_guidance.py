"""Guidance answers: the area's own procedure, the route where one is needed, and the source."""

from __future__ import annotations

import pytest

from actions.guidance import ActionGuidance, ActionTellMore, guidance_by_intent
from tests.actions.conftest import CLOSED, OPEN, run, tracker


@pytest.mark.parametrize("intent", sorted(guidance_by_intent()))
@pytest.mark.parametrize("area", ["devon", "east_sussex", "dudley"])
async def test_every_answer_ends_with_its_source_and_date(clock, intent: str, area: str) -> None:
    clock(OPEN)
    text, _, _ = await run(ActionGuidance(), tracker(intent=intent, slots={"area": area}))
    assert "Source: " in text and "(checked 2026-11)" in text


async def test_injury_in_devon_quotes_devons_procedure_and_ends_with_the_front_door(clock) -> None:
    clock(OPEN)
    text, _, _ = await run(
        ActionGuidance(), tracker(intent="guidance_injury_non_mobile", slots={"area": "devon"})
    )
    assert "same-day GP review" in text and "child protection medical" in text
    assert "now on 0345 155 1071" in text


async def test_injury_where_the_procedure_is_not_held_says_so(clock) -> None:
    clock(CLOSED)
    text, _, _ = await run(
        ActionGuidance(), tracker(intent="guidance_injury_non_mobile", slots={"area": "east_sussex"})
    )
    assert "I don't hold East Sussex's own injury procedure" in text
    assert "Devon's response" not in text
    assert "01273 335905" in text  # out of hours on a Saturday


@pytest.mark.parametrize("area", ["devon", "east_sussex", "dudley"])
async def test_a_torn_frenulum_never_gets_the_bruising_flowcharts_exits(clock, area: str) -> None:
    # Seed 004: a GP appointment and an accepted explanation where a strategy meeting and a child
    # protection medical were needed. The flowchart's "document it" and "GP review" exits must not
    # be offered for an oral injury, in any area.
    clock(OPEN)
    text, _, _ = await run(ActionGuidance(), tracker(intent="guidance_torn_frenulum", slots={"area": area}))
    assert "child protection medical the same day" in text
    assert "Devon's response" not in text and "document it." not in text
    assert "If you are unsure, arrange a same-day GP review" not in text


async def test_definitions_differ_by_area(clock) -> None:
    clock(OPEN)
    devon, _, _ = await run(
        ActionGuidance(), tracker(intent="guidance_not_independently_mobile", slots={"area": "devon"})
    )
    dudley, _, _ = await run(
        ActionGuidance(), tracker(intent="guidance_not_independently_mobile", slots={"area": "dudley"})
    )
    assert "pulling to stand, cruising or walking" in devon
    assert "I don't hold Dudley's own definition" in dudley


async def test_review_findings_are_the_users_area(clock) -> None:
    clock(OPEN)
    text, _, _ = await run(
        ActionGuidance(), tracker(intent="guidance_review_findings", slots={"area": "east_sussex"})
    )
    assert "East Sussex: the 2021 deep dive" in text and "Dudley: " not in text


async def test_an_area_named_in_the_question_is_used_and_remembered(clock) -> None:
    clock(OPEN)
    text, _, events = await run(
        ActionGuidance(),
        tracker(text="GP in east sussex here, bruise on a 3 month old", intent="guidance_injury_non_mobile"),
    )
    assert "01323 464222" in text and "Devon" not in text.split("Source:")[0]
    assert events[0]["name"] == "area" and events[0]["value"] == "east_sussex"


@pytest.mark.parametrize("intent", sorted(guidance_by_intent()))
async def test_the_first_bubble_is_the_action_in_about_40_words(clock, intent: str) -> None:
    clock(OPEN)
    text, messages, events = await run(ActionGuidance(), tracker(intent=intent, slots={"area": "devon"}))
    first = text.split("\n\n")[0]
    assert len(first.split()) <= 45, first
    guidance = guidance_by_intent()[intent]
    # Longer answers wait behind a button; the topic is remembered for it.
    assert bool(messages[0].get("buttons")) == guidance.has_more
    assert {"event": "slot", "timestamp": None, "name": "last_guidance", "value": intent} in events


async def test_tell_me_more_gives_the_whole_of_the_last_answer(clock) -> None:
    clock(OPEN)
    short, _, _ = await run(
        ActionGuidance(), tracker(intent="guidance_torn_frenulum", slots={"area": "devon"})
    )
    assert "11% of cases" not in short
    more, _, _ = await run(
        ActionTellMore(),
        tracker("tell me more", "tell_more", {"area": "devon", "last_guidance": "guidance_torn_frenulum"}),
    )
    assert more.startswith("More on A torn frenulum in a baby:") and "11% of cases" in more
    assert "Source: RCPCH" in more


async def test_tell_me_more_with_nothing_before_asks_what_about() -> None:
    text, _, _ = await run(ActionTellMore(), tracker("tell me more", "tell_more"))
    assert text.startswith("What would you like to know more about?")


@pytest.mark.parametrize(("area", "devons"), [("devon", True), ("east_sussex", False), ("dudley", False)])
async def test_devons_case_resolution_protocol_and_mash_contact_go_to_devon_only(
    clock, area: str, devons: bool
) -> None:
    clock(OPEN)
    text, _, _ = await run(ActionGuidance(), tracker(intent="guidance_escalation", slots={"area": area}))
    assert "Keep the child safe while the disagreement is settled" in text
    # The protocol's own words are Devon's: other areas are not told Devon's protocol says them.
    assert ("must never stop the child being safeguarded" in text) is devons
    assert ("In Devon, use the Case Resolution Protocol" in text) is devons
    assert ("named manager" in text) is devons
