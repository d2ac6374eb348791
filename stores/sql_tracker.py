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

    # --- Reads for one learner and for a page of the trainer's list (blocking: call them from a
    # worker thread, as channels/store.py does). Rasa's table is unchanged: the learner's id is
    # found through two partial indexes on expressions over its JSON `data` column, which Rasa's
    # own SQL store and scripts/retention.py neither see nor need.

    def conversations(self, senders: list[Text]) -> dict[Text, list[dict]]:
        """These conversations' stored events (all sessions, in order), by the sender_id index."""
        found: dict[Text, list[dict]] = {}
        c = self.table.c
        with self.session_scope() as session:
            for chunk in _chunks(sorted(set(senders))):
                query = sa.select(c.sender_id, c.data).where(c.sender_id.in_(chunk)).order_by(c.sender_id, c.id)
                for sender, data in session.execute(query):
                    found.setdefault(sender, []).append(json.loads(data))
        return found

    def learner_conversations(self, learner: Text) -> dict[Text, list[dict]]:
        """The conversations that may be this learner's (:meth:`learner_candidates`), with their events."""
        return self.conversations(self.learner_candidates(learner))

    def learner_candidates(self, learner: Text) -> list[Text]:
        """The conversations that may be this learner's: those with a message, or a session start,
        whose metadata names the learner, and the one whose id is the learner's id. Found by index,
        so the cost grows with the learner's conversations, not the table's. Which learner a
        conversation belongs to is still the reader's rule (coach.transcript): callers keep only
        those it gives to this learner."""
        self._learner_indexes()
        user, slot = self._learner_expressions()
        table = self._table_name()
        query = sa.text(
            f"SELECT sender_id FROM {table} WHERE type_name = 'user' AND {user} = :learner "
            f"UNION SELECT sender_id FROM {table} WHERE type_name = 'slot' AND action_name = :slot AND {slot} = :learner")
        with self.session_scope() as session:
            senders = {sender for (sender,) in session.execute(query, {"learner": learner, "slot": _SESSION_METADATA})}
        return sorted(senders | {learner})

    def conversation_versions(self, senders: Optional[list[Text]] = None) -> dict[Text, tuple[int, int]]:
        """Every conversation's (or these conversations') number of events and last event id, from
        the sender_id index alone: a conversation whose pair is unchanged has no new event (events
        are only ever added), so what was built from it before still holds."""
        c = self.table.c
        query = sa.select(c.sender_id, sa.func.count(), sa.func.max(c.id)).group_by(c.sender_id)
        with self.session_scope() as session:
            if senders is None:
                return {sender: (count, last) for sender, count, last in session.execute(query)}
            found = {}
            for chunk in _chunks(sorted(set(senders))):
                found.update({sender: (count, last) for sender, count, last in
                              session.execute(query.where(c.sender_id.in_(chunk)))})
            return found

    def changes_since(self, last_id: int) -> tuple[int, int, dict[Text, tuple[int, int]]]:
        """What was added after event id `last_id`: the highest id now, how many events the table
        holds, and for each conversation with new events how many and its last id. Cheap (a range
        of the primary key, and a count of the smallest index); callers keep
        :meth:`conversation_versions` up to date with it, and read that again when the count says
        events went missing (retention deleted some) or arrived out of order."""
        c = self.table.c
        query = sa.select(c.sender_id, c.id).where(c.id > last_id)  # grouped here: a GROUP BY would scan an index
        changed: dict[Text, tuple[int, int]] = {}
        with self.session_scope() as session:
            for sender, event_id in session.execute(query):
                count, last = changed.get(sender, (0, 0))
                changed[sender] = (count + 1, max(last, event_id))
            total = session.execute(sa.select(sa.func.count()).select_from(self.table)).scalar_one()
        top = max([last_id, *(last for _, last in changed.values())])
        return top, total, changed

    def outline_events(self, senders: list[Text]) -> dict[Text, tuple[list[dict], float | None, float | None]]:
        """For each conversation, its events cut down to what the reader (coach.transcript) needs for
        a session's outline (who, which scenario, learner turns and their moves, where sessions
        start), with its first and last timestamps. Read from the table's columns, plus two short
        JSON fields: far less than whole events, for the trainer's counts over every conversation."""
        user, slot = self._learner_expressions()
        value = self._json_text("value")
        table = self._table_name()
        query = sa.text(
            f"SELECT sender_id, type_name, action_name, intent_name, timestamp, "
            f"CASE WHEN type_name = 'user' THEN {user} WHEN action_name = :slot THEN {slot} END, "
            f"CASE WHEN type_name = 'slot' AND action_name = :scenario THEN {value} END "
            f"FROM {table} WHERE sender_id IN :senders AND (type_name IN ('user', 'session_started', 'restart') "
            f"OR (type_name = 'action' AND action_name = :start) "
            f"OR (type_name = 'slot' AND action_name IN (:slot, :scenario))) ORDER BY sender_id, id"
        ).bindparams(sa.bindparam("senders", expanding=True))
        spans = sa.text(f"SELECT sender_id, MIN(timestamp), MAX(timestamp) FROM {table} "
                        f"WHERE sender_id IN :senders GROUP BY sender_id").bindparams(sa.bindparam("senders", expanding=True))
        found: dict[Text, tuple[list[dict], float | None, float | None]] = {}
        names = {"slot": _SESSION_METADATA, "scenario": _SCENARIO_SLOT, "start": _SESSION_START_ACTION}
        with self.session_scope() as session:
            for chunk in _chunks(sorted(set(senders))):
                for sender, first, last in session.execute(spans, {"senders": chunk}):
                    found[sender] = ([], first, last)
                for sender, kind, name, intent, stamp, learner, scenario in session.execute(
                        query, {"senders": chunk, **names}):
                    found[sender][0].append(_outline_event(kind, name, intent, stamp, learner, scenario))
        return found

    def _table_name(self) -> str:
        return self.engine.dialect.identifier_preparer.format_table(self.table)

    def _json_text(self, *path: str) -> str:
        """SQL for the text at `path` in an event's JSON, the same expression the indexes use."""
        if self.engine.dialect.name == "postgresql":
            *inner, last = path
            return "((data::json)" + "".join(f" -> '{key}'" for key in inner) + f" ->> '{last}')"
        return f"json_extract(data, '$.{'.'.join(path)}')"

    def _learner_expressions(self) -> tuple[str, str]:
        """SQL for the learner a message's metadata names, and the learner a session start's names."""
        return self._json_text("metadata", "learner"), self._json_text("value", "learner")

    def _learner_indexes(self) -> None:
        """Create, once per process and only if missing, the two partial indexes the learner reads
        use. On a large existing table the first creation takes a moment (once)."""
        if getattr(self, "_learner_indexes_ready", False):
            return
        user, slot = self._learner_expressions()
        table = self._table_name()
        with self.engine.begin() as connection:
            connection.execute(sa.text(f"CREATE INDEX IF NOT EXISTS coach_events_learner ON {table} (({user})) "
                                       "WHERE type_name = 'user'"))
            connection.execute(sa.text(f"CREATE INDEX IF NOT EXISTS coach_events_session_learner ON {table} "
                                       f"(({slot})) WHERE type_name = 'slot' AND action_name = '{_SESSION_METADATA}'"))
        self._learner_indexes_ready = True

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


# The names the outline and learner reads look for (coach/names.py and Rasa's own).
_SESSION_METADATA = "session_started_metadata"
_SCENARIO_SLOT = "scenario_id"
_SESSION_START_ACTION = "action_session_start"


def _chunks(items: list, size: int = 500):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _outline_event(kind: str, name: Optional[str], intent: Optional[str], stamp: Optional[float],
                   learner: Optional[str], scenario: Optional[str]) -> dict:
    """An event as Rasa's as_dict() gives it, holding only the fields an outline reads."""
    event: dict = {"event": kind, "timestamp": stamp}
    if kind == "user":
        event.update(parse_data={"intent": {"name": intent}}, metadata={"learner": learner} if learner else {})
    elif kind == "slot":
        event.update(name=name, value={"learner": learner} if name == _SESSION_METADATA and learner else scenario)
    elif name is not None:
        event["name"] = name
    return event


def _sqlite_pragmas(dbapi_connection: Any, connection_record: Any) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.execute("PRAGMA journal_mode=WAL")
        dbapi_connection.execute("PRAGMA synchronous=NORMAL")
