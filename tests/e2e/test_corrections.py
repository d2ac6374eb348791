"""'That's not what I meant' through the real servers and the real model (issue 11, item 7): the
chat's reply says what was heard, a correction is stored in the conversation (no turn, no figure
changed), the trainer pages list it and make export-corrections writes it as NLU data."""

import subprocess
import sys
import uuid

import pytest
import requests
import yaml

from tests.conftest import ROOT, TRAINER_TOKEN
from tests.e2e.conftest import Chat

pytestmark = pytest.mark.e2e

TURN = "it sounds like the workshop meant a lot to you. who else did you make things with?"


def post(bot, path: str, body: dict) -> requests.Response:
    return requests.post(f"{bot.rasa_url}/chat/api/{path}", json=body, timeout=60)


def trainer(bot, path: str, **params) -> requests.Response:
    return requests.get(f"{bot.rasa_url}/trainer/api/{path}", params=params,
                        headers={"Authorization": f"Bearer {TRAINER_TOKEN}"}, timeout=60)


def test_a_correction_is_stored_shown_to_the_trainer_and_exported(bot, tmp_path):
    sender = f"web-meant-{uuid.uuid4().hex[:8]}"
    meta = {"learner": "sam-meant"}
    assert post(bot, "message", {"sender": sender, "message": "/session_start", "metadata": meta}).ok
    reply = post(bot, "message", {"sender": sender, "message": TURN, "metadata": meta}).json()
    assert "heard" in reply, reply
    seen = reply["heard"]  # what the real NLU read, in plain words
    events = Chat(bot, sender=sender).tracker()["events"]
    (turn,) = [e for e in events if e["event"] == "user" and e["text"] == TURN]
    assert seen["at"] == turn["timestamp"] and seen["meant"] is None
    primary = turn["parse_data"]["intent"]["name"]
    assert primary in seen["moves"] or (primary == "nlu_fallback" and not seen["moves"])
    assert seen["label"] and "_" not in seen["label"]
    history = requests.get(f"{bot.rasa_url}/chat/api/history", params={"sender": sender}, timeout=30).json()
    (shown,) = [x for x in history["messages"] if x["from"] == "learner"]
    assert shown["heard"] == seen and len(history["meant_choices"]) > 20
    before = trainer(bot, "session", sender=sender).json()

    # Wrong requests are refused and store nothing: no such turn, no such move, someone else's.
    mine = {"sender": sender, "learner": "sam-meant"}
    assert post(bot, "correction", {**mine, "at": seen["at"] + 1, "meant": ["reflect"]}).status_code == 404
    assert post(bot, "correction", {**mine, "at": seen["at"], "meant": ["hug"]}).status_code == 400
    assert post(bot, "correction", {**mine, "learner": "someone-else", "at": seen["at"],
                                    "meant": ["reflect"]}).status_code == 403

    stored = post(bot, "correction", {**mine, "at": seen["at"], "meant": ["reflect", "ask_network"]})
    assert stored.ok, stored.text
    assert stored.json()["correction"]["meant_label"] == "reflection + question about the people in their life"

    # Stored as an event in the conversation, which is not a learner turn and changes no figure.
    events = Chat(bot, sender=sender).tracker()["events"]
    (agent,) = [e for e in events if e["event"] == "agent"]
    assert agent["data"]["meant"] == ["reflect", "ask_network"] and agent["data"]["text"] == TURN
    after = trainer(bot, "session", sender=sender).json()
    assert after["turns"] == before["turns"] == 1 and after["report"] == before["report"]
    assert after["transcript"][0]["meant"] == "reflection + question about the people in their life"
    history = requests.get(f"{bot.rasa_url}/chat/api/history", params={"sender": sender}, timeout=30).json()
    (shown,) = [x for x in history["messages"] if x["from"] == "learner"]
    assert shown["heard"]["meant"] == "reflection + question about the people in their life"

    # The trainer's list of flagged turns: the words, what was heard, what was meant; the token needed.
    flagged = [r for r in trainer(bot, "flagged").json()["flagged"] if r["sender_id"] == sender]
    assert [(r["text"], r["heard"], r["meant"], r["learner"], r["turn"]) for r in flagged] == [
        (TURN, seen["label"], ["reflect", "ask_network"], "sam-meant", 1)]
    assert requests.get(f"{bot.rasa_url}/trainer/api/flagged", timeout=30).status_code == 403

    # make export-corrections, on the bot's own store: Rasa NLU data, never into data/nlu/.
    out = tmp_path / "corrections.yml"
    run = subprocess.run([sys.executable, "scripts/export_corrections.py", "--out", str(out)], cwd=ROOT,
                         env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT),
                              "SQLITE_TRACKER_DB": str(bot.work / "conversations.db")},
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert str(out) in run.stdout
    data = yaml.safe_load(out.read_text())
    assert data["version"] == "3.1"
    examples = [(b["intent"], x) for b in data["nlu"] for x in b["examples"]]
    assert ("ask_network", {"text": TURN, "metadata": {"moves": ["reflect", "ask_network"]}}) in examples


def test_a_scenario_can_switch_the_heard_line_off(bot):
    quiet = bot.scenarios / "quiet-person.yml"
    template = (ROOT / "docs" / "scenario-template.yml").read_text()
    assert "show_mood: true\n" in template
    quiet.write_text(template.replace("id: template-person", "id: quiet-person")
                     .replace("show_mood: true\n", "show_mood: true\nshow_heard: false\n"))
    try:
        sender = f"web-quiet-{uuid.uuid4().hex[:8]}"
        meta = {"scenario": "quiet-person"}
        assert post(bot, "message", {"sender": sender, "message": "/session_start", "metadata": meta}).ok
        reply = post(bot, "message", {"sender": sender, "message": "what do you enjoy doing?", "metadata": meta}).json()
        assert reply["heard"] is None
        history = requests.get(f"{bot.rasa_url}/chat/api/history", params={"sender": sender}, timeout=30).json()
        assert "meant_choices" not in history and not any("heard" in x for x in history["messages"])
        (turn,) = [e for e in Chat(bot, sender=sender).tracker()["events"] if e["event"] == "user"
                   and e["text"] == "what do you enjoy doing?"]
        refused = post(bot, "correction", {"sender": sender, "at": turn["timestamp"], "meant": ["reflect"]})
        assert refused.status_code == 409
    finally:
        quiet.unlink()
