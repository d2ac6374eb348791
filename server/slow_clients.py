"""The whole request within the request timeout, not only each pause (issue 14, F8).

Sanic 21.12 measures its request timeout from the last bytes received, so a client that trickles
a byte every few seconds, in its headers or its body, is never cut: a few hundred such clients
hold as many connections open for as long as they like ("slowloris"). Here, once a request's
first bytes have come, its headers must all arrive within the server's REQUEST_TIMEOUT (the Rasa
server's COACH_REQUEST_TIMEOUT_S, channels/edge.py; Sanic's default 60 s on the action server),
and then its body within the same time again. A client that is too slow is answered 408 and its
connection closed, the way Sanic ends a request that pauses too long.

Patch targets, wrapped, not changed: ``sanic.http.Http.http1_request_header`` and
``sanic.request.Request.receive_body`` (Sanic calls it before any handler of a route that does not
stream its body; none of Rasa's or ours does). The cut relies on how ``Http.http1`` answers a
cancelled connection task (with ``Http.exception``), as Sanic's own timeouts do.

Sanic's "touch-up" (``sanic.touchup.TouchUp.run``, at server start) recompiles
``http1_request_header`` from its source text in ``sanic.http``'s namespace, dropping the dispatch
of signals nobody listens to (left in, they raise NotFound). A wrapper in its place would be
recompiled away from the names it needs, so the header wrapper goes on after each touch-up, around
the method touch-up made, and comes off before the next. Sanic 21.12.2 and the hashes of all four
targets are checked first (server/pinned.py; tests/e2e/test_hardening.py runs it in real servers).
"""

from __future__ import annotations

import asyncio

from server.pinned import PatchRefused
from server.pinned import check as check_pinned

SANIC_VERSION = "21.12.2"
ORIGINALS = {  # what the wrappers rely on -> SHA-256 of its source in Sanic 21.12.2
    "sanic.http.Http.http1_request_header": "e52905046f155b2956747e86de2aa1011a021f597b9216fb122fa6d490e8f31a",
    "sanic.request.Request.receive_body": "7f96654cabf71138cfe4fd2875980937e211411a55d3933eaed1c0c302d13085",
    "sanic.http.Http.http1": "20227158ce2933f7c14a04a9042681da87f33f33f562ed3fa8cee2bacf4a3257",
    "sanic.touchup.TouchUp.run": "10de338b5a27f53aefd98e72d077eff53526313d52007fe6d0a40708ce626630",
}


def _targets() -> dict:
    from sanic.http import Http
    from sanic.request import Request
    from sanic.touchup import TouchUp

    return {"sanic.http.Http.http1_request_header": _unwrapped(Http.http1_request_header),
            "sanic.request.Request.receive_body": _unwrapped(Request.receive_body),
            "sanic.http.Http.http1": Http.http1,
            "sanic.touchup.TouchUp.run": _unwrapped(TouchUp.run.__func__)}


def _unwrapped(function):
    return getattr(function, "_coach_original", function)


def check() -> None:
    import sanic

    if sanic.__version__ != SANIC_VERSION:
        raise PatchRefused(f"{__name__} was written for Sanic {SANIC_VERSION}; this is Sanic {sanic.__version__}. "
                           "Check the patch against the new code and update it.")
    check_pinned(__name__, {name: (function, ORIGINALS[name]) for name, function in _targets().items()})


def cut(http, part: str) -> None:
    """End the request on connection `http` (a sanic.http.Http): 408, then close the connection."""
    from sanic.exceptions import RequestTimeout

    task = getattr(http.protocol, "_task", None)
    if task is None or task.done():
        return
    http.exception = RequestTimeout(f"Request Timeout: the request's {part} took longer than "
                                    f"{http.protocol.request_timeout:g} s to arrive")
    http.keep_alive = False
    http.request_body = None  # nothing more is read from this client
    task.cancel()


def _within(read, part: str):
    """`read` (a coroutine method of Http, or of Request for the body) cut after the request timeout."""

    async def wrapper(self) -> None:
        http = self if part == "headers" else self.stream
        if part == "body" and (self.body or http is None or not getattr(http, "request_body", None)):
            return await read(self)
        deadline = asyncio.get_running_loop().call_later(http.protocol.request_timeout, cut, http, part)
        try:
            await read(self)
        finally:
            deadline.cancel()

    wrapper.__name__, wrapper.__doc__ = read.__name__, read.__doc__
    wrapper._coach_original = read
    return wrapper


def apply() -> None:
    """Wrap Sanic's reading of a request's body now and of its headers after every touch-up, once;
    PatchRefused on any other Sanic."""
    from sanic.http import Http
    from sanic.request import Request
    from sanic.touchup import TouchUp

    if hasattr(TouchUp.run.__func__, "_coach_original"):
        return
    check()
    touch_up = TouchUp.run.__func__

    def run(cls, app) -> None:
        Http.http1_request_header = _unwrapped(Http.http1_request_header)  # touch-up reads its source
        touch_up(cls, app)
        Http.http1_request_header = _within(Http.http1_request_header, "headers")

    run.__doc__, run._coach_original = touch_up.__doc__, touch_up
    TouchUp.run = classmethod(run)
    Request.receive_body = _within(Request.receive_body, "body")
