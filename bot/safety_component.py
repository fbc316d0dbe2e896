"""Rasa NLU component that lets the safety net's rules overrule the intent classifier.

It runs last in the pipeline. When a red-flag rule matches, the message's intent becomes
`emergency` or `breaking_point` with confidence 1.0, whatever the classifier or the fallback said,
so the rules in `data/rules/safety.yml` answer at once, even in the middle of a form. When no rule
matches, a classifier guess of one of those intents is not trusted: measured on the calm suite it
gave 0.91-0.98 confidence to "my baby has nappy rash" and "she has blue eyes". Such a message gets
the fallback instead, which offers choices and still shows the emergency line.
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
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.safety_net import REPLIES, SafetyNet

logger = logging.getLogger(__name__)

# Stored with the parse result so a reviewer can see which rule fired, without the message text.
SAFETY_RULE_KEY = "safety_rule"


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False
)
class SafetyNetClassifier(GraphComponent, IntentClassifier):
    """Sets the safety intents from deterministic rules (see `bot.safety_net`)."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            # The spaCy pipeline built by `python -m bot.spacy_pipeline`.
            "spacy_model": "build/spacy_en",
            # Folder of rule files; read when the model loads, so edits need a restart, not training.
            "rules": "data/safety",
        }

    def __init__(self, safety_net: SafetyNet) -> None:
        self._net = safety_net

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SafetyNetClassifier:
        net = SafetyNet.from_paths(Path(config["spacy_model"]), Path(config["rules"]))
        logger.info("Safety net loaded with %d rules.", len(net.rule_names))
        return cls(net)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            self._decide(message)
        return messages

    def _decide(self, message: Message) -> None:
        text = message.get(TEXT) or ""
        finding = self._net.check(text)
        if finding:
            self._set_intent(message, finding.reply, 1.0)
            message.set(SAFETY_RULE_KEY, finding.rule, add_to_output=True)
            logger.info("Safety rule %s fired.", finding.rule)
            return
        if (message.get(INTENT) or {}).get(INTENT_NAME_KEY) in REPLIES:
            self._demote(message)

    @staticmethod
    def _set_intent(message: Message, name: str, confidence: float) -> None:
        top = {INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: confidence}
        ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get(INTENT_NAME_KEY) != name]
        message.set(INTENT, top, add_to_output=True)
        message.set(INTENT_RANKING_KEY, [top] + ranking, add_to_output=True)

    @staticmethod
    def _demote(message: Message) -> None:
        """A safety guess with no rule behind it becomes the fallback."""
        ranking = message.get(INTENT_RANKING_KEY) or []
        rest = [r for r in ranking if r.get(INTENT_NAME_KEY) not in REPLIES]
        top = {INTENT_NAME_KEY: "nlu_fallback", PREDICTED_CONFIDENCE_KEY: 1.0}
        message.set(INTENT, top, add_to_output=True)
        message.set(INTENT_RANKING_KEY, [top] + rest, add_to_output=True)
