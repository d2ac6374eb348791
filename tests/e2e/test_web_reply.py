"""The web chat's reply names the person and their mood from the line itself (no second read of
the conversation), and says the same as the conversation's stored state."""

import uuid

import pytest
import requests

from tests.e2e.conftest import Chat

pytestmark = pytest.mark.e2e


def test_the_reply_names_the_person_and_mood_as_the_tracker_has_them(bot):
    sender = f"web-who-{uuid.uuid4().hex[:8]}"
    url = f"{bot.rasa_url}/chat/api/message"
    assert requests.post(url, json={"sender": sender, "message": "/session_start"}, timeout=60).ok
    for text in ["hello eric, I'm sam", "it sounds like the workshop meant a lot to you", "do you need help with meals?"]:
        reply = requests.post(url, json={"sender": sender, "message": text}, timeout=60).json()
        slots = Chat(bot, sender=sender).tracker()["slots"]
        assert reply["persona"] == {"name": "Eric", "mood": slots["persona_turn"]["mood"],
                                    "scenario": "eric-battersby", "title": reply["persona"]["title"]}
        assert reply["messages"] and reply["messages"][-1]["from"] == "person"
        history = requests.get(f"{bot.rasa_url}/chat/api/history", params={"sender": sender}, timeout=30).json()
        assert history["persona"] == reply["persona"]
