"""The custom NLU components on real Rasa Message objects."""

from rasa.shared.nlu.training_data.message import Message

from components.question_form import QuestionFormClassifier
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
