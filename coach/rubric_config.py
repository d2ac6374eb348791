"""The rubric's settings: coach/rubric.yml, and a scenario's `rubric:` overrides checked against it.

A scenario may override any threshold or list in rubric.yml under its own `rubric:` key. Every
override must name a setting rubric.yml has and keep its kind (a number stays a number, a list of
moves a list of text), so a typo or a wrong value is refused when the scenario loads, with the
line, the field and what to write, instead of failing later in the middle of a report.
"""

from __future__ import annotations

import copy
import difflib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

RUBRIC_FILE = Path(__file__).with_name("rubric.yml")


@lru_cache(maxsize=1)
def base_config() -> dict:
    return yaml.safe_load(RUBRIC_FILE.read_text(encoding="utf-8"))


def merged(overrides: dict | None) -> dict:
    """rubric.yml with (already checked) overrides merged in."""
    cfg = copy.deepcopy(base_config())
    _merge(cfg, overrides or {})
    return cfg


def _merge(base: dict, over: dict) -> None:
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            _merge(base[key], value)
        else:
            base[key] = value


@dataclass(frozen=True)
class OverrideProblem:
    path: str        # e.g. "rubric.powerful_questions.met.open_share"
    key: Any         # the key under its parent block, to find its line
    parent: Any      # the block the key is in (a LineDict when read from a scenario file)
    problem: str
    fix: str


def check_overrides(overrides: Any, base: dict | None = None, path: str = "rubric") -> list[OverrideProblem]:
    """Every problem with a scenario's `rubric:` block, compared with rubric.yml's keys and kinds."""
    base = base_config() if base is None else base
    if not isinstance(overrides, dict):
        return [OverrideProblem(path, None, None, "should be a block of settings",
                                "Remove it, or copy the settings to change from coach/rubric.yml, keeping its layout.")]
    problems = []
    for key, value in overrides.items():
        where = f"{path}.{key}"
        if key not in base:
            close = difflib.get_close_matches(str(key), [str(k) for k in base], n=1)
            fix = (f"Did you mean '{close[0]}'? " if close else "") + \
                f"The settings here are: {', '.join(str(k) for k in base)}."
            problems.append(OverrideProblem(where, key, overrides, "is not a rubric setting", fix))
            continue
        problems += _check_value(value, base[key], where, key, overrides)
    return problems


def _check_value(value: Any, like: Any, where: str, key: Any, parent: Any) -> list[OverrideProblem]:
    def wrong(kind: str, example: Any) -> list[OverrideProblem]:
        return [OverrideProblem(where, key, parent, f"should be {kind}, not {_describe(value)}",
                                f"Write it like rubric.yml does, e.g. '{key}: {_example(example)}'.")]

    if isinstance(like, dict):
        return check_overrides(value, like, where) if isinstance(value, dict) else wrong("a block of settings", like)
    if isinstance(like, bool):
        return [] if isinstance(value, bool) else wrong("true or false", like)
    if isinstance(like, int) and not isinstance(value, bool) and isinstance(value, int):
        return []
    if isinstance(like, (int, float)):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return wrong("a number", like)
        if isinstance(like, int) and not isinstance(like, bool) and float(value) != int(value):
            return wrong("a whole number", like)
        if value < 0:
            return wrong("a number of 0 or more", like)
        return []
    if isinstance(like, str):
        return [] if isinstance(value, str) and value.strip() else wrong("some text", like)
    if isinstance(like, list):
        if not isinstance(value, list):
            return wrong("a list", like)
        sample = like[0] if like else ""
        for i, item in enumerate(value):
            if isinstance(sample, list):  # e.g. plain_words: [pattern, replacement] pairs
                if not (isinstance(item, list) and len(item) == len(sample) and all(isinstance(x, str) for x in item)):
                    return [OverrideProblem(f"{where}[{i + 1}]", key, parent,
                                            f"should be a pair of texts [pattern, replacement], not {_describe(item)}",
                                            "Write each entry as ['pattern', 'replacement'].")]
            elif not isinstance(item, str) or not item.strip():
                return [OverrideProblem(f"{where}[{i + 1}]", key, parent, f"should be text, not {_describe(item)}",
                                        f"Write each entry as text, e.g. '{key}: {_example(like)}'.")]
        return []
    return []


def _describe(value: Any) -> str:
    if isinstance(value, dict):
        return "a block of settings"
    if isinstance(value, list):
        return "a list"
    return repr(value)


def _example(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_example(v)}" for k, v in list(value.items())[:2]) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_example(v) for v in value[:2]) + (", ..." if len(value) > 2 else "") + "]"
    if isinstance(value, str):
        return value
    return str(value).lower() if isinstance(value, bool) else str(value)
