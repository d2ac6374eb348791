"""Rasa's REST channel, at the same address (/webhooks/rest/webhook), made safe for learners:
the same input rules as the web chat (clear 400s for bad input, a length limit), the same rate
limits per conversation, learner and client address (429), the same allowed host names, no intent
commands smuggled in as text, and the reply guard (never silence)."""

from typing import Any, Awaitable, Callable, Optional, Text

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels import edge, identity
from channels import messages as m
from channels.guard import guarded, message_limiter, neutralise_commands
from coach import names, runtime


class GuardedRestInput(RestInput):
    """A reply or a clear notice within seconds, never silence (see channels/guard.py)."""

    def __init__(self, max_message_chars: int = 2000, portal_secret: str = ""):
        self.max_message_chars = max_message_chars
        self.limiter = message_limiter()  # per conversation and learner; edge.too_many adds the address
        self.portal_secret = portal_secret  # set: every message needs a portal-signed learner token

    @classmethod
    def name(cls) -> Text:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: Optional[dict]) -> "GuardedRestInput":
        return cls(int((credentials or {}).get("max_message_chars", 2000)), runtime.settings().portal_secret)

    def _extract_message(self, req: Request) -> Optional[Text]:
        return neutralise_commands(req.json.get("message"))

    def get_metadata(self, request: Request) -> Optional[dict]:
        metadata = super().get_metadata(request)
        learner = getattr(request.ctx, "learner", None)
        return {**(metadata or {}), "learner": learner} if learner else metadata

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        async def with_guard(message: UserMessage) -> None:
            await guarded(on_new_message, message)

        bp = super().blueprint(with_guard)

        @bp.listener("before_server_start")
        async def server_limits(app, loop) -> None:
            edge.apply_server_limits(app)

        @bp.middleware("request")
        async def check_input(request: Request) -> Optional[HTTPResponse]:
            refused = edge.host_refusal(request)
            if refused:
                return refused
            if request.method != "POST" or not request.path.endswith("/webhook"):
                return None
            try:
                try:
                    body = request.json
                except Exception:
                    raise m.BadRequest("The request body is not valid JSON.") from None
                sender, _, metadata = m.read_message(body, self.max_message_chars)
            except m.BadRequest as exc:
                return response.json({"error": str(exc)}, status=400)
            if self.portal_secret:
                try:
                    request.ctx.learner = identity.verify(self.portal_secret,
                                                          identity.bearer(request.headers.get("authorization")))
                except identity.IdentityError as exc:
                    return response.json({"error": str(exc)}, status=401)
            learner = getattr(request.ctx, "learner", None) or (metadata or {}).get(names.META_LEARNER)
            if await edge.not_theirs(request.app.ctx.agent, sender, learner):  # signed or claimed
                return edge.not_theirs_refusal()
            refused = edge.too_many(sender, learner, edge.client_address(request))
            if refused:
                return response.json({"error": refused}, status=429)
            return None

        return bp
