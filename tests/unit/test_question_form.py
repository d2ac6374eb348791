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


@pytest.mark.parametrize(
    "text",
    [
        "the nurse said a little about monday, but i'd rather hear it from you - what happened?",
        "the nurse said a little about monday but id rather hear it from you, what happened?",
        "when you say managing, what does that look like?",
        "if you could change one thing, what would it be?",
        "so when you were at the club, who did you sit with?",
        "the nurse told me some of it but how was it for you?",
        "you mentioned your daughter earlier - who else pops in?",
    ],
)
def test_one_open_question_with_a_lead_in_is_open_not_multiple(text):
    assert classify(text).name == "open"


@pytest.mark.parametrize(
    "text, form",
    [
        ("when did it start, was it after the fall?", "multiple"),
        ("what happened? did you fall?", "multiple"),
        ("so on a scale of 0 to 10, where would you put it?", "closed"),
        ("on a scale of 1 to 10, how settled do you feel?", "closed"),
        ("what would move you from a 3 to a 4?", "open"),
        ("you said a 5 - what would a 6 look like?", "open"),
    ],
)
def test_stacked_questions_and_scales(text, form):
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


@pytest.mark.parametrize(
    "text, form",
    [
        # "how come" asks for reasons; "how long" asks for one fact
        ("how come you gave up the bowls?", "open"),
        ("how long have you lived in the bungalow?", "closed"),
        # single-fact and either/or questions are closed (the contract's labelling conventions)
        ("what time does the minibus come?", "closed"),
        ("which chemist do you use?", "closed"),
        ("when did you last see the nurse?", "closed"),
        ("when was the last time you went dancing?", "closed"),
        # indirect questions: an indirect yes/no is closed, an indirect what/how is open
        ("i was just wondering if your nephew still visits", "closed"),
        ("i'm curious whether the club still meets", "closed"),
        ("i'm just wondering what a better morning would look like", "open"),
        ("i guess i'm wondering how you'd like this to go", "open"),
        # a hedge after one question does not make it two
        ("who could we ask first, do you reckon?", "open"),
        # an invitation to imagine sets up the question after it
        ("imagine it's next spring and things have gone well. what are you doing?", "open"),
        # "what you'd want" asks; "you'd want ..., yes?" suggests
        ("have you had a think about what you'd want from the review?", "closed"),
        # a positive tag after a negative statement, a plan made for them with "yeah?"
        ("that's not a lot of sleep for anyone, is it?", "leading"),
        ("you'll ring the surgery first thing, yeah?", "leading"),
        ("isn't it about time your brother helped out?", "leading"),
        # contracted question words still open a question, with or without a question mark
        ("sounds like your mate's a good one. how've you been getting on since", "open"),
        ("what've you been up to this week?", "open"),
        # a check of the person's own words stays closed
        ("so it's the bus that's the worry, is that right?", "closed"),
        # a single-fact question typed without its "?" is still a question; an exclamation is not
        ("how many people follow your photos", "closed"),
        ("how often does your brother ring", "closed"),
        ("how much it meant to you", "none"),
        # a question word opening the sentence asks for the answer; "you'd like ..." alone suggests it
        ("whats one thing youd love to be different for you, not for your mum, for you?", "open"),
        ("you'd like a bit more help with the shopping?", "leading"),
    ],
)
def test_grammar_of_indirect_fact_and_tag_questions(text, form):
    assert classify(text).name == form


@pytest.mark.parametrize("text, rising", [
    ("you live alone?", True),
    ("and the garden keeps you going?", True),
    ("do you live alone?", False),
    ("so the garden, is that right?", False),
    ("what keeps you going?", False),
    ("the garden keeps you going", False),
])
def test_a_statement_said_with_a_question_mark(text, rising):
    from coach.question_form import rising_statement

    assert rising_statement(text) is rising


@pytest.mark.parametrize("text, form", [
    # Spoken, or typed fast without the "?": the inverted verb marks the question.
    ("did the nurse leave you a number", "closed"),
    ("is that the bus you usually get", "closed"),
    ("okay and what time does your daughter usually ring", "closed"),
    ("on a scale of one to ten how sure are you about moving", "closed"),
    ("what have you got planned for the weekend, are you seeing anyone", "multiple"),
    ("how long have you had the dog, and has she always been this lively", "multiple"),
    ("i'm interested in how you manage the stairs", "open"),
    ("you said the mornings are hard um what is it about them", "open"),
    ("if the lift was working how would you spend your days", "open"),
    # A question word opening a statement is not a question.
    ("what i'm hearing is that the house feels too big now", "none"),
    ("how lonely that must have been", "none"),
    # A statement said with a question mark beside a real question is context for it.
    ("you moved here in the spring? and how have you found it", "open"),
    ("so? how did the hospital visit go", "open"),
])
def test_spoken_questions_without_their_marks(text, form):
    assert classify(text).name == form
