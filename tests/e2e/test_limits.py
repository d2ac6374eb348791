"""Limits that keep one learner or one guesser from swamping the coach, through the real server:
a per-learner message rate shared by the web chat and REST, and a cap on wrong trainer tokens
per address. (The same limits shared by several servers through Redis: tests/e2e/test_scale_out.py.)"""

import http.client
import json
import uuid

import pytest
import requests

from tests.conftest import TRAINER_TOKEN

pytestmark = pytest.mark.e2e
RATE = 30            # COACH_RATE_PER_MINUTE's default, which the shared bot runs with
MAX_FAILURES = 20    # COACH_TRAINER_MAX_FAILURES's default


def web(bot, sender, text):
    return requests.post(f"{bot.rasa_url}/chat/api/message", json={"sender": sender, "message": text}, timeout=60)


def rest(bot, sender, text):
    return requests.post(f"{bot.rasa_url}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=60)


def test_the_web_chat_limits_messages_per_learner(bot):
    sender = f"web-rate-{uuid.uuid4().hex[:8]}"
    codes = [web(bot, sender, "that sounds lovely").status_code for _ in range(RATE)]
    assert codes == [200] * RATE
    refused = web(bot, sender, "one more")
    assert refused.status_code == 429
    assert f"at most {RATE} a minute" in refused.json()["error"]
    assert web(bot, f"{sender}-b", "hello").status_code == 200  # another learner is not held up
    # The refused message was not taken into the conversation.
    history = requests.get(f"{bot.rasa_url}/chat/api/history", params={"sender": sender}, timeout=30).json()
    assert "one more" not in json.dumps(history)


def test_rest_and_the_web_chat_count_against_one_limit(bot):
    sender = f"both-rate-{uuid.uuid4().hex[:8]}"
    half = RATE // 2
    assert [rest(bot, sender, "what matters to you?").status_code for _ in range(half)] == [200] * half
    assert [web(bot, sender, "say a bit more").status_code for _ in range(RATE - half)] == [200] * (RATE - half)
    assert rest(bot, sender, "and then?").status_code == 429
    assert web(bot, sender, "and then?").status_code == 429


def trainer_api(bot, token, source="127.0.0.1"):
    """GET /trainer/api/scenarios with a token, from a chosen loopback address."""
    host, port = bot.rasa_url.split("//")[1].split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30, source_address=(source, 0))
    try:
        conn.request("GET", "/trainer/api/scenarios", headers={"Authorization": f"Bearer {token}"})
        resp = conn.getresponse()
        return resp.status, json.loads(resp.read() or b"{}")
    finally:
        conn.close()


def test_guessing_the_trainer_token_is_cut_off_per_address(bot):
    guesser = "127.0.0.23"  # a loopback address of its own, so no other test's address is blocked
    for i in range(MAX_FAILURES):
        status, body = trainer_api(bot, f"guess-{i:04d}-{uuid.uuid4().hex}", guesser)
        assert status == 403 and "not right" in body["error"]
    status, body = trainer_api(bot, "one-guess-too-many", guesser)
    assert status == 429 and "Too many wrong trainer tokens" in body["error"]
    assert trainer_api(bot, TRAINER_TOKEN, guesser)[0] == 429  # even the right token waits its turn
    assert trainer_api(bot, TRAINER_TOKEN)[0] == 200          # the trainer at another address is not
