"""Rasa's HTTP API token never appears on a command line (ps, /proc/<pid>/cmdline), and the API
still takes it (issue 14, F9). The `bot` fixture runs with the API on and API_TOKEN set."""

import pytest
import requests

from tests.conftest import API_TOKEN

pytestmark = pytest.mark.e2e


def cmdline(pid: int) -> bytes:
    with open(f"/proc/{pid}/cmdline", "rb") as f:
        return f.read()


def test_the_api_token_is_on_no_command_line_and_still_works(bot):
    rasa = next(s.proc for s in bot.servers if s.name == "Rasa server")
    assert b"--enable-api" in cmdline(rasa.pid).split(b"\0")
    for proc in bot.processes:
        assert API_TOKEN.encode() not in cmdline(proc.pid)
    tracker = f"{bot.rasa_url}/conversations/exposure-check/tracker"
    assert requests.get(tracker, params={"token": API_TOKEN}, timeout=30).status_code == 200
    assert requests.get(tracker, timeout=30).status_code == 401
    assert requests.get(tracker, params={"token": "a-guess"}, timeout=30).status_code == 401
