"""server/speedups.py gives the same answers as the Rasa code it replaces, and refuses other Rasas."""

import copy

import jsonschema
import pytest
import rasa
from rasa.core.actions.action import RemoteAction
from rasa.shared.core import events
from rasa.shared.utils.common import all_subclasses

from server import speedups


@pytest.fixture(scope="module", autouse=True)
def originals():
    """Rasa's own functions, kept before the speed-ups replace them (and put back after)."""
    saved = {"resolve": events.Event.resolve_by_type, "validate": RemoteAction._validate_action_result,
             "applied": speedups._applied}
    speedups._applied = False
    assert speedups.apply()
    yield saved
    events.Event.resolve_by_type = staticmethod(saved["resolve"])
    RemoteAction._validate_action_result = saved["validate"]
    speedups._applied = saved["applied"]


def test_every_event_name_resolves_to_rasas_class(originals):
    names = {cls.type_name for cls in all_subclasses(events.Event)}
    assert len(names) > 20
    for name in names:
        assert events.Event.resolve_by_type(name) is originals["resolve"](name)


def test_unknown_names_behave_as_in_rasa(originals):
    assert events.Event.resolve_by_type("topic") is None
    assert events.Event.resolve_by_type("no-such-event", default=events.BotUttered) is events.BotUttered
    with pytest.raises(ValueError, match="Unknown event name 'no-such-event'"):
        events.Event.resolve_by_type("no-such-event")


def test_an_event_class_defined_later_is_still_found():
    class LateEvent(events.BotUttered):
        type_name = "late_event_for_test"

    assert events.Event.resolve_by_type("late_event_for_test") is LateEvent


def test_events_read_back_from_dicts_are_unchanged():
    original = [events.UserUttered("hi", {"name": "greet", "confidence": 1.0}), events.SlotSet("a", {"b": 1}),
                events.ActionExecuted("action_listen"), events.BotUttered("hello"), events.SessionStarted()]
    assert events.deserialise_events([e.as_dict() for e in original]) == original


ACTION = RemoteAction("action_persona_reply", None)
GOOD = {"events": [{"event": "slot", "name": "persona_state", "value": {"turn": 3}, "timestamp": None}],
        "responses": [{"text": "Eric: Morning."}]}
BAD = [
    {"events": [{"event": "slot", "value": 1}]},              # a slot event without a name
    {"events": [{"event": "no_such_event"}], "responses": []},
    {"events": "not a list"},
    {"responses": ["not an object"]},
]


def test_a_valid_action_response_passes():
    assert ACTION._validate_action_result(copy.deepcopy(GOOD)) is True


@pytest.mark.parametrize("response", BAD)
def test_an_invalid_action_response_fails_with_rasas_message(response, originals):
    with pytest.raises(jsonschema.ValidationError) as ours:
        ACTION._validate_action_result(copy.deepcopy(response))
    with pytest.raises(jsonschema.ValidationError) as theirs:
        originals["validate"](ACTION, copy.deepcopy(response))
    assert ours.value.message == theirs.value.message
    assert "Failed to validate Action server response" in ours.value.message


def test_another_rasa_version_gets_none_of_them(monkeypatch):
    monkeypatch.setattr(speedups, "_applied", False)
    monkeypatch.setattr(rasa, "__version__", "3.7.0")
    before = events.Event.resolve_by_type
    assert speedups.apply() is False
    assert events.Event.resolve_by_type is before


def test_they_can_be_switched_off(monkeypatch):
    monkeypatch.setattr(speedups, "_applied", False)
    monkeypatch.setenv("COACH_RASA_SPEEDUPS", "off")
    before = RemoteAction._validate_action_result
    assert speedups.apply() is False
    assert RemoteAction._validate_action_result is before
