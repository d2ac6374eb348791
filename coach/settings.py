"""Every setting of outcomes-coach, once: its name, default, type, parser and meaning.

Values come from the process environment, then `.env` in the project folder (python-dotenv; a
value already in the environment wins), then the default below. The launcher, the Rasa server's
channels, the action server and the tools all read them through :func:`current`, so a plain
`rasa run` with the settings in `.env` behaves as `make run` does. `.env.example` lists exactly
these settings (a test checks it).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, fields
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Mapping
from urllib.parse import urlsplit

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DOTENV = PROJECT_ROOT / ".env"


class SettingError(ValueError):
    """A setting has a value that cannot be used; the message names it and says what to write."""


# --- parsers: text in, a typed value out, or SettingError saying what is wrong ------------------

def text(value: str) -> str:
    return value.strip()


def secret(value: str) -> str:
    return value.strip()


def whole(minimum: int) -> Callable[[str], int]:
    def parse(value: str) -> int:
        try:
            number = int(value.strip())
        except ValueError:
            raise ValueError(f"a whole number, not '{value}'") from None
        if number < minimum:
            raise ValueError(f"at least {minimum}, not {number}")
        return number
    parse.__name__ = f"whole number >= {minimum}"
    return parse


def port(value: str) -> int:
    number = whole(1)(value)
    if number > 65535:
        raise ValueError(f"a port from 1 to 65535, not {number}")
    return number


def seconds(value: str) -> float:
    try:
        number = float(value.strip())
    except ValueError:
        raise ValueError(f"a number of seconds, not '{value}'") from None
    if number < 0.5:
        raise ValueError(f"at least 0.5 seconds, not {number:g}")
    return number


def optional_days(value: str) -> float | None:
    if not value.strip():
        return None
    try:
        number = float(value.strip())
    except ValueError:
        raise ValueError(f"a number of days (or empty), not '{value}'") from None
    if number <= 0:
        raise ValueError(f"more than 0 days (or empty to keep everything), not {number:g}")
    return number


def one_of(*choices: str) -> Callable[[str], str]:
    def parse(value: str) -> str:
        v = value.strip().lower()
        if v not in choices:
            raise ValueError(f"{' or '.join(choices)}, not '{value}'")
        return v
    parse.__name__ = "one of " + ", ".join(choices)
    return parse


def on_off(value: str) -> bool:
    v = value.strip().lower()
    if v in ("on", "1", "true", "yes"):
        return True
    if v in ("off", "0", "false", "no"):
        return False
    raise ValueError(f"on or off, not '{value}'")


def folder(value: str) -> Path:
    """A folder, relative to the project folder unless absolute."""
    path = Path(value.strip())
    return path if path.is_absolute() else PROJECT_ROOT / path


def hosts(value: str) -> frozenset[str]:
    """Host names from a comma- or space-separated list (no scheme, no port); `*` allows any."""
    found = set()
    for item in re.split(r"[\s,]+", value or ""):
        if not item:
            continue
        name = item.lower().rstrip(".")
        if name != "*" and not re.fullmatch(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*", name):
            raise ValueError(f"host names such as coach.example.org (no scheme or port), and '{item}' is not one")
        found.add(name)
    return frozenset(found)


def origins(value: str) -> frozenset[str]:
    """Origins from a comma- or space-separated list, refusing anything that is not one.

    An origin is scheme://host[:port] with nothing after it; a typo such as a trailing path would
    otherwise silently never match, so it stops the server with a message instead.
    """
    found = set()
    for item in re.split(r"[\s,]+", value or ""):
        if not item:
            continue
        parts = urlsplit(item)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.path not in ("", "/") \
                or parts.query or parts.fragment:
            raise ValueError("origins written as scheme://host[:port], e.g. https://portal.example.org, "
                             f"and '{item}' is not one")
        found.add(f"{parts.scheme}://{parts.netloc}".lower())
    return frozenset(found)


# --- the settings ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Setting:
    name: str        # the environment variable
    attr: str        # the attribute on Settings
    default: str     # as it would be written in .env
    parse: Callable[[str], Any]
    doc: str         # one sentence: what it means


SETTINGS: tuple[Setting, ...] = (
    Setting("RASA_PORT", "rasa_port", "5005", port, "Port the Rasa server listens on."),
    Setting("ACTION_PORT", "action_port", "5055", port, "Port the action server listens on."),
    Setting("BIND_HOST", "bind_host", "127.0.0.1", text,
            "Address the servers bind to; 0.0.0.0 lets other machines reach them."),
    Setting("SQLITE_TRACKER_DB", "sqlite_tracker_db", "var/conversations.db", text,
            "Where conversations are kept with TRACKER_STORE=sqlite (relative to the project folder)."),
    Setting("COACH_DEFAULT_SCENARIO", "default_scenario", "eric-battersby", text,
            "The role-play scenario a learner gets when the link does not name one."),
    Setting("COACH_SCENARIOS_DIR", "scenarios_dir", "scenarios", folder, "The folder of scenario files."),
    Setting("COACH_SEED", "seed", "", text,
            "Empty for natural variation in the person's replies; any text makes them repeatable."),
    Setting("RASA_API_TOKEN", "rasa_api_token", "", secret,
            "Rasa's HTTP API (/model/parse, trackers) is off unless a token is set."),
    Setting("COACH_ALLOWED_ORIGINS", "allowed_origins", "", origins,
            "Other sites that may embed the web chat, as scheme://host[:port], comma- or space-separated."),
    Setting("COACH_ALLOWED_HOSTS", "allowed_hosts", "", hosts,
            "Names this coach answers to besides localhost, IP addresses and COACH_ALLOWED_ORIGINS' hosts; * for any."),
    Setting("COACH_TRAINER_TOKEN", "trainer_token", "", secret,
            "The token trainers sign in with at /trainer/; empty switches trainer results off."),
    Setting("TRACKER_STORE", "tracker_store", "sqlite", one_of("sqlite", "postgresql"),
            "Where conversations live: sqlite (one machine) or postgresql (shared by several servers)."),
    Setting("TRACKER_DB_URL", "tracker_db_url", "", secret,
            "The PostgreSQL URL when TRACKER_STORE=postgresql."),
    Setting("LOCK_STORE", "lock_store", "in_memory", one_of("in_memory", "redis"),
            "Conversation locks: in_memory (one Rasa server) or redis (several)."),
    Setting("REDIS_HOST", "redis_host", "127.0.0.1", text, "Redis host for LOCK_STORE=redis."),
    Setting("REDIS_PORT", "redis_port", "6379", port, "Redis port for LOCK_STORE=redis."),
    Setting("REDIS_DB", "redis_db", "1", whole(0), "Redis database number for LOCK_STORE=redis."),
    Setting("COACH_RETENTION_DAYS", "retention_days", "", optional_days,
            "`make retention` deletes conversations quiet for longer than this; empty keeps all."),
    Setting("COACH_RASA_SPEEDUPS", "rasa_speedups", "on", on_off,
            "off runs Rasa exactly as shipped, without server/speedups.py."),
    Setting("COACH_REPLY_TIMEOUT_S", "reply_timeout_s", "4", seconds,
            "Seconds without a reply before the learner gets a notice instead of silence."),
    Setting("COACH_RATE_PER_MINUTE", "rate_per_minute", "30", whole(1),
            "Messages one learner may send per minute, web chat and REST together."),
    Setting("COACH_RATE_PER_ADDRESS", "rate_per_address", "300", whole(1),
            "Messages one client address may send per minute, over all its conversations and learners."),
    Setting("COACH_TRAINER_MAX_FAILURES", "trainer_max_failures", "20", whole(1),
            "Wrong trainer tokens one address may try in 15 minutes before it must wait."),
    Setting("COACH_PORTAL_SECRET", "portal_secret", "", secret,
            "Set to accept only learners with a portal-signed token (docs/deployment.md)."),
    Setting("COACH_REQUEST_MAX_BYTES", "request_max_bytes", "65536", whole(4096),
            "The largest request body the Rasa server reads; a larger one gets 413 before it is read."),
    Setting("COACH_REQUEST_TIMEOUT_S", "request_timeout_s", "10", seconds,
            "Seconds a client may pause while sending a request before the Rasa server drops it."),
    Setting("COACH_KEEP_ALIVE_TIMEOUT_S", "keep_alive_timeout_s", "15", seconds,
            "Seconds an idle connection to the Rasa server stays open for the next request."),
    Setting("COACH_SCENARIO_MAX_KB", "scenario_max_kb", "1024", whole(1),
            "The largest scenario file read, in kilobytes; a larger one is refused with a problem."),
    Setting("COACH_SHOW_HEARD", "show_heard", "on", on_off,
            "on shows the web chat's 'heard as' line under each learner turn, with 'that's not what I meant'."),
)
BY_NAME: dict[str, Setting] = {s.name: s for s in SETTINGS}
DEFAULTS: dict[str, str] = {s.name: s.default for s in SETTINGS}


@dataclass(frozen=True)
class Settings:
    """Every setting, parsed. Build it with :func:`load` (or :func:`current` for the process's)."""

    rasa_port: int
    action_port: int
    bind_host: str
    sqlite_tracker_db: str
    default_scenario: str
    scenarios_dir: Path
    seed: str
    rasa_api_token: str
    allowed_origins: frozenset
    allowed_hosts: frozenset
    trainer_token: str
    tracker_store: str
    tracker_db_url: str
    lock_store: str
    redis_host: str
    redis_port: int
    redis_db: int
    retention_days: float | None
    rasa_speedups: bool
    reply_timeout_s: float
    rate_per_minute: int
    rate_per_address: int
    trainer_max_failures: int
    portal_secret: str
    request_max_bytes: int
    request_timeout_s: float
    keep_alive_timeout_s: float
    scenario_max_kb: int
    show_heard: bool

    def host_names(self) -> frozenset[str]:
        """The names the Rasa server answers to (its Host header), besides any IP address: localhost,
        the bind address when it is a name, COACH_ALLOWED_HOSTS and the allowed origins' hosts."""
        names = {"localhost", *self.allowed_hosts}
        names |= {urlsplit(o).hostname for o in self.allowed_origins if urlsplit(o).hostname}
        if self.bind_host and self.bind_host not in ("0.0.0.0", "::"):
            names.add(self.bind_host.lower())
        return frozenset(names)

    def replace(self, **changes) -> "Settings":
        from dataclasses import replace

        return replace(self, **changes)


assert {f.name for f in fields(Settings)} == {s.attr for s in SETTINGS}, "Settings and SETTINGS disagree"


_PROJECT_DOTENV = object()  # the project's .env (DOTENV), looked up when called


def raw(overrides: Mapping[str, str] | None = None, environ: Mapping[str, str] | None = None,
        dotenv_path: Any = _PROJECT_DOTENV) -> dict[str, str]:
    """Every setting as text: defaults, then `.env` (None: no file), then the environment, then
    `overrides`."""
    from dotenv import dotenv_values

    if dotenv_path is _PROJECT_DOTENV:
        dotenv_path = DOTENV
    env = dict(DEFAULTS)
    if dotenv_path is not None and dotenv_path.exists():
        env.update({k: v for k, v in dotenv_values(dotenv_path).items() if k in BY_NAME and v is not None})
    source = os.environ if environ is None else environ
    env.update({k: source[k] for k in BY_NAME if k in source})
    env.update({k: str(v) for k, v in (overrides or {}).items()})
    return env


def parse(values: Mapping[str, str]) -> Settings:
    """Settings from text values (missing ones take their default); SettingError names a bad one."""
    parsed = {}
    for s in SETTINGS:
        value = values.get(s.name, s.default)
        try:
            parsed[s.attr] = s.parse(value if value is not None else s.default)
        except ValueError as exc:
            raise SettingError(f"{s.name} must be {exc} ({s.doc})") from None
    return Settings(**parsed)


def load(overrides: Mapping[str, str] | None = None, environ: Mapping[str, str] | None = None,
         dotenv_path: Any = _PROJECT_DOTENV) -> Settings:
    return parse(raw(overrides, environ, dotenv_path))


@lru_cache(maxsize=1)
def current() -> Settings:
    """This process's settings, read once. Tests that change the environment call `reset()`."""
    return load()


def reset() -> None:
    current.cache_clear()
