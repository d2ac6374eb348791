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
