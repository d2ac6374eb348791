"""The lean SQL tracker store writes and reads exactly what Rasa's own SQL tracker store does.

Each test runs on a SQLite file and on a fresh PostgreSQL database, and checks both directions:
what the lean store saves, Rasa's store reads back unchanged, and the other way round.
"""

import sqlite3
import uuid

import psycopg2
import pytest
from rasa.core.tracker_store import SQLTrackerStore, TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.utils.endpoints import EndpointConfig

from stores.sql_tracker import LeanSQLTrackerStore

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/test"
DOMAIN = Domain.from_yaml("""
version: "3.1"
intents: [greet]
slots:
  mood:
    type: text
    influence_conversation: false
    mappings: [{type: custom}]
session_config: {session_expiration_time: 0, carry_over_slots_to_new_session: true}
""")


@pytest.fixture(params=["sqlite", "postgresql"])
def settings(request, tmp_path):
    """Keyword arguments for both stores, pointing at one new empty database."""
    if request.param == "sqlite":
        yield {"dialect": "sqlite", "db": str(tmp_path / "trackers.db")}
        return
    name = f"lean_{uuid.uuid4().hex[:10]}"
    admin = psycopg2.connect(PG_ADMIN)
    admin.autocommit = True
    admin.cursor().execute(f"CREATE DATABASE {name}")
    yield {"dialect": "postgresql", "host": "127.0.0.1", "port": 5432, "username": "postgres", "db": name}
    admin.cursor().execute(f"DROP DATABASE {name} WITH (FORCE)")
    admin.close()


def stores(settings):
    lean = LeanSQLTrackerStore(domain=DOMAIN, **settings)
    rasa = SQLTrackerStore(domain=DOMAIN, **settings)
    return lean, rasa


def turn(text, reply, timestamp):
    return [UserUttered(text, {"name": "greet", "confidence": 0.9}, timestamp=timestamp),
            ActionExecuted("action_reply", timestamp=timestamp + 0.1),
            BotUttered(reply, timestamp=timestamp + 0.2),
            SlotSet("mood", text, timestamp=timestamp + 0.3),
            ActionExecuted("action_listen", timestamp=timestamp + 0.4)]


def conversation(store: TrackerStore, sender: str, first: float = 1000.0):
    tracker = store.init_tracker(sender)
    tracker.update(ActionExecuted("action_session_start", timestamp=first))
    tracker.update(SessionStarted(timestamp=first + 0.1))
    tracker.update(ActionExecuted("action_listen", timestamp=first + 0.2))
    return tracker


def as_dicts(tracker):
    return [e.as_dict() for e in tracker.events]


async def take_turn(store, sender, events):
    """As Rasa's processor does: read the latest session, add the turn's events, save."""
    tracker = await store.retrieve(sender)
    for event in events:
        tracker.update(event)
    await store.save(tracker)
    return tracker


async def test_rasa_builds_it_from_endpoints_yml_settings(tmp_path):
    config = EndpointConfig(type="stores.sql_tracker.LeanSQLTrackerStore", dialect="sqlite",
                            db=str(tmp_path / "x.db"))
    store = TrackerStore.create(config, DOMAIN)
    assert isinstance(getattr(store, "_tracker_store", store), LeanSQLTrackerStore)


async def test_what_it_saves_rasas_store_reads_back_the_same(settings):
    lean, rasa = stores(settings)
    await lean.save(conversation(lean, "a"))
    expected = as_dicts(await rasa.retrieve_full_tracker("a"))
    for i, text in enumerate(["hello", "it is sunny", "bye"]):
        expected += [e.as_dict() for e in turn(text, f"reply {i}", 2000.0 + i)]
        await take_turn(lean, "a", turn(text, f"reply {i}", 2000.0 + i))
    read_by_rasa = await rasa.retrieve("a")
    read_by_lean = await lean.retrieve("a")
    assert as_dicts(read_by_lean) == as_dicts(read_by_rasa)
    assert as_dicts(await rasa.retrieve_full_tracker("a")) == expected
    assert len(expected) == 3 + 3 * 5
    assert read_by_lean.get_slot("mood") == "bye"
    assert read_by_lean.latest_message.text == "bye"


async def test_what_rasas_store_saved_it_reads_and_extends_without_duplicates(settings):
    lean, rasa = stores(settings)
    tracker = conversation(rasa, "b")
    await rasa.save(tracker)
    tracker = await take_turn(rasa, "b", turn("hello", "hi there", 3000.0))
    assert as_dicts(await lean.retrieve("b")) == as_dicts(await rasa.retrieve("b")) == as_dicts(tracker)
    again = await take_turn(lean, "b", turn("more", "go on", 3001.0))
    await lean.save(again)  # saving twice stores nothing twice
    assert as_dicts(await rasa.retrieve("b")) == as_dicts(again)
    assert len((await rasa.retrieve_full_tracker("b")).events) == 3 + 2 * 5


async def test_only_the_latest_session_is_read_unless_all_are_asked_for(settings):
    lean, rasa = stores(settings)
    await lean.save(conversation(lean, "c", first=1000.0))
    await take_turn(lean, "c", turn("first session", "ok", 1001.0))
    restart = [ActionExecuted("action_session_start", timestamp=5000.0), SessionStarted(timestamp=5000.1),
               ActionExecuted("action_listen", timestamp=5000.2)]
    await take_turn(lean, "c", restart + turn("second session", "ok again", 5001.0))
    for store in (lean, rasa):
        latest = await store.retrieve("c")
        assert [e.text for e in latest.events if isinstance(e, UserUttered)] == ["second session"]
        full = await store.retrieve_full_tracker("c")
        assert [e.text for e in full.events if isinstance(e, UserUttered)] == ["first session", "second session"]
    assert as_dicts(await lean.retrieve("c")) == as_dicts(await rasa.retrieve("c"))
    assert as_dicts(await lean.retrieve_full_tracker("c")) == as_dicts(await rasa.retrieve_full_tracker("c"))


async def test_unknown_conversation_is_none_and_keys_list_senders(settings):
    lean, _ = stores(settings)
    assert await lean.retrieve("nobody") is None
    await lean.save(conversation(lean, "d"))
    assert set(await lean.keys()) == {"d"}


async def test_a_sqlite_file_uses_write_ahead_logging(tmp_path):
    db = tmp_path / "wal.db"
    store = LeanSQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=str(db))
    await store.save(conversation(store, "e"))
    assert sqlite3.connect(db).execute("PRAGMA journal_mode").fetchone()[0] == "wal"


async def test_all_conversations_in_one_read_match_each_full_tracker(settings):
    lean, rasa = stores(settings)
    for sender, first in (("f", 1000.0), ("g", 2000.0)):
        await lean.save(conversation(lean, sender, first=first))
        await take_turn(lean, sender, turn(f"hello from {sender}", "hi", first + 1))
    restart = [ActionExecuted("action_session_start", timestamp=9000.0), SessionStarted(timestamp=9000.1)]
    await take_turn(lean, "g", restart + turn("second session", "again", 9001.0))
    everything = lean.all_conversations()
    assert sorted(everything) == ["f", "g"]
    for sender in everything:
        assert everything[sender] == as_dicts(await rasa.retrieve_full_tracker(sender))


async def test_trainer_sessions_are_the_same_through_the_one_read_and_through_rasas_interface(settings):
    from types import SimpleNamespace

    from channels import store

    lean, rasa = stores(settings)
    for sender, first in (("h", 1000.0), ("i", 2000.0)):
        await lean.save(conversation(lean, sender, first=first))
        await take_turn(lean, sender, turn("what do you enjoy doing?", "Eric: woodwork", first + 1))
    fast = await store.sessions(SimpleNamespace(tracker_store=lean))
    slow = await store.sessions(SimpleNamespace(tracker_store=rasa))  # no one-read method: the fallback
    assert [s.summary() for s in fast] == [s.summary() for s in slow]
    assert [s.sender_id for s in fast] == ["h", "i"]
