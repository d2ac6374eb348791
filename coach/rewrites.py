"""The coach's suggestions: whole sentences from keyed templates (coach/rubric_texts.yml).

A suggestion names the person and quotes the learner's turn when it helps, but never splices
pieces of the learner's words into a sentence of its own: that is how "I've come to do your care
act a chat about what matters to you" came about. Examples come from the scenario's own hints
(written by its author as whole questions) or from the fallback sentences in rubric_texts.yml.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

TEXTS_FILE = Path(__file__).with_name("rubric_texts.yml")


@lru_cache(maxsize=1)
def texts() -> dict:
    return yaml.safe_load(TEXTS_FILE.read_text(encoding="utf-8"))


def say(section: str, key: str, **values) -> str:
    """The wording for `key` in `section`, filled with `values`."""
    return texts()[section][key].format(**values)


def move_words(move: str) -> str:
    return texts()["move_words"].get(move, move.replace("_", " "))


def person(scenario) -> str:
    return scenario.short_name if scenario is not None else "the person"


def example(scenario, criterion: str, index: int = 0, fallback: str | None = None) -> str:
    """A whole example question for a criterion: the scenario's own hint, else a fallback sentence."""
    hints = (scenario.hints.get(criterion) if scenario is not None else None) or ()
    if hints:
        return hints[index % len(hints)]
    return texts()["fallback_examples"][fallback or criterion]


def open_example(move: str) -> str:
    found = texts()["open_examples"]
    return found.get(move, found["default"])


def plain_example(term: str) -> str:
    return texts()["plain_examples"].get(term, texts()["plain_examples"]["service"])


def rewrite_open(text: str, move: str = "default") -> str:
    """An open question of the same kind as a closed or leading one (a whole sentence of ours)."""
    return open_example(move)


def summary_of(words: list[str]) -> str:
    """'a, b and c' from a few short phrases (the person's own outcome or topic words)."""
    items = [w.strip().rstrip(".") for w in words if w and w.strip()]
    if not items:
        return "what matters most to you, and what you would like to be different."
    body = items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
    return body[0].lower() + body[1:] + ". Have I got that right?"


# --- simple grammar rules for every suggestion (tests/unit/test_rewrites.py) ----------------------

_DOUBLED = re.compile(r"\b(\w+)\s+\1\b", re.IGNORECASE)
_BAD = [re.compile(p, re.IGNORECASE) for p in (
    r"\byour care act\b", r"\bdo your\b(?! best)", r"\ba an?\b", r"\ban? the\b", r"\bthe the\b", r"\s[,.;:?!]",
    r"\?\s*\?", r"\.\s*\.(?!\.)", r"\{|\}", r"\bNone\b",
)]


def grammar_problems(sentence: str, quoted: tuple[str, ...] = ()) -> list[str]:
    """What breaks the simple rules: a doubled word, a known bad splice, a sentence that does not
    start with a capital or a quote, or end with . ? or a closing quote. The learner's own words,
    quoted (`quoted`), are theirs as typed and are not checked."""
    problems = []
    s = sentence.strip()
    for text in quoted:
        s = s.replace(f'"{text}"', '"Quote."')
    if not s:
        return ["empty"]
    if not (s[0].isupper() or s[0] in "\"'"):
        problems.append("does not start with a capital letter")
    if s[-1] not in ".?!\"'":
        problems.append("does not end a sentence")
    for m in _DOUBLED.finditer(s):
        if m.group(1).lower() not in ("that", "had", "very"):
            problems.append(f"doubled word '{m.group(1)}'")
    for rx in _BAD:
        if rx.search(s):
            problems.append(f"matches {rx.pattern}")
    return problems
