"""Rasa NLU component that lets the safety net overrule the intent classifier.

It runs last in the pipeline. When a rule matches, the message's intent becomes that rule's tier
(`emergency`, `parent_crisis`, `domestic_abuse`, `breaking_point`, `urgent_health` or
`safety_check`) with confidence 1.0, and an entity `safety_concern` names the wording of the reply
that fits, so the rules in `data/rules/safety.yml` answer at once, even in the middle of a form.

When no rule matches but the message was not understood (the fallback, or out of scope) and it
touches a danger word, or the classifier alone guessed a safety tier, the intent becomes
`safety_check`: one direct question, never "didn't understand". The classifier is not trusted to
raise an alarm by itself: it gave 0.91-0.98 "emergency" to "my baby has nappy rash".
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    EXTRACTOR,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.safety.net import Finding, SafetyNet
from bot.safety.rulebook import TIERS

logger = logging.getLogger(__name__)

SPACY_MODEL_KEY = "spacy_model"
RULES_KEY = "rules"
# Intents the classifier may guess that mean "not understood" rather than a topic.
NOT_UNDERSTOOD_KEY = "not_understood_intents"
# Stored with the parse result so a reviewer can see which rule fired, without the message text.
SAFETY_RULE_KEY = "safety_rule"
CONCERN_ENTITY = "safety_concern"
ROLE_ENTITY = "role"
# Found in a message with a safety finding, it means a professional is reporting.
PROFESSIONAL_CONCEPT = "PROFESSIONAL"
CHECK = "safety_check"
UNCLEAR = "unclear"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class SafetyNetClassifier(GraphComponent, IntentClassifier):
    """Sets the safety intents from deterministic rules (see `bot.safety.net`)."""

    @classmethod
    def required_components(cls) -> list[type]:
        # It overrules a classifier's decision, so one must have run before it.
        return [IntentClassifier]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            # The spaCy pipeline built by `python -m tools.spacy_pipeline`.
            SPACY_MODEL_KEY: "build/spacy_en",
            # Folder of rule files; read when the model loads: edits need a restart, not training.
            RULES_KEY: "data/safety",
            # Replies that say "not here": a message touching danger gets the safety question
            # instead (a worried "she's feeding less, is that a problem?" is not an everyday
            # question to send to the health visitor).
            NOT_UNDERSTOOD_KEY: [
                DEFAULT_NLU_FALLBACK_INTENT_NAME,
                "out_of_scope",
                "ask_everyday_baby",
                "ask_other_service",
                # "baby hurt, i don't know how" read as a "no": out of a form, nothing answers it.
                "deny",
            ],
        }

    def __init__(self, config: dict[str, Any], safety_net: SafetyNet) -> None:
        self._config = config
        self._net = safety_net

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SafetyNetClassifier:
        net = SafetyNet.from_paths(Path(config[SPACY_MODEL_KEY]), Path(config[RULES_KEY]))
        logger.info("Safety net loaded with %d rules.", len(net.rule_names))
        return cls(config, net)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            self._decide(message)
        return messages

    def _decide(self, message: Message) -> None:
        text = message.get(TEXT) or ""
        if text.startswith("/"):
            return  # a button's payload names its intent itself
        assessment = self._net.assess(text)
        guess = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
        finding = assessment.finding
        if finding is None and guess in self._config[NOT_UNDERSTOOD_KEY]:
            finding = assessment.if_unsure
        elif finding is None and guess in TIERS:
            finding = assessment.if_unsure or Finding(CHECK, "classifier_only", UNCLEAR)
        if finding is None:
            return
        set_intent(message, finding.tier)
        entities = [_entity(CONCERN_ENTITY, finding.concern)]
        said_role = any(e.get(ENTITY_ATTRIBUTE_TYPE) == ROLE_ENTITY for e in message.get(ENTITIES) or [])
        if PROFESSIONAL_CONCEPT in assessment.concepts and not said_role:
            # Only when the role cues (bot/roles.py) found no role: "my 3 week old ... gp can't see
            # us" is a parent who names a GP, not a GP.
            entities.append(_entity(ROLE_ENTITY, "professional"))
        message.set(ENTITIES, (message.get(ENTITIES) or []) + entities, add_to_output=True)
        message.set(SAFETY_RULE_KEY, finding.rule, add_to_output=True)
        logger.info("Safety rule %s fired (%s).", finding.rule, finding.tier)


def set_intent(message: Message, name: str) -> None:
    top = {INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: 1.0}
    ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get(INTENT_NAME_KEY) != name]
    message.set(INTENT, top, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [top] + ranking, add_to_output=True)


def _entity(name: str, value: str) -> dict[str, Any]:
    return {
        ENTITY_ATTRIBUTE_TYPE: name,
        ENTITY_ATTRIBUTE_VALUE: value,
        EXTRACTOR: SafetyNetClassifier.__name__,
        "confidence_entity": 1.0,
    }
