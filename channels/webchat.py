"""The web chat as a Rasa input channel: the page, widget.js and a small JSON API, all at /chat/,
with the learner's own progress page at /chat/progress/.

Served by the Rasa server itself, so `make run` gives a working page with no front-end build.
Conversations are read back from Rasa's tracker store (never kept here), so any replica can
answer and a reload restores what the learner saw. Cross-origin use is limited to the origins in
COACH_ALLOWED_ORIGINS; the API refuses every other origin with 403 and no CORS headers.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels import edge, identity, store
from channels import messages as m
from channels.guard import guarded, neutralise_commands
from coach import names, results, runtime

logger = logging.getLogger(__name__)
WEB = Path(__file__).resolve().parent.parent / "web"
ASSETS = {  # the only files the channel serves, with web/shared/ (below): path under /chat/ -> (file, type)
    "": ("chat.html", "text/html; charset=utf-8"),
    "widget.js": ("widget.js", "text/javascript; charset=utf-8"),
    "widget.css": ("widget.css", "text/css; charset=utf-8"),
    "progress/": ("progress/index.html", "text/html; charset=utf-8"),
    "progress/progress.js": ("progress/progress.js", "text/javascript; charset=utf-8"),
}
# The chat page runs only this server's own script and style and talks only to this server; only
# this server and the sites in COACH_ALLOWED_ORIGINS may show it in a frame (page_csp).
PAGE_CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
            "img-src 'self'; base-uri 'none'; form-action 'none'")


def page_csp(allowed_origins: frozenset[str]) -> str:
    """The pages' Content-Security-Policy, with frame-ancestors: this server and the allowed origins."""
    ancestors = " ".join(["'self'", *sorted(allowed_origins)])
    return f"{PAGE_CSP}; frame-ancestors {ancestors}"


# Modules the coach's own pages share (web/shared/: building the page, verdicts, the report card).
# Served here at /chat/shared/ and by the trainer channel at /trainer/shared/, so the progress page
# and the trainer pages each load them from their own address under script-src 'self'.
SHARED = WEB / "shared"


async def shared_script(name: str) -> HTTPResponse:
    """A module of web/shared/ by its file name, as JavaScript; 404 for any other name. Only the
    name of a .js file directly in that folder matches, so no path can reach anything else."""
    if name not in {path.name for path in SHARED.glob("*.js")}:
        return response.text("There is no such file.", status=404, headers={"X-Content-Type-Options": "nosniff"})
    return await response.file(SHARED / name, mime_type="text/javascript; charset=utf-8",
                               headers={"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"})


class WholeMessages(CollectingOutputChannel):
    """Collects bot messages whole: Rasa's REST collector splits text at blank lines, which would
    cut the brief and the report into pieces that no longer match the tracker's history."""

    @classmethod
    def name(cls) -> Text:
        return "webchat"

    def __init__(self) -> None:
        super().__init__()
        self.persona: Optional[dict] = None  # who spoke last, when the action said (actions/roleplay.py)

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        if isinstance(kwargs.get(names.META_PERSONA), dict):
            self.persona = kwargs[names.META_PERSONA]
        message = self._message(recipient_id, text=text)
        # Whose line it is travels as metadata, as the tracker keeps it (coach/transcript.py).
        message["metadata"] = {k: kwargs[k] for k in (names.META_PERSONA, names.META_COACH) if k in kwargs}
        await self._persist_message(message)

    async def send_text_with_buttons(self, recipient_id: Text, text: Text, buttons: List[Dict[Text, Any]],
                                     **kwargs: Any) -> None:
        """The coach's choice after a typed goodbye: whole, with its buttons and its kind, as the
        tracker keeps it (channels/messages.py shows the buttons)."""
        message = self._message(recipient_id, text=text, buttons=buttons)
        message["metadata"] = {k: kwargs[k] for k in (names.META_PERSONA, names.META_COACH) if k in kwargs}
        await self._persist_message(message)


class WebChatInput(InputChannel):
    """Chat page, embeddable widget, message and history endpoints."""

    def __init__(self, allowed_origins: frozenset[str] = frozenset(), max_message_chars: int = 2000,
                 portal_secret: str = ""):
        self.allowed_origins = allowed_origins
        self.max_message_chars = max_message_chars
        self.portal_secret = portal_secret  # set: learners are known only by portal-signed tokens
        self.csp = page_csp(allowed_origins)

    @classmethod
    def name(cls) -> Text:
        return "webchat"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "WebChatInput":
        """Origins and the portal secret come from the settings (coach/settings.py, .env), not
        credentials.yml, so that `rasa shell`, which reads the same credentials file, never needs them."""
        credentials = credentials or {}
        settings = runtime.settings()
        return cls(allowed_origins=settings.allowed_origins,
                   max_message_chars=int(credentials.get("max_message_chars", 2000)),
                   portal_secret=settings.portal_secret)

    def url_prefix(self) -> Text:
        return "/chat"  # absolute, so Rasa mounts it at /chat rather than /webhooks/webchat

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = Blueprint("webchat", __name__)

        def is_api(request: Request) -> bool:
            return "/api/" in request.path

        def allowed(request: Request) -> bool:
            return m.origin_allowed(request.headers.get("origin"), request.headers.get("host"), self.allowed_origins)

        @bp.listener("before_server_start")
        async def server_limits(app, loop) -> None:
            edge.apply_server_limits(app)

        @bp.middleware("request")
        async def refuse_other_origins(request: Request) -> Optional[HTTPResponse]:
            # Before the handler runs, so a refused message never reaches the bot.
            refused = edge.host_refusal(request)  # a DNS-rebinding page names a host of its own
            if refused:
                return refused
            if is_api(request) and not allowed(request):
                return refusal(request)
            return None

        @bp.middleware("response")
        async def cors(request: Request, resp: HTTPResponse) -> Optional[HTTPResponse]:
            # Rasa's own CORS layer answers every preflight first (with no origins allowed), so the
            # decision for the chat's API is made here, last.
            if not is_api(request):
                return None
            if not allowed(request):  # only a preflight gets here unrefused
                return refusal(request) if request.method == "OPTIONS" else None
            origin = request.headers.get("origin")
            if request.method == "OPTIONS":
                resp = response.empty(status=204)
            if origin:
                resp.headers["Access-Control-Allow-Origin"] = origin
                resp.headers["Vary"] = "Origin"
                if request.method == "OPTIONS":
                    resp.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
                    resp.headers["Access-Control-Allow-Headers"] = "Content-Type, Authorization"
                    resp.headers["Access-Control-Max-Age"] = "600"
            return resp

        def signed_learner(request: Request) -> Optional[str]:
            """With COACH_PORTAL_SECRET set, the learner a valid portal token names (else IdentityError);
            without it, None: learners are then known by the id their browser sends."""
            if not self.portal_secret:
                return None
            return identity.verify(self.portal_secret, identity.bearer(request.headers.get("authorization")))

        def unauthorised(exc: Exception) -> HTTPResponse:
            return response.json({"error": str(exc)}, status=401)

        def refusal(request: Request) -> HTTPResponse:
            origin = request.headers.get("origin")
            logger.warning("webchat: refused a request from origin %s (not in COACH_ALLOWED_ORIGINS)", origin)
            return response.json({"error": f"This coach does not accept requests from {origin}. "
                                           "Ask its administrator to add that site to COACH_ALLOWED_ORIGINS."},
                                 status=403)

        @bp.route("/", methods=["GET"])
        async def page(request: Request) -> HTTPResponse:
            if not request.path.endswith("/"):  # relative links in the page need the trailing slash
                query = f"?{request.query_string}" if request.query_string else ""
                return response.redirect(f"{request.path}/{query}")
            return await asset("")

        @bp.route("/widget.js", methods=["GET"])
        async def widget_js(request: Request) -> HTTPResponse:
            return await asset("widget.js")

        @bp.route("/widget.css", methods=["GET"])
        async def widget_css(request: Request) -> HTTPResponse:
            return await asset("widget.css")

        @bp.route("/progress", methods=["GET"])
        async def progress_page(request: Request) -> HTTPResponse:
            if not request.path.endswith("/"):
                return response.redirect(f"{request.path}/")
            return await asset("progress/")

        @bp.route("/progress/progress.js", methods=["GET"])
        async def progress_js(request: Request) -> HTTPResponse:
            return await asset("progress/progress.js")

        @bp.route("/shared/<name:str>", methods=["GET"])
        async def shared(request: Request, name: str) -> HTTPResponse:
            return await shared_script(name)

        async def asset(name: str) -> HTTPResponse:
            file, mime = ASSETS[name]
            headers = {"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"}
            if file.endswith(".html"):
                headers.update({"Content-Security-Policy": self.csp, "Referrer-Policy": "no-referrer"})
            return await response.file(WEB / file, mime_type=mime, headers=headers)

        @bp.route("/api/message", methods=["POST", "OPTIONS"])
        async def message(request: Request) -> HTTPResponse:
            if request.method == "OPTIONS":  # normally answered by the CORS layers before this
                return response.empty(status=204)
            try:
                sender, text, metadata = m.read_message(json_body(request), self.max_message_chars)
                text = neutralise_commands(text)  # only the chat's own commands reach Rasa as commands
                learner = signed_learner(request)
            except m.BadRequest as exc:
                return response.json({"error": str(exc)}, status=400)
            except identity.IdentityError as exc:
                return unauthorised(exc)
            agent = request.app.ctx.agent
            if not agent or not agent.is_ready():
                return response.json({"error": "The coach has no trained model loaded yet; try again shortly."},
                                     status=503)
            if learner:
                metadata = {**(metadata or {}), "learner": learner}  # the token's id, never the browser's
            learner = learner or (metadata or {}).get(names.META_LEARNER)  # signed, else claimed
            if await edge.not_theirs(agent, sender, learner):
                return edge.not_theirs_refusal()
            refused = edge.too_many(sender, learner, edge.client_address(request))
            if refused:
                return response.json({"error": refused}, status=429)
            out = WholeMessages()
            try:
                if text == m.SESSION_START and not await agent.tracker_store.exists(sender):
                    await start_session(agent, sender, out, metadata)
                else:
                    await guarded(on_new_message, UserMessage(text, out, sender, input_channel=self.name(),
                                                              metadata=metadata))
            except Exception:  # the learner keeps the message and can send it again
                logger.exception("webchat: could not handle a message from %s", sender)
                return response.json({"error": "The coach could not answer just now. Please send it again."},
                                     status=502)
            heard = await heard_in_reply(agent, sender, text)
            if out.persona:  # the person spoke: their name and mood came with the line
                return response.json({"sender": sender, "messages": m.present(out.messages), "heard": heard,
                                      "persona": {k: v for k, v in out.persona.items() if k != "line"}})
            try:
                return response.json({**await conversation(agent, sender, out.messages, None), "heard": heard})
            except Exception:  # the store could not be read back: show what the turn said (a notice)
                logger.exception("webchat: could not read back the conversation of %s", sender)
                return response.json({"sender": sender, "messages": m.present(out.messages), "persona": None})

        @bp.route("/api/correction", methods=["POST", "OPTIONS"])
        async def correction(request: Request) -> HTTPResponse:
            """"That's not what I meant": what the learner meant by one of their turns, kept in the
            conversation as an agent event (coach/heard.py). Not a learner turn: no reply, no figure."""
            if request.method == "OPTIONS":
                return response.empty(status=204)
            try:
                sender, at, meant, claimed = m.read_correction(json_body(request))
                learner = signed_learner(request) or claimed  # signed, else claimed (as a message's)
            except m.BadRequest as exc:
                return response.json({"error": str(exc)}, status=400)
            except identity.IdentityError as exc:
                return unauthorised(exc)
            agent = request.app.ctx.agent
            if await edge.not_theirs(agent, sender, learner):
                return edge.not_theirs_refusal()
            refused = edge.too_many(sender, learner, edge.client_address(request))
            if refused:
                return response.json({"error": refused}, status=429)
            try:
                stored = await store_correction(agent, sender, at, meant)
            except LookupError as exc:
                return response.json({"error": str(exc)}, status=404)
            except PermissionError as exc:
                return response.json({"error": str(exc)}, status=409)
            except Exception:
                logger.exception("webchat: could not store a correction from %s", sender)
                return response.json({"error": "The coach could not keep that just now. Please try again."},
                                     status=502)
            return response.json({"sender": sender, "correction": stored})

        @bp.route("/api/history", methods=["GET", "OPTIONS"])
        async def history(request: Request) -> HTTPResponse:
            if request.method == "OPTIONS":
                return response.empty(status=204)
            try:
                sender = m.read_sender(request.args.get("sender"))
                learner = signed_learner(request)
            except m.BadRequest as exc:
                return response.json({"error": str(exc)}, status=400)
            except identity.IdentityError as exc:
                return unauthorised(exc)
            if await edge.not_theirs(request.app.ctx.agent, sender, learner):
                return edge.not_theirs_refusal()
            return response.json(await conversation(request.app.ctx.agent, sender, None, request.args.get("scenario")))

        @bp.route("/api/scenarios", methods=["GET", "OPTIONS"])
        async def scenarios(request: Request) -> HTTPResponse:
            """Every good scenario, for the chat's scenario picker."""
            if request.method == "OPTIONS":
                return response.empty(status=204)
            live = await asyncio.to_thread(runtime.library().all)  # a changed file is read and checked
            return response.json({"scenarios": m.scenario_choices(live),
                                  "default": runtime.settings().default_scenario})

        async def own_sessions(request: Request) -> tuple:
            """(None, learner, their sessions), or (an error response, None, None)."""
            try:
                learner = signed_learner(request) or m.read_learner(request.args.get("learner"))
            except m.BadRequest as exc:
                return response.json({"error": str(exc)}, status=400), None, None
            except identity.IdentityError as exc:
                return unauthorised(exc), None, None
            refused = edge.too_many_reads(edge.client_address(request))
            if refused:
                return response.json({"error": refused}, status=429), None, None
            return None, learner, await store.sessions(request.app.ctx.agent, learner=learner)

        @bp.route("/api/progress", methods=["GET", "OPTIONS"])
        async def progress(request: Request) -> HTTPResponse:
            """A learner's own sessions (by learner id)."""
            if request.method == "OPTIONS":
                return response.empty(status=204)
            refused, learner, found = await own_sessions(request)
            if refused:
                return refused
            _, titles = await store.live_scenarios()
            return response.json(results.learner_progress(found, learner, titles),
                                 headers={"Cache-Control": "no-store"})

        @bp.route("/api/record", methods=["GET", "OPTIONS"])
        async def record(request: Request) -> HTTPResponse:
            """A learner's practice record as a plain-text download."""
            if request.method == "OPTIONS":
                return response.empty(status=204)
            refused, learner, found = await own_sessions(request)
            if refused:
                return refused
            _, titles = await store.live_scenarios()
            text = results.practice_record(results.filter_sessions(found, learner=learner), titles, learner)
            day = datetime.now(timezone.utc).date().isoformat()
            # Written as UTF-8 that cannot fail: any text the record could not hold is replaced.
            return response.raw(text.encode("utf-8", "replace"), content_type="text/plain; charset=utf-8", headers={
                "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff",
                "Content-Disposition": f'attachment; filename="practice-record-{day}.txt"'})

        return bp


def json_body(request: Request) -> Any:
    try:
        return request.json
    except Exception:
        raise m.BadRequest("The request body is not valid JSON.") from None


async def start_session(agent, sender: str, out: WholeMessages, metadata: Optional[dict]) -> None:
    """Run only the session start for a new conversation, so the brief shows before the first
    message. Handing '/session_start' to Rasa would run it twice: once because the tracker is new,
    once for the intent."""
    async with agent.lock_store.lock(sender):
        tracker = await agent.processor.fetch_tracker_with_initial_session(sender, out, metadata)
        await agent.processor.save_tracker(tracker)


def heard_shown(scenario_id: Optional[str]) -> bool:
    """Is the "heard as" line on: COACH_SHOW_HEARD, and the scenario's `show_heard`?"""
    if not runtime.settings().show_heard:
        return False
    scenario = runtime.library().all().get(scenario_id) if scenario_id else None
    return scenario.show_heard if scenario else True


def scenario_of(events: list[dict]) -> Optional[str]:
    found = None
    for e in events:
        if e.get("event") == "slot" and e.get("name") == names.SLOT_SCENARIO and e.get("value"):
            found = e["value"]
    return found


async def heard_in_reply(agent, sender: str, text: str) -> Optional[dict]:
    """What was heard in the learner message just handled, for the live reply (None when the line
    is off, the message was a command, or the turn is still running in the background)."""
    if text.strip().startswith("/") or not runtime.settings().show_heard:
        return None
    try:
        tracker = await agent.tracker_store.retrieve(sender)
    except Exception:  # the reply matters more than the line: history shows it after a reload
        logger.exception("webchat: could not read back what was heard from %s", sender)
        return None
    events = [e.as_dict() for e in tracker.events] if tracker else []
    latest = next((e for e in reversed(events) if e.get("event") == "user"), None)
    if not latest or (latest.get("text") or "").strip() != text.strip():
        return None
    if not await asyncio.to_thread(heard_shown, scenario_of(events)):
        return None
    return m.heard_of(latest, {})


async def store_correction(agent, sender: str, at: float, meant: list[str]) -> dict:
    """Append the correction of the learner message sent at `at` to the conversation, under its
    lock; LookupError when there is no such learner turn, PermissionError when the line is off."""
    from rasa.shared.core.events import AgentUttered

    from coach import heard
    from coach.transcript import read

    async with agent.lock_store.lock(sender):
        tracker = await agent.tracker_store.retrieve(sender)
        events = [e.as_dict() for e in tracker.events] if tracker else []
        turn = next((t for t in read(events).turns if t.timestamp == at), None)
        event = next((e for e in events if e.get("event") == "user" and e.get("timestamp") == at), None)
        if turn is None or event is None or (event.get("text") or "").startswith("/"):
            raise LookupError("There is no learner turn sent at that time in this conversation.")
        if not await asyncio.to_thread(heard_shown, scenario_of(events)):
            raise PermissionError("This coach does not take corrections for this scenario.")
        data = heard.correction_data(event, meant, turn.number)
        tracker.update(AgentUttered(data=data))
        await agent.tracker_store.save(tracker)
    return data


async def conversation(agent, sender: str, bot_messages: Optional[list], requested: Optional[str]) -> dict:
    """The reply (or, without bot_messages, the whole history) and who the learner is talking to."""
    from coach.conversation import ScenarioUnavailable, choose_scenario

    tracker = await agent.tracker_store.retrieve_full_tracker(sender) if agent else None
    slots = tracker.current_slot_values() if tracker else {}

    def person() -> Optional[dict]:  # in a worker thread: the library may read and check a changed file
        try:
            scenario, _ = choose_scenario(runtime.library(), slots.get(names.SLOT_SCENARIO) or requested,
                                          runtime.settings().default_scenario)
            return m.persona(scenario, slots)
        except ScenarioUnavailable:
            return None

    who = await asyncio.to_thread(person)
    if bot_messages is None:
        events = [e.as_dict() for e in tracker.events] if tracker else []
        show_heard = await asyncio.to_thread(heard_shown, scenario_of(events) or requested)
        shown = m.from_events(events, heard=show_heard)
        if show_heard:
            from coach.heard import choices

            return {"sender": sender, "messages": shown, "persona": who, "meant_choices": choices()}
    else:
        shown = m.present(bot_messages)
    return {"sender": sender, "messages": shown, "persona": who}
