"""The web chat's rules without a server: what is shown, what is accepted, who may call."""

import dataclasses

import pytest

from channels import messages as m

REPORT = {"type": "feedback_report", "final": True, "criteria": []}
HINT = {"type": "hint", "criterion": "powerful_questions", "text": "Hint - ask openly."}


def person(name: str, line: str) -> dict:
    """A bot message of the person's, as the persona action sends it: the text shows the name, the
    metadata says who spoke (coach/transcript.py)."""
    return {"text": f"{name}: {line}", "metadata": {"persona": {"name": name, "mood": None, "line": line}}}


def test_person_lines_are_shown_under_the_name_and_coach_text_as_the_coach():
    shown = m.present([{"text": "Role-play: Eric\n\nThe brief.", "metadata": {"coach": "brief"}},
                       person("Eric", "Come in, then.")])
    assert shown == [{"from": "coach", "text": "Role-play: Eric\n\nThe brief."},
                     {"from": "person", "name": "Eric", "text": "Come in, then."}]


def test_a_line_is_the_persons_by_its_metadata_never_by_a_name_prefix():
    assert m.present([{"text": "Ericsson phoned"}]) == [{"from": "coach", "text": "Ericsson phoned"}]
    # a coach text that happens to start "Eric: " is still the coach's
    assert m.present([{"text": "Eric: a note from your trainer"}]) == \
        [{"from": "coach", "text": "Eric: a note from your trainer"}]
    # and the person's line stays theirs whatever name the scenario now gives them
    assert m.present([person("Eric", "Joinery.")])[0] == {"from": "person", "name": "Eric", "text": "Joinery."}


def test_report_and_hint_cards_take_in_the_text_sent_just_before_them():
    shown = m.present([person("Eric", "Bye, love."), {"text": "Your feedback\n1. ..."}, {"custom": REPORT},
                       {"text": "Hint - ask openly."}, {"custom": HINT}])
    assert [s.get("kind") for s in shown] == [None, "report", "hint"]
    assert shown[1] == {"from": "coach", "kind": "report", "report": REPORT, "text": "Your feedback\n1. ..."}
    assert shown[2]["text"] == "Hint - ask openly."
    assert shown[0]["text"] == "Bye, love."  # a person's line is never folded into a card


def test_a_card_with_no_text_before_it_keeps_none_and_other_payloads_pass_unchanged():
    assert m.present([{"custom": HINT}, {"text": "Pick one"}, {"custom": {"type": "carousel"}}]) == [
        {"from": "coach", "kind": "hint", "hint": HINT, "text": None},
        {"from": "coach", "text": "Pick one"},
        {"from": "coach", "kind": "custom", "custom": {"type": "carousel"}}]


CHOICE = [{"title": "Finish and get feedback", "payload": "/goodbye"}, {"title": "Keep talking", "payload": "/keep_talking"}]


def test_the_choice_after_a_typed_goodbye_keeps_its_buttons_live_and_from_the_history():
    said = {"text": "Eric has said goodbye.", "buttons": CHOICE, "metadata": {"coach": "choice"}}
    assert m.present([person("Eric", "Ta-ra."), said]) == [
        {"from": "person", "name": "Eric", "text": "Ta-ra."},
        {"from": "coach", "text": "Eric has said goodbye.", "buttons": CHOICE}]
    events = [{"event": "user", "text": "see you thursday"}, bot(person("Eric", "Ta-ra.")),
              {"event": "bot", "text": said["text"], "data": {"buttons": CHOICE}, "metadata": said["metadata"]}]
    assert m.from_events(events)[-1] == {"from": "coach", "text": "Eric has said goodbye.", "buttons": CHOICE}


@pytest.mark.parametrize("buttons", [[{"title": "Reset", "payload": '/goodbye{"persona_state": 1}'}],
                                     [{"title": "Open", "payload": "https://example.org"}],
                                     [{"title": ["x"], "payload": "/goodbye"}], [{"payload": ["/goodbye"]}], "nope"])
def test_only_buttons_that_send_the_chats_own_commands_are_passed_on(buttons):
    assert m.present([{"text": "Pick one", "buttons": buttons}]) == [{"from": "coach", "text": "Pick one"}]


def bot(message: dict) -> dict:
    return {"event": "bot", "text": message["text"], "metadata": message["metadata"]}


def test_history_starts_at_the_latest_session_and_hides_the_session_start_command():
    def bot(message: dict) -> dict:
        return {"event": "bot", "text": message["text"], "metadata": message["metadata"]}

    events = [
        {"event": "action", "name": "action_session_start"}, {"event": "bot", "text": "Old brief"},
        {"event": "session_started"},
        {"event": "user", "text": "old words"},
        {"event": "user", "text": "/session_start"},
        {"event": "action", "name": "action_session_start"},
        {"event": "bot", "text": "Brief", "data": {}}, bot(person("Eric", "Hello.")),
        {"event": "session_started"}, {"event": "slot", "name": "scenario_id"},
        {"event": "user", "text": "what do you enjoy?"}, {"event": "action", "name": "action_persona_reply"},
        bot(person("Eric", "Joinery.")),
        {"event": "user", "text": "/request_hint"},
        {"event": "bot", "text": "Hint - ask openly."}, {"event": "bot", "text": None, "data": {"custom": HINT}},
    ]
    shown = m.from_events(events)
    assert [(s["from"], s.get("kind"), s["text"]) for s in shown] == [
        ("coach", None, "Brief"), ("person", None, "Hello."), ("learner", None, "what do you enjoy?"),
        ("person", None, "Joinery."), ("learner", None, "/request_hint"), ("coach", "hint", "Hint - ask openly.")]


def test_allowed_origins_setting_is_parsed_and_mistakes_are_refused():
    assert m.parse_origins("https://Portal.example.org, http://127.0.0.1:8080/ ") == \
        frozenset({"https://portal.example.org", "http://127.0.0.1:8080"})
    assert m.parse_origins("") == frozenset()
    for wrong in ("portal.example.org", "https://portal.example.org/academy", "ftp://x.org"):
        with pytest.raises(ValueError, match="COACH_ALLOWED_ORIGINS"):
            m.parse_origins(wrong)


def test_only_listed_origins_and_the_server_itself_may_call():
    allowed = frozenset({"http://127.0.0.1:8080"})
    assert m.origin_allowed("http://127.0.0.1:8080", "127.0.0.1:5005", allowed)
    assert m.origin_allowed("http://127.0.0.1:5005", "127.0.0.1:5005", allowed)  # the chat page itself
    assert m.origin_allowed(None, "127.0.0.1:5005", allowed)  # not a browser cross-origin call
    assert not m.origin_allowed("http://127.0.0.1:9090", "127.0.0.1:5005", allowed)
    assert not m.origin_allowed("null", "127.0.0.1:5005", allowed)


@pytest.mark.parametrize("body, says", [
    ([], "JSON object"),
    ({"message": "hi"}, "'sender'"),
    ({"sender": "a b", "message": "hi"}, "'sender'"),
    ({"sender": "s1", "message": "   "}, "'message'"),
    ({"sender": "s1", "message": 5}, "'message'"),
    ({"sender": "s1", "message": "x" * 11}, "11 characters long; the limit is 10"),
    ({"sender": "s1", "message": "hi", "metadata": "eric"}, "'metadata' must be a JSON object"),
    ({"sender": "s1", "message": "hi", "metadata": {"scenario": 3}}, "'metadata.scenario'"),
    ({"sender": "s1", "message": "hi", "metadata": {"x": "y" * 3000}}, "larger than"),
])
def test_bad_messages_are_refused_with_what_to_change(body, says):
    with pytest.raises(m.BadRequest, match=says):
        m.read_message(body, max_chars=10)


def test_a_good_message_is_read():
    assert m.read_message({"sender": "web-1f", "message": " hello ", "metadata": {"scenario": "eric-battersby"}}, 10) == \
        ("web-1f", "hello", {"scenario": "eric-battersby"})


def test_the_mood_shows_only_where_the_scenario_allows_it(eric):
    slots = {"persona_turn": {"mood": "warming"}, "persona_state": {"rapport": 0.1}}
    assert m.persona(eric, slots) == {"name": "Eric", "mood": "warming", "scenario": eric.id, "title": eric.title}
    assert m.persona(eric, {})["mood"] == eric.rapport.mood(eric.rapport.start)  # before the first turn
    assert m.persona(dataclasses.replace(eric, show_mood=False), slots)["mood"] is None


# ---- learner ids, the scenario picker and the trainer's requests ----------------------------

def test_a_learner_id_in_the_metadata_is_checked():
    body = {"sender": "web-1f", "message": "hi", "metadata": {"learner": "learner-0a1b", "scenario": "eric-battersby"}}
    assert m.read_message(body, 10)[2]["learner"] == "learner-0a1b"
    for wrong in ("", "has space", "<b>", 5, "x" * 129):
        with pytest.raises(m.BadRequest, match="'metadata.learner' must be"):
            m.read_message({**body, "metadata": {"learner": wrong}}, 10)


def test_learner_ids_for_the_progress_page():
    assert m.read_learner("jo.bloggs@example.org") == "jo.bloggs@example.org"
    with pytest.raises(m.BadRequest, match="missing"):
        m.read_learner(None)
    with pytest.raises(m.BadRequest, match="'learner' must be"):
        m.read_learner("../x")


def test_the_picker_lists_scenarios_by_conversation_then_title(eric, mini):
    later = dataclasses.replace(mini, id="zed", title="A risk visit", conversation=2)
    assert m.scenario_choices({"zed": later, eric.id: eric, mini.id: mini}) == [
        {"id": eric.id, "title": eric.title, "conversation": 1},
        {"id": "mini-test", "title": "Test person", "conversation": 1},
        {"id": "zed", "title": "A risk visit", "conversation": 2}]


def test_trainer_filters_are_read_and_mistakes_explained():
    assert m.read_filters({}) == {"scenario": None, "date_from": None, "date_to": None, "learner": None}
    assert m.read_filters({"scenario": "eric-battersby", "from": "2026-05-01", "to": "2026-05-31", "learner": " alex "}) == \
        {"scenario": "eric-battersby", "date_from": "2026-05-01", "date_to": "2026-05-31", "learner": "alex"}
    for args, says in [({"from": "1 May"}, "'from' must be a date"), ({"to": "2026-13-01"}, "'to' must be a date"),
                       ({"from": "2026-06-01", "to": "2026-05-01"}, "swap the dates"),
                       ({"scenario": "Eric Battersby"}, "'scenario' must be"), ({"learner": "a b"}, "'learner' must be")]:
        with pytest.raises(m.BadRequest, match=says):
            m.read_filters(args)


def test_conversation_ids_for_the_trainer_are_limited():
    assert m.read_conversation_id("learner-abc") == "learner-abc"
    for wrong in (None, "", "x" * 257, "a\nb"):
        with pytest.raises(m.BadRequest):
            m.read_conversation_id(wrong)


def test_trainer_token_rules():
    token = "s3cret-trainer-token-123"
    assert m.trainer_refusal(token, f"Bearer {token}") is None
    assert m.trainer_refusal(token, f"bearer  {token} ") is None
    assert "COACH_TRAINER_TOKEN" in m.trainer_refusal("", f"Bearer {token}")  # switched off: refuse all
    assert "COACH_TRAINER_TOKEN" in m.trainer_refusal(None, None)
    assert "Sign in" in m.trainer_refusal(token, None)
    assert "Sign in" in m.trainer_refusal(token, f"Basic {token}")
    assert "Sign in" in m.trainer_refusal(token, "Bearer ")
    assert "not right" in m.trainer_refusal(token, "Bearer s3cret-trainer-token-12")
    assert "not right" in m.trainer_refusal(token, "Bearer s3cret-trainer-token-1234")
    assert "not right" in m.trainer_refusal(token, "Bearer ünïcode")
    assert token not in m.trainer_refusal(token, "Bearer wrong")


def test_the_trainer_channel_takes_its_token_from_the_environment(monkeypatch):
    from channels.trainer import TrainerInput
    from coach import runtime

    monkeypatch.setenv("COACH_TRAINER_TOKEN", "  a-long-random-trainer-token  ")
    assert TrainerInput.from_credentials(None).token == "a-long-random-trainer-token"
    monkeypatch.setenv("COACH_TRAINER_TOKEN", "")
    runtime.reset()  # settings are read once per process
    off = TrainerInput.from_credentials(None)
    assert off.token == "" and "setting COACH_TRAINER_TOKEN" in m.trainer_refusal(off.token, "Bearer anything")
