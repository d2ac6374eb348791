"""Readable text for a feedback report and for a hint, from the report payload."""

from __future__ import annotations

from coach.rubric import biggest_gap, judged
from coach.scenario import Scenario
from coach.texts import render, text


def report_text(report: dict, scenario: Scenario | None) -> str:
    name = scenario.short_name if scenario else "the person"
    lines = [render("report_heading_final" if report["final"] else "report_heading_interim", name=name), ""]
    verdicts = text("report_verdicts")
    for i, c in enumerate(report["criteria"], 1):
        if judged(c):
            lines.append(f"{i}. {c['title']}: {verdicts[c['verdict']].upper()} ({c['score']:.0%})")
        else:  # too early: no verdict and no score, rather than a 0% that reads as a failure
            lines.append(f"{i}. {c['title']}: {verdicts['not_judged'].upper()}")
        if c.get("note"):
            lines.append(f"  {c['note']}")
        for e in c["evidence"]:
            lines.append(render("report_evidence", **e))
        if c.get("suggestion"):
            lines.append(render("report_suggestion", suggestion=c["suggestion"]))
    f = report["figures"]
    lines += ["", render("report_figures", open_pct=round(100 * f["open_share"]), reflections=f["reflection_to_question"],
                        hints_used=report["hints_used"], **f)]
    for o in report["outcomes"]:
        if o["disclosed"]:
            lines.append(render("report_outcome_heard", words=o["words"], confirmed=" and checked back" if o["confirmed"] else ""))
    if report["figures"]["outcomes_total"] - report["figures"]["outcomes_disclosed"] and report["final"]:
        missed = report["figures"]["outcomes_total"] - report["figures"]["outcomes_disclosed"]
        lines.append(f"  - {missed} more outcome(s) the person hoped for were not heard this time.")
    lines += arc_lines(report.get("arc"))
    if any(not judged(c) for c in report["criteria"]):
        lines += ["", render("report_too_short")]
    return "\n".join(lines)


def arc_lines(arc: dict | None) -> list[str]:
    """The arc in words: first third against last third, and the person's rapport turn by turn
    (the report card draws the same figures as a line)."""
    if not arc or arc.get("first") is None or arc.get("last") is None:
        return []
    lines = ["", render("report_arc", first=round(100 * arc["first"]), last=round(100 * arc["last"]))]
    if arc.get("recovered"):
        lines.append(render("report_arc_recovered"))
    points = arc.get("rapport") or []
    if points:
        lines.append(render("report_rapport", line=", ".join(f"{p['turn']}: {round(100 * p['rapport'])}" for p in points)))
        moved = [p for p in points if p["moved"]]
        if moved:
            lines.append(render("report_rapport_moved", turns=", ".join(
                f"{p['turn']} ({'+' if p['change'] > 0 else ''}{round(100 * p['change'])})" for p in moved)))
    return lines


def hint_text(report: dict, scenario: Scenario | None) -> tuple[str, str | None]:
    """One hint for the biggest gap so far, with an example in this person's context."""
    gap = biggest_gap(report)
    name = scenario.short_name if scenario else "the person"
    if gap is None:
        if not any(judged(c) for c in report["criteria"]):  # nothing to judge yet: no criterion named
            examples = (scenario.hints.get("powerful_questions") if scenario else None) or ("What matters most to you at the moment?",)
            return render("hint_too_early", name=name, example=examples[0]), None
        if any(judged(c) and c["verdict"] != "met" for c in report["criteria"]):  # what is left is behind them
            return render("hint_keep_going", name=name), None
        return render("hint_all_met", name=name), None
    examples = (scenario.hints.get(gap) if scenario else None) or ("What matters most to you at the moment?",)
    example = examples[max(0, report["hints_used"] - 1) % len(examples)]  # rotate as hints are used
    return render("hint", why=text("hint_why")[gap][0].upper() + text("hint_why")[gap][1:], example=example), gap
