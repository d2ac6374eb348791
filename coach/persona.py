"""The persona engine: how the simulated person answers one learner message.

Everything the person remembers lives in a small JSON-safe state dict that the caller keeps (in
the Rasa tracker), so any server can answer the next turn. Good questions open doors: a fact is
disclosed only when its unlock conditions hold (see docs/scenario-format.md).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from coach.language import jargon_in, topic_hits
from coach.moves import NLU_FALLBACK, SERVICE_MOVES
from coach.scenario import Fact, Scenario

SHORT_FORMS = ("closed", "leading", "multiple")
RECENT = 6


@dataclass
class PersonaTurn:
    """The person's reply to one learner message, and what it changed."""

    reply: str
    state: dict
    disclosed: list[str] = field(default_factory=list)
    kind: str = "reply"  # disclosure | recall | volunteer | reaction | reply
    rapport: float = 0.0
    mood: str = ""
    jargon: list[str] = field(default_factory=list)


def new_state(scenario: Scenario) -> dict:
    return {
        "scenario": scenario.id,
        "version": scenario.version,
        "rapport": round(scenario.rapport.start, 4),
        "turn": 0,
        "disclosed": {},
        "closed_run": 0,
        "last_reply": "",
        "recent": [],
        "persona_words": [],
    }


def make_rng(seed: str | None, sender: str, turn: int) -> random.Random:
    """Seeded per conversation and turn when a seed is set (tests), otherwise truly random."""
    return random.Random(f"{seed}|{sender}|{turn}") if seed else random.Random()


def opening(scenario: Scenario, state: dict, rng: random.Random) -> str:
    line = rng.choice(scenario.opening_lines)
    state["last_reply"] = line
    return line


def mood(scenario: Scenario, state: dict) -> str:
    return scenario.rapport.mood(state["rapport"])


def respond(scenario: Scenario, state: dict, move: str, form: str, text: str, rng: random.Random) -> PersonaTurn:
    """Answer one learner message in character and return the reply with the new state."""
    state = {**state, "disclosed": dict(state.get("disclosed", {})), "recent": list(state.get("recent", []))}
    state["turn"] = state.get("turn", 0) + 1
    r = scenario.rapport
    outcome_known = any(scenario.fact(f).kind == "outcome" for f in state["disclosed"] if _has(scenario, f))
    early_service = move in SERVICE_MOVES and not outcome_known
    jargon = jargon_in(text, exempt=set(state.get("persona_words", [])))

    # 1. Rapport moves first, so a warm reflection can open the door it knocks on.
    state["closed_run"] = state.get("closed_run", 0) + 1 if form in ("closed", "leading") else 0
    delta = r.effects.get(move, 0.0)
    delta += {"leading": r.leading, "multiple": r.multiple}.get(form, 0.0)
    if state["closed_run"] >= r.closed_run_after:
        delta += r.closed_run_change
    delta += r.jargon_word * len(jargon)
    if early_service:
        delta += r.early_service
    state["rapport"] = round(min(1.0, max(0.0, state["rapport"] + delta)), 4)

    # 2. What to say.
    turn = _decide(scenario, state, move, form, text, rng, early_service, jargon)
    state["recent"] = (state["recent"] + [move])[-RECENT:]
    for fid in turn.disclosed:
        state["disclosed"][fid] = state["turn"]
    state["last_reply"] = turn.reply
    # Words the person used themselves are fair for the learner to echo back.
    state["persona_words"] = sorted(set(state.get("persona_words", [])) | set(jargon_in(turn.reply)))
    turn.state = state
    turn.rapport = state["rapport"]
    turn.mood = r.mood(state["rapport"])
    turn.jargon = jargon
    return turn


def _has(scenario: Scenario, fact_id: str) -> bool:
    return any(f.id == fact_id for f in scenario.facts)


def _decide(scenario: Scenario, state: dict, move: str, form: str, text: str, rng: random.Random,
            early_service: bool, jargon: list[str]) -> PersonaTurn:
    last = state.get("last_reply", "")
    react = scenario.reactions

    def say(lines, kind="reply", disclosed=None) -> PersonaTurn:
        return PersonaTurn(reply=_pick(lines, last, rng), state=state, kind=kind, disclosed=disclosed or [])

    if move == "goodbye":
        return say(react["goodbye"], "reaction")
    if move == "out_of_scope":
        return say(react["out_of_scope"], "reaction")
    if move == NLU_FALLBACK:
        return say(scenario.replies[NLU_FALLBACK]["any"], "reaction")
    if early_service:
        return say(react["advice"] if move == "give_advice" else react["early_service"], "reaction")
    if jargon:
        return say(react["jargon"], "reaction")

    fact = _best_unlock(scenario, state, move, form, text)
    if fact is not None:
        lines = fact.short if form in SHORT_FORMS and fact.short else fact.says
        return say(lines, "disclosure", [fact.id])
    lead_in = _lead_in(scenario, state, move, form, text)
    if lead_in is not None:
        lines = lead_in.short if form in SHORT_FORMS and lead_in.short else lead_in.says
        return say(lines, "disclosure", [lead_in.id])
    if form == "leading":
        return say(react["leading"], "reaction")
    recalled = _recall(scenario, state, move, text)
    if recalled is not None:
        return say(recalled.recall or recalled.says, "recall")
    volunteered = _volunteer(scenario, state)
    if volunteered is not None:
        return say(volunteered.says, "volunteer", [volunteered.id])
    if state["closed_run"] >= scenario.rapport.closed_run_after:
        return say(react["closed_run"], "reaction")
    return say(_reply_lines(scenario, move, form))


def _unlockable(scenario: Scenario, state: dict, fact: Fact, move: str, form: str, hits: int) -> bool:
    u = fact.unlock
    return (
        fact.id not in state["disclosed"]
        and move in u.moves
        and form in u.forms
        and state["rapport"] >= u.min_rapport
        and all(dep in state["disclosed"] for dep in u.after)
        and (hits > 0 or not u.needs_topic)
    )


def _best_unlock(scenario: Scenario, state: dict, move: str, form: str, text: str) -> Fact | None:
    """Prefer the fact whose topic words the learner used, then the one most tied to the move."""
    best, best_key = None, None
    for order, fact in enumerate(scenario.facts):
        hits = topic_hits(text, fact.topics)
        if not _unlockable(scenario, state, fact, move, form, hits):
            continue
        key = (-hits, fact.unlock.moves.index(move), order)
        if best_key is None or key < best_key:
            best, best_key = fact, key
    return best


def _lead_in(scenario: Scenario, state: dict, move: str, form: str, text: str) -> Fact | None:
    """A good question whose answer waits on something untold brings that something out first.

    Asked what a good week would be before he has mentioned the allotment, the person talks about
    growing veg: the fact the hidden outcome rests on, if rapport allows it.
    """
    best, best_key = None, None
    for order, fact in enumerate(scenario.facts):
        hits = topic_hits(text, fact.topics)
        u = fact.unlock
        if (fact.id in state["disclosed"] or move not in u.moves or form not in u.forms
                or state["rapport"] < u.min_rapport or (u.needs_topic and not hits)):
            continue
        for dep_id in u.after:
            if dep_id in state["disclosed"] or not _has(scenario, dep_id):
                continue
            dep = scenario.fact(dep_id)
            d = dep.unlock
            if (state["rapport"] >= d.min_rapport and all(x in state["disclosed"] for x in d.after)
                    and (not d.needs_topic or topic_hits(text, dep.topics))):
                key = (-hits, order)
                if best_key is None or key < best_key:
                    best, best_key = dep, key
    return best


def _recall(scenario: Scenario, state: dict, move: str, text: str) -> Fact | None:
    """A fact already told, asked about again: the person refers back to it."""
    best, best_hits = None, 0
    for fact in scenario.facts:
        if fact.id in state["disclosed"] and move in fact.unlock.moves:
            hits = topic_hits(text, fact.topics)
            if hits > best_hits:
                best, best_hits = fact, hits
    return best


def _volunteer(scenario: Scenario, state: dict) -> Fact | None:
    if state["rapport"] < scenario.rapport.volunteer_at:
        return None
    for fact in scenario.facts:
        if fact.volunteer and fact.id not in state["disclosed"] and all(d in state["disclosed"] for d in fact.unlock.after):
            return fact
    return None


def _reply_lines(scenario: Scenario, move: str, form: str) -> tuple[str, ...]:
    replies = scenario.replies
    for key, variant in ((move, form), (move, "any"), ("default", form), ("default", "any")):
        lines = replies.get(key, {}).get(variant)
        if lines:
            return lines
    return replies["default"]["any"]


def _pick(lines: tuple[str, ...] | list[str], last: str, rng: random.Random) -> str:
    """A random wording, never the same as the reply just given when there is another."""
    choices = [line for line in lines if line != last] or list(lines)
    return rng.choice(choices)
