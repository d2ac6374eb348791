"""A Redis lock store whose lock is atomic across servers.

Rasa 3.6's RedisLockStore keeps a ticket list in one Redis key and changes it by reading, editing
and writing it back. Two Rasa servers issuing tickets at the same moment can both read the same
list and both believe they hold the lock, so one conversation's turns run side by side and a
message can be stored twice. This store takes the lock with one atomic Redis command (SET NX with
an expiry, through redis-py's Lock), and releases it only if it still owns it.

When Redis cannot be reached the turn cannot be locked, so it does not run: the lock raises
LockStoreUnavailable, nothing of the turn is saved, and the learner is told so
(channels/guard.py).
"""

from __future__ import annotations

import asyncio
import logging
from contextlib import asynccontextmanager
from typing import AsyncGenerator, Optional, Text

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig
from redis.exceptions import LockError as RedisLockError
from redis.exceptions import RedisError

from stores.errors import LockStoreUnavailable

logger = logging.getLogger(__name__)
POLL_SECONDS = 0.02


class AtomicRedisLockStore(RedisLockStore):
    """One conversation, one turn at a time, whichever Rasa server the turn reaches."""

    def __init__(self, endpoint_config: Optional[EndpointConfig] = None, **kwargs) -> None:
        cfg = dict(endpoint_config.kwargs) if endpoint_config else {}
        cfg.update(kwargs)
        host = (endpoint_config.url if endpoint_config else None) or cfg.pop("host", "localhost")
        cfg.pop("url", None)
        super().__init__(host=host, **cfg)

    @asynccontextmanager
    async def lock(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME,
                   wait_time_in_seconds: float = 1) -> AsyncGenerator[TicketLock, None]:
        # Waiting may take as long as the turn ahead can legitimately hold the lock.
        mutex = self.red.lock(f"{self.key_prefix}atomic:{conversation_id}", timeout=lock_lifetime)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + lock_lifetime
        while not self._acquire(mutex, conversation_id):
            if loop.time() > deadline:
                raise LockError(f"Could not acquire lock for conversation_id '{conversation_id}'.")
            await asyncio.sleep(POLL_SECONDS)
        try:
            yield TicketLock(conversation_id)
        finally:
            try:
                mutex.release()
            except RedisLockError:  # expired while held (a turn longer than the lifetime): nothing to free
                logger.warning("lock for a conversation expired before its turn finished")
            except RedisError as exc:  # Redis went away during the turn, which ran; the lock expires
                logger.warning("could not release the lock of conversation %s: %s: %s",
                               conversation_id, type(exc).__name__, exc)

    @staticmethod
    def _acquire(mutex, conversation_id: Text) -> bool:
        try:
            return mutex.acquire(blocking=False)
        except RedisError as exc:
            logger.error("The lock store (Redis) cannot be reached to lock conversation %s: %s: %s. The turn "
                         "does not run and nothing of it is saved.", conversation_id, type(exc).__name__, exc)
            raise LockStoreUnavailable(f"The lock store could not lock conversation {conversation_id}.") from exc
