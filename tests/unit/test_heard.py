"""What the coach heard, in plain words, and the learner's corrections: stored, listed, exported."""

import pytest
import yaml

from channels import messages as m
from coach import heard
from coach.moves import ALL_MOVES
from coach.results import session_from_events
from coach.rubric import build_report
from coach.transcript import read
from scripts import export_corrections

PARSE = {"intent": {"name": "ask_network", "confidence": 0.62},
         "moves": [{"name": "reflect", "confidence": 0.7, "text": "so jean kept everyone going."},
                   {"name": "ask_network", "confidence": 0.62, "text": "who else is there?"}],
         "question_form": {"name": "open", "confidence": 0.9},
         "intent_ranking": [{"name": "ask_network"}, {"name": "ask_community"}, {"name": "request_hint"},
                            {"name": "reflect"}, {"name": "empathise"}, {"name": "summarise"},
                            {"name": "affirm"}, {"name": "clarify"}]}
MISREAD = {"intent": {"name": "goodbye", "confidence": 0.4}, "question_form": {"name": "none"},
           "intent_ranking": [{"name": "goodbye"}, {"name": "reflect"}]}


def user(text, parse, at):
    return {"event": "user", "text": text, "parse_data": parse, "timestamp": at, "metadata": {"learner": "sam"}}


def conversation():
    """A short conversation in which the learner flags their second turn, twice (the last counts)."""
    first, second = user("hello eric", {"intent": {"name": "greet"}, "question_form": {"name": "none"}}, 10.5), \
        user("that's the town's history in those boxes", MISREAD, 20.25)
    return [
        {"event": "action", "name": "action_session_start", "timestamp": 1.0},
        {"event": "slot", "name": "scenario_id", "value": "eric-battersby", "timestamp": 1.0},
        {"event": "session_started", "timestamp": 1.0},
        first, {"event": "bot", "text": "Eric: hello", "metadata": {"persona": {"name": "Eric"}}, "timestamp": 11.0},
        second, {"event": "bot", "text": "Eric: bye", "metadata": {"persona": {"name": "Eric"}}, "timestamp": 21.0},
        {"event": "agent", "data": heard.correction_data(second, ["empathise"], 2), "timestamp": 30.0},
        {"event": "agent", "data": heard.correction_data(second, ["reflect"], 2), "timestamp": 31.0},
    ]


def test_heard_names_every_move_in_plain_words_with_the_question_form():
    seen = heard.heard(PARSE)
    assert seen["label"] == "reflection + open question about the people in their life"
    assert seen["moves"] == ["reflect", "ask_network"] and seen["form"] == "open"
    # The next moves in the NLU's ranking, never one already heard nor a request to the coach.
    assert seen["likely"] == ["ask_community", "empathise", "summarise", "affirm"]
    assert heard.heard_label(["reflect"], "closed") == "reflection + closed question"
    assert heard.heard({"intent": {"name": "nlu_fallback"}})["label"] == "something the coach could not read"
    assert heard.heard({"intent": {"name": "session_start"}}) is None  # not a learner turn


def test_every_move_has_plain_words_and_the_choice_list_leaves_out_requests_to_the_coach():
    labels = {c["move"]: c["label"] for c in heard.choices()}
    assert set(labels) == set(ALL_MOVES) - {"request_feedback", "request_hint", "out_of_scope"}
    assert all("_" not in heard.label(move) for move in ALL_MOVES)


def test_a_correction_names_one_to_three_known_moves():
    assert heard.read_meant(["reflect", "ask_network", "reflect"]) == ["reflect", "ask_network"]
    for bad in ([], ["reflect"] * 4 + ["x"], ["request_hint"], ["nonsense"], "reflect"):
        with pytest.raises(ValueError):
            heard.read_meant(bad)
    with pytest.raises(m.BadRequest):
        m.read_correction({"sender": "web-1", "at": "yesterday", "meant": ["reflect"]})
    assert m.read_correction({"sender": "web-1", "at": 20.25, "meant": ["reflect"]}) == ("web-1", 20.25, ["reflect"], None)


def test_a_correction_is_no_turn_and_changes_no_figure(eric):
    events = conversation()
    without = [e for e in events if e["event"] != "agent"]
    assert len(read(events).turns) == len(read(without).turns) == 2
    assert build_report(read(events), eric, final=True) == build_report(read(without), eric, final=True)


def test_history_and_the_trainer_transcript_show_what_was_meant(eric):
    shown = [x for x in m.from_events(conversation(), heard=True) if x["from"] == "learner"]
    assert shown[1]["heard"]["label"] == "saying goodbye" and shown[1]["heard"]["at"] == 20.25
    assert shown[1]["heard"]["meant"] == "reflection" and shown[0]["heard"]["meant"] is None
    assert "heard" not in m.from_events(conversation())[0]  # the line switched off
    session = session_from_events("web-1", conversation(), lambda sid: eric)
    assert [row["meant"] for row in session.transcript] == [None, "reflection"]


def test_flagged_turns_list_each_corrected_turn_once_with_what_was_meant_last():
    (row,) = heard.flagged([("web-1", conversation())])
    assert row["text"] == "that's the town's history in those boxes" and row["turn"] == 2
    assert row["heard"] == "saying goodbye" and row["meant"] == ["reflect"] and row["meant_label"] == "reflection"
    assert row["learner"] == "sam" and row["scenario"] == "eric-battersby"


def test_the_export_is_rasa_nlu_data_with_every_move_meant():
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader

    rows = [{"text": "so jean kept   everyone going: who \"else\" is there?", "meant": ["reflect", "ask_network"],
             "heard": "saying goodbye"},
            {"text": "you've done so well", "meant": ["affirm"], "heard": "a greeting"},
            {"text": "you've done so well", "meant": ["affirm"], "heard": "a greeting"}]  # once only
    text = heard.to_nlu_yaml(rows, "review first")
    data = yaml.safe_load(text)
    assert data["version"] == "3.1"
    blocks = {b["intent"]: b["examples"] for b in data["nlu"]}
    assert blocks["ask_network"] == [{"text": 'so jean kept everyone going: who "else" is there?',
                                      "metadata": {"moves": ["reflect", "ask_network"]}}]
    assert blocks["affirm"] == [{"text": "you've done so well", "metadata": {"moves": ["affirm"]}}]
    examples = RasaYAMLReader().reads(text).intent_examples  # Rasa itself reads it
    assert sorted(e.get("intent") for e in examples) == ["affirm", "ask_network"]
    assert yaml.safe_load(heard.to_nlu_yaml([])) == {"version": "3.1", "nlu": []}


def test_make_export_corrections_writes_the_store_s_flagged_turns_and_never_into_data_nlu(tmp_path):
    import json

    import sqlalchemy as sa

    url = f"sqlite:///{tmp_path / 'conversations.db'}"
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id TEXT, type_name TEXT, "
                             "timestamp REAL, intent_name TEXT, action_name TEXT, data TEXT)"))
        for e in conversation():
            conn.execute(sa.text("INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (:s, :t, :ts, :d)"),
                         {"s": "web-1", "t": e["event"], "ts": e["timestamp"], "d": json.dumps(e)})
    engine.dispose()
    path, count = export_corrections.export(url, tmp_path / "out" / "corrections.yml")
    assert count == 1
    (block,) = yaml.safe_load(path.read_text())["nlu"]
    assert block == {"intent": "reflect", "examples": [{"text": "that's the town's history in those boxes",
                                                          "metadata": {"moves": ["reflect"]}}]}
    with pytest.raises(ValueError):
        export_corrections.export(url, export_corrections.NLU_DATA / "corrections.yml")
    assert export_corrections.export(f"sqlite:///{tmp_path / 'empty.db'}", tmp_path / "none.yml")[1] == 0
