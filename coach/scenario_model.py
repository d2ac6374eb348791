"""Role-play scenarios: the model (what a scenario holds) and its problems.

Parsing and validation are in coach/scenario_parse.py, the live library in
coach/scenario_library.py; coach/scenario.py gathers them for the rest of the code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from coach.moves import ALL_MOVES, NLU_FALLBACK, QUESTION_FORMS

CRITERIA = (
    "started_with_strengths",
    "powerful_questions",
    "desired_outcomes",
    "active_listening",
    "network_and_community",
    "plain_language",
    "services_last",
)
REACTIONS = ("jargon", "early_service", "advice", "leading", "closed_run", "goodbye", "out_of_scope")
# Reactions a file may add: `not_said` when the learner checks back something the person never
# said ("so you want more help at home?"), `guarded` when a fact is asked about too early and has
# no guarded lines of its own, `apology` when the learner owns a misstep and asks to begin again
# ("sorry, i've gone straight into my list. can i start again?"; without it, the agree_agenda reply).
OPTIONAL_REACTIONS = ("not_said", "guarded", "apology")
REPLY_KEYS = set(ALL_MOVES) | {"default", NLU_FALLBACK}
REPLY_VARIANTS = set(QUESTION_FORMS) | {"any"}
ID_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
FACT_ID_RE = re.compile(r"^[a-z0-9_]+$")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a scenario file."""

    file: str
    line: int
    field: str
    problem: str
    fix: str

    def __str__(self) -> str:
        return f"{self.file}, line {self.line}, field '{self.field}': {self.problem}. {self.fix}"


class ScenarioError(ValueError):
    """A scenario file that cannot be used, with every problem found in it."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True)
class Unlock:
    moves: tuple[str, ...]
    min_rapport: float = 0.0
    needs_topic: bool = False
    forms: tuple[str, ...] = ("open", "closed", "multiple", "none")
    after: tuple[str, ...] = ()


@dataclass(frozen=True)
class Fact:
    id: str
    kind: str
    topics: tuple[str, ...]
    unlock: Unlock
    says: tuple[str, ...]
    short: tuple[str, ...] = ()
    recall: tuple[str, ...] = ()
    volunteer: bool = False
    words: str | None = None
    life_areas: tuple[str, ...] = ()   # the areas of life it is about (default: from its kind)
    more: tuple[str, ...] = ()         # said in order when a listening turn stays on this fact
    guarded: tuple[str, ...] = ()      # asked about it before rapport allows: a polite refusal
    hard: tuple[str, ...] = ()         # asked what gets in the way of it, once told: what makes it hard
    area_given: bool = True            # False when life_areas came from the kind, not the file


@dataclass(frozen=True)
class Rail:
    """Something the person never goes along with, whatever the NLU read and however warm they are.

    It fires when a part of the learner's turn (split at . , ; ! ? dashes and "but") holds one of
    `words` and none of `unless`, or when a move of the turn is one of `moves`.
    """

    id: str
    never: str
    words: tuple[str, ...]
    says: tuple[str, ...]
    unless: tuple[str, ...] = ()
    moves: tuple[str, ...] = ()
    rapport: float = -0.08


@dataclass(frozen=True)
class ProbeTurn:
    """One learner turn of a probe, with the reading a scripted learner gives it."""

    say: str
    move: str
    form: str
    moves: tuple[str, ...] = ()        # every move, for a compound turn (default: just `move`)
    area: str | None = None            # the life area, as the NLU would give it (optional)


@dataclass(frozen=True)
class Probe:
    """A short set-up, one learner turn and where a fitting answer may come from.

    `expect` names the fact ids, and `rail:<id>`, `area:<area>`, `reaction:<name>`,
    `reply:<move>` (or bare `rail`, `area`, `reaction`, `reply`) for the person's other lines.
    """

    id: str
    turn: ProbeTurn
    expect: tuple[str, ...]
    setup: tuple[ProbeTurn, ...] = ()
    rapport: float | None = None       # start the probe at this rapport instead of the file's
    why: str = ""
    line: int = 0


@dataclass(frozen=True)
class Rapport:
    start: float
    bands: tuple[tuple[str, float], ...]
    effects: dict
    leading: float = 0.0
    multiple: float = 0.0
    closed_run_after: int = 3
    closed_run_change: float = 0.0
    jargon_word: float = 0.0
    early_service: float = 0.0
    volunteer_at: float = 1.01

    def mood(self, value: float) -> str:
        name = self.bands[0][0]
        for band, start in self.bands:
            if value >= start:
                name = band
        return name


@dataclass(frozen=True)
class Scenario:
    id: str
    title: str
    conversation: int
    person: dict
    brief: str
    opening_lines: tuple[str, ...]
    rapport: Rapport
    facts: tuple[Fact, ...]
    replies: dict
    reactions: dict
    hints: dict
    show_mood: bool = True
    show_heard: bool = True  # the web chat's "heard as" line (and COACH_SHOW_HEARD)
    note: str = ""
    rubric: dict = field(default_factory=dict)
    path: str = ""
    version: str = ""
    areas: dict = field(default_factory=dict)      # life area -> lines about it, for when nothing is told
    rails: tuple[Rail, ...] = ()
    probes: tuple[Probe, ...] = ()

    @property
    def name(self) -> str:
        return str(self.person.get("name", ""))

    @property
    def short_name(self) -> str:
        """The name shown beside the person's lines: `person.display`, else the first name."""
        return str(self.person.get("display") or self.name.split()[0] if self.name else self.id)

    @property
    def address_as(self) -> str:
        return str(self.person.get("address_as") or self.name)

    def fact(self, fact_id: str) -> Fact:
        return next(f for f in self.facts if f.id == fact_id)

    @property
    def outcomes(self) -> tuple[Fact, ...]:
        return tuple(f for f in self.facts if f.kind == "outcome")

    def lines(self) -> set[str]:
        """Every distinct persona line in the scenario."""
        found = set(self.opening_lines)
        for f in self.facts:
            found.update(f.says + f.short + f.recall + f.more + f.guarded + f.hard)
        for variants in self.replies.values():
            for texts in variants.values():
                found.update(texts)
        for texts in self.reactions.values():
            found.update(texts)
        for texts in self.areas.values():
            found.update(texts)
        for rail in self.rails:
            found.update(rail.says)
        return found

    def sources(self) -> dict[str, set[str]]:
        """Every persona line and where it comes from (`karen`, `rail:care_home`, `area:money`,
        `reaction:leading`, `reply:reflect` ...), so a reply can be traced back to the file."""
        out: dict[str, set[str]] = {}

        def add(lines, source):
            for line in lines:
                out.setdefault(line, set()).add(source)

        for f in self.facts:
            add(f.says + f.short + f.recall + f.more + f.guarded + f.hard, f.id)
        for move, variants in self.replies.items():
            for texts in variants.values():
                add(texts, f"reply:{move}")
        for name, texts in self.reactions.items():
            add(texts, f"reaction:{name}")
        for area, texts in self.areas.items():
            add(texts, f"area:{area}")
        for rail in self.rails:
            add(rail.says, f"rail:{rail.id}")
        add(self.opening_lines, "opening")
        return out
