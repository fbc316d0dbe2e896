"""Fixtures for action tests: a tracker as Rasa sends it, a dispatcher, and a fixed clock."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

import pytest
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.areas import UK_TIME

# A Wednesday at 11:00 (every line open) and a Saturday at 11:00 (every line closed).
OPEN = datetime(2026, 11, 18, 11, 0, tzinfo=UK_TIME)
CLOSED = datetime(2026, 11, 21, 11, 0, tzinfo=UK_TIME)


def tracker(
    text: str = "", intent: str = "", slots: dict[str, Any] | None = None
) -> Tracker:
    return Tracker.from_dict(
        {
            "sender_id": "test",
            "slots": {"area": None, "immediate_danger": None, "significant_harm": None,
                      **(slots or {})},
            "latest_message": {"text": text, "intent": {"name": intent, "confidence": 1.0}},
            "events": [],
            "latest_action_name": "action_listen",
        }
    )


def run(action: Action, state: Tracker) -> tuple[str, list[dict], list[dict]]:
    """Run an action; returns the text it said, its messages, and its events."""
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, state, {}))
    return "\n".join(m.get("text") or "" for m in dispatcher.messages), dispatcher.messages, events


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch):
    """Set the time the routing and guidance actions see."""

    def set_time(moment: datetime) -> None:
        monkeypatch.setattr("actions.routing.now_uk", lambda: moment)
        monkeypatch.setattr("actions.guidance.now_uk", lambda: moment)

    return set_time
