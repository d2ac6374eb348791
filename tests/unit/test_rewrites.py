"""Suggestions read well: every template over every scenario, through simple grammar rules, and a
suggestion never hands the learner back their own words as the better version."""

from pathlib import Path

import pytest

from coach import rewrites
from coach.rubric import build_report
from coach.scenario import load_all
from coach.transcript import from_script

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = load_all(ROOT / "scenarios")
O, C, L, M, N = "open", "closed", "leading", "multiple", "none"

# Weak and patchy conversations, so that every criterion's suggestion is produced.
WEAK = [
    ("hello", "greet", N),
    ("I'm from social services, here to do your needs assessment", "introduce", N),
    ("are you managing your tablets?", "ask_care_needs", C),
    ("do you see your family?", "ask_network", C),
    ("you'd be better with a carer in the mornings, wouldn't you?", "offer_service", L),
    ("we could put in a referral for a care package and a pendant alarm", "offer_service", N),
    ("you should really think about moving into a care home permanently", "give_advice", N),
    ("what do you do all day? do you watch telly?", "ask_daily_life", M),
    ("do you like it here?", "ask_what_matters", C),
]
PATCHY = [
    ("hi, I'm Sam", "introduce", N),
    ("what do you enjoy doing?", "ask_strengths", O),
    ("who do you see most of?", "ask_network", O),
    ("what would a good week look like for you?", "ask_good_life", O),
    ("what matters most to you?", "ask_what_matters", O),
    ("it sounds like that means a lot", "reflect", N),
]


def all_suggestions(sc):
    out = []
    for script in (WEAK, PATCHY, WEAK[:5] + PATCHY):
        first_outcome = sc.outcomes[0].id if sc.outcomes else None
        disclosed = {4: [first_outcome]} if first_outcome and script is PATCHY else {}
        report = build_report(from_script(script, disclosed), sc, final=True)
        out += [(c["id"], c["suggestion"], script) for c in report["criteria"] if c["suggestion"]]
    return out


@pytest.mark.parametrize("sid", sorted(SCENARIOS))
def test_every_suggestion_in_every_scenario_is_a_whole_grammatical_sentence(sid):
    sc = SCENARIOS[sid]
    found = all_suggestions(sc)
    assert {cid for cid, _, _ in found} >= {"started_with_strengths", "powerful_questions", "desired_outcomes",
                                            "active_listening", "network_and_community", "plain_language",
                                            "services_last"}
    for cid, suggestion, script in found:
        assert rewrites.grammar_problems(suggestion, quoted=tuple(t for t, _, _ in script)) == [], (cid, suggestion)
        assert suggestion.strip().strip('"') not in {text for text, _, _ in script}, "the learner already said it"


@pytest.mark.parametrize("section", ["fallback_examples", "open_examples", "plain_examples"])
def test_every_example_sentence_passes_the_grammar_rules(section):
    for key, sentence in rewrites.texts()[section].items():
        assert rewrites.grammar_problems(sentence) == [], (section, key, sentence)
        assert sentence[0].isupper()


@pytest.mark.parametrize("sid", sorted(SCENARIOS))
def test_every_scenario_hint_used_as_an_example_passes_the_grammar_rules(sid):
    for criterion, hints in SCENARIOS[sid].hints.items():
        for hint in hints:
            assert rewrites.grammar_problems(hint) == [], (criterion, hint)


@pytest.mark.parametrize("bad, problem", [
    ("I've come to do your care act a chat about what matters to you.", "care act"),
    ("Tell me about how you go go to the club.", "doubled"),
    ("how are things?", "capital"),
    ("What would help next", "does not end"),
    ("Ask about {name} first.", r"\{"),
])
def test_the_grammar_rules_catch_what_they_are_for(bad, problem):
    assert any(problem in p for p in rewrites.grammar_problems(bad))
