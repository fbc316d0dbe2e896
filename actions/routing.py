"""The routing actions a professional meets: the route after the triage, the contacts at once,
the area they work in, and their area's line after 999 advice. Which route and which values is
`actions.routes`; every sentence is a response in domain.yml.
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.areas import areas, is_open, now_uk
from actions.routes import (
    CONTACTS_RESPONSES,
    EMERGENCY,
    PHONE,
    area_values,
    choose_route,
    not_held_values,
    phone_response,
    where,
)
from actions.safe_action import SafeAction


class ActionRouteConcern(SafeAction):
    """After the triage form: say the route, for the user's area, at this moment."""

    def name(self) -> str:
        return "action_route_concern"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        area, place, events = where(tracker)
        route = choose_route(tracker.get_slot("immediate_danger"), tracker.get_slot("significant_harm"))
        answered = [SlotSet("immediate_danger", None), SlotSet("significant_harm", None)]
        if area is None:
            # No partnership here: never another area's numbers, the national route instead.
            if route == EMERGENCY:
                dispatcher.utter_message(response="utter_route_emergency")
            dispatcher.utter_message(response="utter_area_not_held", **not_held_values(str(place)))
            return events + answered
        values = area_values(area)
        if route == EMERGENCY:
            # 999 on its own first, then who to tell once the child is safe.
            dispatcher.utter_message(response="utter_route_emergency")
            dispatcher.utter_message(
                response=phone_response(area, now_uk()), **area_values(area, emergency=True)
            )
        elif route == PHONE:
            dispatcher.utter_message(response=phone_response(area, now_uk()), **values)
            dispatcher.utter_message(response="utter_have_ready")
        else:
            dispatcher.utter_message(response="utter_route_form", **values)
        return events + answered


# Local services the assistant holds no checked details for (FACTS.md holds only the partnerships'
# lines and the national ones): asked for their number or hours, say so rather than give the
# Front Door's. "children's centre worker here, what's the number" asks for the Front Door.
_SERVICES = (
    r"children'?s? cent(?:re|er)s?|family hubs?|(?:gp|doctors'?) surgery|clinic|library|hospital"
    r"|pharmacy|chemist|cry-?sis|home-?start|sure start|baby group|breastfeeding (?:group|cafe)"
)
_ASKS_FOR_A_SERVICE = re.compile(
    rf"\b(?:number|phone|ring|call|opening|open|hours|hrs|times|contact|address|email)\b\W+"
    rf"(?:[\w']+\W+){{0,3}}?(?:{_SERVICES})\b"
)


def asks_for_another_service(text: str) -> bool:
    return bool(_ASKS_FOR_A_SERVICE.search(" ".join(text.lower().replace("\u2019", "'").split())))


# "where's the online form", "link to the portal", "request for support form dudley": the form,
# and not a number, is what they asked for, so the form comes first.
_FORM = re.compile(
    r"\b(?:forms?|portal|online referral|refer online|online|link|website|web page|webpage"
    r"|request for (?:help and )?support)\b"
)
_PHONE = re.compile(
    r"\b(?:numbers?|phone|phoning|ring|call|calling|telephone|tel|line|hours|open|ooh|out of hours"
    r"|speak|talk|someone|urgent|urgently|now|immediate|immediately|danger)\b"
)


# The national lines the assistant holds (data/areas/national.yml).
_NATIONAL_LINE = re.compile(r"\b(?:nspcc|samaritans?|111|childline)\b")


# A professional who names a national line while asking for the area's ("NSPCC advised me to refer,
# what's your number") still wants the area's lines.
_AREA_ROUTE = re.compile(
    r"\b(?:refer|referral|referring|front door|mash|spoa|local authority|social care|your number)\b"
)


def asks_for_a_national_line(text: str) -> bool:
    lowered = text.lower()
    return bool(_NATIONAL_LINE.search(lowered)) and not _AREA_ROUTE.search(lowered)


def asks_only_for_the_form(text: str) -> bool:
    lowered = " ".join(text.lower().replace("\u2019", "'").split())
    return bool(_FORM.search(lowered)) and not _PHONE.search(lowered)


class ActionGiveContacts(SafeAction):
    """The number and the form at once, without the triage."""

    def name(self) -> str:
        return "action_give_contacts"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        if asks_for_another_service(tracker.latest_message.get("text") or ""):
            dispatcher.utter_message(response="utter_other_service")
            return []
        text = tracker.latest_message.get("text") or ""
        role = tracker.get_slot("role")
        if role == "parent" or (role != "professional" and asks_for_a_national_line(text)):
            # "what number do I ring?" from a parent, or "number for 111?": people to call (with
            # the national lines the assistant holds), not the referral lines.
            dispatcher.utter_message(response="utter_who_to_call_parent")
            return []
        if asks_only_for_the_form(tracker.latest_message.get("text") or ""):
            return say_form(dispatcher, tracker)
        return say_contacts(dispatcher, tracker)


def say_form(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]]:
    """The user's area's online form; the national route for a place not held."""
    area, place, events = where(tracker)
    if area is None:
        dispatcher.utter_message(response="utter_area_not_held", **not_held_values(str(place)))
        return events
    dispatcher.utter_message(response="utter_route_form", **area_values(area))
    return events


def say_contacts(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]]:
    """The user's area's lines and form, open or closed now; the national route for a place not held."""
    area, place, events = where(tracker)
    if area is None:
        dispatcher.utter_message(response="utter_area_not_held", **not_held_values(str(place)))
        return events
    response = CONTACTS_RESPONSES[is_open(area, now_uk())]
    dispatcher.utter_message(response=response, **area_values(area))
    return events


class ActionSetArea(SafeAction):
    """Remember the area a user names; list the supported ones when it is not one of them."""

    def name(self) -> str:
        return "action_set_area"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        directory = areas()
        named = directory.place_in_text(tracker.latest_message.get("text") or "")
        area, place, events = where(tracker)
        if isinstance(named, str):
            dispatcher.utter_message(response="utter_area_not_held", **not_held_values(named))
            return events
        if named is None:
            dispatcher.utter_message(
                response="utter_area_unknown",
                area_names=", ".join(a.name for a in directory.all),
                **area_values(directory.get(tracker.get_slot("area"))),
                buttons=[{"title": a.name, "payload": f"I work in {a.name}"} for a in directory.all],
            )
            return []
        dispatcher.utter_message(response="utter_area_set", **area_values(named))
        return events


class ActionEmergencyRoute(SafeAction):
    """After the 999 advice to a professional: the area's line to tell children's services."""

    def name(self) -> str:
        return "action_emergency_route"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        area, place, events = where(tracker)
        if area is None:
            dispatcher.utter_message(response="utter_area_not_held", **not_held_values(str(place)))
            return events
        dispatcher.utter_message(response=phone_response(area, now_uk()), **area_values(area, emergency=True))
        return events
