"""Never leave a learner in silence: a reply within a few seconds, or a clear notice.

Rasa 3.6 waits up to five minutes for the action server and, when an action fails, logs it and
sends nothing. This wrapper around a channel's `on_new_message` gives the learner a notice instead:
after COACH_REPLY_TIMEOUT_S seconds (default 4, so the answer arrives within 5 s) while the turn
carries on in the background (its reply is stored in the tracker when it comes), or at once when
the turn ends with no reply. The learner's message is handled by Rasa as usual, so it is stored.
"""

from __future__ import annotations

import asyncio
import logging
import os
from typing import Any, Awaitable, Callable

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from coach.texts import render

logger = logging.getLogger(__name__)
_background: set[asyncio.Task] = set()  # keep running turns referenced until they finish


def reply_timeout() -> float:
    try:
        return max(0.5, float(os.environ.get("COACH_REPLY_TIMEOUT_S") or 4.0))
    except ValueError:
        return 4.0


def notice(key: str) -> dict:
    """Plain text, so every channel (REST, shell, the web chat) shows it as the coach speaking."""
    return {"text": render(key)}


async def guarded(on_new_message: Callable[[UserMessage], Awaitable[Any]], message: UserMessage,
                  timeout: float | None = None) -> None:
    """Handle `message`; add a notice to its collecting channel if no reply comes in time."""
    out = message.output_channel
    assert isinstance(out, CollectingOutputChannel)
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
    except Exception:  # noqa: BLE001 - any failure becomes a notice, never a 500 with silence
        logger.exception("a turn failed for sender %s", message.sender_id)
        out.messages.append({"recipient_id": message.sender_id, **notice("notice_no_reply")})
        return
    if not out.messages:
        out.messages.append({"recipient_id": message.sender_id, **notice("notice_no_reply")})


def _finished(task: asyncio.Task) -> None:
    _background.discard(task)
    if not task.cancelled() and task.exception() is not None:
        logger.error("a background turn failed: %s", task.exception())


# Messages starting with "/" are intent commands to Rasa and skip the NLU, e.g. '/goodbye' or
# '/affirm{"slot": ...}'. Learners may use the plain commands the chat's buttons send; anything
# else that looks like a command is read as ordinary words.
COMMANDS = frozenset({"/session_start", "/request_hint", "/request_feedback", "/goodbye"})


def neutralise_commands(text: str) -> str:
    """Keep the chat's own commands; turn any other '/intent{...}' into ordinary text."""
    stripped = text.strip()
    if stripped.startswith("/") and stripped not in COMMANDS:
        return stripped.lstrip("/").strip() or "?"
    return text


class RateLimiter:
    """At most `per_minute` messages per learner per minute, in this server process.

    A limit per replica, not a shared counter: with several Rasa servers behind a load balancer
    the effective limit is `per_minute` times the number of replicas (docs/deployment.md).
    """

    def __init__(self, per_minute: int):
        self.per_minute = per_minute
        self._seen: dict[str, list[float]] = {}

    @classmethod
    def from_env(cls) -> "RateLimiter":
        try:
            return cls(max(1, int(os.environ.get("COACH_RATE_PER_MINUTE") or 30)))
        except ValueError:
            return cls(30)

    def allow(self, key: str, now: float | None = None) -> bool:
        import time

        now = time.monotonic() if now is None else now
        recent = [t for t in self._seen.get(key, []) if now - t < 60]
        if len(recent) >= self.per_minute:
            self._seen[key] = recent
            return False
        recent.append(now)
        self._seen[key] = recent
        if len(self._seen) > 10000:  # forget learners who have gone quiet
            self._seen = {k: v for k, v in self._seen.items() if v and now - v[-1] < 60}
        return True
