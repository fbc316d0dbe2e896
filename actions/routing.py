"""Routes for a professional's concern: 999, the area's phone line (or its out-of-hours line), or
the online request-for-support form. Every contact comes from data/areas/ via `actions.areas`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.areas import Area, areas, is_open, now_uk
from actions.safe_action import SafeAction

EMERGENCY, PHONE, FORM = "emergency", "phone", "form"

# What to have ready: from the Devon practice review (seed 004), where a referral was not accepted
# partly because the concerns were not clearly put and background checks missed the history.
HAVE_READY = (
    "Have ready: what the concern is and why it worries you, said plainly; what you know of the "
    "family's history; and which other professionals are involved. (Devon's practice review found "
    "a referral turned down partly because the concerns were not clearly put, and history held by "
    "other services was missed.)"
)


def source_line(area: Area) -> str:
    return f"Contacts: {area.source_name}, {area.source_url} (checked {area.verified_on})."


def phone_route(area: Area, when: datetime) -> str:
    """Risk of significant harm: the daytime line if open, else the out-of-hours line."""
    parts = []
    if "before_phone" in area.notes:
        parts.append(area.notes["before_phone"])
    if is_open(area, when):
        parts.append(
            f"Phone the {area.name} {area.daytime_name} now on {area.daytime_line} "
            f"(open {area.hours_text()})."
        )
    else:
        parts.append(
            f"The {area.name} {area.daytime_name} is closed now (open {area.hours_text()}, "
            f"not on bank holidays). Phone the {area.out_of_hours_name} on {area.out_of_hours_line}."
        )
    if "after_phone" in area.notes:
        parts.append(area.notes["after_phone"] + f" The form is on {area.form_page}")
    return " ".join(parts)


def form_route(area: Area) -> str:
    return (
        f"Complete the {area.name} {area.form_name}: {area.form_page}. Talk it through with your "
        f"safeguarding lead if you're unsure. If it turns out the child may be at risk of "
        f"significant harm, phone the {area.daytime_name} on {area.daytime_line} instead."
    )


def route_text(area: Area, route: str, when: datetime) -> str:
    if route == EMERGENCY:
        return (
            "Call 999 now: the child is in immediate danger. When the child is safe, tell "
            f"children's services. {phone_route(area, when)}"
        )
    if route == PHONE:
        return f"{phone_route(area, when)}\n\n{HAVE_READY}"
    return form_route(area)


def area_for(tracker: Tracker) -> tuple[Area, list[dict[str, Any]]]:
    """The area named in this message ("GP in Dudley here..."), else the remembered one, else the
    default; with the event that remembers a newly named area."""
    directory = areas()
    named = directory.find_in_text(tracker.latest_message.get("text") or "")
    if named and named.id != tracker.get_slot("area"):
        return named, [SlotSet("area", named.id)]
    return directory.get(tracker.get_slot("area")), []


def choose_route(immediate_danger: Any, significant_harm: Any) -> str:
    if immediate_danger is True:
        return EMERGENCY
    if significant_harm is True:
        return PHONE
    return FORM


class ActionRouteConcern(SafeAction):
    """After the triage form: say the route, for the user's area, at this moment."""

    def name(self) -> str:
        return "action_route_concern"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        area, events = area_for(tracker)
        route = choose_route(
            tracker.get_slot("immediate_danger"), tracker.get_slot("significant_harm")
        )
        dispatcher.utter_message(text=f"{route_text(area, route, now_uk())}\n\n{source_line(area)}")
        return events + [SlotSet("immediate_danger", None), SlotSet("significant_harm", None)]


class ActionGiveContacts(SafeAction):
    """The number and the form at once, without the triage."""

    def name(self) -> str:
        return "action_give_contacts"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        area, events = area_for(tracker)
        open_now = is_open(area, now_uk())
        state = "open now" if open_now else "closed now"
        lines = [
            f"{area.name}:",
            f"• {area.daytime_name}: {area.daytime_line}, {area.hours_text()} ({state})",
            f"• Out of hours: {area.out_of_hours_name}, {area.out_of_hours_line}",
            f"• Online form: {area.form_name}, {area.form_page}",
            "• Immediate danger: 999",
        ]
        lines += [f"• {note}" for note in area.notes.values()]
        dispatcher.utter_message(text="\n".join(lines) + f"\n\n{source_line(area)}")
        return events


class ActionSetArea(SafeAction):
    """Remember the area a user names; list the supported ones when it is not one of them."""

    def name(self) -> str:
        return "action_set_area"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        directory = areas()
        area = directory.find_in_text(tracker.latest_message.get("text") or "")
        if area is None:
            names = ", ".join(a.name for a in directory.all)
            current = directory.get(tracker.get_slot("area")).name
            dispatcher.utter_message(
                text=f"I only have contacts for these partnerships: {names}. I'll keep using "
                f"{current} until you tell me one of those. For anywhere else, use your local "
                "safeguarding partnership's procedures.",
                buttons=[
                    {"title": a.name, "payload": f"I work in {a.name}"} for a in directory.all
                ],
            )
            return []
        dispatcher.utter_message(
            text=f"Thanks. I'll use {area.name}'s contacts from now on: {area.daytime_name} "
            f"{area.daytime_line} ({area.hours_text()}), out of hours {area.out_of_hours_line}."
        )
        return [SlotSet("area", area.id)]


class ActionEmergencyRoute(SafeAction):
    """After the 999 advice to a professional: the area's line to tell children's services."""

    def name(self) -> str:
        return "action_emergency_route"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        area, events = area_for(tracker)
        dispatcher.utter_message(text=f"{phone_route(area, now_uk())}\n\n{source_line(area)}")
        return events
