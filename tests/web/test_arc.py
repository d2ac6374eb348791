"""The arc in the report card, checked against the conversation as the tracker store keeps it.

A learner holds a conversation in the web chat that starts badly and turns round, then finishes. The
card's rapport line and its table must show the person's rapport after each learner turn exactly as
the persona action stored it (the `persona_turn` slot events, read here from Rasa's tracker API,
never from the report), the turns that moved it marked, and axe-core must find nothing wrong with
the card. The trainer's page for the same session draws the same line.
"""

from __future__ import annotations

import math

import pytest
import requests
from playwright.sync_api import expect

from coach.moves import ALL_MOVES
from coach.rubric import config_for
from coach.scenario import load_scenario
from tests.conftest import API_TOKEN, ROOT, TRAINER_TOKEN
from tests.web.chat_page import ChatPage, arc_shown, axe_on_card, history

pytestmark = pytest.mark.e2e

# A checklist start, a repair, then strengths, network, community and a summary.
TURNS_ROUND = [
    "hello",
    "we need to fill in your needs assessment today",
    "are you managing your tablets?",
    "can you get upstairs ok?",
    "sorry Eric, I've gone about this all wrong. can we start again?",
    "what do you enjoy doing with your time these days?",
    "it sounds like working with wood has always been part of who you are",
    "who are the people who matter most to you?",
    "where do you like to go when you get out?",
    "what would a really good week look like for you?",
    "so the workshop, your family and getting out - have I got that right?",
]


# The plot inside the chart's viewBox (web/shared/report.js ARC_CHART: top 12, height 160 less 12 and 36).
TOP, HIGH = 12, 112


def js_round(x: float) -> int:
    """Math.round, as the card rounds."""
    return math.floor(x + 0.5)


def stored_rapport(sender: str, bot) -> list[tuple[int, float]]:
    """(turn, rapport) for every learner turn the person's rapport was stored after: learner turns
    are user events whose intent is a practitioner move (or nlu_fallback), numbered from 1; the
    rapport is the last `persona_turn` slot value set after each."""
    resp = requests.get(f"{bot.rasa_url}/conversations/{sender}/tracker", params={"token": API_TOKEN}, timeout=30)
    resp.raise_for_status()
    turn, rapport = 0, {}
    for e in resp.json()["events"]:
        intent = ((e.get("parse_data") or {}).get("intent") or {}).get("name")
        if e.get("event") == "user" and (intent in ALL_MOVES or intent == "nlu_fallback"):
            turn += 1
        elif (e.get("event") == "slot" and e.get("name") == "persona_turn" and turn
              and isinstance(e.get("value"), dict) and e["value"].get("rapport") is not None):
            rapport[turn] = e["value"]["rapport"]
    return sorted(rapport.items())


def expected_arc(stored: list[tuple[int, float]], marked_change: float) -> tuple[list[dict], list[list[str]]]:
    """The chart's dots and the table's rows that the stored rapport should give."""
    points, rows, before = [], [], None
    for turn, r in stored:
        change = round(r - before, 3) if before is not None else 0.0
        moved = abs(change) >= marked_change
        points.append({"turn": turn, "rapport": round(r, 3), "change": change, "moved": moved, "marked": moved})
        n = js_round(round(change, 3) * 100)
        rows.append([str(turn), f"{js_round(round(r, 3) * 100)}%", f"+{n}" if n > 0 else str(n), "Yes" if moved else "No"])
        before = r
    return points, rows


def check_card(card, prefix: str, points: list[dict], rows: list[list[str]], report: dict) -> dict:
    shown = arc_shown(card, prefix)
    assert shown is not None, "the card shows no arc"
    assert [{k: p[k] for k in ("turn", "rapport", "change", "moved", "marked")} for p in shown["points"]] == points
    assert shown["line"] == [(p["cx"], p["cy"]) for p in shown["points"]]
    for p in shown["points"]:  # drawn where the figures say: 0% at the foot of the plot, 100% at its top
        assert p["cy"] == pytest.approx(TOP + (1 - p["rapport"]) * HIGH, abs=0.06)
    assert shown["role"] == "img" and shown["title"] == "The person's rapport after each turn"
    assert shown["grid"] == 3 and shown["axis"][:3] == ["0%", "50%", "100%"] and shown["stray"] == 0
    assert f"{rows[0][1]} after turn {points[0]['turn']}" in shown["label"]
    assert f"{rows[-1][1]} after turn {points[-1]['turn']}" in shown["label"]
    for p, row in zip(points, rows):
        if p["moved"]:
            assert f"{p['turn']} ({row[2]})" in shown["label"]
    assert shown["head"] == ["Turn", "Rapport", "Change", "Moved it"]
    assert shown["rows"] == rows
    arc = report["arc"]
    assert shown["change"] == f"How it changed: first third {js_round(arc['first'] * 100)}%, last third " \
        f"{js_round(arc['last'] * 100)}%"
    assert shown["recovered"] == ("It started badly and recovered" if arc["recovered"] else None)
    return shown


def test_the_report_cards_rapport_line_is_the_conversations_stored_rapport(page, context, bot, chat_url, screenshots):
    page.goto(chat_url)
    chat = ChatPage(page).wait_ready()
    for line in TURNS_ROUND:
        chat.say(line)
    chat.button("Finish and get feedback").click()
    expect(chat.report).to_have_count(1)
    sender = chat.sender()

    stored = stored_rapport(sender, bot)
    assert len(stored) >= len(TURNS_ROUND), stored  # every turn the person answered has its rapport
    marked_change = config_for(load_scenario(ROOT / "scenarios" / "eric-battersby.yml"))["arc"]["marked_change"]
    points, rows = expected_arc(stored, marked_change)
    assert any(p["moved"] for p in points) and len({p["rapport"] for p in points}) > 1  # a line worth drawing

    report = [m for m in history(bot, sender)["messages"] if m.get("kind") == "report"][-1]["report"]
    assert report["arc"]["first"] is not None and report["arc"]["last"] is not None
    card = chat.report
    shown = check_card(card, "oc", points, rows, report)
    assert card.locator(".oc-arc svg").get_attribute("role") == "img"
    expect(card.locator(".oc-arc svg circle.oc-arc-moved")).to_have_count(sum(p["moved"] for p in points))

    # The table opens for anyone; then axe checks the whole card, table included.
    table = card.locator(".oc-arc-details table")
    expect(table).to_be_hidden()
    card.locator(".oc-arc-details summary").click()
    expect(table).to_be_visible()
    card.locator(".oc-arc").evaluate("e => e.scrollIntoView({block: 'start'})")
    page.screenshot(path=str(screenshots / "report-arc-in-chat.png"))
    assert axe_on_card(page, ".oc-host", ".oc-report") == []

    # The trainer's page for this session draws the same line from the same conversation.
    context.add_init_script(f"sessionStorage.setItem('outcomes-coach-trainer-token', {TRAINER_TOKEN!r})")
    page.goto(f"{bot.rasa_url}/trainer/#/session?sender={sender}")
    expect(page.locator("main")).to_have_attribute("aria-busy", "false")
    trainer = page.locator(".tr-report")
    expect(trainer).to_have_count(1)
    trainer_report = requests.get(f"{bot.rasa_url}/trainer/api/session", params={"sender": sender}, timeout=30,
                                  headers={"Authorization": f"Bearer {TRAINER_TOKEN}"}).json()["report"]
    on_trainer = check_card(trainer, "tr", points, rows, trainer_report)
    assert {k: on_trainer[k] for k in ("points", "line", "label", "rows", "change", "recovered")} == \
        {k: shown[k] for k in ("points", "line", "label", "rows", "change", "recovered")}
    trainer.locator(".tr-arc-details summary").click()
    expect(trainer.locator(".tr-arc-details table")).to_be_visible()
    trainer.locator(".tr-arc").evaluate("e => e.scrollIntoView({block: 'start'})")
    page.screenshot(path=str(screenshots / "report-arc-on-trainer.png"))
    assert axe_on_card(page, ".tr-report") == []
