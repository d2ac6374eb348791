"""Results for trainers as a Rasa input channel: static pages and a JSON API at /trainer/.

The pages (web/trainer/) hold no data and load freely; every call to /trainer/api/ needs the
trainer token (COACH_TRAINER_TOKEN in .env) as `Authorization: Bearer <token>`, which the page
sends from sessionStorage. With no token set, the API refuses everything. The API answers only
the coach's own pages: no CORS headers, and a request from another site is refused.

Sessions come from Rasa's tracker store (channels/store.py) and every figure from coach/results.py;
the handlers here only read the request, call them and answer.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels import edge, store
from channels import messages as m
from channels.guard import RateLimiter
from channels.webchat import shared_script
from coach import results, runtime

logger = logging.getLogger(__name__)
WEB = Path(__file__).resolve().parent.parent / "web" / "trainer"
ASSETS = {  # the only files served, with web/shared/ (below): path under /trainer/ -> (file, content type)
    "": ("index.html", "text/html; charset=utf-8"),
    "trainer.js": ("trainer.js", "text/javascript; charset=utf-8"),
    "trainer.css": ("trainer.css", "text/css; charset=utf-8"),
}
PAGE_CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
            "img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
NO_STORE = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}
MIN_TOKEN_CHARS = 16
# Wrong trainer tokens one address may send before it must wait: guessing stays hopeless.
FAILURE_WINDOW_S = 15 * 60


class TrainerInput(InputChannel):
    """Trainer pages and their API; learners never send messages here."""

    def __init__(self, token: str = ""):
        self.token = token
        # COACH_TRAINER_MAX_FAILURES wrong tokens per address per 15 minutes (shared through Redis
        # when LOCK_STORE=redis); after that the address gets 429, even with the right token.
        self.failures = RateLimiter.from_settings(runtime.settings().trainer_max_failures, FAILURE_WINDOW_S,
                                                  "trainer-failures")

    @classmethod
    def name(cls) -> Text:
        return "trainer"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "TrainerInput":
        """The token comes from COACH_TRAINER_TOKEN (coach/settings.py, .env), never from credentials.yml."""
        token = runtime.settings().trainer_token
        if not token:
            logger.info("trainer: COACH_TRAINER_TOKEN is not set, so trainer results are switched off")
        elif len(token) < MIN_TOKEN_CHARS:
            logger.warning("trainer: COACH_TRAINER_TOKEN is shorter than %d characters; use a long random one",
                           MIN_TOKEN_CHARS)
        return cls(token=token)

    def url_prefix(self) -> Text:
        return "/trainer"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = Blueprint("trainer", __name__)

        @bp.middleware("request")
        async def guard(request: Request) -> Optional[HTTPResponse]:
            refused = edge.host_refusal(request)  # a DNS-rebinding page names a host of its own
            if refused:
                return refused
            if "/api/" not in request.path:
                return None
            origin = request.headers.get("origin")
            if not m.origin_allowed(origin, request.headers.get("host"), frozenset()):
                logger.warning("trainer: refused a request from another site (%s)", origin)
                return error("The trainer pages answer only this coach's own pages.", 403)
            # The client's address: the peer's, unless Sanic is told to trust a proxy's header
            # (SANIC_PROXIES_COUNT or SANIC_REAL_IP_HEADER; docs/deployment.md).
            address = edge.client_address(request)
            if self.token and self.failures.blocked(address):
                logger.warning("trainer: refused %s %s from %s: too many wrong tokens", request.method,
                               request.path, address)
                return error(f"Too many wrong trainer tokens from this address. Wait {FAILURE_WINDOW_S // 60} "
                             "minutes, then sign in again with the right token.", 429)
            authorization = request.headers.get("authorization")
            why = m.trainer_refusal(self.token, authorization)
            if why:  # the header itself is never logged
                logger.warning("trainer: refused %s %s from %s without a valid token",
                               request.method, request.path, address)
                if self.token and authorization:  # a token was tried: count it against the address
                    self.failures.allow(address)
                return error(why, 403)
            return None

        @bp.route("/", methods=["GET"])
        async def page(request: Request) -> HTTPResponse:
            if not request.path.endswith("/"):  # relative links in the page need the trailing slash
                return response.redirect(f"{request.path}/")
            return await asset("")

        @bp.route("/trainer.js", methods=["GET"])
        async def script(request: Request) -> HTTPResponse:
            return await asset("trainer.js")

        @bp.route("/trainer.css", methods=["GET"])
        async def style(request: Request) -> HTTPResponse:
            return await asset("trainer.css")

        @bp.route("/shared/<name:str>", methods=["GET"])
        async def shared(request: Request, name: str) -> HTTPResponse:
            return await shared_script(name)  # web/shared/, as at /chat/shared/

        @bp.route("/api/scenarios", methods=["GET"])
        async def scenarios(request: Request) -> HTTPResponse:
            lib = runtime.library()

            def files() -> list[dict]:  # in a worker thread: changed files are read and checked
                return results.scenario_files(lib.all(), lib.errors())

            return ok({"files": await asyncio.to_thread(files)})

        @bp.route("/api/sessions", methods=["GET"])
        async def sessions(request: Request) -> HTTPResponse:
            """One page of the sessions the filters select (?page=1&limit=50), with counts over all of them."""
            try:
                filters = m.read_filters({k: request.args.get(k) for k in ("scenario", "from", "to", "learner")})
                page, per_page = m.read_page(request.args.get("page"), request.args.get("limit"),
                                             results.PER_PAGE, results.MAX_PER_PAGE)
            except m.BadRequest as exc:
                return error(str(exc), 400)
            matching, shown = await store.session_page(request.app.ctx.agent, filters, page, per_page)
            _, titles = await store.live_scenarios()
            # Counting thousands of sessions takes a moment: in a worker thread, not on the event loop.
            return ok(await asyncio.to_thread(results.session_list, matching, titles, page, per_page, shown))

        @bp.route("/api/session", methods=["GET"])
        async def session(request: Request) -> HTTPResponse:
            try:
                sender = m.read_conversation_id(request.args.get("sender"))
            except m.BadRequest as exc:
                return error(str(exc), 400)
            found = await store.session(request.app.ctx.agent, sender)
            if found is None:
                return error("There is no practice session with that id (or it has no learner turn yet).", 404)
            scenario_for, _ = await store.live_scenarios()
            return ok(results.session_detail(found, scenario_for(found.scenario) if found.scenario else None))

        @bp.route("/api/flagged", methods=["GET"])
        async def flagged(request: Request) -> HTTPResponse:
            """Learner turns the learner said were misread: the words, what was heard, what was meant."""
            _, titles = await store.live_scenarios()
            rows = await store.flagged_turns(request.app.ctx.agent)
            return ok({"flagged": [{**r, "title": titles.get(r["scenario"]) if r["scenario"] else None} for r in rows]})

        @bp.route("/api/cohort", methods=["GET"])
        async def cohort(request: Request) -> HTTPResponse:
            try:
                found, _ = await filtered(request)
            except m.BadRequest as exc:
                return error(str(exc), 400)
            return ok(await asyncio.to_thread(results.cohort, found))

        @bp.route("/api/export.csv", methods=["GET"])
        async def export(request: Request) -> HTTPResponse:
            try:
                found, _ = await filtered(request)
            except m.BadRequest as exc:
                return error(str(exc), 400)
            day = datetime.now(timezone.utc).date().isoformat()
            return response.text(await asyncio.to_thread(results.to_csv, found), content_type="text/csv; charset=utf-8", headers={
                **NO_STORE, "Content-Disposition": f'attachment; filename="outcomes-coach-sessions-{day}.csv"'})

        async def filtered(request: Request) -> tuple[list[results.Session], dict[str, str]]:
            """The sessions the request's filters select, and scenario titles; m.BadRequest if a filter is wrong."""
            filters = m.read_filters({k: request.args.get(k) for k in ("scenario", "from", "to", "learner")})
            found = await store.sessions(request.app.ctx.agent)
            return results.filter_sessions(found, **filters), (await store.live_scenarios())[1]

        async def asset(name: str) -> HTTPResponse:
            file, mime = ASSETS[name]
            headers = {"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"}
            if file.endswith(".html"):
                headers.update({"Content-Security-Policy": PAGE_CSP, "Referrer-Policy": "no-referrer"})
            return await response.file(WEB / file, mime_type=mime, headers=headers)

        return bp


def ok(body: dict) -> HTTPResponse:
    return response.json(body, headers=NO_STORE)


def error(message: str, status: int) -> HTTPResponse:
    return response.json({"error": message}, status=status, headers=NO_STORE)
