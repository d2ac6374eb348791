"""The trainer pages at /trainer/ in the browser, checked against conversations held over the chat.

Every expected figure is computed from the tracker store's rows (tests/web/held.py) or from the
reports the learners were shown, never written down; the store also holds the other browser and
end-to-end tests' conversations, which the counts must include. A criterion whose report says
there was not enough evidence counts as "not judged" (never "not met") and stays out of the means.
"""

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass

import pytest
import requests
from playwright.sync_api import expect

from tests.conftest import ROOT, TRAINER_TOKEN
from tests.e2e.test_rest_conversations import STRONG as STRONG_ERIC
from tests.web.chat_page import VERDICTS, ChatPage, bucket, history, judged_mean, run_axe
from tests.web.held import (
    CHECKLIST,
    STRONG,
    day_after,
    expected_sessions,
    final_report,
    hold,
    learner_turns,
    new_learner,
    tracker_events,
)

pytestmark = pytest.mark.e2e

KEY = "outcomes-coach-trainer-token"
PER_PAGE = 50  # coach.results.PER_PAGE: sessions on a page of the list
ROUTES = ["sessions", "session?sender={sender}", "cohort", "export.csv", "scenarios"]


@dataclass
class Held:
    strong: str       # Eric, strong, in the browser, finished: learner `one`
    checklist: str    # Rhi, checklist, over the chat's API, finished: learner `two`
    unfinished: str   # Lorraine, a few strong lines, not finished: learner `one` again
    one: str
    two: str


@pytest.fixture(scope="module")
def held(browser, bot) -> Held:
    ctx = browser.new_context()
    try:
        page = ctx.new_page()
        page.goto(f"{bot.rasa_url}/chat/?scenario=eric-battersby")
        chat = ChatPage(page).wait_ready()
        for line in STRONG_ERIC:
            chat.say(line)
        chat.button("Finish and get feedback").click()
        expect(chat.report).to_have_count(1, timeout=60_000)
        one = page.evaluate(f"() => localStorage.getItem('outcomes-coach-learner:{bot.rasa_url}/chat/')")
        strong = chat.sender()
    finally:
        ctx.close()
    two = new_learner("two")
    checklist = hold(bot, two, "rhi-pugh", CHECKLIST)
    unfinished = hold(bot, one, "lorraine-pritchard", STRONG[:3], finish=False)
    return Held(strong=strong, checklist=checklist, unfinished=unfinished, one=one, two=two)


@pytest.fixture
def trainer(context, page, bot):
    """A page signed in as a trainer (the token in this tab's sessionStorage), at /trainer/."""
    context.add_init_script(f"sessionStorage.setItem({KEY!r}, {TRAINER_TOKEN!r})")

    def open_view(view: str = "#/sessions"):
        page.goto(f"{bot.rasa_url}/trainer/{view}")
        ready(page)
        return page
    return open_view


def ready(page):
    """Wait until the view has loaded (the page marks its main area busy while it loads)."""
    expect(page.locator("main")).to_have_attribute("aria-busy", "false")


def api(bot, path: str, token: str | None = TRAINER_TOKEN, **headers) -> requests.Response:
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return requests.get(f"{bot.rasa_url}/trainer/api/{path}", headers=headers, timeout=60)


def pct(score) -> str:
    return f"{round(score * 100)}%"


def shown_mean(score) -> str:
    """A mean as the pages show it: a dash when nothing was judged."""
    return "–" if score is None else pct(round(score, 2))


def contrast(locator, against) -> float:
    """The WCAG contrast ratio between two elements' computed colours (fill for SVG, else background)."""
    colours = [loc.evaluate("""e => { const s = getComputedStyle(e);
        return e instanceof SVGElement ? s.fill : s.backgroundColor; }""") for loc in (locator, against)]

    def luminance(css: str) -> float:
        r, g, b = (int(x) / 255 for x in re.findall(r"\d+", css)[:3])
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    hi, lo = sorted(map(luminance, colours), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_every_trainer_api_route_refuses_a_missing_or_wrong_token(bot, held):
    for route in ROUTES:
        path = route.format(sender=held.strong)
        missing = api(bot, path, token=None)
        assert missing.status_code == 403 and "Sign in with the trainer token" in missing.json()["error"], path
        wrong = api(bot, path, token=TRAINER_TOKEN + "x")
        assert wrong.status_code == 403 and "not right" in wrong.json()["error"], path
        other_scheme = api(bot, path, token=None, Authorization=f"Basic {TRAINER_TOKEN}")
        assert other_scheme.status_code == 403, path
        in_url = requests.get(f"{bot.rasa_url}/trainer/api/{path}", params={"token": TRAINER_TOKEN}, timeout=60)
        assert in_url.status_code == 403, path  # only the header counts
        from_elsewhere = api(bot, path, Origin="http://evil.example")
        assert from_elsewhere.status_code == 403 and "Access-Control-Allow-Origin" not in from_elsewhere.headers, path
        right = api(bot, path)
        assert right.status_code == 200 and right.headers["Cache-Control"] == "no-store", path
    # The pages themselves hold no data and load without the token, under a strict policy.
    page = requests.get(f"{bot.rasa_url}/trainer/", timeout=30)
    assert page.ok and "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert requests.get(f"{bot.rasa_url}/trainer/trainer.js", timeout=30).ok
    assert api(bot, "session?sender=nobody-at-all").status_code == 404
    assert api(bot, "sessions?from=yesterday").status_code == 400


def test_sign_in_then_sessions_by_scenario_and_date(page, bot, held, screenshots):
    requests_seen = []
    page.on("request", lambda r: requests_seen.append((r.url, r.headers.get("authorization"))))
    page.goto(f"{bot.rasa_url}/trainer/")
    token_box = page.get_by_label("Trainer token")
    expect(token_box).to_be_focused()
    assert run_axe(page) == []
    token_box.fill("not-the-token")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("That trainer token is not right")
    assert page.evaluate(f"() => sessionStorage.getItem({KEY!r})") is None

    token_box = page.get_by_label("Trainer token")
    token_box.fill(TRAINER_TOKEN)
    token_box.press("Enter")
    expect(page.get_by_role("heading", level=2, name="Sessions")).to_be_focused()
    expect(page.get_by_role("navigation", name="Trainer pages")).to_be_visible()

    everything = expected_sessions(bot)
    expect(page.locator(".tr-summary")).to_have_attribute("data-count", str(len(everything)))
    per_scenario = Counter(s.scenario for s in everything)
    rows = page.locator(".tr-by-scenario tbody tr")
    expect(rows).to_have_count(len(per_scenario))
    for scenario, count in per_scenario.items():
        row = page.locator(f'.tr-by-scenario tr[data-scenario="{scenario}"]')
        expect(row.locator('[data-col="sessions"]')).to_have_text(str(count))
        group = [s for s in everything if s.scenario == scenario]
        expect(row.locator('[data-col="finished"]')).to_have_text(str(sum(s.finished for s in group)))
        expect(row.locator('[data-col="learners"]')).to_have_text(str(len({s.learner for s in group})))
    # One page of sessions (50, newest first); the counts above cover them all.
    expect(page.locator(".tr-sessions tbody tr")).to_have_count(min(len(everything), PER_PAGE))
    expect(page.get_by_role("navigation", name="Pages of sessions")).to_have_count(1 if len(everything) > PER_PAGE else 0)
    page.screenshot(path=str(screenshots / "trainer-sessions.png"), full_page=True)
    assert run_axe(page) == []

    def shows(senders):
        rows = page.locator(".tr-sessions tbody tr")
        expect(rows).to_have_count(len(senders))
        ready(page)
        assert sorted(rows.evaluate_all("rows => rows.map(r => r.dataset.sender)")) == sorted(senders)

    page.get_by_label("Learner id").fill(held.one)
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(f"{bot.rasa_url}/trainer/#/sessions?learner={held.one}")
    shows([held.strong, held.unfinished])
    # Each session's counts; the unfinished one's too-early criteria count as not judged, not as not met.
    stored = {s.sender_id: s for s in everything}
    unfinished = stored[held.unfinished].report["criteria"]
    assert any(bucket(c) == "not_judged" for c in unfinished), "three turns are too few to judge everything"
    for sender, criteria in ((held.unfinished, unfinished), (held.strong, final_report(bot, held.strong)["criteria"])):
        row = page.locator(f'tr[data-sender="{sender}"]')
        for verdict in VERDICTS:
            expect(row.locator(f'[data-col="{verdict}"]')).to_have_text(
                str(sum(bucket(c) == verdict for c in criteria)))
        expect(row.locator('[data-col="mean"]')).to_have_text(shown_mean(judged_mean(criteria)))
    page.get_by_label("Scenario", exact=True).select_option("eric-battersby")
    page.get_by_role("button", name="Show").click()
    shows([held.strong])
    strong_row = page.locator(f'tr[data-sender="{held.strong}"]')
    report = final_report(bot, held.strong)
    for verdict in VERDICTS:
        expect(strong_row.locator(f'[data-col="{verdict}"]')).to_have_text(
            str(sum(bucket(c) == verdict for c in report["criteria"])))

    # Dates: the day the sessions were held, and the day after (none).
    day = next(s.date for s in everything if s.sender_id == held.strong)
    page.get_by_role("link", name="Clear filters").click()
    expect(page.get_by_label("Learner id")).to_have_value("")
    page.get_by_label("From (date)").fill(day)
    page.get_by_label("To (date)").fill(day)
    page.get_by_role("button", name="Show").click()
    expect(page.locator(".tr-summary")).to_have_attribute("data-count", str(sum(s.date == day for s in everything)))
    page.get_by_label("From (date)").fill(day_after([s.date for s in everything]))
    page.get_by_label("To (date)").fill("")
    page.get_by_role("button", name="Show").click()
    expect(page.locator(".tr-summary")).to_have_attribute("data-count", "0")
    expect(page.get_by_text("No sessions match these filters.").first).to_be_visible()

    # The token went only in the Authorization header of the trainer API's requests.
    api_calls = [(url, auth) for url, auth in requests_seen if "/trainer/api/" in url]
    assert api_calls and all(TRAINER_TOKEN not in url for url, _ in requests_seen)
    assert {auth for _, auth in api_calls} == {"Bearer not-the-token", f"Bearer {TRAINER_TOKEN}"}
    assert TRAINER_TOKEN not in page.url
    assert page.evaluate(f"() => sessionStorage.getItem({KEY!r})") == TRAINER_TOKEN
    assert TRAINER_TOKEN not in str(page.evaluate("() => Object.values(localStorage)"))

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_label("Trainer token")).to_be_visible()
    assert page.evaluate(f"() => sessionStorage.getItem({KEY!r})") is None


def test_the_session_list_is_paged_and_counts_every_session(trainer, bot, held):
    """Issue 14, F4: the list sends one page of rows (the API takes page and limit), with counts over
    every session the filters select, and the page links to the next and previous pages."""
    def listing(bot, **params) -> requests.Response:
        return requests.get(f"{bot.rasa_url}/trainer/api/sessions", params=params, timeout=60,
                            headers={"Authorization": f"Bearer {TRAINER_TOKEN}"})

    everything = sorted(expected_sessions(bot), key=lambda s: (s.started or 0, s.sender_id), reverse=True)
    assert len(everything) >= 3
    first = listing(bot, limit="2").json()
    assert (first["count"], first["page"], first["per_page"], first["pages"]) == (len(everything), 1, 2, -(-len(everything) // 2))
    assert [r["sender_id"] for r in first["sessions"]] == [s.sender_id for s in everything[:2]]
    second = listing(bot, limit="2", page="2").json()
    assert [r["sender_id"] for r in second["sessions"]] == [s.sender_id for s in everything[2:4]]
    assert second["by_scenario"] == first["by_scenario"] and second["count"] == first["count"]
    assert listing(bot, limit="1000").status_code == 400 and listing(bot, page="0").status_code == 400

    page = trainer("#/sessions?limit=2")
    pages = page.get_by_role("navigation", name="Pages of sessions")
    expect(pages).to_contain_text(f"Page 1 of {first['pages']}")
    expect(pages.get_by_role("link", name="Previous page")).to_have_count(0)
    expect(page.locator(".tr-sessions tbody tr")).to_have_count(2)
    pages.get_by_role("link", name="Next page").click()
    expect(page).to_have_url(f"{bot.rasa_url}/trainer/#/sessions?limit=2&page=2")
    ready(page)
    # the page may still be the one before when the address changes: wait for the next page's rows
    expect(page.locator(".tr-sessions tbody tr").first).to_have_attribute("data-sender", everything[2].sender_id)
    assert page.locator(".tr-sessions tbody tr").evaluate_all("rows => rows.map(r => r.dataset.sender)") == \
        [s.sender_id for s in everything[2:4]]
    expect(page.locator(".tr-summary")).to_have_attribute("data-count", str(len(everything)))
    pages.get_by_role("link", name="Previous page").click()
    expect(page).to_have_url(f"{bot.rasa_url}/trainer/#/sessions?limit=2")
    assert run_axe(page) == []


def test_a_sessions_transcript_shows_moves_forms_disclosures_and_the_report(trainer, bot, held, screenshots):
    page = trainer(f"#/sessions?learner={held.one}")
    page.locator(f'tr[data-sender="{held.strong}"]').get_by_role("link").click()
    expect(page.get_by_role("heading", level=2)).to_have_text(
        f"Session: {held.one}, Eric: a first conversation after a fall")

    turns = learner_turns(tracker_events(bot)[held.strong])
    assert [t["text"] for t in turns] == STRONG_ERIC + ["/goodbye"]
    rows = page.locator(".tr-transcript tbody tr")
    expect(rows).to_have_count(len(turns))
    for number, (turn, row) in enumerate(zip(turns, rows.all()), start=1):
        expect(row).to_have_attribute("data-turn", str(number))
        expect(row.locator(".tr-said")).to_have_text(turn["text"])
        expect(row.locator('[data-col="move"]')).to_contain_text(turn["move"])
        expect(row.locator('[data-col="form"]')).to_have_text(turn["form"])
        shown = row.locator('[data-col="disclosed"] li').evaluate_all("items => items.map(i => i.dataset.fact)")
        assert shown == turn["disclosed"]
    # The person's words come without the name; what the coach sent is marked as the coach's.
    persona_lines = [e["text"] for e in tracker_events(bot)[held.strong] if e.get("event") == "bot"
                     and (e.get("text") or "").startswith("Eric: ")]
    shown_lines = rows.locator(".tr-replies p:not(.tr-muted)").all_inner_texts()
    assert shown_lines == [line[len("Eric: "):] for line in persona_lines[1:]]  # the opening line comes before turn 1
    expect(rows.last.locator(".tr-replies .tr-muted")).to_have_text(f"(The coach: {report_heading(bot, held.strong)})")
    disclosed = [(n, fact) for n, t in enumerate(turns, start=1) for fact in t["disclosed"]]
    assert disclosed, "a strong learner hears something"
    assert page.locator(".tr-disclosed li").evaluate_all(
        "items => items.map(i => [Number(i.dataset.turn), i.dataset.fact])") == [list(d) for d in disclosed]

    report = final_report(bot, held.strong)  # what the learner was shown
    expect(page.get_by_role("heading", level=3, name="The coach's report")).to_be_visible()
    check_report(page, report)
    page.screenshot(path=str(screenshots / "trainer-session.png"), full_page=True)
    assert run_axe(page) == []

    page.get_by_role("link", name="Back to sessions").click()
    expect(page).to_have_url(f"{bot.rasa_url}/trainer/#/sessions?learner={held.one}")

    # The unfinished session: too short to judge some criteria, and it says so instead of "Not met".
    page.locator(f'tr[data-sender="{held.unfinished}"]').get_by_role("link").click()
    expect(page.get_by_role("heading", level=3, name=re.compile("did not finish"))).to_be_visible()
    report = next(s.report for s in expected_sessions(bot) if s.sender_id == held.unfinished)
    assert any(bucket(c) == "not_judged" for c in report["criteria"])
    check_report(page, report)
    assert run_axe(page) == []


def check_report(page, report):
    """The session page's report shows each criterion's verdict, or not judged with the coach's note."""
    for c in report["criteria"]:
        item = page.locator(f'.tr-crit[data-criterion="{c["id"]}"]')
        expect(item.locator(".tr-verdict")).to_have_text(VERDICTS[bucket(c)])
        if bucket(c) == "not_judged":
            expect(item.locator(".tr-score")).to_have_count(0)  # no 0% for what was not judged
            expect(item).to_contain_text("Too early to judge")
        else:
            expect(item.locator(".tr-score")).to_have_text(pct(c["score"]))
        for evidence in c["evidence"]:
            expect(item.locator(".tr-evidence")).to_contain_text(f"Turn {evidence['turn']}: {evidence['text']}")


def report_heading(bot, sender: str) -> str:
    """The first line of the report text the learner was shown."""
    return [m for m in history(bot, sender)["messages"] if m.get("kind") == "report"][-1]["text"].split("\n")[0]


def expected_cohort(sessions) -> dict:
    """Counts (the three verdicts and not judged) and mean scores over the judged sessions per
    criterion, counted here from each session's report."""
    found = {}
    for s in sessions:
        for c in (s.report or {}).get("criteria", []):
            found.setdefault(c["id"], []).append(c)
    return {cid: (Counter(bucket(c) for c in criteria), judged_mean(criteria)) for cid, criteria in found.items()}


def check_cohort(page, sessions):
    expected = expected_cohort(sessions)
    expect(page.locator(".tr-summary")).to_have_attribute("data-count", str(len(sessions)))
    rows = page.locator(".tr-cohort tbody tr")
    expect(rows).to_have_count(7)
    assert expected, "there are reports to count"
    for cid, (counts, mean) in expected.items():
        row = page.locator(f'.tr-cohort tr[data-criterion="{cid}"]')
        bars = page.locator(f'svg g[data-criterion="{cid}"]')
        for verdict in VERDICTS:
            expect(row.locator(f'[data-verdict="{verdict}"]')).to_have_text(str(counts[verdict]))
            bar = bars.locator(f'rect[data-verdict="{verdict}"]')
            if counts[verdict]:
                expect(bar).to_have_attribute("data-count", str(counts[verdict]))
            else:
                expect(bar).to_have_count(0)
        expect(row.locator('[data-col="mean"]')).to_have_text(shown_mean(mean))
        expect(bars.locator(".tr-svg-mean")).to_have_text(shown_mean(mean))
    return expected


def test_cohort_summary_counts_verdicts_per_criterion_with_a_chart(trainer, bot, held, screenshots):
    page = trainer("#/cohort")
    everything = expected_sessions(bot)
    expected = check_cohort(page, everything)
    assert any(counts["not_judged"] for counts, _ in expected.values()), "short sessions are in the store"
    means = [m for m in (judged_mean(s.report["criteria"]) for s in everything if s.report) if m is not None]
    expect(page.locator(".tr-summary")).to_contain_text(f"mean score {pct(round(sum(means) / len(means), 2))}")
    expect(page.get_by_role("img", name="Verdicts per criterion")).to_be_visible()
    expect(page.locator(".tr-legend li")).to_have_text(list(VERDICTS.values()))
    expect(page.locator(".tr-cohort thead th")).to_have_text(["Criterion", *VERDICTS.values(), "Mean score"])
    assert "not judged" in page.locator("#tr-chart-desc").text_content()
    # The not-judged segment is a neutral grey that keeps 3:1 against the chart, and its count 4.5:1.
    grey = page.locator('svg rect[data-verdict="not_judged"]').first
    assert contrast(grey, page.locator(".tr-chart")) >= 3
    label = page.locator("svg text.tr-svg-count-dark").first
    if label.count():
        colour = label.evaluate("e => getComputedStyle(e).fill")
        assert colour == "rgb(31, 35, 40)" and contrast(grey, label) >= 4.5
    page.screenshot(path=str(screenshots / "trainer-cohort.png"), full_page=True)
    assert run_axe(page) == []

    page.get_by_label("Scenario", exact=True).select_option("rhi-pugh")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(f"{bot.rasa_url}/trainer/#/cohort?scenario=rhi-pugh")
    check_cohort(page, [s for s in everything if s.scenario == "rhi-pugh"])


def csv_cells(row: dict, c: dict) -> tuple:
    score = row[f"{c['id']}_score"]
    return row[f"{c['id']}_verdict"], float(score) if score else score


def csv_expected(c: dict) -> tuple:
    """A criterion's verdict and score cells: "not_judged" and an empty score when it was too early."""
    return ("not_judged", "") if bucket(c) == "not_judged" else (c["verdict"], c["score"])


def read_csv(page) -> list[dict]:
    with page.expect_download() as info:
        page.get_by_role("button", name="Download these sessions as CSV").click()
    download = info.value
    assert download.suggested_filename.startswith("outcomes-coach-sessions-") and download.suggested_filename.endswith(".csv")
    with open(download.path(), encoding="utf-8", newline="") as f:
        return list(csv.DictReader(io.StringIO(f.read())))


def test_csv_export_has_a_row_per_session_with_each_verdict(trainer, bot, held):
    page = trainer("#/sessions")
    rows = read_csv(page)
    everything = expected_sessions(bot)
    assert sorted(r["sender_id"] for r in rows) == sorted(s.sender_id for s in everything)
    by_sender = {r["sender_id"]: r for r in rows}
    for sender, learner, scenario in ((held.strong, held.one, "eric-battersby"), (held.checklist, held.two, "rhi-pugh")):
        row = by_sender[sender]
        assert (row["learner"], row["scenario"], row["finished"]) == (learner, scenario, "True")
        for c in final_report(bot, sender)["criteria"]:
            assert csv_cells(row, c) == csv_expected(c)
    # Every session, finished or not: a criterion too early to judge says so and has no score.
    for s in everything:
        for c in (s.report or {}).get("criteria", []):
            assert csv_cells(by_sender[s.sender_id], c) == csv_expected(c), s.sender_id
    unfinished = next(s for s in everything if s.sender_id == held.unfinished)
    assert any(bucket(c) == "not_judged" for c in unfinished.report["criteria"])
    expect(page.get_by_role("status").last).to_have_text("The CSV file has been downloaded.")

    page = trainer(f"#/sessions?learner={held.two}")
    assert [r["sender_id"] for r in read_csv(page)] == [held.checklist]


def test_scenario_files_list_shows_a_broken_edit(trainer, bot, screenshots):
    page = trainer("#/scenarios")
    files = sorted(p.name for p in bot.scenarios.glob("*.yml"))
    rows = page.locator(".tr-files tbody tr")
    expect(rows).to_have_count(len(files))
    assert rows.evaluate_all("rows => rows.map(r => [r.dataset.file, r.dataset.live])") == [[f, "true"] for f in files]

    broken = bot.scenarios / "ada-broken.yml"
    template = (ROOT / "docs" / "scenario-template.yml").read_text()
    broken.write_text(template.replace("id: template-person", "id: ada-broken").replace(
        "moves: [ask_network]", "moves: [ask_netwrk]"))
    try:
        page.reload()
        ready(page)
        row = page.locator('.tr-files tr[data-file="ada-broken.yml"]')
        expect(row).to_have_attribute("data-live", "false")
        expect(row).to_contain_text("Not live")
        expect(row.locator(".tr-problems li").first).to_contain_text("'ask_netwrk' is not a practitioner move")
        expect(row.locator(".tr-problems li").first).to_contain_text("Did you mean 'ask_network'")
        expect(row.locator(".tr-problems li").first).to_have_text(re.compile(r"^Line \d+, field '"))
        page.screenshot(path=str(screenshots / "trainer-scenarios.png"), full_page=True)
        assert run_axe(page) == []
        # The learners' picker lists only good scenarios.
        listed = requests.get(f"{bot.rasa_url}/chat/api/scenarios", timeout=30).json()["scenarios"]
        assert "ada-broken" not in {s["id"] for s in listed}
    finally:
        broken.unlink()


def test_the_trainer_token_is_never_written_to_the_logs(bot, held):
    api(bot, "sessions")
    api(bot, "sessions", token=TRAINER_TOKEN[:-1])
    for log in (bot.work / "logs").glob("*.log"):
        assert TRAINER_TOKEN not in log.read_text(errors="replace"), log
