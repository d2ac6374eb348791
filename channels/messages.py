"""What the web chat shows, built from Rasa's bot messages or tracker events, and what it accepts.

No Sanic or Rasa imports: the channel hands in plain dicts, so these rules are tested on their own.
The same :func:`present` serves a live reply and a conversation restored from the tracker store,
so a reload shows exactly what the learner saw.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
import re
from datetime import date
from urllib.parse import urlsplit

from channels.identity import LEARNER_ID
from coach import names
from coach.settings import origins as _origins
from coach.transcript import bot_line, session_start

SESSION_START = names.CMD_SESSION_START
# Ids are matched whole (fullmatch): with match() and "$", "xss1\n" passed as a look-alike of "xss1".
SENDER_RE = re.compile(r"[A-Za-z0-9_-]{1,64}")
# A learner id: the widget's random one, or the portal's (an account id, an email); the same rule
# as signed identities.
LEARNER_RE = LEARNER_ID
SCENARIO_RE = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
LEARNER_RULE = "1 to 128 letters, digits or _ @ . : -"
MAX_METADATA_CHARS = 2000
# How deeply a request's JSON may nest (the body is depth 1, its metadata object depth 2). The chat
# sends depth 2 or 3; far deeper would only exhaust the recursion of the code that copies it.
MAX_DEPTH = 8
# Custom payloads that arrive right after the same content as readable text (rubric contract):
# the chat shows the card and folds that text into it instead of showing it twice.
CARDS = {names.PAYLOAD_REPORT: "report", names.PAYLOAD_HINT: "hint"}


class BadRequest(ValueError):
    """A request the chat cannot use; the message tells the sender what to change."""


def parse_origins(text: str | None) -> frozenset[str]:
    """COACH_ALLOWED_ORIGINS read as coach.settings reads it; ValueError names a bad origin."""
    try:
        return _origins(text or "")
    except ValueError as exc:
        raise ValueError(f"{exc} (in COACH_ALLOWED_ORIGINS)") from None


def origin_allowed(origin: str | None, host: str | None, allowed: frozenset[str]) -> bool:
    """May a browser page from `origin` use the API of the server reached as `host`?

    No Origin header means no cross-origin browser call (curl, a server, a same-origin GET), which
    CORS does not govern. The chat page this server serves has its own host as origin.
    """
    if not origin:
        return True
    origin = origin.lower()
    return origin in allowed or (bool(host) and urlsplit(origin).netloc == host.lower())


def host_allowed(host: str | None, allowed: frozenset[str]) -> bool:
    """May a request that names `host` (its Host header) be answered?

    IP addresses always: a DNS-rebinding page reaches the coach only under a name of its own, and a
    page loaded from the coach's own address is the coach's. Names only when `allowed` lists them
    (Settings.host_names(): localhost, COACH_ALLOWED_HOSTS, the allowed origins'
    hosts), or when it holds "*".
    """
    if not host:
        return False
    try:
        name = urlsplit(f"//{host.strip()}").hostname  # without the port; [::1] -> ::1
    except ValueError:  # e.g. an unclosed [
        return False
    if not name:
        return False
    name = name.lower().rstrip(".")
    try:
        ipaddress.ip_address(name)
        return True
    except ValueError:
        pass
    return "*" in allowed or name in allowed


def unpaired_surrogate(value) -> bool:
    """Does any text in a JSON value (keys too) hold an unpaired surrogate, such as "\\ud800"?

    JSON may escape one, and Python then holds text that cannot be written as UTF-8: stored, it
    would break every later page or download that shows it.
    """
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def depth(value) -> int:
    """How deeply a JSON value nests (a string or number is 0, {} or [] is 1), without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, (dict, list)):
            deepest = max(deepest, level)
            if level > MAX_DEPTH:  # deep enough to refuse: no need to walk the rest
                return level
            stack.extend((child, level + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


def check_json(body) -> None:
    """BadRequest for JSON the coach will not take in: nested too deeply, or with unpaired surrogates."""
    if depth(body) > MAX_DEPTH:
        raise BadRequest(f"The request's JSON is nested more than {MAX_DEPTH} levels deep; "
                         "'metadata' should be a flat object such as {\"scenario\": \"eric-battersby\"}.")
    if unpaired_surrogate(body):
        raise BadRequest("The request holds text that is not valid Unicode (an unpaired surrogate such as "
                         "\\ud800). Send the message as plain text.")


def read_message(body, max_chars: int) -> tuple[str, str, dict | None]:
    """The sender, message and metadata of a message request, or :class:`BadRequest` saying why."""
    if not isinstance(body, dict):
        raise BadRequest('Send a JSON object: {"sender": "...", "message": "...", "metadata": {...}}.')
    check_json(body)
    sender = read_sender(body.get("sender"))
    message = body.get("message")
    if not isinstance(message, str) or not message.strip():
        raise BadRequest("'message' must be some text.")
    if len(message) > max_chars:
        raise BadRequest(f"The message is {len(message)} characters long; the limit is {max_chars}. "
                         "Shorten it and send it again.")
    metadata = body.get("metadata")
    if metadata is not None:
        if not isinstance(metadata, dict):
            raise BadRequest("'metadata' must be a JSON object, e.g. {\"scenario\": \"eric-battersby\"}.")
        if len(json.dumps(metadata)) > MAX_METADATA_CHARS:
            raise BadRequest(f"'metadata' is larger than {MAX_METADATA_CHARS} characters.")
        if not isinstance(metadata.get("scenario", ""), str):
            raise BadRequest("'metadata.scenario' must be a scenario id (text).")
        if "learner" in metadata:
            learner = metadata["learner"]
            if not isinstance(learner, str) or not LEARNER_RE.fullmatch(learner):
                raise BadRequest(f"'metadata.learner' must be {LEARNER_RULE}.")
    return sender, message.strip(), metadata


def read_sender(sender) -> str:
    if not isinstance(sender, str) or not SENDER_RE.fullmatch(sender):
        raise BadRequest("'sender' must be 1 to 64 letters, digits, '-' or '_'.")
    return sender


def read_learner(learner) -> str:
    """A learner id from a request, or :class:`BadRequest` saying what one looks like."""
    if not isinstance(learner, str) or not learner:
        raise BadRequest("Say whose practice record: 'learner' is missing.")
    if not LEARNER_RE.fullmatch(learner):
        raise BadRequest(f"'learner' must be {LEARNER_RULE}.")
    return learner


def read_conversation_id(sender) -> str:
    """A conversation (sender) id to look up. Any channel's ids are accepted (the REST channel
    allows more than the web chat does), within reason."""
    if not isinstance(sender, str) or not sender or len(sender) > 256 or not sender.isprintable() \
            or unpaired_surrogate(sender):
        raise BadRequest("'sender' must be a conversation id (up to 256 characters).")
    return sender


def read_filters(args: dict) -> dict:
    """The trainer's filters from query arguments (single values): scenario, from, to, learner.

    Dates are YYYY-MM-DD (UTC, as sessions are dated); empty values mean no filter.
    """
    def one(name: str) -> str:
        value = args.get(name)
        return (value or "").strip() if isinstance(value, str) or value is None else ""

    filters = {"scenario": one("scenario") or None, "date_from": one("from") or None,
               "date_to": one("to") or None, "learner": one("learner") or None}
    if filters["scenario"] and not SCENARIO_RE.fullmatch(filters["scenario"]):
        raise BadRequest("'scenario' must be a scenario id such as eric-battersby.")
    for key, name in (("date_from", "from"), ("date_to", "to")):
        if filters[key]:
            try:
                filters[key] = date.fromisoformat(filters[key]).isoformat()
            except ValueError:
                raise BadRequest(f"'{name}' must be a date written YYYY-MM-DD, e.g. 2026-05-28.") from None
    if filters["date_from"] and filters["date_to"] and filters["date_from"] > filters["date_to"]:
        raise BadRequest("'from' is after 'to': swap the dates.")
    if filters["learner"] and not LEARNER_RE.fullmatch(filters["learner"]):
        raise BadRequest(f"'learner' must be {LEARNER_RULE}.")
    return filters


def read_page(page, limit, default: int, most: int) -> tuple[int, int]:
    """The page number (from 1) and sessions per page of a list request; empty values take the
    first page and `default` per page."""
    def number(value, name: str, high: int | None) -> int | None:
        if value in (None, ""):
            return None
        if not isinstance(value, str) or not value.isascii() or not value.isdigit() or int(value) < 1 \
                or (high is not None and int(value) > high):
            raise BadRequest(f"'{name}' must be a whole number from 1{f' to {high}' if high else ''}.")
        return int(value)

    return number(page, "page", 1_000_000) or 1, number(limit, "limit", most) or default


def trainer_refusal(configured: str | None, authorization: str | None) -> str | None:
    """Why a trainer request is refused, or None when it carries the trainer token.

    The token travels only as `Authorization: Bearer <token>` and is compared in constant time.
    With no token configured, trainer results are off and every request is refused.
    """
    if not configured:
        return ("Trainer results are switched off on this coach. Its administrator can switch them on "
                "by setting COACH_TRAINER_TOKEN in the coach's .env file and restarting it.")
    scheme, _, given = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not given.strip():
        return "Sign in with the trainer token: this page needs it for every request."
    if not hmac.compare_digest(given.strip().encode("utf-8"), configured.encode("utf-8")):
        return "That trainer token is not right. Check it with the coach's administrator and sign in again."
    return None


def present(bot_messages: list[dict]) -> list[dict]:
    """The chat's messages for a run of bot messages ({'text', 'custom', 'buttons', 'metadata'}).

    Whose each line is comes from its metadata (coach.transcript.bot_line, the one rule): the
    person's lines are shown under their name; a report or hint card takes in the readable text
    sent just before it, so the learner reads it once.
    """
    shown: list[dict] = []
    for msg in bot_messages:
        custom = msg.get("custom") or None
        line = bot_line({"text": msg.get("text"), "data": {"custom": custom}, "metadata": msg.get("metadata") or {}}, 0)
        if isinstance(custom, dict):
            kind = CARDS.get(custom.get("type"))
            if kind is None:  # passed on as it came; the widget shows only the cards it knows
                shown.append({"from": "coach", "kind": "custom", "custom": custom})
                continue
            folded = None
            if shown and shown[-1]["from"] == "coach" and "kind" not in shown[-1]:
                folded = shown.pop()["text"]
            shown.append({"from": "coach", "kind": kind, kind: custom, "text": folded})
        elif line.who == "person":
            shown.append({"from": "person", "name": line.name, "text": line.text})
        elif line.text:
            shown.append({"from": "coach", "text": line.text})
            buttons = choices(msg.get("buttons"))
            if buttons:
                shown[-1]["buttons"] = buttons
    return shown


def choices(buttons) -> list[dict]:
    """A coach message's buttons (Rasa's `buttons`: title and payload), only those that send one of
    the chat's own commands (coach/names.py COMMANDS): the choice after a typed goodbye."""
    return [{"title": b["title"], "payload": b["payload"]} for b in buttons or []
            if isinstance(b, dict) and isinstance(b.get("title"), str) and isinstance(b.get("payload"), str)
            and b["payload"] in names.COMMANDS]


def heard_of(event: dict, corrected: dict) -> dict | None:
    """What the coach heard in a learner message (a `user` event), for its "heard as" line: the
    moves in plain words (coach/heard.py), `at` (the message's timestamp, which a correction names)
    and what the learner said they meant, if they did. None for a command or no learner turn."""
    from coach.heard import heard

    if (event.get("text") or "").strip().startswith("/"):
        return None
    found = heard(event.get("parse_data"))
    if found is None:
        return None
    meant = corrected.get(event.get("timestamp"))
    return {**found, "at": event.get("timestamp"), "meant": meant.get("meant_label") if meant else None}


def read_correction(body) -> tuple[str, float, list[str], str | None]:
    """The sender, message time, moves meant and claimed learner id (as metadata.learner of a
    message: None if not given) of a correction request, or BadRequest saying why."""
    from coach.heard import read_meant

    if not isinstance(body, dict):
        raise BadRequest('Send a JSON object: {"sender": "...", "at": 1780000000.5, "meant": ["reflect"]}.')
    check_json(body)
    sender = read_sender(body.get("sender"))
    at = body.get("at")
    if isinstance(at, bool) or not isinstance(at, (int, float)):
        raise BadRequest("'at' must be the time of the learner message, as the chat received it.")
    try:
        meant = read_meant(body.get("meant"))
    except ValueError as exc:
        raise BadRequest(str(exc)) from None
    learner = body.get("learner")
    if learner is not None and (not isinstance(learner, str) or not LEARNER_RE.fullmatch(learner)):
        raise BadRequest(f"'learner' must be {LEARNER_RULE}.")
    return sender, float(at), meant, learner


def from_events(events: list[dict], heard: bool = False) -> list[dict]:
    """The conversation as the chat shows it, from tracker events (Event.as_dict()).

    Starts where the latest session starts (coach.transcript.session_start), so a conversation
    started over shows only the new one. With `heard`, each learner turn carries what the coach
    heard in it (:func:`heard_of`).
    """
    from coach.heard import corrections_by_message

    corrected = corrections_by_message(events) if heard else {}
    shown: list[dict] = []
    run: list[dict] = []
    for event in events[session_start(events):] + [{"event": "end"}]:
        kind = event.get("event")
        if kind == "bot":
            data = event.get("data") or {}
            run.append({"text": event.get("text"), "custom": data.get("custom"), "buttons": data.get("buttons"),
                        "metadata": event.get("metadata") or {}})
            continue
        if kind in ("user", "end"):
            shown += present(run)
            run = []
        if kind == "user" and event.get("text") and event["text"] != SESSION_START:
            shown.append({"from": "learner", "text": event["text"]})
            seen = heard_of(event, corrected) if heard else None
            if seen:
                shown[-1]["heard"] = seen
    return shown


def persona(scenario, slots: dict) -> dict:
    """Who the learner is talking to (coach.conversation.who), from the conversation's slots."""
    from coach.conversation import who

    return who(scenario, slots.get(names.SLOT_PERSONA_STATE), slots.get(names.SLOT_PERSONA_TURN))


def scenario_choices(scenarios: dict) -> list[dict]:
    """The scenario picker's list: id, title and conversation of each good scenario, in order of
    conversation (1, 2, 3 of the three-conversations model), then title."""
    return [{"id": sc.id, "title": sc.title, "conversation": sc.conversation}
            for sc in sorted(scenarios.values(), key=lambda sc: (sc.conversation, sc.title, sc.id))]
