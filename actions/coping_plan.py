"""Validates the coping plan form: turns what a parent types into one of a few plan steps.

Only the chosen step is kept, never the words typed, so "my sister Jo" is stored as "a family
member" and no name is saved.
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions.areas import national_lines

# Each choice: the words that pick it, and how the plan says it. Break ideas follow FACTS.md §1.
CALM_IDEAS: dict[str, tuple[tuple[str, ...], str]] = {
    "drink": (
        ("drink", "tea", "coffee", "water", "cuppa", "brew", "snack", "eat", "food", "biscuit"),
        "Have a drink or a snack",
    ),
    "breathe": (
        ("breath", "breaths", "breathe", "breathing", "calm down", "count", "sit down", "relax"),
        "Take some slow, deep breaths",
    ),
    "stamp": (
        ("stamp", "feet", "scream into", "punch a pillow", "pillow", "shout"),
        "Stamp your feet to let the tension out",
    ),
    "call": (("call", "phone", "ring", "text", "talk to", "message"), "Call or message someone you trust"),
}
SUPPORTS: dict[str, tuple[tuple[str, ...], str]] = {
    "partner": (
        (
            "partner",
            "husband",
            "wife",
            "boyfriend",
            "girlfriend",
            "fiance",
            "other half",
            "hubby",
            "baby's dad",
            "babys dad",
            "baby's mum",
            "babys mum",
        ),
        "your partner",
    ),
    "family": (
        (
            "family",
            "mum",
            "mam",
            "mom",
            "dad",
            "sister",
            "brother",
            "nan",
            "gran",
            "grandma",
            "grandad",
            "auntie",
            "aunt",
            "uncle",
            "cousin",
            "parents",
            "in-law",
            "in law",
        ),
        "someone in your family",
    ),
    "friend": (("friend", "mate", "neighbour", "neighbor", "bestie", "pal"), "a friend or neighbour"),
    # Keep the professional the parent chose: a health visitor is not "NHS 111" (FACTS §7).
    "health_visitor": (("health visitor", "hv"), "your health visitor"),
    "midwife": (("midwife",), "your midwife"),
    "gp": (("gp", "doctor", "doctors", "surgery"), "your GP"),
    "nhs111": (("111", "nhs"), "NHS 111 (choose the mental health option)"),
    "nspcc": (("nspcc", "helpline"), "the NSPCC helpline on {nspcc_helpline}"),
}


def pick(text: str | None, choices: dict[str, tuple[tuple[str, ...], str]]) -> str | None:
    """The plan wording for the first choice whose words appear in the text, else None."""
    if not text:
        return None
    lowered = text.lower()
    for words, wording in choices.values():
        for word in words:
            if re.search(rf"(?<![a-z]){re.escape(word)}(?![a-z])", lowered):
                return wording.format(**national_lines())
    return None


class ValidateCopingPlanForm(FormValidationAction):
    """Keeps each answer as a plan step; asks again, with buttons, when it can't tell."""

    def name(self) -> str:
        return "validate_coping_plan_form"

    def validate_plan_calm_idea(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return _keep("plan_calm_idea", value, CALM_IDEAS, dispatcher)

    def validate_plan_support(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return _keep("plan_support", value, SUPPORTS, dispatcher)


# What the form says before asking again, per question.
ASK_AGAIN = {"plan_calm_idea": "utter_ask_again_calm_idea", "plan_support": "utter_ask_again_support"}


def _keep(slot: str, value: Any, choices: dict, dispatcher: CollectingDispatcher) -> dict[str, Any]:
    """The plan wording for the answer, or None with a kind request to answer again."""
    wording = pick(value, choices)
    if wording is None:
        dispatcher.utter_message(response=ASK_AGAIN[slot])
    return {slot: wording}
