"""With COACH_PORTAL_SECRET set: unsigned or forged requests are refused, and a learner can read
and write only their own conversations, over the web chat API and the REST channel."""

import uuid

import pytest
import requests

from channels.identity import make_token, sign
from scripts.launch import start_bot
from tests.e2e.conftest import API_TOKEN, free_port

pytestmark = pytest.mark.e2e
SECRET = "a-portal-secret-for-the-tests"


@pytest.fixture(scope="module")
def signed(tmp_path_factory):
    bot = start_bot(overrides={"RASA_PORT": str(free_port()), "ACTION_PORT": str(free_port()), "RASA_API_TOKEN": API_TOKEN,
                               "SQLITE_TRACKER_DB": str(tmp_path_factory.mktemp("signed") / "c.db"),
                               "COACH_PORTAL_SECRET": SECRET, "COACH_SEED": "signed"})
    yield bot
    bot.stop()


def chat_api(bot, sender, text, token=None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return requests.post(f"{bot.rasa_url}/chat/api/message", json={"sender": sender, "message": text,
                                                                    "metadata": {"learner": "someone-else"}},
                         headers=headers, timeout=60)


def test_unsigned_forged_and_expired_requests_are_refused(signed):
    sender = f"c-{uuid.uuid4().hex[:10]}"
    forged = make_token(SECRET, "alex").replace("v1.alex.", "v1.bo.")
    expired = sign(SECRET, "alex", 1000)
    for token in (None, "nonsense", forged, expired, make_token("wrong-secret", "alex")):
        assert chat_api(signed, sender, "hello", token).status_code == 401
        r = requests.post(f"{signed.rasa_url}/webhooks/rest/webhook", json={"sender": sender, "message": "hi"},
                          headers={"Authorization": f"Bearer {token}"} if token else {}, timeout=30)
        assert r.status_code == 401 and "token" in r.json()["error"]
    r = requests.get(f"{signed.rasa_url}/chat/api/progress", params={"learner": "alex"}, timeout=30)
    assert r.status_code == 401


def test_a_learner_reads_and_writes_only_their_own_conversation(signed):
    alex, bo = make_token(SECRET, "alex"), make_token(SECRET, "bo")
    sender = f"c-{uuid.uuid4().hex[:10]}"
    r = chat_api(signed, sender, "what do you enjoy doing?", alex)
    assert r.status_code == 200 and r.json()["messages"]
    # the id comes from the token, never from what the browser claims
    tracker = requests.get(f"{signed.rasa_url}/conversations/{sender}/tracker", params={"token": API_TOKEN}, timeout=30).json()
    user = [e for e in tracker["events"] if e["event"] == "user"][-1]
    assert user["metadata"]["learner"] == "alex"
    # bo can neither read nor write alex's conversation, on either channel
    assert chat_api(signed, sender, "hello", bo).status_code == 403
    history = requests.get(f"{signed.rasa_url}/chat/api/history", params={"sender": sender},
                           headers={"Authorization": f"Bearer {bo}"}, timeout=30)
    assert history.status_code == 403
    rest = requests.post(f"{signed.rasa_url}/webhooks/rest/webhook", json={"sender": sender, "message": "hi"},
                         headers={"Authorization": f"Bearer {bo}"}, timeout=30)
    assert rest.status_code == 403
    # alex can, and sees their progress; bo's progress does not include it
    mine = requests.get(f"{signed.rasa_url}/chat/api/history", params={"sender": sender},
                        headers={"Authorization": f"Bearer {alex}"}, timeout=30)
    assert mine.status_code == 200 and any(m.get("text") == "what do you enjoy doing?" for m in mine.json()["messages"])
    progress_alex = requests.get(f"{signed.rasa_url}/chat/api/progress", params={"learner": "bo"},
                                 headers={"Authorization": f"Bearer {alex}"}, timeout=30)
    progress_bo = requests.get(f"{signed.rasa_url}/chat/api/progress", params={"learner": "alex"},
                               headers={"Authorization": f"Bearer {bo}"}, timeout=30)
    assert sender in progress_alex.text and sender not in progress_bo.text


def test_a_conversation_that_began_without_a_learner_belongs_to_nobody(signed):
    """Issue 14, F10: with the secret on, a conversation with no owner (begun before the secret was
    set, or through Rasa's own API) is refused to every signed learner, to read and to write."""
    sender = f"c-{uuid.uuid4().hex[:10]}"
    events = [{"event": "action", "name": "action_session_start"}, {"event": "session_started"},
              {"event": "action", "name": "action_listen"},
              {"event": "user", "text": "hello from before the secret", "metadata": {},
               "parse_data": {"intent": {"name": "greet", "confidence": 0.9}, "entities": []}}]
    added = requests.put(f"{signed.rasa_url}/conversations/{sender}/tracker/events", params={"token": API_TOKEN},
                         json=events, timeout=30)
    assert added.status_code == 200, added.text
    alex = make_token(SECRET, "alex")
    history = requests.get(f"{signed.rasa_url}/chat/api/history", params={"sender": sender},
                           headers={"Authorization": f"Bearer {alex}"}, timeout=30)
    assert history.status_code == 403
    assert chat_api(signed, sender, "I'll take this one over", alex).status_code == 403
    rest = requests.post(f"{signed.rasa_url}/webhooks/rest/webhook", json={"sender": sender, "message": "mine now"},
                         headers={"Authorization": f"Bearer {alex}"}, timeout=30)
    assert rest.status_code == 403
    tracker = requests.get(f"{signed.rasa_url}/conversations/{sender}/tracker", params={"token": API_TOKEN}, timeout=30).json()
    assert [e["text"] for e in tracker["events"] if e["event"] == "user"] == ["hello from before the secret"]
