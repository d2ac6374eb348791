"""The chat as a learner sees it, and the checks the browser tests share."""

from __future__ import annotations

from pathlib import Path

import requests
from playwright.sync_api import Page, expect

from coach.rubric import judged

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "results" / "screenshots"
PHONE = {"width": 390, "height": 844}
REPLY_TIMEOUT_MS = 60_000
# What each verdict is shown as; "not_judged" is a criterion the coach had too little conversation to
# judge (verdict not_judged, score null), counted apart from the three verdicts.
VERDICTS = {"met": "Met", "partly": "Partly met", "not_met": "Not met", "not_judged": "Not judged"}


def bucket(criterion: dict) -> str:
    """Where a report's criterion should be counted, read from the report itself: its verdict, or
    not judged when the report says there was not enough evidence (no key: judged)."""
    return criterion["verdict"] if judged(criterion) else "not_judged"


def judged_mean(criteria: list[dict]) -> float | None:
    """The mean score of the criteria that were judged (None if none was)."""
    scores = [c["score"] for c in criteria if bucket(c) != "not_judged"]
    return sum(scores) / len(scores) if scores else None


class ChatPage:
    """The chat as a learner sees it, found by role and label as assistive technology would."""

    def __init__(self, page: Page):
        self.page = page
        self.log = page.get_by_role("log", name="Conversation")
        self.typing = page.get_by_role("status")
        self.alert = page.get_by_role("alert")
        self.persons = page.locator(".oc-person")
        self.report = page.locator(".oc-report")

    @property
    def box(self):
        return self.page.locator("#oc-input")

    def button(self, name: str):
        return self.page.get_by_role("button", name=name, exact=True)

    def wait_ready(self, persons: int = 1) -> "ChatPage":
        """Wait until the brief and the person's opening (or a restored conversation) show."""
        expect(self.persons).to_have_count(persons, timeout=REPLY_TIMEOUT_MS)
        expect(self.typing).to_be_hidden()
        return self

    def say(self, text: str) -> str:
        """Type, press Enter, and return the person's reply."""
        before = self.persons.count()
        self.box.fill(text)
        self.box.press("Enter")
        expect(self.persons).to_have_count(before + 1, timeout=REPLY_TIMEOUT_MS)
        expect(self.typing).to_be_hidden()
        return self.persons.last.locator("p").inner_text()

    def storage(self) -> dict:
        return self.page.evaluate("() => Object.assign({}, localStorage)")

    def sender(self) -> str:
        (sender,) = [v for k, v in self.storage().items() if k.startswith("outcomes-coach:")]
        return sender


def history(bot, sender: str) -> dict:
    resp = requests.get(f"{bot.rasa_url}/chat/api/history", params={"sender": sender}, timeout=30)
    resp.raise_for_status()
    return resp.json()


def run_axe(page: Page) -> list[dict]:
    """axe-core's serious and critical violations on the page (the widget's shadow DOM included)."""
    page.evaluate(AXE.read_text() + "\n;0")
    found = page.evaluate("""async () => (await axe.run(document, {resultTypes: ['violations']})).violations
        .map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' '))}))""")
    return [v for v in found if v["impact"] in ("serious", "critical")]


ARC_SHOWN = """(card, prefix) => {
    const arc = card.querySelector(`.${prefix}-arc`);
    if (!arc) return null;
    const svg = arc.querySelector("svg");
    const text = (selector) => { const e = arc.querySelector(selector); return e ? e.textContent : null; };
    const line = svg && svg.querySelector("polyline");
    return {
      change: text(`.${prefix}-arc-change`), recovered: text(`.${prefix}-arc-recovered`),
      role: svg && svg.getAttribute("role"), label: svg && svg.getAttribute("aria-label"),
      title: svg && svg.querySelector("title") ? svg.querySelector("title").textContent : null,
      points: svg ? [...svg.querySelectorAll("circle[data-turn]")].map((e) => ({
        turn: Number(e.dataset.turn), rapport: Number(e.dataset.rapport), change: Number(e.dataset.change),
        moved: e.dataset.moved === "true", marked: e.classList.contains(`${prefix}-arc-moved`),
        r: Number(e.getAttribute("r")), cx: Number(e.getAttribute("cx")), cy: Number(e.getAttribute("cy")) })) : [],
      line: line ? line.getAttribute("points").split(" ").map((xy) => xy.split(",").map(Number)) : [],
      grid: svg ? svg.querySelectorAll(`line.${prefix}-arc-grid`).length : 0,
      axis: svg ? [...svg.querySelectorAll(`text.${prefix}-arc-axis`)].map((e) => e.textContent) : [],
      stray: svg ? [...svg.childNodes].filter((n) => n.nodeType !== Node.ELEMENT_NODE).length : 0,
      head: [...arc.querySelectorAll("table thead th")].map((e) => e.textContent),
      rows: [...arc.querySelectorAll("table tbody tr")].map((r) => [...r.children].map((e) => e.textContent)),
    };
  }"""


def arc_shown(card, prefix: str) -> dict | None:
    """What a report card shows of the conversation's arc (its classes start with `prefix`): the
    words of change and recovery, the rapport chart's name, title, dots (from their data-turn,
    data-rapport, data-change and data-moved, and where they are drawn), line, gridlines, axis
    labels and anything in the SVG that is not an element (`stray`: none is drawn), and the table's
    header and rows. None when the card shows no arc."""
    shown = card.evaluate(ARC_SHOWN, prefix)
    if shown:
        shown["line"] = [tuple(xy) for xy in shown["line"]]
    return shown


def axe_on_card(page: Page, *path: str) -> list[dict]:
    """Every axe-core violation (whatever its impact) inside one element, found by a chain of
    selectors through shadow roots (e.g. ".oc-host", ".oc-report")."""
    page.evaluate(AXE.read_text() + "\n;0")
    return page.evaluate("""async (path) => (await axe.run({include: [path]}, {resultTypes: ['violations']})).violations
        .map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' '))}))""", list(path))


def post(bot, sender: str, message: str, metadata: dict | None = None, origin: str | None = None) -> requests.Response:
    """One message through the chat's own API, as the widget sends it."""
    headers = {"Origin": origin} if origin else {}
    return requests.post(f"{bot.rasa_url}/chat/api/message", json={"sender": sender, "message": message,
                         "metadata": metadata}, headers=headers, timeout=60)


def storage_key(bot, scenario: str = "") -> str:
    """Where the chat page keeps the conversation's id (and nothing else) in localStorage."""
    return f"outcomes-coach:{bot.rasa_url}/chat/:{scenario}"
