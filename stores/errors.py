"""The one way a store tells a turn it cannot go on: the turn fails, and nothing of it is saved.

Rasa saves a turn once, at its end (``MessageProcessor.handle_message``), so a turn that raises
has saved nothing; the channels' reply guard (channels/guard.py) then tells the learner so.
"""


class StoreUnavailable(RuntimeError):
    """A store the turn needs cannot be read or written."""


class TrackerStoreUnavailable(StoreUnavailable):
    """The tracker store (SQLite or PostgreSQL) failed a read or a write."""


class LockStoreUnavailable(StoreUnavailable):
    """The lock store (Redis) cannot be reached, so the conversation cannot be locked for a turn."""
