"""The rubric on scripted conversations: every criterion at every verdict, and honesty."""

import pytest

from coach.rubric import biggest_gap, build_report, rewrite_open
from coach.transcript import from_script

O, C, L, M, N = "open", "closed", "leading", "multiple", "none"


def verdicts(report):
    return {c["id"]: c["verdict"] for c in report["criteria"]}


def crit(report, cid):
    return next(c for c in report["criteria"] if c["id"] == cid)


STRONG = [
    ("hello Ada, I'm Sam", "introduce", N),
    ("what do you enjoy doing with your time?", "ask_strengths", O),
    ("the garden really matters to you", "reflect", N),
    ("who do you see most of these days?", "ask_network", O),
    ("your sister sounds like a steady voice every week", "reflect", N),
    ("where do you like to go when you go out?", "ask_community", O),
    ("singing has been part of you for a long time", "reflect", N),
    ("what would a really good summer look like for you?", "ask_good_life", O),
    ("so you'd love to enter your roses in the village show again", "reflect", N),
    ("what matters most to you about living here?", "ask_what_matters", O),
    ("it's your own place and your own garden that count", "reflect", N),
    ("let me check I've got it: the roses, your sister's calls, the choir and the show", "summarise", N),
    ("so the show is what you want to aim for - entering your roses again?", "confirm_outcome", C),
]
STRONG_DISCLOSED = {2: ["garden"], 4: ["sister"], 6: ["choir"], 8: ["show"]}

CHECKLIST = [
    ("hello", "greet", N),
    ("we need to do your needs assessment today", "explain_process", N),
    ("are you managing your tablets?", "ask_care_needs", C),
    ("can you get upstairs ok?", "ask_care_needs", C),
    ("do you need help with washing?", "ask_care_needs", C),
    ("you'd be safer with a pendant alarm, wouldn't you?", "offer_service", L),
    ("you should let a carer come in, the service can start monday", "give_advice", N),
    ("is there anything else? do you want a referral?", "ask_problems", M),
]

PROBLEMS_THEN_STRENGTHS = [
    ("hi ada", "greet", N),
    ("what are you finding hardest at the moment?", "ask_problems", O),
    ("that sounds hard", "empathise", N),
    ("what do you enjoy doing?", "ask_strengths", O),
    ("the garden means a lot to you", "reflect", N),
    ("who do you see most?", "ask_network", O),
    ("what would make a good summer for you?", "ask_good_life", O),
]


def test_strong_conversation_meets_the_three_lead_criteria(mini):
    report = build_report(from_script(STRONG, STRONG_DISCLOSED), mini, final=True)
    v = verdicts(report)
    assert v["started_with_strengths"] == v["powerful_questions"] == v["desired_outcomes"] == "met"
    assert v["active_listening"] == "met" and v["network_and_community"] == "met"
    assert v["plain_language"] == "met" and v["services_last"] == "met"
    assert report["outcomes"] == [{"id": "show", "words": "I want to enter my roses in the village show again",
                                   "disclosed": True, "confirmed": True}]
    assert report["timeline"] == ["strengths", "network", "outcome"]
    assert all(c["suggestion"] is None for c in report["criteria"])


def test_checklist_conversation_fails_the_three_lead_criteria(mini):
    report = build_report(from_script(CHECKLIST), mini, final=True)
    v = verdicts(report)
    assert v["started_with_strengths"] == v["powerful_questions"] == v["desired_outcomes"] == "not_met"
    assert v["plain_language"] == "not_met" and v["services_last"] == "not_met"
    assert v["active_listening"] == "not_met"
    assert report["timeline"][0] == "means"
    assert all(c["suggestion"] for c in report["criteria"] if c["verdict"] != "met")


def test_an_interim_report_hides_the_words_of_outcomes_not_yet_disclosed(mini):
    interim = build_report(from_script(CHECKLIST), mini, final=False)
    assert interim["outcomes"] == [{"id": "show", "words": None, "disclosed": False, "confirmed": False}]
    final = build_report(from_script(CHECKLIST), mini, final=True)
    assert final["outcomes"][0]["words"] == "I want to enter my roses in the village show again"
    for_trainer = build_report(from_script(CHECKLIST), mini, final=False, reveal_outcomes=True)
    assert for_trainer["outcomes"][0]["words"] == "I want to enter my roses in the village show again"
    disclosed = build_report(from_script(STRONG, STRONG_DISCLOSED), mini, final=False)
    assert disclosed["outcomes"][0]["words"] == "I want to enter my roses in the village show again"


def test_problems_first_then_strengths_is_partly_and_beats_checklist(mini):
    mixed = build_report(from_script(PROBLEMS_THEN_STRENGTHS, {4: ["garden"]}), mini, final=True)
    checklist = build_report(from_script(CHECKLIST), mini, final=True)
    assert crit(mixed, "started_with_strengths")["verdict"] == "partly"
    others = [c for c in mixed["criteria"] if c["id"] != "started_with_strengths"]
    assert sum(c["score"] for c in others) > sum(c["score"] for c in checklist["criteria"] if c["id"] != "started_with_strengths")
    for c in others:
        assert c["score"] >= crit(checklist, c["id"])["score"]


def test_evidence_quotes_the_learners_own_turns(mini):
    t = from_script(CHECKLIST)
    report = build_report(t, mini, final=True)
    texts = {x.number: x.text for x in t.turns}
    evidence = [e for c in report["criteria"] for e in c["evidence"]]
    assert evidence
    for e in evidence:
        assert texts[e["turn"]] == e["text"]


# --- each criterion at each verdict ----------------------------------------------------------

@pytest.mark.parametrize("script, verdict", [
    ([("hi", "greet", N), ("what do you enjoy?", "ask_strengths", O), ("any problems?", "ask_problems", C),
      ("ok", "clarify", N)], "met"),
    ([("what's hard?", "ask_problems", O), ("what do you enjoy?", "ask_strengths", O), ("ok", "clarify", N),
      ("go on", "clarify", O)], "partly"),
    ([("we could get a carer in", "offer_service", N), ("what do you enjoy?", "ask_strengths", O), ("ok", "clarify", N),
      ("go on", "clarify", O)], "not_met"),
    ([("are you eating?", "ask_care_needs", C), ("any falls?", "ask_risk", C), ("and tablets?", "ask_care_needs", C),
      ("stairs?", "ask_care_needs", C)], "not_met"),
])
def test_started_with_strengths(mini, script, verdict):
    assert verdicts(build_report(from_script(script), mini, False))["started_with_strengths"] == verdict


@pytest.mark.parametrize("script, verdict", [
    ([("what would a good day be?", "ask_good_life", O), ("what matters most?", "ask_what_matters", O),
      ("who do you see?", "ask_network", O), ("do you drive?", "ask_daily_life", C)], "met"),
    ([("what would a good day be?", "ask_good_life", O), ("do you drive?", "ask_daily_life", C),
      ("do you cook?", "ask_care_needs", C), ("do you go out?", "ask_community", C)], "partly"),
    ([("do you drive?", "ask_daily_life", C), ("do you cook?", "ask_care_needs", C),
      ("you'd like help, wouldn't you?", "offer_service", L), ("what do you enjoy?", "ask_strengths", O)], "not_met"),
])
def test_powerful_questions(mini, script, verdict):
    assert verdicts(build_report(from_script(script), mini, False))["powerful_questions"] == verdict


def test_closed_would_you_like_change_is_not_powerful(mini):
    script = [("would you like things to change?", "ask_desired_outcome", C)] * 2 + [("hi", "greet", N)] * 2
    c = crit(build_report(from_script(script), mini, False), "powerful_questions")
    assert c["verdict"] == "not_met" and "0 powerful" in c["note"]


@pytest.mark.parametrize("script, disclosed, verdict", [
    ([("what do you enjoy?", "ask_strengths", O), ("what would a good summer be?", "ask_good_life", O),
      ("so entering the roses in the show again is the aim?", "confirm_outcome", C), ("ok", "clarify", N)],
     {1: ["garden"], 2: ["show"]}, "met"),
    ([("what do you enjoy?", "ask_strengths", O), ("what would a good summer be?", "ask_good_life", O),
      ("so you need a day centre for the show", "confirm_outcome", C), ("ok", "clarify", N)],
     {1: ["garden"], 2: ["show"]}, "partly"),
    ([("what do you enjoy?", "ask_strengths", O), ("who do you see?", "ask_network", O),
      ("where do you go?", "ask_community", O), ("ok", "clarify", N)], {1: ["garden"]}, "not_met"),
])
def test_desired_outcomes(mini, script, disclosed, verdict):
    report = build_report(from_script(script, disclosed), mini, False)
    assert verdicts(report)["desired_outcomes"] == verdict
    if verdict == "partly":  # restated as a service: not confirmed, and told how to check back
        assert report["outcomes"][0]["confirmed"] is False
        assert "own words" in crit(report, "desired_outcomes")["suggestion"]


@pytest.mark.parametrize("script, verdict", [
    ([("what do you enjoy?", "ask_strengths", O), ("you love that garden", "reflect", N),
      ("so: garden, sister, choir", "summarise", N), ("who do you see?", "ask_network", O)], "met"),
    ([("what do you enjoy?", "ask_strengths", O), ("you love that garden", "reflect", N),
      ("who do you see?", "ask_network", O), ("your sister matters", "reflect", N),
      ("where do you go?", "ask_community", O)], "partly"),
    ([("what do you enjoy?", "ask_strengths", O), ("you love that garden", "reflect", N),
      ("you should get out more", "give_advice", N), ("who do you see?", "ask_network", O)], "not_met"),
])
def test_active_listening(mini, script, verdict):
    assert verdicts(build_report(from_script(script), mini, False))["active_listening"] == verdict


@pytest.mark.parametrize("script, verdict", [
    ([("who do you see most?", "ask_network", O), ("where do you go out to?", "ask_community", O),
      ("ok", "clarify", N), ("go on", "clarify", O)], "met"),
    ([("who do you see most?", "ask_network", O), ("what do you enjoy?", "ask_strengths", O),
      ("ok", "clarify", N), ("go on", "clarify", O)], "partly"),
    ([("what do you enjoy?", "ask_strengths", O), ("how do you feel?", "clarify", O),
      ("ok", "clarify", N), ("go on", "clarify", O)], "not_met"),
])
def test_network_and_community(mini, script, verdict):
    assert verdicts(build_report(from_script(script), mini, False))["network_and_community"] == verdict


@pytest.mark.parametrize("script, verdict", [
    ([("hi", "greet", N), ("what do you enjoy?", "ask_strengths", O), ("who do you see?", "ask_network", O),
      ("where do you go?", "ask_community", O)], "met"),
    ([("hi", "greet", N), ("what do you enjoy?", "ask_strengths", O), ("who do you see?", "ask_network", O),
      ("we might talk about a referral later", "explain_process", N)], "partly"),
    ([("hi", "greet", N), ("I'm here to do your assessment", "introduce", N), ("what do you enjoy?", "ask_strengths", O),
      ("who do you see?", "ask_network", O)], "not_met"),
    ([("hi", "greet", N), ("what do you enjoy?", "ask_strengths", O), ("who do you see?", "ask_network", O),
      ("the service criteria mean a review by panel", "explain_process", N)], "not_met"),
])
def test_plain_language(mini, script, verdict):
    c = crit(build_report(from_script(script), mini, False), "plain_language")
    assert c["verdict"] == verdict
    if verdict != "met":
        assert "jargon" in c["evidence"][0]["note"] and c["suggestion"]


def test_plain_language_exempts_a_word_the_person_used_first(mini):
    t = from_script([("hi", "greet", N), ("what do you enjoy?", "ask_strengths", O), ("who do you see?", "ask_network", O),
                     ("tell me about the review you mentioned", "clarify", O)])
    t.persona_lines = ["Ada: They did a review of my tablets last week."]
    t.turns[3].persona_seen = 1
    assert crit(build_report(t, mini, False), "plain_language")["verdict"] == "met"


@pytest.mark.parametrize("script, verdict", [
    ([("what do you enjoy?", "ask_strengths", O), ("what would a good summer be?", "ask_good_life", O),
      ("there's a garden club we could look at", "offer_service", N), ("ok", "clarify", N)], "met"),
    ([("what do you enjoy?", "ask_strengths", O), ("there's a garden club we could look at", "offer_service", N),
      ("what would a good summer be?", "ask_good_life", O), ("ok", "clarify", N)], "partly"),
    ([("hi", "greet", N), ("there's a garden club we could look at", "offer_service", N),
      ("what do you enjoy?", "ask_strengths", O), ("ok", "clarify", N)], "not_met"),
])
def test_services_last(mini, script, verdict):
    assert verdicts(build_report(from_script(script), mini, False))["services_last"] == verdict


# --- honesty, figures, hints ----------------------------------------------------------------

def test_too_little_conversation_is_not_praised(mini):
    report = build_report(from_script([("hi", "greet", N), ("what do you enjoy?", "ask_strengths", O)]), mini, False)
    for c in report["criteria"]:
        assert c["verdict"] != "met"
        assert c["verdict"] == "not_judged" and c["score"] is None and c["note"].startswith("Too early to judge")
        assert c["suggestion"] is None


def test_a_short_conversation_still_reports_what_went_wrong(mini):
    report = build_report(from_script([("I'm here for your assessment", "introduce", N)]), mini, False)
    c = crit(report, "plain_language")
    assert c["verdict"] == "not_met" and c["score"] is not None


def test_meta_and_fallback_turns_are_not_scored(mini):
    t = from_script([("what do you enjoy?", "ask_strengths", O), ("hint please", "request_hint", N),
                     ("zzz", "nlu_fallback", N), ("who do you see?", "ask_network", O)])
    report = build_report(t, mini, False)
    assert report["figures"]["turns"] == 2 and report["figures"]["questions"] == 2
    assert report["hints_used"] == 1


def test_figures(mini):
    f = build_report(from_script(STRONG, STRONG_DISCLOSED), mini, True)["figures"]
    assert f == {"turns": 13, "questions": 6, "open_share": 0.83, "reflection_to_question": 1.0,
                 "outcomes_disclosed": 1, "outcomes_total": 1}


def test_scenario_override_changes_a_threshold(mini):
    from dataclasses import replace

    script = [("what do you enjoy?", "ask_strengths", O), ("you love that garden", "reflect", N),
              ("who do you see?", "ask_network", O), ("your sister matters", "reflect", N),
              ("where do you go?", "ask_community", O)]
    strict = replace(mini, rubric={"active_listening": {"partly_ratio": 0.9}})
    assert verdicts(build_report(from_script(script), mini, False))["active_listening"] == "partly"
    assert verdicts(build_report(from_script(script), strict, False))["active_listening"] == "not_met"


def test_biggest_gap_picks_the_weakest_criterion(mini):
    report = build_report(from_script(STRONG[:5], {2: ["garden"], 4: ["sister"]}), mini, False)
    assert biggest_gap(report) == "desired_outcomes"
    assert biggest_gap(build_report(from_script(STRONG, STRONG_DISCLOSED), mini, True)) is None


def test_a_closed_question_gets_an_open_one_of_the_same_kind_never_a_splice(mini):
    """"Tell me about how you go to the club." came from splicing the learner's words into a
    template; the suggestion now quotes their question and offers a whole sentence of our own."""
    report = build_report(from_script([
        ("hello Ada", "greet", N), ("do you still go to the club?", "ask_community", C),
        ("are you managing your tablets?", "ask_care_needs", C), ("do you see your sister?", "ask_network", C),
        ("is the garden nice?", "ask_strengths", C)]), mini, False)
    suggestion = crit(report, "powerful_questions")["suggestion"]
    assert suggestion.startswith('"do you still go to the club?" is a closed question')
    assert suggestion.endswith('"Where do you like to go when you get out?"')
    assert rewrite_open("are you managing your tablets?", "ask_care_needs") == \
        "How are things going for you at home day to day?"


def test_session_quality_rewards_listening_and_penalises_directing():
    from coach.rubric import listening_rates, session_quality

    good = listening_rates(from_script(STRONG))
    bad = listening_rates(from_script(CHECKLIST))
    assert good["reflection_to_question"] == 1.0 and bad["directive_rate"] > 0
    assert session_quality(good) > 0.8 > 0.3 > session_quality(bad)
    # rates, not counts: the same conversation twice over scores the same
    assert session_quality(listening_rates(from_script(STRONG * 2))) == pytest.approx(session_quality(good))


def test_risk_scenario_rewards_safety_first_and_penalises_long_term_plans_in_a_crisis():
    from coach.scenario import load_scenario
    from tests.conftest import ROOT

    risk = load_scenario(ROOT / "scenarios" / "lorraine-pritchard.yml")
    assert risk.conversation == 2
    safety_first = [("hello, I'm Sam", "introduce", N), ("how safe do you feel at night at the moment?", "ask_risk", O),
                    ("that sounds frightening", "empathise", N), ("what has helped before on bad nights?", "ask_coping", O),
                    ("who could be with you tonight?", "ask_network", O)]
    care_home = safety_first + [("I think the best thing is for Gwyn to move into a care home", "offer_service", N)]
    report = build_report(from_script(safety_first), risk, False)
    assert crit(report, "started_with_strengths")["verdict"] == "met"
    assert crit(report, "started_with_strengths")["evidence"][0]["turn"] == 2  # the safety question counts
    assert crit(report, "services_last")["verdict"] == "met"
    report = build_report(from_script(care_home), risk, False)
    assert crit(report, "services_last")["verdict"] == "not_met"
    assert "long-term plan" in crit(report, "services_last")["evidence"][0]["note"]
    # in a conversation-1 scenario the safety question is not where strengths start
    assert crit(build_report(from_script(safety_first), None, False), "started_with_strengths")["evidence"][0]["turn"] == 4


def test_the_text_report_says_not_judged_rather_than_zero_when_too_early(mini):
    from coach.report import report_text

    report = build_report(from_script(CHECKLIST[:1]), mini, final=False)
    text = report_text(report, mini)
    too_early = [c for c in report["criteria"] if c["verdict"] == "not_judged"]
    assert too_early
    for c in too_early:
        assert f"{c['title']}: NOT JUDGED" in text
        assert f"{c['title']}: NOT MET" not in text
