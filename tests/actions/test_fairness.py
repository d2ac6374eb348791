"""The fairness rules of design/feedback-rubric.md, pinned on scripted conversations through the
real actions (rasa-sdk Tracker and CollectingDispatcher, the mini scenario or a real one)."""

import pytest

from actions import context
from tests.actions.harness import Conversation
from tests.conftest import ROOT

O, C, L, N = "open", "closed", "leading", "none"


async def talk(script, sender="fair-1"):
    conv = Conversation(sender=sender)
    await conv.start()
    for turn in script:
        await conv.say(*turn)
    return conv


async def final_report(conv):
    return {c["id"]: c for c in conv.report(await conv.say("/goodbye", "goodbye", N))["criteria"]}


OPENING = [
    ("hello Ada, I'm Sam from the wellbeing team", "introduce", N),
    ("what do you enjoy doing with your time?", "ask_strengths", O),
    ("who do you see most of these days?", "ask_network", O),
    ("where do you go when you get out?", "ask_community", O),
]


async def test_a_reflection_inside_a_compound_turn_is_listening_and_quoted_in_its_own_words():
    compound = ("that's a big change, after all those years with your sister nearby. i'm sorry. "
                "what would a good summer look like for you?")
    conv = await talk(OPENING + [
        (compound, "ask_good_life", O, [("reflect", "that's a big change, after all those years with your sister nearby."),
                                        ("empathise", "i'm sorry."),
                                        ("ask_good_life", "what would a good summer look like for you?")]),
        ("so the roses, your sister and the choir: have I got that?", "summarise", N),
    ])
    report = await final_report(conv)
    listening = report["active_listening"]
    assert listening["verdict"] in ("met", "partly")
    quoted = [e for e in listening["evidence"] if e["turn"] == 5]
    assert quoted and quoted[0]["move"] == "reflect"
    assert quoted[0]["text"] == "that's a big change, after all those years with your sister nearby."
    # the question inside the same turn is still a question, and a powerful one
    assert any(e["turn"] == 5 and e["move"] == "ask_good_life" for e in report["powerful_questions"]["evidence"])


async def test_without_moves_the_same_turn_read_as_a_question_alone_earns_no_listening():
    """The control: the rubric credits the reflection only because the NLU found it (`moves`)."""
    conv = await talk(OPENING + [
        ("that's a big change, after all those years with your sister nearby. i'm sorry. what would a good summer "
         "look like for you?", "ask_good_life", O),
        ("what matters most to you?", "ask_what_matters", O),
    ])
    assert (await final_report(conv))["active_listening"]["verdict"] == "not_met"


async def test_a_question_is_never_evidence_of_advice_or_of_a_service_offer():
    conv = await talk(OPENING + [
        ("how important is keeping that going for you?", "give_advice", O),  # misread by the NLU
        ("would you like to tell me more about the choir?", "offer_service", C),  # names no service
        ("what would a good summer look like for you?", "ask_good_life", O),
    ])
    report = await final_report(conv)
    assert report["services_last"]["verdict"] == "met" and report["services_last"]["evidence"] == []
    assert not any("advice" in e["note"] for e in report["active_listening"]["evidence"])


async def test_a_word_like_daughter_or_centre_alone_is_not_exploring_the_network_or_community():
    conv = await talk([
        ("hello Ada", "greet", N),
        ("your sister said the fridge was empty, are you eating ok?", "ask_care_needs", C, None, "health_body"),
        ("there's a place at the day centre on tuesdays if you want it", "offer_service", N),
        ("are you managing your tablets?", "ask_care_needs", C),
        ("can you get upstairs?", "ask_care_needs", C),
    ])
    report = await final_report(conv)
    assert report["network_and_community"]["verdict"] == "not_met"
    assert report["network_and_community"]["evidence"] == []


async def test_consent_checks_and_checking_back_are_not_counted_as_closed_questions():
    conv = await talk(OPENING + [
        ("is it ok if we talk about the garden for a bit?", "agree_agenda", C),
        ("so it's the roses and the show that matter - have I got that right?", "summarise", C),
        ("what would a good summer look like for you?", "ask_good_life", O),
        ("what matters most to you about the garden?", "ask_what_matters", O),
    ])
    report = await final_report(conv)
    pq = report["powerful_questions"]
    assert pq["verdict"] == "met", pq["note"]
    assert "not counted as closed" in pq["note"]
    assert "checking back" in report["active_listening"]["note"]


BAD_START = [
    ("hello", "greet", N),
    ("we need to fill in your needs assessment today", "explain_process", N),
    ("are you managing your tablets?", "ask_care_needs", C),
    ("can you get upstairs ok?", "ask_care_needs", C),
]
RECOVERY = [
    ("sorry Ada, I've gone about this all wrong. can we start again?", "clarify", C),
    ("what do you enjoy doing with your time?", "ask_strengths", O),
    ("the garden really matters to you", "reflect", N),
    ("who do you see most of these days?", "ask_network", O),
    ("your sister sounds like a steady voice", "reflect", N),
    ("where do you like to go when you get out?", "ask_community", O),
    ("singing has been part of you a long time", "reflect", N),
    ("what would a really good summer look like for you?", "ask_good_life", O),
    ("so the roses, your sister's calls and the choir - have I got that?", "summarise", N),
]


async def test_a_conversation_that_recovers_is_judged_on_its_arc_and_the_report_says_so():
    recovered = await talk(BAD_START + RECOVERY, sender="recovers")
    messages = await recovered.say("/goodbye", "goodbye", N)
    payload = recovered.report(messages)
    crits = {c["id"]: c for c in payload["criteria"]}
    assert payload["arc"]["recovered"] is True and payload["arc"]["last"] > payload["arc"]["first"]
    assert crits["started_with_strengths"]["verdict"] == "partly"
    assert "recovered" in crits["started_with_strengths"]["note"]
    assert any(e["note"] == "owned the start and asked to begin again" for e in crits["started_with_strengths"]["evidence"])
    assert "started badly and recovered" in messages[1]["text"]
    weak = await talk(BAD_START + BAD_START[2:] * 3, sender="weak")
    weak_crits = await final_report(weak)
    mean = lambda cs: sum(c["score"] for c in cs.values() if c["score"] is not None) / 7  # noqa: E731
    assert mean(crits) > mean(weak_crits) + 0.2


async def test_the_report_carries_the_rapport_line_as_the_conversation_stored_it():
    conv = await talk(OPENING + RECOVERY[2:5])
    payload = conv.report(await conv.say("/goodbye", "goodbye", N))
    stored = [e["value"]["rapport"] for e in conv.events if e.get("event") == "slot" and e.get("name") == "persona_turn"
              and e.get("value")]
    line = [p["rapport"] for p in payload["arc"]["rapport"]]
    assert line == [round(r, 3) for r in stored[:len(line)]] and len(line) >= len(OPENING) + 3
    assert all(set(p) >= {"turn", "rapport", "change", "moved"} for p in payload["arc"]["rapport"])


async def test_hints_follow_the_current_gap_not_advice_already_taken():
    conv = await talk(BAD_START + RECOVERY[:4])
    messages = await conv.say("give me a hint", "request_hint", N)
    assert messages[1]["custom"]["criterion"] != "started_with_strengths"
    assert "start with what is strong" not in messages[0]["text"].lower()


@pytest.fixture
def real_scenarios(monkeypatch):
    monkeypatch.setenv("COACH_SCENARIOS_DIR", str(ROOT / "scenarios"))
    monkeypatch.setenv("COACH_DEFAULT_SCENARIO", "lorraine-pritchard")
    context.reset()
    yield
    context.reset()


async def test_a_risk_question_first_is_allowed_in_a_crisis_but_never_called_a_strengths_opening(real_scenarios):
    conv = await talk([
        ("hello Lorraine, I'm Sam from the crisis team", "introduce", N),
        ("has Gwyn ever hurt you before?", "ask_risk", C),
        ("what's got you through the worst nights?", "ask_coping", O),
        ("you've kept going through all of this", "affirm", N),
        ("who else is around to help?", "ask_network", O),
    ], sender="crisis")
    c = (await final_report(conv))["started_with_strengths"]
    assert c["verdict"] == "met"
    risk = next(e for e in c["evidence"] if e["turn"] == 2)
    assert "not counted as a strengths opening" in risk["note"]
    assert not any(e["turn"] == 2 and "strengths" in e["note"].split(",")[0] for e in c["evidence"] if e is not risk)
