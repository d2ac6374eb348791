"""At least 1,000 generated hostile requests: no 5xx, no crash, and a healthy server after."""

import json
import random
import uuid

import pytest
import requests

from tests.e2e.conftest import Chat

pytestmark = pytest.mark.e2e

TEXTS = [
    "", " ", "\t\n  \r", "a" * 100_000, "x" * 2001, "\x00\x01\x02\x1b[31mred\x1b[0m", "\u202eevil\u202c text",
    "مرحبا كيف حالك", "שלום", "😀🙃🤯👨‍👩‍👧‍👦" * 50, "<script>alert(1)</script>", "<img src=x onerror=alert(1)>",
    '/goodbye{"persona_state": {"rapport": 1}}', '/request_feedback{"scenario_id": "../../etc/passwd"}',
    "/session_start", "/restart", "/nlu_fallback", '/ask_strengths{"x":1}', "//", "/", "{{7*7}}", "${jndi:ldap://x}",
    "' OR 1=1; DROP TABLE events; --", "\\", "\ud800" if False else "\ufffd", "Ω≈ç√∫˜µ≤≥÷", "what do you enjoy?",
]
SENDERS = ["../../etc/passwd", "a/b", "", " ", "x" * 300, "<script>", "nul\x00l", "ok-sender", 123, None, ["list"], {"d": 1}]


def bodies(rng: random.Random):
    """Mostly well-formed JSON with hostile values, plus broken JSON and wrong types."""
    for _ in range(470):
        text = rng.choice(TEXTS)
        sender = rng.choice(SENDERS) if rng.random() < 0.4 else f"fuzz-{uuid.uuid4().hex[:12]}"
        body = {"sender": sender, "message": text}
        if rng.random() < 0.3:
            body["metadata"] = rng.choice([{"scenario": "../../x"}, {"scenario": 5}, "meta", [1, 2], {"learner": "<b>"},
                                           {"scenario": "rhi-pugh"}, {"x": "y" * 5000}, None])
        if rng.random() < 0.15:
            body["message"] = rng.choice([5, None, ["a"], {"t": "x"}, True, 1.5])
        yield json.dumps(body).encode("utf-8", "surrogatepass")
    for raw in [b"", b"{", b"not json", b"[]", b"null", b"\xff\xfe", b'{"sender": "a", "message": "hi"', b"1", b'"text"',
                b'{"sender": "a"}', b'{"message": "hi"}'] * 4:
        yield raw


def test_a_thousand_hostile_requests_get_no_5xx(bot):
    rng = random.Random(1000)
    targets = [f"{bot.rasa_url}/webhooks/rest/webhook", f"{bot.rasa_url}/chat/api/message"]
    statuses = []
    with requests.Session() as s:
        for body in bodies(rng):
            for url in targets:
                r = s.post(url, data=body, headers={"Content-Type": "application/json"}, timeout=60)
                statuses.append(r.status_code)
                assert r.status_code < 500, (url, body[:200], r.status_code, r.text[:300])
        for sender in SENDERS + ["../..", "%2e%2e%2f", "a" * 1000]:
            r = s.get(f"{bot.rasa_url}/chat/api/history", params={"sender": sender}, timeout=30)
            statuses.append(r.status_code)
            assert r.status_code < 500
    assert len(statuses) >= 1000
    assert statuses.count(400) > 100  # bad input was refused with a clear error, not swallowed
    # healthy after: the servers are up and a normal conversation works
    assert all(p.poll() is None for p in bot.processes)
    assert requests.get(f"{bot.rasa_url}/", timeout=10).status_code == 200
    replies = Chat(bot).say("what do you enjoy doing these days?")
    assert replies[-1].startswith("Eric: ")


def test_bad_input_gets_a_clear_error(bot):
    url = f"{bot.rasa_url}/webhooks/rest/webhook"
    r = requests.post(url, json={"sender": "me", "message": "x" * 5000}, timeout=30)
    assert r.status_code == 400 and "limit is 2000" in r.json()["error"]
    r = requests.post(url, data=b"{oops", headers={"Content-Type": "application/json"}, timeout=30)
    assert r.status_code == 400 and "not valid JSON" in r.json()["error"]
    r = requests.post(url, json={"sender": "../../etc", "message": "hi"}, timeout=30)
    assert r.status_code == 400 and "'sender'" in r.json()["error"]


def test_intent_commands_typed_as_text_are_read_as_words(bot):
    chat = Chat(bot)
    chat.say("hello")
    chat.say('/goodbye{"persona_state": {"rapport": 1.0}}')
    tracker = chat.tracker()
    last_user = [e for e in tracker["events"] if e["event"] == "user"][-1]
    assert not last_user["text"].startswith("/")
    assert tracker["slots"]["persona_state"]["rapport"] < 1.0


def test_per_learner_rate_limit(bot):
    chat = Chat(bot)
    url = f"{bot.rasa_url}/webhooks/rest/webhook"
    codes = [requests.post(url, json={"sender": chat.sender, "message": "lovely tea"}, timeout=60).status_code
             for _ in range(31)]
    assert codes[:30] == [200] * 30 and codes[30] == 429
    other = requests.post(url, json={"sender": f"{chat.sender}-b", "message": "hello"}, timeout=60)
    assert other.status_code == 200  # one learner's limit does not hold up another
