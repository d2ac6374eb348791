"""The persona engine's rules on the small test scenario."""

import random

from coach import persona


def talk(scenario, turns, seed="t"):
    state = persona.new_state(scenario)
    out = []
    for i, (move, form, text) in enumerate(turns):
        turn = persona.respond(scenario, state, move, form, text, random.Random(f"{seed}{i}"))
        state = turn.state
        out.append(turn)
    return out, state


def test_open_strengths_question_discloses_full_answer(mini):
    (turn,), state = talk(mini, [("ask_strengths", "open", "what do you enjoy?")])
    assert turn.disclosed == ["garden"] and turn.kind == "disclosure"
    assert turn.reply in mini.fact("garden").says
    assert state["disclosed"] == {"garden": 1}


def test_closed_question_gets_short_wording_even_when_it_unlocks(mini):
    (turn,), _ = talk(mini, [("ask_strengths", "closed", "do you have hobbies?")])
    assert turn.disclosed == ["garden"] and turn.reply == "Yes, roses."


def test_topic_words_choose_between_facts_and_gate_needs_topic(mini):
    (turn,), _ = talk(mini, [("ask_strengths", "open", "do you still sing at all, in a choir?")])
    assert turn.disclosed == ["choir"]
    (turn,), _ = talk(mini, [("ask_community", "open", "where do you go when you go out?")])
    assert turn.disclosed == []  # the choir needs its topic words


def test_outcome_needs_rapport_prerequisite_and_open_form(mini):
    # Without the garden first, the outcome stays hidden.
    (turn,), _ = talk(mini, [("ask_good_life", "open", "what would a good year look like?")])
    assert "show" not in turn.disclosed
    turns, state = talk(mini, [
        ("ask_strengths", "open", "what do you enjoy?"),
        ("reflect", "none", "the garden really matters to you"),
        ("ask_good_life", "closed", "would you like things to change?"),
        ("ask_good_life", "open", "what would a really good summer look like for you?"),
    ])
    assert "show" not in turns[2].disclosed  # a closed question is not enough
    assert turns[3].disclosed == ["show"]
    assert state["disclosed"]["show"] == 4


def test_checklist_lowers_rapport_and_never_reaches_outcome(mini):
    turns, state = talk(mini, [
        ("ask_care_needs", "closed", "are you managing your tablets?"),
        ("ask_care_needs", "closed", "can you get upstairs ok?"),
        ("ask_care_needs", "closed", "do you need help with washing"),
        ("offer_service", "none", "we could arrange a care package after your assessment"),
        ("ask_good_life", "closed", "do you want things to change?"),
    ])
    assert state["rapport"] < mini.rapport.start
    assert "show" not in state["disclosed"]
    assert turns[2].reply in mini.reactions["closed_run"]
    assert turns[3].reply in mini.reactions["early_service"]
    assert set(turns[3].jargon) == {"care package", "assessment"}


def test_jargon_gets_a_guarded_reaction_and_costs_rapport(mini):
    (turn,), state = talk(mini, [("ask_strengths", "open", "as part of the assessment, what do you enjoy?")])
    assert turn.reply in mini.reactions["jargon"] and turn.disclosed == []
    assert state["rapport"] < mini.rapport.start


def test_remembers_and_refers_back(mini):
    turns, state = talk(mini, [
        ("ask_strengths", "open", "what do you enjoy?"),
        ("ask_daily_life", "open", "how much time goes on the garden in a week?"),
    ])
    assert turns[1].kind == "recall" and turns[1].reply in mini.fact("garden").recall
    assert state["disclosed"] == {"garden": 1}


def test_never_the_same_reply_twice_in_a_row(mini):
    turns, _ = talk(mini, [("small_talk", "none", "nice weather")] * 12)
    replies = [t.reply for t in turns]
    assert all(a != b for a, b in zip(replies, replies[1:]))


def test_volunteers_a_worry_at_high_rapport(mini):
    turns, state = talk(mini, [("affirm", "none", "you are kind")] * 5)
    assert "lonely" in state["disclosed"]
    assert any(t.kind == "volunteer" for t in turns)


def test_leading_question_meets_a_reaction(mini):
    (turn,), _ = talk(mini, [("ask_network", "leading", "you'd like more visitors, wouldn't you?")])
    assert turn.reply in mini.reactions["leading"]


def test_seeded_replies_repeat_exactly(mini):
    script = [("small_talk", "none", "lovely day"), ("ask_strengths", "open", "what do you enjoy?"),
              ("nlu_fallback", "none", "asdf")]
    a, _ = talk(mini, script, seed="same")
    b, _ = talk(mini, script, seed="same")
    assert [t.reply for t in a] == [t.reply for t in b]


def test_persona_word_is_not_jargon_after_the_person_used_it(mini):
    state = persona.new_state(mini)
    state["persona_words"] = ["review"]
    turn = persona.respond(mini, state, "ask_strengths", "open", "before your review, what do you enjoy?", random.Random(1))
    assert turn.jargon == [] and turn.disclosed == ["garden"]


def test_state_is_json_safe(mini):
    import json

    _, state = talk(mini, [("ask_strengths", "open", "what do you enjoy?")])
    assert json.loads(json.dumps(state)) == state


def test_a_good_question_brings_out_what_a_hidden_outcome_rests_on(mini):
    turns, state = talk(mini, [
        ("reflect", "none", "you've looked after this place well"),
        ("ask_good_life", "open", "what would a really good summer look like?"),
        ("ask_good_life", "open", "and what would make it even better?"),
    ])
    assert turns[1].disclosed == ["garden"]  # the strength the outcome rests on comes first
    assert turns[2].disclosed == ["show"]
