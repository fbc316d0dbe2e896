"""Validates the short triage form: immediate danger ends it at once (the route is then 999)."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict


class ValidateTriageForm(FormValidationAction):
    def name(self) -> str:
        return "validate_triage_form"

    def validate_immediate_danger(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value is True:
            # Nothing more to ask: the answer is 999.
            return {"immediate_danger": True, "significant_harm": True}
        return {"immediate_danger": value}
