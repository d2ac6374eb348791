"""The coach over REST: the report arrives as text and as the feedback_report payload."""

import pytest
import requests

from tests.e2e.test_rest_conversations import CHECKLIST, STRONG

pytestmark = pytest.mark.e2e


def post(bot, sender, text):
    resp = requests.post(f"{bot.rasa_url}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=60)
    resp.raise_for_status()
    return resp.json()


def report_of(messages):
    return next(m["custom"] for m in messages if (m.get("custom") or {}).get("type") == "feedback_report")


def learner_turns(chat):
    return [e["text"] for e in chat.tracker()["events"] if e["event"] == "user"]


def test_the_goodbye_command_closes_in_character_then_full_report(bot, chat):
    for line in STRONG:
        chat.say(line)
    messages = post(bot, chat.sender, "/goodbye")  # the chat's Finish button
    assert messages[0]["text"].startswith("Eric: ")
    assert messages[1]["text"].startswith("Your feedback on this conversation with Eric")
    report = report_of(messages)
    assert report["final"] is True and report["scenario"] == "eric-battersby"
    v = {c["id"]: c["verdict"] for c in report["criteria"]}
    assert v["started_with_strengths"] == "met" and v["powerful_questions"] == "met"
    assert v["desired_outcomes"] in ("met", "partly") and report["figures"]["outcomes_disclosed"] >= 2
    turns = learner_turns(chat)
    for c in report["criteria"]:
        for ev in c["evidence"]:
            # the whole turn, or in a compound turn the earning move's own words from it
            assert ev.get("turn_text", ev["text"]) == turns[ev["turn"] - 1] and ev["text"] in turns[ev["turn"] - 1]


def test_checklist_report_over_rest(bot, chat):
    for line in CHECKLIST:
        chat.say(line)
    post(bot, chat.sender, "right, bye then")  # typed: the close and the choice
    report = report_of(post(bot, chat.sender, "/goodbye"))  # Finish
    v = {c["id"]: c["verdict"] for c in report["criteria"]}
    assert v["started_with_strengths"] == v["powerful_questions"] == v["desired_outcomes"] == "not_met"
    assert v["plain_language"] == "not_met"


def test_interim_feedback_and_hint_then_role_play_continues(bot, chat):
    for line in STRONG[:4]:
        chat.say(line)
    hint = post(bot, chat.sender, "can I have a hint please")
    assert hint[0]["text"].startswith("Hint - ") and hint[1]["custom"]["type"] == "hint"
    interim = report_of(post(bot, chat.sender, "can i get some feedback on how im doing"))
    assert interim["final"] is False and interim["hints_used"] == 1
    after = chat.say("what would a good week look like for you?")
    assert after[-1].startswith("Eric: ")
