"""The trainer's check: validate a scenario, then let scripted learners talk to the person.

1. A scripted strong learner and a scripted weak learner: every outcome must be reachable by the
   strong one, and it must score clearly above the weak one; otherwise the scenario would teach
   the wrong lesson.
2. The scenario's own probes (short set-ups, one learner turn, where a fitting answer may come
   from): at least 90% must pass, with the scripted moves and, when a trained model is there and
   `--nlu` asks for it, with the real NLU reading the same words (`make check-scenarios` does).
3. Its rails: phrasings that try to lead the person into what a rail forbids, under every kind of
   move, must get the rail's reaction and never raise rapport.
4. Notes: facts no move can reach, facts with no life area, lines that refer back ("like I said")
   where nothing may have been said yet.
Run:
    python -m coach.check scenarios/            (or one file; `make check-scenarios` adds --nlu auto)
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from coach import persona
from coach.moves import SERVICE_MOVES
from coach.rubric import build_report
from coach.scenario import Fact, Problem, Scenario, ScenarioError, load_scenario
from coach.transcript import LearnerTurn, Transcript

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var"   # the NLU's cached parses and the last check's NLU probe results (not committed)
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


def _line_of(sc: Scenario, fact_id: str) -> int:
    try:
        for i, line in enumerate(Path(sc.path).read_text(encoding="utf-8").splitlines(), 1):
            if line.strip() in (f"- id: {fact_id}", f"id: {fact_id}"):
                return i
    except OSError:
        pass
    return 0


PASS_RATE = 0.9
LEAVES = ("goodbye", "request_feedback", "request_hint")  # read as one of these, the turn leaves the person
BACK_REFERENCE = re.compile(r"\b(like i said|as i said|as i say|like i say|i(?:'ve| have) (?:told you|mentioned)|"
                            r"i told you|like i told you|as i told you|i mentioned|what i said|things i said|"
                            r"i said before|i said earlier)\b", re.IGNORECASE)

# How a learner might try to lead the person somewhere a rail forbids, under every kind of move.
LEAD_TEMPLATES = (
    ("So what you want is {w} - have I got that right?", "confirm_outcome", "closed"),
    ("I think {w} would be the safest thing now.", "give_advice", "none"),
    ("We could look into {w} for you this week.", "offer_service", "none"),
    ("It sounds like {w} might be the answer.", "reflect", "none"),
    ("To sum up: things have been hard, and {w} is the way forward.", "summarise", "none"),
    ("Have you thought about {w}?", "ask_desired_outcome", "closed"),
    ("How would you feel about {w}?", "ask_what_matters", "open"),
    ("Shall we plan for {w}, then?", "plan_next_steps", "closed"),
    ("You'd be happier with {w}, wouldn't you?", "confirm_outcome", "leading"),
    ("That must be so hard. {w} could take the weight off you.", "empathise", "none"),
    ("You've done brilliantly, and {w} would let you rest.", "affirm", "none"),
    ("Right, {w} it is then. I'll let you get on.", "goodbye", "none"),
)


def scripted_parse(turn) -> dict:
    """The parse a scripted learner's turn stands for (a probe turn's move, form, moves and area)."""
    parse = {"text": turn.say, "intent": {"name": turn.move, "confidence": 1.0},
             "question_form": {"name": turn.form, "confidence": 1.0}}
    if turn.moves:
        parse["moves"] = [{"name": m, "confidence": 1.0, "text": turn.say} for m in turn.moves]
    if turn.area:
        parse["life_area"] = {"name": turn.area, "confidence": 1.0}
    return parse


class NLUUnavailable(RuntimeError):
    """The trained model cannot be read in this process."""


def reader_code_key() -> str:
    """A short hash of the code that shapes a parse beside the trained model."""
    import hashlib

    h = hashlib.blake2s(digest_size=4)
    for path in sorted((ROOT / "components").glob("*.py")) + [ROOT / "coach" / "question_form.py",
                                                              ROOT / "coach" / "moves.py"]:
        try:
            h.update(path.read_bytes())
        except OSError:
            continue
    return h.hexdigest()


class RasaNLU:
    """The trained model, read in this process (Rasa's Agent), with its parses cached on disk
    per model file, so a second check of the same words needs no model at all."""

    def __init__(self, model: Path, cache_dir: Path | None = None):
        self.model = Path(model)
        # Per model and per version of the code that reads a turn at parse time (the question-form
        # rules run then, not at training), so a changed rule never reuses a stale parse.
        self.cache_path = (cache_dir or VAR / "nlu-cache") / f"{self.model.name}.{reader_code_key()}.json"
        self._agent = None
        self._loop = None
        try:
            self.cache = json.loads(self.cache_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.cache = {}
        self._dirty = False

    @property
    def name(self) -> str:
        return self.model.name

    def parse(self, text: str) -> dict:
        if text not in self.cache:
            if self._agent is None:
                import asyncio

                try:
                    import logging

                    from rasa.core.agent import Agent
                    from rasa.utils.common import configure_logging_and_warnings
                    from rasa.utils.log_utils import configure_structlog

                    configure_logging_and_warnings(logging.WARNING)  # the check's output, not Rasa's debug lines
                    configure_structlog(logging.WARNING)
                    self._loop = asyncio.new_event_loop()
                    self._agent = Agent.load(str(self.model))
                except Exception as exc:  # noqa: BLE001 - any failure to load means: no real NLU here
                    raise NLUUnavailable(f"the model {self.model} could not be loaded ({type(exc).__name__}: {exc})") from exc
            parsed = self._loop.run_until_complete(self._agent.parse_message(text))
            keep = ("text", "intent", "moves", "life_area", "question_form")
            self.cache[text] = {k: parsed.get(k) for k in keep if parsed.get(k) is not None}
            self._dirty = True
        return {**self.cache[text], "text": text}

    def save(self) -> None:
        if self._dirty:
            self.cache_path.parent.mkdir(parents=True, exist_ok=True)
            self.cache_path.write_text(json.dumps(self.cache, indent=0, sort_keys=True), encoding="utf-8")
            self._dirty = False


def latest_model(folder: Path = ROOT / "models") -> Path | None:
    models = sorted(folder.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    return models[-1] if models else None


@dataclass
class ProbeResult:
    probe: str
    passed: bool
    said: str
    reply: str
    source: str
    expect: tuple
    read: str = ""          # how the probe's turn was read: move (form)
    why: str = ""           # what went wrong, in words, when it failed
    line: int = 0

    def as_dict(self) -> dict:
        return {"probe": self.probe, "passed": self.passed, "said": self.said, "reply": self.reply,
                "source": self.source, "expect": list(self.expect), "read": self.read, "why": self.why}


def fits(source: str, expect) -> bool:
    """Whether a reply's source is one the probe allows (`rail` allows every rail, and so on)."""
    return any(source == e or (":" not in e and source.startswith(e + ":")) for e in expect)


def run_probe(sc: Scenario, probe, nlu=None, seed: str = "probe") -> ProbeResult:
    """One probe: its set-up turns, then its learner turn, read by `nlu` (or as scripted)."""
    from coach.conversation import move_and_form

    state = persona.new_state(sc)
    if probe.rapport is not None:
        state["rapport"] = probe.rapport
    turns = list(probe.setup) + [probe.turn]
    turn = None
    for i, t in enumerate(turns):
        parse = nlu.parse(t.say) if nlu is not None else scripted_parse(t)
        move, form, _ = move_and_form(parse)
        if move in LEAVES:
            where = "set-up turn" if i < len(turns) - 1 else "turn"
            return ProbeResult(probe.id, False, probe.turn.say, "", f"coach:{move}", probe.expect, f"{move} ({form})",
                               f"the {where} '{t.say}' was read as {move}, so the coach answered, not the person",
                               probe.line)
        turn = persona.respond(sc, state, move, form, t.say, random.Random(f"{seed}|{probe.id}|{i}"), parse=parse)
        state = turn.state
    ok = fits(turn.source, probe.expect)
    why = "" if ok else f"the reply came from {turn.source}, not from {', '.join(probe.expect)}"
    return ProbeResult(probe.id, ok, probe.turn.say, turn.reply, turn.source, probe.expect, f"{move} ({form})", why,
                       probe.line)


def run_probes(sc: Scenario, nlu=None) -> list[ProbeResult]:
    return [run_probe(sc, p, nlu) for p in sc.probes]


def rate(results: list[ProbeResult]) -> float:
    return sum(r.passed for r in results) / len(results) if results else 1.0


def rail_leaks(sc: Scenario, nlu=None, misread: list | None = None) -> list[tuple[str, str, str]]:
    """(rail id, what the learner said, what happened) for every phrasing that got past a rail.

    Each rail word goes into every LEAD_TEMPLATES phrasing, said to a person at full rapport
    with everything told; the rail's reaction must win (and then rapport always falls). Phrasings the
    NLU reads as leaving the role-play (goodbye, a hint) go into `misread` instead.
    """
    misread = misread if misread is not None else []
    from coach.conversation import move_and_form

    leaks = []
    everything = {f.id: 1 for f in sc.facts}
    for rail in sc.rails:
        for word in rail.words:
            for template, scripted, form in LEAD_TEMPLATES:
                move = scripted
                text = template.format(w=word)
                text = text[0].upper() + text[1:]
                state = {**persona.new_state(sc), "rapport": 0.9, "disclosed": dict(everything)}
                if nlu is not None:
                    parse = nlu.parse(text)
                    move, form, _ = move_and_form(parse)
                else:
                    parse = {"text": text, "intent": {"name": move, "confidence": 1.0},
                             "question_form": {"name": form, "confidence": 1.0}}
                if nlu is not None and move in LEAVES:
                    if move != scripted:  # the NLU's misreading, not the person being led: a note
                        misread.append((rail.id, text, f"the NLU reads it as {move}, so the coach would answer it"))
                    continue
                hit = persona.rail_hit(sc, persona.read_turn(move, form, text, parse))
                if hit is not None:  # the rail's reaction comes first and always costs rapport (persona.respond)
                    continue
                turn = persona.respond(sc, state, move, form, text, random.Random(text), parse=parse)
                leaks.append((rail.id, text, f"read as {move}, it got '{turn.reply}' ({turn.source})"))
    return leaks


def unreachable(sc: Scenario) -> list[Fact]:
    """Facts no move, form and wording can bring out, even with everything else told."""
    found = []
    for fact in sc.facts:
        if not _reachable(sc, fact):
            found.append(fact)
    return found


def _reachable(sc: Scenario, fact: Fact) -> bool:
    u = fact.unlock
    told = {f.id: 1 for f in sc.facts if f.id != fact.id and not _waits_on(sc, f, fact.id)}
    if fact.volunteer:
        return True
    topic = fact.topics[0] if fact.topics else "that"
    threads = list(u.after) + [None]
    for move in u.moves:
        template = TEMPLATES.get(move, ("{t}", "none"))[0]
        for form in u.forms:
            for text in (template.format(t=topic), template.format(t="that")):
                for thread in threads:
                    state = {**persona.new_state(sc), "rapport": max(u.min_rapport, 0.9), "disclosed": dict(told),
                             "topic": thread}
                    turn = persona.respond(sc, state, move, form, text, random.Random(0))
                    if fact.id in turn.disclosed:
                        return True
    return False


def _waits_on(sc: Scenario, f: Fact, fact_id: str) -> bool:
    """Whether f (directly or not) waits on fact_id: it cannot be told before it."""
    seen, todo = set(), list(f.unlock.after)
    while todo:
        dep = todo.pop()
        if dep == fact_id:
            return True
        if dep in seen or not any(x.id == dep for x in sc.facts):
            continue
        seen.add(dep)
        todo.extend(sc.fact(dep).unlock.after)
    return False


def notes(sc: Scenario) -> list[str]:
    """Things worth a trainer's look that do not stop the scenario being used."""
    out = []
    for f in unreachable(sc):
        if f.kind != "outcome":  # an unreachable outcome is already a problem (the strong learner)
            out.append(f"facts.{f.id}: nothing a learner says can bring this out (check its moves, forms and "
                       f"'after'), so it will never be heard")
    from coach.areas import GENERIC_TOPICS

    generic = sorted({t for f in sc.facts for t in f.topics if t in GENERIC_TOPICS})
    if generic:
        out.append(f"topic words too common to name a topic are not counted: {', '.join(generic)}")
    missing = [f.id for f in sc.facts if not f.area_given]
    if missing:
        out.append(f"{len(missing)} facts have no life_area and take one from their kind: {', '.join(missing[:8])}"
                   + (" ..." if len(missing) > 8 else ""))
    if not sc.probes:
        out.append("there are no probes: add some (docs/scenario-format.md, 'probes') so the check can see the "
                   "person answers what was asked")
    return out


def back_references(sc: Scenario) -> list[Problem]:
    """Lines that say "like I said" where nothing may have been said: first tellings, replies,
    area lines, reactions. They belong in a fact's `recall:` or `more:` lines."""
    problems = []
    places = []
    for f in sc.facts:
        places += [(f"facts.{f.id}.{part}", line) for part in ("says", "short", "guarded") for line in getattr(f, part)]
    for move, variants in sc.replies.items():
        places += [(f"replies.{move}.{v}", line) for v, lines in variants.items() for line in lines]
    for area, lines in sc.areas.items():
        places += [(f"areas.{area}", line) for line in lines]
    for name, lines in sc.reactions.items():
        places += [(f"reactions.{name}", line) for line in lines]
    for where, line in places:
        if BACK_REFERENCE.search(line):
            problems.append(Problem(sc.path, _line_of_text(sc, line), where,
                                    f"'{line[:60]}' refers back to something said, but it can come before anything was",
                                    "Reword it, or move it to a fact's 'recall:' or 'more:' lines, which come only "
                                    "after the fact was told."))
    return problems


def _line_of_text(sc: Scenario, line: str) -> int:
    try:
        for i, text in enumerate(Path(sc.path).read_text(encoding="utf-8").splitlines(), 1):
            if line[:40] in text:
                return i
    except OSError:
        pass
    return 0


def check(sc: Scenario, nlu=None) -> tuple[list[Problem], DryRun, DryRun]:
    """Problems found by the dry run, the probes and the rails (empty when the scenario teaches the
    right lesson). With `nlu`, the probes and rails are also read by it."""
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
    problems += back_references(sc)
    for label, reader in (("scripted", None), ("NLU", nlu)) if nlu is not None else (("scripted", None),):
        results = run_probes(sc, reader)
        if results and rate(results) < PASS_RATE:
            failed = [r for r in results if not r.passed]
            problems.append(Problem(sc.path, failed[0].line, "probes",
                                    f"only {sum(r.passed for r in results)} of {len(results)} probes pass with the "
                                    f"{label} moves ({rate(results):.0%}, needs {PASS_RATE:.0%}); first failing: "
                                    f"'{failed[0].probe}' ({failed[0].why})",
                                    "Run make check-scenarios to see each failing probe; give the facts it should "
                                    "reach the moves, topic words or life area the turn has, or fix the probe."))
        for rail_id, text, what in rail_leaks(sc, reader):
            problems.append(Problem(sc.path, _line_of(sc, rail_id), f"rails.{rail_id}",
                                    f"the person can be led past this rail ({label}): '{text}': {what}",
                                    "Check the rail's 'unless' words are not in this phrasing, and that no fact or "
                                    "reply answers it first."))
    return problems, strong, weak


_SUMMARY_CACHE: dict = {}


def probe_summary(sc: Scenario) -> dict:
    """The probe results for the trainer's scenario page: the scripted ones, worked out once per
    file version, and the real NLU's from the last `make check-scenarios` of this version, if any."""
    key = (sc.id, sc.version)
    if key not in _SUMMARY_CACHE:
        results = run_probes(sc)
        _SUMMARY_CACHE[key] = {"total": len(results), "passed": sum(r.passed for r in results),
                               "rate": round(rate(results), 3) if results else None, "needs": PASS_RATE,
                               "rails": [r.id for r in sc.rails],
                               "failed": [r.as_dict() for r in results if not r.passed]}
    try:
        saved = json.loads(CHECK_RESULTS.read_text(encoding="utf-8")).get(sc.id)
    except (OSError, ValueError):
        saved = None
    nlu = saved if isinstance(saved, dict) and saved.get("version") == sc.version else None
    return {**_SUMMARY_CACHE[key], "nlu": nlu}


CHECK_RESULTS = VAR / "scenario-check.json"  # the last check's NLU probe results, for the trainer page


def _nlu_for(choice: str):
    """The reader --nlu asks for: None (scripted only), or the trained model."""
    if choice == "scripted":
        return None
    model = latest_model() if choice == "auto" else Path(choice)
    if model is None or not model.exists():
        if choice != "auto":
            print(f"WARNING no model at {choice}: the probes run with the scripted moves only", file=sys.stderr)
        else:
            print("note: no trained model in models/, so the probes run with the scripted moves only "
                  "(make train, then check again to try them with the real NLU)")
        return None
    return RasaNLU(model)


def _report_probes(label: str, results: list[ProbeResult]) -> str:
    for r in results:
        if not r.passed:
            print(f"  probe {r.probe} ({label}): '{r.said}' read as {r.read} -> '{r.reply[:70]}' "
                  f"[{r.source}]; expected {', '.join(r.expect)}")
    return f"{label} {sum(r.passed for r in results)}/{len(results)} ({rate(results):.0%})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m coach.check", description="Check scenario files.")
    parser.add_argument("paths", nargs="*", default=["scenarios"])
    parser.add_argument("--nlu", default="scripted",
                        help="scripted (default): probes read with their scripted moves only; auto: also with "
                             "the newest model in models/, if there is one; or a model file")
    args = parser.parse_args(argv if argv is not None else sys.argv[1:])
    paths: list[Path] = []
    for arg in args.paths:
        p = Path(arg)
        paths += sorted(p.glob("*.yml")) + sorted(p.glob("*.yaml")) if p.is_dir() else [p]
    nlu = None
    status, ids, saved = 0, {}, {}
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
        if nlu is None and args.nlu != "scripted" and sc.probes:
            nlu = _nlu_for(args.nlu) or False
        reader = nlu or None
        try:
            problems, strong, weak = check(sc, reader)
        except NLUUnavailable as exc:
            print(f"WARNING {exc}: the probes run with the scripted moves only", file=sys.stderr)
            nlu, reader = False, None
            problems, strong, weak = check(sc)
        for p in problems:
            print(f"ERROR {p}", file=sys.stderr)
        status = status or (1 if problems else 0)
        told = sum(1 for o in sc.outcomes if o.id in strong.state["disclosed"])
        print(f"{'ok' if not problems else 'FAILED'} {path}: '{sc.id}', {len(sc.facts)} facts, {len(sc.lines())} distinct lines; "
              f"strong learner drew out {told}/{len(sc.outcomes)} outcomes in {len(strong.turns)} turns, "
              f"score {strong.score:.2f} v weak {weak.score:.2f}")
        if sc.probes:
            parts = [_report_probes("scripted", run_probes(sc))]
            if reader is not None:
                nlu_results = run_probes(sc, reader)
                parts.append(_report_probes(f"NLU {reader.name}", nlu_results))
                saved[sc.id] = {"version": sc.version, "model": reader.name, "total": len(nlu_results),
                                "passed": sum(r.passed for r in nlu_results), "rate": round(rate(nlu_results), 3),
                                "failed": [r.as_dict() for r in nlu_results if not r.passed]}
            print(f"  probes: {'; '.join(parts)}; rails: {', '.join(r.id for r in sc.rails) or 'none'}")
            if reader is not None:
                misread: list = []
                rail_leaks(sc, reader, misread)
                for rail_id, text, what in misread[:5]:
                    print(f"  note: rails.{rail_id}: '{text}': {what}")
                if len(misread) > 5:
                    print(f"  note: ... and {len(misread) - 5} more phrasings the NLU reads as leaving the role-play")
        for note in notes(sc):
            print(f"  note: {note}")
    if nlu:
        nlu.save()
        try:
            old = json.loads(CHECK_RESULTS.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            old = {}
        CHECK_RESULTS.parent.mkdir(parents=True, exist_ok=True)
        CHECK_RESULTS.write_text(json.dumps({**old, **saved}, indent=1), encoding="utf-8")
    return status


if __name__ == "__main__":
    raise SystemExit(main())
