"""Rasa NLU component: every move of a learner turn, the primary move and the life area.

Replaces DIET. The reading itself lives in ``components.turns`` (Rasa-free): the turn is cut
into sentences and clauses, each is classified by a linear model over word and character
n-grams, and the pieces are put back together by the contract (design/practitioner-moves.md).
This wrapper trains it on Rasa's NLU data and adds to every parse result:

- ``intent``: the primary move; ``intent_ranking``: the primary piece's likeliest moves;
- ``moves``: ``[{"name", "confidence", "text"}, ...]``, every move in order;
- ``life_area``: ``{"name", "confidence"}``.

Training data labels, beyond the intent (both optional), in Rasa's own example metadata:
``moves: [empathise, ask_network]`` on a compound example (listed under its primary move), and
``life_area: people`` on an example or on a whole intent block. Moves whose area never varies
(``ask_network`` is always about people) need no area label.

A meta move (goodbye, feedback, hint, out of scope) is given only at or above
``meta_threshold``; below it the piece goes to its likeliest role-play move. A primary move below
``fallback_threshold`` becomes ``nlu_fallback`` (the person asks the learner to put it another
way), with ``moves`` holding only that.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from components import turns

MOVES = "moves"
LIFE_AREA = "life_area"

# Moves whose life area never varies need no area label of their own (components.turns).
FIXED_AREA = turns.MOVE_AREA


def example_from_message(message: Message) -> Optional[turns.Example]:
    """A training turn from a Rasa training example (intent, metadata moves / life_area)."""
    text, intent = message.get("text"), message.get("intent")
    if not text or not intent:
        return None
    metadata = message.get("metadata") or {}
    example = metadata.get("example") or {}
    block = metadata.get("intent") or {}
    example = example if isinstance(example, dict) else {}
    block = block if isinstance(block, dict) else {}
    moves = example.get(MOVES) or block.get(MOVES) or [intent]
    area = example.get(LIFE_AREA) or block.get(LIFE_AREA) or FIXED_AREA.get(intent)
    return turns.Example(text=text, primary=intent, moves=list(moves), life_area=area)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class MoveClassifier(IntentClassifier, GraphComponent):
    """Primary move, every move of the turn and its life area, from linear n-gram classifiers."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        defaults = turns.TurnSettings()
        return {
            "C": 1.0,
            "area_C": 1.0,
            "meta_threshold": defaults.meta_threshold,
            "fallback_threshold": defaults.fallback_threshold,
            "unit_min_confidence": defaults.unit_min_confidence,
            "primary_rule_bonus": defaults.primary_rule_bonus,
            "context_weight": defaults.context_weight,
            "area_primary_weight": defaults.area_primary_weight,
            "ranking_length": defaults.ranking_length,
            "random_seed": 2718,
        }

    @staticmethod
    def required_packages() -> List[Text]:
        return ["sklearn"]

    @classmethod
    def fingerprint_addon(cls, config: Dict[str, Any]) -> Optional[str]:
        """The reading code is part of the model: a change to it retrains (Rasa's cache would
        otherwise reuse a model trained by the old code)."""
        here = Path(__file__).resolve().parent
        digest = hashlib.sha256()
        for name in ("move_classifier.py", "turns.py"):
            digest.update((here / name).read_bytes())
        return digest.hexdigest()

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
                 reader: Optional[turns.TurnReader] = None) -> None:
        self.config = {**self.get_default_config(), **config}
        self._storage = model_storage
        self._resource = resource
        self.reader = reader

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "MoveClassifier":
        return cls(config, model_storage, resource)

    def settings(self) -> turns.TurnSettings:
        c = self.config
        return turns.TurnSettings(
            meta_threshold=float(c["meta_threshold"]),
            fallback_threshold=float(c["fallback_threshold"]),
            unit_min_confidence=float(c["unit_min_confidence"]),
            primary_rule_bonus=float(c["primary_rule_bonus"]),
            context_weight=float(c["context_weight"]),
            area_primary_weight=float(c["area_primary_weight"]),
            ranking_length=int(c["ranking_length"]),
        )

    def train(self, training_data: TrainingData) -> Resource:
        examples = [e for e in map(example_from_message, training_data.intent_examples) if e]
        problems = turns.check_labels(examples)
        if problems:
            raise ValueError("MoveClassifier training data: " + "; ".join(problems[:10]))
        self.reader = turns.train(examples, self.settings(), C=float(self.config["C"]),
                                  area_C=float(self.config["area_C"]), seed=int(self.config["random_seed"]))
        with self._storage.write_to(self._resource) as folder:
            self.reader.moves.save(folder, "moves")
            self.reader.areas.save(folder, "areas")
        return self._resource

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "MoveClassifier":
        component = cls(config, model_storage, resource)
        try:
            with model_storage.read_from(resource) as folder:
                component.reader = turns.TurnReader(turns.LinearTextClassifier.restore(folder, "moves"),
                                                    turns.LinearTextClassifier.restore(folder, "areas"),
                                                    component.settings())
        except (ValueError, FileNotFoundError):
            component.reader = None
        return component

    def process(self, messages: List[Message]) -> List[Message]:
        if self.reader is None:
            return messages
        for message in messages:
            text = message.get("text") or ""
            if not text.strip():
                continue
            parse = self.reader.read(text)
            message.set("intent", parse["intent"], add_to_output=True)
            message.set("intent_ranking", parse["intent_ranking"], add_to_output=True)
            message.set(MOVES, parse["moves"], add_to_output=True)
            message.set(LIFE_AREA, parse["life_area"], add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
