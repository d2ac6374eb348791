"""A learner's progress and a page of the trainer's list read only what they need from the tracker
store (issue 14, F4), on SQLite and PostgreSQL, from conversations the real actions held.

- A learner's conversations are found in SQL through an index, not by reading the events table,
  and are exactly those the reader gives to that learner.
- The trainer's counts come from outlines (a few columns per event) that agree with the sessions
  built from whole conversations; only the page shown is built in full.
"""

import uuid
from types import SimpleNamespace

import psycopg2
import pytest
import sqlalchemy as sa
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from channels import store as reads
from coach import results
from stores.sql_tracker import LeanSQLTrackerStore
from tests.actions.test_feedback import CHECKLIST, STRONG
from tests.actions.test_results import held, scenario_for
from tests.conftest import ROOT

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/test"
DOMAIN = Domain.load(str(ROOT / "domain.yml"))


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    if request.param == "sqlite":
        yield LeanSQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=str(tmp_path / "trackers.db"))
        return
    name = f"reads_{uuid.uuid4().hex[:10]}"
    admin = psycopg2.connect(PG_ADMIN)
    admin.autocommit = True
    admin.cursor().execute(f"CREATE DATABASE {name}")
    lean = LeanSQLTrackerStore(domain=DOMAIN, dialect="postgresql", host="127.0.0.1", port=5432,
                               username="postgres", db=name)
    yield lean
    lean.engine.dispose()
    admin.cursor().execute(f"DROP DATABASE {name} WITH (FORCE)")
    admin.close()


async def keep(store, conversation):
    """Store a conversation's events as the Rasa server would: the session start's metadata as a
    slot before the session start action (rasa.core.processor), then the rest; its tracker, saved."""
    events = list(conversation.events)
    if conversation.slots.get("session_started_metadata"):
        events.insert(0, {"event": "slot", "name": "session_started_metadata", "timestamp": events[0]["timestamp"],
                          "value": conversation.slots["session_started_metadata"]})
    conversation.events = events
    await store.save(DialogueStateTracker.from_dict(conversation.sender, events, DOMAIN.slots))


async def held_many(store):
    """alex: two conversations; bo: one; one conversation with no learner id (its learner is its
    own id); one where a message claims alex but the conversation began under bo (bo's); one that
    never got a learner turn."""
    made = [await held(STRONG, "s-1", "alex", 1_780_000_000),
            await held(CHECKLIST, "s-2", "bo", 1_780_100_000),
            await held(STRONG[:3], "s-3", "alex", 1_780_200_000, goodbye=False),
            await held(CHECKLIST[:2], "anon-1", None, 1_780_300_000, goodbye=False),
            await held([], "s-empty", "alex", 1_780_400_000, goodbye=False)]
    claimed = await held(STRONG[:2], "s-4", "bo", 1_780_500_000, goodbye=False)
    for e in claimed.events:
        if e["event"] == "user":
            e["metadata"] = {"learner": "alex"}  # its messages claim alex; it began under bo
    made.append(claimed)
    for conversation in made:
        await keep(store, conversation)
    return made


async def test_a_learners_conversations_are_found_by_index_and_are_exactly_theirs(store):
    made = await held_many(store)
    agent = SimpleNamespace(tracker_store=store)
    everyone = {c.sender: c.events for c in made}
    for learner in ("alex", "bo", "anon-1", "nobody"):
        expected = sorted(s for s, events in everyone.items()
                          if results.learner_of(s, events) == learner and results.session_from_events(s, events, scenario_for))
        found = await reads.sessions(agent, learner=learner)
        assert sorted(s.sender_id for s in found) == expected, learner
    assert [s.sender_id for s in results.filter_sessions(await reads.sessions(agent, learner="alex"))] == ["s-3", "s-1"]

    # The query finds them through the index, not by reading every event.
    store._learner_indexes()
    user, _ = store._learner_expressions()
    with store.engine.connect() as connection:
        if store.engine.dialect.name == "sqlite":
            plan = " ".join(str(row) for row in connection.execute(sa.text(
                f"EXPLAIN QUERY PLAN SELECT sender_id FROM events WHERE type_name = 'user' AND {user} = 'alex'")))
        else:
            connection.execute(sa.text("SET enable_seqscan = off"))  # a tiny table: ask whether the index can serve
            plan = " ".join(str(row) for row in connection.execute(sa.text(
                f"EXPLAIN SELECT sender_id FROM events WHERE type_name = 'user' AND {user} = 'alex'")))
    assert "coach_events_learner" in plan, plan


async def test_outlines_agree_with_sessions_built_from_whole_conversations(store):
    made = await held_many(store)
    outlined = store.outline_events([c.sender for c in made])
    for conversation in made:
        full = results.session_from_events(conversation.sender, conversation.events, scenario_for)
        brief = results.outline(conversation.sender, *outlined[conversation.sender])
        if full is None:
            assert brief is None, conversation.sender
            continue
        fields = ("sender_id", "learner", "scenario", "started", "ended", "finished", "turns", "date")
        assert {f: getattr(brief, f) for f in fields} == {f: getattr(full, f) for f in fields}, conversation.sender


async def test_the_trainers_list_counts_everything_and_builds_only_its_page(store, monkeypatch):
    made = await held_many(store)
    agent = SimpleNamespace(tracker_store=store)
    everything = results.filter_sessions(await reads.sessions(agent))
    reads._outlines.clear()
    reads._built.clear()
    read = []
    real = store.conversations
    monkeypatch.setattr(store, "conversations", lambda senders: read.extend(senders) or real(senders))
    matching, shown = await reads.session_page(agent, {}, page=2, per_page=2)
    page = results.session_list(matching, {}, 2, 2, shown)
    whole = results.session_list(everything, {})
    assert {k: page[k] for k in ("count", "finished", "learners", "by_scenario")} == \
        {k: whole[k] for k in ("count", "finished", "learners", "by_scenario")}
    assert (page["page"], page["pages"], page["per_page"]) == (2, 3, 2)
    assert page["sessions"] == whole["sessions"][2:4]  # the same rows, reports and all
    assert sorted(read) == sorted(s["sender_id"] for s in page["sessions"])  # nothing else was read in full
    read.clear()
    matching, shown = await reads.session_page(agent, {}, page=2, per_page=2)
    assert results.session_list(matching, {}, 2, 2, shown) == page and read == []  # unchanged: not read again
    filtered, _ = await reads.session_page(agent, {"learner": "bo"}, 1, 50)
    assert sorted(s.sender_id for s in filtered) == ["s-2", "s-4"]
    assert len(made) == 6


async def test_a_learners_progress_reads_their_conversations_again_only_when_they_change(store, monkeypatch):
    made = await held_many(store)
    agent = SimpleNamespace(tracker_store=store)
    read = []
    real = store.conversations
    monkeypatch.setattr(store, "conversations", lambda senders: read.extend(senders) or real(senders))
    reads._built.clear()
    first = await reads.sessions(agent, learner="alex")
    assert sorted(read) == sorted(["alex", "s-1", "s-3", "s-4", "s-empty"])  # the candidates, by index
    read.clear()
    assert [s.sender_id for s in await reads.sessions(agent, learner="alex")] == [s.sender_id for s in first]
    assert read == []
    more = next(c for c in made if c.sender == "s-3")
    tracker = await store.retrieve_full_tracker("s-3")  # one more learner turn in one of alex's conversations
    tracker.update(UserUttered("and what else?", {"name": "ask_strengths", "confidence": 0.9},
                               metadata={"learner": "alex"}, timestamp=more.events[-1]["timestamp"] + 5))
    await store.save(tracker)
    after = {s.sender_id: s for s in await reads.sessions(agent, learner="alex")}
    assert read == ["s-3"] and after["s-3"].turns == first[[s.sender_id for s in first].index("s-3")].turns + 1


async def test_the_trainers_counts_follow_new_and_deleted_conversations(store):
    """The list keeps every conversation's version from the events added since the last request,
    and reads them all again when events went missing (retention deleted a conversation)."""
    made = await held_many(store)
    agent = SimpleNamespace(tracker_store=store)
    reads._outlines.clear()
    matching, _ = await reads.session_page(agent, {}, 1, 50)
    assert len(matching) == 5
    newest = await held(STRONG[:2], "s-new", "cy", 1_790_000_000, goodbye=False)
    await keep(store, newest)
    matching, _ = await reads.session_page(agent, {}, 1, 50)
    assert [s.sender_id for s in matching][:1] == ["s-new"] and len(matching) == 6
    with store.engine.begin() as connection:  # as scripts/retention.py deletes a conversation
        connection.execute(sa.text("DELETE FROM events WHERE sender_id = 's-2'"))
    matching, _ = await reads.session_page(agent, {}, 1, 50)
    assert "s-2" not in {s.sender_id for s in matching} and len(matching) == 5
    assert len(made) == 6
