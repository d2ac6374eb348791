"""Conversations live in the SQLite tracker store, so a restart of both servers loses nothing."""

import pytest

from scripts.launch import start_bot
from tests.e2e.conftest import API_TOKEN, Chat, free_port

pytestmark = pytest.mark.e2e


def boot(db):
    return start_bot(overrides={"RASA_PORT": str(free_port()), "ACTION_PORT": str(free_port()),
                                "SQLITE_TRACKER_DB": str(db), "COACH_SEED": "restart", "RASA_API_TOKEN": API_TOKEN,
                                "COACH_SCENARIOS_DIR": "scenarios", "COACH_DEFAULT_SCENARIO": "eric-battersby"})


def test_conversation_survives_a_restart(tmp_path):
    db = tmp_path / "conversations.db"
    first = boot(db)
    try:
        chat = Chat(first, sender="restart-learner")
        chat.say("hello eric, I'm sam")
        chat.say("what do you enjoy doing with your time?")
        before = chat.tracker()
    finally:
        first.stop()
    assert db.exists() and db.stat().st_size > 0

    second = boot(db)
    try:
        chat.bot = second
        after = chat.tracker()
        assert after["events"] == before["events"]
        assert after["slots"]["persona_state"] == before["slots"]["persona_state"]
        replies = chat.say("who matters most to you?")
        assert replies and all(not r.startswith("Role-play:") for r in replies)  # no second session start
        state = chat.slot("persona_state")
        assert state["turn"] == before["slots"]["persona_state"]["turn"] + 1
        assert set(before["slots"]["persona_state"]["disclosed"]) <= set(state["disclosed"])
    finally:
        second.stop()
