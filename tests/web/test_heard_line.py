"""The web chat's "heard as" line and "that's not what I meant", in Chromium, by keyboard (issue
11, item 7), against the real servers and model."""

import re

import pytest
import requests
from playwright.sync_api import expect

from tests.conftest import TRAINER_TOKEN
from tests.web.chat_page import ChatPage, history, run_axe

pytestmark = pytest.mark.e2e

TURN = "so the allotment's your place. what would a good summer up there look like?"


def focused(locator) -> bool:
    """Is this element (inside the widget's shadow root) the one with the keyboard focus?"""
    return locator.evaluate("e => e.getRootNode().activeElement === e")


def test_the_heard_line_shows_and_a_correction_is_sent_by_keyboard(page, chat_url, bot, screenshots):
    page.goto(chat_url)
    chat = ChatPage(page).wait_ready()
    chat.say(TURN)
    sender = chat.sender()
    (shown,) = [m for m in history(bot, sender)["messages"] if m["from"] == "learner"]
    heard = shown["heard"]

    # Right under the learner's bubble: what the coach heard, in plain words.
    line = page.locator(".oc-learner + .oc-heard")
    expect(line).to_have_count(1)
    expect(line.locator(".oc-heard-line")).to_have_text(f"Heard as: {heard['label']}")
    button = line.get_by_role("button", name=re.compile(r"^That's not what I meant"))
    expect(button).to_have_attribute("aria-expanded", "false")
    assert run_axe(page) == []

    # By keyboard: back from the message box to the button; Escape closes the list again.
    expect(chat.box).to_be_focused()
    page.keyboard.press("Shift+Tab")
    expect(button).to_be_focused()
    page.keyboard.press("Enter")
    form = line.get_by_role("form", name="What did you mean? Tick what fits.")
    expect(form).to_be_visible()
    expect(button).to_have_attribute("aria-expanded", "true")
    assert run_axe(page) == []
    page.screenshot(path=str(screenshots / "heard-as-meant.png"))
    page.keyboard.press("Escape")
    expect(form).to_have_count(0)
    expect(button).to_be_focused()

    # Open it again, choose by keyboard and send.
    page.keyboard.press("Enter")
    expect(form).to_be_visible()
    boxes = form.get_by_role("checkbox")
    expect(boxes).to_have_count(len(heard["likely"]))
    if heard["likely"]:
        expect(boxes.first).to_be_focused()
        page.keyboard.press("Space")
        expect(boxes.first).to_be_checked()
        meant = [heard["likely"][0]]
    else:  # nothing ranked next: "something else" is the list
        other = form.get_by_label("Something else")
        expect(other).to_be_focused()
        page.keyboard.press("ArrowDown")
        meant = [other.input_value()]
    send = form.get_by_role("button", name="Send", exact=True)
    for _ in range(10):
        if focused(send):
            break
        page.keyboard.press("Tab")
    expect(send).to_be_focused()
    page.keyboard.press("Enter")
    note = line.locator(".oc-heard-meant")
    expect(note).to_have_text(re.compile(r"^You meant: .+\. Thank you: your trainer will see it\.$"))
    expect(note).to_be_focused()
    expect(button).to_have_count(0)
    assert run_axe(page) == []

    # Stored in the conversation, shown again after a reload, and listed for the trainer.
    (shown,) = [m for m in history(bot, sender)["messages"] if m["from"] == "learner"]
    assert shown["heard"]["meant"] and note.inner_text().startswith(f"You meant: {shown['heard']['meant']}.")
    page.reload()
    ChatPage(page).wait_ready(persons=2)
    expect(page.locator(".oc-learner + .oc-heard .oc-heard-meant")).to_have_text(
        re.compile(r"^You meant: " + re.escape(shown["heard"]["meant"])))
    expect(page.get_by_role("button", name=re.compile(r"^That's not what I meant"))).to_have_count(0)
    flagged = requests.get(f"{bot.rasa_url}/trainer/api/flagged", timeout=30,
                           headers={"Authorization": f"Bearer {TRAINER_TOKEN}"}).json()["flagged"]
    assert [(r["text"], r["meant"]) for r in flagged if r["sender_id"] == sender] == [(TURN, meant)]


def test_the_trainer_lists_flagged_turns(context, page, bot, screenshots):
    sender = None
    page.goto(f"{bot.rasa_url}/chat/")
    chat = ChatPage(page).wait_ready()
    chat.say("what do you enjoy doing these days?")
    sender = chat.sender()
    (shown,) = [m for m in history(bot, sender)["messages"] if m["from"] == "learner"]
    learner = [v for k, v in chat.storage().items() if k.startswith("outcomes-coach-learner:")][0]
    stored = requests.post(f"{bot.rasa_url}/chat/api/correction", timeout=30, json={
        "sender": sender, "learner": learner, "at": shown["heard"]["at"], "meant": ["ask_daily_life"]})
    assert stored.ok, stored.text

    trainer = context.new_page()
    trainer.add_init_script(f"sessionStorage.setItem('outcomes-coach-trainer-token', {TRAINER_TOKEN!r})")
    trainer.goto(f"{bot.rasa_url}/trainer/#/sessions")
    trainer.get_by_role("navigation", name="Trainer pages").get_by_role("link", name="Flagged turns").click()
    expect(trainer.locator("main")).to_have_attribute("aria-busy", "false")
    expect(trainer.get_by_role("heading", name="Flagged turns", level=2)).to_be_visible()
    row = trainer.locator(f'.tr-flagged tr[data-sender="{sender}"]')
    expect(row).to_have_count(1)
    expect(row.locator(".tr-said")).to_have_text("what do you enjoy doing these days?")
    expect(row.locator('[data-col="heard"]')).to_have_text(shown["heard"]["label"])
    expect(row.locator('[data-col="meant"]')).to_have_text("question about their day-to-day life")
    assert run_axe(trainer) == []
    trainer.screenshot(path=str(screenshots / "trainer-flagged.png"), full_page=True)
    row.get_by_role("link").click()  # the session's transcript says what the learner meant
    expect(trainer.locator(".tr-transcript .tr-meant")).to_have_text(
        "The learner meant: question about their day-to-day life")
