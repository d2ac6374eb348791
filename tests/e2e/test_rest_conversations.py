"""Whole conversations with Eric over Rasa's REST channel, through both real servers."""

import pytest
import requests

from tests.e2e.conftest import API_TOKEN, Chat

pytestmark = pytest.mark.e2e

STRONG = [
    "hello Eric, I'm Sam from the community wellbeing team, thanks for having me",
    "what do you enjoy doing with your time these days?",
    "it sounds like working with wood has always been part of who you are",
    "who are the people who matter most to you?",
    "and tell me about your dog, how does she fit into your days?",
    "she sounds like a big part of your life",
    "what would a really good week look like for you?",
    "what matters most to you about the months ahead?",
    "so being out with Nell and making things with your hands really count for you",
]
CHECKLIST = [
    "hello",
    "I'm here to do your needs assessment for the care package",
    "are you managing your tablets ok?",
    "can you get upstairs to bed?",
    "do you need help with washing and dressing?",
    "we could set up carers every morning through the service",
    "do you want a referral for a pendant alarm?",
]


def outcome_ids(chat: Chat, scenario):
    state = chat.slot("persona_state")
    return {fid for fid in state["disclosed"] if scenario.fact(fid).kind == "outcome"}


def test_session_start_shows_brief_and_opening_line(chat, eric):
    texts = chat.say("hello")  # Rasa's REST channel sends each paragraph as its own message
    assert texts[0] == f"Role-play: {eric.title}" and texts[1] == eric.brief
    persona = [t for t in texts if t.startswith("Eric: ")]
    assert persona[0][len("Eric: "):] in eric.opening_lines and len(persona) == 2


def test_strength_based_conversation_hears_his_outcomes(chat, eric):
    for line in STRONG:
        replies = chat.say(line)
        assert replies and replies[-1].startswith("Eric: ")
    assert len(outcome_ids(chat, eric)) >= 2
    state = chat.slot("persona_state")
    assert state["rapport"] > eric.rapport.start and state["turn"] == len(STRONG)


def test_checklist_conversation_hears_no_outcome_and_loses_rapport(chat, eric):
    for line in CHECKLIST:
        chat.say(line)
    assert outcome_ids(chat, eric) == set()
    assert chat.slot("persona_state")["rapport"] < eric.rapport.start


def test_no_identical_reply_twice_in_a_row_over_rest(chat):
    replies = [chat.say("lovely weather today")[-1] for _ in range(6)]
    assert all(a != b for a, b in zip(replies, replies[1:]))


def test_parse_result_carries_the_question_form(bot):
    resp = requests.post(f"{bot.rasa_url}/model/parse", params={"token": API_TOKEN},
                         json={"text": "do you see much of your daughter?"}, timeout=30)
    body = resp.json()
    assert body["question_form"]["name"] == "closed" and 0 < body["question_form"]["confidence"] <= 1
    assert body["intent"]["name"] == "ask_network"


def test_question_form_is_kept_in_the_tracker(chat):
    chat.say("what do you enjoy doing?")
    user = [e for e in chat.tracker()["events"] if e["event"] == "user"][-1]
    assert user["parse_data"]["question_form"]["name"] == "open"


def test_unintelligible_message_gets_an_in_character_request_to_rephrase(chat):
    chat.say("hello")
    replies = chat.say("xq zzv blorp frintle")
    assert replies[-1].startswith("Eric: ")
    turn = chat.slot("persona_turn")
    assert turn["move"] in ("nlu_fallback", "out_of_scope") and turn["disclosed"] == []


def persona_words(chat: Chat, lines: list[str]) -> list[int]:
    counts = []
    for line in lines:
        replies = [r for r in chat.say(line) if r.startswith("Eric: ")]
        counts.append(len(replies[-1].split()) - 1 if replies else 0)
    return counts[1:]  # the first message also starts the session


def test_strong_learner_hears_clearly_longer_replies_than_a_checklist(bot):
    strong = persona_words(Chat(bot), STRONG)
    checklist = persona_words(Chat(bot), CHECKLIST)
    assert sum(strong) / len(strong) >= 1.5 * sum(checklist) / len(checklist), (strong, checklist)


CLOSING = "right, i'll let you get on now. thanks for today, see you thursday"


def rest(chat: Chat, text: str) -> list[dict]:
    resp = requests.post(f"{chat.bot.rasa_url}/webhooks/rest/webhook", json={"sender": chat.sender, "message": text},
                         timeout=60)
    resp.raise_for_status()
    return resp.json()


def stored_reports(chat: Chat) -> list[dict]:
    return [e["data"]["custom"] for e in chat.tracker()["events"] if e["event"] == "bot"
            and ((e.get("data") or {}).get("custom") or {}).get("type") == "feedback_report"]


def test_a_closing_line_typed_mid_conversation_gets_the_close_and_a_choice_not_the_end(chat):
    for line in STRONG[:4]:
        chat.say(line)
    messages = rest(chat, CLOSING)
    assert messages[0]["text"].startswith("Eric: ")
    assert messages[-1]["text"].startswith("Eric has said goodbye.")
    assert [(b["title"], b["payload"]) for b in messages[-1]["buttons"]] == [
        ("Finish and get feedback", "/goodbye"), ("Keep talking", "/keep_talking")]
    assert not any(m.get("custom") for m in messages) and stored_reports(chat) == []
    turn = chat.slot("persona_state")["turn"]
    # Keep talking, as a REST client sends it: a note, and nothing happens in the conversation
    events = len(chat.tracker()["events"])
    note = rest(chat, "/keep_talking")
    assert [m["text"] for m in note] == ["Carry on when you are ready: type your next line to the person."]
    assert len(chat.tracker()["events"]) == events
    # the conversation goes on: Eric answers the next turn as usual
    replies = chat.say("and tell me about your dog, how does she fit into your days?")
    assert replies[-1].startswith("Eric: ") and chat.slot("persona_state")["turn"] == turn + 1
    # Finish: exactly one final report, and Eric does not say goodbye a second time
    rest(chat, CLOSING)
    finished = rest(chat, "/goodbye")
    assert not any(m.get("text", "").startswith("Eric: ") for m in finished)
    assert [r["final"] for r in stored_reports(chat)] == [True]
    assert [m["custom"]["type"] for m in finished if m.get("custom")] == ["feedback_report"]
