"""The feedback rubric: seven criteria judged from the learner's own turns.

Every verdict names the turns that earned it (quoting the learner), and a weak criterion comes
with a better wording. Thresholds come from rubric.yml, overridable per scenario; nothing here
praises what did not happen, and too little conversation is said to be too little.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from coach.language import any_topic, jargon_in, overlap, topic_hits
from coach.rubric_config import base_config, merged
from coach.scenario import Scenario
from coach.transcript import LearnerTurn, Transcript

TITLES = {
    "started_with_strengths": "Started with strengths",
    "powerful_questions": "Asked powerful questions",
    "desired_outcomes": "Drew out desired outcomes",
    "active_listening": "Listened actively",
    "network_and_community": "Explored network and community",
    "plain_language": "Used plain language",
    "services_last": "Left services until last",
}
ORDER = tuple(TITLES)
VERDICT_SCORE_FLOOR = {"met": 0.67, "partly": 0.34, "not_met": 0.0}


NOT_JUDGED = "not_judged"
VERDICTS = ("met", "partly", "not_met", NOT_JUDGED)


def judged(criterion: dict) -> bool:
    """Whether a report's criterion was judged: the one rule every reader uses (results, report
    text, hints; web/shared mirrors it). Reports stored before `not_judged` existed marked it with
    `enough_evidence: false`."""
    return criterion.get("verdict") != NOT_JUDGED and criterion.get("enough_evidence", True) is not False


@dataclass
class Criterion:
    id: str
    verdict: str
    score: float | None
    evidence: list[dict] = field(default_factory=list)
    suggestion: str | None = None
    note: str = ""

    def as_dict(self) -> dict:
        return {
            "id": self.id,
            "title": TITLES[self.id],
            "verdict": self.verdict,
            "score": None if self.score is None else round(self.score, 2),
            "evidence": self.evidence,
            "suggestion": self.suggestion if self.verdict not in ("met", NOT_JUDGED) else None,
            "note": self.note,
        }


def _base_config() -> dict:
    return base_config()


def config_for(scenario: Scenario | None) -> dict:
    """rubric.yml with the scenario's overrides (checked when the scenario loaded) merged in."""
    return merged(scenario.rubric if scenario else None)


def _ev(turn: LearnerTurn, note: str) -> dict:
    return {"turn": turn.number, "text": turn.text, "note": note}


def _hint(scenario: Scenario | None, criterion: str, index: int = 0) -> str | None:
    hints = (scenario.hints.get(criterion) if scenario else None) or ()
    return hints[index % len(hints)] if hints else None


def _too_early(cid: str, n: int, cfg: dict, scenario: Scenario | None, note: str) -> Criterion:
    """Not judged: too little conversation to say either way (never a 0 score, never a hint)."""
    return Criterion(cid, NOT_JUDGED, None, [], None,
                     f"Too early to judge: {n} turn{'s' if n != 1 else ''} so far (at least {cfg['min_turns']} needed). {note}".strip())


# --- 1. started with strengths -------------------------------------------------------------

def started_with_strengths(t: Transcript, sc: Scenario | None, cfg: dict) -> Criterion:
    c = cfg["started_with_strengths"]
    strength = set(c["strength_moves"])
    if sc is not None and sc.conversation == 2:
        strength |= set(c["risk_first_ok"])
    deficit, service = set(c["deficit_moves"]), set(c["service_moves"])
    substantive = [x for x in t.scored if x.move not in c["skip_moves"]]
    first_s = next((x for x in substantive if x.move in strength), None)
    first_d = next((x for x in substantive if x.move in deficit), None)
    s = c["scores"]
    if first_s and (first_d is None or first_s.number < first_d.number):
        ev = [_ev(first_s, "first substantive turn was about strengths, people or what matters")]
        if len(t.scored) < cfg["min_turns"]:
            return _too_early("started_with_strengths", len(t.scored), cfg, sc, "A strengths-first start so far.")
        return Criterion("started_with_strengths", "met", s["met"], ev)
    if first_d is None:
        n = len(t.scored)
        if n < cfg["min_turns"]:
            return _too_early("started_with_strengths", n, cfg, sc, "No strengths or problems explored yet.")
        return Criterion("started_with_strengths", "not_met", s["not_met"], [],
                         _hint(sc, "started_with_strengths"), "No question explored the person's strengths, people or what matters.")
    suggestion = _rewrite_as_strength(first_d, sc)
    if first_s is None:
        return Criterion("started_with_strengths", "not_met", s["not_met"],
                         [_ev(first_d, "the conversation began with problems or services, and strengths never came up")], suggestion)
    if first_d.move in service:
        return Criterion("started_with_strengths", "not_met", s["not_met"],
                         [_ev(first_d, "services, advice or process came first"),
                          _ev(first_s, "strengths came only later")], suggestion)
    return Criterion("started_with_strengths", "partly", s["partly"],
                     [_ev(first_d, "the conversation opened with problems or care needs"),
                      _ev(first_s, "strengths were explored, but only after that")], suggestion)


def _rewrite_as_strength(turn: LearnerTurn, sc: Scenario | None) -> str:
    example = _hint(sc, "started_with_strengths") or "What do you enjoy doing, and what are you proud of?"
    return f"Instead of opening with \"{turn.text}\", start with what is strong in their life: \"{example}\""


# --- 2. powerful questions -----------------------------------------------------------------

def powerful_questions(t: Transcript, sc: Scenario | None, cfg: dict) -> Criterion:
    c = cfg["powerful_questions"]
    questions = [x for x in t.turns if x.is_question]
    if len(t.scored) < cfg["min_turns"] or not questions:
        return _too_early("powerful_questions", len(t.scored), cfg, sc,
                          "" if questions else "No questions asked yet.")
    opens = [x for x in questions if x.form == "open"]
    share = len(opens) / len(questions)
    powerful: dict[str, LearnerTurn] = {}
    for x in opens:
        if x.move in c["powerful_moves"]:
            powerful.setdefault(x.move, x)
    lm = [x for x in questions if x.form in ("leading", "multiple")]
    met, partly = c["met"], c["partly"]
    if share >= met["open_share"] and len(powerful) >= met["powerful_types"] and len(lm) <= met["max_leading_or_multiple"]:
        verdict = "met"
    elif share >= partly["open_share"] or len(powerful) >= partly["powerful_types"]:
        verdict = "partly"
    else:
        verdict = "not_met"
    score = 0.5 * share + 0.5 * min(1.0, len(powerful) / met["powerful_types"])
    score -= c["leading_penalty"] * max(0, len(lm) - met["max_leading_or_multiple"])
    score = _band(verdict, score)
    ev = [_ev(x, f"open, powerful question ({x.move.replace('_', ' ')})") for x in list(powerful.values())[:3]]
    weak = [x for x in questions if x.form != "open"]
    ev += [_ev(x, f"{x.form} question") for x in weak[:2]] if verdict != "met" else []
    note = f"{len(opens)} of {len(questions)} questions were open ({share:.0%}); {len(powerful)} powerful kind(s) asked openly"
    if lm:
        note += f"; {len(lm)} leading or stacked"
    suggestion = None
    if verdict != "met":
        target = next((x for x in weak if x.form in ("closed", "leading")), weak[0] if weak else None)
        better = rewrite_open(target.text) if target else None
        suggestion = (f"\"{target.text}\" could become \"{better}\"" if target and better
                      else _hint(sc, "powerful_questions"))
    return Criterion("powerful_questions", verdict, score, ev, suggestion, note + ".")


_REWRITES = [
    (re.compile(r"^(?:so |and |ok |okay )?(?:are|were) you (\w+ing)\b(.*)$"), lambda m: f"How are you {m[1]}{m[2]}?"),
    (re.compile(r"^(?:so |and |ok |okay )?(?:do|did) you (?:still )?(like|enjoy|love|miss)\b(.*)$"), lambda m: f"What do you {m[1]} about{m[2]}?"),
    (re.compile(r"^(?:so |and |ok |okay )?(?:do|did) you (?:still )?(?:ever )?(go|get|see|do|have|use|visit|take)\b(.*)$"),
     lambda m: f"Tell me about how you {m[1]}{m[2]}."),
    (re.compile(r"^(?:so |and |ok |okay )?(?:is|are) there (?:any|anyone|anything)\b(.*)$"), lambda m: f"Who or what{m[1]}?"),
    (re.compile(r"^(?:so |and |ok |okay )?(?:would|do) you (?:like|want)\b(.*)$"), lambda m: f"What would you like{m[1]}?"),
    (re.compile(r"^(?:so |and |ok |okay )?(?:can|could) you (\w+)\b(.*)$"), lambda m: f"How do you get on with {m[1]}ing{m[2]}?"),
]


def rewrite_open(text: str) -> str | None:
    """A closed or leading question turned into an open one, where a simple pattern fits."""
    t = re.sub(r"[,\s]+(wouldn'?t|won'?t|don'?t|isn'?t|aren'?t|didn'?t|haven'?t|right)( you| it| they)?\s*\??$", "",
               text.strip().lower()).rstrip("?. ")
    for rx, build in _REWRITES:
        m = rx.match(t)
        if m:
            out = build(m)
            return re.sub(r"\s+", " ", out[0].upper() + out[1:]).replace(" ?", "?")
    return None


def _band(verdict: str, score: float) -> float:
    """Keep the score inside its verdict's band, so bars and verdicts never disagree."""
    lo = VERDICT_SCORE_FLOOR[verdict]
    hi = {"met": 1.0, "partly": 0.66, "not_met": 0.33}[verdict]
    return max(lo, min(hi, score))


# --- 3. desired outcomes -------------------------------------------------------------------

def outcome_status(t: Transcript, sc: Scenario | None, cfg: dict) -> list[dict]:
    """Each of the scenario's outcomes: disclosed when, and confirmed by which learner turn."""
    if sc is None:
        return []
    c = cfg["desired_outcomes"]
    when = t.disclosures()
    service_rx = re.compile(r"\b(" + "|".join(re.escape(w) for w in c["service_words"]) + r")\b", re.I)
    out = []
    for fact in sc.outcomes:
        disclosed_at = when.get(fact.id)
        confirmed_by = None
        if disclosed_at is not None:
            for x in t.turns:
                if x.number < disclosed_at or x.move not in c["confirm_moves"]:
                    continue
                if x.number == disclosed_at and x.move != "confirm_outcome":
                    continue  # the turn that drew it out does not also check it back
                about = overlap(x.text, fact.words or "") >= c["min_overlap"] or topic_hits(x.text, fact.topics) > 0
                if about and not service_rx.search(x.text):
                    confirmed_by = x
                    break
        out.append({"id": fact.id, "words": fact.words, "disclosed": disclosed_at is not None,
                    "confirmed": confirmed_by is not None, "disclosed_turn": disclosed_at,
                    "confirmed_turn": confirmed_by.number if confirmed_by else None})
    return out


def desired_outcomes(t: Transcript, sc: Scenario | None, cfg: dict) -> Criterion:
    c = cfg["desired_outcomes"]
    status = outcome_status(t, sc, cfg)
    total = len(status)
    disclosed = [o for o in status if o["disclosed"]]
    confirmed = [o for o in status if o["confirmed"]]
    by_number = {x.number: x for x in t.turns}
    ev = [_ev(by_number[o["disclosed_turn"]], f"drew out: \"{o['words']}\"") for o in disclosed[:3]]
    ev += [_ev(by_number[o["confirmed_turn"]], f"checked back: \"{o['words']}\"") for o in confirmed[:2]]
    if not disclosed:
        if len(t.scored) < cfg["min_turns"]:
            return _too_early("desired_outcomes", len(t.scored), cfg, sc, "No outcomes heard yet.")
        return Criterion("desired_outcomes", "not_met", 0.0, [], _hint(sc, "desired_outcomes"),
                         f"None of the person's {total} hoped-for outcomes came out in the conversation.")
    share = len(disclosed) / total if total else 0.0
    score = 0.6 * share + 0.4 * (1.0 if confirmed else 0.0)
    if share >= c["met_share_disclosed"] and confirmed:
        verdict, suggestion = "met", None
    else:
        verdict = "partly"
        if not confirmed:
            words = disclosed[0]["words"]
            suggestion = f"Check an outcome back in the person's own words: \"So what you want is: {_own_words(words)} - have I got that right?\""
        else:
            suggestion = _hint(sc, "desired_outcomes")
    note = f"{len(disclosed)} of {total} outcomes drawn out, {len(confirmed)} checked back."
    return Criterion("desired_outcomes", verdict, _band(verdict, score), ev, suggestion, note)


def _own_words(words: str) -> str:
    """'I want to get back to the allotment' -> 'to get back to the allotment'."""
    w = words.strip().rstrip(".")
    return re.sub(r"^(i('d)? (really )?(want|would like|'d like|wish|hope)( to)?)\s+", "to ", w, flags=re.I)


# --- 4. active listening -------------------------------------------------------------------

def active_listening(t: Transcript, sc: Scenario | None, cfg: dict) -> Criterion:
    c = cfg["active_listening"]
    if len(t.scored) < cfg["min_turns"]:
        return _too_early("active_listening", len(t.scored), cfg, sc, "")
    reflections = [x for x in t.turns if x.move in c["reflection_moves"]]
    summaries = [x for x in reflections if x.move == "summarise"]
    against = [x for x in t.turns if x.move in c["against_moves"]]
    questions = [x for x in t.turns if x.is_question]
    r = max(0, len(reflections) - len(against))
    ratio = r / len(questions) if questions else (float(r) if r else 0.0)
    if ratio >= c["met_ratio"] and len(summaries) >= c["met_min_summaries"]:
        verdict = "met"
    elif ratio >= c["partly_ratio"]:
        verdict = "partly"
    else:
        verdict = "not_met"
    score = 0.8 * min(1.0, ratio / c["met_ratio"]) + 0.2 * (1.0 if summaries else 0.0)
    ev = [_ev(x, x.move) for x in (summaries[:1] + [x for x in reflections if x.move != "summarise"][:2])]
    ev += [_ev(x, "advice given instead of listening") for x in against[:1]]
    others = [x for x in t.turns if x.move in ("clarify", "affirm", "empathise")]
    note = (f"{len(reflections)} reflection(s) or summaries to {len(questions)} question(s) "
            f"(ratio {ratio:.2f}); {len(others)} clarifying, affirming or empathising turn(s)")
    note += f"; {len(against)} piece(s) of advice counted against." if against else "."
    suggestion = None
    if verdict != "met":
        if not summaries and ratio >= c["met_ratio"]:
            suggestion = "Pull a few things together in a summary, e.g. \"Let me check I've got this: ...\""
        else:
            suggestion = _hint(sc, "active_listening") or "After an answer, give back what you heard before the next question."
    return Criterion("active_listening", verdict, _band(verdict, score), ev, suggestion, note)


# --- 5. network and community --------------------------------------------------------------

def network_and_community(t: Transcript, sc: Scenario | None, cfg: dict) -> Criterion:
    c = cfg["network_and_community"]
    areas: dict[str, LearnerTurn] = {}
    for x in t.scored:
        if x.move in c["network_moves"] or x.move in c["community_moves"] or x.is_question:
            for area, wordlist in c["areas"].items():
                if area not in areas and any_topic(x.text, wordlist):
                    areas[area] = x
    kinds = {fid: sc.fact(fid).kind for fid in t.disclosures() if sc and any(f.id == fid for f in sc.facts)}
    network = (any(x.move in c["network_moves"] for x in t.scored) or any(a in areas for a in c["network_areas"])
               or "network" in kinds.values())
    community = (any(x.move in c["community_moves"] for x in t.scored) or any(a in areas for a in c["community_areas"])
                 or "community" in kinds.values())
    ev = [_ev(x, f"asked about {area.replace('_', ' and ')}") for area, x in list(areas.items())[:4]]
    first_net = next((x for x in t.scored if x.move in c["network_moves"]), None)
    first_com = next((x for x in t.scored if x.move in c["community_moves"]), None)
    for x, what in ((first_net, "people around them"), (first_com, "places and groups")):
        if x and all(e["turn"] != x.number for e in ev):
            ev.append(_ev(x, f"asked about {what}"))
    note = f"Areas explored: {', '.join(a.replace('_', ' and ') for a in areas) or 'none'}."
    if network and community:
        return Criterion("network_and_community", "met", _band("met", 0.7 + 0.06 * len(areas)), ev, None, note)
    if len(t.scored) < cfg["min_turns"] and not (network or community):
        return _too_early("network_and_community", len(t.scored), cfg, sc, "")
    missing = "community" if network else "network"
    hints = (sc.hints.get("network_and_community") if sc else ()) or ()
    pick = next((h for h in hints if (missing == "community") == bool(re.search(r"\b(where|club|group|place|go|pub|church|market|quiz)\b", h, re.I))), None)
    suggestion = pick or _hint(sc, "network_and_community")
    if network or community:
        return Criterion("network_and_community", "partly", 0.5, ev, suggestion,
                         note + f" The {'places and groups' if missing == 'community' else 'people'} in their life were not explored.")
    return Criterion("network_and_community", "not_met", 0.0, ev, suggestion, note + " Neither people nor places were explored.")


# --- 6. plain language ---------------------------------------------------------------------

def plain_language(t: Transcript, sc: Scenario | None, cfg: dict) -> Criterion:
    c = cfg["plain_language"]
    hits: list[tuple[LearnerTurn, list[str]]] = []
    persona_words: set[str] = set()
    seen = 0
    for x in t.scored:
        for line in t.persona_lines[seen:x.persona_seen]:  # words the person used first are fair
            persona_words.update(jargon_in(line))
        seen = max(seen, x.persona_seen)
        found = jargon_in(x.text, exempt=persona_words)
        if found:
            hits.append((x, found))
    n = sum(len(f) for _, f in hits)
    early = [x for x, _ in hits if x.number <= c["opening_turns"]]
    ev = [_ev(x, "jargon: " + ", ".join(f)) for x, f in hits[:3]]
    if not hits:
        if len(t.scored) < cfg["min_turns"]:
            return _too_early("plain_language", len(t.scored), cfg, sc, "No jargon so far.")
        return Criterion("plain_language", "met", 1.0, [], None, "No service jargon in your turns.")
    worst, words = hits[0]
    suggestion = f"\"{worst.text}\" in plainer words: \"{plain_rewrite(worst.text, c['plain_words'])}\""
    note = f"{n} jargon word(s) in {len(hits)} turn(s)" + (", including the opening" if early else "") + "."
    if n <= c["partly_max_hits"] and not early:
        return Criterion("plain_language", "partly", _band("partly", 0.66 - 0.15 * (n - 1)), ev, suggestion, note)
    return Criterion("plain_language", "not_met", _band("not_met", 0.3 - 0.1 * n), ev, suggestion, note)


def plain_rewrite(text: str, plain: list) -> str:
    """The learner's own words with each jargon term swapped for an everyday one."""
    out = text
    for pattern, replacement in plain:
        out = re.sub(pattern, replacement, out, flags=re.I)
    return re.sub(r"\s+", " ", out).strip()


# --- 7. services last ----------------------------------------------------------------------

def services_last(t: Transcript, sc: Scenario | None, cfg: dict) -> Criterion:
    c = cfg["services_last"]
    first_service = next((x for x in t.scored if x.move in c["service_moves"]), None)
    if sc is not None and sc.conversation == 2:
        rx = re.compile(r"(" + "|".join(re.escape(w) for w in c["long_term_words"]) + r")", re.I)
        plan = next((x for x in t.scored if x.move in c["service_moves"] and rx.search(x.text)), None)
        if plan:
            return Criterion("services_last", "not_met", 0.0, [_ev(plan, "a long-term plan offered while risk is live")],
                             _hint(sc, "services_last"), "In a crisis, stay with what needs to happen to be safe now.")
    if first_service is None:
        if len(t.scored) < cfg["min_turns"]:
            return _too_early("services_last", len(t.scored), cfg, sc, "No services offered so far.")
        return Criterion("services_last", "met", 1.0, [], None, "No services, advice or process came up.")
    disclosed_outcome = [n for fid, n in t.disclosures().items() if sc and any(f.id == fid and f.kind == "outcome" for f in sc.facts)]
    before = [x for x in t.scored if x.number < first_service.number]
    strength_before = any(x.move in c["strength_moves"] for x in before)
    outcome_before = any(x.move in c["outcome_moves"] for x in before) or any(n < first_service.number for n in disclosed_outcome)
    ev = [_ev(first_service, "first offer of services, advice or process")]
    if strength_before and outcome_before:
        return Criterion("services_last", "met", 1.0, ev, None, "Services came after strengths and outcomes.")
    suggestion = (f"Hold back \"{first_service.text}\" until you know what the person wants; first ask: "
                  f"\"{_hint(sc, 'services_last') or 'What would you like to be different?'}\"")
    if strength_before or outcome_before:
        missing = "the person's outcomes" if strength_before else "their strengths"
        return Criterion("services_last", "partly", 0.5, ev, suggestion, f"Services came before {missing} were explored.")
    return Criterion("services_last", "not_met", 0.0, ev, suggestion, "Services came before strengths and outcomes.")


JUDGES = {
    "started_with_strengths": started_with_strengths,
    "powerful_questions": powerful_questions,
    "desired_outcomes": desired_outcomes,
    "active_listening": active_listening,
    "network_and_community": network_and_community,
    "plain_language": plain_language,
    "services_last": services_last,
}


def judge(t: Transcript, sc: Scenario | None) -> list[Criterion]:
    cfg = config_for(sc)
    return [JUDGES[cid](t, sc, cfg) for cid in ORDER]


def figures(t: Transcript, sc: Scenario | None, cfg: dict | None = None) -> dict:
    cfg = cfg or config_for(sc)
    questions = [x for x in t.turns if x.is_question]
    opens = [x for x in questions if x.form == "open"]
    refl = [x for x in t.turns if x.move in cfg["active_listening"]["reflection_moves"]]
    status = outcome_status(t, sc, cfg)
    return {
        "turns": len(t.scored),
        "questions": len(questions),
        "open_share": round(len(opens) / len(questions), 2) if questions else 0.0,
        "reflection_to_question": round(len(refl) / len(questions), 2) if questions else 0.0,
        "outcomes_disclosed": sum(o["disclosed"] for o in status),
        "outcomes_total": len(status),
    }


def timeline(t: Transcript, cfg: dict) -> list[str]:
    phases = cfg["timeline"]
    order: list[str] = []
    for x in t.scored:
        for phase, moves in phases.items():
            if x.move in moves and phase not in order:
                order.append(phase)
    return order


def build_report(t: Transcript, sc: Scenario | None, final: bool, reveal_outcomes: bool | None = None) -> dict:
    """The feedback_report payload of design/feedback-rubric.md.

    Undisclosed outcomes' words are revealed in a final report (or with `reveal_outcomes`, for
    trainers), never in an interim one that a learner could read mid-conversation.
    """
    cfg = config_for(sc)
    reveal = final if reveal_outcomes is None else reveal_outcomes
    return {
        "type": "feedback_report",
        "scenario": sc.id if sc else None,
        "final": final,
        "criteria": [c.as_dict() for c in judge(t, sc)],
        "figures": figures(t, sc, cfg),
        "outcomes": [_outcome_for_report(o, reveal) for o in outcome_status(t, sc, cfg)],
        "timeline": timeline(t, cfg),
        "hints_used": t.count("request_hint"),
    }


def _outcome_for_report(o: dict, reveal: bool) -> dict:
    """An outcome as the payload shows it. Mid-conversation, one the person has not disclosed
    keeps its words hidden (the learner could read them in the payload and simply echo them);
    the final report reveals them, so the learner sees what the person wanted."""
    shown = {k: o[k] for k in ("id", "words", "disclosed", "confirmed")}
    if not reveal and not o["disclosed"]:
        shown["words"] = None
    return shown


def biggest_gap(report: dict) -> str | None:
    """The criterion to work on next: the lowest score among those judged and not met, lead
    criteria first on ties; None when every judged criterion is met."""
    open_items = [c for c in report["criteria"] if judged(c) and c["verdict"] != "met"]
    if not open_items:
        return None
    return min(open_items, key=lambda c: (c["score"], ORDER.index(c["id"])))["id"]


LISTENING_MOVES = ("reflect", "summarise", "affirm", "empathise", "clarify")
DIRECTIVE_MOVES = ("give_advice", "offer_service", "explain_process")


def listening_rates(t: Transcript) -> dict:
    """Per-turn rates of listening and questioning (rates, not counts, so length does not matter)."""
    scored = t.scored
    n = len(scored) or 1
    questions = [x for x in scored if x.is_question]
    q = len(questions)
    reflections = sum(1 for x in scored if x.move in ("reflect", "summarise"))
    return {
        "turns": len(scored),
        "reflection_to_question": round(reflections / q, 4) if q else float(reflections > 0),
        "open_share": round(sum(1 for x in questions if x.form == "open") / q, 4) if q else 0.0,
        "listening_rate": round(sum(1 for x in scored if x.move in LISTENING_MOVES) / n, 4),
        "directive_rate": round(sum(1 for x in scored if x.move in DIRECTIVE_MOVES) / n, 4),
        "leading_share": round(sum(1 for x in questions if x.form in ("leading", "multiple")) / q, 4) if q else 0.0,
    }


def session_quality(rates: dict, cfg: dict | None = None) -> float:
    """One 0..1 score of listening and questioning from listening_rates()."""
    c = (cfg or _base_config())["session_quality"]
    w = c["weights"]
    score = (w["reflection_to_question"] * min(1.0, rates["reflection_to_question"])
             + w["open_share"] * rates["open_share"]
             + w["listening"] * min(1.0, rates["listening_rate"] / c["full_listening_rate"])
             + w["not_directive"] * (1.0 - min(1.0, rates["directive_rate"] / c["directive_rate_floor"]))
             - c["leading_penalty"] * rates["leading_share"])
    return max(0.0, min(1.0, score))
