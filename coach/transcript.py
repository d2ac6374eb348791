"""A conversation as the coach sees it, rebuilt from the tracker's events.

Learner turns come from `user` events (text, move, question form); what each turn unlocked comes
from the `persona_turn` slot that the persona action sets after it; the person's lines come from
`bot` events. Only the events since the latest session start or restart count.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from coach.moves import ALL_MOVES, META, NLU_FALLBACK, QUESTION_LIKE

PERSONA_TURN_SLOT = "persona_turn"


@dataclass
class LearnerTurn:
    number: int              # counts learner messages from 1
    text: str
    move: str
    form: str
    confidence: float = 0.0
    disclosed: list[str] = field(default_factory=list)
    rapport: float | None = None
    mood: str | None = None
    persona_seen: int = 0  # how many of the person's lines came before this turn

    @property
    def scored(self) -> bool:
        """Meta requests and messages the NLU could not read are not judged."""
        return self.move not in META and self.move != NLU_FALLBACK

    @property
    def is_question(self) -> bool:
        return self.scored and self.form in QUESTION_LIKE


@dataclass
class Transcript:
    turns: list[LearnerTurn]
    persona_lines: list[str]

    @property
    def scored(self) -> list[LearnerTurn]:
        return [t for t in self.turns if t.scored]

    def disclosures(self) -> dict[str, int]:
        """Fact id -> learner turn number that unlocked it."""
        found: dict[str, int] = {}
        for t in self.turns:
            for fid in t.disclosed:
                found.setdefault(fid, t.number)
        return found

    def count(self, move: str) -> int:
        return sum(1 for t in self.turns if t.move == move)


def from_events(events: list[dict]) -> Transcript:
    """Rebuild the conversation since the latest session start (or restart)."""
    start = 0
    for i, e in enumerate(events):
        if e.get("event") in ("session_started", "restart"):
            start = i + 1
    turns: list[LearnerTurn] = []
    persona: list[str] = []
    for e in events[start:]:
        kind = e.get("event")
        if kind == "user":
            parse = e.get("parse_data") or {}
            move = (parse.get("intent") or {}).get("name") or NLU_FALLBACK
            if move not in ALL_MOVES and move != NLU_FALLBACK:
                continue  # e.g. /session_start or an intent shortcut that is not a move
            form = (parse.get("question_form") or {}).get("name") or "none"
            turns.append(LearnerTurn(
                number=len(turns) + 1, text=e.get("text") or "", move=move, form=form,
                confidence=float((parse.get("intent") or {}).get("confidence") or 0.0),
                persona_seen=len(persona),
            ))
        elif kind == "bot" and e.get("text"):
            persona.append(e["text"])
        elif kind == "slot" and e.get("name") == PERSONA_TURN_SLOT and turns and isinstance(e.get("value"), dict):
            record = e["value"]
            turns[-1].disclosed = list(record.get("disclosed") or [])
            turns[-1].rapport = record.get("rapport")
            turns[-1].mood = record.get("mood")
    return Transcript(turns=turns, persona_lines=persona)


def from_script(turns: list[tuple[str, str, str]], disclosed: dict[int, list[str]] | None = None) -> Transcript:
    """A transcript from (text, move, form) triples, for tests and benchmarks."""
    disclosed = disclosed or {}
    return Transcript(
        turns=[LearnerTurn(number=i + 1, text=text, move=move, form=form, disclosed=list(disclosed.get(i + 1, [])))
               for i, (text, move, form) in enumerate(turns)],
        persona_lines=[],
    )
