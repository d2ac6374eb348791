"""Start the real action server and Rasa server once for the end-to-end tests."""

import socket
import uuid

import pytest
import requests

from scripts.launch import start_bot

API_TOKEN = "e2e-test-token"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def bot(tmp_path_factory):
    work = tmp_path_factory.mktemp("bot")
    running = start_bot(
        overrides={
            "RASA_PORT": str(free_port()),
            "ACTION_PORT": str(free_port()),
            "SQLITE_TRACKER_DB": str(work / "conversations.db"),
            "COACH_SEED": "e2e",
            "COACH_SCENARIOS_DIR": "scenarios",
            "COACH_DEFAULT_SCENARIO": "eric-battersby",
            "RASA_API_TOKEN": API_TOKEN,
        },
        log_dir=work / "logs",
    )
    running.work = work
    yield running
    running.stop()


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
