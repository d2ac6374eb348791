"""A PostgreSQL and a Redis of the test's own, so a test can stop and kill them.

The machine's PostgreSQL (127.0.0.1:5432) and Redis (6379) are shared with other tests and are never
stopped here: each of these starts a private server on a free port, in a folder of its own, and
removes it afterwards.
"""

from __future__ import annotations

import glob
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from scripts.launch import free_port


def _listening(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.2)
        return s.connect_ex(("127.0.0.1", port)) == 0


def _wait_until(check, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise RuntimeError(f"{what} within {timeout:.0f} s")


class PrivatePostgres:
    """A PostgreSQL cluster made with initdb in a temporary folder, on a free port.

    PostgreSQL refuses to run as root, so as root it runs as the `postgres` user.
    """

    def __init__(self) -> None:
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
        pg_ctl = found[-1] if found else shutil.which("pg_ctl")
        if not pg_ctl:
            raise RuntimeError("pg_ctl not found: install PostgreSQL's server package")
        self.bin = Path(pg_ctl).parent
        self.folder = Path(tempfile.mkdtemp(prefix="coach-pg-"))  # not under pytest's root-only tmp
        self.data = self.folder / "data"
        self.port = free_port()
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_user:
            shutil.chown(self.folder, "postgres", "postgres")
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")
        self.start()

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, tool: str, *args: str) -> None:
        subprocess.run(self.as_user + [str(self.bin / tool), *args], check=True, cwd=self.folder,
                       stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.folder / "log"), "-w", "start")
        _wait_until(lambda: _listening(self.port), 30, "PostgreSQL did not listen")

    def stop(self) -> None:
        """Stop at once, as a crash or `pg_ctl stop -m immediate` would."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def close(self) -> None:
        try:
            self.stop()
        except subprocess.CalledProcessError:
            pass  # already stopped
        shutil.rmtree(self.folder, ignore_errors=True)


class PrivateRedis:
    """`redis-server` on a free port, no persistence, run by the test itself so it can kill it."""

    def __init__(self) -> None:
        self.port = free_port()
        self.proc: subprocess.Popen | None = None
        self.start()

    def start(self) -> None:
        self.proc = subprocess.Popen(["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
                                      "--save", "", "--appendonly", "no", "--daemonize", "no"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        _wait_until(lambda: _listening(self.port), 15, "Redis did not listen")

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=10)
        _wait_until(lambda: not _listening(self.port), 10, "Redis still listened")

    def close(self) -> None:
        self.kill()
