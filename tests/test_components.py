"""The custom NLU components on real Rasa Message objects."""

import json

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.loading import load_data
from rasa.shared.nlu.training_data.message import Message

from coach.moves import ALL_MOVES, LEAVING_ROLEPLAY, LIFE_AREAS
from components.move_classifier import MoveClassifier
from components.question_form import QuestionFormClassifier
from components.turns import segment
from components.vocabulary_guard import VocabularyGuard


def message(text, intent="empathise", confidence=0.6):
    m = Message(data={"text": text})
    m.set("intent", {"name": intent, "confidence": confidence}, add_to_output=True)
    m.set("intent_ranking", [{"name": intent, "confidence": confidence}], add_to_output=True)
    return m


def test_question_form_is_added_to_the_output():
    (m,) = QuestionFormClassifier().process([Message(data={"text": "who matters most to you?"})])
    out = m.as_dict(only_output_properties=True)
    assert out["question_form"]["name"] == "open" and 0 < out["question_form"]["confidence"] <= 1


def test_a_reflection_said_with_a_rising_tone_is_no_question():
    # The contract: a reflection with a rising tone and no question word is `none`. The move
    # reader's reading decides whether it is a reflection; read as a question it stays closed.
    text = "and the garden keeps you going?"
    (m,) = QuestionFormClassifier().process([message(text, intent="reflect")])
    assert m.get("question_form")["name"] == "none"
    (m,) = QuestionFormClassifier().process([message(text, intent="ask_strengths")])
    assert m.get("question_form")["name"] == "closed"
    # A real question stays a question whatever the move reader heard.
    (m,) = QuestionFormClassifier().process([message("does the garden keep you going?", intent="reflect")])
    assert m.get("question_form")["name"] == "closed"


def test_guard_sends_messages_with_no_known_word_to_fallback():
    guard = VocabularyGuard(None, None, {"what", "do", "you", "enjoy"})
    noise, known = guard.process([message("xq zzv blorp"), message("what do you enjoyy")])
    assert noise.get("intent") == {"name": "nlu_fallback", "confidence": 1.0}
    assert noise.get("intent_ranking") == [{"name": "nlu_fallback", "confidence": 1.0}]
    assert known.get("intent")["name"] == "empathise"


def test_guard_leaves_messages_without_letters_and_an_untrained_guard_alone():
    guard = VocabularyGuard(None, None, {"hello"})
    (digits,) = guard.process([message("12 3")])
    assert digits.get("intent")["name"] == "empathise"
    (any_text,) = VocabularyGuard(None, None, set()).process([message("xq zzv")])
    assert any_text.get("intent")["name"] == "empathise"


# -- the move classifier: every move of a turn, the primary move, the life area -----------------


@pytest.fixture(scope="module")
def move_classifier(tmp_path_factory):
    """The real component, trained on data/nlu and loaded back from its model storage."""
    storage = LocalModelStorage(tmp_path_factory.mktemp("storage"))
    resource = Resource("move_classifier")
    context = ExecutionContext(GraphSchema({}), node_name="move_classifier")
    config = {**MoveClassifier.get_default_config()}
    trained = MoveClassifier.create(config, storage, resource, context)
    trained.train(load_data("data/nlu"))
    return MoveClassifier.load(config, storage, resource, context)


def parse(component, text):
    (m,) = component.process([Message(data={"text": text})])
    return m.as_dict(only_output_properties=True)


def test_a_reflection_then_a_question_gives_both_moves_in_order_with_the_question_primary(move_classifier):
    out = parse(move_classifier, "so the garden's been your way of keeping busy. who helps you with it these days?")
    names = [m["name"] for m in out["moves"]]
    assert names == ["reflect", out["intent"]["name"]], out["moves"]
    assert out["intent"]["name"] in ("ask_network", "plan_next_steps")
    assert out["moves"][0]["text"].startswith("so the garden")
    assert out["moves"][1]["text"].startswith("who helps you")


def test_empathy_then_a_question(move_classifier):
    out = parse(move_classifier, "oh that must have been really frightening. who did you call first?")
    assert [m["name"] for m in out["moves"]] == ["empathise", "ask_network"]
    assert out["intent"]["name"] == "ask_network"


def test_a_role_play_line_about_the_past_is_not_goodbye(move_classifier):
    out = parse(move_classifier, "that's the town's history in those shoeboxes. who else round here would love to see them?")
    assert out["intent"]["name"] not in LEAVING_ROLEPLAY
    assert all(m["name"] not in LEAVING_ROLEPLAY for m in out["moves"])


def test_a_summary_checked_with_a_tag_stays_a_summary(move_classifier):
    out = parse(move_classifier, "so it's the plot, arthur next door and nell from chapel - have i got that?")
    assert out["intent"]["name"] == "summarise"
    assert out["moves"] == [{"name": "summarise", "confidence": out["intent"]["confidence"],
                             "text": "so it's the plot, arthur next door and nell from chapel - have i got that?"}]


def test_each_move_carries_the_learners_own_words_and_fillers_are_no_move(move_classifier):
    text = "Lovely. So the dog gets you out every day - who else do you see when you're out?"
    out = parse(move_classifier, text)
    assert [m["name"] for m in out["moves"]] == ["reflect", "ask_network"]
    assert [m["text"] for m in out["moves"]] == ["Lovely. So the dog gets you out every day",
                                                 "who else do you see when you're out?"]


def test_who_could_help_is_a_next_step_and_about_the_network(move_classifier):
    out = parse(move_classifier, "who could give you a lift to the club on fridays?")
    assert out["intent"]["name"] == "plan_next_steps"
    assert [m["name"] for m in out["moves"]] == ["plan_next_steps", "ask_network"]


def test_greetings_agenda_and_process_are_about_no_life_area(move_classifier):
    assert parse(move_classifier, "hi eric, lovely to meet you")["life_area"]["name"] == "none"
    assert parse(move_classifier, "is now still a good time to talk?")["life_area"]["name"] == "none"


def test_life_area_and_the_contract_shape(move_classifier):
    out = parse(move_classifier, "do you see much of your sister these days?")
    assert out["intent"]["name"] == "ask_network"
    assert out["life_area"]["name"] == "people" and 0 < out["life_area"]["confidence"] <= 1
    assert set(out["life_area"]) == {"name", "confidence"}
    for move in out["moves"]:
        assert set(move) == {"name", "confidence", "text"} and move["name"] in ALL_MOVES
    ranking = out["intent_ranking"]
    assert ranking[0] == out["intent"] and len(ranking) <= 5
    assert out["life_area"]["name"] in LIFE_AREAS
    assert len(json.dumps({k: out[k] for k in ("intent", "intent_ranking", "moves", "life_area")})) < 1500


def test_clear_meta_moves_still_come_through(move_classifier):
    assert parse(move_classifier, "/feedback")["intent"]["name"] == "request_feedback"
    assert parse(move_classifier, "i'm stuck, can i have a hint please")["intent"]["name"] == "request_hint"
    assert parse(move_classifier, "right, i'll let you get on now. thanks for today, see you thursday")["intent"]["name"] == "goodbye"


def test_below_the_meta_threshold_a_meta_move_goes_to_the_best_role_play_move(move_classifier):
    strict = MoveClassifier({**move_classifier.config, "meta_threshold": 1.01}, None, None, move_classifier.reader)
    strict.reader.settings = strict.settings()
    try:
        out = parse(strict, "see you thursday then")
        assert out["intent"]["name"] not in LEAVING_ROLEPLAY
        assert all(r["name"] not in LEAVING_ROLEPLAY for r in out["intent_ranking"])
    finally:
        move_classifier.reader.settings = move_classifier.settings()


def test_below_the_fallback_threshold_the_turn_is_nlu_fallback_with_one_move(move_classifier):
    strict = MoveClassifier({**move_classifier.config, "fallback_threshold": 1.01}, None, None, move_classifier.reader)
    strict.reader.settings = strict.settings()
    try:
        out = parse(strict, "so you miss the allotment. what did you grow?")
        assert out["intent"]["name"] == "nlu_fallback"
        assert [m["name"] for m in out["moves"]] == ["nlu_fallback"]
    finally:
        move_classifier.reader.settings = move_classifier.settings()


def test_guard_keeps_moves_consistent_with_fallback():
    guard = VocabularyGuard(None, None, {"hello"})
    m = message("xq zzv blorp")
    m.set("moves", [{"name": "empathise", "confidence": 0.6, "text": "xq zzv blorp"}], add_to_output=True)
    (out,) = guard.process([m])
    assert out.get("moves") == [{"name": "nlu_fallback", "confidence": 1.0, "text": "xq zzv blorp"}]
    assert out.get("life_area") == {"name": "none", "confidence": 1.0}


@pytest.mark.parametrize(
    "text, units",
    [
        ("that must have been frightening. who did you ring?", 2),
        ("sounds hard, what helped?", 1),
        ("that sounds really hard, what helped you through it?", 2),
        ("if you could change one thing, what would it be?", 1),
        ("i spoke to mr. jones yesterday", 1),
        ("the nurse said a little about monday, but i'd rather hear it from you - what happened?", 2),
    ],
)
def test_segmenting_a_turn(text, units):
    assert len(segment(text)) == units


def test_a_turn_that_puts_a_question_to_the_person_is_not_led_by_a_meta_piece():
    from components.turns import TurnReader, Unit

    hint = Unit("can i ask about you instead?", {}, "request_hint", 0.7, False, ["can i ask about you instead?"])
    back = Unit("how's your back", {}, "ask_care_needs", 0.5, True, ["how's your back"])
    whole = {"request_hint": 0.6, "ask_care_needs": 0.2}
    assert TurnReader._primary([hint, back], whole, 0.2) is back
    # with no question to the person, a typed request still comes through
    thanks = Unit("thanks eric, that was lovely", {}, "small_talk", 0.5, False, ["thanks eric"])
    assert TurnReader._primary([thanks, hint], whole, 0.2) is hint


def test_area_words_name_the_life_areas_a_turn_uses():
    from components.turns import area_hits, with_areas

    assert area_hits("would you like to stay in the bungalow?") == ["home", "future_hopes"]
    assert "money" in area_hits("do the bills get paid ok since the pension went in?")
    assert "places_community" in area_hits("the choir sounds like it meant a lot")
    assert area_hits("hello there") == []
    assert with_areas("how are your knees").endswith(" qareahealthbody")


def test_the_area_classifier_reads_the_area_words_and_keeps_them_when_reloaded(move_classifier):
    # A word of the area list the training data may never use ("bungalow") still points home.
    assert move_classifier.reader.areas.features == "areas"
    assert "qareahome" in move_classifier.reader.areas.vectoriser.transformer_list[0][1].vocabulary_


@pytest.mark.parametrize("text", ["ok", "mm", "mm-hmm", "right", "all right", "go on then", "uh huh", "and then?"])
def test_a_bare_encourager_keeps_the_person_talking(move_classifier, text):
    out = parse(move_classifier, text)
    assert out["intent"]["name"] not in LEAVING_ROLEPLAY, out["intent"]
    assert out["intent"]["name"] == "clarify", out["intent"]
