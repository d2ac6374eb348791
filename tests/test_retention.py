"""The retention setting deletes whole conversations older than N days, on SQLite and PostgreSQL."""

import time
import uuid

import psycopg2
import pytest
import sqlalchemy as sa

from scripts.retention import delete_older_than

DAY = 86400


def make_events_table(url):
    engine = sa.create_engine(url)
    meta = sa.MetaData()
    events = sa.Table("events", meta, sa.Column("id", sa.Integer, primary_key=True), sa.Column("sender_id", sa.String(255)),
                      sa.Column("type_name", sa.String(255)), sa.Column("timestamp", sa.Float), sa.Column("data", sa.Text))
    meta.create_all(engine)
    return engine, events


def fill(engine, events, now):
    rows = [("old", now - 100 * DAY), ("old", now - 95 * DAY),       # quiet for 95 days: goes
            ("mixed", now - 200 * DAY), ("mixed", now - 2 * DAY),    # started long ago, active lately: stays
            ("new", now - 1 * DAY)]
    with engine.begin() as conn:
        conn.execute(events.insert(), [{"sender_id": s, "type_name": "user", "timestamp": t, "data": "{}"} for s, t in rows])


def remaining(engine, events):
    with engine.connect() as conn:
        return sorted({r[0] for r in conn.execute(sa.select(events.c.sender_id))})


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'c.db'}"
        return
    name = f"coach_ret_{uuid.uuid4().hex[:8]}"
    admin = psycopg2.connect("postgresql://postgres@127.0.0.1:5432/test")
    admin.autocommit = True
    admin.cursor().execute(f'CREATE DATABASE "{name}"')
    yield f"postgresql://postgres@127.0.0.1:5432/{name}"
    admin.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


def test_deletes_only_conversations_quiet_for_longer_than_the_period(url):
    engine, events = make_events_table(url)
    now = time.time()
    fill(engine, events, now)
    assert delete_older_than(url, 90, now) == ["old"]
    assert remaining(engine, events) == ["mixed", "new"]
    assert delete_older_than(url, 90, now) == []
    engine.dispose()


def test_refuses_a_non_positive_period(tmp_path):
    with pytest.raises(ValueError, match="positive"):
        delete_older_than(f"sqlite:///{tmp_path / 'x.db'}", 0)


def test_a_store_with_no_conversations_yet(tmp_path):
    assert delete_older_than(f"sqlite:///{tmp_path / 'empty.db'}", 30) == []
