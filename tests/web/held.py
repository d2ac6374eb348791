"""Conversations held over the chat's API, and what the tracker store says about them.

The browser tests check the trainer and learner pages against these: the expected figures are
computed here from the tracker store's own rows (the test bot's SQLite file), never written down.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from datetime import date, timedelta

from coach import results
from coach.moves import ALL_MOVES
from coach.scenario import ScenarioLibrary
from tests.web.chat_page import history, post

# A strong learner and a checklist learner: the same lines serve every scenario well enough.
STRONG = [
    "hello, I'm Sam from the community wellbeing team, thanks for having me",
    "what do you enjoy doing with your time these days?",
    "it sounds like that has always been part of who you are",
    "who are the people who matter most to you?",
    "what would a really good week look like for you?",
    "what matters most to you about the months ahead?",
]
CHECKLIST = [
    "hello",
    "I'm here to do your needs assessment for the care package",
    "are you managing your tablets ok?",
    "do you need help with washing and dressing?",
    "we could set up carers every morning through the service",
]


def new_learner(tag: str) -> str:
    return f"learner-{tag}-{uuid.uuid4().hex}"


def hold(bot, learner: str, scenario: str, lines: list[str], finish: bool = True) -> str:
    """One conversation through the chat's API, as the widget sends it; returns its sender id."""
    sender = f"web-{uuid.uuid4().hex[:16]}"
    metadata = {"scenario": scenario, "learner": learner}
    for text in ["/session_start", *lines, *(["/goodbye"] if finish else [])]:
        post(bot, sender, text, metadata).raise_for_status()
    return sender


def final_report(bot, sender: str) -> dict:
    """The report the learner was shown at the end of the conversation."""
    return [m for m in history(bot, sender)["messages"] if m.get("kind") == "report"][-1]["report"]


def tracker_events(bot) -> dict[str, list[dict]]:
    """Every conversation's events, straight from the tracker store's table."""
    with sqlite3.connect(bot.work / "conversations.db") as db:
        rows = db.execute("SELECT sender_id, data FROM events ORDER BY id").fetchall()
    found: dict[str, list[dict]] = {}
    for sender, data in rows:
        found.setdefault(sender, []).append(json.loads(data))
    return found


def expected_sessions(bot) -> list[results.Session]:
    """The practice sessions held so far, from the tracker store's rows."""
    scenarios = ScenarioLibrary(bot.scenarios).all()
    return results.sessions_from_trackers(tracker_events(bot).items(), scenarios.get)


def learner_turns(events: list[dict]) -> list[dict]:
    """Each learner turn's text, move, question form and what the person disclosed in reply, read
    from the user events and the persona's own turn records (the `persona_turn` slot)."""
    turns: list[dict] = []
    for e in events:
        intent = ((e.get("parse_data") or {}).get("intent") or {}).get("name")
        if e.get("event") == "user" and (intent in ALL_MOVES or intent == "nlu_fallback"):
            turns.append({"text": e["text"], "move": intent, "disclosed": [],
                          "form": (e["parse_data"].get("question_form") or {}).get("name") or "none"})
        elif e.get("event") == "slot" and e.get("name") == "persona_turn" and e.get("value") and turns:
            turns[-1]["disclosed"] = list(e["value"].get("disclosed") or [])
    return turns


def day_after(days: list[str]) -> str:
    return (date.fromisoformat(max(days)) + timedelta(days=1)).isoformat()
