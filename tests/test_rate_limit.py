"""Rate limits in one process and shared through Redis (a real Redis at 127.0.0.1:6379)."""

import uuid

import redis

from channels.guard import RateLimiter, RedisRateLimiter
from coach import runtime


def test_a_sliding_window_in_process():
    limiter = RateLimiter(3, window=60)
    assert [limiter.allow("a", now=t) for t in (0, 1, 2, 3)] == [True, True, True, False]
    assert limiter.blocked("a", now=30) and not limiter.blocked("b", now=30)
    assert limiter.allow("a", now=60.5)  # the first hit has left the window


def redis_limiter(limit, window=60):
    client = redis.Redis(host="127.0.0.1", port=6379, db=5)
    return RedisRateLimiter(client, limit, window, name=f"test-{uuid.uuid4().hex[:8]}")


def test_servers_sharing_redis_share_the_limit():
    one = redis_limiter(4)
    two = RedisRateLimiter(one.client, 4, 60, name=one.prefix.split(":")[1])  # another server, same Redis
    hits = [limiter.allow("learner", now=100 + i) for i, limiter in enumerate([one, two, one, two, one, two])]
    assert hits == [True, True, True, True, False, False]
    assert one.blocked("learner", now=110) and two.blocked("learner", now=110)
    assert not two.blocked("someone-else", now=110)
    assert one.allow("learner", now=160.5)  # after the window, room again
    one.client.delete(one.prefix + "learner")


def test_from_settings_picks_redis_when_the_lock_store_is_redis(monkeypatch):
    monkeypatch.setenv("LOCK_STORE", "redis")
    monkeypatch.setenv("REDIS_DB", "5")
    monkeypatch.setenv("COACH_RATE_PER_MINUTE", "7")
    limiter = RateLimiter.from_settings()
    assert isinstance(limiter, RedisRateLimiter) and limiter.limit == 7
    monkeypatch.setenv("LOCK_STORE", "in_memory")
    runtime.reset()  # settings are read once per process
    assert type(RateLimiter.from_settings()) is RateLimiter


def test_when_redis_goes_down_the_limit_is_counted_in_this_process():
    """Not "allow everything" (issue 14, F2): a Redis of the test's own, killed."""
    from tests.e2e.services import PrivateRedis

    server = PrivateRedis()
    try:
        client = redis.Redis(host="127.0.0.1", port=server.port, socket_timeout=0.5, socket_connect_timeout=0.5)
        limiter = RedisRateLimiter(client, 3, 60)
        assert limiter.allow("x")
        server.kill()
        assert [limiter.allow("x") for _ in range(4)] == [True, True, True, False]
        assert limiter.blocked("x") and not limiter.blocked("y")
    finally:
        server.close()
