"""Never leave a learner in silence: a reply within a few seconds, or a clear notice.

Rasa 3.6 waits up to five minutes for the action server and, when an action fails, logs it and
sends nothing. This wrapper around a channel's `on_new_message` gives the learner a notice instead:
after COACH_REPLY_TIMEOUT_S seconds (default 4.5) while the turn carries on in the background (its
reply is stored in the tracker when it comes), or at once when the turn ends with no reply. The
learner's message is handled by Rasa as usual, so it is always stored.
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
        return max(0.5, float(os.environ.get("COACH_REPLY_TIMEOUT_S") or 4.5))
    except ValueError:
        return 4.5


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
