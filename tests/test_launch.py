"""The launcher refuses settings that would half-work, before anything starts."""

import pytest

from scripts.launch import LaunchError, settings, start_bot


def test_the_http_api_is_never_enabled_without_a_token():
    with pytest.raises(LaunchError, match="needs a token"):
        start_bot(overrides={"RASA_API_TOKEN": ""}, enable_api=True)


@pytest.mark.parametrize("overrides, words", [
    ({"TRACKER_STORE": "postgresql", "TRACKER_DB_URL": ""}, "needs TRACKER_DB_URL"),
    ({"TRACKER_STORE": "mongo"}, "sqlite or postgresql"),
    ({"LOCK_STORE": "zookeeper"}, "in_memory or redis"),
])
def test_store_settings_are_checked(overrides, words):
    with pytest.raises(LaunchError, match=words):
        settings(overrides)


def test_redis_selects_the_atomic_lock_store():
    env = settings({"LOCK_STORE": "redis"})
    assert env["LOCK_STORE_TYPE"] == "stores.redis_lock.AtomicRedisLockStore"
    assert settings({})["LOCK_STORE_TYPE"] == "in_memory"


@pytest.mark.model
def test_the_terminal_chat_runs_beside_a_running_bot(monkeypatch):
    """`make run` says "make shell in another terminal": the shell must reuse the running action
    server and give Rasa's shell server a free local port, not the bot's (which would clash)."""
    from scripts import launch

    calls = []
    monkeypatch.setattr(launch, "_answers", lambda url: True)  # an action server is already up

    def no_second_action_server(*args, **kwargs):
        raise AssertionError("started a second action server")

    monkeypatch.setattr(launch.subprocess, "Popen", no_second_action_server)
    monkeypatch.setattr(launch.subprocess, "call", lambda args, **kw: calls.append(args) or 0)
    assert launch.shell() == 0
    args = calls[0]
    assert args[1:4] == ["-m", "server", "shell"]
    assert args[args.index("--interface") + 1] == "127.0.0.1"
    assert args[args.index("--port") + 1] != settings()["RASA_PORT"]
