"""Action tests use real rasa-sdk Tracker and CollectingDispatcher objects, fresh per test."""

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import context
from tests.conftest import FIXTURES


@pytest.fixture(autouse=True)
def test_settings(monkeypatch):
    monkeypatch.setenv("COACH_SCENARIOS_DIR", str(FIXTURES))
    monkeypatch.setenv("COACH_DEFAULT_SCENARIO", "mini-test")
    monkeypatch.setenv("COACH_SEED", "actions")
    context.settings.cache_clear()
    context.library.cache_clear()
    yield
    context.settings.cache_clear()
    context.library.cache_clear()


@pytest.fixture
def dispatcher():
    return CollectingDispatcher()


@pytest.fixture
def domain():
    return {"responses": {}}


def make_tracker(text="", intent=None, form="none", slots=None, events=None, metadata=None, sender="learner-1"):
    """A tracker whose latest message is the learner's `text` parsed as `intent` and `form`."""
    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": 0.9} if intent else {},
        "entities": [],
        "question_form": {"name": form, "confidence": 0.9},
    }
    all_slots = {"scenario_id": None, "persona_state": None, "persona_turn": None, "session_started_metadata": metadata}
    all_slots.update(slots or {})
    return Tracker(sender, all_slots, latest, events or [], False, None, {}, "action_listen")
