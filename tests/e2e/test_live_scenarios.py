"""A trainer adds and edits a scenario while the bot runs: no retraining, no restart, and a
broken edit is refused while the last good version keeps serving."""

import shutil

import pytest

from coach import check
from scripts.launch import start_bot
from tests.conftest import ROOT
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
                               "COACH_SEED": "live"})
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
