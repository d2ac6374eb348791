"""Start the action server and the Rasa server together, ready to chat.

`make run` calls this. Settings come from coach/settings.py (defaults, then .env, then the
environment); tests and benchmarks import :func:`start_bot` to run the real servers.
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
class Bot:
    """Running servers and where to reach them."""

    rasa_url: str
    action_url: str
    processes: list = field(default_factory=list)
    logs: list = field(default_factory=list)

    def stop(self) -> None:
        for proc in self.processes:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.processes:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
        for log in self.logs:
            log.close()


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
    proc_env = {**os.environ, **env, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    proc_env.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
    host = env["BIND_HOST"]
    bot = Bot(rasa_url=f"http://127.0.0.1:{env['RASA_PORT']}", action_url=f"http://127.0.0.1:{env['ACTION_PORT']}")

    def spawn(args: list[str], name: str) -> tuple[subprocess.Popen, Path | None]:
        log_path = None
        out = None
        if log_dir is not None:
            log_dir.mkdir(parents=True, exist_ok=True)
            log_path = log_dir / f"{name}.log"
            out = open(log_path, "w")
            bot.logs.append(out)
        proc = subprocess.Popen(args, cwd=ROOT, env=proc_env, stdout=out, stderr=subprocess.STDOUT if out else None)
        bot.processes.append(proc)
        return proc, log_path

    try:
        actions, actions_log = spawn([str(BIN / "rasa"), "run", "actions", "--actions", "actions",
                                      "--port", env["ACTION_PORT"]], "actions")
        _wait(f"{bot.action_url}/health", actions, timeout, "action server", actions_log)
        args = [sys.executable, "-m", "server", "run", "--model", str(model), "--endpoints", "endpoints.yml",
                "--credentials", "credentials.yml", "--interface", host, "--port", env["RASA_PORT"]]
        if api:
            args += ["--enable-api", "--auth-token", env["RASA_API_TOKEN"]]
        rasa, rasa_log = spawn(args, "rasa")
        _wait(f"{bot.rasa_url}/", rasa, timeout, "Rasa server", rasa_log)
    except BaseException:
        bot.stop()
        raise
    return bot


def shell() -> int:
    """Chat in the terminal with `rasa shell` on the same settings, beside `make run` or alone.

    The action server `make run` started is used when it answers; otherwise the shell starts its
    own. Rasa's shell runs a server of its own too: it gets a free port on 127.0.0.1, so it never
    clashes with a running bot and is not reachable from other machines.
    """
    env = settings()
    check_scenarios(coach_settings.folder(env["COACH_SCENARIOS_DIR"]))
    proc_env = {**os.environ, **env, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    health = f"http://127.0.0.1:{env['ACTION_PORT']}/health"
    actions = None
    if not _answers(health):
        actions = subprocess.Popen([str(BIN / "rasa"), "run", "actions", "--actions", "actions", "--port", env["ACTION_PORT"]],
                                   cwd=ROOT, env=proc_env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
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
    try:
        bot = start_bot()
    except LaunchError as exc:
        print(f"\nCannot start: {exc}", file=sys.stderr)
        return 2
    print(
        "\n  outcomes-coach is ready.\n"
        f"  Web chat:      {bot.rasa_url}/chat/\n"
        f"  REST channel:  POST {bot.rasa_url}/webhooks/rest/webhook  {{\"sender\": \"me\", \"message\": \"hello\"}}\n"
        "  Terminal chat: make shell   (in another terminal)\n"
        "  Stop with Ctrl+C.\n",
        flush=True,
    )
    try:
        while all(p.poll() is None for p in bot.processes):
            time.sleep(1)
        print("A server stopped; shutting down.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        bot.stop()


if __name__ == "__main__":
    raise SystemExit(main())
