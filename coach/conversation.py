"""One role-play conversation: starting it and taking a learner's turn.

The Rasa actions call these functions with plain data from the tracker (slots and the latest
parse result) and send what comes back, so the same code runs in tests, benchmarks and tools.
"""

from __future__ import annotations

from dataclasses import dataclass

from coach import names, persona
from coach.moves import ALL_MOVES, NLU_FALLBACK
from coach.scenario import Scenario, ScenarioLibrary
from coach.settings import Settings
from coach.texts import render


class ScenarioUnavailable(RuntimeError):
    """No usable scenario: the role-play cannot start."""


@dataclass(frozen=True)
class Start:
    scenario: Scenario
    state: dict
    opening_line: str
    requested_unknown: str | None = None  # a scenario id asked for that does not exist


def choose_scenario(library: ScenarioLibrary, requested: str | None, default: str) -> tuple[Scenario, str | None]:
    """The scenario asked for, else the default, else any good one; say when a request failed."""
    scenarios = library.all()
    if requested and requested in scenarios:
        return scenarios[requested], None
    unknown = requested if requested else None
    if default in scenarios:
        return scenarios[default], unknown
    if scenarios:
        return scenarios[sorted(scenarios)[0]], unknown
    errors = library.errors()
    detail = "; ".join(str(e).splitlines()[0] for e in errors.values()) or f"no scenario files in {library.directory}"
    raise ScenarioUnavailable(detail)


def start(library: ScenarioLibrary, requested: str | None, sender: str, settings: Settings) -> Start:
    scenario, unknown = choose_scenario(library, requested, settings.default_scenario)
    state = persona.new_state(scenario)
    line = persona.opening(scenario, state, persona.make_rng(settings.seed or None, sender, 0))
    return Start(scenario=scenario, state=state, opening_line=line, requested_unknown=unknown)


def current(library: ScenarioLibrary, scenario_id: str | None, state: dict | None, settings: Settings) -> tuple[Scenario, dict]:
    """The conversation's scenario and persona state, starting fresh if the tracker has none."""
    scenario, _ = choose_scenario(library, scenario_id or (state or {}).get("scenario"), settings.default_scenario)
    if not state or state.get("scenario") != scenario.id:
        state = persona.new_state(scenario)
    return scenario, state


def move_and_form(parse: dict) -> tuple[str, str, float]:
    """The learner's move, question form and move confidence from a Rasa parse result."""
    intent = (parse or {}).get("intent") or {}
    move = intent.get("name") or NLU_FALLBACK
    if move not in ALL_MOVES and move != NLU_FALLBACK:
        move = NLU_FALLBACK
    form = ((parse or {}).get("question_form") or {}).get("name") or "none"
    return move, form, float(intent.get("confidence") or 0.0)


def take_turn(scenario: Scenario, state: dict, parse: dict, sender: str, settings: Settings) -> tuple[persona.PersonaTurn, dict]:
    """The person's reply to the latest learner message, and a record of the turn."""
    move, form, confidence = move_and_form(parse)
    rng = persona.make_rng(settings.seed or None, sender, state.get("turn", 0) + 1)
    turn = persona.respond(scenario, state, move, form, (parse or {}).get("text") or "", rng, parse=parse)
    record = {
        "turn": turn.state["turn"],
        "move": move,
        "form": form,
        "confidence": round(confidence, 3),
        "disclosed": turn.disclosed,
        "kind": turn.kind,
        "rapport": turn.rapport,
        "mood": turn.mood,
        "jargon": turn.jargon,
    }
    return turn, record


# ------------------------------------------------------------------------------------ goodbyes
# A goodbye the learner typed may be a misread, or a "see you next week" said mid-visit: the person
# closes in character and the coach asks whether to finish (the /goodbye command) or keep talking.
# The command, from the chat's Finish button or the choice, ends the conversation with the report.

def typed_goodbye(parse: dict | None) -> bool:
    """Was the latest learner message a goodbye in their own words (not the /goodbye command)?"""
    move, _, _ = move_and_form(parse)
    return move == "goodbye" and ((parse or {}).get("text") or "").strip() != names.CMD_GOODBYE


def closed_in_character(turn: persona.PersonaTurn) -> bool:
    """Did the person say goodbye to a turn the NLU read as something else (the persona heard the
    learner arrange the next visit or take leave)?"""
    return turn.source == "reaction:goodbye"


def choice_offered(events: list[dict]) -> bool:
    """Is the latest learner message an answer to the finish-or-keep-talking choice: was the last
    bot message before it the coach's choice? Then the person has already said goodbye."""
    seen_learner = False
    for e in reversed(events or []):
        kind = e.get("event")
        if kind == "user":
            if seen_learner:
                return False
            seen_learner = True
        elif kind == "bot" and seen_learner:
            return (e.get("metadata") or {}).get(names.META_COACH) == "choice"
        elif kind in ("session_started", "restart"):
            return False
    return False


def finish_choice(scenario: Scenario) -> tuple[str, list[dict]]:
    """The coach's question after a typed goodbye, and its two buttons (Rasa's `buttons`)."""
    return render("finish_choice", name=scenario.short_name), [
        {"title": render("finish_choice_finish"), "payload": names.CMD_GOODBYE},
        {"title": render("finish_choice_keep_talking"), "payload": names.CMD_KEEP_TALKING},
    ]


def who(scenario: Scenario, state: dict | None, record: dict | None) -> dict:
    """Who the learner is talking to, and their mood where the scenario lets the learner see it."""
    mood = (record or {}).get("mood") or scenario.rapport.mood((state or {}).get("rapport", scenario.rapport.start))
    return {"name": scenario.short_name, "mood": mood if scenario.show_mood else None,
            "scenario": scenario.id, "title": scenario.title}


def said(scenario: Scenario, state: dict | None, record: dict | None, line: str) -> dict:
    """The metadata that marks a bot message as the person's line (coach/transcript.py reads it):
    who (as :func:`who`) and the line itself, without the name the text shows it under."""
    return {**who(scenario, state, record), "line": line}


def feedback(scenario: Scenario, events: list[dict], final: bool) -> tuple[dict, str]:
    """The feedback report payload and its readable text, for the conversation so far."""
    from coach.report import report_text
    from coach.rubric import build_report
    from coach.transcript import from_events

    report = build_report(from_events(events), scenario, final)
    return report, report_text(report, scenario)


def hint(scenario: Scenario, events: list[dict]) -> tuple[str, str | None]:
    """One hint for the biggest gap so far, and which criterion it is for."""
    from coach.report import hint_text
    from coach.rubric import build_report
    from coach.transcript import from_events

    return hint_text(build_report(from_events(events), scenario, final=False), scenario)
