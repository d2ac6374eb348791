"""The feedback rubric: seven criteria judged from the learner's own turns, and the report.

The judges are in coach/judges.py (one per criterion, with the fairness rules of
design/feedback-rubric.md); thresholds in rubric.yml (coach/rubric_config.py, overridable per
scenario); wording in rubric_texts.yml. This module puts the report together: the criteria, the
figures, the outcomes, the timeline and the arc of the conversation (first third against last
third, and the person's rapport turn by turn), and picks what a hint should be about.
"""

from __future__ import annotations

from coach.judges import JUDGES, NOT_JUDGED, VERDICT_SCORE_FLOOR, Criterion, outcome_status  # noqa: F401
from coach.rewrites import rewrite_open  # noqa: F401
from coach.rubric_config import base_config, merged
from coach.scenario import Scenario
from coach.transcript import Transcript

TITLES = {
    "started_with_strengths": "Started with strengths",
    "powerful_questions": "Asked powerful questions",
    "desired_outcomes": "Drew out desired outcomes",
    "active_listening": "Listened actively",
    "network_and_community": "Explored network and community",
    "plain_language": "Used plain language",
    "services_last": "Left services until last",
}
ORDER = tuple(TITLES)
VERDICTS = ("met", "partly", "not_met", NOT_JUDGED)
assert set(JUDGES) == set(ORDER), "every criterion has exactly one judge"


def judged(criterion: dict) -> bool:
    """Whether a report's criterion was judged: the one rule every reader uses (results, report
    text, hints; web/shared mirrors it). Reports stored before `not_judged` existed marked it with
    `enough_evidence: false`."""
    return criterion.get("verdict") != NOT_JUDGED and criterion.get("enough_evidence", True) is not False


def as_dict(c: Criterion) -> dict:
    return {
        "id": c.id,
        "title": TITLES[c.id],
        "verdict": c.verdict,
        "score": None if c.score is None else round(c.score, 2),
        "evidence": c.evidence,
        "suggestion": c.suggestion if c.verdict not in ("met", NOT_JUDGED) else None,
        "note": c.note,
    }


def config_for(scenario: Scenario | None) -> dict:
    """rubric.yml with the scenario's overrides (checked when the scenario loaded) merged in."""
    return merged(scenario.rubric if scenario else None)


def judge(t: Transcript, sc: Scenario | None, cfg: dict | None = None, arc_of: dict | None = None) -> list[Criterion]:
    cfg = cfg or config_for(sc)
    arc_of = arc_of if arc_of is not None else arc(t, cfg)
    return [JUDGES[cid](t, sc, cfg, arc_of) for cid in ORDER]


def figures(t: Transcript, sc: Scenario | None, cfg: dict | None = None) -> dict:
    cfg = cfg or config_for(sc)
    questions = [x for x in t.turns if x.is_question]
    opens = [x for x in questions if x.form == "open"]
    refl = [x for x in t.turns if x.first(cfg["active_listening"]["reflection_moves"])]
    status = outcome_status(t, sc, cfg)
    return {
        "turns": len(t.scored),
        "questions": len(questions),
        "open_share": round(len(opens) / len(questions), 2) if questions else 0.0,
        "reflection_to_question": round(len(refl) / len(questions), 2) if questions else 0.0,
        "outcomes_disclosed": sum(o["disclosed"] for o in status),
        "outcomes_total": len(status),
    }


def timeline(t: Transcript, cfg: dict) -> list[str]:
    phases = cfg["timeline"]
    order: list[str] = []
    for x in t.scored:
        for m in x.moves:
            for phase, moves in phases.items():
                if m.name in moves and phase not in order:
                    order.append(phase)
    return order


def arc(t: Transcript, cfg: dict) -> dict:
    """How the conversation changed: the first third against the last third (listening and
    questioning quality, as session_quality scores a whole session), whether it recovered from a
    weak start, and the person's rapport after each turn, with the turns that moved it."""
    c = cfg["arc"]
    scored = t.scored
    n = len(scored)
    third = max(1, n // 3)
    first, last = scored[:third], scored[-third:] if n >= 2 * third else scored[third:]
    q_first = session_quality(listening_rates(Transcript(turns=first, persona_lines=[]))) if first else None
    q_last = session_quality(listening_rates(Transcript(turns=last, persona_lines=[]))) if last else None
    recovered_ = (n >= c["min_turns"] and q_first is not None and q_last is not None
                  and q_first <= c["weak_start"] and q_last - q_first >= c["rise"])
    rapport = []
    before = None
    for x in t.turns:
        if x.rapport is None:
            continue
        change = round(x.rapport - before, 3) if before is not None else 0.0
        rapport.append({"turn": x.number, "rapport": round(x.rapport, 3), "change": change,
                        "moved": abs(change) >= c["marked_change"], "move": x.move})
        before = x.rapport
    return {"first": round(q_first, 2) if q_first is not None else None,
            "last": round(q_last, 2) if q_last is not None else None,
            "recovered": bool(recovered_), "rapport": rapport}


def build_report(t: Transcript, sc: Scenario | None, final: bool, reveal_outcomes: bool | None = None) -> dict:
    """The feedback_report payload of design/feedback-rubric.md.

    Undisclosed outcomes' words are revealed in a final report (or with `reveal_outcomes`, for
    trainers), never in an interim one that a learner could read mid-conversation. `gap` is the
    criterion a hint would name now (None when there is nothing to work on yet).
    """
    cfg = config_for(sc)
    reveal = final if reveal_outcomes is None else reveal_outcomes
    arc_of = arc(t, cfg)
    criteria = [as_dict(c) for c in judge(t, sc, cfg, arc_of)]
    report = {
        "type": "feedback_report",
        "scenario": sc.id if sc else None,
        "final": final,
        "criteria": criteria,
        "figures": figures(t, sc, cfg),
        "outcomes": [_outcome_for_report(o, reveal) for o in outcome_status(t, sc, cfg)],
        "timeline": timeline(t, cfg),
        "hints_used": t.count("request_hint"),
        "arc": arc_of,
    }
    report["gap"] = hint_gap(report, t, cfg)
    return report


def _outcome_for_report(o: dict, reveal: bool) -> dict:
    """An outcome as the payload shows it. Mid-conversation, one the person has not disclosed
    keeps its words hidden (the learner could read them in the payload and simply echo them);
    the final report reveals them, so the learner sees what the person wanted."""
    shown = {k: o[k] for k in ("id", "words", "disclosed", "confirmed")}
    if not reveal and not o["disclosed"]:
        shown["words"] = None
    return shown


def biggest_gap(report: dict) -> str | None:
    """The criterion to work on next: the lowest score among those judged and not met, lead
    criteria first on ties; None when every judged criterion is met. A report built here says
    which gap the learner can still close (`gap`); an older one is read by its scores."""
    if "gap" in report:
        return report["gap"]
    open_items = [c for c in report["criteria"] if judged(c) and c["verdict"] != "met"]
    if not open_items:
        return None
    return min(open_items, key=lambda c: (c["score"], ORDER.index(c["id"])))["id"]


def hint_gap(report: dict, t: Transcript, cfg: dict) -> str | None:
    """What a hint should be about now: the weakest judged criterion that is not met and whose
    advice the learner has not already taken. Once strengths have been explored the start cannot
    be done again, so "start with strengths" is no longer a hint; the same for services already
    offered, once strengths and outcomes have followed."""
    taken = set()
    strength_moves = cfg["started_with_strengths"]["strength_moves"]
    if any(x.first(strength_moves) for x in t.scored):
        taken.add("started_with_strengths")
    outcome_moves = cfg["services_last"]["outcome_moves"]
    if any(x.first(outcome_moves) for x in t.scored) and any(x.first(strength_moves) for x in t.scored):
        taken.add("services_last")
    open_items = [c for c in report["criteria"] if judged(c) and c["verdict"] != "met" and c["id"] not in taken]
    if not open_items:
        return None
    return min(open_items, key=lambda c: (c["score"], ORDER.index(c["id"])))["id"]


LISTENING_MOVES = ("reflect", "summarise", "affirm", "empathise", "clarify")
DIRECTIVE_MOVES = ("give_advice", "offer_service", "explain_process")


def listening_rates(t: Transcript) -> dict:
    """Per-turn rates of listening and questioning (rates, not counts, so length does not matter)."""
    scored = t.scored
    n = len(scored) or 1
    questions = [x for x in scored if x.is_question]
    q = len(questions)
    reflections = sum(1 for x in scored if x.first(("reflect", "summarise")))
    return {
        "turns": len(scored),
        "reflection_to_question": round(reflections / q, 4) if q else float(reflections > 0),
        "open_share": round(sum(1 for x in questions if x.form == "open") / q, 4) if q else 0.0,
        "listening_rate": round(sum(1 for x in scored if x.first(LISTENING_MOVES)) / n, 4),
        "directive_rate": round(sum(1 for x in scored if x.first(DIRECTIVE_MOVES)) / n, 4),
        "leading_share": round(sum(1 for x in questions if x.form in ("leading", "multiple")) / q, 4) if q else 0.0,
    }


def session_quality(rates: dict, cfg: dict | None = None) -> float:
    """One 0..1 score of listening and questioning from listening_rates()."""
    c = (cfg or base_config())["session_quality"]
    w = c["weights"]
    score = (w["reflection_to_question"] * min(1.0, rates["reflection_to_question"])
             + w["open_share"] * rates["open_share"]
             + w["listening"] * min(1.0, rates["listening_rate"] / c["full_listening_rate"])
             + w["not_directive"] * (1.0 - min(1.0, rates["directive_rate"] / c["directive_rate_floor"]))
             - c["leading_penalty"] * rates["leading_share"])
    return max(0.0, min(1.0, score))
