"""Trainer results and learner records, from events made by the real actions."""

import csv
import io

from coach import results
from coach.scenario import load_scenario
from tests.actions.harness import Conversation
from tests.actions.test_feedback import CHECKLIST, STRONG
from tests.conftest import FIXTURES

MINI = load_scenario(FIXTURES / "mini.yml")


def scenario_for(sid):
    return MINI if sid == "mini-test" else None


async def held(script, sender, learner, when, goodbye=True):
    conv = Conversation(sender=sender, metadata={"learner": learner})
    await conv.start()
    for turn in script:
        await conv.say(*turn)
    if goodbye:
        await conv.say("/goodbye", "goodbye", "none")  # the Finish button
    for i, e in enumerate(conv.events):
        e["timestamp"] = when + i
    return conv


async def sessions():
    a = await held(STRONG, "s-1", "alex", 1_780_000_000)           # 2026-05-28
    b = await held(CHECKLIST, "s-2", "bo", 1_780_100_000)           # 2026-05-30
    c = await held(STRONG[:3], "s-3", "alex", 1_780_200_000, False)  # 2026-05-31, not finished
    return [results.session_from_events(x.sender, x.events, scenario_for) for x in (a, b, c)]


async def test_session_summary_and_transcript():
    strong, checklist, unfinished = await sessions()
    assert (strong.learner, strong.scenario, strong.finished, strong.date) == ("alex", "mini-test", True, "2026-05-28")
    assert strong.turns == len(STRONG) + 1 and unfinished.finished is False
    row = strong.transcript[1]
    assert (row["text"], row["move"], row["form"]) == (STRONG[1][0], "ask_strengths", "open")
    assert row["disclosed"] == [{"id": "garden", "kind": "strength", "words": None}]
    assert row["replies"] and row["replies"][0].startswith("Ada: ")
    outcome_rows = [r for r in strong.transcript if any(d["kind"] == "outcome" for d in r["disclosed"])]
    assert outcome_rows and outcome_rows[0]["disclosed"][0]["words"] == "I want to enter my roses in the village show again"
    assert strong.report["final"] is True and unfinished.report["final"] is False


async def test_cohort_counts_match_the_sessions():
    all_sessions = await sessions()
    summary = results.cohort(all_sessions)
    assert summary["sessions"] == 3 and summary["learners"] == 2 and summary["finished"] == 2
    by_id = {c["id"]: c for c in summary["criteria"]}
    expected = {}
    for s in all_sessions:
        c = next(c for c in s.report["criteria"] if c["id"] == "started_with_strengths")
        v = c["verdict"]  # too early is "not_judged", never "not met"
        expected[v] = expected.get(v, 0) + 1
    assert {k: v for k, v in by_id["started_with_strengths"]["counts"].items() if v} == expected
    assert sum(by_id["desired_outcomes"]["counts"].values()) == 3


async def test_filters_and_csv():
    all_sessions = await sessions()
    assert [s.sender_id for s in results.filter_sessions(all_sessions, learner="alex")] == ["s-3", "s-1"]
    assert [s.sender_id for s in results.filter_sessions(all_sessions, date_from="2026-05-29")] == ["s-3", "s-2"]
    assert results.filter_sessions(all_sessions, scenario="other") == []
    rows = list(csv.DictReader(io.StringIO(results.to_csv(all_sessions))))
    assert [r["sender_id"] for r in rows] == ["s-1", "s-2", "s-3"]
    assert rows[1]["started_with_strengths_verdict"] == "not_met" and rows[0]["powerful_questions_verdict"] == "met"


def test_csv_neutralises_formula_like_ids():
    s = results.Session(sender_id="=cmd()", learner="+x", scenario="mini-test", started=None, ended=None,
                        finished=False, turns=0)
    row = list(csv.reader(io.StringIO(results.to_csv([s]))))[1]
    assert row[2] == "'+x" and row[4] == "'=cmd()"


async def test_practice_record_lists_sessions_with_evidence():
    all_sessions = await sessions()
    record = results.practice_record([s for s in all_sessions if s.learner == "alex"])
    assert record.count("mini-test") == 2 and "2026-05-28" in record and "2026-05-31" in record
    assert f'"{STRONG[1][0]}"' in record
    assert "Started with strengths: met" in record


async def test_conversation_without_learner_turns_is_not_a_session():
    conv = Conversation(sender="empty")
    await conv.start()
    assert results.session_from_events("empty", conv.events, scenario_for) is None


# ---- what the trainer and learner pages show -----------------------------------------------

TITLES = {"mini-test": "Test person"}


async def test_session_list_counts_per_scenario_and_verdicts_per_session():
    all_sessions = await sessions()
    listing = results.session_list(all_sessions, TITLES)
    assert (listing["count"], listing["finished"], listing["learners"]) == (3, 2, 2)
    assert listing["by_scenario"] == [{"scenario": "mini-test", "title": "Test person", "sessions": 3, "finished": 2,
                                       "learners": 2}]
    for row, s in zip(listing["sessions"], all_sessions):
        judged = [c for c in s.report["criteria"] if c["verdict"] != "not_judged"]
        verdicts = [c["verdict"] if c in judged else "not_judged" for c in s.report["criteria"]]
        assert row["verdicts"] == {v: verdicts.count(v) for v in results.BUCKETS}
        assert row["title"] == "Test person" and row["sender_id"] == s.sender_id
        assert row["mean_score"] == (round(sum(c["score"] for c in judged) / len(judged), 2) if judged else None)


def test_sessions_are_grouped_by_scenario_busiest_first():
    def session(sid, scenario, learner, finished):
        return results.Session(sender_id=sid, learner=learner, scenario=scenario, started=None, ended=None,
                               finished=finished, turns=1)
    rows = results.by_scenario([session("1", "b", "x", True), session("2", "a", "x", False), session("3", "b", "y", False),
                                session("4", None, "z", False)], {"b": "Bee"})
    assert rows == [{"scenario": "b", "title": "Bee", "sessions": 2, "finished": 1, "learners": 2},
                    {"scenario": "a", "title": "a", "sessions": 1, "finished": 0, "learners": 1},
                    {"scenario": None, "title": None, "sessions": 1, "finished": 0, "learners": 1}]


async def test_cohort_mean_score_is_the_mean_of_session_means():
    all_sessions = await sessions()
    means = [m for m in (results.mean_score(s) for s in all_sessions) if m is not None]  # none judged: no mean
    assert results.cohort(all_sessions)["mean_score"] == round(sum(means) / len(means), 2)
    assert results.cohort([])["mean_score"] is None


async def test_session_detail_lists_what_was_disclosed_in_order():
    strong, _, _ = await sessions()
    detail = results.session_detail(strong, MINI)
    assert (detail["title"], detail["person"]) == ("Test person", "Ada")
    assert [r["text"] for r in detail["transcript"]] == [r["text"] for r in strong.transcript]
    second = detail["transcript"][1]
    assert second["said"] == [r[len("Ada: "):] for r in strong.transcript[1]["replies"]]
    last = detail["transcript"][-1]  # goodbye: the person's farewell, then the coach's report
    assert last["said"] and last["coach"] and all("\n" not in line for line in last["coach"])
    assert results.session_detail(strong)["title"] == "mini-test"
    assert detail["disclosed"][0] == {"turn": 2, "id": "garden", "kind": "strength", "words": None}
    assert [d["turn"] for d in detail["disclosed"]] == sorted(d["turn"] for d in detail["disclosed"])
    assert {d["id"] for d in detail["disclosed"]} == {f["id"] for r in strong.transcript for f in r["disclosed"]}


async def test_learner_progress_holds_only_that_learners_sessions():
    all_sessions = await sessions()
    progress = results.learner_progress(all_sessions, "alex", TITLES)
    assert [s["sender_id"] for s in progress["sessions"]] == ["s-3", "s-1"]
    first = progress["sessions"][1]
    assert (first["date"], first["title"], first["finished"]) == ("2026-05-28", "Test person", True)
    assert [c["id"] for c in first["criteria"]] == list(results.ORDER)
    assert results.learner_progress(all_sessions, "nobody")["sessions"] == []


async def test_practice_record_names_the_learner_and_the_scenario_title():
    all_sessions = await sessions()
    record = results.practice_record([s for s in all_sessions if s.learner == "bo"], TITLES, "bo")
    assert record.splitlines()[1] == "Learner: bo"
    assert "2026-05-30  Test person (mini-test)  (" in record and "not an assessment" in record


def test_scenario_files_show_live_files_and_refused_ones(tmp_path, mini):
    from coach.scenario import ScenarioLibrary

    (tmp_path / "mini.yml").write_text((FIXTURES / "mini.yml").read_text())
    (tmp_path / "broken.yml").write_text("id: broken\ntitle: [unclosed\n")
    lib = ScenarioLibrary(tmp_path)
    files = results.scenario_files(lib.all(), lib.errors())
    assert [f["file"] for f in files] == ["broken.yml", "mini.yml"]
    broken, good = files
    assert (good["id"], good["title"], good["live"], good["problems"]) == ("mini-test", "Test person", True, [])
    assert broken["live"] is False and broken["problems"][0]["line"] >= 1 and "YAML" in broken["problems"][0]["problem"]

    # A broken edit of a good file: the last good version stays live, and the problem shows.
    import os
    text = (FIXTURES / "mini.yml").read_text().replace("title: Test person", "title: [oops")
    (tmp_path / "mini.yml").write_text(text)
    os.utime(tmp_path / "mini.yml", ns=(1, 1))  # a new stamp even within one clock tick
    files = {f["file"]: f for f in results.scenario_files(lib.all(), lib.errors())}
    assert files["mini.yml"]["live"] is True and files["mini.yml"]["title"] == "Test person"
    assert files["mini.yml"]["problems"]
