"""The coach's fixed texts, kept in texts.yml and filled through placeholders."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml


@lru_cache(maxsize=1)
def _texts() -> dict:
    return yaml.safe_load((Path(__file__).with_name("texts.yml")).read_text(encoding="utf-8"))


def render(key: str, **values) -> str:
    """The text for `key` with its placeholders filled."""
    return _texts()[key].format(**values)


def text(key: str):
    """The raw value for `key` (a string, list or mapping)."""
    return _texts()[key]
