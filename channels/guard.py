"""Never leave a learner in silence: a reply within a few seconds, or a clear notice.

Rasa 3.6 waits up to five minutes for the action server and, when an action fails, logs it and
sends nothing. This wrapper around a channel's `on_new_message` gives the learner a notice instead:
after COACH_REPLY_TIMEOUT_S seconds (default 4, so the answer arrives within 5 s) while the turn
carries on in the background (its reply is stored in the tracker when it comes), or at once when
the turn ends with no reply. The learner's message is handled by Rasa as usual, so it is stored.

A turn that fails (the tracker store cannot read or write, the lock store cannot be reached) has
saved nothing: Rasa saves a turn only when it ends. The learner is then told exactly that, and to
send it again (notice_not_saved), and any reply the failed turn had produced is dropped, because
it belongs to a turn that did not happen.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from typing import Any, Awaitable, Callable

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from coach import names, runtime
from coach.texts import render
from stores.errors import StoreUnavailable

logger = logging.getLogger(__name__)
_background: set[asyncio.Task] = set()  # keep running turns referenced until they finish


def reply_timeout() -> float:
    return runtime.settings().reply_timeout_s


def notice(key: str) -> dict:
    """Plain text, so every channel (REST, shell, the web chat) shows it as the coach speaking."""
    return {"text": render(key), "metadata": {names.META_COACH: "notice"}}


async def guarded(on_new_message: Callable[[UserMessage], Awaitable[Any]], message: UserMessage,
                  timeout: float | None = None) -> None:
    """Handle `message`; add a notice to its collecting channel if no reply comes in time."""
    out = message.output_channel
    assert isinstance(out, CollectingOutputChannel)
    if (message.text or "").strip() == names.CMD_KEEP_TALKING:
        # "Keep talking" under the choice a typed goodbye brought: nothing happens in the
        # conversation, so Rasa is not asked (it has no such intent) and nothing is stored.
        out.messages.append({"recipient_id": message.sender_id, "text": render("keep_talking_note"),
                             "metadata": {names.META_COACH: "notice"}})
        return
    task = asyncio.ensure_future(on_new_message(message))
    try:
        await asyncio.wait_for(asyncio.shield(task), timeout or reply_timeout())
    except asyncio.TimeoutError:
        _background.add(task)
        task.add_done_callback(_finished)
        logger.warning("no reply within %.1f s for sender %s; the turn goes on in the background",
                       timeout or reply_timeout(), message.sender_id)
        out.messages.append({"recipient_id": message.sender_id, **notice("notice_slow")})
        return
    except Exception as exc:  # noqa: BLE001 - any failure becomes a notice, never a 500 with silence
        if isinstance(exc, StoreUnavailable):  # already logged with its cause by the store
            logger.error("a turn for sender %s failed and was NOT saved: %s", message.sender_id, exc)
        else:
            logger.exception("a turn for sender %s failed and was NOT saved", message.sender_id)
        out.messages.clear()  # replies of a turn that was not saved would pretend it happened
        out.messages.append({"recipient_id": message.sender_id, **notice("notice_not_saved")})
        return
    if not out.messages:
        out.messages.append({"recipient_id": message.sender_id, **notice("notice_no_reply")})


def _finished(task: asyncio.Task) -> None:
    _background.discard(task)
    if not task.cancelled() and task.exception() is not None:
        logger.error("a background turn failed and was NOT saved, after its learner was told it would "
                     "be: %s", task.exception())


# Messages starting with "/" are intent commands to Rasa and skip the NLU, e.g. '/goodbye' or
# '/affirm{"slot": ...}'. Learners may use the plain commands the chat's buttons send; anything
# else that looks like a command is read as ordinary words.
COMMANDS = names.COMMANDS


def neutralise_commands(text: str) -> str:
    """Keep the chat's own commands; turn any other '/intent{...}' into ordinary text."""
    stripped = text.strip()
    if stripped.startswith("/") and stripped not in COMMANDS:
        return stripped.lstrip("/").strip() or "?"
    return text


class RateLimiter:
    """At most `limit` hits per key in any `window` seconds, counted in this server process.

    Used alone when there is one Rasa server. With LOCK_STORE=redis (several Rasa servers),
    `from_settings` gives a RedisRateLimiter instead, so the limit holds across all of them.
    """

    def __init__(self, limit: int, window: float = 60.0):
        self.limit = limit
        self.window = window
        self._seen: dict[str, list[float]] = {}

    @classmethod
    def from_settings(cls, limit: int | None = None, window: float = 60.0, name: str = "rate") -> "RateLimiter":
        """`limit` hits per `window` (default COACH_RATE_PER_MINUTE a minute); shared through Redis
        when LOCK_STORE=redis."""
        settings = runtime.settings()
        limit = settings.rate_per_minute if limit is None else limit
        if settings.lock_store == "redis":
            return RedisRateLimiter.connect(settings, limit, window, name)
        return cls(limit, window)

    def _recent(self, key: str, now: float) -> list[float]:
        return [t for t in self._seen.get(key, []) if now - t < self.window]

    def blocked(self, key: str, now: float | None = None) -> bool:
        """Whether `key` has used up its hits, without counting one."""
        now = time.monotonic() if now is None else now
        return len(self._recent(key, now)) >= self.limit

    def allow(self, key: str, now: float | None = None) -> bool:
        """Count a hit for `key`; False (and not counted) when it is over the limit."""
        now = time.monotonic() if now is None else now
        recent = self._recent(key, now)
        if len(recent) >= self.limit:
            self._seen[key] = recent
            return False
        recent.append(now)
        self._seen[key] = recent
        if len(self._seen) > 10000:  # forget keys that have gone quiet
            self._seen = {k: v for k, v in self._seen.items() if v and now - v[-1] < self.window}
        return True


# One atomic step in Redis: drop hits older than the window, then count this one if there is room.
_ALLOW = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1] - ARGV[2])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[4])
redis.call('EXPIRE', KEYS[1], math.ceil(tonumber(ARGV[2])))
return 1
"""


class RedisRateLimiter(RateLimiter):
    """The same limit, counted in Redis, so every Rasa server sharing that Redis shares it.

    If Redis cannot be reached, the hit is counted in this process instead (and a warning logged),
    as with one server: the limit still holds per server, rather than letting everything through.
    """

    def __init__(self, client: Any, limit: int, window: float = 60.0, name: str = "rate"):
        super().__init__(limit, window)
        self.client = client
        self.prefix = f"coach:{name}:"
        self._allow = client.register_script(_ALLOW)

    @classmethod
    def connect(cls, settings, limit: int, window: float = 60.0, name: str = "rate") -> "RedisRateLimiter":
        import redis

        client = redis.Redis(host=settings.redis_host, port=settings.redis_port, db=settings.redis_db,
                             socket_timeout=0.5, socket_connect_timeout=0.5)
        return cls(client, limit, window, name)

    def blocked(self, key: str, now: float | None = None) -> bool:
        now = time.time() if now is None else now
        try:
            pipe = self.client.pipeline()
            pipe.zremrangebyscore(self.prefix + key, "-inf", now - self.window)
            pipe.zcard(self.prefix + key)
            return pipe.execute()[1] >= self.limit
        except Exception as exc:  # noqa: BLE001 - see the class docstring
            logger.warning("rate limit: Redis unavailable (%s); counting in this process", type(exc).__name__)
            return super().blocked(key, now)

    def allow(self, key: str, now: float | None = None) -> bool:
        now = time.time() if now is None else now
        try:
            hit = f"{now:.6f}-{uuid.uuid4().hex[:8]}"
            return bool(self._allow(keys=[self.prefix + key], args=[now, self.window, self.limit, hit]))
        except Exception as exc:  # noqa: BLE001 - see the class docstring
            logger.warning("rate limit: Redis unavailable (%s); counting in this process", type(exc).__name__)
            return super().allow(key, now)


_message_limiter: RateLimiter | None = None


def message_limiter() -> RateLimiter:
    """The one per-learner message limit (COACH_RATE_PER_MINUTE) that every channel shares."""
    global _message_limiter
    if _message_limiter is None:
        _message_limiter = RateLimiter.from_settings()
    return _message_limiter


def too_many_messages(limiter: RateLimiter) -> str:
    return f"Too many messages: at most {limiter.limit} a minute. Wait a moment, then send it again."
