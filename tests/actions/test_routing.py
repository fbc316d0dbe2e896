"""The routing actions as a professional meets them: the right route, number and hours per area."""

from __future__ import annotations

import pytest
from rasa_sdk.events import SlotSet

from actions.routing import ActionEmergencyRoute, ActionGiveContacts, ActionRouteConcern, ActionSetArea
from tests.actions.conftest import BANK_HOLIDAY, CLOSED, OPEN, responses, run, tracker

AREAS = {
    "devon": ("0345 155 1071", "0345 6000 388", "dcfp.org.uk"),
    "east_sussex": ("01323 464222", "01273 335905 or 01273 335906", "eastsussex.gov.uk"),
    "dudley": ("0300 555 0050 (option 3)", "0300 555 8574", "trixonline.co.uk"),
}


@pytest.mark.parametrize("area", AREAS)
async def test_immediate_danger_says_999_first(clock, area: str) -> None:
    clock(OPEN)
    text, _, events = await run(
        ActionRouteConcern(),
        tracker(slots={"area": area, "immediate_danger": True, "significant_harm": True}),
    )
    assert text.startswith("Call 999 now")
    assert AREAS[area][0] in text
    # The triage answers are cleared so the next concern starts afresh.
    assert SlotSet("immediate_danger", None) in events and SlotSet("significant_harm", None) in events


@pytest.mark.parametrize("area", AREAS)
async def test_significant_harm_in_hours_gives_the_daytime_line(clock, area: str) -> None:
    clock(OPEN)
    text, _, _ = await run(
        ActionRouteConcern(),
        tracker(slots={"area": area, "immediate_danger": False, "significant_harm": True}),
    )
    daytime, out_of_hours, _ = AREAS[area]
    assert f"now on {daytime}" in text
    assert out_of_hours not in text
    assert "Have ready" in text
    assert "checked 2026-11" in text


@pytest.mark.parametrize("area", AREAS)
async def test_significant_harm_out_of_hours_gives_the_out_of_hours_line(clock, area: str) -> None:
    clock(CLOSED)
    text, _, _ = await run(
        ActionRouteConcern(),
        tracker(slots={"area": area, "immediate_danger": False, "significant_harm": True}),
    )
    daytime, out_of_hours, _ = AREAS[area]
    assert "closed now" in text and out_of_hours in text


async def test_devon_says_the_form_must_follow_the_call_within_4_hours(clock) -> None:
    clock(OPEN)
    text, _, _ = await run(
        ActionRouteConcern(),
        tracker(slots={"area": "devon", "significant_harm": True, "immediate_danger": False}),
    )
    assert "within 4 hours" in text


async def test_east_sussex_says_to_call_the_family_social_worker_first(clock) -> None:
    clock(OPEN)
    text, _, _ = await run(
        ActionRouteConcern(),
        tracker(slots={"area": "east_sussex", "significant_harm": True, "immediate_danger": False}),
    )
    assert "already has a social worker" in text


@pytest.mark.parametrize("area", AREAS)
async def test_lower_concerns_go_to_the_online_form(clock, area: str) -> None:
    clock(OPEN)
    text, _, _ = await run(
        ActionRouteConcern(),
        tracker(slots={"area": area, "immediate_danger": False, "significant_harm": False}),
    )
    assert text.startswith("Complete the")
    assert AREAS[area][2] in text
    assert "safeguarding lead" in text


async def test_no_area_means_devon(clock) -> None:
    clock(OPEN)
    text, _, _ = await run(
        ActionRouteConcern(), tracker(slots={"significant_harm": True, "immediate_danger": False})
    )
    assert "0345 155 1071" in text


@pytest.mark.parametrize("area", AREAS)
async def test_contacts_at_once(clock, area: str) -> None:
    clock(CLOSED)
    text, _, _ = await run(ActionGiveContacts(), tracker(slots={"area": area}))
    for part in AREAS[area]:
        assert part in text
    assert "(closed now)" in text and "999" in text


@pytest.mark.parametrize(
    "text, area",
    [
        ("link to the devon request for support form please", "devon"),
        ("where's the dudley portal for referrals", "dudley"),
        ("Where is the East Sussex online referral form", "east_sussex"),
    ],
)
async def test_asked_for_the_form_the_form_comes_first(clock, text: str, area: str) -> None:
    clock(OPEN)
    said, messages, _ = await run(ActionGiveContacts(), tracker(text=text, intent="ask_contacts"))
    assert responses(messages)[0] == "utter_route_form"
    assert AREAS[area][2] in said
    # Asked for the number too, they get every contact at once.
    said, messages, _ = await run(
        ActionGiveContacts(), tracker(text=text + " or the phone number", intent="ask_contacts")
    )
    assert responses(messages)[0] == "utter_contacts_open"
    # Urgency means a person to speak to, not a form.
    urgent = "Urgent referral, baby at immediate risk, where's the form? need to speak to someone now"
    _, messages, _ = await run(ActionGiveContacts(), tracker(text=urgent, intent="ask_contacts"))
    assert responses(messages)[0] == "utter_contacts_open"


async def test_asked_for_the_form_in_a_place_not_held_gives_no_other_area_form(clock) -> None:
    clock(OPEN)
    said, messages, _ = await run(
        ActionGiveContacts(),
        tracker(text="where's the online referral form for Oldbury", intent="ask_contacts"),
    )
    assert responses(messages) == ["utter_area_not_held"]
    assert not any(form in said for _, _, form in AREAS.values())


async def test_asked_for_a_national_line_gets_the_people_to_call_not_the_area_lines(clock) -> None:
    clock(OPEN)
    said, messages, _ = await run(
        ActionGiveContacts(), tracker(text="number for 111?", intent="ask_contacts")
    )
    assert responses(messages) == ["utter_who_to_call_parent"]
    assert "111" in said and AREAS["devon"][0] not in said
    # Naming a national line while asking for the area's still gets the area's lines.
    text = "HV here, NSPCC advised me to refer to the local authority, what's your number"
    _, messages, _ = await run(ActionGiveContacts(), tracker(text=text, intent="ask_contacts"))
    assert responses(messages) == ["utter_contacts_open"]


async def test_asking_for_an_areas_own_line_by_its_name_gives_that_area(clock) -> None:
    # "SPoA" is East Sussex's Single Point of Advice, whatever area was in use before.
    clock(OPEN)
    said, _, _ = await run(ActionGiveContacts(), tracker(text="SPoA hours", slots={"area": "devon"}))
    assert AREAS["east_sussex"][0] in said and AREAS["devon"][0] not in said


async def test_naming_an_area_remembers_it() -> None:
    text, _, events = await run(ActionSetArea(), tracker(text="i'm a health visitor in Dudley"))
    assert "Dudley" in text and "0300 555 0050" in text
    assert events[0]["name"] == "area" and events[0]["value"] == "dudley"


async def test_an_unrecognised_place_gets_the_supported_list_and_keeps_the_old_one() -> None:
    text, messages, events = await run(
        ActionSetArea(), tracker(text="i work in Narnia", slots={"area": "east_sussex"})
    )
    assert "Devon, Dudley, East Sussex" in text and "keep using East Sussex" in text
    assert [b["title"] for b in messages[0]["buttons"]] == ["Devon", "Dudley", "East Sussex"]
    assert events == []


@pytest.mark.parametrize(
    ("moment", "line", "not_line"),
    [(OPEN, "0300 555 0050", "0300 555 8574"), (CLOSED, "0300 555 8574", "0300 555 0050")],
)
async def test_a_failure_still_gives_999_and_the_line_that_answers_now(
    clock, monkeypatch, moment, line, not_line
) -> None:
    clock(moment)

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("actions.routing.phone_response", broken)
    text, _, _ = await run(ActionRouteConcern(), tracker(slots={"area": "dudley", "significant_harm": True}))
    assert "call 999" in text and line in text and not_line not in text


# Friday 15:59 and 16:00 in Devon: the Front Door closes at 16:00 on Fridays.
FRIDAY_1559 = OPEN.replace(day=20, hour=15, minute=59)
FRIDAY_1600 = OPEN.replace(day=20, hour=16, minute=0)


@pytest.mark.parametrize(
    ("moment", "line", "not_line"),
    [(FRIDAY_1559, "0345 155 1071", "0345 6000 388"), (FRIDAY_1600, "0345 6000 388", "0345 155 1071")],
)
async def test_the_form_route_names_the_line_that_answers_now(
    clock, moment, line: str, not_line: str
) -> None:
    clock(moment)
    text, _, _ = await run(
        ActionRouteConcern(),
        tracker(slots={"area": "devon", "immediate_danger": False, "significant_harm": False}),
    )
    assert text.startswith("Complete the") and line in text and not_line not in text


@pytest.mark.parametrize(("moment", "given"), [(FRIDAY_1559, True), (FRIDAY_1600, False)])
async def test_devons_four_hour_form_note_only_follows_a_front_door_call(clock, moment, given: bool) -> None:
    clock(moment)
    text, _, _ = await run(
        ActionRouteConcern(),
        tracker(slots={"area": "devon", "significant_harm": True, "immediate_danger": False}),
    )
    assert ("within 4 hours" in text) is given


@pytest.mark.parametrize(
    ("moment", "answers", "given"),
    [
        (OPEN, {"significant_harm": True, "immediate_danger": False}, True),
        (CLOSED, {"significant_harm": True, "immediate_danger": False}, False),
        (OPEN, {"significant_harm": True, "immediate_danger": True}, False),
    ],
)
async def test_east_sussex_social_worker_note_only_by_day_and_never_in_the_999_route(
    clock, moment, answers, given: bool
) -> None:
    clock(moment)
    text, _, _ = await run(ActionRouteConcern(), tracker(slots={"area": "east_sussex", **answers}))
    assert ("already has a social worker" in text) is given
    contacts, _, _ = await run(ActionGiveContacts(), tracker(slots={"area": "east_sussex"}))
    assert ("already has a social worker" in contacts) is (moment == OPEN)


async def test_closed_lines_advise_the_out_of_hours_line_on_bank_holidays_as_advice(clock) -> None:
    concern = {"area": "devon", "significant_harm": True, "immediate_danger": False}
    clock(CLOSED)
    text, _, _ = await run(ActionRouteConcern(), tracker(slots=concern))
    assert "is closed now" in text and "on bank holidays, I advise the out-of-hours line" in text
    # A weekday bank holiday in opening hours: the source pages say nothing about bank holidays, so
    # the reply gives the out-of-hours line as the assistant's advice, not as a fact about the line.
    clock(BANK_HOLIDAY)
    text, _, _ = await run(ActionRouteConcern(), tracker(slots=concern))
    assert "0345 6000 388" in text and "is closed now" not in text
    assert "may not be answering today, a bank holiday: I advise the out-of-hours line" in text
    contacts, _, _ = await run(ActionGiveContacts(), tracker(slots={"area": "devon"}))
    assert "(today is a bank holiday: I advise the out-of-hours line)" in contacts


@pytest.mark.parametrize(
    ("answers", "moment", "said"),
    [
        (
            {"immediate_danger": True, "significant_harm": True},
            OPEN,
            ["utter_route_emergency", "utter_phone_open"],
        ),
        (
            {"immediate_danger": True, "significant_harm": True},
            CLOSED,
            ["utter_route_emergency", "utter_phone_closed"],
        ),
        (
            {"immediate_danger": False, "significant_harm": True},
            OPEN,
            ["utter_phone_open", "utter_have_ready"],
        ),
        (
            {"immediate_danger": False, "significant_harm": True},
            CLOSED,
            ["utter_phone_closed", "utter_have_ready"],
        ),
        ({"immediate_danger": False, "significant_harm": False}, OPEN, ["utter_route_form"]),
    ],
)
async def test_each_route_is_said_by_its_responses_in_order(clock, answers, moment, said) -> None:
    clock(moment)
    _, messages, _ = await run(ActionRouteConcern(), tracker(slots={"area": "devon", **answers}))
    assert responses(messages) == said
    # Every reply that names a line names Devon's.
    lines = [m["daytime_line"] for m in messages if "daytime_line" in m]
    assert lines and set(lines) == {"0345 155 1071"}


async def test_the_area_is_remembered_when_a_message_names_it(clock) -> None:
    clock(OPEN)
    _, messages, events = await run(ActionGiveContacts(), tracker(text="SW in dudley, who do i call"))
    assert responses(messages) == ["utter_contacts_open"]
    assert messages[0]["area_name"] == "Dudley"
    assert events == [SlotSet("area", "dudley")]


NUMBERS_HELD = [
    "0345 155 1071",
    "0345 6000 388",
    "01323 464222",
    "01273 335905",
    "0300 555 0050",
    "0300 555 8574",
]


@pytest.mark.parametrize(
    "text", ["i work in Leeds", "HV in plymouth, devon", "we're a torbay team", "Brighton and Hove SW"]
)
async def test_a_place_with_no_partnership_here_is_named_and_given_the_national_route(text: str) -> None:
    said, messages, events = await run(ActionSetArea(), tracker(text=text, slots={"area": "devon"}))
    assert responses(messages) == ["utter_area_not_held"]
    assert "I don't have contacts for" in said and "gov.uk/report-child-abuse-to-local-council" in said
    assert "999" in said and "101" in said and "0808 800 5000" in said
    assert not any(number in said for number in NUMBERS_HELD)
    assert [e for e in events if e["name"] == "place_not_held"][0]["value"] == messages[0]["place"]


@pytest.mark.parametrize("moment", [OPEN, CLOSED])
async def test_routes_for_a_place_not_held_never_give_another_areas_numbers(clock, moment) -> None:
    clock(moment)
    remembered = {"area": "devon", "place_not_held": "Cornwall"}
    for action, slots in [
        (ActionGiveContacts(), remembered),
        (ActionRouteConcern(), {**remembered, "immediate_danger": False, "significant_harm": True}),
        (ActionRouteConcern(), {**remembered, "immediate_danger": False, "significant_harm": False}),
        (ActionEmergencyRoute(), remembered),
    ]:
        said, messages, _ = await run(action, tracker(text="what number do i ring", slots=slots))
        assert responses(messages) == ["utter_area_not_held"], action.name()
        assert "Cornwall" in said and not any(number in said for number in NUMBERS_HELD)
    # 999 still comes first when the child is in immediate danger.
    _, messages, _ = await run(
        ActionRouteConcern(),
        tracker(slots={**remembered, "immediate_danger": True, "significant_harm": True}),
    )
    assert responses(messages) == ["utter_route_emergency", "utter_area_not_held"]


async def test_naming_a_partnership_after_a_place_not_held_switches_back(clock) -> None:
    clock(OPEN)
    _, messages, events = await run(
        ActionGiveContacts(),
        tracker(text="sorry, i meant I'm in Eastbourne", slots={"place_not_held": "Leeds"}),
    )
    assert responses(messages) == ["utter_contacts_open"] and messages[0]["area_name"] == "East Sussex"
    assert SlotSet("area", "east_sussex") in events and SlotSet("place_not_held", None) in events


async def test_a_place_named_earlier_in_the_conversation_is_used(clock) -> None:
    clock(OPEN)
    earlier = tracker(text="whats the front door number")
    earlier.events = [
        {"event": "user", "text": "hi im a HV in plymouth"},
        {"event": "bot", "text": "Hello."},
        {"event": "user", "text": "whats the front door number"},
    ]
    said, messages, _ = await run(ActionGiveContacts(), earlier)
    assert responses(messages) == ["utter_area_not_held"] and "Plymouth" in said
    earlier.events.insert(2, {"event": "user", "text": "sorry, I meant Dudley"})
    _, messages, _ = await run(ActionGiveContacts(), earlier)
    assert messages[0]["area_name"] == "Dudley"


@pytest.mark.parametrize(
    ("text", "other"),
    [
        ("opening hours of the children's centre in Exmouth", True),
        ("whats the number for the family hub", True),
        ("opening times for the children centre pls", True),
        ("can you give me the phone number of the GP surgery", True),
        ("children's centre worker here, what's the front door number", False),
        ("what number do I call", False),
        ("front door hours", False),
    ],
)
async def test_a_service_not_held_is_said_to_be_not_held_not_given_the_front_door(
    clock, text: str, other: bool
) -> None:
    clock(OPEN)
    text_out, messages, _ = await run(ActionGiveContacts(), tracker(text=text, slots={"area": "devon"}))
    assert (messages[0]["response"] == "utter_other_service") is other
    assert ("0345 155 1071" in text_out) is (not other)
