"""Rasa NLU component: a message the classifier did not understand that names a place.

"what number do i call in torbay", "actually sorry im in Exeter": the words of a place are not in
the training data, so the classifier falls back. When it did (or guessed out of scope) and the
message names a place - a partnership held here, one of its towns, or a place in
data/areas/elsewhere.yml - the intent becomes `ask_contacts` when the message asks for a number,
a form or how to refer, and `tell_area` otherwise. The routing actions then say that area's route,
or that the assistant holds no contacts there. It runs before the safety net, which still
overrules it.
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
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from actions.areas import AreaDirectory, load_directory
from bot.safety.component import set_intent

# Words that ask for a route rather than just say where someone works.
ASKING_FOR_A_ROUTE = re.compile(
    r"\b(number|numbers|phone|ring|call|contact|contacts|form|refer|referral|referring|mash|"
    r"front door|spoa|duty|who do i|where do i|how do i)\b"
)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class PlaceNamedClassifier(GraphComponent, IntentClassifier):
    """Sets `ask_contacts` or `tell_area` for a not-understood message that names a place."""

    @classmethod
    def required_components(cls) -> list[type]:
        return [IntentClassifier]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"not_understood_intents": [DEFAULT_NLU_FALLBACK_INTENT_NAME, "out_of_scope"]}

    def __init__(self, config: dict[str, Any], directory: AreaDirectory) -> None:
        self._not_understood = set(config["not_understood_intents"])
        self._directory = directory

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> PlaceNamedClassifier:
        return cls(config, load_directory())

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            guess = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
            if text.startswith("/") or guess not in self._not_understood:
                continue
            if self._directory.place_in_text(text) is None:
                continue
            asking = ASKING_FOR_A_ROUTE.search(text.lower())
            set_intent(message, "ask_contacts" if asking else "tell_area")
        return messages
