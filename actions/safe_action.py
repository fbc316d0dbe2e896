"""Base class for actions that must never leave a professional without a route.

If anything inside an action fails, the user still gets the emergency line and the area's number,
and the error is logged without the conversation's text.
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.areas import areas
from actions.routes import area_values

logger = logging.getLogger(__name__)


def say_failsafe(dispatcher: CollectingDispatcher, area_id: str | None) -> None:
    """999, and the area's line if the area can still be read (else what is always true)."""
    try:
        values = area_values(areas().get(area_id))
    except Exception:  # the directory itself failed
        dispatcher.utter_message(response="utter_failsafe_no_area")
        return
    dispatcher.utter_message(response="utter_failsafe", **values)


class SafeAction(Action, ABC):
    """Subclasses implement `act`; `run` turns any failure into the failsafe reply."""

    @abstractmethod
    def name(self) -> str: ...

    @abstractmethod
    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]: ...

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        try:
            return await self.act(dispatcher, tracker, domain)
        except Exception as error:
            logger.error("Action %s failed: %s", self.name(), type(error).__name__)
            say_failsafe(dispatcher, tracker.get_slot("area"))
            return []
