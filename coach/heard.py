"""What the coach heard in a learner's turn, in plain words, and the learner's corrections of it.

The web chat shows a small "heard as: reflection + open question about the people in their life"
line under each learner turn, with "that's not what I meant". A correction is kept in the
conversation as a Rasa `agent` event (AgentUttered, which changes no slot, no prediction and no
figure), whose data says everything about it: the turn's words, what was heard, what was meant.
So the trainer's list of flagged turns and `make export-corrections` read the events alone.

No Rasa imports: the channel builds the event from :func:`correction_data`.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Iterable

from coach import names
from coach.moves import ALL_MOVES, NLU_FALLBACK, QUESTION_LIKE
from coach.texts import text
from coach.transcript import learner_move

CORRECTION = "coach_correction"  # the `type` in an agent event's data
LIKELY = 4                        # moves offered first, from the NLU's own ranking
# The moves a learner can say they meant: every practitioner move (the coach's own commands
# have buttons of their own, and "off the subject" is no move to learn).
MEANT_MOVES = tuple(m for m in ALL_MOVES if m not in ("request_feedback", "request_hint", "out_of_scope"))


def label(move: str) -> str:
    """A move in plain words ("reflection", "question about the people in their life")."""
    return text("heard_moves").get(move, move.replace("_", " "))


def heard_label(moves: list[str], form: str) -> str:
    """The heard-as line's words: each move in plain words, joined by " + ", with the question form
    in front of the first move that is a question (or after the moves when none is)."""
    words = [label(m) for m in moves] or [label(NLU_FALLBACK)]
    adjective = text("heard_forms").get(form) if form in QUESTION_LIKE else None
    if adjective:
        at = next((i for i, w in enumerate(words) if "question" in w), None)
        if at is None:
            words.append(f"{adjective} question")
        else:
            words[at] = f"{adjective} {words[at]}"
    return " + ".join(words)


def heard(parse: dict | None) -> dict | None:
    """What was heard in one learner message (its parse data), or None when it is no learner turn:
    the moves in order, the question form, the line's words and the likely other moves to offer."""
    move = learner_move(parse)
    if move is None:
        return None
    parse = parse or {}
    moves = [m["name"] for m in parse.get("moves") or [] if isinstance(m, dict) and m.get("name") in ALL_MOVES]
    if move != NLU_FALLBACK and move not in moves:
        moves.append(move)
    form = (parse.get("question_form") or {}).get("name") or "none"
    ranked = [r.get("name") for r in parse.get("intent_ranking") or [] if isinstance(r, dict)]
    likely = [m for m in ranked if m in MEANT_MOVES and m not in moves][:LIKELY]
    return {"moves": moves, "form": form, "label": heard_label(moves, form), "likely": likely}


def choices() -> list[dict]:
    """Every move a learner may say they meant, in plain words (the "something else" list)."""
    return [{"move": m, "label": label(m)} for m in MEANT_MOVES]


def read_meant(value) -> list[str]:
    """The moves a correction says were meant, in order and once each; ValueError saying why not."""
    if not isinstance(value, list) or not value or len(value) > 3:
        raise ValueError("'meant' must list one to three moves, e.g. [\"reflect\", \"ask_network\"].")
    out = []
    for move in value:
        if not isinstance(move, str) or move not in MEANT_MOVES:
            raise ValueError(f"'{move}' is not a move a learner can mean; choose one from the list.")
        if move not in out:
            out.append(move)
    return out


def correction_data(event: dict, meant: list[str], turn: int | None = None) -> dict:
    """The data of the agent event that stores a correction of the learner message `event` (a
    `user` event as a dict): self-contained, so nothing else needs reading to review it."""
    seen = heard(event.get("parse_data")) or {"moves": [], "form": "none", "label": label(NLU_FALLBACK)}
    return {"type": CORRECTION, "at": event.get("timestamp"), "turn": turn, "text": event.get("text") or "",
            "heard": {"moves": seen["moves"], "form": seen["form"], "label": seen["label"]},
            "meant": list(meant), "meant_label": " + ".join(label(m) for m in meant)}


def is_correction(event: dict) -> bool:
    return event.get("event") == "agent" and isinstance(event.get("data"), dict) \
        and event["data"].get("type") == CORRECTION


def corrections_by_message(events: Iterable[dict]) -> dict:
    """The latest correction of each learner message, by the message's timestamp."""
    return {e["data"].get("at"): e["data"] for e in events if is_correction(e)}


def flagged(conversations: Iterable[tuple[str, list[dict]]]) -> list[dict]:
    """Every corrected learner turn in these conversations (id, events), newest correction first;
    a message corrected twice counts once, with what the learner said last."""
    from coach.transcript import started_by

    rows = []
    for sender, events in conversations:
        scenario = None
        for e in events:
            if e.get("event") == "slot" and e.get("name") == names.SLOT_SCENARIO and e.get("value"):
                scenario = e["value"]
        latest: dict = {}
        for e in events:
            if is_correction(e):
                latest[e["data"].get("at")] = (e.get("timestamp"), e["data"])
        learner = started_by(events) or sender
        for stamp, data in latest.values():
            rows.append({"sender_id": sender, "learner": learner, "scenario": scenario, "flagged_at": stamp,
                         "when": datetime.fromtimestamp(stamp, tz=timezone.utc).isoformat(timespec="seconds")
                         if isinstance(stamp, (int, float)) else "",
                         "turn": data.get("turn"), "text": data.get("text") or "",
                         "heard": (data.get("heard") or {}).get("label") or "",
                         "heard_moves": list((data.get("heard") or {}).get("moves") or []),
                         "meant": list(data.get("meant") or []), "meant_label": data.get("meant_label") or ""})
    rows.sort(key=lambda r: (r["flagged_at"] or 0, r["sender_id"]), reverse=True)
    return rows


def primary(meant: list[str]) -> str:
    """The intent a corrected example is filed under: the last question among the moves meant (the
    primary move of a "reflection + question" turn), else the last move."""
    questions = [m for m in meant if m.startswith("ask_") or m in ("clarify", "plan_next_steps")]
    return (questions or meant)[-1]


def to_nlu_yaml(rows: list[dict], note: str = "") -> str:
    """The flagged turns as Rasa NLU training data (version "3.1"), one intent block per primary
    move meant, each example with `metadata: {moves: [...]}` as data/nlu/ files have, for a person
    to review before anything goes into data/nlu/."""
    import yaml

    by_intent: dict[str, list[dict]] = {}
    seen = set()
    for row in rows:
        words = " ".join((row.get("text") or "").split())
        if not words or not row.get("meant") or (words, tuple(row["meant"])) in seen:
            continue
        seen.add((words, tuple(row["meant"])))
        by_intent.setdefault(primary(row["meant"]), []).append({"text": words, "moves": row["meant"],
                                                                "heard": row.get("heard") or ""})
    lines = ['version: "3.1"']
    for comment in (note or "").splitlines():
        lines.append(f"# {comment}".rstrip())
    lines.append("nlu:" if by_intent else "nlu: []")
    for intent in sorted(by_intent):
        lines.append(f"- intent: {intent}")
        lines.append("  examples:")
        for ex in by_intent[intent]:
            lines.append(f"  # heard as: {ex['heard']}".rstrip())
            lines.append("  - text: " + yaml.safe_dump(ex["text"], default_style='"', width=10_000).strip())
            lines.append(f"    metadata: {{moves: [{', '.join(ex['moves'])}]}}")
    return "\n".join(lines) + "\n"
