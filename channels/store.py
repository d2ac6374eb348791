"""Practice sessions read back from Rasa's tracker store, for the trainer and learner pages.

Only the tracker store's own interface is used (`keys()`, `retrieve_full_tracker()`), so the same
code reads SQLite and PostgreSQL. Turning events into results is coach/results.py's job. Reading
a long list yields between trackers, and the building runs in a worker thread, so a trainer's
page does not hold up learners' turns for its whole length.
"""

from __future__ import annotations

import asyncio
from typing import Callable, Optional

from coach import results


def scenarios() -> tuple[Callable, dict[str, str]]:
    """How to find a live scenario by id, and every live scenario's title by id."""
    from actions.context import library

    live = library().all()
    return live.get, {sid: sc.title for sid, sc in live.items()}


async def events_of(agent, sender: str) -> Optional[list[dict]]:
    tracker = await agent.tracker_store.retrieve_full_tracker(sender)
    return [e.as_dict() for e in tracker.events] if tracker else None


async def sessions(agent, learner: Optional[str] = None) -> list[results.Session]:
    """Every practice session in the tracker store (only one learner's, when `learner` is given)."""
    store = agent.tracker_store
    found = []
    for sender in sorted(await store.keys()):
        events = await events_of(agent, sender)
        if events and (learner is None or results.learner_of(sender, events) == learner):
            found.append((sender, events))
        await asyncio.sleep(0)  # a tracker store read blocks: let learners' turns in between reads
    scenario_for, _ = scenarios()
    return await asyncio.to_thread(results.sessions_from_trackers, found, scenario_for)


async def session(agent, sender: str) -> Optional[results.Session]:
    """One conversation's session, or None when it has no learner turn (or does not exist)."""
    events = await events_of(agent, sender)
    if not events:
        return None
    scenario_for, _ = scenarios()
    return await asyncio.to_thread(results.session_from_events, sender, events, scenario_for)
