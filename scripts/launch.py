"""Start the action server and the Rasa server together, ready to chat, and keep them running.

`make run` calls this. Settings come from coach/settings.py (defaults, then .env, then the
environment); tests and benchmarks import :func:`start_bot` to run the real servers.

Run as a program, it supervises: a server that stops (a crash, an out-of-memory kill) is logged
and started again, after 1 s, then 2, 4, ... up to 30 s while it keeps failing soon after starting
(:func:`supervise`). While the action server is down the Rasa server answers learners with a
notice (channels/guard.py); conversations live in the tracker store, so they carry on when it is
back. SIGTERM (as a service manager sends) and SIGINT (Ctrl+C) stop both servers, then the
launcher exits; each server runs in its own process group, and the whole group is stopped.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))

from coach import settings as coach_settings  # noqa: E402


class LaunchError(RuntimeError):
    """The bot cannot start; the message says why and what to do."""


def settings(overrides: dict | None = None) -> dict:
    """Every setting as text for the servers' environment: defaults, then .env, then the process
    environment, then explicit overrides; a value that cannot be used stops here with LaunchError."""
    env = coach_settings.raw(overrides)
    try:
        coach_settings.parse(env)
    except coach_settings.SettingError as exc:
        raise LaunchError(str(exc)) from None
    db = Path(env["SQLITE_TRACKER_DB"])
    if not db.is_absolute():
        db = ROOT / db
    db.parent.mkdir(parents=True, exist_ok=True)
    env["SQLITE_TRACKER_DB"] = str(db)
    env.setdefault("ACTION_ENDPOINT_URL", f"http://127.0.0.1:{env['ACTION_PORT']}/webhook")
    check_stores(env)
    return env


def check_stores(env: dict) -> None:
    """Fill the values endpoints.yml reads, refusing settings that would half-work."""
    store = env["TRACKER_STORE"].strip().lower()
    env["LOCK_STORE"] = env["LOCK_STORE"].strip().lower()
    if store == "sqlite":
        env["TRACKER_DIALECT"], env["TRACKER_DB_URL"] = "sqlite", ""
    elif store == "postgresql":
        if not env["TRACKER_DB_URL"].startswith(("postgresql://", "postgresql+psycopg2://")):
            raise LaunchError("TRACKER_STORE=postgresql needs TRACKER_DB_URL, e.g. "
                              "postgresql://user:password@127.0.0.1:5432/coach")
        env["TRACKER_DIALECT"] = "postgresql"
    else:
        raise LaunchError(f"TRACKER_STORE must be sqlite or postgresql, not '{env['TRACKER_STORE']}'.")
    if env["LOCK_STORE"] not in ("in_memory", "redis"):
        raise LaunchError(f"LOCK_STORE must be in_memory or redis, not '{env['LOCK_STORE']}'.")
    # Rasa's own Redis lock is not atomic across servers; ours is (stores/redis_lock.py).
    env["LOCK_STORE_TYPE"] = "stores.redis_lock.AtomicRedisLockStore" if env["LOCK_STORE"] == "redis" else "in_memory"


def server_env(env: dict) -> dict:
    """The servers' environment: ours and the settings (server/quiet.py hides the known start-up
    notices of Rasa's libraries; TensorFlow's C++ log is kept to warnings and errors)."""
    proc_env = {**os.environ, **env, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    proc_env.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
    proc_env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    proc_env.setdefault("RASA_TELEMETRY_ENABLED", "false")  # no usage events or crash reports leave the machine
    return proc_env


def action_server_env(proc_env: dict) -> dict:
    """The action server's environment. rasa-sdk takes the address it listens on only from
    SANIC_HOST (its default is 0.0.0.0, every interface, and it has no authentication), so it gets
    BIND_HOST there: loopback unless the settings say otherwise."""
    return {**{k: v for k, v in proc_env.items() if k != "RASA_API_TOKEN"},  # it has no use for it
            "SANIC_HOST": proc_env["BIND_HOST"]}


def latest_model(models_dir: Path = ROOT / "models") -> Path:
    models = sorted(models_dir.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    if not models:
        raise LaunchError(f"No trained model in {models_dir}. Run 'make train' (or 'make run', which trains first).")
    return models[-1]


def check_scenarios(folder: Path) -> dict:
    """The full check of `make check-scenarios` (validation, then the dry run) on every scenario, as
    the live library applies it: a file that fails it stays offline and is listed here with its
    problems, and the bot starts with the good ones. Only a folder with no good scenario stops it.
    Returns the problems of the files left offline, by file."""
    from coach.scenario import ScenarioLibrary

    library = ScenarioLibrary(folder)
    good, bad = library.all(), library.errors()
    for path, exc in sorted(bad.items()):
        print(f"Scenario {Path(path).name} is offline until it is fixed (make check-scenarios explains it):",
              file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
    if not good:
        raise LaunchError(f"There is no scenario that passes the check in {folder}, so the bot cannot start"
                          + (": fix the files listed above." if bad else ": add a scenario file (docs/scenario-template.yml)."))
    if bad:
        print(f"Starting with the {len(good)} good scenario{'s' if len(good) != 1 else ''}: {', '.join(sorted(good))}.",
              file=sys.stderr)
    return bad


@dataclass
class Server:
    """One server process the launcher runs, and how to start it again."""

    name: str  # "action server" or "Rasa server", as the launcher's messages say it
    args: list
    health: str  # a URL that answers 200 once the server is ready
    env: dict
    log_path: Path | None = None
    proc: subprocess.Popen | None = None
    log: IO | None = None
    started_at: float = 0.0
    starts: int = 0
    quick_failures: int = 0  # stops in a row, each soon after its start: sets the back-off
    restart_at: float | None = None  # when a stopped server is due to start again
    ready: bool = False

    def start(self) -> None:
        if self.log is not None:
            self.log.close()
        self.log = open(self.log_path, "a" if self.starts else "w") if self.log_path else None
        # A process group of its own: stopping it stops anything it started, and a Ctrl+C in the
        # terminal reaches only the launcher, which then stops the servers in order.
        self.proc = subprocess.Popen(self.args, cwd=ROOT, env=self.env, stdout=self.log,
                                     stderr=subprocess.STDOUT if self.log else None, start_new_session=True)
        self.started_at = time.monotonic()
        self.starts += 1
        self.ready = False
        self.restart_at = None

    def signal_group(self, signum: int) -> None:
        try:
            os.killpg(self.proc.pid, signum)
        except (ProcessLookupError, PermissionError):
            pass

    def stop(self, timeout: float = 15) -> None:
        if self.proc is not None:
            if self.proc.poll() is None:
                self.signal_group(signal.SIGTERM)
                try:
                    self.proc.wait(timeout=timeout)
                except subprocess.TimeoutExpired:
                    pass
            self.signal_group(signal.SIGKILL)  # whatever is left of the group
            self.proc.wait()
        if self.log is not None:
            self.log.close()
            self.log = None


@dataclass
class Bot:
    """Running servers and where to reach them."""

    rasa_url: str
    action_url: str
    servers: list = field(default_factory=list)

    @property
    def processes(self) -> list:
        """The servers' current processes (a restarted server has a new one)."""
        return [server.proc for server in self.servers if server.proc is not None]

    def stop(self) -> None:
        for server in reversed(self.servers):  # the Rasa server first, then its action server
            server.stop()


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as resp:
            return resp.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return False


def free_port() -> int:
    """A port nothing listens on yet, on 127.0.0.1."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(url: str, proc: subprocess.Popen, timeout: float, what: str, log: Path | None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            tail = log.read_text(errors="replace")[-3000:] if log and log.exists() else ""
            raise LaunchError(f"The {what} stopped while starting (exit {proc.returncode}).\n{tail}")
        if _answers(url):
            return
        time.sleep(0.5)
    raise LaunchError(f"The {what} did not answer at {url} within {timeout:.0f} s.")


def start_bot(overrides: dict | None = None, log_dir: Path | None = None, model: Path | None = None,
              enable_api: bool | None = None, timeout: float = 240.0) -> Bot:
    """Start the action server, then the Rasa server, and wait until both answer."""
    env = settings(overrides)
    check_scenarios(coach_settings.folder(env["COACH_SCENARIOS_DIR"]))
    api = bool(env["RASA_API_TOKEN"]) if enable_api is None else enable_api
    if api and not env["RASA_API_TOKEN"]:
        raise LaunchError("Rasa's HTTP API needs a token: set RASA_API_TOKEN in .env.")
    model = model or latest_model()
    proc_env = server_env(env)
    host = env["BIND_HOST"]
    local = "127.0.0.1" if host in ("", "0.0.0.0", "::") else host  # where the launcher reaches them
    bot = Bot(rasa_url=f"http://{local}:{env['RASA_PORT']}", action_url=f"http://{local}:{env['ACTION_PORT']}")

    def server(name: str, args: list, health: str, log_name: str, environment: dict) -> Server:
        log_path = None
        if log_dir is not None:
            log_dir.mkdir(parents=True, exist_ok=True)
            log_path = log_dir / f"{log_name}.log"
        found = Server(name, args, health, environment, log_path)
        bot.servers.append(found)
        found.start()
        _wait(health, found.proc, timeout, name, log_path)
        found.ready = True
        return found

    try:
        server("action server", [sys.executable, "-m", "server", "run", "actions", "--actions", "actions",
                                 "--port", env["ACTION_PORT"]], f"{bot.action_url}/health", "actions",
               action_server_env(proc_env))
        args = [sys.executable, "-m", "server", "run", "--model", str(model), "--endpoints", "endpoints.yml",
                "--credentials", "credentials.yml", "--interface", host, "--port", env["RASA_PORT"]]
        if api:  # the token travels in RASA_API_TOKEN (server/api_token.py), never in argv, where ps shows it
            args += ["--enable-api"]
        server("Rasa server", args, f"{bot.rasa_url}/", "rasa", proc_env)
    except BaseException:
        bot.stop()
        raise
    return bot


BACKOFF_S = (1, 2, 4, 8, 16, 30)  # wait before starting a stopped server again, by stops in a row
STEADY_S = 60.0  # a server that ran this long before it stopped is not failing quickly: back-off resets


def say(text: str) -> None:
    print(f"{time.strftime('%Y-%m-%d %H:%M:%S')} launcher: {text}", file=sys.stderr, flush=True)


def supervise(bot: Bot, poll_s: float = 0.5) -> None:
    """Keep every server of `bot` running until interrupted (KeyboardInterrupt; SIGTERM raises it).

    A server that stops is logged and started again after a back-off (BACKOFF_S), which grows
    while it keeps stopping within STEADY_S of its start and resets once it has run that long.
    """
    while True:
        now = time.monotonic()
        for server in bot.servers:
            if server.restart_at is None and server.proc.poll() is not None:
                code = server.proc.returncode
                how = f"killed by signal {-code}" if code < 0 else f"exit {code}"
                server.quick_failures = server.quick_failures + 1 if now - server.started_at < STEADY_S else 0
                delay = BACKOFF_S[min(server.quick_failures, len(BACKOFF_S) - 1)]
                say(f"the {server.name} (pid {server.proc.pid}) stopped ({how}); starting it again in {delay} s")
                server.restart_at = now + delay
            elif server.restart_at is not None and now >= server.restart_at:
                server.start()
                say(f"started the {server.name} again (pid {server.proc.pid}, start {server.starts})")
            elif not server.ready and server.proc.poll() is None and _answers(server.health):
                server.ready = True
                say(f"the {server.name} is back (pid {server.proc.pid})")
        time.sleep(poll_s)


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt  # SIGTERM stops the bot exactly as Ctrl+C does


def shell() -> int:
    """Chat in the terminal with `rasa shell` on the same settings, beside `make run` or alone.

    The action server `make run` started is used when it answers; otherwise the shell starts its
    own. Rasa's shell runs a server of its own too: it gets a free port on 127.0.0.1, so it never
    clashes with a running bot and is not reachable from other machines.
    """
    env = settings()
    check_scenarios(coach_settings.folder(env["COACH_SCENARIOS_DIR"]))
    proc_env = server_env(env)
    health = f"http://127.0.0.1:{env['ACTION_PORT']}/health"
    actions = None
    if not _answers(health):
        actions = subprocess.Popen([sys.executable, "-m", "server", "run", "actions", "--actions", "actions",
                                    "--port", env["ACTION_PORT"]],
                                   cwd=ROOT, env=action_server_env(proc_env), stdout=subprocess.DEVNULL,
                                   stderr=subprocess.STDOUT)
    try:
        if actions is not None:
            _wait(health, actions, 120, "action server", None)
        return subprocess.call([sys.executable, "-m", "server", "shell", "--model", str(latest_model()),
                                "--endpoints", "endpoints.yml", "--interface", "127.0.0.1", "--port", str(free_port())],
                               cwd=ROOT, env=proc_env)
    finally:
        if actions is not None:
            actions.terminate()
            actions.wait(timeout=15)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shell", action="store_true", help="chat in the terminal instead of serving")
    args = parser.parse_args()
    if args.shell:
        try:
            return shell()
        except LaunchError as exc:
            print(f"\nCannot start: {exc}", file=sys.stderr)
            return 2
    signal.signal(signal.SIGTERM, _interrupt)
    bot = None
    try:
        bot = start_bot()
        print(
            "\n  outcomes-coach is ready.\n"
            f"  Web chat:      {bot.rasa_url}/chat/\n"
            f"  REST channel:  POST {bot.rasa_url}/webhooks/rest/webhook  {{\"sender\": \"me\", \"message\": \"hello\"}}\n"
            "  Terminal chat: make shell   (in another terminal)\n"
            "  Stop with Ctrl+C.\n",
            flush=True,
        )
        supervise(bot)
    except LaunchError as exc:
        print(f"\nCannot start: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 0
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):  # a second signal must not cut the stop short
            signal.signal(signum, signal.SIG_IGN)
        if bot is not None:
            say("stopping both servers")
            bot.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
