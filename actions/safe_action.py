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

logger = logging.getLogger(__name__)


def failsafe_text(area_id: str | None) -> str:
    try:
        area = areas().get(area_id)
        line = f"phone the {area.name} {area.daytime_name} on {area.daytime_line}"
    except Exception:  # the directory itself failed: say what is always true
        line = "phone your local children's services"
    return (
        "Sorry, something went wrong on my side. If a child is in immediate danger, call 999 now. "
        f"If a child may be at risk of significant harm, {line}."
    )


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
            dispatcher.utter_message(text=failsafe_text(tracker.get_slot("area")))
            return []
