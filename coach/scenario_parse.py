"""Scenario files: parsing and validation with plain-language errors.

A scenario file is checked when it is loaded. Every problem names the file, the line, the field
and what to do, in words a trainer can act on.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import yaml

from coach.areas import AREAS, KIND_AREA
from coach.language import words
from coach.moves import ALL_MOVES, FACT_KINDS, NLU_FALLBACK, QUESTION_FORMS  # noqa: F401
from coach.rubric_config import check_overrides
from coach.scenario_model import (  # noqa: F401
    CRITERIA,
    FACT_ID_RE,
    ID_RE,
    OPTIONAL_REACTIONS,
    REACTIONS,
    REPLY_KEYS,
    REPLY_VARIANTS,
    Fact,
    Probe,
    ProbeTurn,
    Problem,
    Rail,
    Rapport,
    Scenario,
    ScenarioError,
    Unlock,
)
from coach.yamlio import LineDict, LineList, load_with_lines


class _Checker:
    """Collects problems while turning parsed YAML into a Scenario."""

    def __init__(self, file: str):
        self.file = file
        self.problems: list[Problem] = []

    def add(self, line: int, field_name: str, problem: str, fix: str) -> None:
        self.problems.append(Problem(self.file, line, field_name, problem, fix))

    def need(self, d: LineDict, key: str, kind: type | tuple, where: str, fix: str) -> Any:
        if key not in d or d[key] is None:
            self.add(d.line, f"{where}{key}", "is missing", fix)
            return None
        value = d[key]
        if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool) and kind in (int, float, (int, float))):
            self.add(d.line_of(key), f"{where}{key}", f"should be {_kind_words(kind)}, not {_describe(value)}", fix)
            return None
        return value

    def texts(self, d: LineDict, key: str, where: str, required: bool = True) -> tuple[str, ...]:
        if key not in d:
            if required:
                self.add(d.line, f"{where}{key}", "is missing", "Add a list of one or more lines the person could say.")
            return ()
        value = d[key]
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not value:
            self.add(d.line_of(key), f"{where}{key}", "should be a list of lines (each starting with '- ')",
                     "Write one line per wording, each on its own line starting with '- '.")
            return ()
        out = []
        for i, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                line = value.item_lines[i] if isinstance(value, LineList) else d.line_of(key)
                self.add(line, f"{where}{key}[{i + 1}]", "is empty or not text",
                         "Write the wording as plain text, in quotes if it contains a colon.")
            else:
                out.append(item.strip())
        return tuple(out)

    def number(self, d: LineDict, key: str, where: str, low: float, high: float, default: float | None) -> float:
        if key not in d:
            if default is None:
                self.add(d.line, f"{where}{key}", "is missing", f"Add a number between {low} and {high}.")
                return low
            return default
        value = d[key]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
            self.add(d.line_of(key), f"{where}{key}", f"should be a number between {low} and {high}, not {_describe(value)}",
                     f"Use a number such as {round((low + high) / 2, 2)}.")
            return default if default is not None else low
        return float(value)


def _kind_words(kind: Any) -> str:
    names = {str: "text", int: "a whole number", float: "a number", bool: "true or false",
             dict: "a block of fields", list: "a list", (int, float): "a number"}
    return names.get(kind, "a value of another kind")


def _describe(value: Any) -> str:
    if isinstance(value, dict):
        return "a block of fields"
    if isinstance(value, list):
        return "a list"
    return repr(value)


def parse_scenario(text: str, file: str = "<scenario>") -> Scenario:
    """Parse and validate scenario YAML text; raise ScenarioError listing every problem."""
    chk = _Checker(file)
    try:
        data = load_with_lines(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark else 0
        problem = getattr(exc, "problem", None) or str(exc)
        raise ScenarioError([Problem(file, line, "(file)", f"the YAML layout is broken: {problem}",
                                     "Check the indentation and that every 'key: value' has a space after the colon; "
                                     "put text containing ':' or '#' in quotes.")]) from None
    if not isinstance(data, LineDict):
        raise ScenarioError([Problem(file, 1, "(file)", "the file is not a block of fields",
                                     "Start from docs/scenario-template.yml and keep its layout.")])

    known = {"id", "title", "conversation", "note", "person", "brief", "opening_lines", "show_mood", "show_heard", "rapport",
             "facts", "replies", "reactions", "hints", "rubric", "areas", "rails", "probes"}
    for key in data:
        if key not in known:
            chk.add(data.line_of(key), str(key), "is not a field scenarios can have",
                    f"Remove it or check the spelling; the fields are: {', '.join(sorted(known))}.")

    sid = chk.need(data, "id", str, "", "Add an id in kebab-case, e.g. 'id: eric-battersby'.") or ""
    if sid and not ID_RE.match(sid):
        chk.add(data.line_of("id"), "id", f"'{sid}' is not kebab-case",
                "Use lower-case letters, digits and single hyphens only, e.g. 'eric-battersby'.")
    title = chk.need(data, "title", str, "", "Add a short title learners will see.") or ""
    conversation = chk.need(data, "conversation", int, "", "Add 'conversation: 1' (connect), 2 (risk) or 3 (planning).") or 1
    if conversation not in (1, 2, 3):
        chk.add(data.line_of("conversation"), "conversation", f"{conversation} is not 1, 2 or 3",
                "Use 1 for connect, 2 for risk or 3 for planning.")
    brief = chk.need(data, "brief", str, "", "Add the brief the learner reads before starting.") or ""
    person = chk.need(data, "person", dict, "", "Add a person block with at least 'name:'.") or LineDict()
    if isinstance(person, LineDict):
        chk.need(person, "name", str, "person.", "Add the person's name, e.g. 'name: Eric Battersby'.")
    opening = chk.texts(data, "opening_lines", "")
    show_mood = data.get("show_mood", True)
    if not isinstance(show_mood, bool):
        chk.add(data.line_of("show_mood"), "show_mood", f"should be true or false, not {_describe(show_mood)}",
                "Write 'show_mood: true' or 'show_mood: false'.")
        show_mood = True
    show_heard = data.get("show_heard", True)
    if not isinstance(show_heard, bool):
        chk.add(data.line_of("show_heard"), "show_heard", f"should be true or false, not {_describe(show_heard)}",
                "Write 'show_heard: true' or 'show_heard: false'.")
        show_heard = True

    rapport = _parse_rapport(chk, data)
    facts = _parse_facts(chk, data)
    replies = _parse_replies(chk, data)
    reactions = _parse_reactions(chk, data)
    hints = _parse_hints(chk, data)
    areas = _parse_areas(chk, data)
    rails = _parse_rails(chk, data)
    probes = _parse_probes(chk, data, facts, rails)
    rubric = data.get("rubric") or {}
    for p in check_overrides(rubric):  # against rubric.yml's settings and kinds
        where = p.parent.line_of(p.key) if isinstance(p.parent, LineDict) else data.line_of("rubric")
        chk.add(where, p.path, p.problem, p.fix)
    if not isinstance(rubric, dict):
        rubric = {}

    if chk.problems:
        raise ScenarioError(chk.problems)
    return Scenario(
        id=sid, title=title, conversation=conversation, person=dict(person), brief=brief.strip(),
        opening_lines=opening, rapport=rapport, facts=facts, replies=replies, reactions=reactions, hints=hints,
        show_mood=show_mood, show_heard=show_heard, note=str(data.get("note") or "").strip(), rubric=_plain(rubric), path=file,
        version=hashlib.sha256(text.encode("utf-8")).hexdigest()[:12], areas=areas, rails=rails, probes=probes,
    )


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _parse_rapport(chk: _Checker, data: LineDict) -> Rapport:
    r = chk.need(data, "rapport", dict, "", "Add a rapport block with 'start', 'bands' and 'effects'.")
    if not isinstance(r, LineDict):
        return Rapport(start=0.5, bands=(("neutral", 0.0),), effects={})
    start = chk.number(r, "start", "rapport.", 0.0, 1.0, None)
    bands: list[tuple[str, float]] = []
    raw_bands = r.get("bands")
    if not isinstance(raw_bands, list) or not raw_bands:
        chk.add(r.line_of("bands"), "rapport.bands", "is missing or empty",
                "List mood bands, e.g. '- {name: wary, from: 0.0}', the first from 0.0.")
    else:
        for i, band in enumerate(raw_bands):
            where = f"rapport.bands[{i + 1}]"
            line = raw_bands.item_lines[i]
            if not isinstance(band, dict) or not isinstance(band.get("name"), str) or isinstance(band.get("from"), bool) \
                    or not isinstance(band.get("from"), (int, float)):
                chk.add(line, where, "needs a 'name' and a 'from' number", "Write it as '- {name: warming, from: 0.45}'.")
                continue
            bands.append((band["name"], float(band["from"])))
        if bands and bands[0][1] != 0.0:
            chk.add(raw_bands.line, "rapport.bands", "the first band does not start at 0",
                    "Make the first band 'from: 0.0' so every rapport value has a mood.")
        if [b[1] for b in bands] != sorted(b[1] for b in bands):
            chk.add(raw_bands.line, "rapport.bands", "bands are not in rising order", "List bands from the lowest 'from' to the highest.")
    effects: dict[str, float] = {}
    raw_effects = r.get("effects") or {}
    if not isinstance(raw_effects, LineDict):
        chk.add(r.line_of("effects"), "rapport.effects", "should be a block of 'move: change' lines", "e.g. 'reflect: 0.06'.")
    else:
        for move, change in raw_effects.items():
            if move not in ALL_MOVES:
                chk.add(raw_effects.line_of(move), f"rapport.effects.{move}", f"'{move}' is not a practitioner move",
                        _move_fix(move))
            elif isinstance(change, bool) or not isinstance(change, (int, float)) or not -1 <= change <= 1:
                chk.add(raw_effects.line_of(move), f"rapport.effects.{move}", f"should be a number between -1 and 1, not {_describe(change)}",
                        "Use a small change such as 0.05 or -0.05.")
            else:
                effects[move] = float(change)
    run = r.get("closed_run") or {}
    after, run_change = 3, 0.0
    if run:
        if not isinstance(run, dict) or not isinstance(run.get("after"), int) or not isinstance(run.get("change"), (int, float)):
            chk.add(r.line_of("closed_run"), "rapport.closed_run", "needs 'after' (a whole number) and 'change' (a number)",
                    "Write it as '{after: 3, change: -0.04}'.")
        else:
            after, run_change = run["after"], float(run["change"])
    return Rapport(
        start=start, bands=tuple(bands) or (("neutral", 0.0),), effects=effects,
        leading=chk.number(r, "leading", "rapport.", -1, 1, 0.0),
        multiple=chk.number(r, "multiple", "rapport.", -1, 1, 0.0),
        closed_run_after=after, closed_run_change=run_change,
        jargon_word=chk.number(r, "jargon_word", "rapport.", -1, 1, 0.0),
        early_service=chk.number(r, "early_service", "rapport.", -1, 1, 0.0),
        volunteer_at=chk.number(r, "volunteer_at", "rapport.", 0, 1.01, 1.01),
    )


def _move_fix(move: Any) -> str:
    import difflib

    close = difflib.get_close_matches(str(move), ALL_MOVES, n=1)
    hint = f" Did you mean '{close[0]}'?" if close else ""
    return f"Use one of the moves listed in docs/scenario-format.md.{hint}"


def _parse_facts(chk: _Checker, data: LineDict) -> tuple[Fact, ...]:
    raw = chk.need(data, "facts", list, "", "Add a 'facts:' list with what the person can disclose.")
    if not isinstance(raw, LineList):
        return ()
    facts: list[Fact] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(raw):
        line = raw.item_lines[i]
        if not isinstance(item, LineDict):
            chk.add(line, f"facts[{i + 1}]", "is not a block of fields", "Each fact needs id, kind, topics, unlock and says.")
            continue
        fid = item.get("id")
        where = f"facts.{fid}." if isinstance(fid, str) else f"facts[{i + 1}]."
        if not isinstance(fid, str) or not FACT_ID_RE.match(fid):
            chk.add(item.line_of("id"), f"{where}id", f"is missing or not snake_case ({_describe(fid)})",
                    "Give the fact a short id of lower-case letters, digits and '_', e.g. 'woodwork'.")
            fid = f"fact_{i + 1}"
        elif fid in seen:
            chk.add(item.line_of("id"), f"{where}id", f"'{fid}' is used twice (first on line {seen[fid]})",
                    "Give every fact its own id.")
        seen.setdefault(fid, item.line_of("id"))
        for key in item:
            if key not in FACT_FIELDS:
                chk.add(item.line_of(key), f"{where}{key}", "is not a field a fact can have",
                        f"Remove it or check the spelling; a fact's fields are: {', '.join(FACT_FIELDS)}.")
        kind = item.get("kind")
        if kind not in FACT_KINDS:
            chk.add(item.line_of("kind"), f"{where}kind", f"'{kind}' is not a kind of fact",
                    f"Use one of: {', '.join(FACT_KINDS)}.")
        topics = item.get("topics", [])
        if isinstance(topics, list) and any(isinstance(t, bool) for t in topics):
            # YAML reads a bare yes, no, on, off, true or false as a yes/no value, not a word
            chk.add(item.line_of("topics"), f"{where}topics", "has a word YAML reads as yes/no (yes, no, on, off, "
                    "true or false)", "Put that word in quotes, e.g. 'topics: [garden, \"yes\"]'.")
            topics = []
        elif not isinstance(topics, list) or not all(isinstance(t, str) and t.strip() for t in topics):
            chk.add(item.line_of("topics"), f"{where}topics", "should be a list of words", "e.g. 'topics: [garden, roses, shed]'.")
            topics = []
        unlock = _parse_unlock(chk, item, where)
        if unlock.needs_topic and not topics:
            chk.add(item.line_of("unlock"), f"{where}unlock.needs_topic", "needs topic words but the fact has none",
                    "Add 'topics:' words, or set 'needs_topic: false'.")
        says = chk.texts(item, "says", where)
        short = chk.texts(item, "short", where, required=False)
        recall = chk.texts(item, "recall", where, required=False)
        more = chk.texts(item, "more", where, required=False)
        guarded = chk.texts(item, "guarded", where, required=False)
        hard = chk.texts(item, "hard", where, required=False)
        life_areas = _area_list(chk, item, "life_area", where)
        area_given = bool(life_areas)
        if not life_areas:
            life_areas = (KIND_AREA.get(str(kind), "activities_interests"),)
        volunteer = item.get("volunteer", False)
        if not isinstance(volunteer, bool):
            chk.add(item.line_of("volunteer"), f"{where}volunteer", "should be true or false", "Write 'volunteer: true' or remove it.")
            volunteer = False
        words = item.get("words")
        if kind == "outcome" and (not isinstance(words, str) or not words.strip()):
            chk.add(item.line_of("words") if "words" in item else item.line, f"{where}words",
                    "an outcome needs the person's own words", "Add e.g. 'words: \"I want to get back to the allotment\"'.")
            words = None
        facts.append(Fact(id=fid, kind=str(kind), topics=tuple(t.strip().lower() for t in topics), unlock=unlock,
                          says=says, short=short, recall=recall, volunteer=volunteer,
                          words=words.strip() if isinstance(words, str) else None, life_areas=life_areas,
                          more=more, guarded=guarded, hard=hard, area_given=area_given))
    ids = {f.id for f in facts}
    for i, f in enumerate(facts):
        for dep in f.unlock.after:
            if dep not in ids:
                chk.add(raw.item_lines[i], f"facts.{f.id}.unlock.after", f"names '{dep}', which is not a fact here",
                        "Use the id of another fact in this file, or remove it.")
            elif dep == f.id:
                chk.add(raw.item_lines[i], f"facts.{f.id}.unlock.after", "names the fact itself", "Remove it from its own 'after' list.")
    _check_reachable(chk, facts, raw, data)
    if not any(f.kind == "outcome" for f in facts):
        chk.add(raw.line, "facts", "there is no desired outcome", "Add at least one fact with 'kind: outcome' and the person's own 'words'.")
    return tuple(facts)


def _parse_unlock(chk: _Checker, item: LineDict, where: str) -> Unlock:
    u = item.get("unlock")
    if not isinstance(u, LineDict):
        chk.add(item.line_of("unlock"), f"{where}unlock", "is missing or not a block",
                "Add 'unlock:' with at least 'moves: [...]'.")
        return Unlock(moves=())
    moves = u.get("moves")
    if not isinstance(moves, list) or not moves:
        chk.add(u.line_of("moves"), f"{where}unlock.moves", "is missing or empty",
                "List the moves that can unlock this fact, e.g. '[ask_strengths, reflect]'.")
        moves = []
    good_moves = []
    for m in moves:
        if m not in ALL_MOVES or m in ("request_feedback", "request_hint"):
            chk.add(u.line_of("moves"), f"{where}unlock.moves", f"'{m}' is not a practitioner move", _move_fix(m))
        else:
            good_moves.append(m)
    forms = u.get("forms", ["open", "closed", "multiple", "none"])
    if not isinstance(forms, list) or any(f not in QUESTION_FORMS for f in forms) or not forms:
        chk.add(u.line_of("forms"), f"{where}unlock.forms", f"should list question forms, not {_describe(forms)}",
                f"Use some of: {', '.join(QUESTION_FORMS)}.")
        forms = ["open", "closed", "multiple", "none"]
    after = u.get("after", [])
    if isinstance(after, str):
        after = [after]
    if not isinstance(after, list):
        chk.add(u.line_of("after"), f"{where}unlock.after", "should be a list of fact ids", "e.g. 'after: [daughter]'.")
        after = []
    needs_topic = u.get("needs_topic", False)
    if not isinstance(needs_topic, bool):
        chk.add(u.line_of("needs_topic"), f"{where}unlock.needs_topic", "should be true or false", "Write true or false.")
        needs_topic = False
    return Unlock(moves=tuple(good_moves), min_rapport=chk.number(u, "min_rapport", f"{where}unlock.", 0, 1, 0.0),
                  needs_topic=needs_topic, forms=tuple(forms), after=tuple(str(a) for a in after))


def _check_reachable(chk: _Checker, facts: list[Fact], raw: LineList, data: LineDict) -> None:
    """A fact is unreachable if its rapport is out of reach or its 'after' chain loops."""
    by_id = {f.id: f for f in facts}
    for i, f in enumerate(facts):
        if f.unlock.min_rapport > 1.0:
            chk.add(raw.item_lines[i], f"facts.{f.id}.unlock.min_rapport", "can never be reached", "Use a value of 1.0 or less.")
        seen, todo = set(), list(f.unlock.after)
        while todo:
            dep = todo.pop()
            if dep == f.id:
                chk.add(raw.item_lines[i], f"facts.{f.id}.unlock.after", "the 'after' chain leads back to this fact, so it can never be told",
                        "Break the loop: one fact in the chain must not wait for the others.")
                break
            if dep in seen or dep not in by_id:
                continue
            seen.add(dep)
            todo.extend(by_id[dep].unlock.after)
        if not f.unlock.moves and not f.volunteer:
            chk.add(raw.item_lines[i], f"facts.{f.id}.unlock.moves", "no move can unlock this fact",
                    "List at least one move, or mark it 'volunteer: true'.")


def _parse_replies(chk: _Checker, data: LineDict) -> dict:
    raw = chk.need(data, "replies", dict, "", "Add a 'replies:' block with at least 'default' and 'nlu_fallback'.")
    if not isinstance(raw, LineDict):
        return {}
    out: dict[str, dict[str, tuple[str, ...]]] = {}
    for key, variants in raw.items():
        if key not in REPLY_KEYS:
            chk.add(raw.line_of(key), f"replies.{key}", f"'{key}' is not a move", _move_fix(key))
            continue
        if not isinstance(variants, LineDict):
            chk.add(raw.line_of(key), f"replies.{key}", "should be a block with open/closed/any lists",
                    "e.g. 'closed: [\"I manage.\"]' under it.")
            continue
        out[key] = {}
        for variant in variants:
            if variant not in REPLY_VARIANTS:
                chk.add(variants.line_of(variant), f"replies.{key}.{variant}", f"'{variant}' is not a question form",
                        f"Use one of: {', '.join(sorted(REPLY_VARIANTS))}.")
                continue
            out[key][variant] = chk.texts(variants, variant, f"replies.{key}.")
    for required in ("default", NLU_FALLBACK):
        if "any" not in out.get(required, {}):
            chk.add(raw.line, f"replies.{required}.any", "is missing",
                    "Add an 'any:' list of lines the person says when nothing else fits.")
    return out


def _parse_reactions(chk: _Checker, data: LineDict) -> dict:
    raw = chk.need(data, "reactions", dict, "", f"Add a 'reactions:' block with {', '.join(REACTIONS)}.")
    if not isinstance(raw, LineDict):
        return {}
    out = {}
    for key in raw:
        if key not in REACTIONS and key not in OPTIONAL_REACTIONS:
            chk.add(raw.line_of(key), f"reactions.{key}", "is not a reaction",
                    f"Use one of: {', '.join(REACTIONS + OPTIONAL_REACTIONS)}.")
    for key in REACTIONS:
        out[key] = chk.texts(raw, key, "reactions.")
    for key in OPTIONAL_REACTIONS:
        if key in raw:
            out[key] = chk.texts(raw, key, "reactions.")
    return out


def _parse_hints(chk: _Checker, data: LineDict) -> dict:
    raw = chk.need(data, "hints", dict, "", "Add a 'hints:' block with example questions per criterion.")
    if not isinstance(raw, LineDict):
        return {}
    for key in raw:
        if key not in CRITERIA:
            chk.add(raw.line_of(key), f"hints.{key}", "is not a feedback criterion", f"Use one of: {', '.join(CRITERIA)}.")
    return {key: chk.texts(raw, key, "hints.") for key in CRITERIA}


FACT_FIELDS = ("id", "kind", "life_area", "topics", "unlock", "volunteer", "words", "says", "short", "more",
               "recall", "guarded", "hard")
RAIL_FIELDS = ("id", "never", "words", "unless", "moves", "rapport", "says")
PROBE_FIELDS = ("id", "why", "rapport", "setup", "say", "move", "form", "moves", "area", "expect")
TURN_FIELDS = ("say", "move", "form", "moves", "area")
EXPECT_PREFIXES = ("rail", "area", "reaction", "reply")


def _area_list(chk: _Checker, d: LineDict, key: str, where: str) -> tuple[str, ...]:
    """A life area or a list of them (design/practitioner-moves.md, "Life area")."""
    if key not in d:
        return ()
    value = d[key]
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list) or not values:
        chk.add(d.line_of(key), f"{where}{key}", f"should be a life area or a list of them, not {_describe(value)}",
                f"Use one or more of: {', '.join(AREAS)}.")
        return ()
    out = []
    for v in values:
        if v not in AREAS:
            import difflib

            close = difflib.get_close_matches(str(v), AREAS, n=1)
            chk.add(d.line_of(key), f"{where}{key}", f"'{v}' is not a life area",
                    f"Use one of: {', '.join(AREAS)}." + (f" Did you mean '{close[0]}'?" if close else ""))
        elif v not in out:
            out.append(v)
    return tuple(out)


def _words_list(chk: _Checker, d: LineDict, key: str, where: str, required: bool, example: str) -> tuple[str, ...]:
    if key not in d:
        if required:
            chk.add(d.line, f"{where}{key}", "is missing", f"Add a list of words or phrases, e.g. '{key}: {example}'.")
        return ()
    value = d[key]
    if isinstance(value, list) and any(isinstance(t, bool) for t in value):
        chk.add(d.line_of(key), f"{where}{key}", "has a word YAML reads as yes/no (yes, no, on, off, true or false)",
                'Put that word in quotes, e.g. "no".')
        return ()
    if not isinstance(value, list) or not value or not all(isinstance(t, (str, int)) and str(t).strip() for t in value):
        chk.add(d.line_of(key), f"{where}{key}", "should be a list of words or phrases", f"e.g. '{key}: {example}'.")
        return ()
    return tuple(" ".join(words(str(t))) for t in value)  # "full-time care" matches "full time care"


def _parse_areas(chk: _Checker, data: LineDict) -> dict:
    """`areas:` what the person says about a part of their life when there is nothing to tell."""
    raw = data.get("areas")
    if raw is None:
        return {}
    if not isinstance(raw, LineDict):
        chk.add(data.line_of("areas"), "areas", "should be a block of 'life_area: [lines]'",
                "e.g. 'money: [\"I pay my way. That's all there is to it.\"]'.")
        return {}
    out = {}
    for key in raw:
        if key not in AREAS:
            chk.add(raw.line_of(key), f"areas.{key}", f"'{key}' is not a life area", f"Use one of: {', '.join(AREAS)}.")
            continue
        out[key] = chk.texts(raw, key, "areas.")
    return out


def _parse_rails(chk: _Checker, data: LineDict) -> tuple[Rail, ...]:
    """`rails:` what the person never goes along with, whatever the learner's move."""
    raw = data.get("rails")
    if raw is None:
        return ()
    if not isinstance(raw, LineList):
        chk.add(data.line_of("rails"), "rails", "should be a list of rails (each starting with '- id:')",
                "See docs/scenario-format.md, 'rails'.")
        return ()
    rails, seen = [], set()
    for i, item in enumerate(raw):
        if not isinstance(item, LineDict):
            chk.add(raw.item_lines[i], f"rails[{i + 1}]", "is not a block of fields", "Each rail needs id, never, words and says.")
            continue
        rid = item.get("id")
        where = f"rails.{rid}." if isinstance(rid, str) else f"rails[{i + 1}]."
        if not isinstance(rid, str) or not FACT_ID_RE.match(rid):
            chk.add(item.line_of("id"), f"{where}id", f"is missing or not snake_case ({_describe(rid)})",
                    "Give the rail a short id of lower-case letters, digits and '_', e.g. 'care_home'.")
            rid = f"rail_{i + 1}"
        elif rid in seen:
            chk.add(item.line_of("id"), f"{where}id", f"'{rid}' is used twice", "Give every rail its own id.")
        seen.add(rid)
        for key in item:
            if key not in RAIL_FIELDS:
                chk.add(item.line_of(key), f"{where}{key}", "is not a field a rail can have",
                        f"Remove it or check the spelling; a rail's fields are: {', '.join(RAIL_FIELDS)}.")
        never = chk.need(item, "never", str, where, "Say in a few words what the person never goes along with, "
                         "e.g. 'never: a care home while the nights are dangerous'.") or ""
        rail_words = _words_list(chk, item, "words", where, True, "[care home, nursing home, residential]")
        unless = _words_list(chk, item, "unless", where, False, "[later, not now, no rush]")
        moves = item.get("moves", [])
        good_moves = []
        if not isinstance(moves, list):
            chk.add(item.line_of("moves"), f"{where}moves", "should be a list of moves", "e.g. 'moves: [offer_service]'.")
        else:
            for m in moves:
                if m not in ALL_MOVES:
                    chk.add(item.line_of("moves"), f"{where}moves", f"'{m}' is not a practitioner move", _move_fix(m))
                else:
                    good_moves.append(m)
        change = chk.number(item, "rapport", where, -1, 1, -0.08)
        if change >= 0:
            chk.add(item.line_of("rapport"), f"{where}rapport", "should lower rapport (a number below 0)",
                    "Use a fall such as -0.08: going where the person will not go always costs.")
        says = chk.texts(item, "says", where)
        rails.append(Rail(id=rid, never=never.strip(), words=rail_words, says=says, unless=unless,
                          moves=tuple(good_moves), rapport=change))
    return tuple(rails)


def _probe_turn(chk: _Checker, d: LineDict, where: str, fields=TURN_FIELDS) -> ProbeTurn | None:
    for key in d:
        if key not in fields and key not in PROBE_FIELDS:
            chk.add(d.line_of(key), f"{where}{key}", "is not a field here",
                    f"Remove it or check the spelling; a learner turn has: {', '.join(TURN_FIELDS)}.")
    say = chk.need(d, "say", str, where, "Add the learner's words, e.g. 'say: \"who matters most to you?\"'.")
    move = d.get("move")
    if move not in ALL_MOVES:
        chk.add(d.line_of("move"), f"{where}move", f"'{move}' is not a practitioner move" if move else "is missing",
                "Add the move a scripted learner gives these words. " + _move_fix(move))
        move = None
    form = d.get("form", "none")
    if form not in QUESTION_FORMS:
        chk.add(d.line_of("form"), f"{where}form", f"'{form}' is not a question form",
                f"Use one of: {', '.join(QUESTION_FORMS)}.")
        form = "none"
    moves = d.get("moves", [])
    good: list[str] = []
    if not isinstance(moves, list):
        chk.add(d.line_of("moves"), f"{where}moves", "should be a list of moves, in the order said",
                "e.g. 'moves: [empathise, ask_network]'.")
    else:
        for m in moves:
            if m not in ALL_MOVES:
                chk.add(d.line_of("moves"), f"{where}moves", f"'{m}' is not a practitioner move", _move_fix(m))
            else:
                good.append(m)
        if good and move and move not in good:
            chk.add(d.line_of("moves"), f"{where}moves", f"does not hold the turn's move '{move}'",
                    "List every move of the turn, the primary 'move' among them.")
    area = d.get("area")
    if area is not None and area not in AREAS:
        chk.add(d.line_of("area"), f"{where}area", f"'{area}' is not a life area", f"Use one of: {', '.join(AREAS)}.")
        area = None
    if not say or not move:
        return None
    return ProbeTurn(say=say.strip(), move=move, form=form, moves=tuple(good), area=area)


def _parse_probes(chk: _Checker, data: LineDict, facts: tuple[Fact, ...], rails: tuple[Rail, ...]) -> tuple[Probe, ...]:
    """`probes:` short set-ups, a learner turn, and where a fitting answer may come from."""
    raw = data.get("probes")
    if raw is None:
        return ()
    if not isinstance(raw, LineList):
        chk.add(data.line_of("probes"), "probes", "should be a list of probes (each starting with '- id:')",
                "See docs/scenario-format.md, 'probes'.")
        return ()
    fact_ids = {f.id for f in facts}
    rail_ids = {r.id for r in rails}
    probes, seen = [], set()
    for i, item in enumerate(raw):
        if not isinstance(item, LineDict):
            chk.add(raw.item_lines[i], f"probes[{i + 1}]", "is not a block of fields",
                    "Each probe needs id, say, move, form and expect.")
            continue
        pid = item.get("id")
        where = f"probes.{pid}." if isinstance(pid, str) else f"probes[{i + 1}]."
        if not isinstance(pid, str) or not FACT_ID_RE.match(pid):
            chk.add(item.line_of("id"), f"{where}id", f"is missing or not snake_case ({_describe(pid)})",
                    "Give the probe a short id of lower-case letters, digits and '_', e.g. 'who_matters'.")
            pid = f"probe_{i + 1}"
        elif pid in seen:
            chk.add(item.line_of("id"), f"{where}id", f"'{pid}' is used twice", "Give every probe its own id.")
        seen.add(pid)
        for key in item:
            if key not in PROBE_FIELDS:
                chk.add(item.line_of(key), f"{where}{key}", "is not a field a probe can have",
                        f"Remove it or check the spelling; a probe's fields are: {', '.join(PROBE_FIELDS)}.")
        turn = _probe_turn(chk, item, where, PROBE_FIELDS)
        setup: list[ProbeTurn] = []
        raw_setup = item.get("setup", [])
        if not isinstance(raw_setup, list):
            chk.add(item.line_of("setup"), f"{where}setup", "should be a list of learner turns",
                    "e.g. '- {say: \"what do you enjoy?\", move: ask_strengths, form: open}'.")
        else:
            for j, st in enumerate(raw_setup):
                sw = f"{where}setup[{j + 1}]."
                if not isinstance(st, LineDict):
                    chk.add(raw_setup.item_lines[j], sw[:-1], "is not a learner turn",
                            "Write it as '- {say: \"...\", move: ..., form: ...}'.")
                    continue
                t = _probe_turn(chk, st, sw)
                if t is not None:
                    setup.append(t)
        start = None
        if "rapport" in item:
            start = chk.number(item, "rapport", where, 0.0, 1.0, 0.5)
        expect = item.get("expect")
        good: list[str] = []
        if not isinstance(expect, list) or not expect:
            chk.add(item.line_of("expect"), f"{where}expect", "is missing or empty",
                    "List where a fitting answer may come from: fact ids, or rail:<id>, area:<area>, "
                    "reaction:<name>, reply:<move>.")
        else:
            for e in expect:
                e = str(e)
                kind, _, name = e.partition(":")
                ok = (e in fact_ids or (kind in EXPECT_PREFIXES and not name)
                      or (kind == "rail" and name in rail_ids) or (kind == "area" and name in AREAS)
                      or (kind == "reaction" and name in REACTIONS + OPTIONAL_REACTIONS)
                      or (kind == "reply" and name in REPLY_KEYS))
                if not ok:
                    chk.add(item.line_of("expect"), f"{where}expect", f"'{e}' is not a fact, rail, area, reaction or reply here",
                            "Use a fact id from this file, or rail:<id>, area:<life area>, reaction:<name> or reply:<move>.")
                else:
                    good.append(e)
        why = item.get("why", "")
        if turn is not None:
            probes.append(Probe(id=pid, turn=turn, expect=tuple(good), setup=tuple(setup), rapport=start,
                                why=str(why or "").strip(), line=raw.item_lines[i]))
    return tuple(probes)


def load_scenario(path: str | Path, max_kb: int | None = None) -> Scenario:
    """Load and validate one scenario file; a file larger than `max_kb` kilobytes (default
    COACH_SCENARIO_MAX_KB), a folder or a file that cannot be read is a problem, never an error."""
    path = Path(path)

    def problem(what: str, fix: str) -> ScenarioError:
        return ScenarioError([Problem(str(path), 0, "(file)", what, fix)])

    if max_kb is None:
        from coach.settings import current

        max_kb = current().scenario_max_kb
    try:
        with path.open("rb") as file:
            data = file.read(max_kb * 1024 + 1)  # never more than the limit, however large the file
    except FileNotFoundError:
        raise problem("the file does not exist", "Check the path and file name.") from None
    except IsADirectoryError:
        raise problem("this is a folder, not a scenario file", "Rename the folder so that its name does not end in "
                      ".yml or .yaml, or move it out of the scenarios folder.") from None
    except OSError as exc:
        raise problem(f"the file cannot be read ({exc.strerror or type(exc).__name__})",
                      "Check that the coach may read it (its permissions), then save it again.") from None
    if len(data) > max_kb * 1024:
        raise problem(f"the file is larger than {max_kb} KB, the most a scenario file may be",
                      "A scenario is usually well under 100 KB: remove what it does not need, or split it "
                      "into two scenarios (COACH_SCENARIO_MAX_KB sets the limit).")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise problem("the file is not UTF-8 text", "Save it as UTF-8 text.") from None
    return parse_scenario(text, str(path))


def load_all(directory: str | Path) -> dict[str, Scenario]:
    """Load every scenario in a folder; raise ScenarioError with every problem in every file."""
    directory = Path(directory)
    problems: list[Problem] = []
    found: dict[str, Scenario] = {}
    files = sorted(directory.glob("*.yml")) + sorted(directory.glob("*.yaml"))
    if not files:
        raise ScenarioError([Problem(str(directory), 0, "(folder)", "there are no scenario files", "Add a .yml scenario file.")])
    for path in files:
        try:
            sc = load_scenario(path)
        except ScenarioError as exc:
            problems.extend(exc.problems)
            continue
        if sc.id in found:
            problems.append(Problem(str(path), 1, "id", f"'{sc.id}' is already used by {found[sc.id].path}",
                                    "Give each scenario its own id."))
            continue
        found[sc.id] = sc
    if problems:
        raise ScenarioError(problems)
    return found
