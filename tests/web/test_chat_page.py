"""The chat page at /chat/ in Debian's Chromium, against the real Rasa and action servers."""

import re
import uuid

import pytest
from playwright.sync_api import expect

from tests.web.chat_page import PHONE, VERDICTS, ChatPage, bucket, history, post, run_axe, storage_key

pytestmark = pytest.mark.e2e

VISIT = [
    "hello Eric, I'm Sam from the community wellbeing team, thanks for having me",
    "what do you enjoy doing with your time these days?",
    "it sounds like working with wood has always been part of who you are",
    "who are the people who matter most to you?",
]
PAYLOAD = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script><b>bold?</b> & co'


def open_chat(page, url) -> ChatPage:
    page.goto(url)
    return ChatPage(page).wait_ready()


def latest_report(bot, sender) -> dict:
    return [m for m in history(bot, sender)["messages"] if m.get("kind") == "report"][-1]["report"]


def test_a_visit_brief_typing_hint_report_and_reload(page, browser, chat_url, bot, screenshots):
    chat = open_chat(page, chat_url)

    # The brief shows before the learner types anything, then the person's opening line.
    shown = chat.log.locator(".oc-msg")
    expect(shown).to_have_count(2)
    expect(shown.nth(0)).to_have_class(re.compile(r"\boc-coach\b"))
    expect(shown.nth(0)).to_contain_text("Role-play: Eric")
    expect(shown.nth(1)).to_have_class(re.compile(r"\boc-person\b"))
    expect(page.get_by_role("heading", name="Practice conversation: Eric")).to_be_visible()
    expect(page.locator(".oc-mood")).to_have_text(re.compile(r"^Mood: \w+"))  # Eric's scenario shows mood

    # While a reply is pending the learner sees who is typing; the reply is held back to look.
    held = []
    page.route("**/chat/api/message", lambda route: held.append(route))
    chat.box.fill(VISIT[0])
    chat.box.press("Enter")
    expect(chat.typing).to_have_text("Eric is typing…")
    expect(page.locator(".oc-learner")).to_have_text([re.compile("Sam from the community")])
    for _ in range(200):
        if held:
            break
        page.wait_for_timeout(50)
    assert len(held) == 1, "the message request never left the page"
    held[0].continue_()
    page.unroute("**/chat/api/message")
    expect(chat.persons).to_have_count(2)
    expect(chat.typing).to_be_hidden()
    expect(chat.box).to_have_value("")
    for line in VISIT[1:]:
        assert chat.say(line)

    chat.button("Get a hint").click()
    hint = page.locator(".oc-hint")
    expect(hint).to_have_count(1)
    expect(hint).to_contain_text("Hint - ")
    expect(page.locator(".oc-note")).to_have_text(["You asked for a hint."])
    assert chat.log.inner_text().count(hint.locator("p").inner_text()) == 1  # a card, not card and text
    page.screenshot(path=str(screenshots / "chat.png"))

    chat.button("Finish and get feedback").click()
    expect(chat.report).to_have_count(1)
    expect(chat.persons).to_have_count(len(VISIT) + 2)  # Eric closes in character before the report
    card = chat.report
    expect(card.get_by_role("heading", level=3)).to_have_text("Your feedback on this conversation with Eric")
    assert chat.log.inner_text().count("Your feedback on this conversation with Eric") == 1

    report = latest_report(bot, chat.sender())
    assert report["final"] is True and any(c["evidence"] for c in report["criteria"])
    items = card.locator(".oc-crit")
    expect(items).to_have_count(len(report["criteria"]))
    for criterion, item in zip(report["criteria"], items.all()):
        score = f"{round(criterion['score'] * 100)}%"
        expect(item.get_by_role("heading", level=4)).to_have_text(criterion["title"])
        expect(item.locator(".oc-verdict")).to_have_text(VERDICTS[criterion["verdict"]])
        expect(item.locator(".oc-pct")).to_have_text(score)
        assert item.locator(".oc-fill").evaluate("e => e.style.width") == score
        for evidence in criterion["evidence"]:
            assert evidence["text"] in VISIT  # the learner's own words
            expect(item.locator(".oc-evidence")).to_contain_text(f"Turn {evidence['turn']}: {evidence['text']}")
        if criterion["suggestion"]:
            expect(item.locator(".oc-suggestion")).to_have_text(f"Try: {criterion['suggestion']}")
    card.evaluate("e => e.scrollIntoView({block: 'start'})")
    page.screenshot(path=str(screenshots / "report-card-in-chat.png"))

    # A reload shows the same conversation, restored from the server: the browser keeps only its id.
    before = chat.log.inner_text()
    page.reload()
    chat.wait_ready(persons=len(VISIT) + 2)
    expect(chat.report).to_have_count(1)
    assert chat.log.inner_text() == before
    sender = chat.sender()
    assert all(VISIT[1] not in value for value in chat.storage().values())

    # A browser that never saw this conversation shows it too, given only its id.
    other = browser.new_context()
    try:
        other.add_init_script(f"localStorage.setItem({storage_key(bot)!r}, {sender!r})")
        fresh = other.new_page()
        fresh.goto(chat_url)
        ChatPage(fresh).wait_ready(persons=len(VISIT) + 2)
        assert ChatPage(fresh).log.inner_text() == before
    finally:
        other.close()


def test_a_report_on_a_very_short_conversation_says_not_judged_not_zero(page, chat_url, bot):
    chat = open_chat(page, chat_url)
    chat.say("hello eric")
    chat.button("Finish and get feedback").click()
    expect(chat.report).to_have_count(1)
    report = latest_report(bot, chat.sender())
    too_early = [c for c in report["criteria"] if bucket(c) == "not_judged"]
    assert too_early, "one turn is too few to judge"
    for c in report["criteria"]:
        item = chat.report.locator(f'[data-criterion="{c["id"]}"]')
        expect(item.locator(".oc-verdict")).to_have_text(VERDICTS[bucket(c)])
        if bucket(c) == "not_judged":
            expect(item.locator(".oc-pct")).to_have_count(0)  # no 0% that reads as a failure
            expect(item.locator(".oc-crit-note")).to_contain_text("Too early to judge")


def test_html_and_script_are_shown_as_text_and_never_run(page, chat_url):
    chat = open_chat(page, chat_url)
    chat.say(PAYLOAD)
    for _ in range(2):  # as sent, then as restored from the server
        expect(page.locator(".oc-learner p")).to_have_text([PAYLOAD])
        assert page.locator(".oc-log img, .oc-log script, .oc-log b").count() == 0
        assert page.evaluate("() => window.__pwned") is None
        page.reload()
        chat.wait_ready(persons=2)


def test_keyboard_only_labelled_controls_live_region_and_axe(page, chat_url, screenshots):
    chat = open_chat(page, chat_url)
    expect(page.get_by_label("Your message to Eric")).to_be_visible()
    for name in ("Send", "Get a hint", "Finish and get feedback", "Start again"):
        expect(chat.button(name)).to_be_visible()
    expect(chat.log).to_have_attribute("aria-live", "polite")

    page.keyboard.press("Tab")  # the conversation, scrollable by keyboard
    expect(chat.log).to_be_focused()
    page.keyboard.press("Tab")
    expect(chat.box).to_be_focused()
    page.keyboard.type("what do you enjoy doing with your time these days?")
    page.keyboard.press("Enter")
    expect(chat.persons).to_have_count(2)
    expect(chat.box).to_be_focused()
    page.keyboard.press("Tab")
    expect(chat.button("Send")).to_be_focused()
    page.keyboard.press("Tab")
    expect(chat.button("Get a hint")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(".oc-hint")).to_have_count(1)
    page.keyboard.press("Tab")
    expect(chat.button("Finish and get feedback")).to_be_focused()
    page.keyboard.press("Space")
    expect(chat.report).to_have_count(1)
    page.keyboard.press("Tab")
    expect(chat.button("Start again")).to_be_focused()

    assert run_axe(page) == []


def test_unreachable_server_keeps_the_message_to_send_again(page, context, chat_url):
    chat = open_chat(page, chat_url)
    line = "what matters most to you these days?"
    context.set_offline(True)
    chat.box.fill(line)
    chat.box.press("Enter")
    expect(chat.alert).to_contain_text("Could not reach the coach")
    expect(chat.alert).to_contain_text("still in the box")
    expect(chat.box).to_have_value(line)
    expect(page.locator(".oc-learner")).to_have_count(0)

    context.set_offline(False)
    chat.button("Try again").click()
    expect(chat.persons).to_have_count(2)
    expect(page.locator(".oc-learner p")).to_have_text([line])
    expect(chat.box).to_have_value("")
    expect(chat.alert).to_be_hidden()


def test_a_message_the_server_refuses_is_explained_and_kept(page, chat_url):
    chat = open_chat(page, chat_url)
    chat.box.press("Enter")
    expect(chat.alert).to_have_text("Type a message first.")
    expect(chat.button("Try again")).to_have_count(0)
    too_long = "tell me about the allotment " * 80
    chat.box.fill(too_long)
    chat.box.press("Enter")
    expect(chat.alert).to_contain_text("the limit is 2000")
    expect(chat.box).to_have_value(too_long)
    expect(page.locator(".oc-learner")).to_have_count(0)


def test_start_again_is_a_fresh_conversation_and_the_old_one_is_kept(page, chat_url, bot):
    chat = open_chat(page, chat_url)
    chat.say("what do you enjoy doing with your time these days?")
    old = chat.sender()

    page.once("dialog", lambda dialog: dialog.dismiss())
    chat.button("Start again").click()
    expect(page.locator(".oc-learner")).to_have_count(1)
    assert chat.sender() == old

    page.once("dialog", lambda dialog: dialog.accept())
    chat.button("Start again").click()
    expect(page.locator(".oc-learner")).to_have_count(0)
    chat.wait_ready()
    expect(chat.log.locator(".oc-msg").first).to_contain_text("Role-play: Eric")
    assert chat.sender() != old
    page.reload()
    chat.wait_ready()
    expect(page.locator(".oc-learner")).to_have_count(0)
    assert [m["text"] for m in history(bot, old)["messages"] if m["from"] == "learner"] == \
        ["what do you enjoy doing with your time these days?"]


def test_report_card_is_readable_on_a_phone(browser, bot, chat_url, screenshots):
    # The conversation is held through the chat's API; the phone only opens it, by its id.
    sender = f"web-phone-{uuid.uuid4().hex[:8]}"
    for text in ["/session_start"] + VISIT + ["/goodbye"]:
        post(bot, sender, text, {"scenario": "eric-battersby"}).raise_for_status()
    ctx = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    try:
        ctx.add_init_script(f"localStorage.setItem({storage_key(bot)!r}, {sender!r})")
        page = ctx.new_page()
        page.goto(chat_url)
        chat = ChatPage(page).wait_ready(persons=len(VISIT) + 2)
        card = chat.report
        card.evaluate("e => e.scrollIntoView({block: 'start'})")
        page.screenshot(path=str(screenshots / "chat-phone.png"))

        assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
        beyond = card.evaluate("""c => [...c.querySelectorAll('*')]
            .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5).map(e => e.className)""")
        assert beyond == []
        smallest = card.evaluate("""c => Math.min(...[...c.querySelectorAll('h4, p, li, .oc-verdict, .oc-pct')]
            .map(e => parseFloat(getComputedStyle(e).fontSize)))""")
        assert smallest >= 13
        assert run_axe(page) == []

        page.set_viewport_size({"width": PHONE["width"], "height": 3200})  # room for the whole card
        card.evaluate("e => e.scrollIntoView({block: 'start'})")
        card.screenshot(path=str(screenshots / "report-card.png"))
    finally:
        ctx.close()
