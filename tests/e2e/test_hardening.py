"""Issue 14's findings F4, F7, F8, F11 and F12, through a real Rasa server and action server.

The bot here runs behind a pretend proxy (SANIC_REAL_IP_HEADER=X-Real-IP), so each test names its
own client address and no test's traffic counts against another's; with small limits and short
timeouts, so that each limit is reached quickly; and with a scenarios folder that holds one good
scenario (the documented template, so that the test does not depend on a shipped scenario's
text), one that passes validation but fails the dry run, and a folder named like a scenario.
"""

import contextlib
import io
import itertools
import json
import socket
import threading
import time
import uuid

import pytest
import requests

from scripts.launch import start_bot
from tests.conftest import ROOT, TRAINER_TOKEN
from tests.e2e.conftest import API_TOKEN, free_port

pytestmark = pytest.mark.e2e
RATE, PER_ADDRESS = 6, 15          # COACH_RATE_PER_MINUTE, COACH_RATE_PER_ADDRESS
TIMEOUT_S = 2                       # COACH_REQUEST_TIMEOUT_S and COACH_KEEP_ALIVE_TIMEOUT_S
PORTAL = "http://portal.example.org:8080"
TEMPLATE = (ROOT / "docs" / "scenario-template.yml").read_text()
# Valid, but the outcome opens only to a move no good learner makes: the dry run fails.
UNREACHABLE = "      moves: [ask_care_needs]\n      min_rapport: 0.45"
REACHABLE = "      moves: [ask_good_life, ask_desired_outcome, ask_what_matters, reflect]\n      min_rapport: 0.45"
assert REACHABLE in TEMPLATE
GOOD_TITLE = "Ada, the good one"


def scenario(sid: str, title: str | None = None, reachable: bool = True) -> str:
    text = TEMPLATE.replace("id: template-person", f"id: {sid}")
    if title:
        text = text.replace('title: "Template: a first conversation"', f'title: "{title}"')
    return text if reachable else text.replace(REACHABLE, UNREACHABLE)


@pytest.fixture(scope="module")
def hard(tmp_path_factory):
    work = tmp_path_factory.mktemp("hard")
    folder = work / "scenarios"
    folder.mkdir()
    (folder / "ada-good.yml").write_text(scenario("ada-good", GOOD_TITLE))
    (folder / "ada-unreachable.yml").write_text(scenario("ada-unreachable", reachable=False))
    (folder / "x.yml").mkdir()  # a folder named like a scenario file
    listing = io.StringIO()
    with contextlib.redirect_stderr(listing):  # what `make run` prints before the servers start
        bot = start_bot(overrides={
            "RASA_PORT": str(free_port()), "ACTION_PORT": str(free_port()), "RASA_API_TOKEN": API_TOKEN,
            "SQLITE_TRACKER_DB": str(work / "hard.db"), "COACH_SCENARIOS_DIR": str(folder),
            "COACH_DEFAULT_SCENARIO": "ada-good", "COACH_SEED": "hard", "COACH_TRAINER_TOKEN": TRAINER_TOKEN,
            "COACH_RATE_PER_MINUTE": str(RATE), "COACH_RATE_PER_ADDRESS": str(PER_ADDRESS),
            "COACH_REQUEST_TIMEOUT_S": str(TIMEOUT_S), "COACH_KEEP_ALIVE_TIMEOUT_S": str(TIMEOUT_S),
            "COACH_ALLOWED_ORIGINS": PORTAL, "SANIC_REAL_IP_HEADER": "X-Real-IP",
        }, log_dir=work / "logs")
    bot.listing = listing.getvalue()
    bot.folder = folder
    yield bot
    bot.stop()


_clients = itertools.count(1)


def client() -> str:
    """An address for a client of its own (from a documentation range), given in the proxy's header."""
    n = next(_clients)
    return f"198.51.{100 + n // 250}.{n % 250 + 1}"


def web(bot, sender, text, ip, metadata=None, **headers):
    body = {"sender": sender, "message": text, **({"metadata": metadata} if metadata else {})}
    return requests.post(f"{bot.rasa_url}/chat/api/message", json=body, headers={"X-Real-IP": ip, **headers},
                         timeout=60)


def rest(bot, sender, text, ip):
    return requests.post(f"{bot.rasa_url}/webhooks/rest/webhook", json={"sender": sender, "message": text},
                         headers={"X-Real-IP": ip}, timeout=60)


def files(bot) -> dict:
    resp = requests.get(f"{bot.rasa_url}/trainer/api/scenarios", headers={"Authorization": f"Bearer {TRAINER_TOKEN}"},
                        timeout=120)
    resp.raise_for_status()
    return {f["file"]: f for f in resp.json()["files"]}


def picker(bot) -> set:
    resp = requests.get(f"{bot.rasa_url}/chat/api/scenarios", timeout=120)
    assert resp.status_code == 200, resp.text
    return {s["id"] for s in resp.json()["scenarios"]}


def brief_of(bot, scenario_id, ip) -> str:
    """Open the chat on a scenario, as the page does; the brief's first line."""
    resp = web(bot, f"hard-{uuid.uuid4().hex[:10]}", "/session_start", ip, {"scenario": scenario_id})
    assert resp.status_code == 200, resp.text
    return resp.json()["messages"][0]["text"].splitlines()[0]


# --- F12: a bad scenario takes only itself offline --------------------------------------------

def test_the_bot_starts_with_the_good_scenarios_and_lists_the_bad_ones_with_their_problems(hard):
    assert "Scenario ada-unreachable.yml is offline" in hard.listing
    assert "a strong learner could not draw out this outcome" in hard.listing  # the dry run's problem
    assert "Scenario x.yml is offline" in hard.listing and "this is a folder" in hard.listing
    assert "Starting with the 1 good scenario: ada-good." in hard.listing
    assert picker(hard) == {"ada-good"}
    listed = files(hard)
    assert listed["ada-unreachable.yml"]["live"] is False
    assert any("could not draw out" in p["problem"] for p in listed["ada-unreachable.yml"]["problems"])
    assert listed["ada-good.yml"]["live"] and not listed["ada-good.yml"]["problems"]
    # `make run` leaves the check to the launcher (which starts with the good ones), so a failing
    # `make check-scenarios` no longer stops it before the launcher runs.
    run = next(line for line in (ROOT / "Makefile").read_text().splitlines() if line.startswith("run:"))
    assert "check-scenarios" not in run.split("##")[0]


def test_a_live_edit_that_fails_the_dry_run_stays_offline_and_the_trainer_sees_why(hard):
    ip = client()
    path = hard.folder / "ada-live.yml"
    path.write_text(scenario("ada-live", "Ada, first version"))
    try:
        assert brief_of(hard, "ada-live", ip) == "Role-play: Ada, first version"  # the action server's view
        assert files(hard)["ada-live.yml"]["live"] is True  # the Rasa server's (trainer pages, picker)
        time.sleep(0.05)
        path.write_text(scenario("ada-live", "Ada, unreachable edit", reachable=False))
        entry = files(hard)["ada-live.yml"]
        assert entry["live"] is True and entry["title"] == "Ada, first version"  # the last good version
        assert entry["problems"], "the scenario page must not say 'Problems: None' for a file that fails the check"
        assert any("could not draw out this outcome" in p["problem"] for p in entry["problems"])
        assert brief_of(hard, "ada-live", ip) == "Role-play: Ada, first version"
        time.sleep(0.05)
        path.write_text(scenario("ada-live", "Ada, fixed"))
        assert brief_of(hard, "ada-live", ip) == "Role-play: Ada, fixed"
        assert files(hard)["ada-live.yml"]["problems"] == []
    finally:
        path.unlink()


# --- F7: scenario files that are folders, too large, slow to parse or deleted --------------------

def test_a_folder_named_like_a_scenario_breaks_neither_the_picker_nor_a_session_start(hard):
    ip = client()
    assert picker(hard) == {"ada-good"}
    sender = f"hard-{uuid.uuid4().hex[:10]}"
    started = web(hard, sender, "/session_start", ip)
    assert started.status_code == 200 and started.json()["messages"][0]["text"].startswith(f"Role-play: {GOOD_TITLE}")
    history = requests.get(f"{hard.rasa_url}/chat/api/history", params={"sender": sender}, timeout=30).json()
    assert history["messages"] and history["messages"][0]["text"].startswith(f"Role-play: {GOOD_TITLE}")  # events kept
    reply = web(hard, sender, "what do you enjoy doing these days?", ip).json()
    assert reply["messages"][-1]["from"] == "person"
    folder = files(hard)["x.yml"]
    assert folder["live"] is False and "folder" in folder["problems"][0]["problem"]


def test_an_oversized_file_is_refused_with_a_problem_and_a_deleted_one_leaves_the_list(hard):
    path = hard.folder / "huge.yml"
    path.write_text(scenario("huge") + "#" + "x" * 1100 * 1024 + "\n")  # over the 1,024 KB default
    try:
        entry = files(hard)["huge.yml"]
        assert entry["live"] is False
        assert "larger than 1024 KB" in entry["problems"][0]["problem"]
        assert "COACH_SCENARIO_MAX_KB" in entry["problems"][0]["fix"]
        assert picker(hard) == {"ada-good"}
    finally:
        path.unlink()
    assert "huge.yml" not in files(hard)  # gone from the trainer's list once deleted, without a restart


def test_a_large_scenario_is_read_off_the_event_loop(hard):
    """While a large (but allowed) file is read and checked, the server goes on answering: a page
    asked for after the scenario list is answered first, and the list itself does not wait for the
    file, which goes live once it has passed the check."""
    many = "".join(f'  - "Line {i} of a very long list of things Ada might say about the weather."\n'
                   for i in range(11000))
    path = hard.folder / "ada-large.yml"
    path.write_text(scenario("ada-large").replace("opening_lines:\n", "opening_lines:\n" + many, 1))
    assert 500 * 1024 < path.stat().st_size < 1024 * 1024
    done: dict = {}

    def ask_for_the_list():
        done["listed"] = picker(hard)
        done["list"] = time.monotonic()

    try:
        asking = threading.Thread(target=ask_for_the_list)
        asking.start()
        time.sleep(0.5)
        page = requests.get(f"{hard.rasa_url}/chat/", timeout=120)
        done["page"] = time.monotonic()
        asking.join(timeout=300)
        assert page.status_code == 200
        assert done["page"] < done["list"], "the event loop was blocked while the scenario was read"
        deadline = time.monotonic() + 240
        while "ada-large" not in picker(hard) and time.monotonic() < deadline:
            time.sleep(1)
        assert "ada-large" in picker(hard)  # live once read and checked
    finally:
        path.unlink()
    assert "ada-large" not in picker(hard)


# --- F4: rotating ids from one client meet a limit ------------------------------------------

def test_rotating_conversation_and_learner_ids_from_one_client_hit_a_limit(hard):
    ip = client()
    codes = [web(hard, f"rot-{uuid.uuid4().hex[:10]}", "what do you enjoy?", ip).status_code for _ in range(PER_ADDRESS)]
    assert codes == [200] * PER_ADDRESS
    refused = web(hard, f"rot-{uuid.uuid4().hex[:10]}", "what do you enjoy?", ip)
    assert refused.status_code == 429 and f"at most {PER_ADDRESS} a minute from one address" in refused.json()["error"]
    assert rest(hard, f"rot-{uuid.uuid4().hex[:10]}", "hello", ip).status_code == 429  # REST counts the same address
    assert web(hard, f"rot-{uuid.uuid4().hex[:10]}", "hello", client()).status_code == 200  # another client is not held up

    # One learner id over many conversations: COACH_RATE_PER_MINUTE, per learner.
    ip, learner = client(), f"learner-{uuid.uuid4().hex}"
    codes = [web(hard, f"rot-{uuid.uuid4().hex[:10]}", "who matters to you?", ip, {"learner": learner}).status_code
             for _ in range(RATE)]
    assert codes == [200] * RATE
    refused = web(hard, f"rot-{uuid.uuid4().hex[:10]}", "who matters to you?", ip, {"learner": learner})
    assert refused.status_code == 429 and f"at most {RATE} a minute" in refused.json()["error"]
    assert web(hard, f"rot-{uuid.uuid4().hex[:10]}", "hello", ip, {"learner": f"{learner}-b"}).status_code == 200

    # Progress and records (open to anyone without the portal secret) count against the address too.
    ip = client()
    codes = [requests.get(f"{hard.rasa_url}/chat/api/{'progress' if i % 2 else 'record'}", timeout=60,
                          params={"learner": f"learner-{uuid.uuid4().hex}"}, headers={"X-Real-IP": ip}).status_code
             for i in range(PER_ADDRESS + 1)]
    assert codes == [200] * PER_ADDRESS + [429]


# --- F8: request size, nesting and slow clients ---------------------------------------------

def test_large_bodies_deep_json_and_slow_clients_are_refused(hard):
    ip = client()
    big = web(hard, "big-body", "x" * 70_000, ip)
    assert big.status_code == 413  # refused before the body is read
    deep = {"sender": f"deep-{uuid.uuid4().hex[:8]}", "message": "hello", "metadata": {}}
    nested = "[" * 980 + "]" * 980
    raw = json.dumps(deep).replace('"metadata": {}', f'"metadata": {{"x": {nested}}}')
    for url in ("/chat/api/message", "/webhooks/rest/webhook"):
        resp = requests.post(f"{hard.rasa_url}{url}", data=raw, headers={"Content-Type": "application/json",
                                                                          "X-Real-IP": ip}, timeout=30)
        assert resp.status_code == 400 and "nested more than" in resp.json()["error"], (url, resp.status_code)

    host, port = hard.rasa_url.split("//")[1].split(":")
    # A client that starts a request and stops sending is dropped after COACH_REQUEST_TIMEOUT_S.
    with socket.create_connection((host, int(port)), timeout=30) as slow:
        slow.sendall(b"POST /chat/api/message HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Le")
        started = time.monotonic()
        answer = slow.recv(4096)
        while answer and not answer.endswith(b"\r\n\r\n") and b"408" not in answer:
            answer += slow.recv(4096)
        assert time.monotonic() - started < TIMEOUT_S + 6  # Sanic's default would have waited 60 s
        assert answer == b"" or b"408" in answer.split(b"\r\n")[0]
    # An idle kept-alive connection is closed after COACH_KEEP_ALIVE_TIMEOUT_S.
    with socket.create_connection((host, int(port)), timeout=30) as idle:
        idle.sendall(b"GET /chat/api/scenarios HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        first = idle.recv(65536)
        assert first.startswith(b"HTTP/1.1 200")
        started = time.monotonic()
        while idle.recv(65536):
            pass
        assert time.monotonic() - started < TIMEOUT_S + 2.5  # Sanic's default keeps it 5 s



def trickle(host: str, port: int, head: bytes, slow: bytes) -> tuple[float, bytes]:
    """Send `head` at once, then `slow` a byte every 0.4 s; how long until the server answers or
    closes, and what it answered. Every pause is shorter than the request timeout."""
    with socket.create_connection((host, port), timeout=30) as conn:
        conn.sendall(head)
        started, answer = time.monotonic(), b""
        conn.settimeout(0.4)
        for byte in slow:
            try:
                conn.sendall(bytes([byte]))
            except OSError:  # cut: the server has closed the connection
                break
            try:
                answer = conn.recv(4096)
                break  # answered, or closed (b"")
            except socket.timeout:
                continue
        return time.monotonic() - started, answer


def test_a_client_that_trickles_its_request_is_cut_within_the_request_timeout(hard):
    """Sanic times each pause, not the whole request: without server/slow_clients.py, a byte every
    0.4 s would hold the connection open for all 24 s of this header and body."""
    host, port = hard.rasa_url.split("//")[1].split(":")
    body = json.dumps({"sender": "trickle", "message": "x" * 30}).encode()
    heads = (b"POST /chat/api/message HTTP/1.1\r\nHost: 127.0.0.1\r\n", b"X-Padding: " + b"a" * 60 + b"\r\n\r\n")
    whole_head = (b"POST /chat/api/message HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                  b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n")
    for head, slow in (heads, (whole_head, body)):
        took, answer = trickle(host, int(port), head, slow)
        assert took < TIMEOUT_S + 2, (head[:40], took)  # the whole trickle would take 24 s or more
        assert answer == b"" or b"408" in answer.split(b"\r\n")[0], answer[:80]


# --- F11: host names and framing ------------------------------------------------------------

def test_only_the_coachs_own_names_are_answered_and_only_allowed_sites_may_frame_the_chat(hard):
    port = hard.rasa_url.rsplit(":", 1)[1]
    rebinding = {"Host": f"rebind.attacker.example:{port}", "Origin": f"http://rebind.attacker.example:{port}",
                 "X-Real-IP": client()}
    for method, path in (("GET", "/chat/"), ("GET", "/chat/api/scenarios"), ("GET", "/chat/api/history?sender=a"),
                         ("POST", "/chat/api/message"), ("POST", "/webhooks/rest/webhook"),
                         ("GET", "/trainer/api/scenarios"), ("GET", "/trainer/")):
        body = {"sender": "rebind", "message": "hello"} if method == "POST" else None
        resp = requests.request(method, f"{hard.rasa_url}{path}", json=body, timeout=30,
                                headers={**rebinding, "Authorization": f"Bearer {TRAINER_TOKEN}"})
        assert resp.status_code == 403 and "COACH_ALLOWED_HOSTS" in resp.json()["error"], (path, resp.status_code)
    for name in (f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}", "portal.example.org"):
        assert requests.get(f"{hard.rasa_url}/chat/api/scenarios", headers={"Host": name}, timeout=60).status_code == 200
    page = requests.get(f"{hard.rasa_url}/chat/", timeout=30)
    assert f"frame-ancestors 'self' {PORTAL}" in page.headers["Content-Security-Policy"]
    progress = requests.get(f"{hard.rasa_url}/chat/progress/", timeout=30)
    assert f"frame-ancestors 'self' {PORTAL}" in progress.headers["Content-Security-Policy"]

def test_ids_must_match_whole_so_there_are_no_look_alikes(hard):
    ip = client()
    for sender in ("xss1\n", "ok-id\n"):
        assert web(hard, sender, "hello", ip).status_code == 400
        assert rest(hard, sender, "hello", ip).status_code == 400
    resp = requests.get(f"{hard.rasa_url}/chat/api/progress", params={"learner": "alex\n"}, timeout=30)
    assert resp.status_code == 400 and "'learner' must be" in resp.json()["error"]
    assert web(hard, "ok", "hello", ip, {"learner": "alex\n"}).status_code == 400


# --- F6: unpaired surrogates refused; records that odd text cannot break --------------------

def test_unpaired_surrogates_get_a_clear_400_on_every_input(hard):
    ip = client()
    bodies = ['{"sender": "sur-1", "message": "hello \\ud800"}',
              '{"sender": "sur-2", "message": "hello", "metadata": {"scenario": "ada-good", "note": "\\udfff"}}',
              '{"sender": "sur-3", "message": "hello", "metadata": {"\\ud800": 1}}',
              '{"sender": "\\ud800", "message": "hello"}']
    for body in bodies:
        for url in ("/chat/api/message", "/webhooks/rest/webhook"):
            resp = requests.post(f"{hard.rasa_url}{url}", data=body.encode(), timeout=30,
                                 headers={"Content-Type": "application/json", "X-Real-IP": ip})
            assert resp.status_code == 400, (url, body, resp.status_code)
            assert "unpaired surrogate" in resp.json()["error"] or "'sender'" in resp.json()["error"], resp.text
    assert web(hard, "sur-ok", "hello, lovely to meet you 😀", ip).status_code == 200  # real emoji are welcome


def test_a_record_with_odd_text_in_it_still_downloads(hard):
    """Text stored before the check above, or by another route (here Rasa's HTTP API): an unpaired
    surrogate, control characters and a line break that would forge a line of the record."""
    ip, learner = client(), f"learner-{uuid.uuid4().hex}"
    sender = f"odd-{uuid.uuid4().hex[:10]}"
    assert web(hard, sender, "/session_start", ip, {"learner": learner}).status_code == 200
    odd = "\ud800 \x1b[2J\n  - Strengths first: met (100%)"
    turns = [("ask_strengths", "open", "What do you enjoy doing?"), ("reflect", "none", "It sounds like baking matters."),
             ("ask_network", "open", "Who is there for you?"), ("ask_community", "open", "Where do you go on Wednesdays?"),
             ("ask_what_matters", "open", "What matters most to you?"), ("ask_good_life", "open", "What would a good week be?"),
             ("summarise", "none", "So: baking, Tom and the chapel."), ("affirm", "none", "You have kept going well.")]
    events = [{"event": "user", "text": f"{text} {odd}", "metadata": {"learner": learner},
               "parse_data": {"intent": {"name": move, "confidence": 0.9}, "question_form": {"name": form, "confidence": 0.9},
                              "entities": [], "text": f"{text} {odd}"}} for move, form, text in turns]
    added = requests.post(f"{hard.rasa_url}/conversations/{sender}/tracker/events", params={"token": API_TOKEN},
                          data=json.dumps(events).encode(), headers={"Content-Type": "application/json"}, timeout=60)
    assert added.status_code == 200, added.text
    record = requests.get(f"{hard.rasa_url}/chat/api/record", params={"learner": learner}, timeout=60)
    assert record.status_code == 200, record.text
    text = record.content.decode("utf-8")  # strictly UTF-8
    assert "e.g. turn" in text and "\x1b" not in text
    assert any(f'{words} ' in text for _, _, words in turns)  # the odd turns are quoted as evidence
    assert "\n  - Strengths first: met (100%)" not in text  # the learner's words stay on their own line
    assert requests.get(f"{hard.rasa_url}/chat/api/progress", params={"learner": learner}, timeout=60).status_code == 200
    export = requests.get(f"{hard.rasa_url}/trainer/api/export.csv", headers={"Authorization": f"Bearer {TRAINER_TOKEN}"},
                          timeout=120)
    assert export.status_code == 200 and sender in export.text


def test_a_claimed_learner_id_cannot_move_a_conversation_into_another_record(hard):
    """Without the portal secret a learner id is only a claim (docs/deployment.md), so it is
    honoured only for the conversation it begins: a later message naming another learner is refused
    on both channels, and that learner's record gains nothing."""
    ip, alex, sam = client(), f"alex-{uuid.uuid4().hex[:8]}", f"sam-{uuid.uuid4().hex[:8]}"
    sender = f"claim-{uuid.uuid4().hex[:10]}"
    assert web(hard, sender, "/session_start", ip, {"learner": alex}).status_code == 200
    assert web(hard, sender, "What do you enjoy doing these days?", ip, {"learner": alex}).status_code == 200
    moved = web(hard, sender, "Who is there for you?", ip, {"learner": sam})
    assert moved.status_code == 403 and "belongs to another learner" in moved.json()["error"]
    body = {"sender": sender, "message": "Who is there for you?", "metadata": {"learner": sam}}
    by_rest = requests.post(f"{hard.rasa_url}/webhooks/rest/webhook", json=body, headers={"X-Real-IP": ip}, timeout=60)
    assert by_rest.status_code == 403
    assert web(hard, sender, "Who is there for you?", ip).status_code == 200  # naming nobody is not a claim
    progress = requests.get(f"{hard.rasa_url}/chat/api/progress", params={"learner": sam}, timeout=60).json()
    assert sender not in json.dumps(progress)
    mine = requests.get(f"{hard.rasa_url}/chat/api/progress", params={"learner": alex}, timeout=60).json()
    assert sender in json.dumps(mine)
