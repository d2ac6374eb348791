"""Rasa's SQL tracker store with less work per turn: same table, same rows, same trackers.

Rasa 3.6's SQLTrackerStore reads and writes through the ORM: each turn builds ORM queries (a read,
then a count before the write) and adds rows one object at a time, and a SQLite file is opened
afresh for every query. Measured with bench/latency.py, that was a third of a REST turn. This
store runs the same queries as SQL statements and writes a turn's new rows in one insert. Rasa's
own table, columns and ordering are kept, so Rasa's SQLTrackerStore, the trainer pages and
scripts/retention.py read what it writes, and it reads what they wrote.

A SQLite file also gets a small pool of open connections, write-ahead logging and
``synchronous=NORMAL``: a crash or restart of the server loses nothing (only a power cut can lose
the last turns), and the trainer pages can read while a turn is written. PostgreSQL keeps Rasa's
settings (pool size from SQL_POOL_SIZE / SQL_MAX_OVERFLOW, schema from POSTGRESQL_SCHEMA).

A write that finds the SQLite file locked by someone else (a long delete, a VACUUM, a backup
tool holding a write transaction) waits at most half of COACH_REPLY_TIMEOUT_S, then fails. The
turn then fails with nothing saved and the learner is told so (server/store_failures.py,
channels/guard.py), before the reply guard would have told them "your message is saved".

endpoints.yml selects it with ``type: stores.sql_tracker.LeanSQLTrackerStore``; it takes the same
settings as Rasa's ``type: SQL``.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from typing import Any, Optional, Text

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

logger = logging.getLogger(__name__)


class LeanSQLTrackerStore(SQLTrackerStore):
    """Stores each conversation's events in Rasa's ``events`` table, as Rasa's SQL store does."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        url = self.engine.url
        if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
            self.engine.dispose()
            self.engine = sa.create_engine(url, poolclass=sa.pool.QueuePool,
                                           connect_args={"check_same_thread": False, "timeout": busy_timeout()})
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)
            self.sessionmaker = sa.orm.sessionmaker(bind=self.engine)
        self.table = self.SQLEvent.__table__

    def _session_filter(self, sender_id: Text, all_sessions: bool) -> Any:
        """Rasa's filter: this sender's events, from the latest SessionStarted on (or all)."""
        events = self.table.c
        condition = events.sender_id == sender_id
        if not all_sessions:
            session_start = (
                sa.select(sa.func.max(events.timestamp))
                .where(events.sender_id == sender_id, events.type_name == SessionStarted.type_name)
                .scalar_subquery()
            )
            condition = sa.and_(condition, sa.or_(events.timestamp >= session_start, session_start.is_(None)))
        return condition

    async def _retrieve(self, sender_id: Text, fetch_events_from_all_sessions: bool
                        ) -> Optional[DialogueStateTracker]:
        query = (sa.select(self.table.c.data)
                 .where(self._session_filter(sender_id, fetch_events_from_all_sessions))
                 .order_by(self.table.c.id))
        with self.session_scope() as session:
            events = [json.loads(data) for (data,) in session.execute(query)]
        if not self.domain or not events:
            return None
        return DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Store the events of the tracker's latest session that are not stored yet."""
        await self.stream_events(tracker)
        count = sa.select(sa.func.count()).select_from(self.table).where(
            self._session_filter(tracker.sender_id, all_sessions=False))
        with self.session_scope() as session:
            stored = session.execute(count).scalar_one()
            rows = [self._row(tracker.sender_id, event) for event in list(tracker.events)[stored:]]
            if rows:
                session.execute(self.table.insert(), rows)
            session.commit()

    def all_conversations(self) -> dict[Text, list[dict]]:
        """Every conversation's stored events (all sessions, in order), read in one query.

        For the trainer pages, which summarise every conversation: one pass over the table
        instead of a query and a tracker rebuild per conversation. Blocking: call it from a
        worker thread (channels/store.py does).
        """
        query = sa.select(self.table.c.sender_id, self.table.c.data).order_by(self.table.c.sender_id, self.table.c.id)
        found: dict[Text, list[dict]] = {}
        with self.session_scope() as session:
            for sender, data in session.execute(query):
                found.setdefault(sender, []).append(json.loads(data))
        return found

    @staticmethod
    def _row(sender_id: Text, event: Any) -> dict:
        data = event.as_dict()
        return {
            "sender_id": sender_id,
            "type_name": event.type_name,
            "timestamp": data.get("timestamp"),
            "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
            "action_name": data.get("name"),
            "data": json.dumps(data),
        }


def busy_timeout() -> float:
    """Seconds a write waits for a SQLite file another connection holds locked: half the reply
    timeout, so a locked file fails the turn before the learner is told it is saved."""
    from coach.settings import current

    return current().reply_timeout_s / 2


def _sqlite_pragmas(dbapi_connection: Any, connection_record: Any) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.execute("PRAGMA journal_mode=WAL")
        dbapi_connection.execute("PRAGMA synchronous=NORMAL")
