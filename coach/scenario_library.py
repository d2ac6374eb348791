"""The live scenario library: re-reads files that changed on disk, puts a changed file live only
when it passes the full check (validation, then the dry run of `make check-scenarios`), and keeps
the last good version of a file whose new version fails it."""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

from coach.scenario_model import Problem, Scenario, ScenarioError
from coach.scenario_parse import load_scenario

logger = logging.getLogger(__name__)


def full_check(sc: Scenario) -> list[Problem]:
    """The problems `make check-scenarios` finds in a valid scenario: its dry run (coach/check.py)."""
    from coach.check import check  # imported late: the check imports the scenario package

    try:
        problems, _, _ = check(sc)
    except Exception as exc:  # noqa: BLE001 - a file the dry run cannot finish is a problem, not a crash
        logger.exception("scenario check: the dry run of %s failed", sc.path)
        return [Problem(sc.path, 1, "(whole scenario)", f"the dry run could not finish ({type(exc).__name__}: {exc})",
                        "Run make check-scenarios on the file; if it passes there, report this to the coach's "
                        "administrator.")]
    return list(problems)


class ScenarioLibrary:
    """Scenarios from a folder, re-read when a file changes, keeping the last good version.

    Nothing is read until first use, so importing the actions does no file work. Changed files are
    read and checked in a thread of their own. The first read of the folder is waited for; after
    that a caller waits at most WAIT_S seconds for changed files, time enough for any scenario of
    usual size (an edit is live from the next message), and otherwise goes on with the versions
    already live while a very large file is still being read: no caller, on no server, stalls for
    it. A file deleted from the folder leaves the library, whether it was live or refused.
    """

    WAIT_S = 3.0

    def __init__(self, directory: str | Path):
        self.directory = Path(directory)
        self._lock = threading.Lock()  # guards the three dicts below, held only briefly
        self._by_path: dict[Path, tuple[tuple, Scenario]] = {}
        self._errors: dict[Path, ScenarioError] = {}
        self._stamps: dict[Path, tuple] = {}
        self._reading_lock = threading.Lock()
        self._reading: threading.Thread | None = None
        self._deadline = 0.0
        self._read_once = False

    def _files(self) -> dict[Path, tuple]:
        """Every scenario file in the folder with a stamp that changes when the file does."""
        found = {}
        for path in sorted(self.directory.glob("*.yml")) + sorted(self.directory.glob("*.yaml")):
            try:
                info = path.stat()
            except FileNotFoundError:
                continue
            except OSError as exc:
                found[path] = ("unreadable", str(exc))
                continue
            found[path] = (info.st_mtime_ns, info.st_size, info.st_mode)  # size too: two saves can share a tick
        return found

    def refresh(self) -> None:
        """Start reading changed files (if any and not already started), and wait for it as above."""
        with self._reading_lock:
            if self._reading is None or not self._reading.is_alive():
                files = self._files()
                with self._lock:
                    changed = files != self._stamps
                if not changed:
                    return
                self._reading = threading.Thread(target=self._read, args=(files,), name="scenario-library", daemon=True)
                self._deadline = time.monotonic() + self.WAIT_S
                self._reading.start()
            reading, wait = self._reading, None if not self._read_once else self._deadline - time.monotonic()
        if wait is None or wait > 0:
            reading.join(wait)

    def _read(self, files: dict[Path, tuple]) -> None:
        try:
            for path, stamp in files.items():
                with self._lock:
                    if self._stamps.get(path) == stamp:
                        continue
                    others = {p: s.id for p, (_, s) in self._by_path.items() if p != path}
                try:
                    sc = load_scenario(path)  # a folder, an unreadable or oversized file: a problem
                    clash = next((p for p, sid in others.items() if sid == sc.id), None)
                    if clash is not None:
                        raise ScenarioError([Problem(str(path), 1, "id", f"'{sc.id}' is already used by {clash}",
                                                     "Give each scenario its own id.")])
                    problems = full_check(sc)
                    if problems:
                        raise ScenarioError(problems)
                except ScenarioError as exc:
                    with self._lock:
                        self._errors[path] = exc  # the last good version (if any) stays live
                        self._stamps[path] = stamp
                    continue
                except Exception as exc:  # noqa: BLE001 - one odd file must not stop the others being read
                    logger.exception("scenario library: could not read %s", path)
                    with self._lock:
                        self._errors[path] = ScenarioError([Problem(str(path), 0, "(file)", f"the file could not be read "
                                                                    f"({type(exc).__name__})", "Check it with make check-scenarios.")])
                        self._stamps[path] = stamp
                    continue
                with self._lock:
                    self._by_path[path] = (stamp, sc)
                    self._errors.pop(path, None)
                    self._stamps[path] = stamp
            with self._lock:
                for gone in (set(self._by_path) | set(self._errors) | set(self._stamps)) - set(files):
                    self._by_path.pop(gone, None)
                    self._errors.pop(gone, None)
                    self._stamps.pop(gone, None)
        finally:
            self._read_once = True

    def get(self, scenario_id: str) -> Scenario:
        self.refresh()
        with self._lock:
            for _, sc in self._by_path.values():
                if sc.id == scenario_id:
                    return sc
        raise KeyError(scenario_id)

    def all(self) -> dict[str, Scenario]:
        self.refresh()
        with self._lock:
            return {sc.id: sc for _, sc in self._by_path.values()}

    def errors(self) -> dict[str, ScenarioError]:
        self.refresh()
        with self._lock:
            return {str(p): e for p, e in self._errors.items()}
