"""A tracker store that cannot read or write fails the turn; Rasa must not pretend it saved it.

Rasa 3.6 wraps every tracker store in ``FailSafeTrackerStore`` (``Agent._create_tracker_store``).
When the store raises, that wrapper logs and carries on: a save goes to an in-memory store that
nothing reads again, and a failed read returns None, so Rasa starts a new, empty conversation and
then "saves" that too. Learners got normal replies while none of their turns were stored (issue 14,
F1: a write-locked SQLite file, a stopped PostgreSQL).

This patch replaces the wrapper's four methods that reach the store with ones that log the error
and raise :class:`stores.errors.TrackerStoreUnavailable`. Rasa saves a turn only at its end, so the
turn then fails with nothing of it saved anywhere, and the channels' reply guard
(channels/guard.py) tells the learner their message was not saved and to send it again.

Patch target: ``rasa.core.tracker_store.FailSafeTrackerStore`` (``save``, ``retrieve``,
``retrieve_full_tracker``, ``keys``) of Rasa 3.6.21 exactly; the SHA-256 of each original's source
is below and checked before patching (and by tests/test_store_failures.py). On any other Rasa,
``apply()`` refuses and ``python -m server`` will not start: the patch must be checked against the
new code first. It is applied by ``python -m server`` whatever COACH_RASA_SPEEDUPS says, because it
is about correctness, not speed.
"""

from __future__ import annotations

import logging
from typing import Any, Iterable, Optional, Text

from server.pinned import RASA_VERSION, PatchRefused
from server.pinned import check as check_pinned
from stores.errors import TrackerStoreUnavailable

logger = logging.getLogger(__name__)

__all__ = ["RASA_VERSION", "PatchRefused", "TARGET", "ORIGINALS", "check", "apply"]
TARGET = "rasa.core.tracker_store.FailSafeTrackerStore"
ORIGINALS = {  # method -> SHA-256 of its source in Rasa RASA_VERSION
    "save": "8426dc08f58d71102f7c031ade8a26b0b1458c8bae162be7b091d288699a5e9b",
    "retrieve": "35d77318b0cc79771af3c667bc8c34cd5a56e494eaa8c4d713fd754b9d00d276",
    "retrieve_full_tracker": "5272a6be0919b511c874fde07a8666777d09f5a11ba29e66f1f923f5ef85e2a0",
    "keys": "2383a042130a7ce533e546dab8b0ebd5e9573c551fb593129d29bd7c8b8d8e28",
}


def check() -> None:
    """PatchRefused unless Rasa and every method to replace are exactly the pinned ones."""
    from rasa.core.tracker_store import FailSafeTrackerStore

    check_pinned(__name__, {f"{TARGET}.{name}": (getattr(FailSafeTrackerStore, name), sha)
                            for name, sha in ORIGINALS.items()})


def apply() -> None:
    """Make the fail-safe wrapper raise instead of falling back; once. PatchRefused if unsure."""
    from rasa.core.tracker_store import FailSafeTrackerStore

    if getattr(FailSafeTrackerStore, "_coach_fails_loudly", False):
        return
    check()

    def failed(store: FailSafeTrackerStore, what: str, sender_id: Optional[Text], error: Exception
               ) -> TrackerStoreUnavailable:
        what = f"{what} conversation {sender_id}" if sender_id else what
        logger.error("The tracker store %s could not %s: %s: %s. The turn fails and nothing of it is "
                     "kept (no in-memory fallback).", store._tracker_store.__class__.__name__, what,
                     type(error).__name__, error)
        return TrackerStoreUnavailable(f"The tracker store could not {what}.")

    async def save(self: FailSafeTrackerStore, tracker: Any) -> None:
        """Save to the primary store; a failure raises (Rasa fell back to memory)."""
        try:
            await self._tracker_store.save(tracker)
        except Exception as error:
            raise failed(self, "save", tracker.sender_id, error) from error

    async def retrieve(self: FailSafeTrackerStore, sender_id: Text) -> Any:
        """Read from the primary store; a failure raises (Rasa returned None: a new conversation)."""
        try:
            return await self._tracker_store.retrieve(sender_id)
        except Exception as error:
            raise failed(self, "read", sender_id, error) from error

    async def retrieve_full_tracker(self: FailSafeTrackerStore, sender_id: Text) -> Any:
        """Read every session from the primary store; a failure raises (Rasa returned None)."""
        try:
            return await self._tracker_store.retrieve_full_tracker(sender_id)
        except Exception as error:
            raise failed(self, "read", sender_id, error) from error

    async def keys(self: FailSafeTrackerStore) -> Iterable[Text]:
        """List the stored conversations; a failure raises (Rasa returned an empty list)."""
        try:
            return await self._tracker_store.keys()
        except Exception as error:
            raise failed(self, "list conversations", None, error) from error

    for function in (save, retrieve, retrieve_full_tracker, keys):
        setattr(FailSafeTrackerStore, function.__name__, function)
    FailSafeTrackerStore._coach_fails_loudly = True
