"""server/store_failures.py: Rasa's fail-safe tracker store wrapper raises instead of falling back
to memory, on the exact Rasa it was written for, and refuses any other."""

import sqlite3
import uuid

import psycopg2
import pytest
import rasa
from rasa.core.tracker_store import FailSafeTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered

from server import store_failures
from stores.errors import TrackerStoreUnavailable
from stores.sql_tracker import LeanSQLTrackerStore

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/test"


@pytest.fixture(scope="module", autouse=True)
def patched():
    saved = {name: FailSafeTrackerStore.__dict__[name] for name in store_failures.ORIGINALS}
    store_failures.check()  # the pinned version and hashes match before anything is replaced
    store_failures.apply()
    yield
    for name, function in saved.items():
        setattr(FailSafeTrackerStore, name, function)
    del FailSafeTrackerStore._coach_fails_loudly


def test_the_patch_is_pinned_to_this_rasa_and_these_originals(monkeypatch):
    assert rasa.__version__ == store_failures.RASA_VERSION
    monkeypatch.setattr(rasa, "__version__", "3.6.22")
    with pytest.raises(store_failures.PatchRefused, match="3.6.21"):
        store_failures.check()
    monkeypatch.undo()
    monkeypatch.setitem(store_failures.ORIGINALS, "save", "0" * 64)
    monkeypatch.setattr(FailSafeTrackerStore, "_coach_fails_loudly", False)
    with pytest.raises(store_failures.PatchRefused, match="FailSafeTrackerStore.save"):
        store_failures.apply()


async def test_a_failed_write_raises_and_keeps_nothing(tmp_path):
    db = tmp_path / "c.db"
    store = FailSafeTrackerStore(LeanSQLTrackerStore(domain=Domain.empty(), dialect="sqlite", db=str(db)))
    tracker = await store.get_or_create_tracker("learner")
    tracker.update(UserUttered("kept"))
    await store.save(tracker)
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    tracker.update(UserUttered("not kept"))
    with pytest.raises(TrackerStoreUnavailable, match="could not save conversation learner"):
        await store.save(tracker)
    holder.execute("ROLLBACK")
    assert store._fallback_tracker_store is None  # no in-memory store was made, let alone written
    texts = [e.text for e in (await store.retrieve("learner")).events if isinstance(e, UserUttered)]
    assert texts == ["kept"]


async def test_a_failed_read_raises_instead_of_starting_an_empty_conversation():
    name = f"failsafe_{uuid.uuid4().hex[:10]}"
    admin = psycopg2.connect(PG_ADMIN)
    admin.autocommit = True
    admin.cursor().execute(f"CREATE DATABASE {name}")
    try:
        store = FailSafeTrackerStore(LeanSQLTrackerStore(domain=Domain.empty(), dialect="postgresql",
                                                         host="127.0.0.1", port=5432, username="postgres", db=name))
        await store.save(await store.get_or_create_tracker("learner"))
        admin.cursor().execute(f"DROP DATABASE {name} WITH (FORCE)")  # the database is gone
        for read in (store.retrieve, store.retrieve_full_tracker, store.exists, store.get_or_create_tracker):
            with pytest.raises(TrackerStoreUnavailable, match="could not read conversation learner"):
                await read("learner")
        with pytest.raises(TrackerStoreUnavailable, match="could not list conversations"):
            await store.keys()
        assert store._fallback_tracker_store is None
    finally:
        admin.cursor().execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.close()
