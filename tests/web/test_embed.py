"""widget.js embedded in a training portal on another origin: allowed origins work, others are refused."""

from urllib.parse import urlsplit

import pytest
import requests
from playwright.sync_api import expect

from tests.web.chat_page import ChatPage, history, post

pytestmark = pytest.mark.e2e

PAYLOAD = '<img src=x onerror="window.__pwned=1"><b>bold?</b>'


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def test_widget_works_in_a_portal_on_the_allow_list(page, portals, bot, screenshots):
    page.goto(portals["allowed"])
    assert origin(page.url) != origin(bot.rasa_url)
    chat = ChatPage(page).wait_ready()
    expect(page.locator("#practice").get_by_role("log", name="Conversation")).to_be_visible()
    expect(chat.log.locator(".oc-msg").first).to_contain_text("Role-play: Eric")
    assert chat.say("hello Eric, what do you enjoy doing with your time?")

    # No page policy protects the portal, so this shows that the widget itself never parses markup.
    chat.say(PAYLOAD)
    expect(page.locator(".oc-learner p").last).to_have_text(PAYLOAD)
    assert page.locator(".oc-log img, .oc-log b").count() == 0
    assert page.evaluate("() => window.__pwned") is None
    page.screenshot(path=str(screenshots / "portal.png"))

    page.reload()
    ChatPage(page).wait_ready(persons=3)
    expect(page.locator(".oc-learner")).to_have_count(2)


def test_widget_is_refused_in_a_portal_not_on_the_allow_list(page, portals, bot, screenshots):
    page.goto(portals["refused"])
    chat = ChatPage(page)
    expect(chat.alert).to_contain_text(f"does not accept requests from this site ({origin(portals['refused'])})")
    expect(chat.log.locator(".oc-msg")).to_have_count(0)
    chat.box.fill("hello Eric")
    chat.box.press("Enter")
    expect(chat.alert).to_contain_text("does not accept requests")
    expect(chat.box).to_have_value("hello Eric")
    assert history(bot, chat.sender())["messages"] == []  # nothing reached the bot
    page.screenshot(path=str(screenshots / "portal-refused.png"))


def test_api_gives_cors_headers_only_to_allowed_origins(bot, portals):
    allowed, refused = origin(portals["allowed"]), origin(portals["refused"])
    url = f"{bot.rasa_url}/chat/api/message"
    preflight = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}

    ok = requests.options(url, headers={"Origin": allowed, **preflight}, timeout=30)
    assert ok.status_code == 204 and ok.headers["Access-Control-Allow-Origin"] == allowed
    assert "POST" in ok.headers["Access-Control-Allow-Methods"]
    assert "content-type" in ok.headers["Access-Control-Allow-Headers"].lower()

    no = requests.options(url, headers={"Origin": refused, **preflight}, timeout=30)
    assert no.status_code == 403 and "Access-Control-Allow-Origin" not in no.headers

    sent = post(bot, "web-refused-1", "hello Eric", origin=refused)
    assert sent.status_code == 403 and "Access-Control-Allow-Origin" not in sent.headers
    assert "COACH_ALLOWED_ORIGINS" in sent.json()["error"]
    assert history(bot, "web-refused-1")["messages"] == []
    read = requests.get(f"{bot.rasa_url}/chat/api/history", params={"sender": "web-refused-1"},
                        headers={"Origin": refused}, timeout=30)
    assert read.status_code == 403 and "Access-Control-Allow-Origin" not in read.headers

    accepted = post(bot, "web-allowed-1", "hello Eric", origin=allowed)
    assert accepted.status_code == 200 and accepted.headers["Access-Control-Allow-Origin"] == allowed
    assert accepted.json()["messages"]
    # The page and widget themselves load from anywhere; only the API is guarded.
    assert requests.get(f"{bot.rasa_url}/chat/widget.js", headers={"Origin": refused}, timeout=30).ok


def test_bad_requests_get_a_clear_error(bot):
    url = f"{bot.rasa_url}/chat/api/message"
    not_json = requests.post(url, data="hello", headers={"Content-Type": "application/json"}, timeout=30)
    assert not_json.status_code == 400 and "not valid JSON" in not_json.json()["error"]
    no_sender = requests.post(url, json={"message": "hello"}, timeout=30)
    assert no_sender.status_code == 400 and "'sender'" in no_sender.json()["error"]
    bad_history = requests.get(f"{bot.rasa_url}/chat/api/history", params={"sender": "../etc"}, timeout=30)
    assert bad_history.status_code == 400
