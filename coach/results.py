"""Results for trainers and learners, computed from tracker events (any Rasa tracker store).

One practice session is one conversation (a sender id). Its summary holds who, which scenario,
when, the transcript with each learner turn's move, question form and what the person disclosed,
and the coach's report. Cohort summaries count verdicts per criterion; CSV rows flatten it all.

A criterion the coach had too little conversation to judge (verdict `not_judged`, no score) is
counted as "not_judged", never as "not_met", and is left out of every mean: a short session is
not a failure. Conversations are read through coach/transcript.py, the one reader.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterable

from coach.heard import corrections_by_message
from coach.rubric import NOT_JUDGED, ORDER, TITLES, build_report, judged
from coach.scenario import Scenario
from coach.transcript import read, started_by

VERDICTS = ("met", "partly", "not_met")
BUCKETS = VERDICTS + (NOT_JUDGED,)  # how results count criteria: the verdicts, and too early to judge


def bucket(criterion: dict) -> str:
    """Where results count a criterion: its verdict, or "not_judged" when it was too early to judge."""
    return criterion["verdict"] if judged(criterion) else NOT_JUDGED


def _counts(criteria: Iterable[dict]) -> dict[str, int]:
    found = Counter(bucket(c) for c in criteria)
    return {b: found.get(b, 0) for b in BUCKETS}


def _mean(scores: list[float]) -> float | None:
    return sum(scores) / len(scores) if scores else None


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
        """Who, what, when and each criterion's verdict; a criterion not judged has no score to show."""
        criteria = {c["id"]: {"verdict": bucket(c), "score": c["score"] if judged(c) else None}
                    for c in (self.report or {}).get("criteria", [])}
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
    return started_by(events) or sender_id


def session_from_events(sender_id: str, events: list[dict], scenario_for: Callable[[str], Scenario | None]) -> Session | None:
    """A session summary, or None when the conversation has no learner turn yet."""
    transcript = read(events)
    if not transcript.turns:
        return None
    scenario_id = transcript.scenario_id
    scenario = scenario_for(scenario_id) if scenario_id else None
    flags = corrections_by_message(events)
    rows = []
    for t in transcript.turns:
        facts = []
        for fid in t.disclosed:
            fact = next((f for f in scenario.facts if f.id == fid), None) if scenario else None
            facts.append({"id": fid, "kind": fact.kind if fact else None, "words": fact.words if fact else None})
        replies = transcript.replies(t.number)
        rows.append({"turn": t.number, "text": t.text, "move": t.move, "form": t.form,
                     "moves": [{"name": m.name, "confidence": round(m.confidence, 3), "text": m.text} for m in t.moves],
                     "life_area": t.life_area,
                     "confidence": round(t.confidence, 3), "disclosed": facts, "mood": t.mood,
                     "replies": [r.sent for r in replies if r.sent],
                     "said": [r.text for r in replies if r.who == "person"],
                     "coach": [r.text.split("\n", 1)[0] for r in replies if r.who == "coach" and r.text],
                     "meant": (flags.get(t.timestamp) or {}).get("meant_label") or None})
    report = build_report(transcript, scenario, final=transcript.finished, reveal_outcomes=True) if scenario else None
    return Session(sender_id=sender_id, learner=transcript.learner or sender_id, scenario=scenario_id,
                   started=transcript.started, ended=transcript.ended,
                   finished=transcript.finished, turns=len(transcript.scored), transcript=rows, report=report)


def outline(sender_id: str, events: list[dict], started: float | None = None,
            ended: float | None = None) -> Session | None:
    """A session's who, what and when without its transcript or report, or None when it has no
    learner turn: what the trainer's counts and filters need, read by the same reader as
    :func:`session_from_events`, from events that may hold only the fields it reads (the tracker
    store's outline_events). `started` and `ended` override the first and last timestamps seen."""
    transcript = read(events)
    if not transcript.turns:
        return None
    return Session(sender_id=sender_id, learner=transcript.learner or sender_id, scenario=transcript.scenario_id,
                   started=started if started is not None else transcript.started,
                   ended=ended if ended is not None else transcript.ended,
                   finished=transcript.finished, turns=len(transcript.scored))


def sessions_from_trackers(trackers: Iterable[tuple[str, list[dict]]],
                           scenario_for: Callable[[str], Scenario | None]) -> list[Session]:
    """Sessions from (sender id, events) pairs, leaving out conversations with no learner turn."""
    found = (session_from_events(sender, events, scenario_for) for sender, events in trackers)
    return [s for s in found if s is not None]


def filter_sessions(sessions: Iterable[Session], scenario: str | None = None, date_from: str | None = None,
                    date_to: str | None = None, learner: str | None = None) -> list[Session]:
    """The sessions the filters select, newest first."""
    found = select(sessions, scenario, date_from, date_to, learner)
    return sorted(found, key=lambda s: (s.started or 0, s.sender_id), reverse=True)  # newest first, stable


def select(sessions: Iterable[Session], scenario: str | None = None, date_from: str | None = None,
           date_to: str | None = None, learner: str | None = None) -> list[Session]:
    """The sessions the filters select, in the order given."""
    if not (scenario or date_from or date_to or learner):
        return list(sessions)
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
    return out


def cohort(sessions: list[Session]) -> dict:
    """Per-criterion counts (met, partly, not met, not judged) and mean scores over the sessions that
    have a report; a mean covers judged criteria only, so short sessions do not drag it down."""
    reported = [s for s in sessions if s.report]
    criteria = []
    for cid in ORDER:
        found = [next(c for c in s.report["criteria"] if c["id"] == cid) for s in reported]
        mean = _mean([c["score"] for c in found if judged(c)])
        criteria.append({"id": cid, "title": TITLES[cid], "counts": _counts(found),
                         "mean_score": round(mean, 2) if mean is not None else None})
    means = [m for m in (mean_score(s) for s in reported) if m is not None]
    return {"sessions": len(sessions), "with_report": len(reported),
            "learners": len({s.learner for s in sessions}),
            "finished": sum(1 for s in sessions if s.finished), "criteria": criteria,
            "mean_score": round(sum(means) / len(means), 2) if means else None}


def mean_score(session: Session) -> float | None:
    """The mean of a session's judged criterion scores (None without a report or with none judged)."""
    return _mean([c["score"] for c in (session.report or {}).get("criteria", []) if judged(c)])


def by_scenario(sessions: list[Session], titles: dict[str, str] | None = None) -> list[dict]:
    """Sessions, finished sessions and learners per scenario, the busiest first (no scenario last)."""
    return _tally(sessions, titles)[1]


def _tally(sessions: list[Session], titles: dict[str, str] | None = None) -> tuple[set, list[dict]]:
    """Every learner, and the rows of :func:`by_scenario`, in one pass (the trainer's list counts
    thousands of sessions on every request)."""
    groups: dict[str | None, list] = {}
    for s in sessions:
        group = groups.get(s.scenario)
        if group is None:
            group = groups[s.scenario] = [0, 0, set()]
        group[0] += 1
        group[1] += bool(s.finished)
        group[2].add(s.learner)
    rows = [{"scenario": sid, "title": (titles or {}).get(sid) or sid, "sessions": n, "finished": done,
             "learners": len(learners)} for sid, (n, done, learners) in groups.items()]
    everyone = set().union(*(learners for _, _, learners in groups.values()))
    return everyone, sorted(rows, key=lambda r: (-r["sessions"], r["scenario"] is None, r["scenario"] or ""))


PER_PAGE = 50       # sessions per page of the trainer's list, unless the request asks for another number
MAX_PER_PAGE = 200


def page_of(sessions: list, page: int = 1, per_page: int = PER_PAGE) -> list:
    """The sessions on page `page` (from 1) of `per_page` each."""
    return sessions[(page - 1) * per_page: page * per_page]


def session_list(sessions: list[Session], titles: dict[str, str] | None = None, page: int = 1,
                 per_page: int | None = None, shown: list[Session] | None = None) -> dict:
    """What the trainer's session list shows: counts and counts per scenario over every session the
    filters select (`sessions`, newest first: outlines are enough), and one row for each session on
    the page (`shown`, built in full: the page's slice of `sessions` by default)."""
    per_page = per_page or max(len(sessions), 1)
    shown = page_of(sessions, page, per_page) if shown is None else shown
    rows = []
    for s in shown:
        score = mean_score(s)
        rows.append({**s.summary(), "title": (titles or {}).get(s.scenario) or s.scenario,
                     "verdicts": _counts((s.report or {}).get("criteria", [])),
                     "mean_score": round(score, 2) if score is not None else None})
    learners, per_scenario = _tally(sessions, titles)
    return {"count": len(sessions), "finished": sum(r["finished"] for r in per_scenario),
            "learners": len(learners), "by_scenario": per_scenario, "page": page, "per_page": per_page, "pages": max(1, -(-len(sessions) // per_page)),
            "sessions": rows}


def session_detail(session: Session, scenario: Scenario | None = None) -> dict:
    """One session for the trainer: the summary, the transcript, what was disclosed, the report.

    Each transcript row carries the bot's replies split into the person's words (`said`, found by
    the person's metadata, never by their name) and the first line of anything the coach sent
    (`coach`: a hint, a report).
    """
    disclosed = [{"turn": row["turn"], **fact} for row in session.transcript for fact in row["disclosed"]]
    return {**session.detail(), "title": scenario.title if scenario else session.scenario,
            "person": scenario.short_name if scenario else None, "disclosed": disclosed}


def learner_progress(sessions: list[Session], learner: str, titles: dict[str, str] | None = None) -> dict:
    """A learner's own sessions, newest first, with each criterion's verdict and score.

    A criterion that was too early to judge has the verdict "not_judged", no score, and the coach's
    note saying why.
    """
    rows = []
    for s in filter_sessions(sessions, learner=learner):
        rows.append({"sender_id": s.sender_id, "date": s.date, "started": _iso(s.started),
                     "scenario": s.scenario, "title": (titles or {}).get(s.scenario) or s.scenario,
                     "finished": s.finished, "turns": s.turns,
                     "outcomes_disclosed": s.summary()["outcomes_disclosed"],
                     "outcomes_total": s.summary()["outcomes_total"],
                     "criteria": [{"id": c["id"], "title": c["title"], "verdict": bucket(c),
                                   "score": c["score"] if judged(c) else None,
                                   **({} if judged(c) else {"note": c.get("note", "")})}
                                  for c in (s.report or {}).get("criteria", [])]})
    return {"learner": learner, "sessions": rows}


def scenario_files(good: dict[str, Scenario], errors: dict) -> list[dict]:
    """Every scenario file with whether it is live and what is wrong with it, for the trainer.

    `good` is the library's live scenarios by id (a refused edit keeps its last good version
    there); `errors` its refused files by path, each a ScenarioError with the problems found. A
    live file also has its probe results (coach.check.probe_summary: scripted, and the real NLU's
    from the last `make check-scenarios`).
    """
    from coach.check import probe_summary  # imported late: the check imports the scenario package

    files: dict[str, dict] = {}
    for sc in good.values():
        name = Path(sc.path).name if sc.path else f"{sc.id}.yml"
        files[name] = {"file": name, "id": sc.id, "title": sc.title, "conversation": sc.conversation,
                       "live": True, "problems": [], "probes": probe_summary(sc)}
    for path, exc in errors.items():
        name = Path(path).name
        entry = files.setdefault(name, {"file": name, "id": None, "title": None, "conversation": None,
                                        "live": False, "problems": []})
        for p in getattr(exc, "problems", None) or []:
            entry["problems"].append({"line": p.line, "field": p.field, "problem": p.problem, "fix": p.fix})
        if not entry["problems"]:
            entry["problems"].append({"line": None, "field": None, "problem": str(exc), "fix": ""})
    return sorted(files.values(), key=lambda f: f["file"])


def to_csv(sessions: list[Session]) -> str:
    """One row per session: who, what, when, and each criterion's verdict and score.

    A criterion too early to judge reads "not_judged" with an empty score, so a spreadsheet's
    counts and averages leave it out rather than take it as a failure scoring 0.
    """
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
                        + [x for cid in ORDER for x in _verdict_and_score(crit.get(cid))])
    text = buf.getvalue()
    return text if _utf8(text) else text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")


def _verdict_and_score(criterion: dict | None) -> tuple:
    """A summary criterion's two CSV cells; a missing criterion or score is an empty cell."""
    if not criterion:
        return "", ""
    return criterion["verdict"], "" if criterion["score"] is None else criterion["score"]


def _safe(value: str) -> str:
    """Stop spreadsheet formula injection from ids that start with = + - @."""
    return "'" + value if value and value[0] in "=+-@\t\r" else value


def plain(text) -> str:
    """Text that a record line can always hold: one line (so a learner's words cannot forge lines of
    the record), and no control characters or unpaired surrogates (which UTF-8 cannot write): each
    becomes a space."""
    text = "".join(ch if ch.isprintable() else " " for ch in str(text))
    return " ".join(text.split())


def _utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
        return True
    except UnicodeEncodeError:
        return False


def practice_record(sessions: list[Session], titles: dict[str, str] | None = None, learner: str | None = None) -> str:
    """A learner's practice record (CPD evidence) as plain text: dates, scenarios, criteria, evidence.

    With `titles`, each scenario is named by its title as well as its id; with `learner`, the record
    says whose it is.
    """
    lines = ["Practice record - outcomes-focused conversations (outcomes-coach)"]
    if learner:
        lines.append(f"Learner: {plain(learner)}")
    lines += ["Feedback from practice with a simulated person; not an assessment of competence.", ""]
    for s in sorted(sessions, key=lambda s: s.started or 0):
        title = (titles or {}).get(s.scenario)
        name = plain(f"{title} ({s.scenario})" if title else str(s.scenario))
        lines.append(f"{s.date}  {name}  ({s.turns} turns{', finished' if s.finished else ''})")
        for c in (s.report or {}).get("criteria", []):
            if not judged(c):
                lines.append(f"  - {c['title']}: not judged (too little conversation to judge yet)")
                continue
            lines.append(f"  - {c['title']}: {c['verdict'].replace('_', ' ')} ({c['score']:.0%})")
            for ev in c["evidence"][:1]:
                lines.append(f"      e.g. turn {ev['turn']}: \"{plain(ev['text'])}\"")
        lines.append("")
    if not sessions:
        lines.append("No practice sessions yet.")
    return "\n".join(lines)
