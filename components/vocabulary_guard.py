"""Rasa NLU component: a message with no word the training data ever used cannot be read.

Character n-grams let the intent classifier find a likeness in anything, so keyboard noise such
as "xq zzv blorp" can come out as a confident move. This guard learns the training vocabulary and,
when a message shares no word of two or more letters with it, marks the message `nlu_fallback`
(with `moves` holding only that, and life area `none`): the person asks the learner to put it
another way, and the turn is not scored.
"""

from __future__ import annotations

import json
import re
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

WORD = re.compile(r"[a-z]{2,}")
FILE = "vocabulary.json"


def words(text: str) -> set[str]:
    return set(WORD.findall((text or "").lower().replace("'", "")))


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class VocabularyGuard(GraphComponent):
    """Sends messages with no known word to nlu_fallback."""

    def __init__(self, model_storage: ModelStorage, resource: Resource, vocabulary: Optional[set] = None):
        self._storage = model_storage
        self._resource = resource
        self.vocabulary = vocabulary or set()

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "VocabularyGuard":
        return cls(model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        for example in training_data.intent_examples:
            self.vocabulary |= words(example.get("text"))
        with self._storage.write_to(self._resource) as folder:
            (folder / FILE).write_text(json.dumps(sorted(self.vocabulary)))
        return self._resource

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "VocabularyGuard":
        try:
            with model_storage.read_from(resource) as folder:
                vocabulary = set(json.loads((folder / FILE).read_text()))
        except (ValueError, FileNotFoundError):
            vocabulary = set()
        return cls(model_storage, resource, vocabulary)

    def process(self, messages: List[Message]) -> List[Message]:
        if not self.vocabulary:
            return messages
        for message in messages:
            found = words(message.get("text"))
            if found and not found & self.vocabulary:
                intent = {"name": "nlu_fallback", "confidence": 1.0}
                message.set("intent", intent, add_to_output=True)
                message.set("intent_ranking", [intent], add_to_output=True)
                # Keep every move of the turn consistent with the verdict: nothing was heard.
                text = (message.get("text") or "").strip()
                message.set("moves", [{**intent, "text": text}], add_to_output=True)
                message.set("life_area", {"name": "none", "confidence": 1.0}, add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
