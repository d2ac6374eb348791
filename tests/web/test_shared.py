"""The coach's own pages share web/shared/; widget.js keeps a copy of its rules.

The trainer pages and the progress page load the shared ES modules (building the page, the
verdicts' words, the one "was it judged?" rule, the report card) from their own channel, at
/trainer/shared/ and /chat/shared/. widget.js runs on other sites from one script tag, so it copies
the rules instead. Here the same report payloads are shown in the widget's card, on the trainer's
session page and on the progress page (their API answers replaced in the browser), and each must
show what the shared module says: a criterion not judged reads "Not judged", with no bar or
percentage, and with the coach's note. The arc (how the conversation changed, and the rapport line
with its table) is drawn by the same code in the widget and on the trainer's pages, and not at all
for a report stored before it existed. The first tests need no servers: they read the files.
"""

from __future__ import annotations

import copy
import re

import pytest
import requests
from playwright.sync_api import expect

from tests.conftest import TRAINER_TOKEN
from tests.web.chat_page import ROOT, arc_shown, storage_key

WEB = ROOT / "web"
SHARED = WEB / "shared"
WIDGET = WEB / "widget.js"

TOO_EARLY = "Too early to judge: the conversation has not yet given the coach enough to go on."
# One report with every way a criterion can arrive: the three verdicts; "not_judged" with score null
# (the report contract); and two older stored forms of "too early", kept as verdict "not_met" with
# enough_evidence false.
CRITERIA = [
    {"id": "started_with_strengths", "title": "Started with strengths", "verdict": "met", "score": 1.0,
     "evidence": [{"turn": 2, "text": "What do you enjoy doing most?", "note": "a strengths question first"}],
     "suggestion": None, "note": "You began with what matters to the person."},
    {"id": "powerful_questions", "title": "Powerful questions", "verdict": "partly", "score": 0.5,
     "evidence": [], "suggestion": "What would a good week look like for you?"},
    {"id": "plain_language", "title": "Plain language", "verdict": "not_met", "score": 0.0, "enough_evidence": True,
     "evidence": [{"turn": 1, "text": "I'm here for your assessment", "note": None}],
     "suggestion": "I'm here to hear how things are for you."},
    {"id": "desired_outcomes", "title": "Desired outcomes", "verdict": "not_judged", "score": None,
     "evidence": [], "suggestion": None, "note": TOO_EARLY},
    {"id": "active_listening", "title": "Active listening", "verdict": "not_judged", "score": None,
     "enough_evidence": False, "evidence": [], "suggestion": None, "note": TOO_EARLY},
    {"id": "network_and_community", "title": "Network and community", "verdict": "not_met", "score": 0.0,
     "enough_evidence": False, "evidence": [], "suggestion": None, "note": TOO_EARLY},
]
# What each should show (the rule of web/shared/verdicts.js, written out): words, and score or None.
SHOWN = {"started_with_strengths": ("Met", "100%"), "powerful_questions": ("Partly met", "50%"),
         "plain_language": ("Not met", "0%"), "desired_outcomes": ("Not judged", None),
         "active_listening": ("Not judged", None), "network_and_community": ("Not judged", None)}
NOT_JUDGED = [c["id"] for c in CRITERIA if SHOWN[c["id"]][1] is None]
REPORT = {
    "type": "feedback_report", "scenario": "eric-battersby", "final": False, "criteria": CRITERIA,
    "figures": {"turns": 3, "questions": 2, "open_share": 0.5, "reflection_to_question": 0.0,
                "outcomes_disclosed": 0, "outcomes_total": 2},
    "outcomes": [{"id": "allotment", "words": "I want to get back down the allotment", "disclosed": False,
                  "confirmed": False},
                 {"id": "pub", "words": "See the lads at the pub", "disclosed": False, "confirmed": False}],
    "timeline": ["strengths"], "hints_used": 0,
}
# The arc of a report (coach/rubric.py arc()): turn 3 was a hint, so it has no rapport of its own.
ARC = {"first": 0.2, "last": 0.65, "recovered": True, "rapport": [
    {"turn": 1, "rapport": 0.3, "change": 0.0, "moved": False, "move": "greet"},
    {"turn": 2, "rapport": 0.22, "change": -0.08, "moved": True, "move": "explain_process"},
    {"turn": 4, "rapport": 0.26, "change": 0.04, "moved": False, "move": "clarify"},
    {"turn": 5, "rapport": 0.41, "change": 0.15, "moved": True, "move": "ask_strengths"},
]}
# What it should show, written out.
ARC_SHOWN = {
    "change": "How it changed: first third 20%, last third 65%",
    "recovered": "It started badly and recovered",
    "role": "img", "title": "The person's rapport after each turn",
    "label": "Rapport over 4 turns: 30% after turn 1, 41% after turn 5; lowest 22%, highest 41%. "
             "Turns that moved it most: 2 (-8), 5 (+15).",
    "points": [{"turn": 1, "rapport": 0.3, "change": 0.0, "moved": False, "marked": False},
               {"turn": 2, "rapport": 0.22, "change": -0.08, "moved": True, "marked": True},
               {"turn": 4, "rapport": 0.26, "change": 0.04, "moved": False, "marked": False},
               {"turn": 5, "rapport": 0.41, "change": 0.15, "moved": True, "marked": True}],
    "grid": 3, "axis": ["0%", "50%", "100%", "1", "2", "4", "5", "Turn"], "stray": 0,
    "head": ["Turn", "Rapport", "Change", "Moved it"],
    "rows": [["1", "30%", "0", "No"], ["2", "22%", "-8", "Yes"], ["4", "26%", "+4", "No"], ["5", "41%", "+15", "Yes"]],
}
SENDER = "web-sharedrules0001"
LEARNER = "learner-shared-rules-0001"
RULE = """async ([url, criteria]) => { const m = await import(url);
    return criteria.map(c => [c.id, m.labelOf(c), m.scoreOf(c)]); }"""


# ---- the files themselves (no servers) --------------------------------------------------------


def function(source: str, name: str) -> list[str]:
    """A JS function's parameters and body, line by line without indentation (an export or not)."""
    found = re.search(rf"^( *)(?:export )?function {name}\((.*?)\) {{\n(.*?)\n\1}}$", source, re.M | re.S)
    assert found, f"no function {name}"
    return [found.group(2)] + [line.strip() for line in found.group(3).splitlines()]


def constant(source: str, name: str) -> str:
    """A JS constant's value, without an Object.freeze() around it."""
    found = re.search(rf"^ *(?:export )?const {name} = (?:Object\.freeze\()?(.+?)\)?;$", source, re.M)
    assert found, f"no constant {name}"
    return found.group(1)


def block(source: str, name: str) -> list[str]:
    """A JS constant written over several lines (up to its closing "});"), line by line."""
    found = re.search(rf"^( *)(?:export )?const {name} = (.*?\n)\1}}\);$", source, re.M | re.S)
    assert found, f"no constant {name}"
    return [line.strip() for line in found.group(2).splitlines()]


def test_widget_copies_the_shared_rules_exactly():
    widget, verdicts, dom = WIDGET.read_text(), (SHARED / "verdicts.js").read_text(), (SHARED / "dom.js").read_text()
    for name in ("NOT_JUDGED", "VERDICTS", "LABELS"):
        assert constant(widget, name) == constant(verdicts, name), name
    for name in ("judged", "verdictOf", "labelOf", "scoreOf"):
        assert function(widget, name) == function(verdicts, name), name
    assert function(widget, "pct") == function(dom, "pct")
    # el() with SVG: the report card draws the rapport line in the chat too.
    assert function(widget, "el") == function(dom, "el") and constant(widget, "SVG") == constant(dom, "SVG")
    # The arc: its words, the chart's size and the code that draws it, called with the page's prefix.
    report = (SHARED / "report.js").read_text()
    assert block(widget, "ARC_TEXT") == block(report, "ARC_TEXT") and len(block(report, "ARC_TEXT")) > 10
    assert constant(widget, "ARC_CHART") == constant(report, "ARC_CHART")
    for name in ("signed", "arcSection", "arcChart", "arcTable"):
        assert function(widget, name) == function(report, name), name
    assert 'arcSection(report.arc, "oc")' in widget and "arcSection(report.arc, prefix)" in report
    assert "innerHTML" not in widget and "innerHTML" not in report
    for copied in ("web/shared/verdicts.js", "web/shared/dom.js", "web/shared/report.js"):
        assert copied in widget  # it says what it copies


def test_the_coachs_own_pages_keep_no_copies_of_the_shared_rules():
    for page in (WEB / "trainer" / "trainer.js", WEB / "progress" / "progress.js"):
        source = page.read_text()
        assert source.startswith("/*") and "import {" in source, page
        for copy_of in ("function el(", "function pct(", "enough_evidence", '"Partly met"', "createTextNode"):
            assert copy_of not in source, f"{page.name} has its own {copy_of}"
    for page in (WEB / "trainer" / "index.html", WEB / "progress" / "index.html"):
        assert re.search(r'<script type="module" src="\w+\.js"></script>', page.read_text()), page


# ---- served by both channels ------------------------------------------------------------------


@pytest.mark.e2e
def test_both_channels_serve_the_shared_modules_and_nothing_else(bot):
    modules = sorted(SHARED.glob("*.js"))
    assert {p.name for p in modules} >= {"dom.js", "verdicts.js", "report.js"}
    for prefix in ("chat", "trainer"):
        for path in modules:
            resp = requests.get(f"{bot.rasa_url}/{prefix}/shared/{path.name}", timeout=30)
            assert resp.status_code == 200, resp.url
            assert resp.headers["Content-Type"].startswith("text/javascript"), resp.url
            assert resp.headers["X-Content-Type-Options"] == "nosniff"
            assert resp.content == path.read_bytes()
        for name in ("nope.js", "..%2Fwidget.js", "%2e%2e%2fchat.html", "..%2F..%2Fchannels%2Fwebchat.py",
                     "dom.js%00.html", "DOM.JS", ".js", "report", "dom.js%2F"):
            resp = requests.get(f"{bot.rasa_url}/{prefix}/shared/{name}", timeout=30)
            assert resp.status_code == 404, resp.url
            assert "javascript" not in resp.headers.get("Content-Type", ""), resp.url
    for page in ("trainer/", "chat/progress/"):  # the pages that load them keep the strict policy
        policy = requests.get(f"{bot.rasa_url}/{page}", timeout=30).headers["Content-Security-Policy"]
        assert "script-src 'self';" in policy and "default-src 'none'" in policy


# ---- the same payloads on every page ----------------------------------------------------------


def answer(route, body: dict) -> None:
    route.fulfill(status=200, json=body, headers={"Cache-Control": "no-store"})


def check_shown(page, rule_url: str, item, verdict: str, score: str, note: str, bar: str | None = None):
    """Each criterion shows what the shared module says (asked on this very page), which is SHOWN:
    a criterion not judged has its words, no score or bar, and the coach's note."""
    ruled = page.evaluate(RULE, [rule_url, CRITERIA])
    assert {cid: (words, score_) for cid, words, score_ in ruled} == SHOWN
    for c in CRITERIA:
        words, percent = SHOWN[c["id"]]
        shown = item(c["id"])
        expect(shown).to_have_count(1)
        expect(shown.locator(verdict)).to_have_text(words)
        if percent is None:
            expect(shown.locator(score)).to_have_count(0)
            expect(shown).to_have_class(re.compile(r"-not_judged\b"))
            if bar:
                expect(shown.locator(bar)).to_have_count(0)
            expect(shown.locator(note)).to_have_text(c["note"])
            assert not re.search(r"\d+%", shown.inner_text())  # no 0% that reads as a failure
        else:
            expect(shown.locator(score)).to_have_text(percent)


@pytest.mark.e2e
def test_a_report_not_judged_in_part_shows_the_same_in_the_widget_card(page, bot):
    reply = {"sender": SENDER, "persona": None, "messages": [
        {"from": "coach", "kind": "report", "report": REPORT, "text": "Feedback so far\nThe rest of the text."}]}
    page.add_init_script(f"localStorage.setItem({storage_key(bot)!r}, {SENDER!r})")  # a conversation to restore
    page.route("**/chat/api/history?*", lambda route: answer(route, reply))
    page.goto(f"{bot.rasa_url}/chat/")
    card = page.locator(".oc-report")
    expect(card).to_have_count(1)
    check_shown(page, f"{bot.rasa_url}/chat/shared/verdicts.js",
                lambda cid: card.locator(f'.oc-crit[data-criterion="{cid}"]'), ".oc-verdict", ".oc-pct",
                ".oc-crit-note", bar=".oc-bar")
    fill = card.locator('[data-criterion="powerful_questions"] .oc-fill')
    assert fill.evaluate("e => e.style.width") == "50%"
    # No outcome heard: no empty list and no stray "0" (widget.js shows number children now).
    outcomes = card.locator(".oc-outcomes")
    expect(outcomes.locator("ul")).to_have_count(0)
    expect(outcomes.locator("p")).to_have_text("2 outcomes not heard this time.")
    assert not re.search(r"\b0\b", outcomes.inner_text())
    assert arc_shown(card, "oc") is None  # a report from before the arc: nothing of it shown


@pytest.mark.e2e
def test_a_report_not_judged_in_part_shows_the_same_on_the_trainers_session_page(context, page, bot):
    detail = {"sender_id": SENDER, "learner": LEARNER, "scenario": "eric-battersby",
              "title": "Eric: a first conversation after a fall", "person": "Eric",
              "started": "2025-01-06T10:00:00+00:00", "ended": "2025-01-06T10:05:00+00:00", "turns": 3,
              "finished": False, "outcomes_disclosed": 0, "outcomes_total": 2, "transcript": [], "disclosed": [],
              "report": REPORT}
    context.add_init_script(f"sessionStorage.setItem('outcomes-coach-trainer-token', {TRAINER_TOKEN!r})")
    page.route("**/trainer/api/session?*", lambda route: answer(route, detail))
    page.goto(f"{bot.rasa_url}/trainer/#/session?sender={SENDER}")
    expect(page.locator("main")).to_have_attribute("aria-busy", "false")
    expect(page.get_by_role("heading", level=2)).to_have_text(f"Session: {LEARNER}, {detail['title']}")
    check_shown(page, f"{bot.rasa_url}/trainer/shared/verdicts.js",
                lambda cid: page.locator(f'.tr-crit[data-criterion="{cid}"]'), ".tr-verdict", ".tr-score", ".tr-note")
    evidence = page.locator('.tr-crit[data-criterion="started_with_strengths"] .tr-evidence li')
    expect(evidence).to_have_text("Turn 2: What do you enjoy doing most? (a strengths question first)")
    expect(page.locator(".tr-outcomes p")).to_have_text("2 outcomes not drawn out.")
    assert arc_shown(page.locator(".tr-report"), "tr") is None  # a report from before the arc

    # The shared el() makes text of strings and numbers alike, and never parses markup.
    built = page.evaluate(f"""async () => {{ const {{ el }} = await import({bot.rasa_url + '/trainer/shared/dom.js'!r});
        const p = el("p", {{ title: "<b>x</b>", hidden: false }}, 0, " of ", 3, null, false, ["<i>a</i>", 1]);
        return [p.textContent, p.children.length, p.getAttribute("title"), p.hasAttribute("hidden")]; }}""")
    assert built == ["0 of 3<i>a</i>1", 0, "<b>x</b>", False]


@pytest.mark.e2e
def test_a_report_not_judged_in_part_shows_the_same_on_the_progress_page(page, bot):
    session = {"sender_id": SENDER, "date": "2025-01-06", "started": "2025-01-06T10:00:00+00:00",
               "scenario": "eric-battersby", "title": "Eric: a first conversation after a fall", "finished": False,
               "turns": 3, "outcomes_disclosed": 0, "outcomes_total": 2,
               "criteria": copy.deepcopy(CRITERIA)}  # as stored: the page applies the one rule itself
    page.route("**/chat/api/progress?*", lambda route: answer(route, {"learner": LEARNER, "sessions": [session]}))
    page.goto(f"{bot.rasa_url}/chat/progress/#learner={LEARNER}")
    item = page.locator(f'.op-session[data-sender="{SENDER}"]')
    expect(item).to_have_count(1)
    check_shown(page, f"{bot.rasa_url}/chat/shared/verdicts.js",
                lambda cid: item.locator(f'.op-crit[data-criterion="{cid}"]'), ".oc-verdict", ".oc-pct",
                ".op-crit-note")
    expect(item.locator(".op-not-judged")).to_contain_text("too short for the coach to judge")
    expect(item.locator(".op-crit-note")).to_have_count(len(NOT_JUDGED))  # a note only where not judged


def check_arc(card, prefix: str) -> None:
    """The card shows ARC_SHOWN, each dot drawn where its rapport is (higher up for more), and the
    table's rows once its <details> is opened."""
    shown = arc_shown(card, prefix)
    assert shown is not None
    assert {k: shown[k] for k in ARC_SHOWN if k != "points"} == {k: v for k, v in ARC_SHOWN.items() if k != "points"}
    assert [{k: p[k] for k in ("turn", "rapport", "change", "moved", "marked")} for p in shown["points"]] == \
        ARC_SHOWN["points"]
    assert shown["line"] == [(p["cx"], p["cy"]) for p in shown["points"]]
    xs, ys = [p["cx"] for p in shown["points"]], [p["cy"] for p in shown["points"]]
    assert xs == sorted(xs) and xs[2] - xs[1] == pytest.approx(2 * (xs[1] - xs[0]), abs=0.2)  # turn 3 has no dot
    assert ys[1] > ys[2] > ys[0] > ys[3]  # lower rapport, lower on the chart (22%, 26%, 30%, 41%)
    assert min(p["r"] for p in shown["points"] if p["marked"]) > max(p["r"] for p in shown["points"] if not p["marked"])
    table = card.locator(f".{prefix}-arc-details table")
    expect(table).to_be_hidden()
    card.locator(f".{prefix}-arc-details summary").click()
    expect(table).to_be_visible()


@pytest.mark.e2e
def test_the_arc_shows_the_same_in_the_widget_card_and_on_the_trainers_session_page(context, page, bot):
    report = {**REPORT, "final": True, "arc": ARC}
    reply = {"sender": SENDER, "persona": None, "messages": [
        {"from": "coach", "kind": "report", "report": report, "text": "Your feedback\nThe rest of the text."}]}
    page.add_init_script(f"localStorage.setItem({storage_key(bot)!r}, {SENDER!r})")
    page.route("**/chat/api/history?*", lambda route: answer(route, reply))
    page.goto(f"{bot.rasa_url}/chat/")
    card = page.locator(".oc-report")
    expect(card).to_have_count(1)
    check_arc(card, "oc")

    detail = {"sender_id": SENDER, "learner": LEARNER, "scenario": "eric-battersby", "title": "Eric", "person": "Eric",
              "started": "2025-01-06T10:00:00+00:00", "ended": "2025-01-06T10:05:00+00:00", "turns": 5,
              "finished": True, "outcomes_disclosed": 0, "outcomes_total": 2, "transcript": [], "disclosed": [],
              "report": report}
    context.add_init_script(f"sessionStorage.setItem('outcomes-coach-trainer-token', {TRAINER_TOKEN!r})")
    page.route("**/trainer/api/session?*", lambda route: answer(route, detail))
    page.goto(f"{bot.rasa_url}/trainer/#/session?sender={SENDER}")
    expect(page.locator("main")).to_have_attribute("aria-busy", "false")
    check_arc(page.locator(".tr-report"), "tr")

    # No recovery, no first and last third (too short to split): only the line, and no words of change.
    for arc, shows in [({**ARC, "recovered": False}, {"change", "points"}),
                       ({"first": None, "last": None, "recovered": False, "rapport": ARC["rapport"][:1]}, {"points"}),
                       ({"first": None, "last": None, "recovered": False, "rapport": []}, set()),
                       ({"first": 0.3, "last": 0.3, "recovered": False, "rapport": []}, {"change"})]:
        built = page.evaluate(f"""async (arc) => {{ const m = await import({bot.rasa_url + '/trainer/shared/report.js'!r});
            const s = m.arcSection(arc, "tr"); if (!s) return [];
            return [s.querySelector(".tr-arc-change") && "change", s.querySelector(".tr-arc-recovered") && "recovered",
                    s.querySelector("svg circle") && "points"].filter(Boolean); }}""", arc)
        assert set(built) == shows, arc
    one = page.evaluate(f"""async (arc) => {{ const m = await import({bot.rasa_url + '/trainer/shared/report.js'!r});
        return m.arcSection(arc, "tr").querySelector("svg").getAttribute("aria-label"); }}""",
                        {"first": None, "last": None, "recovered": False, "rapport": ARC["rapport"][:1]})
    assert one == "Rapport after turn 1: 30%. No single turn moved it much."
