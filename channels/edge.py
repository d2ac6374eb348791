"""What every request to the coach's channels meets first: the names the server answers to, the
size and time limits of the Rasa server's HTTP layer, and the message limits per conversation, per
learner and per client address.

The rules themselves are plain functions elsewhere (channels/messages.py: host_allowed; the
counters: channels/guard.py's RateLimiter); this module applies them to Sanic requests.
"""

from __future__ import annotations

import logging
from typing import Optional

from sanic import response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels import identity
from channels import messages as m
from channels.guard import RateLimiter, message_limiter, too_many_messages
from coach import runtime

logger = logging.getLogger(__name__)


def apply_server_limits(app) -> None:
    """Sanic's request size, request timeout and keep-alive timeout from the settings
    (COACH_REQUEST_MAX_BYTES, COACH_REQUEST_TIMEOUT_S, COACH_KEEP_ALIVE_TIMEOUT_S).

    Sanic reads them for each new connection, so setting them before the server starts covers
    every request. They are set here, for the Rasa server only, rather than as SANIC_* variables in
    the environment the launcher gives both servers: the action server must keep reading whole
    trackers, which grow far beyond 64 KB in a long conversation.
    """
    settings = runtime.settings()
    app.config.REQUEST_MAX_SIZE = settings.request_max_bytes
    app.config.REQUEST_TIMEOUT = settings.request_timeout_s
    app.config.KEEP_ALIVE_TIMEOUT = settings.keep_alive_timeout_s


def client_address(request: Request) -> str:
    """The client's address: the peer's, unless Sanic is told to trust a proxy's header
    (SANIC_PROXIES_COUNT or SANIC_REAL_IP_HEADER; docs/deployment.md)."""
    return request.remote_addr or request.ip or "unknown"


def host_refusal(request: Request) -> Optional[HTTPResponse]:
    """403 for a request naming a host the coach does not answer to (a DNS-rebinding page), else None."""
    host = request.headers.get("host")
    if m.host_allowed(host, runtime.settings().host_names()):
        return None
    logger.warning("refused %s %s for host %r (not in COACH_ALLOWED_HOSTS)", request.method, request.path, host)
    return response.json({"error": f"This coach does not answer to the name {host!r}. Its administrator can "
                                   "add that name to COACH_ALLOWED_HOSTS."}, status=403)


async def not_theirs(agent, sender: str, learner: Optional[str]) -> bool:
    """Does conversation `sender` exist and belong to someone other than `learner`?

    A conversation belongs to the learner it began under (identity.owner), for good: a later
    message cannot move it to another learner's record. With COACH_PORTAL_SECRET, `learner` is the
    signed one, and a conversation that began with no learner belongs to no one who signs in (F10).
    Without the secret, `learner` is the id the client claims (metadata.learner), honoured only as
    the conversation's own: a message naming any other learner is refused, so a claimed id can
    label only conversations it begins. None (no learner named) is never refused here.
    """
    if not learner or not agent or not await agent.tracker_store.exists(sender):
        return False
    tracker = await agent.tracker_store.retrieve_full_tracker(sender)
    return tracker is not None and identity.owner([e.as_dict() for e in tracker.events]) != learner


def not_theirs_refusal() -> HTTPResponse:
    return response.json({"error": "This conversation belongs to another learner (or to none). "
                                   "Start a new conversation."}, status=403)


_address_limiter: RateLimiter | None = None


def address_limiter() -> RateLimiter:
    """COACH_RATE_PER_ADDRESS messages a minute per client address (through Redis with LOCK_STORE=redis)."""
    global _address_limiter
    if _address_limiter is None:
        _address_limiter = RateLimiter.from_settings(runtime.settings().rate_per_address, 60.0, "rate-address")
    return _address_limiter


def too_many(conversation: str, learner: Optional[str], address: str) -> Optional[str]:
    """Count one learner message against its conversation, its learner (when known) and its client
    address; None when it may go on, else the reason it is refused (nothing is counted then).

    Per conversation and per learner: COACH_RATE_PER_MINUTE. Per address: COACH_RATE_PER_ADDRESS,
    so a client that makes up a new conversation or learner id for every message is still held
    to a limit. Every limit is checked before any is counted, so a refused message uses up none.
    """
    per_learner, per_address = message_limiter(), address_limiter()
    keys = [(per_learner, f"conversation:{conversation}")]
    if learner:
        keys.append((per_learner, f"learner:{learner}"))
    keys.append((per_address, f"address:{address}"))
    for limiter, key in keys:
        if limiter.blocked(key):
            return why(limiter, key)
    for limiter, key in keys:
        if not limiter.allow(key):  # another request took the last place meanwhile
            return why(limiter, key)
    return None


def too_many_reads(address: str) -> Optional[str]:
    """Count a read of a learner's progress or record against its client address (the same
    COACH_RATE_PER_ADDRESS as messages: without the portal secret anyone may ask for any learner's
    record); None when it may go on, else the reason it is refused."""
    limiter = address_limiter()
    return None if limiter.allow(f"address:{address}") else why(limiter, f"address:{address}", "requests")


def why(limiter: RateLimiter, key: str, what: str = "messages") -> str:
    if key.startswith("address:"):
        logger.warning("rate limit: %s sent more than %d %s in a minute", key, limiter.limit, what)
        return (f"Too many {what} from your network: at most {limiter.limit} a minute from one address. "
                "Wait a moment, then try again.")
    return too_many_messages(limiter)
