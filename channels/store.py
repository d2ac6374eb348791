"""Practice sessions read back from Rasa's tracker store, for the trainer and learner pages.

With stores/sql_tracker.py (the default, on SQLite and PostgreSQL) every conversation is read in
one query, in a worker thread. Any other tracker store is read through Rasa's own interface
(`keys()`, `retrieve_full_tracker()`), yielding to learners' turns between conversations.
Turning events into results is coach/results.py's job, also in a worker thread, and a
conversation unchanged since the last request is not judged again.
"""

from __future__ import annotations

import asyncio
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


def scenarios() -> tuple[Callable, dict[str, str]]:
    """How to find a live scenario by id, and every live scenario's title by id."""
    from coach.runtime import library

    live = library().all()
    return live.get, {sid: sc.title for sid, sc in live.items()}


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


async def sessions(agent, learner: Optional[str] = None) -> list[results.Session]:
    """Every practice session in the tracker store (only one learner's, when `learner` is given)."""
    store = getattr(agent.tracker_store, "_tracker_store", agent.tracker_store)  # inside Rasa's fail-safe wrapper
    scenario_for, _ = scenarios()
    versions = _versions()
    if hasattr(store, "all_conversations"):  # stores/sql_tracker.py: one query, in a worker thread
        def read_and_build() -> list[results.Session]:
            found = [(sender, events) for sender, events in sorted(store.all_conversations().items())
                     if learner is None or learner_of(sender, events) == learner]
            return build_sessions(found, scenario_for, versions)

        return await asyncio.to_thread(read_and_build)
    found = []
    for sender in sorted(await store.keys()):
        events = await events_of(agent, sender)
        if events and (learner is None or learner_of(sender, events) == learner):
            found.append((sender, events))
        await asyncio.sleep(0)  # a tracker store read blocks: let learners' turns in between reads
    return await asyncio.to_thread(build_sessions, found, scenario_for, versions)


async def session(agent, sender: str) -> Optional[results.Session]:
    """One conversation's session, or None when it has no learner turn (or does not exist)."""
    events = await events_of(agent, sender)
    if not events:
        return None
    scenario_for, _ = scenarios()
    return await asyncio.to_thread(results.session_from_events, sender, events, scenario_for)
