"""The actions' shared objects (settings, scenario library), from the core's runtime module."""

from coach.runtime import library, reset, settings  # noqa: F401
