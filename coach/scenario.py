"""Role-play scenarios: loading, validation with plain-language errors, and a live library.

Split by job: the model and its problems (scenario_model.py), parsing and validation
(scenario_parse.py), the live library (scenario_library.py). This module gathers them, so the
rest of the code imports scenarios from one place, and checks files from the command line.
"""

from __future__ import annotations

import sys
from pathlib import Path

from coach.moves import FACT_KINDS
from coach.scenario_library import ScenarioLibrary  # noqa: F401
from coach.scenario_model import CRITERIA, REACTIONS, Fact, Problem, Rapport, Scenario, ScenarioError, Unlock  # noqa: F401
from coach.scenario_parse import load_all, load_scenario, parse_scenario  # noqa: F401


def main(argv: list[str] | None = None) -> int:
    """Check scenario files or folders: `python -m coach.scenario scenarios/`."""
    args = argv if argv is not None else sys.argv[1:]
    if not args:
        args = ["scenarios"]
    status = 0
    for arg in args:
        path = Path(arg)
        try:
            loaded = load_all(path) if path.is_dir() else {(sc := load_scenario(path)).id: sc}
        except ScenarioError as exc:
            for p in exc.problems:
                print(f"ERROR {p}", file=sys.stderr)
            status = 1
            continue
        for sc in loaded.values():
            kinds = {k: sum(1 for f in sc.facts if f.kind == k) for k in FACT_KINDS}
            print(f"ok {sc.path}: '{sc.id}', {len(sc.facts)} facts {kinds}, {len(sc.lines())} distinct lines")
    return status


if __name__ == "__main__":
    raise SystemExit(main())
