"""Names shared by the domain, rules and actions: re-exported from the core (coach/names.py)."""

from coach.names import *  # noqa: F401,F403
