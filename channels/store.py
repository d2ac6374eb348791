"""Practice sessions read back from Rasa's tracker store, for the trainer and learner pages.

With stores/sql_tracker.py (the default, on SQLite and PostgreSQL), in a worker thread:

- a learner's progress and record read only the conversations their id appears in, found by
  index (`learner_conversations`), however many other conversations the table holds;
- the trainer's session list counts every conversation from outlines (who, which scenario, when,
  turns, finished: a few columns per event, kept between requests and read again only for a
  conversation with new events), and builds in full only the page it shows;
- the cohort summary and the CSV export read every conversation in one query.

Any other tracker store is read through Rasa's own interface (`keys()`,
`retrieve_full_tracker()`), yielding to learners' turns between conversations. Turning events into
results is coach/results.py's job, also in a worker thread, and a conversation unchanged since the
last request is not judged again.
"""

from __future__ import annotations

import asyncio
import heapq
import threading
from collections import OrderedDict
from typing import Callable, Optional

from coach import results
from coach.results import learner_of

# Sessions already built, by conversation, its length and last event, and the scenarios' versions:
# a conversation with no new turn, under unchanged scenarios, is not judged again. Only results
# are kept here, never conversation state; the tracker store is still read on every request.
CACHE_SIZE = 5000
_built: "OrderedDict[tuple, Optional[results.Session]]" = OrderedDict()
_built_lock = threading.Lock()
# Outlines for the trainer's counts, by conversation, with the (events, last event id) they were
# read at; a conversation is read again only when that pair changes.
OUTLINES_SIZE = 200_000
_outlines: dict[str, tuple[tuple, Optional[results.Session]]] = {}
_outlines_lock = threading.Lock()
# Every conversation's version, kept up to date from the events added since `last_id` (the store's
# changes_since), and the outlines sorted newest first for the last state seen.
_state: dict = {"store": None, "last_id": 0, "total": 0, "versions": {}, "ordered": None, "token": None}


def scenarios() -> tuple[Callable, dict[str, str]]:
    """How to find a live scenario by id, and every live scenario's title by id."""
    from coach.runtime import library

    live = library().all()
    return live.get, {sid: sc.title for sid, sc in live.items()}


async def live_scenarios() -> tuple[Callable, dict[str, str]]:
    """:func:`scenarios`, in a worker thread: the library may read and check a changed file."""
    return await asyncio.to_thread(scenarios)


def _versions() -> tuple:
    from coach.runtime import library

    return tuple(sorted((sid, sc.version) for sid, sc in library().all().items()))


def build_sessions(found: list[tuple[str, list[dict]]], scenario_for: Callable, versions: tuple) -> list[results.Session]:
    """coach.results.sessions_from_trackers, reusing sessions built before from the same events."""
    out = []
    for sender, events in found:
        key = (sender, len(events), events[-1].get("timestamp") if events else None, versions)
        with _built_lock:
            hit = key in _built
            session = _built.get(key)
            if hit:
                _built.move_to_end(key)
        if not hit:
            session = results.session_from_events(sender, events, scenario_for)
            with _built_lock:
                _built[key] = session
                while len(_built) > CACHE_SIZE:
                    _built.popitem(last=False)
        if session is not None:
            out.append(session)
    return out


async def events_of(agent, sender: str) -> Optional[list[dict]]:
    tracker = await agent.tracker_store.retrieve_full_tracker(sender)
    return [e.as_dict() for e in tracker.events] if tracker else None


def _sql_store(agent):
    """The lean SQL tracker store (stores/sql_tracker.py) behind the agent, if that is what it uses."""
    store = getattr(agent.tracker_store, "_tracker_store", agent.tracker_store)  # inside Rasa's fail-safe wrapper
    return store if hasattr(store, "learner_conversations") else None


async def sessions(agent, learner: Optional[str] = None) -> list[results.Session]:
    """Every practice session in the tracker store (only one learner's, when `learner` is given)."""
    store = getattr(agent.tracker_store, "_tracker_store", agent.tracker_store)  # inside Rasa's fail-safe wrapper
    scenario_for, _ = await live_scenarios()
    versions = await asyncio.to_thread(_versions)
    if hasattr(store, "all_conversations"):  # stores/sql_tracker.py: in a worker thread
        def read_and_build() -> list[results.Session]:
            if learner is not None:  # the learner's conversations by index; read only if they changed
                candidates = store.learner_candidates(learner)
                built = built_by_version(store, candidates, store.conversation_versions(candidates), scenario_for, versions)
                return [s for _, s in sorted(built.items()) if s is not None and s.learner == learner]
            found = sorted(store.all_conversations().items())  # everyone's, in one query
            return build_sessions(found, scenario_for, versions)

        return await asyncio.to_thread(read_and_build)
    found = []
    for sender in sorted(await store.keys()):
        events = await events_of(agent, sender)
        if events and (learner is None or learner_of(sender, events) == learner):
            found.append((sender, events))
        await asyncio.sleep(0)  # a tracker store read blocks: let learners' turns in between reads
    return await asyncio.to_thread(build_sessions, found, scenario_for, versions)


def built_by_version(store, senders: list[str], versions: dict, scenario_for: Callable,
                     scenario_versions: tuple) -> dict[str, Optional[results.Session]]:
    """Sessions of these conversations by their version (events, last event id; the store's
    conversation_versions): a conversation with no new event is not even read again."""
    found, missing = {}, []
    for sender in senders:
        key = ("version", sender, versions.get(sender), scenario_versions)
        with _built_lock:
            if key in _built:
                _built.move_to_end(key)
                found[sender] = _built[key]
                continue
        missing.append(sender)
    events = store.conversations(missing) if missing else {}
    for sender in missing:
        session = results.session_from_events(sender, events[sender], scenario_for) if sender in events else None
        found[sender] = session
        with _built_lock:
            _built[("version", sender, versions.get(sender), scenario_versions)] = session
            while len(_built) > CACHE_SIZE:
                _built.popitem(last=False)
    return found


def versions_now(store) -> tuple[dict, tuple]:
    """Every conversation's version now, and a token that changes whenever any does: from the
    events added since the last call, or read whole the first time and when events went missing or
    came late."""
    with _outlines_lock:
        same = _state["store"] is store
        last, total, versions = _state["last_id"], _state["total"], _state["versions"]
    if same:
        top, count, changed = store.changes_since(last)
        if changed:
            versions = dict(versions)
            for sender, (added, newest) in changed.items():
                old = versions.get(sender, (0, 0))
                versions[sender] = (old[0] + added, max(old[1], newest))
            total += sum(added for added, _ in changed.values())
    if not same or total != count:  # first, deleted (retention), or written late by another server
        versions = store.conversation_versions()
        total, top = sum(n for n, _ in versions.values()), max([0, *(newest for _, newest in versions.values())])
    with _outlines_lock:
        if not same:  # another store (tests; a restarted agent): nothing seen before holds for it
            _state.update(ordered=None, token=None)
            _outlines.clear()
        _state.update(store=store, last_id=top, total=total, versions=versions)
    return versions, (id(store), top, total)


def _newest_first(session: results.Session) -> tuple:
    return (session.started or 0, session.sender_id)  # as results.filter_sessions orders them


def _outlines_now(store, current: Optional[dict] = None, token=None) -> list[results.Session]:
    """Every conversation's outline (those with a learner turn), newest first, reading only
    conversations with new events since the last call, and keeping the order of the others."""
    if current is None:
        current, token = versions_now(store)
    with _outlines_lock:
        if token is not None and _state["token"] == token and _state["ordered"] is not None:
            return _state["ordered"]
        stale = [sender for sender, version in current.items() if _outlines.get(sender, (None,))[0] != version]
        before = _state["ordered"]
    read = store.outline_events(stale) if stale else {}
    fresh = {sender: (current[sender], results.outline(sender, *read[sender]) if sender in read else None)
             for sender in stale}
    with _outlines_lock:
        _outlines.update(fresh)
        gone = [sender for sender in _outlines if sender not in current]  # deleted by retention
        for sender in gone:
            del _outlines[sender]
        if before is None or gone or len(_outlines) > OUTLINES_SIZE:
            ordered = sorted((o for _, o in _outlines.values() if o is not None), key=_newest_first, reverse=True)
        else:  # the order so far, with changed conversations in place and new ones merged in
            changed = {sender: outline for sender, (_, outline) in fresh.items()}
            kept, moved = [], []
            for old in before:
                if old.sender_id not in changed:
                    kept.append(old)
                    continue
                outline = changed.pop(old.sender_id)
                if outline is not None:
                    (kept if outline.started == old.started else moved).append(outline)
            moved += [o for o in changed.values() if o is not None]
            ordered = list(heapq.merge(kept, sorted(moved, key=_newest_first, reverse=True), key=_newest_first,
                                       reverse=True)) if moved else kept
        if len(_outlines) > OUTLINES_SIZE:  # far beyond any cohort: read them afresh next time
            _outlines.clear()
        _state.update(ordered=ordered, token=token)
    return ordered


async def session_page(agent, filters: dict, page: int = 1,
                       per_page: int = results.PER_PAGE) -> tuple[list[results.Session], list[results.Session]]:
    """The sessions the trainer's filters select, newest first (outlines, enough for counting), and
    the sessions on page `page` built in full, with their reports."""
    scenario_for, _ = await live_scenarios()
    versions = await asyncio.to_thread(_versions)
    store = _sql_store(agent)
    if store is None:  # another tracker store: build everything, then page
        found = results.filter_sessions(await sessions(agent), **filters)
        return found, results.page_of(found, page, per_page)

    def read_and_build() -> tuple[list[results.Session], list[results.Session]]:
        current, token = versions_now(store)
        matching = results.select(_outlines_now(store, current, token), **filters)  # already newest first
        wanted = [s.sender_id for s in results.page_of(matching, page, per_page)]
        built = built_by_version(store, wanted, current, scenario_for, versions)
        return matching, [built[sender] for sender in wanted if built.get(sender) is not None]

    return await asyncio.to_thread(read_and_build)


async def session(agent, sender: str) -> Optional[results.Session]:
    """One conversation's session, or None when it has no learner turn (or does not exist)."""
    events = await events_of(agent, sender)
    if not events:
        return None
    scenario_for, _ = await live_scenarios()
    return await asyncio.to_thread(results.session_from_events, sender, events, scenario_for)


async def flagged_turns(agent) -> list[dict]:
    """Every learner turn a learner said was misread ("that's not what I meant", coach/heard.py),
    newest first, from every conversation in the tracker store."""
    from coach.heard import flagged

    store = getattr(agent.tracker_store, "_tracker_store", agent.tracker_store)  # inside Rasa's fail-safe wrapper
    if hasattr(store, "all_conversations"):  # stores/sql_tracker.py: everyone's, in one query
        return await asyncio.to_thread(lambda: flagged(sorted(store.all_conversations().items())))
    found = []
    for sender in sorted(await store.keys()):
        events = await events_of(agent, sender)
        if events:
            found.append((sender, events))
        await asyncio.sleep(0)
    return await asyncio.to_thread(flagged, found)
