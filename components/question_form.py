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

from coach.question_form import QuestionForm, classify, rising_statement

QUESTION_FORM = "question_form"
RISING_LISTENING = ("reflect", "summarise", "empathise", "affirm")


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
            text = message.get("text") or ""
            form = classify(text)
            move = (message.get("intent") or {}).get("name")
            if form.name == "closed" and move in RISING_LISTENING and rising_statement(text):
                # "so the garden keeps you going?": a reflection said with a rising tone and no
                # question word is no question (design/practitioner-moves.md, labelling conventions);
                # the move reader heard a reflection, so it is one. "you live alone?" read as a
                # question stays closed.
                form = QuestionForm("none", 0.6, "a reflection with a rising tone")
            message.set(QUESTION_FORM, form.as_dict(), add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
