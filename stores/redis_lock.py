"""A Redis lock store whose lock is atomic across servers.

Rasa 3.6's RedisLockStore keeps a ticket list in one Redis key and changes it by reading, editing
and writing it back. Two Rasa servers issuing tickets at the same moment can both read the same
list and both believe they hold the lock, so one conversation's turns run side by side and a
message can be stored twice. This store takes the lock with one atomic Redis command (SET NX with
an expiry, through redis-py's Lock), and releases it only if it still owns it.
"""

from __future__ import annotations

import asyncio
import logging
from contextlib import asynccontextmanager
from typing import AsyncGenerator, Optional, Text

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

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
        while not mutex.acquire(blocking=False):
            if loop.time() > deadline:
                raise LockError(f"Could not acquire lock for conversation_id '{conversation_id}'.")
            await asyncio.sleep(POLL_SECONDS)
        try:
            yield TicketLock(conversation_id)
        finally:
            try:
                mutex.release()
            except Exception:  # expired while held (a turn longer than the lifetime): nothing to free
                logger.warning("lock for a conversation expired before its turn finished")
