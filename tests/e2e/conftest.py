"""A learner's conversation over REST, for the end-to-end tests.

The `bot` fixture (both real servers, started once) is in tests/conftest.py, shared with the
browser tests in tests/web/.
"""

import uuid

import pytest
import requests

from tests.conftest import API_TOKEN, free_port  # noqa: F401 (imported from here by the e2e tests)


class Chat:
    """One learner's conversation over Rasa's REST channel."""

    def __init__(self, bot, sender=None, metadata=None):
        self.bot = bot
        self.sender = sender or f"learner-{uuid.uuid4().hex[:8]}"
        self.metadata = metadata

    def say(self, text: str) -> list[str]:
        body = {"sender": self.sender, "message": text}
        if self.metadata:
            body["metadata"] = self.metadata
        resp = requests.post(f"{self.bot.rasa_url}/webhooks/rest/webhook", json=body, timeout=60)
        resp.raise_for_status()
        return [m.get("text", "") for m in resp.json()]

    def tracker(self) -> dict:
        resp = requests.get(f"{self.bot.rasa_url}/conversations/{self.sender}/tracker",
                            params={"token": API_TOKEN}, timeout=30)
        resp.raise_for_status()
        return resp.json()

    def slot(self, name: str):
        return self.tracker()["slots"].get(name)


@pytest.fixture
def chat(bot):
    return Chat(bot)
