"""The learner's side: a learner id with every message, choosing a scenario, their own progress page."""

import re

import pytest
import requests
from playwright.sync_api import expect

from tests.web.chat_page import VERDICTS, ChatPage, bucket, history, run_axe
from tests.web.held import CHECKLIST, STRONG, expected_sessions, hold, new_learner

pytestmark = pytest.mark.e2e

LEARNER_ID = re.compile(r"^learner-[0-9a-f]{32}$")


def watch_messages(page) -> list[dict]:
    """The bodies of the chat's message requests, as they leave the page."""
    sent: list[dict] = []
    page.on("request", lambda r: sent.append(r.post_data_json) if r.url.endswith("/chat/api/message") else None)
    return sent


def learner_key(bot) -> str:
    return f"outcomes-coach-learner:{bot.rasa_url}/chat/"


def test_every_message_carries_the_learner_id_kept_in_this_browser(page, chat_url, bot):
    sent = watch_messages(page)
    page.goto(chat_url)
    chat = ChatPage(page).wait_ready()
    chat.say("what do you enjoy doing with your time these days?")
    first = chat.sender()
    learner = page.evaluate(f"() => localStorage.getItem({learner_key(bot)!r})")
    assert LEARNER_ID.match(learner) and learner != first

    page.once("dialog", lambda dialog: dialog.accept())
    chat.button("Start again").click()
    chat.wait_ready()
    chat.say("who are the people who matter most to you?")
    assert chat.sender() != first  # a new conversation, the same learner
    assert [body["message"] for body in sent] == ["/session_start", "what do you enjoy doing with your time these days?",
                                                  "/session_start", "who are the people who matter most to you?"]
    assert all(body["metadata"]["learner"] == learner for body in sent)
    assert {body["sender"] for body in sent} == {first, chat.sender()}

    # The learner id survives a reload; the tracker store keeps it with the conversation.
    page.reload()
    chat.wait_ready(persons=2)
    assert page.evaluate(f"() => localStorage.getItem({learner_key(bot)!r})") == learner
    mine = [s for s in expected_sessions(bot) if s.learner == learner]
    assert sorted(s.sender_id for s in mine) == sorted({first, chat.sender()})


def test_a_portal_passes_its_own_learner_id(page, portals, bot):
    learner = new_learner("portal")
    portal = f"{portals['allowed']}?learner={learner}"  # the demo portal's data-learner
    sent = watch_messages(page)
    page.goto(portal)
    chat = ChatPage(page).wait_ready()
    chat.say("what do you enjoy doing with your time these days?")
    assert all(body["metadata"] == {"scenario": "eric-battersby", "learner": learner} for body in sent)
    assert [s.sender_id for s in expected_sessions(bot) if s.learner == learner] == [chat.sender()]
    assert not [k for k in chat.storage() if k.startswith("outcomes-coach-learner:")]  # the portal's id is used as given

    # The progress page lives on the coach's site: the link carries the id in its fragment.
    link = page.get_by_role("link", name=re.compile("^Your practice record"))
    expect(link).to_have_attribute("href", f"{bot.rasa_url}/chat/progress/#learner={learner}")
    expect(link).to_have_attribute("target", "_blank")
    assert run_axe(page) == []


def test_scenario_picker_lists_every_good_scenario_and_starts_the_chosen_one(page, chat_url, bot, screenshots):
    listed = requests.get(f"{bot.rasa_url}/chat/api/scenarios", timeout=30).json()
    assert {s["id"] for s in listed["scenarios"]} == {p.stem for p in bot.scenarios.glob("*.yml")}
    sent = watch_messages(page)
    page.goto(f"{chat_url}?scenario=rhi-pugh")
    chat = ChatPage(page).wait_ready()
    picker = page.get_by_label("Practise another scenario")
    expect(picker).to_be_visible()
    expect(picker).to_have_value("rhi-pugh")
    options = picker.locator("option")
    expect(options).to_have_count(len(listed["scenarios"]))
    assert [(o.get_attribute("value"), o.inner_text()) for o in options.all()] == \
        [(s["id"], s["title"]) for s in listed["scenarios"]]
    groups = picker.locator("optgroup")
    assert [g.get_attribute("label") for g in groups.all()] == \
        [f"Conversation {n}" for n in sorted({s["conversation"] for s in listed["scenarios"]})]
    chat.say("what do you enjoy doing with your time these days?")
    old = chat.sender()

    picker.select_option("lorraine-pritchard")
    page.once("dialog", lambda dialog: dialog.accept())
    chat.button("Start this scenario").click()
    expect(page.locator(".oc-learner")).to_have_count(0)
    chat.wait_ready()
    new = chat.sender()
    person = history(bot, new)["persona"]
    assert new != old and person["scenario"] == "lorraine-pritchard"
    expect(page.get_by_role("heading", name=f"Practice conversation: {person['name']}")).to_be_visible()
    assert sent[-1] == {"sender": new, "message": "/session_start",
                        "metadata": {"scenario": "lorraine-pritchard", "learner": sent[0]["metadata"]["learner"]}}
    chat.say("how are things for you at night at the moment?")
    page.screenshot(path=str(screenshots / "chat-picker.png"))
    assert run_axe(page) == []

    # A reload shows the picked conversation; starting again keeps its scenario.
    page.reload()
    chat.wait_ready(persons=2)
    expect(picker).to_have_value("lorraine-pritchard")
    page.once("dialog", lambda dialog: dialog.accept())
    chat.button("Start again").click()
    chat.wait_ready()
    assert chat.sender() != new and history(bot, chat.sender())["persona"]["scenario"] == "lorraine-pritchard"


def test_progress_page_lists_only_this_learners_sessions_and_downloads_the_record(browser, bot, screenshots):
    me, other = new_learner("me"), new_learner("other")
    mine = [hold(bot, me, "eric-battersby", STRONG), hold(bot, me, "rhi-pugh", CHECKLIST[:3], finish=False)]
    theirs = hold(bot, other, "lorraine-pritchard", CHECKLIST)
    held = {s.sender_id: s for s in expected_sessions(bot)}
    titles = {s["id"]: s["title"] for s in requests.get(f"{bot.rasa_url}/chat/api/scenarios", timeout=30).json()["scenarios"]}

    ctx = browser.new_context(viewport={"width": 1000, "height": 900}, locale="en-GB", accept_downloads=True)
    try:
        ctx.add_init_script(f"localStorage.setItem({learner_key(bot)!r}, {me!r})")
        page = ctx.new_page()
        page.goto(f"{bot.rasa_url}/chat/")
        ChatPage(page).wait_ready()
        page.get_by_role("link", name="Your practice record").click()
        expect(page).to_have_url(f"{bot.rasa_url}/chat/progress/")  # same site: no id in the link
        sessions = page.locator(".op-session")
        expect(sessions).to_have_count(len(mine))
        assert sorted(sessions.evaluate_all("els => els.map(e => e.dataset.sender)")) == sorted(mine)
        assert theirs not in page.content()
        for sender in mine:
            item = page.locator(f'.op-session[data-sender="{sender}"]')
            session = held[sender]
            expect(item.get_by_role("heading", level=2)).to_have_text(f"{session.date} · {titles[session.scenario]}")
            expect(item.locator(".op-meta")).to_contain_text(f"{session.turns} turns")
            for c in session.report["criteria"]:
                shown = item.locator(f'[data-criterion="{c["id"]}"]')
                expect(shown.locator(".oc-verdict")).to_have_text(VERDICTS[bucket(c)])
                if bucket(c) == "not_judged":  # too early: said so, with no 0% score
                    expect(shown.locator(".oc-pct")).to_have_count(0)
                    expect(item.locator(".op-not-judged")).to_contain_text("too short for the coach to judge")
                else:
                    expect(shown.locator(".oc-pct")).to_have_text(f"{round(c['score'] * 100)}%")
        short = held[mine[1]].report["criteria"]
        assert any(bucket(c) == "not_judged" for c in short), "three turns are too few to judge everything"
        expect(page.locator(f'.op-session[data-sender="{mine[0]}"] .op-not-judged')).to_have_count(
            int(any(bucket(c) == "not_judged" for c in held[mine[0]].report["criteria"])))
        assert run_axe(page) == []
        page.screenshot(path=str(screenshots / "progress.png"), full_page=True)

        with page.expect_download() as info:
            page.get_by_role("button", name="Download your practice record (.txt)").click()
        download = info.value
        assert re.match(r"^practice-record-\d{4}-\d{2}-\d{2}\.txt$", download.suggested_filename)
        record = open(download.path(), encoding="utf-8").read()
        assert f"Learner: {me}" in record and other not in record and "lorraine-pritchard" not in record
        for sender in mine:
            session = held[sender]
            assert f"{session.date}  {titles[session.scenario]} ({session.scenario})  ({session.turns} turns" in record
            for c in session.report["criteria"]:
                if bucket(c) == "not_judged":
                    assert f"{c['title']}: not judged" in record
                    continue
                assert f"{c['title']}: {c['verdict'].replace('_', ' ')} ({c['score']:.0%})" in record
                for evidence in c["evidence"][:1]:
                    assert f'turn {evidence["turn"]}: "{evidence["text"]}"' in record
        expect(page.get_by_role("status")).to_have_text("Your practice record has been downloaded.")

        # Another learner's link (an embedded chat's, with the id in the fragment) shows theirs only.
        page.goto("about:blank")
        page.goto(f"{bot.rasa_url}/chat/progress/#learner={other}")
        expect(sessions).to_have_count(1)
        expect(sessions).to_have_attribute("data-sender", theirs)
    finally:
        ctx.close()


def test_progress_page_without_a_learner_says_so(page, bot):
    page.goto(f"{bot.rasa_url}/chat/progress/")
    expect(page.get_by_role("status")).to_contain_text("has not practised with the coach yet")
    expect(page.get_by_role("button", name=re.compile("Download"))).to_be_hidden()
    assert run_axe(page) == []


def test_progress_api_checks_the_learner_id(bot):
    url = f"{bot.rasa_url}/chat/api/progress"
    assert requests.get(url, timeout=30).status_code == 400
    bad = requests.get(url, params={"learner": "<script>"}, timeout=30)
    assert bad.status_code == 400 and "'learner' must be" in bad.json()["error"]
    nobody = requests.get(url, params={"learner": new_learner("nobody")}, timeout=30)
    assert nobody.status_code == 200 and nobody.json()["sessions"] == []
    refused = requests.get(url, params={"learner": "x"}, headers={"Origin": "http://evil.example"}, timeout=30)
    assert refused.status_code == 403 and "Access-Control-Allow-Origin" not in refused.headers
    record = requests.get(f"{bot.rasa_url}/chat/api/record", params={"learner": new_learner("nobody")}, timeout=30)
    assert record.headers["Content-Type"].startswith("text/plain") and "No practice sessions yet." in record.text
    assert record.headers["Content-Disposition"].startswith("attachment;")
