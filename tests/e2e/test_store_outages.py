"""When the conversation store cannot be written or read, or the lock store cannot be reached, the
learner is told their message was not saved, and the conversation then holds exactly the turns the
learner was answered for.

Rasa 3.6 fell back to an in-memory store: learners got normal replies and the turns were gone
(issue 14, F1); with Redis down they were told "your message is saved" and nothing was, and the
rate limits let everything through (F2). Real servers, a real SQLite file write-locked from
another connection, and a PostgreSQL and a Redis of the test's own, stopped or killed and started
again.
"""

import json
import sqlite3

import psycopg2
import pytest
import requests

from coach.texts import render
from scripts.launch import start_bot
from tests.e2e.conftest import API_TOKEN, Chat, free_port
from tests.e2e.services import PrivatePostgres, PrivateRedis

pytestmark = pytest.mark.e2e
NOT_SAVED = render("notice_not_saved")
REPLY_TIMEOUT_S = "30"  # a slow shared test machine must not turn a normal first reply into the slow notice
BEFORE = ["hello eric, I'm sam from the wellbeing team", "what do you enjoy doing with your time?"]
DURING = ["who matters most to you?", "tell me about your dog", "what would a good week look like?"]
AFTER = ["it sounds like your dog is a big part of your life", "what matters most to you about the months ahead?"]


def boot(work, **overrides):
    return start_bot(overrides={"RASA_PORT": str(free_port()), "ACTION_PORT": str(free_port()),
                                "SQLITE_TRACKER_DB": str(work / "conversations.db"), "RASA_API_TOKEN": API_TOKEN,
                                "COACH_SEED": "outage", "COACH_SCENARIOS_DIR": "scenarios",
                                "COACH_DEFAULT_SCENARIO": "eric-battersby",
                                "COACH_REPLY_TIMEOUT_S": REPLY_TIMEOUT_S, **overrides},
                     log_dir=work / "logs")


def answered(replies):
    return bool(replies) and replies[-1].startswith("Eric: ")


def say_during_outage(chat, texts):
    for text in texts:
        # The truth (not "still working, your message is saved"), and no reply of a turn that did not happen.
        assert chat.say(text) == [NOT_SAVED]


def check_kept_exactly_what_was_answered(chat, stored_user_texts):
    """The tracker (through Rasa) and the database itself hold the answered turns, once, in order."""
    tracker = chat.tracker()
    assert [e["text"] for e in tracker["events"] if e["event"] == "user"] == BEFORE + AFTER
    assert stored_user_texts == BEFORE + AFTER
    persona_lines = [e for e in tracker["events"] if e["event"] == "bot" and e["text"].startswith("Eric: ")]
    assert len(persona_lines) == 1 + len(BEFORE + AFTER)  # the opening line, then one reply per answered turn
    assert tracker["slots"]["persona_state"]["turn"] == len(BEFORE + AFTER)  # the failed turns left no trace
    assert len([e for e in tracker["events"] if e["event"] == "session_started"]) == 1


def sqlite_user_texts(db, sender):
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT data FROM events WHERE sender_id = ? AND type_name = 'user' ORDER BY id", (sender,))
        return [json.loads(data)["text"] for (data,) in rows]


def test_a_write_locked_sqlite_file_fails_the_turn_truthfully(tmp_path):
    bot = boot(tmp_path)
    db = tmp_path / "conversations.db"
    try:
        chat = Chat(bot)
        assert all(answered(chat.say(text)) for text in BEFORE)
        holder = sqlite3.connect(db, isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")  # a long delete, a VACUUM, a backup tool
        try:
            say_during_outage(chat, DURING)
            web = requests.post(f"{bot.rasa_url}/chat/api/message", timeout=30,
                                json={"sender": chat.sender, "message": "and the web chat?"})
            assert web.status_code == 200
            assert [m.get("text") for m in web.json()["messages"]] == [NOT_SAVED]
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        assert all(answered(chat.say(text)) for text in AFTER)
        check_kept_exactly_what_was_answered(chat, sqlite_user_texts(db, chat.sender))
        log = (tmp_path / "logs" / "rasa.log").read_text()
        assert "could not save conversation " + chat.sender in log and "database is locked" in log
    finally:
        bot.stop()


def test_a_stopped_postgresql_fails_the_turn_and_starts_no_new_conversation(tmp_path):
    database = PrivatePostgres()
    bot = None
    try:
        bot = boot(tmp_path, TRACKER_STORE="postgresql", TRACKER_DB_URL=database.url)
        chat = Chat(bot)
        assert all(answered(chat.say(text)) for text in BEFORE)
        database.stop()
        try:
            # Reading fails first: Rasa used to start a new, empty conversation (a second brief).
            say_during_outage(chat, DURING)
        finally:
            database.start()
        assert all(answered(chat.say(text)) for text in AFTER)
        with psycopg2.connect(database.url) as conn, conn.cursor() as cur:
            cur.execute("SELECT data FROM events WHERE sender_id = %s AND type_name = 'user' ORDER BY id",
                        (chat.sender,))
            stored = [json.loads(data)["text"] for (data,) in cur.fetchall()]
        check_kept_exactly_what_was_answered(chat, stored)
        log = (tmp_path / "logs" / "rasa.log").read_text()
        assert "could not read conversation " + chat.sender in log
    finally:
        if bot:
            bot.stop()
        database.close()


def test_a_killed_redis_fails_the_turn_truthfully_and_the_limits_still_hold(tmp_path):
    lock = PrivateRedis()
    bot = None
    rate, max_failures = 8, 3
    try:
        bot = boot(tmp_path, LOCK_STORE="redis", REDIS_HOST="127.0.0.1", REDIS_PORT=str(lock.port), REDIS_DB="0",
                   COACH_RATE_PER_MINUTE=str(rate), COACH_TRAINER_TOKEN="trainer-outage-token-5Xq8",
                   COACH_TRAINER_MAX_FAILURES=str(max_failures))
        chat = Chat(bot)
        assert all(answered(chat.say(text)) for text in BEFORE)
        lock.kill()
        try:
            say_during_outage(chat, DURING)
            # The rate limit is counted in this server meanwhile: the rest of the minute's messages,
            # then 429 (it let all of them through).
            codes = [requests.post(f"{bot.rasa_url}/webhooks/rest/webhook", timeout=30,
                                   json={"sender": chat.sender, "message": f"one more, number {i}"}).status_code
                     for i in range(rate - len(DURING) + 1)]
            assert codes == [200] * (rate - len(DURING)) + [429]
            # So is the trainer lock-out: after COACH_TRAINER_MAX_FAILURES wrong tokens, 429.
            wrong = [requests.get(f"{bot.rasa_url}/trainer/api/scenarios", timeout=30,
                                  headers={"Authorization": "Bearer not-the-token-at-all"}).status_code
                     for _ in range(max_failures + 1)]
            assert wrong == [403] * max_failures + [429]
        finally:
            lock.start()  # the same port, empty: it kept nothing
        assert all(answered(chat.say(text)) for text in AFTER)
        check_kept_exactly_what_was_answered(chat, sqlite_user_texts(tmp_path / "conversations.db", chat.sender))
        log = (tmp_path / "logs" / "rasa.log").read_text()
        assert "cannot be reached to lock conversation " + chat.sender in log
    finally:
        if bot:
            bot.stop()
        lock.close()
