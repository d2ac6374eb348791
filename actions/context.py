"""Lazily built shared objects for the actions: settings and the scenario library.

Nothing is read at import time; the first action that needs them builds them once. The library
holds no conversation state (that lives in the tracker), only parsed scenario files.
"""

from __future__ import annotations

from functools import lru_cache

from dotenv import load_dotenv

from coach.conversation import Settings
from coach.scenario import ScenarioLibrary


@lru_cache(maxsize=1)
def settings() -> Settings:
    load_dotenv()  # values already in the environment win over .env
    return Settings.from_env()


@lru_cache(maxsize=1)
def library() -> ScenarioLibrary:
    return ScenarioLibrary(settings().scenarios_dir)
