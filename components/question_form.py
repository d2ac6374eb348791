"""Rasa NLU component that adds the question form to every parse result.

The rules live in ``coach.question_form``; this wrapper only attaches the result to the message
as ``"question_form": {"name": ..., "confidence": ...}`` so it appears in ``/model/parse`` and in
the tracker's ``parse_data``.
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from coach.question_form import classify

QUESTION_FORM = "question_form"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class QuestionFormClassifier(GraphComponent):
    """Labels each message open / closed / leading / multiple / none, with a confidence."""

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "QuestionFormClassifier":
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            form = classify(message.get("text") or "")
            message.set(QUESTION_FORM, form.as_dict(), add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
