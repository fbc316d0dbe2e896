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

from actions.areas import Area, areas, is_open

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


def area_for(tracker: Tracker) -> tuple[Area, list[dict[str, Any]]]:
    """The area named in this message ("GP in Dudley here..."), else the remembered one, else the
    default; with the event that remembers a newly named area."""
    directory = areas()
    named = directory.find_in_text(tracker.latest_message.get("text") or "")
    if named and named.id != tracker.get_slot("area"):
        return named, [SlotSet("area", named.id)]
    return directory.get(tracker.get_slot("area")), []


def area_values(area: Area) -> dict[str, str]:
    """Everything a route reply may name about an area, as response variables."""
    before = area.notes.get("before_phone")
    after = area.notes.get("after_phone")
    return {
        "area_name": area.name,
        "daytime_name": area.daytime_name,
        "daytime_line": area.daytime_line,
        "hours": area.hours_text(),
        "out_of_hours_name": area.out_of_hours_name,
        "out_of_hours_line": area.out_of_hours_line,
        "form_name": area.form_name,
        "form_page": area.form_page,
        "source_name": area.source_name,
        "source_url": area.source_url,
        "verified_on": area.verified_on,
        # The area's own notes go where they apply: before the number, after it, or in a list.
        "before_phone": f"{before} " if before else "",
        "after_phone": f" {after}" if after else "",
        "notes": "".join(f"\n• {note}" for note in area.notes.values()),
    }


def phone_response(area: Area, when: datetime, responses: dict[bool, str] = PHONE_RESPONSES) -> str:
    """The phone-line reply for this moment: the daytime line if open, else the out-of-hours line."""
    return responses[is_open(area, when)]
