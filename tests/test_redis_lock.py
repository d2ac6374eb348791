"""The atomic Redis lock store: built by Rasa from endpoints, and one turn at a time across stores."""

import asyncio
import threading
import uuid

import pytest
import redis
from rasa.core.lock_store import LockStore
from rasa.utils.endpoints import EndpointConfig

from stores.redis_lock import AtomicRedisLockStore


def store() -> LockStore:
    return LockStore.create(EndpointConfig(url="127.0.0.1", type="stores.redis_lock.AtomicRedisLockStore", port="6379", db="4"))


def test_rasa_builds_it_from_the_endpoint_config():
    assert isinstance(store(), AtomicRedisLockStore)


def test_two_servers_never_hold_one_conversations_lock_together():
    """Six threads, each with its own store and event loop, as separate servers would be.

    In this same harness Rasa 3.6's own RedisLockStore let turns overlap (its ticket list is read,
    edited and written back non-atomically); this store must never.
    """
    conversation = f"lock-{uuid.uuid4().hex[:8]}"
    counter = redis.Redis(host="127.0.0.1", port=6379, db=4)
    problems = []

    def server():
        s = store()

        async def turns():
            for _ in range(10):
                async with s.lock(conversation, wait_time_in_seconds=0.01):
                    if counter.incr(f"{conversation}:inside") > 1:
                        problems.append("overlap")
                    await asyncio.sleep(0.005)
                    counter.decr(f"{conversation}:inside")

        try:
            asyncio.run(turns())
        except Exception as exc:  # a lock error is a failure too
            problems.append(repr(exc))

    threads = [threading.Thread(target=server) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    counter.delete(f"{conversation}:inside")
    assert problems == []


async def test_different_conversations_do_not_wait_for_each_other():
    a = store()
    loop = asyncio.get_running_loop()
    t0 = loop.time()

    async def turn(c):
        async with a.lock(c):
            await asyncio.sleep(0.2)

    await asyncio.gather(*(turn(f"free-{uuid.uuid4().hex[:6]}-{i}") for i in range(5)))
    assert loop.time() - t0 < 0.6


async def test_an_unreachable_redis_fails_the_turn_with_a_clear_error():
    """Not a raw connection error deep in a turn: the guard tells the learner it was not saved."""
    from stores.errors import LockStoreUnavailable
    from tests.e2e.services import PrivateRedis

    server = PrivateRedis()
    try:
        s = LockStore.create(EndpointConfig(url="127.0.0.1", type="stores.redis_lock.AtomicRedisLockStore",
                                            port=str(server.port), db="0"))
        async with s.lock("conversation"):
            pass
        server.kill()
        with pytest.raises(LockStoreUnavailable, match="could not lock conversation conversation"):
            async with s.lock("conversation"):
                raise AssertionError("the turn ran without its lock")
    finally:
        server.close()
