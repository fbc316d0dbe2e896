"""Which route a professional's concern takes, and the values the route replies are filled with.

Three routes: 999 (immediate danger), the area's phone line (risk of significant harm; its
out-of-hours line when the daytime one is closed) or the online request-for-support form. The
wording is in domain.yml (`utter_route_*`, `utter_phone_*`); this module picks the response and
fills its variables from the area's file in data/areas/.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet

from actions.areas import Area, areas, is_bank_holiday, is_open, national_lines, now_uk

EMERGENCY, PHONE, FORM = "emergency", "phone", "form"

# The phone-line replies, by whether the daytime line is open at that moment.
PHONE_RESPONSES = {True: "utter_phone_open", False: "utter_phone_closed"}
# The same, after a guidance answer: "if you are concerned now".
CONCERNED_RESPONSES = {True: "utter_concerned_phone_open", False: "utter_concerned_phone_closed"}
CONTACTS_RESPONSES = {True: "utter_contacts_open", False: "utter_contacts_closed"}


def choose_route(immediate_danger: Any, significant_harm: Any) -> str:
    if immediate_danger is True:
        return EMERGENCY
    if significant_harm is True:
        return PHONE
    return FORM


def where(tracker: Tracker) -> tuple[Area | None, str | None, list[dict[str, Any]]]:
    """Where the user works: (a partnership held here, None) or (None, the name of a place with no
    partnership here, such as "Plymouth"), with the events that remember it for the conversation.
    A place named in this message wins over one named before; with none named, the default area."""
    directory = areas()
    named = directory.place_in_text(tracker.latest_message.get("text") or "")
    if named is None:
        # A place named earlier in the conversation ("hi, HV in Plymouth", then "what's the
        # number?"), the most recent first, even if no action remembered it at the time.
        for event in reversed(tracker.events[:-1]):
            if event.get("event") == "user":
                named = directory.place_in_text(event.get("text") or "")
                if named is not None:
                    break
    remembered_place = tracker.get_slot("place_not_held")
    if isinstance(named, str):
        return None, named, [] if named == remembered_place else [SlotSet("place_not_held", named)]
    if named is not None:
        events: list[dict[str, Any]] = []
        if named.id != tracker.get_slot("area"):
            events.append(SlotSet("area", named.id))
        if remembered_place:
            events.append(SlotSet("place_not_held", None))
        return named, None, events
    if remembered_place:
        return None, str(remembered_place), []
    return directory.get(tracker.get_slot("area")), None, []


def not_held_values(place: str) -> dict[str, str]:
    """The values of `utter_area_not_held`: the place, the partnerships held, the national lines."""
    lines = national_lines()
    return {
        "place": place,
        "area_names": ", ".join(a.name for a in areas().all),
        "police_non_emergency": lines["police_non_emergency"],
        "nspcc_helpline": lines["nspcc_helpline"],
    }


def area_values(area: Area, when: datetime | None = None, *, emergency: bool = False) -> dict[str, str]:
    """Everything a route reply may name about an area, as response variables, for the moment
    `when` (now by default). `line_now_name`/`line_now` is the line that answers at that moment:
    the daytime line when it is open, the out-of-hours line otherwise. The area's notes are tied to
    daytime contact with its own line (East Sussex: the family's social worker instead of SPoA;
    Devon: the form within four hours of the call), so they are given only while that line is open,
    and the note before phoning is left out of the 999 route."""
    moment = when or now_uk()
    open_now = is_open(area, moment)
    # The source pages say nothing about bank holidays: treating the line as closed then is the
    # assistant's own advice for safety, and the reply says so rather than stating it as a fact.
    holiday = is_bank_holiday(moment)
    notes = area.notes if open_now else {}
    before = None if emergency else notes.get("before_phone")
    after = notes.get("after_phone")
    return {
        "area_name": area.name,
        "daytime_name": area.daytime_name,
        "daytime_line": area.daytime_line,
        "hours": area.hours_text(),
        "out_of_hours_name": area.out_of_hours_name,
        "out_of_hours_line": area.out_of_hours_line,
        "line_now_name": area.daytime_name if open_now else area.out_of_hours_name,
        "line_now": area.daytime_line if open_now else area.out_of_hours_line,
        "closed_now": "may not be answering today, a bank holiday: I advise the out-of-hours line"
        if holiday
        else "is closed now",
        "closed_note": "today is a bank holiday: I advise the out-of-hours line" if holiday else "closed now",
        "form_name": area.form_name,
        "form_page": area.form_page,
        "source_name": area.source_name,
        "source_url": area.source_url,
        "verified_on": area.verified_on,
        # The area's own notes go where they apply: before the number, after it, or in a list.
        "before_phone": f"{before} " if before else "",
        "after_phone": f" {after}" if after else "",
        "notes": "".join(f"\n• {note}" for note in notes.values()),
    }


def phone_response(area: Area, when: datetime, responses: dict[bool, str] = PHONE_RESPONSES) -> str:
    """The phone-line reply for this moment: the daytime line if open, else the out-of-hours line."""
    return responses[is_open(area, when)]
