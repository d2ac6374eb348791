"""Rasa's REST channel, at the same address (/webhooks/rest/webhook), with the reply guard."""

from typing import Any, Awaitable, Callable, Text

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint

from channels.guard import guarded


class GuardedRestInput(RestInput):
    """A reply or a clear notice within seconds, never silence (see channels/guard.py)."""

    @classmethod
    def name(cls) -> Text:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        async def with_guard(message: UserMessage) -> None:
            await guarded(on_new_message, message)

        return super().blueprint(with_guard)
