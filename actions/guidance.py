"""Guidance answers for professionals, read from data/guidance/ (one file per topic).

Content lives in YAML so a safeguarding lead can review it without Python; this action adds the
user's area's own procedure where the topic has one, the sources with the month they were checked,
and the route where the topic needs one. The sentences around the content are responses in
domain.yml (`utter_guidance`, `utter_concerned_phone_*`, `utter_route_form`). Files are checked
when the action server starts.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from rasa_sdk import Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.areas import Area, now_uk
from actions.routes import (
    CONCERNED_RESPONSES,
    FORM,
    PHONE,
    area_values,
    not_held_values,
    phone_response,
    where,
)
from actions.safe_action import SafeAction
from bot.settings import DATA

GUIDANCE_DIR = DATA / "guidance"
ROUTES = ("phone", "form", "none")
# A parent asking about an injury gets the parents' advice (FACTS.md section 7: a doctor today),
# never the professionals' procedure; any other professionals' topic gets a kind pointer.
# At 3am on a phone the first bubble must be the action: at most this many words.
SHORT_WORDS = 45
TELL_ME_MORE = [{"title": "Tell me more", "payload": "/tell_more"}]
PARENTS_INJURY_TOPICS = {"guidance_injury_non_mobile", "guidance_torn_frenulum"}


class GuidanceFileError(ValueError):
    """A guidance file that cannot be used, naming the file and the field."""


@dataclass(frozen=True)
class Guidance:
    intent: str
    title: str
    short: str  # the first bubble: the action, in about 40 words
    answer: str  # the whole answer, behind "Tell me more" when it is longer than `short`
    by_area: dict[str, str]
    by_area_key: str | None
    no_area_text: str | None
    sources: tuple[dict[str, str], ...]
    checked: str
    route: str

    @property
    def has_more(self) -> bool:
        return self.short != self.answer

    def values(self, area: Area | None) -> dict[str, str]:
        """The variables of `utter_guidance` and `utter_guidance_detail`: the short answer, the
        whole answer, the area's own procedure (none for a place with no partnership here), the
        sources."""
        local = self._local_text(area) if area else None
        return {
            "title": self.title,
            "short": self.short,
            "answer": self.answer,
            "local": f"\n\n{local}" if local else "",
            "sources": "; ".join(s["name"] + (f", {s['url']}" if s.get("url") else "") for s in self.sources),
            "checked": self.checked,
        }

    def route_response(self, area: Area) -> str | None:
        """The route reply that follows the answer, if the topic has one."""
        if self.route == PHONE:
            return phone_response(area, now_uk(), CONCERNED_RESPONSES)
        if self.route == FORM:
            return "utter_route_form"
        return None

    def _local_text(self, area: Area) -> str | None:
        if self.by_area_key:
            text = getattr(area, self.by_area_key)
            if text:
                source = area.procedure_source_name
                return f"{text} ({source}, checked {area.verified_on})" if source else text
            return (self.no_area_text or "").format(area=area.name) or None
        return self.by_area.get(area.id)


def _parse(path: Path) -> Guidance:
    content = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(content, dict):
        raise GuidanceFileError(f"{path.name}: expected a mapping of fields")
    for field in ("intent", "title", "answer", "sources", "checked", "route"):
        if not content.get(field):
            raise GuidanceFileError(f"{path.name}: field '{field}' is missing or empty")
    if content["route"] not in ROUTES:
        raise GuidanceFileError(f"{path.name}: field 'route' must be one of {', '.join(ROUTES)}")
    sources = content["sources"]
    if not isinstance(sources, list) or not all(isinstance(s, dict) and s.get("name") for s in sources):
        raise GuidanceFileError(f"{path.name}: every entry of 'sources' needs a 'name'")
    answer = " ".join(str(content["answer"]).split())
    short = " ".join(str(content.get("short") or "").split()) or answer
    if len(short.split()) > SHORT_WORDS:
        raise GuidanceFileError(
            f"{path.name}: the first bubble has {len(short.split())} words; give a 'short' of at most "
            f"{SHORT_WORDS} words (the action), the rest waits behind 'Tell me more'"
        )
    return Guidance(
        intent=str(content["intent"]),
        title=str(content["title"]),
        short=short,
        answer=answer,
        by_area={k: " ".join(v.split()) for k, v in (content.get("by_area") or {}).items()},
        by_area_key=content.get("by_area_key"),
        no_area_text=" ".join(str(content.get("no_area_text") or "").split()) or None,
        sources=tuple(sources),
        checked=str(content["checked"]),
        route=str(content["route"]),
    )


@functools.lru_cache(maxsize=1)
def guidance_by_intent() -> dict[str, Guidance]:
    items = [_parse(path) for path in sorted(GUIDANCE_DIR.glob("*.yml"))]
    return {item.intent: item for item in items}


class ActionGuidance(SafeAction):
    """Answers the guidance intent the user's message was classified as."""

    def name(self) -> str:
        return "action_guidance"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        if tracker.get_slot("role") == "parent":
            if intent in PARENTS_INJURY_TOPICS:
                # The safety reply's injury wording, chosen by its slot once the slot is set.
                concern = "oral_injury" if intent == "guidance_torn_frenulum" else "injury"
                return [SlotSet("safety_concern", concern), FollowupAction("utter_urgent_health")]
            dispatcher.utter_message(response="utter_guidance_for_parent")
            return []
        guidance = guidance_by_intent()[str(intent)]  # a rule sends only guidance intents here
        area, place, events = where(tracker)
        events = [*events, SlotSet("last_guidance", guidance.intent)]
        buttons = TELL_ME_MORE if guidance.has_more else []
        dispatcher.utter_message(response="utter_guidance", buttons=buttons, **guidance.values(area))
        if area is None:
            if guidance.route != "none":
                dispatcher.utter_message(response="utter_area_not_held", **not_held_values(str(place)))
            return events
        route = guidance.route_response(area)
        if route:
            dispatcher.utter_message(response=route, **area_values(area))
        return events


class ActionTellMore(SafeAction):
    """ "Tell me more": the whole of the last guidance answer."""

    def name(self) -> str:
        return "action_tell_more"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        guidance = guidance_by_intent().get(str(tracker.get_slot("last_guidance")))
        if guidance is None:
            dispatcher.utter_message(response="utter_tell_more_what")
            return []
        area, _, events = where(tracker)
        dispatcher.utter_message(response="utter_guidance_detail", **guidance.values(area))
        return events
