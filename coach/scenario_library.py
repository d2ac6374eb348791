"""The live scenario library: re-reads files that changed on disk and keeps the last good
version of a file whose new version is broken."""

from __future__ import annotations

import threading
from pathlib import Path

from coach.scenario_model import Problem, Scenario, ScenarioError
from coach.scenario_parse import load_scenario


class ScenarioLibrary:
    """Scenarios from a folder, re-read when a file changes, keeping the last good version.

    Nothing is read until first use, so importing the actions does no file work.
    """

    def __init__(self, directory: str | Path):
        self.directory = Path(directory)
        self._lock = threading.Lock()
        self._by_path: dict[Path, tuple[tuple, Scenario]] = {}
        self._errors: dict[Path, ScenarioError] = {}
        self._stamps: dict[Path, tuple] = {}

    def refresh(self) -> None:
        with self._lock:
            paths = sorted(self.directory.glob("*.yml")) + sorted(self.directory.glob("*.yaml"))
            for path in paths:
                try:
                    info = path.stat()
                except FileNotFoundError:
                    continue
                stamp = (info.st_mtime_ns, info.st_size)  # size too: two saves can share a clock tick
                if self._stamps.get(path) == stamp:
                    continue
                self._stamps[path] = stamp
                try:
                    sc = load_scenario(path)
                    clash = next((p for p, (_, s) in self._by_path.items() if s.id == sc.id and p != path), None)
                    if clash is not None:
                        raise ScenarioError([Problem(str(path), 1, "id", f"'{sc.id}' is already used by {clash}",
                                                     "Give each scenario its own id.")])
                    self._by_path[path] = (stamp, sc)
                    self._errors.pop(path, None)
                except ScenarioError as exc:
                    self._errors[path] = exc  # the last good version (if any) stays live
            for gone in set(self._by_path) - set(paths):
                del self._by_path[gone]

    def get(self, scenario_id: str) -> Scenario:
        self.refresh()
        for _, sc in self._by_path.values():
            if sc.id == scenario_id:
                return sc
        raise KeyError(scenario_id)

    def all(self) -> dict[str, Scenario]:
        self.refresh()
        return {sc.id: sc for _, sc in self._by_path.values()}

    def errors(self) -> dict[str, ScenarioError]:
        self.refresh()
        return {str(p): e for p, e in self._errors.items()}
