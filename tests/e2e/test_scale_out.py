"""Two Rasa servers and two action servers share one PostgreSQL tracker store and one Redis lock
store: one conversation alternates between them and loses, repeats or reorders nothing."""

import concurrent.futures
import uuid

import psycopg2
import pytest
import redis
import requests

from scripts.launch import start_bot
from tests.e2e.conftest import API_TOKEN, Chat, free_port

pytestmark = pytest.mark.e2e
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/test"
MESSAGES = [
    "hello eric, I'm sam from the wellbeing team",
    "what do you enjoy doing with your time these days?",
    "it sounds like working with wood has always been part of who you are",
    "who are the people who matter most to you?",
    "tell me about your dog, how does she fit into your days?",
    "she sounds like a big part of your life",
    "what would a really good week look like for you?",
    "what matters most to you about the months ahead?",
]


@pytest.fixture(scope="module")
def database():
    name = f"coach_scale_{uuid.uuid4().hex[:10]}"
    try:
        admin = psycopg2.connect(PG_ADMIN)
    except psycopg2.OperationalError as exc:
        pytest.fail(f"PostgreSQL is not reachable at {PG_ADMIN} ({exc}); .ci/run starts it.")
    admin.autocommit = True
    admin.cursor().execute(f'CREATE DATABASE "{name}"')
    redis.Redis(host="127.0.0.1", port=6379).ping()  # fails clearly if Redis is down
    yield f"postgresql://postgres@127.0.0.1:5432/{name}"
    admin.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


@pytest.fixture(scope="module")
def replicas(database):
    bots = []
    try:
        for _ in range(2):
            bots.append(start_bot(overrides={
                "RASA_PORT": str(free_port()), "ACTION_PORT": str(free_port()), "RASA_API_TOKEN": API_TOKEN,
                "TRACKER_STORE": "postgresql", "TRACKER_DB_URL": database,
                "LOCK_STORE": "redis", "REDIS_HOST": "127.0.0.1", "REDIS_PORT": "6379", "REDIS_DB": "3",
                "COACH_SEED": "scale", "COACH_SCENARIOS_DIR": "scenarios", "COACH_DEFAULT_SCENARIO": "eric-battersby"}))
        yield bots
    finally:
        for bot in bots:
            bot.stop()


def stored_user_texts(database, sender):
    with psycopg2.connect(database) as conn, conn.cursor() as cur:
        cur.execute("SELECT data FROM events WHERE sender_id = %s AND type_name = 'user' ORDER BY id", (sender,))
        import json

        return [json.loads(row[0])["text"] for row in cur.fetchall()]


def test_one_conversation_alternating_between_two_servers(replicas, database):
    sender = f"scale-{uuid.uuid4().hex[:8]}"
    chats = [Chat(bot, sender=sender) for bot in replicas]
    turns_seen = []
    for i, text in enumerate(MESSAGES):
        replies = chats[i % 2].say(text)
        assert replies and replies[-1].startswith("Eric: ")
        turns_seen.append(chats[(i + 1) % 2].slot("persona_state")["turn"])  # read back from the other server
    assert turns_seen == list(range(1, len(MESSAGES) + 1))  # the persona's memory carries across servers
    assert stored_user_texts(database, sender) == MESSAGES  # every turn stored once, in order
    a, b = (c.tracker() for c in chats)
    assert a["events"] == b["events"]
    assert [e["text"] for e in a["events"] if e["event"] == "user"] == MESSAGES
    assert len([e for e in a["events"] if e["event"] == "session_started"]) == 1
    state = a["slots"]["persona_state"]
    assert state["disclosed"] and all(1 <= t <= len(MESSAGES) for t in state["disclosed"].values())


def test_simultaneous_messages_to_both_servers_are_serialised(replicas, database):
    sender = f"race-{uuid.uuid4().hex[:8]}"
    Chat(replicas[0], sender=sender).say("hello eric")
    texts = ["what do you enjoy doing?", "who matters most to you?", "where do you like to go?", "that sounds lovely"]
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(lambda it: Chat(replicas[it[0] % 2], sender=sender).say(it[1]), enumerate(texts)))
    stored = stored_user_texts(database, sender)
    assert stored[0] == "hello eric" and sorted(stored[1:]) == sorted(texts)  # each once, none lost
    state = Chat(replicas[1], sender=sender).slot("persona_state")
    assert state["turn"] == 1 + len(texts)  # no turn overwrote another's memory


def test_the_per_learner_rate_limit_holds_across_servers(replicas):
    """With LOCK_STORE=redis the limit is counted in Redis, not once per server."""
    sender = f"rate-{uuid.uuid4().hex[:8]}"
    limit = 30  # COACH_RATE_PER_MINUTE's default

    def send(i):
        return requests.post(f"{replicas[i % 2].rasa_url}/webhooks/rest/webhook",
                             json={"sender": sender, "message": "lovely tea"}, timeout=60).status_code

    assert [send(i) for i in range(limit)] == [200] * limit  # 15 on each server
    assert send(0) == 429 and send(1) == 429
