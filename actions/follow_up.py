"""Short follow-ups, understood in the light of the last answer and of who is asking.

"now what", "who do I ring", "no one to call", "do I still need the form after?" mean different
things after different answers: after the breaking-point steps "now what" is the next step for a
parent; after a route it is the form for a professional. These actions read the last thing the
assistant did (the actions of the last turns) and the `role` slot, and choose the response. Every
sentence is a response in domain.yml.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.routes import area_values, not_held_values, where
from actions.routing import say_contacts
from actions.safe_action import SafeAction

PARENT, PROFESSIONAL = "parent", "professional"

# What the assistant just did, by the actions it ran, and whose answer that was.
BREAKING_POINT = {
    "utter_breaking_point_steps",
    "utter_breaking_point_never_shake",
    "utter_breaking_point_who_to_call",
    "utter_icon_o",
}
BREAKING_POINT_NEXT = {"utter_breaking_point_next"}
PARENT_ANSWERS = (
    BREAKING_POINT
    | BREAKING_POINT_NEXT
    | {
        "utter_parent_menu",
        "utter_for_dads_and_partners",
        "utter_icon_walkthrough",
        "utter_icon_i",
        "utter_icon_c",
        "utter_icon_n",
        "utter_crying_curve",
        "utter_basic_needs",
        "utter_other_carers",
        "utter_illness_999",
        "utter_illness_111",
        "utter_feeling_overwhelmed",
        "utter_who_to_call_parent",
        "utter_parent_crisis",
        "utter_coping_plan_summary",
        "utter_everyday_baby",
    }
)
ROUTES = {"action_route_concern", "action_give_contacts", "action_emergency_route"}
PROFESSIONAL_ANSWERS = ROUTES | {
    "utter_professional_intro",
    "action_guidance",
    "action_tell_more",
    "utter_urgent_health_professional",
    "utter_emergency_professional",
    "action_set_area",
    "action_form_after_call",
    "utter_form_after_call",
    "utter_form_after_call_not_held",
}


def last_actions(tracker: Tracker) -> list[str]:
    """The actions the assistant ran, and the responses it gave, in answer to the user's previous
    message, latest first."""
    names: list[str] = []
    users = 0
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            users += 1
            if users == 2:
                break
        elif users == 1:
            # The actions run, and the responses a custom action chose (kept with its messages).
            if event.get("event") == "action":
                name = event.get("name") or ""
            elif event.get("event") == "bot":
                name = (event.get("metadata") or {}).get("utter_action") or ""
            else:
                continue
            if name.startswith(("utter_", "action_")) and name != "action_listen":
                names.append(name)
    return names


def who_is_asking(tracker: Tracker) -> str | None:
    """The role slot, or what the last answer shows when it is not set."""
    role = tracker.get_slot("role")
    if role in (PARENT, PROFESSIONAL):
        return str(role)
    last = set(last_actions(tracker))
    if last & PROFESSIONAL_ANSWERS:
        return PROFESSIONAL
    if last & PARENT_ANSWERS:
        return PARENT
    return None


def _form_after_call(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]]:
    area, place, events = where(tracker)
    if area is None:
        dispatcher.utter_message(response="utter_area_not_held", **not_held_values(str(place)))
        return events
    # The rule is about a call already made, so it is given whatever the time now.
    rule = area.notes.get("after_phone")
    values = {**area_values(area), "after_phone": f" {rule}" if rule else ""}
    response = "utter_form_after_call" if rule else "utter_form_after_call_not_held"
    dispatcher.utter_message(response=response, **values)
    return events


class ActionWhoToCall(SafeAction):
    """ "who do I ring", "no one to call": people to call for a parent, the area's lines for a
    professional."""

    def name(self) -> str:
        return "action_who_to_call"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        if who_is_asking(tracker) == PROFESSIONAL:
            return say_contacts(dispatcher, tracker)
        dispatcher.utter_message(response="utter_who_to_call_parent")
        return []


class ActionWhatNext(SafeAction):
    """ "now what", "what next", "done": the next step after the last answer."""

    def name(self) -> str:
        return "action_what_next"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        last = set(last_actions(tracker))
        if last & BREAKING_POINT:
            dispatcher.utter_message(response="utter_breaking_point_next")
            return []
        if last & BREAKING_POINT_NEXT:
            dispatcher.utter_message(response="utter_who_to_call_parent")
            return []
        if last & ROUTES:
            return _form_after_call(dispatcher, tracker)
        role = who_is_asking(tracker)
        if role == PROFESSIONAL:
            if last & {"action_guidance", "action_tell_more", "utter_urgent_health_professional"}:
                # After an answer on what to do, "what next" / "what number then" is the lines.
                return say_contacts(dispatcher, tracker)
            dispatcher.utter_message(response="utter_professional_intro")
            return []
        dispatcher.utter_message(response="utter_parent_menu")
        return []


class ActionFormAfterCall(SafeAction):
    """ "Do I still need to fill in the form after phoning?": the area's rule, where it is held."""

    def name(self) -> str:
        return "action_form_after_call"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        return _form_after_call(dispatcher, tracker)
