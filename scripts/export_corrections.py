"""Write the turns learners flagged ("that's not what I meant") as Rasa NLU training data.

Reads every conversation in the tracker store (the bot's own settings: SQLite or PostgreSQL) and
writes one NLU file (version "3.1", an intent block per move meant, `metadata: {moves: [...]}` as
data/nlu/ files have) to exports/corrections.yml, or the path given. The file is for a person to
review: a learner may be wrong about what they meant, and a turn may hold words no example
should. Nothing is ever written into data/nlu/ by this script; move the examples you agree with
into the right data/nlu/ file by hand, then `make train`.

    make export-corrections                  # exports/corrections.yml
    python scripts/export_corrections.py --out /tmp/review.yml
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "exports" / "corrections.yml"
NLU_DATA = ROOT / "data" / "nlu"
NOTE = ("Turns learners flagged in the web chat as misread ('that's not what I meant'), with what\n"
        "they said they meant. Written by make export-corrections: REVIEW EVERY EXAMPLE before\n"
        "moving it into a data/nlu/ file (a learner can be wrong, and a turn can hold personal\n"
        "details); this file itself is never read by training.")


def conversations(url: str) -> list[tuple[str, list[dict]]]:
    """Every conversation's events, in order, straight from Rasa's `events` table."""
    engine = sa.create_engine(url)
    try:
        events = sa.Table("events", sa.MetaData(), autoload_with=engine)
    except sa.exc.NoSuchTableError:
        engine.dispose()
        return []
    found: dict[str, list[dict]] = {}
    query = sa.select(events.c.sender_id, events.c.data).order_by(events.c.sender_id, events.c.id)
    with engine.connect() as conn:
        for sender, data in conn.execute(query):
            try:
                found.setdefault(sender, []).append(json.loads(data))
            except (TypeError, ValueError):
                continue  # a row another tool wrote: not an event this export can read
    engine.dispose()
    return sorted(found.items())


def export(url: str, out: Path) -> tuple[Path, int]:
    """Write the flagged turns of the store at `url` to `out`; the path and how many turns."""
    from coach.heard import flagged, to_nlu_yaml

    out = out.resolve()
    if out == NLU_DATA or NLU_DATA in out.parents:
        raise ValueError(f"{out} is inside data/nlu/: write the export elsewhere and review it first.")
    rows = flagged(conversations(url))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(to_nlu_yaml(rows, NOTE), encoding="utf-8")
    return out, len(rows)


def main(argv: list[str] | None = None) -> int:
    from scripts.launch import LaunchError, settings
    from scripts.retention import database_url

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where to write (default: exports/corrections.yml)")
    args = parser.parse_args(argv)
    try:
        env = settings()
    except LaunchError as exc:
        print(f"Cannot run: {exc}", file=sys.stderr)
        return 2
    try:
        path, count = export(database_url(env), args.out)
    except ValueError as exc:
        print(f"Cannot export: {exc}", file=sys.stderr)
        return 2
    print(f"Wrote {count} flagged turn(s) to {path}")
    print("Review every example before moving it into data/nlu/, then run make train.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
