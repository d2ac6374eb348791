"""A trainer adds and edits a scenario while the bot runs: no retraining, no restart, and a
broken edit is refused while the last good version keeps serving."""

import shutil
import time

import pytest
import requests

from coach import check
from scripts.launch import start_bot
from tests.conftest import ROOT, TRAINER_TOKEN
from tests.e2e.conftest import API_TOKEN, Chat, free_port

pytestmark = pytest.mark.e2e
TEMPLATE = (ROOT / "docs" / "scenario-template.yml").read_text()


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    folder = tmp_path_factory.mktemp("scenarios")
    shutil.copy(ROOT / "scenarios" / "eric-battersby.yml", folder)
    bot = start_bot(overrides={"RASA_PORT": str(free_port()), "ACTION_PORT": str(free_port()),
                               "SQLITE_TRACKER_DB": str(folder.parent / "live.db"), "RASA_API_TOKEN": API_TOKEN,
                               "COACH_SCENARIOS_DIR": str(folder), "COACH_DEFAULT_SCENARIO": "eric-battersby",
                               "COACH_SEED": "live", "COACH_TRAINER_TOKEN": TRAINER_TOKEN})
    bot.folder = folder
    yield bot
    bot.stop()


def start(live, scenario):
    chat = Chat(live, metadata={"scenario": scenario})
    return chat, chat.say("hello")


def test_new_scenario_is_checked_then_used_then_a_broken_edit_is_refused(live, capsys):
    path = live.folder / "ada-live.yml"
    path.write_text(TEMPLATE.replace("id: template-person", "id: ada-live"))
    assert check.main([str(path)]) == 0

    chat, texts = start(live, "ada-live")
    assert texts[0] == "Role-play: Template: a first conversation"
    assert any(t.startswith("Ada: ") for t in texts)
    reply = chat.say("what do you enjoy doing in your week?")[-1]
    assert reply[len("Ada: "):] in ("I bake. Every Friday, whether anyone's coming or not. The scones are famous on this street.",
                                    "Baking's my thing. My mother taught me, and I've never bought a cake in my life.")

    # An edit is picked up by the next conversation, without a restart.
    path.write_text(TEMPLATE.replace("id: template-person", "id: ada-live").replace(
        'title: "Template: a first conversation"', 'title: "Ada, edited"'))
    _, texts = start(live, "ada-live")
    assert texts[0] == "Role-play: Ada, edited"

    # A broken edit: the check explains it, and the last good version keeps serving.
    path.write_text(TEMPLATE.replace("id: template-person", "id: ada-live").replace(
        'title: "Template: a first conversation"', 'title: "Ada, broken"').replace("moves: [ask_network]", "moves: [ask_netwrk]"))
    capsys.readouterr()
    assert check.main([str(path)]) == 1
    err = capsys.readouterr().err
    assert f"{path}, line " in err and "'ask_netwrk' is not a practitioner move" in err and "Did you mean 'ask_network'" in err
    chat, texts = start(live, "ada-live")
    assert texts[0] == "Role-play: Ada, edited"
    assert chat.say("who do you see most of?")[-1].startswith("Ada: ")
    # Other scenarios are unaffected.
    _, texts = start(live, "eric-battersby")
    assert texts[0].startswith("Role-play: Eric")


def test_renaming_the_person_in_a_live_scenario_keeps_their_past_lines_theirs(live):
    """Whose line it is comes from each message's metadata, never from a "Name: " prefix: after a
    trainer renames the person, the trainer's transcript and the chat's history still show the
    person's earlier lines as the person's, and nothing the person said turns into the coach's."""
    path = live.folder / "rename-live.yml"
    path.write_text(TEMPLATE.replace("id: template-person", "id: rename-live"))
    chat, texts = start(live, "rename-live")
    assert any(t.startswith("Ada: ") for t in texts)
    said = [chat.say("what do you enjoy doing in your week?")[-1], chat.say("who do you see most of?")[-1]]
    assert all(t.startswith("Ada: ") for t in said)

    time.sleep(0.05)  # a new modification time for the edit
    path.write_text(TEMPLATE.replace("id: template-person", "id: rename-live").replace(
        "name: Ada Example", "name: Bea Example"))
    _, texts = start(live, "rename-live")  # the edit is live: a new conversation meets Bea
    assert any(t.startswith("Bea: ") for t in texts)

    history = requests.get(f"{live.rasa_url}/chat/api/history", params={"sender": chat.sender}, timeout=30).json()
    person = [m for m in history["messages"] if m["from"] == "person"]
    assert [m["text"] for m in person[-2:]] == [t[len("Ada: "):] for t in said]
    assert all(m["name"] == "Ada" for m in person)  # the name they had when they spoke
    assert not any(m["from"] == "coach" and m.get("text", "").startswith("Ada: ") for m in history["messages"])

    detail = requests.get(f"{live.rasa_url}/trainer/api/session", params={"sender": chat.sender},
                          headers={"Authorization": f"Bearer {TRAINER_TOKEN}"}, timeout=30).json()
    rows = {row["turn"]: row for row in detail["transcript"]}
    assert rows[2]["said"] == [said[0][len("Ada: "):]] and rows[3]["said"] == [said[1][len("Ada: "):]]
    assert not any(c.startswith("Ada: ") for row in rows.values() for c in row["coach"])
