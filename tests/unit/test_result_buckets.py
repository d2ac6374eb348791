"""Counting for trainers and learners: a criterion too early to judge is "not judged", never "not met".

The sessions here hold small report dicts written out by hand, so every expected number can be
read off the test itself; one test takes its report from the real rubric on a short conversation.
"""

import csv
import io

import pytest

from coach import results
from coach.rubric import ORDER, TITLES, build_report
from coach.transcript import from_script

JUDGED = {"started_with_strengths": ("met", 1.0), "powerful_questions": ("partly", 0.5),
          "desired_outcomes": ("not_met", 0.1), "active_listening": ("met", 0.9),
          "network_and_community": ("partly", 0.4), "plain_language": ("met", 0.8), "services_last": ("met", 0.7)}
TOO_EARLY = {"desired_outcomes", "active_listening", "network_and_community"}


def criterion(cid: str, verdict: str, score: float, enough: bool | None = True) -> dict:
    """A stored report's criterion; `enough=None` leaves the key out, as an older report would."""
    c = {"id": cid, "title": TITLES[cid], "verdict": verdict, "score": score, "evidence": [], "suggestion": None,
         "note": "" if enough is not False and verdict != "not_judged" else
         "Too early to judge: 2 turns so far (at least 4 needed)."}
    if enough is not None:
        c["enough_evidence"] = enough
    return c


def session(sid: str, criteria: list[dict] | None, learner: str = "alex", started: float = 1_780_000_000) -> results.Session:
    report = {"final": True, "criteria": criteria, "figures": {"outcomes_disclosed": 0, "outcomes_total": 2},
              "outcomes": [], "hints_used": 0} if criteria is not None else None
    return results.Session(sender_id=sid, learner=learner, scenario="mini-test", started=started, ended=started + 60,
                           finished=True, turns=2, report=report)


def judged_session(sid="full", **kw) -> results.Session:
    return session(sid, [criterion(cid, *JUDGED[cid]) for cid in ORDER], **kw)


def short_session(sid="short", **kw) -> results.Session:
    """Three criteria too early to judge: verdict "not_judged", score null (the rubric's contract)."""
    return session(sid, [criterion(cid, "not_judged", None, None) if cid in TOO_EARLY else criterion(cid, *JUDGED[cid])
                         for cid in ORDER], **kw)


def first_turn_session(sid="first", **kw) -> results.Session:
    """Nothing judged at all: one turn and gone, as a report from before `not_judged` existed
    marked it ("not_met", score 0, enough_evidence false), which must still count as not judged."""
    return session(sid, [criterion(cid, "not_met", 0.0, False) for cid in ORDER], **kw)


def by_id(summary: dict) -> dict:
    return {c["id"]: c for c in summary["criteria"]}


def test_the_buckets_are_the_three_verdicts_and_not_judged():
    assert results.VERDICTS == ("met", "partly", "not_met")
    assert results.BUCKETS == ("met", "partly", "not_met", "not_judged")


def test_a_too_early_criterion_is_counted_as_not_judged_not_as_not_met():
    summary = results.cohort([judged_session(), short_session()])
    rows = by_id(summary)
    assert rows["desired_outcomes"]["counts"] == {"met": 0, "partly": 0, "not_met": 1, "not_judged": 1}
    assert rows["active_listening"]["counts"] == {"met": 1, "partly": 0, "not_met": 0, "not_judged": 1}
    assert rows["started_with_strengths"]["counts"] == {"met": 2, "partly": 0, "not_met": 0, "not_judged": 0}
    for row in summary["criteria"]:
        assert sum(row["counts"].values()) == 2  # every session with a report is counted somewhere


def test_criterion_means_leave_out_sessions_not_judged():
    rows = by_id(results.cohort([judged_session(), short_session(), first_turn_session()]))
    assert rows["desired_outcomes"]["mean_score"] == 0.1  # not (0.1 + 0 + 0) / 3
    assert rows["active_listening"]["mean_score"] == 0.9
    assert rows["powerful_questions"]["mean_score"] == 0.5  # judged twice, not judged once
    only_short = by_id(results.cohort([first_turn_session()]))
    assert all(row["mean_score"] is None for row in only_short.values())
    assert all(row["counts"]["not_judged"] == 1 and row["counts"]["not_met"] == 0 for row in only_short.values())


def test_session_means_cover_judged_criteria_only():
    assert results.mean_score(judged_session()) == pytest.approx((1.0 + 0.5 + 0.1 + 0.9 + 0.4 + 0.8 + 0.7) / 7)
    assert results.mean_score(short_session()) == pytest.approx((1.0 + 0.5 + 0.8 + 0.7) / 4)
    assert results.mean_score(first_turn_session()) is None
    assert results.mean_score(session("none", None)) is None


def test_cohort_mean_is_over_sessions_with_something_judged():
    summary = results.cohort([judged_session(), short_session(), first_turn_session(), session("gone", None)])
    expected = ((1.0 + 0.5 + 0.1 + 0.9 + 0.4 + 0.8 + 0.7) / 7 + (1.0 + 0.5 + 0.8 + 0.7) / 4) / 2
    assert summary["mean_score"] == round(expected, 2)
    assert (summary["sessions"], summary["with_report"]) == (4, 3)
    assert results.cohort([first_turn_session()])["mean_score"] is None


def test_a_report_without_the_key_was_judged():
    old = session("old", [criterion(cid, *JUDGED[cid], enough=None) for cid in ORDER])
    rows = by_id(results.cohort([old]))
    assert rows["desired_outcomes"]["counts"] == {"met": 0, "partly": 0, "not_met": 1, "not_judged": 0}
    assert results.mean_score(old) == results.mean_score(judged_session())


def test_session_list_counts_not_judged_per_session():
    listing = results.session_list([short_session(started=2), first_turn_session(started=1)])
    short, first = listing["sessions"]
    assert short["verdicts"] == {"met": 3, "partly": 1, "not_met": 0, "not_judged": 3}
    assert short["mean_score"] == round((1.0 + 0.5 + 0.8 + 0.7) / 4, 2)
    assert first["verdicts"] == {"met": 0, "partly": 0, "not_met": 0, "not_judged": 7}
    assert first["mean_score"] is None
    assert short["criteria"]["desired_outcomes"] == {"verdict": "not_judged", "score": None}
    assert short["criteria"]["powerful_questions"] == {"verdict": "partly", "score": 0.5}


def test_csv_says_not_judged_with_no_score():
    rows = list(csv.DictReader(io.StringIO(results.to_csv([short_session()]))))
    assert list(rows[0])[-14:] == [f"{cid}_{part}" for cid in ORDER for part in ("verdict", "score")]
    assert (rows[0]["desired_outcomes_verdict"], rows[0]["desired_outcomes_score"]) == ("not_judged", "")
    assert (rows[0]["powerful_questions_verdict"], rows[0]["powerful_questions_score"]) == ("partly", "0.5")
    assert "not_met" not in rows[0].values()


def test_learner_progress_shows_not_judged_with_the_reason():
    progress = results.learner_progress([short_session()], "alex")
    crits = {c["id"]: c for c in progress["sessions"][0]["criteria"]}
    assert crits["active_listening"]["verdict"] == "not_judged" and crits["active_listening"]["score"] is None
    assert crits["active_listening"]["note"].startswith("Too early to judge")
    assert crits["plain_language"] == {"id": "plain_language", "title": TITLES["plain_language"], "verdict": "met",
                                       "score": 0.8}


def test_practice_record_says_not_judged_rather_than_not_met():
    record = results.practice_record([short_session()])
    assert f"{TITLES['active_listening']}: not judged" in record
    assert f"{TITLES['active_listening']}: not met" not in record
    assert f"{TITLES['powerful_questions']}: partly (50%)" in record


def test_the_rubrics_own_too_early_report_lands_in_not_judged(mini):
    short = build_report(from_script([("hello Ada, I'm Sam", "introduce", "none"),
                                      ("what do you enjoy doing with your time?", "ask_strengths", "open")]),
                         mini, final=True)
    too_early = {c["id"] for c in short["criteria"] if c["verdict"] == "not_judged"}
    assert all(c["score"] is None for c in short["criteria"] if c["id"] in too_early)
    assert too_early, "two turns are too few to judge some criteria"
    s = session("rubric", short["criteria"])
    rows = by_id(results.cohort([s]))
    for cid in ORDER:
        assert rows[cid]["counts"]["not_judged"] == (cid in too_early)
        assert rows[cid]["counts"]["not_met"] == (cid not in too_early and
                                                  next(c for c in short["criteria"] if c["id"] == cid)["verdict"] == "not_met")
    judged_scores = [c["score"] for c in short["criteria"] if c["id"] not in too_early]
    assert results.mean_score(s) == (sum(judged_scores) / len(judged_scores) if judged_scores else None)
