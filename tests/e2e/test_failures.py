"""When the action server is stopped, slow or broken, the learner hears so within 5 seconds,
nothing they typed is lost, and the conversation carries on when it is back."""

import http.client
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest

from scripts.launch import start_bot
from tests.e2e.conftest import API_TOKEN, Chat, free_port

pytestmark = pytest.mark.e2e
NOTICE_WITHIN_S = 5.0


class FaultyProxy:
    """Sits between Rasa and the action server: passes calls on, or is down, slow or broken."""

    def __init__(self, target: str):
        self.target = urlsplit(target)
        self.mode = "pass"
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if proxy.mode == "down":
                    self.connection.close()  # like a stopped server: the connection just ends
                    return
                if proxy.mode == "broken":
                    self.send_response(500)
                    self.end_headers()
                    self.wfile.write(b"internal error")
                    return
                if proxy.mode == "slow":
                    time.sleep(8)
                conn = http.client.HTTPConnection(proxy.target.hostname, proxy.target.port, timeout=60)
                conn.request("POST", self.path, body, {"Content-Type": "application/json"})
                resp = conn.getresponse()
                data = resp.read()
                self.send_response(resp.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                self.send_response(200)
                self.end_headers()

        self.port = free_port()
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()


@pytest.fixture(scope="module")
def faulty(tmp_path_factory):
    action_port = free_port()
    proxy = FaultyProxy(f"http://127.0.0.1:{action_port}")
    bot = start_bot(overrides={"RASA_PORT": str(free_port()), "ACTION_PORT": str(action_port),
                               "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{proxy.port}/webhook",
                               "SQLITE_TRACKER_DB": str(tmp_path_factory.mktemp("faulty") / "c.db"),
                               "RASA_API_TOKEN": API_TOKEN, "COACH_SEED": "faulty"})
    bot.proxy = proxy
    yield bot
    bot.stop()
    proxy.close()


def timed(chat, text):
    t0 = time.monotonic()
    replies = chat.say(text)
    return replies, time.monotonic() - t0


def user_texts(chat):
    return [e["text"] for e in chat.tracker()["events"] if e["event"] == "user"]


@pytest.mark.parametrize("mode", ["down", "broken", "slow"])
def test_a_notice_within_five_seconds_and_nothing_lost(faulty, mode):
    chat = Chat(faulty)
    faulty.proxy.mode = "pass"
    chat.say("hello eric")
    faulty.proxy.mode = mode
    replies, took = timed(chat, "what do you enjoy doing with your time?")
    assert took < NOTICE_WITHIN_S
    assert len(replies) == 1 and not replies[0].startswith("Eric:")
    # The notice says what is true: a slow turn is still being worked on (not yet saved); a turn
    # whose action server is down or broken was stored (Rasa saved the learner's message).
    expected = "still being worked on" if mode == "slow" else "Your message is saved"
    assert expected in replies[0]
    faulty.proxy.mode = "pass"
    if mode == "slow":
        time.sleep(5)  # the turn finishes in the background: its reply is stored when it comes
        bots = [e["text"] for e in chat.tracker()["events"] if e["event"] == "bot"]
        assert bots[-1].startswith("Eric: ")
    assert "what do you enjoy doing with your time?" in user_texts(chat)  # what they typed is kept
    replies = chat.say("who matters most to you?")
    assert replies[-1].startswith("Eric: ")  # the conversation carries on
    state = chat.slot("persona_state")
    assert state["turn"] == (3 if mode == "slow" else 2)
