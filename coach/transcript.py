"""The one reader of a conversation: tracker events in, what happened out.

Everything that reads a conversation back (the rubric and hints, the trainer's results, the web
chat's history, the learner's progress page and record, the benchmarks) goes through here, so the
rules below are worked out once:

- **Where a session starts**: at the latest session start. Rasa logs `action_session_start`, then
  the action's bot messages (the brief, the person's opening line), then `session_started`; the
  session begins at that action, so its brief and opening line belong to it. A `restart` starts
  one too.
- **Learner turns**: `user` events whose intent is a practitioner move (or `nlu_fallback`),
  numbered from 1, each with its whole parse: primary move, question form, every move of the
  turn (`moves`) and the life area, where the NLU gives them. The /goodbye command that answers
  the choice after a typed goodbye is a press of Finish, not a turn (the typed goodbye was).
  What a turn unlocked, and the rapport and mood after it, come from the `persona_turn` slot the
  persona action sets next.
- **The person's lines** are bot messages carrying `persona` metadata (coach/names.py), never
  found by a "Name: " prefix: renaming a person in a live scenario leaves their past lines theirs.
  Every other bot message is the coach's (brief, report, hint, notice, choice), with its custom
  payload.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from coach import names
from coach.moves import ALL_MOVES, META, NLU_FALLBACK, QUESTION_LIKE


@dataclass(frozen=True)
class Move:
    """One move of a learner turn, with the words it came from."""

    name: str
    confidence: float = 0.0
    text: str = ""


@dataclass
class LearnerTurn:
    number: int              # counts learner messages from 1
    text: str
    move: str                # the primary move (the parse's intent)
    form: str
    confidence: float = 0.0
    moves: list[Move] = field(default_factory=list)  # every move, in order; always holds the primary
    life_area: str | None = None
    disclosed: list[str] = field(default_factory=list)
    rapport: float | None = None
    mood: str | None = None
    persona_seen: int = 0    # how many of the person's lines came before this turn
    timestamp: float | None = None
    metadata: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.moves:
            self.moves = [Move(self.move, self.confidence, self.text)]

    @property
    def scored(self) -> bool:
        """Meta requests and messages the NLU could not read are not judged."""
        return self.move not in META and self.move != NLU_FALLBACK

    @property
    def is_question(self) -> bool:
        return self.scored and self.form in QUESTION_LIKE

    @property
    def move_names(self) -> list[str]:
        return [m.name for m in self.moves]

    def first(self, wanted) -> Move | None:
        """The turn's first move among `wanted`, or None."""
        return next((m for m in self.moves if m.name in wanted), None)


@dataclass(frozen=True)
class BotLine:
    """A bot message: the person's line (`who == "person"`) or the coach's."""

    who: str                 # "person" or "coach"
    text: str                # the person's words without their name, or the coach's text as sent
    after_turn: int          # the learner turn it answered (0: before the first turn)
    name: str | None = None  # the person's name as it was when they spoke
    mood: str | None = None
    kind: str | None = None  # the coach's kind: brief, report, hint, notice, choice, or None
    custom: dict | None = None
    sent: str = ""           # the text exactly as the channel showed it


@dataclass
class Transcript:
    turns: list[LearnerTurn]
    persona_lines: list[str]
    lines: list[BotLine] = field(default_factory=list)
    scenario_id: str | None = None
    learner: str | None = None   # who the conversation began under (metadata `learner`)
    started: float | None = None
    ended: float | None = None

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

    @property
    def finished(self) -> bool:
        """The learner finished: a final report was given, or they said goodbye and left it there
        (a typed goodbye brings the choice to finish or keep talking; talking on, it is not the end)."""
        if any(r.get("final") is True for r in self.reports()):
            return True
        return bool(self.turns) and self.turns[-1].move == "goodbye"

    def replies(self, turn: int) -> list[BotLine]:
        return [line for line in self.lines if line.after_turn == turn]

    def reports(self) -> list[dict]:
        return [line.custom for line in self.lines if (line.custom or {}).get("type") == names.PAYLOAD_REPORT]

    def hints(self) -> list[dict]:
        return [line.custom for line in self.lines if (line.custom or {}).get("type") == names.PAYLOAD_HINT]


def session_start(events: list[dict]) -> int:
    """The index of the event the latest session begins at (0 when there is none)."""
    start, action_at = 0, None
    for i, e in enumerate(events):
        kind = e.get("event")
        if kind == "action" and e.get("name") == names.ACTION_SESSION_START:
            action_at = i
        elif kind == "session_started":
            start = action_at if action_at is not None else i
            action_at = None
        elif kind == "restart":
            start, action_at = i, None
        elif kind not in ("bot", "action"):
            action_at = None  # anything else between the action and session_started: not its session
    return start


def learner_move(parse: dict | None) -> str | None:
    """The move of a learner message, or None when it is not a learner turn (e.g. /session_start)."""
    move = ((parse or {}).get("intent") or {}).get("name") or NLU_FALLBACK
    return move if move in ALL_MOVES or move == NLU_FALLBACK else None


def turn_from_parse(number: int, text: str, parse: dict | None) -> LearnerTurn | None:
    """A learner turn from one parse result (a `user` event's parse_data, or `/model/parse`)."""
    move = learner_move(parse)
    if move is None:
        return None
    parse = parse or {}
    intent = parse.get("intent") or {}
    confidence = float(intent.get("confidence") or 0.0)
    moves = []
    for m in parse.get("moves") or []:
        if isinstance(m, dict) and m.get("name") in ALL_MOVES:
            moves.append(Move(m["name"], float(m.get("confidence") or 0.0), str(m.get("text") or "")))
    if move != NLU_FALLBACK and move not in [m.name for m in moves]:
        moves = moves + [Move(move, confidence, text)] if moves else []
    area = (parse.get("life_area") or {}).get("name") if isinstance(parse.get("life_area"), dict) else None
    return LearnerTurn(number=number, text=text, move=move,
                       form=(parse.get("question_form") or {}).get("name") or "none",
                       confidence=confidence, moves=moves, life_area=area)


def bot_line(event: dict, after_turn: int) -> BotLine:
    """Who said a bot message, from its metadata; the text as the learner saw it."""
    text = event.get("text") or ""
    custom = (event.get("data") or {}).get("custom") or None
    meta = event.get("metadata") or {}
    person = meta.get(names.META_PERSONA)
    if isinstance(person, dict):
        name = person.get("name")
        line = person.get("line")
        if not isinstance(line, str):
            line = text[len(name) + 2:] if name and text.startswith(f"{name}: ") else text
        return BotLine("person", line, after_turn, name=name, mood=person.get("mood"), sent=text)
    kind = meta.get(names.META_COACH)
    if kind is None and isinstance(custom, dict):
        kind = {names.PAYLOAD_REPORT: "report", names.PAYLOAD_HINT: "hint"}.get(custom.get("type"))
    return BotLine("coach", text, after_turn, kind=kind, custom=custom if isinstance(custom, dict) else None,
                   sent=text)


def read(events: list[dict]) -> Transcript:
    """The latest session of a conversation, from its tracker events (Event.as_dict())."""
    learner = started_by(events)
    scenario_id = None
    for e in events:
        if e.get("event") == "slot" and e.get("name") == names.SLOT_SCENARIO and e.get("value"):
            scenario_id = e["value"]
    stamps = [e["timestamp"] for e in events if isinstance(e.get("timestamp"), (int, float))]
    turns: list[LearnerTurn] = []
    lines: list[BotLine] = []
    persona: list[str] = []
    for e in events[session_start(events):]:
        kind = e.get("event")
        if kind == "user":
            if answers_the_choice(e, lines, len(turns)):
                continue  # Finish, pressed after a typed goodbye: that goodbye was the last turn
            turn = turn_from_parse(len(turns) + 1, e.get("text") or "", e.get("parse_data"))
            if turn is None:
                continue
            turn.persona_seen = len(persona)
            turn.timestamp = e.get("timestamp")
            turn.metadata = e.get("metadata") or {}
            turns.append(turn)
        elif kind == "bot" and (e.get("text") or (e.get("data") or {}).get("custom")):
            line = bot_line(e, len(turns))
            lines.append(line)
            if line.who == "person":
                persona.append(line.text)
        elif kind == "slot" and e.get("name") == names.SLOT_PERSONA_TURN and turns and isinstance(e.get("value"), dict):
            record = e["value"]
            turns[-1].disclosed = list(record.get("disclosed") or [])
            turns[-1].rapport = record.get("rapport")
            turns[-1].mood = record.get("mood")
    return Transcript(turns=turns, persona_lines=persona, lines=lines, scenario_id=scenario_id, learner=learner,
                      started=min(stamps) if stamps else None, ended=max(stamps) if stamps else None)


from_events = read  # the name the rest of the code has used


def answers_the_choice(event: dict, lines: list[BotLine], turns: int) -> bool:
    """Is this learner message the /goodbye command answering the coach's finish-or-keep-talking
    choice (the last thing said since the last turn)? It is a press of Finish, not a turn of its own."""
    return ((event.get("text") or "").strip() == names.CMD_GOODBYE and bool(lines)
            and lines[-1].kind == "choice" and lines[-1].after_turn == turns)


def started_by(events: list[dict]) -> str | None:
    """The learner a conversation began under: metadata `learner` of its first message, if any."""
    for e in events:
        meta = e.get("metadata") if e.get("event") == "user" else None
        if e.get("event") == "slot" and e.get("name") == names.SLOT_SESSION_METADATA:
            meta = e.get("value")
        if isinstance(meta, dict) and meta.get(names.META_LEARNER):
            return str(meta[names.META_LEARNER])
    return None


def from_script(turns: list[tuple], disclosed: dict[int, list[str]] | None = None) -> Transcript:
    """A transcript from (text, move, form) or (text, move, form, [moves]) tuples, for tests and
    benchmarks; `moves` may be names or (name, words) pairs."""
    disclosed = disclosed or {}
    out = []
    for i, item in enumerate(turns):
        text, move, form = item[:3]
        moves = []
        for m in (item[3] if len(item) > 3 else ()):
            name, words = (m, text) if isinstance(m, str) else m
            moves.append(Move(name, 1.0, words))
        out.append(LearnerTurn(number=i + 1, text=text, move=move, form=form, moves=moves,
                               disclosed=list(disclosed.get(i + 1, []))))
    return Transcript(turns=out, persona_lines=[])
