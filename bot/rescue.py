"""Rasa NLU component: two kinds of message the classifier often fails, read by their words.

1. **A plain request for the number or the form** ("what number do I ring", "where's the form",
   "how do I refer"). Made only of route words, it names no other service, so it asks for the
   area's route: `ask_contacts` (the routing action answers a parent with people to call and a
   professional with the area's lines). The classifier spreads such short messages over several
   intents and falls back, or guesses "another service" for want of a name.
2. **A crying baby** ("she won't stop crying and I don't know what to do anymore"). A message
   about crying that the classifier did not understand gets the crying answer it ranked highest,
   or the ways to soothe when none ranks at all: never "didn't understand" to a parent whose baby
   is crying.

3. **A national line the assistant does hold** ("what's the NSPCC number", "Samaritans number
   please", "is there a helpline for parents"): the classifier reads "another service", whose answer
   is that its details are not held. These ask who to call (`ask_who_to_call`).
4. **Who they are, and nothing else understood** ("Hi, I'm a health visitor", "nursery nurse,
   Lye", "I'm the childminder"): the role the cues found (bot/roles.py) is the answer to give.

It runs after the classifiers and the place reader, and before the safety net, which still
overrules it when a message touches danger.
"""

from __future__ import annotations

import re
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import (
    ENTITIES,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.roles import PARENT, PROFESSIONAL, ROLE_ENTITY
from bot.safety.component import set_intent

# Words a plain request for a route is made of, and nothing else.
ROUTE_WORDS = frozenset(
    """
    what whats what's wat which where wheres where's how who is are the a an your you u ur do does
    did i we me my to for of on it its it's then so and or now please pls plz thanks ta can could
    should would need want get find have has give send tell show ok okay right sorry just again
    number numbers no num phone phoning telephone tel ring call ringing calling contact contacts
    line lines form forms online referral referrals refer referring make link address website
    mash front door spoa duty team social services service children's childrens care safeguarding
    out hours ooh emergency daytime option press
    """.split()
)
# At least one of these, so "what do I do" is not read as a route request.
ROUTE_KEYS = frozenset(
    "number numbers no num phone telephone tel line form forms referral refer link mash spoa option".split()
)
CRYING = re.compile(
    r"\b(cry|cries|crying|cryin|cried|crys|scream\w*|wail\w*|howl\w*|grizzl\w*|fussing|fussy|"
    r"won'?t settle|not settling|unsettled|inconsolable)\b"
)
# The parents' answers about crying, in no order: the classifier's ranking picks among them. Not
# the professionals' ICON guidance: a parent must never be given professionals' text.
CRYING_INTENTS = (
    "ask_icon",
    "ask_crying_normal",
    "ask_crying_curve",
    "ask_why_crying",
    "ask_comfort",
    "ask_walk_away",
    "ask_never_shake",
    "ask_other_carers",
    "ask_illness",
    "feeling_overwhelmed",
    "i_am_dad_or_partner",
)
# National lines the assistant holds (data/areas/national.yml), or a helpline with no service named.
HELD_LINES = re.compile(
    r"\b(nspcc|samaritans?|nhs 111|111|childline|police non emergency|101|"
    r"(?:a |any )?(?:help ?line|helpline) for (?:parents|mums|dads|new parents|me))\b"
)
ROLE_INTENTS = {PARENT: "i_am_parent", PROFESSIONAL: "i_am_professional"}
# Below this, a crying answer's rank says nothing and the ways to soothe are given.
CRYING_MIN_CONFIDENCE = 0.15


def words_of(text: str) -> list[str]:
    return re.findall(r"[a-z']+", text.lower().replace("\u2019", "'"))


def asks_only_for_a_route(text: str) -> bool:
    """Made only of route words, with a number, line, form or referral among them."""
    words = words_of(text)
    return bool(words) and set(words) <= ROUTE_WORDS and bool(set(words) & ROUTE_KEYS)


def crying_answer(text: str, ranking: list[dict[str, Any]]) -> str | None:
    """The crying intent for a not-understood message about crying, or None if it is not one."""
    if not CRYING.search(" ".join(words_of(text))):
        return None
    for entry in ranking:
        name = entry.get(INTENT_NAME_KEY)
        if name in CRYING_INTENTS and (entry.get(PREDICTED_CONFIDENCE_KEY) or 0) >= CRYING_MIN_CONFIDENCE:
            return name
    return "ask_comfort"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class NotUnderstoodRescue(GraphComponent, IntentClassifier):
    """Route requests and crying messages the classifier failed (see the module's docstring)."""

    @classmethod
    def required_components(cls) -> list[type]:
        return [IntentClassifier]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            "not_understood_intents": [DEFAULT_NLU_FALLBACK_INTENT_NAME, "out_of_scope"],
            # Guessed for a short route request with no service named in it.
            "route_guesses": ["ask_other_service", "ask_what_next"],
        }

    def __init__(self, config: dict[str, Any]) -> None:
        self._not_understood = set(config["not_understood_intents"])
        self._route_guesses = set(config["route_guesses"])

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> NotUnderstoodRescue:
        return cls(config)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            guess = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
            if text.startswith("/"):
                continue
            if guess in self._not_understood | self._route_guesses and asks_only_for_a_route(text):
                set_intent(message, "ask_contacts")
            elif guess == "ask_other_service" and HELD_LINES.search(" ".join(words_of(text))):
                set_intent(message, "ask_who_to_call")
            elif guess in self._not_understood and (
                answer := crying_answer(text, message.get(INTENT_RANKING_KEY) or [])
            ):
                set_intent(message, answer)
            elif guess in self._not_understood | {"greet"} and (role := role_found(message)):
                set_intent(message, ROLE_INTENTS[role])
        return messages


def role_found(message: Message) -> str | None:
    """The role the cues found in this message (bot/roles.py), if any."""
    for entity in message.get(ENTITIES) or []:
        if entity.get("entity") == ROLE_ENTITY and entity.get("value") in ROLE_INTENTS:
            return str(entity["value"])
    return None
