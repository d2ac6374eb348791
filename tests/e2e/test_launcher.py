"""The bot as `make run` starts it (scripts/launch.py, run as a program): a server killed with
kill -9 is started again and the conversation goes on; SIGTERM or SIGINT stops everything.

Before (issue 14, F3) a crashed action server made the launcher stop Rasa too and exit, and a
plain `kill` of the launcher left both servers running.
"""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from coach.texts import render
from tests.e2e.conftest import Chat, free_port

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
READY_S = 300


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def listening(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.RequestException:
        return False


def wait_for(check, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.5)
    raise AssertionError(f"{what} within {timeout:.0f} s")


class Launched:
    """`python scripts/launch.py` with its own ports and SQLite file, as `make run` runs it."""

    def __init__(self, work: Path):
        self.work = work
        self.rasa_port, self.action_port = free_port(), free_port()
        self.rasa_url = f"http://127.0.0.1:{self.rasa_port}"
        env = {**os.environ, "RASA_PORT": str(self.rasa_port), "ACTION_PORT": str(self.action_port),
               "SQLITE_TRACKER_DB": str(work / "conversations.db"), "COACH_SEED": "launcher",
               "COACH_SCENARIOS_DIR": "scenarios", "COACH_DEFAULT_SCENARIO": "eric-battersby",
               "RASA_API_TOKEN": "", "BIND_HOST": "127.0.0.1", "PYTHONPATH": str(ROOT),
               "COACH_REPLY_TIMEOUT_S": "20"}  # a first turn on a busy test machine can take seconds
        self.output = work / "launcher.log"
        with open(self.output, "w") as out:
            self.proc = subprocess.Popen([sys.executable, "scripts/launch.py"], cwd=ROOT, env=env,
                                         stdout=out, stderr=subprocess.STDOUT)
        wait_for(self.ready, READY_S, "the bot did not answer")

    def ready(self) -> bool:
        assert self.proc.poll() is None, self.log()[-3000:]
        return answers(f"{self.rasa_url}/") and answers(f"http://127.0.0.1:{self.action_port}/health")

    def log(self) -> str:
        return self.output.read_text(errors="replace")

    def servers(self) -> dict:
        """The launcher's live child processes: {"actions": pid, "rasa": pid}."""
        found = {}
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                with open(f"/proc/{entry}/cmdline", "rb") as f:
                    cmdline = f.read().split(b"\0")
            except (FileNotFoundError, ProcessLookupError, IndexError):
                continue
            if ppid != self.proc.pid or not alive(int(entry)):
                continue
            found["actions" if b"actions" in cmdline else "rasa"] = int(entry)
        return found

    def close(self) -> None:
        pids = list(self.servers().values())
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        for pid in pids:  # never leave a server behind, even when a test failed
            if alive(pid):
                os.kill(pid, signal.SIGKILL)


@pytest.fixture(scope="module")
def launched(tmp_path_factory):
    running = Launched(tmp_path_factory.mktemp("launcher"))
    yield running
    running.close()


def learner_texts(bot, sender):
    resp = requests.get(f"{bot.rasa_url}/chat/api/history", params={"sender": sender}, timeout=30)
    resp.raise_for_status()
    return [m["text"] for m in resp.json()["messages"] if m["from"] == "learner"]


def answered(replies):
    return bool(replies) and replies[-1].startswith("Eric: ")


@pytest.fixture(scope="module")
def chat(launched):
    chat = Chat(launched)
    assert answered(chat.say("hello eric, I'm sam from the wellbeing team"))
    return chat


def listening_addresses(port: int) -> set:
    """The local addresses of the sockets listening on `port` (IPv4 and IPv6), from /proc/net."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as f:
            for line in f.readlines()[1:]:
                local, state = line.split()[1], line.split()[3]
                address, hex_port = local.split(":")
                if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                    found.add(address)
    return found


def test_both_servers_listen_on_loopback_only(launched):
    """rasa-sdk listens on 0.0.0.0 unless told (SANIC_HOST): anyone on the network could POST a
    forged tracker to the action server's /webhook (issue 14, F5). BIND_HOST is 127.0.0.1 here."""
    loopback = "0100007F"  # 127.0.0.1 as /proc/net/tcp writes it
    assert listening_addresses(launched.action_port) == {loopback}
    assert listening_addresses(launched.rasa_port) == {loopback}


@pytest.mark.parametrize("method, path", [
    ("PUT", "/model"), ("POST", "/model/train"), ("DELETE", "/model"), ("POST", "/model/parse"),
    ("GET", "/conversations/x/tracker"), ("POST", "/conversations/x/tracker/events"), ("GET", "/domain"),
])
def test_with_the_api_off_its_routes_are_refused(launched, method, path):
    """make run leaves Rasa's HTTP API off (RASA_API_TOKEN empty): loading a model, training and
    reading or writing trackers stay unreachable, whatever token is guessed (SECURITY.md)."""
    for params in ({}, {"token": "a-guess"}, {"token": ""}):
        resp = requests.request(method, f"{launched.rasa_url}{path}", params=params, json={}, timeout=30)
        assert resp.status_code in (401, 403, 404), (method, path, params, resp.status_code)


def test_a_killed_action_server_is_started_again_and_the_conversation_goes_on(launched, chat):
    pid = launched.servers()["actions"]
    os.kill(pid, signal.SIGKILL)
    wait_for(lambda: not alive(pid), 10, "the action server did not die")
    assert chat.say("what do you enjoy doing with your time?") == [render("notice_no_reply")]  # meanwhile
    wait_for(lambda: answers(f"http://127.0.0.1:{launched.action_port}/health"), 180,
             "the action server was not started again")
    assert answered(chat.say("who matters most to you?"))
    assert learner_texts(launched, chat.sender)[-3:] == [
        "hello eric, I'm sam from the wellbeing team", "what do you enjoy doing with your time?",
        "who matters most to you?"]
    assert launched.proc.poll() is None
    log = launched.log()
    assert f"the action server (pid {pid}) stopped (killed by signal 9)" in log
    assert "the action server is back" in log


def test_a_killed_rasa_server_is_started_again_and_the_conversation_goes_on(launched, chat):
    pid = launched.servers()["rasa"]
    before = learner_texts(launched, chat.sender)
    os.kill(pid, signal.SIGKILL)
    wait_for(lambda: not alive(pid), 10, "the Rasa server did not die")
    wait_for(lambda: answers(f"{launched.rasa_url}/"), READY_S, "the Rasa server was not started again")
    replies = chat.say("tell me about your dog")
    assert answered(replies) and not any(r.startswith("Role-play:") for r in replies)  # the same session
    assert learner_texts(launched, chat.sender) == before + ["tell me about your dog"]
    assert f"the Rasa server (pid {pid}) stopped (killed by signal 9)" in launched.log()


def stops_cleanly(launched, signum):
    pids = launched.servers()
    assert set(pids) == {"actions", "rasa"}
    launched.proc.send_signal(signum)
    assert launched.proc.wait(timeout=60) == 0
    left = [name for name, pid in pids.items() if alive(pid)]
    assert left == [], f"still running after the launcher stopped: {left}"
    assert not listening(launched.rasa_port) and not listening(launched.action_port)


def test_sigterm_stops_both_servers_and_leaves_no_process(launched):
    stops_cleanly(launched, signal.SIGTERM)  # last in this module: it ends the launcher


def test_sigint_stops_both_servers_and_leaves_no_process(tmp_path):
    launched = Launched(tmp_path)
    try:
        stops_cleanly(launched, signal.SIGINT)
    finally:
        launched.close()
