"""Delete practice conversations older than COACH_RETENTION_DAYS from the tracker store.

A conversation is deleted whole when its latest event is older than the cut-off, so a learner
never finds half a conversation. Works on the SQL tracker store Rasa uses here (SQLite or
PostgreSQL, from the same settings as the bot). Run it daily, e.g. from cron:
    make retention            (or: .venv/bin/python scripts/retention.py --days 90)
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def database_url(env: dict) -> str:
    """The tracker store's database, from the bot's own settings."""
    if env["TRACKER_STORE"] == "postgresql":
        return env["TRACKER_DB_URL"]
    return f"sqlite:///{env['SQLITE_TRACKER_DB']}"


def delete_older_than(url: str, days: float, now: float | None = None) -> list[str]:
    """Delete every conversation whose latest event is more than `days` old; return their ids."""
    if days <= 0:
        raise ValueError("The retention period must be a positive number of days.")
    cutoff = (now if now is not None else time.time()) - days * 86400
    engine = sa.create_engine(url)
    try:
        events = sa.Table("events", sa.MetaData(), autoload_with=engine)
    except sa.exc.NoSuchTableError:
        return []
    latest = sa.select(events.c.sender_id).group_by(events.c.sender_id).having(sa.func.max(events.c.timestamp) < cutoff)
    with engine.begin() as conn:
        old = [row[0] for row in conn.execute(latest)]
        for start in range(0, len(old), 500):
            conn.execute(events.delete().where(events.c.sender_id.in_(old[start:start + 500])))
    engine.dispose()
    return old


def main(argv: list[str] | None = None) -> int:
    from scripts.launch import LaunchError, settings

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--days", type=float, help="keep this many days (default: COACH_RETENTION_DAYS)")
    args = parser.parse_args(argv)
    try:
        env = settings()
    except LaunchError as exc:
        print(f"Cannot run: {exc}", file=sys.stderr)
        return 2
    days = args.days if args.days is not None else float(env.get("COACH_RETENTION_DAYS") or 0)
    if days <= 0:
        print("No retention period set (COACH_RETENTION_DAYS is empty): nothing deleted.")
        return 0
    deleted = delete_older_than(database_url(env), days)
    print(f"Deleted {len(deleted)} conversation(s) with no activity in the last {days:g} days.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
