"""The trainer's check: validate a scenario, then let a scripted strong learner and a scripted
weak learner talk to the person.

Every outcome must be reachable by the strong learner, and the strong learner must score clearly
above the weak one; otherwise the scenario would teach the wrong lesson. Run:
    python -m coach.check scenarios/            (or one file; `make check-scenarios`)
"""

from __future__ import annotations

import random
import sys
from dataclasses import dataclass, field
from pathlib import Path

from coach import persona
from coach.moves import SERVICE_MOVES
from coach.rubric import build_report
from coach.scenario import Fact, Problem, Scenario, ScenarioError, load_scenario
from coach.transcript import LearnerTurn, Transcript

MAX_TURNS = 60
MIN_MARGIN = 0.25  # mean criterion score, strong minus weak

# How a thoughtful learner words each move, around a topic word the person might pick up.
TEMPLATES = {
    "ask_strengths": ("What do you enjoy about {t}?", "open"),
    "ask_network": ("Who is there for you, like with {t}?", "open"),
    "ask_community": ("Where do you go for {t}, and what's it like there?", "open"),
    "ask_coping": ("How have you kept going with {t} through the hard times?", "open"),
    "ask_daily_life": ("How does {t} fit into your week?", "open"),
    "ask_what_matters": ("What matters most to you about {t}?", "open"),
    "ask_good_life": ("What would a really good week look like, with {t} in it?", "open"),
    "ask_desired_outcome": ("What would you most like to be different about {t}?", "open"),
    "ask_scaling": ("From 0 to 10, how are things with {t}, and what would one step up look like?", "open"),
    "confirm_outcome": ("So what you want is about {t} - have I got that right?", "closed"),
    "plan_next_steps": ("What could we try first with {t}?", "open"),
    "reflect": ("It sounds like {t} means a lot to you.", "none"),
    "summarise": ("Let me check I've got it: {t}, and what you've told me matters most.", "none"),
    "affirm": ("You've shown real determination with {t}.", "none"),
    "empathise": ("That sounds really hard, about {t}.", "none"),
    "clarify": ("Say a bit more about {t}?", "open"),
    "ask_problems": ("What's been hardest about {t}?", "open"),
    "ask_risk": ("How safe do you feel with {t} at the moment?", "open"),
    "greet": ("Hello, thanks for seeing me.", "none"),
    "introduce": ("I'm Sam, I've come to hear how things are for you.", "none"),
    "agree_agenda": ("Is now still a good time to talk?", "closed"),
    "small_talk": ("What a lovely room this is.", "none"),
}
WARM_MOVES = ("empathise", "reflect", "affirm", "summarise", "small_talk", "clarify")
WEAK_SCRIPT = [
    ("Hello, I'm here to do your needs assessment.", "introduce", "none"),
    ("Are you managing your tablets?", "ask_care_needs", "closed"),
    ("Can you get upstairs to bed?", "ask_care_needs", "closed"),
    ("Do you need help with washing and dressing?", "ask_care_needs", "closed"),
    ("Have you had any falls?", "ask_risk", "closed"),
    ("We could set up a care package with carers every morning.", "offer_service", "none"),
    ("You should really wear a pendant alarm.", "give_advice", "none"),
    ("The panel will look at your eligibility for services.", "explain_process", "none"),
    ("Do you want things to change?", "ask_desired_outcome", "closed"),
    ("Is there anything else?", "ask_problems", "closed"),
]


@dataclass
class DryRun:
    turns: list[LearnerTurn] = field(default_factory=list)
    state: dict = field(default_factory=dict)
    score: float = 0.0
    report: dict = field(default_factory=dict)


def _say(sc: Scenario, run: DryRun, text: str, move: str, form: str, rng: random.Random) -> persona.PersonaTurn:
    turn = persona.respond(sc, run.state, move, form, text, rng)
    run.state = turn.state
    run.turns.append(LearnerTurn(number=len(run.turns) + 1, text=text, move=move, form=form, disclosed=turn.disclosed))
    return turn


def _finish(sc: Scenario, run: DryRun) -> DryRun:
    run.report = build_report(Transcript(turns=run.turns, persona_lines=[]), sc, final=True)
    run.score = sum(c["score"] for c in run.report["criteria"]) / len(run.report["criteria"])
    return run


def _candidate(sc: Scenario, state: dict, fact: Fact) -> tuple[str, str, str] | None:
    """A (text, move, form) the learner could use to draw out this fact now, if any."""
    u = fact.unlock
    if fact.id in state["disclosed"] or state["rapport"] < u.min_rapport or any(d not in state["disclosed"] for d in u.after):
        return None
    topic = fact.topics[0] if fact.topics else "that"
    for move in sorted(u.moves, key=lambda m: (m in SERVICE_MOVES, m not in TEMPLATES)):
        if move not in TEMPLATES:
            continue
        template, form = TEMPLATES[move]
        if form not in u.forms:
            form = next((f for f in ("open", "none", "closed") if f in u.forms), None)
            if form is None:
                continue
        return template.format(t=topic), move, form
    return None


def strong_learner(sc: Scenario, seed: str = "check") -> DryRun:
    """Open questions, reflections and affirmations aimed at every outcome and what it rests on."""
    run = DryRun(state=persona.new_state(sc))
    rng = random.Random(seed)
    _say(sc, run, *TEMPLATES["introduce"][:1], "introduce", "none", rng)
    outcome_ids = {f.id for f in sc.outcomes}
    needed = set(outcome_ids)
    for f in sc.facts:  # everything an outcome rests on
        if f.id in outcome_ids:
            stack = list(f.unlock.after)
            while stack:
                dep = stack.pop()
                if dep not in needed:
                    needed.add(dep)
                    stack.extend(sc.fact(dep).unlock.after)
    confirmed: set[str] = set()
    while len(run.turns) < MAX_TURNS:
        told = set(run.state["disclosed"])
        todo = [f for f in sc.facts if f.id in needed and f.id not in told]
        newly = [f for f in sc.outcomes if f.id in told and f.id not in confirmed]
        if newly:
            o = newly[0]
            words = persona_words_to_own(o.words or "")
            _say(sc, run, f"So what you want is {words} - have I got that right?", "confirm_outcome", "closed", rng)
            confirmed.add(o.id)
            continue
        if not todo:
            break
        options = [c for c in (_candidate(sc, run.state, f) for f in todo) if c]
        if options:
            _say(sc, run, *options[0], rng)
            # a reflection after each answer, as a good listener would
            last = sc.fact(run.turns[-1].disclosed[0]) if run.turns[-1].disclosed else None
            if last is not None:
                _say(sc, run, TEMPLATES["reflect"][0].format(t=last.topics[0] if last.topics else "that"), "reflect", "none", rng)
            continue
        warm = max(WARM_MOVES, key=lambda m: sc.rapport.effects.get(m, 0.0))
        if sc.rapport.effects.get(warm, 0.0) <= 0:
            break  # nothing raises rapport: the rest cannot be reached
        _say(sc, run, TEMPLATES[warm][0].format(t="all of that"), warm, TEMPLATES[warm][1], rng)
    _say(sc, run, "Let me check I've got it all: what you enjoy, who matters and what you want next.", "summarise", "none", rng)
    return _finish(sc, run)


def persona_words_to_own(words: str) -> str:
    w = words.strip().rstrip(".")
    for prefix in ("I want to ", "I'd like to ", "I would like to ", "I want ", "I'd love to "):
        if w.startswith(prefix):
            return "to " + w[len(prefix):] if "to " in prefix else w[len(prefix):]
    return f"'{w}'"


def weak_learner(sc: Scenario, seed: str = "check") -> DryRun:
    """A service-led checklist: closed care questions, jargon, early offers and advice."""
    run = DryRun(state=persona.new_state(sc))
    rng = random.Random(seed)
    for text, move, form in WEAK_SCRIPT:
        _say(sc, run, text, move, form, rng)
    return _finish(sc, run)


def check(sc: Scenario) -> tuple[list[Problem], DryRun, DryRun]:
    """Problems found by the dry run (empty when the scenario teaches the right lesson)."""
    strong, weak = strong_learner(sc), weak_learner(sc)
    problems = []
    for o in sc.outcomes:
        if o.id not in strong.state["disclosed"]:
            u = o.unlock
            why = (f"it needs rapport {u.min_rapport}" if strong.state["rapport"] < u.min_rapport
                   else f"it waits on {', '.join(d for d in u.after if d not in strong.state['disclosed'])}"
                   if any(d not in strong.state["disclosed"] for d in u.after) else "no move reached it")
            problems.append(Problem(sc.path, _line_of(sc, o.id), f"facts.{o.id}",
                                    f"a strong learner could not draw out this outcome in {MAX_TURNS} turns ({why})",
                                    "Lower its min_rapport, add moves to its unlock list, or make what it waits on reachable."))
    margin = strong.score - weak.score
    if margin < MIN_MARGIN:
        problems.append(Problem(sc.path, 1, "(whole scenario)",
                                f"the strong learner scored only {margin:.2f} above the weak one (needs {MIN_MARGIN})",
                                "Make checklist questions, jargon and early offers cost rapport, and gate outcomes on open questions."))
    return problems, strong, weak


def _line_of(sc: Scenario, fact_id: str) -> int:
    try:
        for i, line in enumerate(Path(sc.path).read_text(encoding="utf-8").splitlines(), 1):
            if line.strip() in (f"- id: {fact_id}", f"id: {fact_id}"):
                return i
    except OSError:
        pass
    return 0


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    paths: list[Path] = []
    for arg in args or ["scenarios"]:
        p = Path(arg)
        paths += sorted(p.glob("*.yml")) + sorted(p.glob("*.yaml")) if p.is_dir() else [p]
    status, ids = 0, {}
    for path in paths:
        try:
            sc = load_scenario(path)
        except ScenarioError as exc:
            for p in exc.problems:
                print(f"ERROR {p}", file=sys.stderr)
            status = 1
            continue
        if sc.id in ids:
            print(f"ERROR {path}, line 1, field 'id': '{sc.id}' is already used by {ids[sc.id]}. Give each scenario its own id.",
                  file=sys.stderr)
            status = 1
            continue
        ids[sc.id] = path
        problems, strong, weak = check(sc)
        for p in problems:
            print(f"ERROR {p}", file=sys.stderr)
        status = status or (1 if problems else 0)
        told = sum(1 for o in sc.outcomes if o.id in strong.state["disclosed"])
        print(f"{'ok' if not problems else 'FAILED'} {path}: '{sc.id}', {len(sc.facts)} facts, {len(sc.lines())} distinct lines; "
              f"strong learner drew out {told}/{len(sc.outcomes)} outcomes in {len(strong.turns)} turns, "
              f"score {strong.score:.2f} v weak {weak.score:.2f}")
    return status


if __name__ == "__main__":
    raise SystemExit(main())
