"""The question-form rules on clear cases of each form."""

import pytest

from coach.question_form import classify, open_or_closed


@pytest.mark.parametrize(
    "text, form",
    [
        ("What do you enjoy doing on a Sunday?", "open"),
        ("how do you get on with your neighbours", "open"),
        ("tell me about the people who matter to you", "open"),
        ("can you tell me a bit about your week?", "open"),
        ("Do you still drive?", "closed"),
        ("are u managing the stairs ok", "closed"),
        ("how many grandchildren have you got?", "closed"),
        ("you live on your own?", "closed"),
        ("so you miss the garden, is that right?", "closed"),
        ("You'd feel safer with someone popping in, wouldn't you?", "leading"),
        ("don't you think it's time to think about a home?", "leading"),
        ("What do you do all day? Do you watch telly?", "multiple"),
        ("how are things, are you eating ok?", "multiple"),
        ("It sounds like you miss the allotment.", "none"),
        ("hi there Mr B", "none"),
        ("what a lovely photo", "none"),
        ("", "none"),
        ("?!?", "none"),
    ],
)
def test_form(text, form):
    assert classify(text).name == form


def test_confidence_is_a_probability_and_lower_without_question_mark():
    marked, unmarked = classify("what do you enjoy?"), classify("what do you enjoy")
    assert 0 < unmarked.confidence < marked.confidence <= 1
    assert marked.as_dict() == {"name": "open", "confidence": marked.confidence}


def test_binary_view_for_benchmarks():
    assert open_or_closed("Do you drink every day?") == "closed"
    assert open_or_closed("You'd agree that's a lot, wouldn't you?") == "closed"
    assert open_or_closed("What worries you most? Is it the money?") == "open"
    assert open_or_closed("Is it the cost? Is it the time?") == "closed"
