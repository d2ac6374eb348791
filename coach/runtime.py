"""The process's shared objects, built lazily on first use: settings and the scenario library.

Nothing is read at import time. The library holds no conversation state (that lives in the
tracker), only parsed scenario files. The action server, the Rasa server's channels and the tools
all use these, so every process reads the same settings the same way.
"""

from __future__ import annotations

from functools import lru_cache

from coach import settings as _settings
from coach.scenario import ScenarioLibrary

settings = _settings.current


@lru_cache(maxsize=1)
def library() -> ScenarioLibrary:
    return ScenarioLibrary(settings().scenarios_dir)


def reset() -> None:
    """Forget the settings and library (tests that change the environment call this)."""
    _settings.reset()
    library.cache_clear()
