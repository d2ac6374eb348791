"""A goodbye typed in the chat (issue 11, item 5): the person's close and a choice, in Chromium."""

import re
import uuid

import pytest
from playwright.sync_api import expect

from tests.web.chat_page import ChatPage, history, post, run_axe

pytestmark = pytest.mark.e2e

OPENING = [
    "hello Eric, I'm Sam from the community wellbeing team, thanks for having me",
    "what do you enjoy doing with your time these days?",
]
CLOSING = "right, i'll let you get on now. thanks for today, see you thursday"


def close(chat: ChatPage):
    """Type a closing line; return the choice's group once the person's close and the choice show."""
    before = chat.persons.count()
    chat.box.fill(CLOSING)
    chat.box.press("Enter")
    expect(chat.persons).to_have_count(before + 1)
    choice = chat.log.get_by_role("group", name="Finish now or keep talking")
    expect(choice).to_be_visible()
    expect(chat.typing).to_be_hidden()
    return choice


def test_a_typed_goodbye_offers_finish_or_keep_talking_and_both_work(page, chat_url, bot, screenshots):
    page.goto(chat_url)
    chat = ChatPage(page).wait_ready()
    for line in OPENING:
        chat.say(line)

    choice = close(chat)
    expect(chat.log.locator(".oc-choice > p")).to_have_text(re.compile(r"^Eric has said goodbye\."))
    expect(choice.get_by_role("button")).to_have_text(["Finish and get feedback", "Keep talking"])
    expect(chat.report).to_have_count(0)  # a typed goodbye is not the end
    assert run_axe(page) == []
    page.screenshot(path=str(screenshots / "goodbye-choice.png"))

    # Keep talking, by keyboard: back from the message box to the choice's last button
    expect(chat.box).to_be_focused()
    page.keyboard.press("Shift+Tab")
    expect(choice.get_by_role("button", name="Keep talking")).to_be_focused()
    page.keyboard.press("Enter")
    expect(choice).to_have_count(0)
    expect(chat.log.locator(".oc-note").last).to_have_text("You chose to keep talking.")
    expect(chat.box).to_be_focused()
    reply = chat.say("who are the people who matter most to you?")  # the person answers as usual
    assert reply and "said goodbye" not in reply
    expect(chat.report).to_have_count(0)

    # A later goodbye asks again; Finish gives the report card, without a second goodbye
    choice = close(chat)
    persons = chat.persons.count()
    choice.get_by_role("button", name="Finish and get feedback").click()
    expect(chat.report).to_have_count(1)
    expect(chat.report.get_by_role("heading", level=3)).to_have_text(re.compile("^Your feedback on this conversation"))
    expect(chat.log.get_by_role("group", name="Finish now or keep talking")).to_have_count(0)
    expect(chat.persons).to_have_count(persons)
    expect(chat.log.locator(".oc-note").last).to_have_text("You finished the conversation.")
    reports = [m["report"] for m in history(bot, chat.sender())["messages"] if m.get("kind") == "report"]
    assert [r["final"] for r in reports] == [True]

    # Reloaded, the conversation shows the same, and the spent choices offer no buttons
    page.reload()
    ChatPage(page).wait_ready(persons=persons)
    expect(chat.report).to_have_count(1)
    expect(chat.log.locator(".oc-choice")).to_have_count(2)
    expect(chat.log.locator(".oc-choose")).to_have_count(0)


def test_a_choice_left_open_is_still_offered_after_a_reload(page, chat_url):
    page.goto(chat_url)
    chat = ChatPage(page).wait_ready()
    chat.say(OPENING[1])
    close(chat)
    page.reload()
    chat = ChatPage(page).wait_ready(persons=3)
    choice = chat.log.get_by_role("group", name="Finish now or keep talking")
    expect(choice.get_by_role("button")).to_have_text(["Finish and get feedback", "Keep talking"])
    choice.get_by_role("button", name="Finish and get feedback").click()
    expect(chat.report).to_have_count(1)


def test_the_chats_own_api_sends_the_choice_with_its_buttons_and_answers_keep_talking(bot):
    sender = f"web-goodbye-{uuid.uuid4().hex[:8]}"
    assert post(bot, sender, "/session_start").status_code == 200
    shown = post(bot, sender, CLOSING).json()["messages"]
    assert shown[0]["from"] == "person"
    assert shown[-1] == {"from": "coach", "text": shown[-1]["text"], "buttons": [
        {"title": "Finish and get feedback", "payload": "/goodbye"}, {"title": "Keep talking", "payload": "/keep_talking"}]}
    assert history(bot, sender)["messages"][-1] == shown[-1]  # the same after a reload
    note = post(bot, sender, "/keep_talking").json()["messages"]
    assert note == [{"from": "coach", "text": "Carry on when you are ready: type your next line to the person."}]
    assert history(bot, sender)["messages"][-1] == shown[-1]  # nothing was stored
