"""Fixtures for action tests: a tracker as Rasa sends it, a dispatcher, and a fixed clock."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
import yaml
from rasa.core.nlg.interpolator import interpolate_text
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.areas import UK_TIME
from bot.settings import ROOT

# A Wednesday at 11:00 (every line open) and a Saturday at 11:00 (every line closed).
OPEN = datetime(2026, 11, 18, 11, 0, tzinfo=UK_TIME)
CLOSED = datetime(2026, 11, 21, 11, 0, tzinfo=UK_TIME)
# Monday 2026-12-28, Boxing Day observed: a bank holiday in what would be opening hours.
BANK_HOLIDAY = datetime(2026, 12, 28, 11, 0, tzinfo=UK_TIME)


def tracker(
    text: str = "",
    intent: str = "",
    slots: dict[str, Any] | None = None,
    events: list[dict[str, Any]] | None = None,
) -> Tracker:
    return Tracker.from_dict(
        {
            "sender_id": "test",
            "slots": {
                "area": None,
                "place_not_held": None,
                "immediate_danger": None,
                "significant_harm": None,
                **(slots or {}),
            },
            "latest_message": {"text": text, "intent": {"name": intent, "confidence": 1.0}},
            "events": events or [],
            "latest_action_name": "action_listen",
        }
    )


DOMAIN: dict[str, Any] = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))


def render(message: dict[str, Any]) -> str:
    """What the user reads: a named response filled in by Rasa's own interpolation, or the text."""
    name = message.get("response")
    if not name:
        return message.get("text") or ""
    assert name in DOMAIN["responses"], f"{name} is not a response in domain.yml"
    template = DOMAIN["responses"][name][0]["text"]
    values = {k: v for k, v in message.items() if k not in RASA_KEYS}
    text = interpolate_text(template, values)
    assert "{" not in text, f"{name} was left with a variable unfilled: {text}"
    return text


# The keys of a dispatched message that are not response variables.
RASA_KEYS = {
    "text",
    "response",
    "buttons",
    "elements",
    "custom",
    "template",
    "image",
    "attachment",
    "json_message",
}


async def run(action: Action, state: Tracker) -> tuple[str, list[dict], list[dict]]:
    """Run an action against the real domain; returns the text the user reads, the messages as
    dispatched (response names and values) and the events."""
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, state, DOMAIN)
    return "\n".join(render(m) for m in dispatcher.messages), dispatcher.messages, events


def turns(*turns: tuple[str, list[str]]) -> list[dict[str, Any]]:
    """Tracker events for earlier turns: each a user's words and the actions that answered them,
    then the user's latest message."""
    events: list[dict[str, Any]] = []
    for text, actions in turns:
        events.append({"event": "user", "text": text})
        events += [{"event": "action", "name": name} for name in [*actions, "action_listen"]]
    return events + [{"event": "user", "text": "latest"}]


def responses(messages: list[dict]) -> list[str | None]:
    return [m.get("response") for m in messages]


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch):
    """Set the time the routing and guidance actions see."""

    def set_time(moment: datetime) -> None:
        monkeypatch.setattr("actions.routing.now_uk", lambda: moment)
        monkeypatch.setattr("actions.guidance.now_uk", lambda: moment)
        monkeypatch.setattr("actions.routes.now_uk", lambda: moment, raising=False)

    return set_time
