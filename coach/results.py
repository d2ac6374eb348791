"""Results for trainers and learners, computed from tracker events (any Rasa tracker store).

One practice session is one conversation (a sender id). Its summary holds who, which scenario,
when, the transcript with each learner turn's move, question form and what the person disclosed,
and the coach's report. Cohort summaries count verdicts per criterion; CSV rows flatten it all.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Callable, Iterable

from coach.rubric import ORDER, TITLES, build_report
from coach.scenario import Scenario
from coach.transcript import from_events

VERDICTS = ("met", "partly", "not_met")


@dataclass
class Session:
    sender_id: str
    learner: str
    scenario: str | None
    started: float | None
    ended: float | None
    finished: bool
    turns: int
    transcript: list[dict] = field(default_factory=list)
    report: dict | None = None

    @property
    def date(self) -> str:
        return _iso(self.started)[:10] if self.started else ""

    def summary(self) -> dict:
        criteria = {c["id"]: {"verdict": c["verdict"], "score": c["score"]} for c in (self.report or {}).get("criteria", [])}
        return {"sender_id": self.sender_id, "learner": self.learner, "scenario": self.scenario,
                "started": _iso(self.started), "ended": _iso(self.ended), "date": self.date,
                "finished": self.finished, "turns": self.turns, "criteria": criteria,
                "outcomes_disclosed": (self.report or {}).get("figures", {}).get("outcomes_disclosed", 0),
                "outcomes_total": (self.report or {}).get("figures", {}).get("outcomes_total", 0)}

    def detail(self) -> dict:
        return {**self.summary(), "transcript": self.transcript, "report": self.report}


def _iso(ts: float | None) -> str:
    return datetime.fromtimestamp(ts, tz=timezone.utc).isoformat(timespec="seconds") if ts else ""


def learner_of(sender_id: str, events: list[dict]) -> str:
    """The learner id the portal or widget gave (metadata `learner`), else the sender id."""
    for e in events:
        meta = e.get("metadata") if e.get("event") == "user" else None
        if e.get("event") == "slot" and e.get("name") == "session_started_metadata":
            meta = e.get("value")
        if isinstance(meta, dict) and meta.get("learner"):
            return str(meta["learner"])
    return sender_id


def session_from_events(sender_id: str, events: list[dict], scenario_for: Callable[[str], Scenario | None]) -> Session | None:
    """A session summary, or None when the conversation has no learner turn yet."""
    transcript = from_events(events)
    if not transcript.turns:
        return None
    scenario_id = None
    for e in events:
        if e.get("event") == "slot" and e.get("name") == "scenario_id" and e.get("value"):
            scenario_id = e["value"]
    scenario = scenario_for(scenario_id) if scenario_id else None
    stamps = [e["timestamp"] for e in events if isinstance(e.get("timestamp"), (int, float))]
    finished = any(t.move == "goodbye" for t in transcript.turns)
    replies = _replies_by_turn(events)
    rows = []
    for t in transcript.turns:
        facts = []
        for fid in t.disclosed:
            fact = next((f for f in scenario.facts if f.id == fid), None) if scenario else None
            facts.append({"id": fid, "kind": fact.kind if fact else None, "words": fact.words if fact else None})
        rows.append({"turn": t.number, "text": t.text, "move": t.move, "form": t.form,
                     "confidence": round(t.confidence, 3), "disclosed": facts, "mood": t.mood,
                     "replies": replies.get(t.number, [])})
    report = build_report(transcript, scenario, final=finished) if scenario else None
    return Session(sender_id=sender_id, learner=learner_of(sender_id, events), scenario=scenario_id,
                   started=min(stamps) if stamps else None, ended=max(stamps) if stamps else None,
                   finished=finished, turns=len(transcript.scored), transcript=rows, report=report)


def _replies_by_turn(events: list[dict]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    n = 0
    start = max((i + 1 for i, e in enumerate(events) if e.get("event") in ("session_started", "restart")), default=0)
    for e in events[start:]:
        if e.get("event") == "user":
            from coach.moves import ALL_MOVES, NLU_FALLBACK

            move = ((e.get("parse_data") or {}).get("intent") or {}).get("name")
            if move in ALL_MOVES or move == NLU_FALLBACK:
                n += 1
        elif e.get("event") == "bot" and e.get("text") and n:
            out.setdefault(n, []).append(e["text"])
    return out


def filter_sessions(sessions: Iterable[Session], scenario: str | None = None, date_from: str | None = None,
                    date_to: str | None = None, learner: str | None = None) -> list[Session]:
    out = []
    for s in sessions:
        if scenario and s.scenario != scenario:
            continue
        if learner and s.learner != learner:
            continue
        if date_from and s.date < date_from:
            continue
        if date_to and s.date > date_to:
            continue
        out.append(s)
    return sorted(out, key=lambda s: s.started or 0, reverse=True)


def cohort(sessions: list[Session]) -> dict:
    """Per-criterion verdict counts and mean scores over the sessions that have a report."""
    reported = [s for s in sessions if s.report]
    criteria = []
    for cid in ORDER:
        verdicts = Counter()
        scores = []
        for s in reported:
            c = next(c for c in s.report["criteria"] if c["id"] == cid)
            verdicts[c["verdict"]] += 1
            scores.append(c["score"])
        criteria.append({"id": cid, "title": TITLES[cid], "counts": {v: verdicts.get(v, 0) for v in VERDICTS},
                         "mean_score": round(sum(scores) / len(scores), 2) if scores else None})
    return {"sessions": len(sessions), "with_report": len(reported),
            "learners": len({s.learner for s in sessions}),
            "finished": sum(1 for s in sessions if s.finished), "criteria": criteria}


def to_csv(sessions: list[Session]) -> str:
    """One row per session: who, what, when, and each criterion's verdict and score."""
    buf = io.StringIO()
    header = ["date", "started", "learner", "scenario", "sender_id", "finished", "turns", "outcomes_disclosed",
              "outcomes_total"] + [f"{cid}_{part}" for cid in ORDER for part in ("verdict", "score")]
    writer = csv.writer(buf)
    writer.writerow(header)
    for s in sessions:
        row = s.summary()
        crit = row["criteria"]
        writer.writerow([row["date"], row["started"], _safe(row["learner"]), row["scenario"], _safe(row["sender_id"]),
                         row["finished"], row["turns"], row["outcomes_disclosed"], row["outcomes_total"]]
                        + [x for cid in ORDER for x in (crit.get(cid, {}).get("verdict", ""), crit.get(cid, {}).get("score", ""))])
    return buf.getvalue()


def _safe(value: str) -> str:
    """Stop spreadsheet formula injection from ids that start with = + - @."""
    return "'" + value if value and value[0] in "=+-@\t\r" else value


def practice_record(sessions: list[Session]) -> str:
    """A learner's practice record (CPD evidence) as plain text: dates, scenarios, criteria, evidence."""
    lines = ["Practice record - outcomes-focused conversations (outcomes-coach)", ""]
    for s in sorted(sessions, key=lambda s: s.started or 0):
        lines.append(f"{s.date}  {s.scenario}  ({s.turns} turns{', finished' if s.finished else ''})")
        for c in (s.report or {}).get("criteria", []):
            lines.append(f"  - {c['title']}: {c['verdict'].replace('_', ' ')} ({c['score']:.0%})")
            for ev in c["evidence"][:1]:
                lines.append(f"      e.g. turn {ev['turn']}: \"{ev['text']}\"")
        lines.append("")
    if not sessions:
        lines.append("No practice sessions yet.")
    return "\n".join(lines)
