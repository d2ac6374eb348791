"""The seven criteria, one judge each (design/feedback-rubric.md, with its fairness rules).

Each judge reads every move of every learner turn (`LearnerTurn.moves`), so a reflection inside a
compound turn is listening and a question inside it is a question. Evidence names the move that
earned it and, in a compound turn, quotes that move's own words. Thresholds come from rubric.yml
(coach/rubric_config.py); wording from rubric_texts.yml (coach/rewrites.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from coach.language import (
    any_topic,
    asks_consent,
    checks_back,
    frames_advice,
    is_repair,
    jargon_in,
    names_a_service,
    names_process,
    offers_something,
    overlap,
    topic_hits,
)
from coach.rewrites import example, move_words, open_example, person, plain_example, say, summary_of
from coach.scenario import Scenario
from coach.transcript import LearnerTurn, Move, Transcript

NOT_JUDGED = "not_judged"
VERDICT_SCORE_FLOOR = {"met": 0.67, "partly": 0.34, "not_met": 0.0}
QUESTION_FORMS = ("open", "closed", "leading", "multiple")


@dataclass
class Criterion:
    id: str
    verdict: str
    score: float | None
    evidence: list[dict] = field(default_factory=list)
    suggestion: str | None = None
    note: str = ""


JUDGES: dict = {}


def judge_of(cid: str):
    """Register a criterion's judge under its id (ORDER in coach/rubric.py lists them)."""
    def register(fn):
        JUDGES[cid] = fn
        return fn
    return register


# --- shared reading of turns ---------------------------------------------------------------------

def ev(turn: LearnerTurn, note: str, move: Move | None = None) -> dict:
    """Evidence: the turn, the move that earned it, and that move's own words in a compound turn."""
    out = {"turn": turn.number, "text": turn.text, "note": note}
    if move is not None:
        out["move"] = move.name
        if len(turn.moves) > 1 and move.text and move.text.strip() and move.text.strip() != turn.text.strip():
            out["text"] = move.text.strip()
            out["turn_text"] = turn.text
    return out


def ev_of(found: tuple[LearnerTurn, Move], note: str) -> dict:
    return ev(found[0], note, found[1])


def too_early(cid: str, n: int, cfg: dict, note: str = "") -> Criterion:
    """Not judged: too little conversation to say either way (never a 0 score, never a hint)."""
    text = say("notes", "too_early", n=n, min=cfg["min_turns"]) + (f" {note}" if note else "")
    return Criterion(cid, NOT_JUDGED, None, [], None, text)


def band(verdict: str, score: float) -> float:
    """Keep the score inside its verdict's band, so bars and verdicts never disagree."""
    lo = VERDICT_SCORE_FLOOR[verdict]
    hi = {"met": 1.0, "partly": 0.66, "not_met": 0.33}[verdict]
    return max(lo, min(hi, score))


def good_practice(x: LearnerTurn) -> str | None:
    """Repair, consent and checking back: good practice that is not a closed or leading question."""
    if is_repair(x.text):
        return "repair"
    if asks_consent(x.text) or x.first(("agree_agenda",)):
        return "consent"
    if checks_back(x.text) or x.first(("confirm_outcome", "summarise")):
        return "checking back"
    return None


def counted_questions(t: Transcript) -> list[LearnerTurn]:
    """The questions the question criteria count: not consent checks, check-backs or repairs."""
    return [x for x in t.turns if x.is_question and good_practice(x) is None]


def service_move(x: LearnerTurn, service_moves) -> Move | None:
    """The turn's service, advice or process move, if it really is one. A question is never
    evidence of advice ("How important is keeping that going for you?"), and a question offering
    something counts as an offer only when it names a service."""
    m = x.first(service_moves)
    if m is None:
        return None
    words = (m.text or x.text)
    asked = x.form in QUESTION_FORMS and ("?" in words or len(x.moves) == 1)
    if m.name == "give_advice" and asked and x.form != "leading":
        return None
    # Words that give no advice are no evidence of it, whatever the NLU read ("i'd just like to
    # hear a bit about you, if that's alright" read as advice).
    if m.name == "give_advice" and not frames_advice(words) and not names_a_service(words):
        return None
    if m.name == "offer_service" and asked and not jargon_in(words) and not names_a_service(words):
        return None
    # Nor is praise read as an offer ("running all that is a real skill"): no service named, nothing
    # put forward (the persona reads it the same way).
    if m.name == "offer_service" and not names_a_service(words) and not offers_something(words) and not jargon_in(words):
        return None
    # Nor is talk of working something out together read as process, beside other moves ("we'll
    # work it out together. how are you feeling about tonight?"): no process named.
    if m.name == "explain_process" and len(x.moves) > 1 and not names_process(words) and not names_a_service(words):
        return None
    return m


def recovered(arc: dict | None) -> bool:
    return bool(arc and arc.get("recovered"))


# --- 1. started with strengths ---------------------------------------------------------------------

@judge_of("started_with_strengths")
def started_with_strengths(t: Transcript, sc: Scenario | None, cfg: dict, arc: dict | None = None) -> Criterion:
    cid = "started_with_strengths"
    c = cfg[cid]
    strength, deficit, service = set(c["strength_moves"]), set(c["deficit_moves"]), set(c["service_moves"])
    risk_ok = set(c["risk_first_ok"]) if sc is not None and sc.conversation == 2 else set()
    s = c["scores"]
    first_s = first_d = risk_first = None
    for x in t.scored:
        for m in x.moves:
            if m.name in c["skip_moves"]:
                continue
            if m.name in risk_ok and first_s is None and first_d is None:
                risk_first = risk_first or (x, m)
                continue
            if m.name in strength and first_s is None:
                first_s = (x, m)
            elif (m.name in deficit and first_d is None
                  and (m.name not in service or service_move(x, service) is not None)):
                first_d = (x, m)
        if first_s and first_d:
            break
    name = person(sc)
    evidence = [ev_of(risk_first, say("evidence", "risk_first"))] if risk_first else []
    if first_s and (first_d is None or (first_s[0].number, _pos(first_s)) < (first_d[0].number, _pos(first_d))):
        evidence.append(ev_of(first_s, say("evidence", "strengths_first", move_words=move_words(first_s[1].name))))
        if len(t.scored) < cfg["min_turns"]:
            return too_early(cid, len(t.scored), cfg, say("notes", "strengths_first_so_far"))
        return Criterion(cid, "met", s["met"], evidence)
    if first_d is None:
        if len(t.scored) < cfg["min_turns"]:
            return too_early(cid, len(t.scored), cfg, say("notes", "nothing_yet"))
        return Criterion(cid, "not_met", s["not_met"], evidence,
                         say("suggestions", "powerful_example", example=example(sc, cid)), say("notes", "no_strengths"))
    d_turn, d_move = first_d
    suggestion = say("suggestions", "start_with_strengths", quote=d_turn.text, name=name, example=example(sc, cid))
    if first_s is None:
        return Criterion(cid, "not_met", s["not_met"], evidence + [ev(d_turn, say("evidence", "strengths_never"), d_move)],
                         suggestion)
    opened = "services_first" if d_move.name in service else "problems_first"
    evidence += [ev(d_turn, say("evidence", opened), d_move), ev_of(first_s, say("evidence", "strengths_later"))]
    repair = next((x for x in t.scored if d_turn.number < x.number <= first_s[0].number + 1 and is_repair(x.text)), None)
    if repair is not None:
        evidence.append(ev(repair, say("evidence", "repair")))
    if recovered(arc) or repair is not None:
        return Criterion(cid, "partly", s["partly"], evidence, suggestion, say("notes", "recovered_start", name=name))
    if d_move.name in service:
        return Criterion(cid, "not_met", s["not_met"], evidence, suggestion)
    return Criterion(cid, "partly", s["partly"], evidence, suggestion)


def _pos(found: tuple[LearnerTurn, Move]) -> int:
    turn, move = found
    return turn.moves.index(move)


# --- 2. powerful questions ---------------------------------------------------------------------------

@judge_of("powerful_questions")
def powerful_questions(t: Transcript, sc: Scenario | None, cfg: dict, arc: dict | None = None) -> Criterion:
    cid = "powerful_questions"
    c = cfg[cid]
    questions = counted_questions(t)
    exempt = [x for x in t.turns if x.is_question and good_practice(x) is not None]
    if len(t.scored) < cfg["min_turns"] or not questions:
        return too_early(cid, len(t.scored), cfg, "" if questions else say("notes", "no_questions"))
    opens = [x for x in questions if x.form == "open"]
    share = len(opens) / len(questions)
    powerful: dict[str, tuple[LearnerTurn, Move]] = {}
    for x in opens:
        for m in x.moves:
            if m.name in c["powerful_moves"]:
                powerful.setdefault(m.name, (x, m))
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
    evidence = [ev(x, say("evidence", "open_powerful", move_words=move_words(m.name)), m)
                for x, m in list(powerful.values())[:3]]
    weak = [x for x in questions if x.form != "open"]
    if verdict != "met":
        evidence += [ev(x, say("evidence", "weak_question", form=x.form)) for x in weak[:2]]
    note = say("notes", "questions", opens=len(opens), questions=len(questions), share=f"{share:.0%}", powerful=len(powerful))
    if lm:
        note += say("notes", "leading", n=len(lm))
    if exempt:
        note += say("notes", "not_counted", n=len(exempt))
    suggestion = None
    if verdict != "met":
        target = next((x for x in weak if x.form in ("closed", "leading")), weak[0] if weak else None)
        if target is not None:
            suggestion = say("suggestions", "open_question", quote=target.text, name=person(sc),
                             example=open_example(target.move))
        else:
            suggestion = say("suggestions", "powerful_example", example=example(sc, cid))
    return Criterion(cid, verdict, band(verdict, score), evidence, suggestion, note + ".")


# --- 3. desired outcomes -----------------------------------------------------------------------------

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
                if x.number < disclosed_at or x.first(c["confirm_moves"]) is None:
                    continue
                if x.number == disclosed_at and x.first(("confirm_outcome",)) is None:
                    continue  # the turn that drew it out does not also check it back
                about = overlap(x.text, fact.words or "") >= c["min_overlap"] or topic_hits(x.text, fact.topics) > 0
                if about and not service_rx.search(x.text):
                    confirmed_by = x
                    break
        out.append({"id": fact.id, "words": fact.words, "disclosed": disclosed_at is not None,
                    "confirmed": confirmed_by is not None, "disclosed_turn": disclosed_at,
                    "confirmed_turn": confirmed_by.number if confirmed_by else None})
    return out


@judge_of("desired_outcomes")
def desired_outcomes(t: Transcript, sc: Scenario | None, cfg: dict, arc: dict | None = None) -> Criterion:
    cid = "desired_outcomes"
    c = cfg[cid]
    status = outcome_status(t, sc, cfg)
    total = len(status)
    disclosed = [o for o in status if o["disclosed"]]
    confirmed = [o for o in status if o["confirmed"]]
    by_number = {x.number: x for x in t.turns}
    evidence = [ev(by_number[o["disclosed_turn"]], say("evidence", "drew_out", words=o["words"])) for o in disclosed[:3]]
    evidence += [ev(by_number[o["confirmed_turn"]], say("evidence", "checked_back", words=o["words"])) for o in confirmed[:2]]
    name = person(sc)
    if not disclosed:
        if len(t.scored) < cfg["min_turns"]:
            return too_early(cid, len(t.scored), cfg, say("notes", "no_outcomes_yet"))
        return Criterion(cid, "not_met", 0.0, [], say("suggestions", "outcome_example", name=name, example=example(sc, cid)),
                         say("notes", "no_outcomes", total=total))
    share = len(disclosed) / total if total else 0.0
    score = 0.6 * share + 0.4 * (1.0 if confirmed else 0.0)
    if share >= c["met_share_disclosed"] and confirmed:
        verdict, suggestion = "met", None
    else:
        verdict = "partly"
        if not confirmed:
            suggestion = say("suggestions", "check_back", name=name, words=_plain_quote(disclosed[0]["words"]))
        else:
            suggestion = say("suggestions", "outcome_example", name=name, example=example(sc, cid))
    note = say("notes", "outcomes", disclosed=len(disclosed), total=total, confirmed=len(confirmed))
    return Criterion(cid, verdict, band(verdict, score), evidence, suggestion, note)


def _plain_quote(words: str | None) -> str:
    """The person's own outcome words, ready to quote inside a quoted sentence."""
    w = (words or "").strip().rstrip(".").replace('"', "'")
    return w[0].upper() + w[1:] if w else "What you want most"


# --- 4. active listening ----------------------------------------------------------------------------

@judge_of("active_listening")
def active_listening(t: Transcript, sc: Scenario | None, cfg: dict, arc: dict | None = None) -> Criterion:
    cid = "active_listening"
    c = cfg[cid]
    if len(t.scored) < cfg["min_turns"]:
        return too_early(cid, len(t.scored), cfg)
    listening = [(x, x.first(c["reflection_moves"])) for x in t.scored if x.first(c["reflection_moves"])]
    summaries = [(x, m) for x, m in listening if m.name == "summarise" or x.first(("summarise",))]
    against = [x for x in t.scored if service_move(x, c["against_moves"]) is not None]
    questions = counted_questions(t)
    practice = sorted({gp for x in t.scored if (gp := good_practice(x)) in ("repair", "checking back")})
    r = max(0, len(listening) - len(against))
    ratio = r / len(questions) if questions else (float(r) if r else 0.0)
    if ratio >= c["met_ratio"] and len(summaries) >= c["met_min_summaries"]:
        verdict = "met"
    elif ratio >= c["partly_ratio"] or (ratio >= c["met_ratio"] and not summaries):
        verdict = "partly"
    else:
        verdict = "not_met"
    score = 0.8 * min(1.0, ratio / c["met_ratio"]) + 0.2 * (1.0 if summaries else 0.0)
    shown = summaries[:1] + [(x, m) for x, m in listening if m.name != "summarise"][:2]
    evidence = [ev(x, say("evidence", "listening", move_words=move_words(m.name)), m) for x, m in shown]
    evidence += [ev(x, say("evidence", "advice_against"), x.first(c["against_moves"])) for x in against[:1]]
    others = [x for x in t.scored if x.first(("clarify", "affirm")) and not x.first(c["reflection_moves"])]
    note = say("notes", "listening", listening=len(listening), questions=len(questions), ratio=f"{ratio:.2f}")
    if others:
        note += say("notes", "listening_other", others=len(others))
    if practice:
        note += say("notes", "good_practice", what=" and ".join(practice))
    note += say("notes", "advice_against", n=len(against)) if against else "."
    suggestion = None
    if verdict != "met":
        if not summaries and ratio >= c["met_ratio"]:
            suggestion = say("suggestions", "summarise", summary=summary_of(_topics_heard(t, sc)))
        else:
            suggestion = say("suggestions", "listen", example=example(sc, cid))
    return Criterion(cid, verdict, band(verdict, score), evidence, suggestion, note)


def _topics_heard(t: Transcript, sc: Scenario | None) -> list[str]:
    """A few short topic words of what the person has told so far, for an example summary."""
    if sc is None:
        return []
    found = []
    for fid in t.disclosures():
        fact = next((f for f in sc.facts if f.id == fid), None)
        if fact is not None and fact.topics and fact.kind != "outcome":
            found.append(f"the {fact.topics[0]}")
    return list(dict.fromkeys(found))[:3]


# --- 5. network and community -------------------------------------------------------------------------

@judge_of("network_and_community")
def network_and_community(t: Transcript, sc: Scenario | None, cfg: dict, arc: dict | None = None) -> Criterion:
    """Credited only for turns that ask about people or places (a network or community move, or a
    question about those life areas); a word such as "daughter" or "centre" alone is not exploring."""
    cid = "network_and_community"
    c = cfg[cid]
    service = cfg["services_last"]["service_moves"]
    areas: dict[str, tuple[LearnerTurn, Move | None]] = {}
    network = community = None
    for x in t.scored:
        if service_move(x, service) is not None:
            continue  # an offer of a day centre is not asking about the person's community
        net, com = x.first(c["network_moves"]), x.first(c["community_moves"])
        plan = x.first(("plan_next_steps",)) if x.is_question else None
        asks_people = net or (x.is_question and x.life_area == "people" and x.first(_ASKING))
        asks_places = com or (x.is_question and x.life_area == "places_community" and x.first(_ASKING))
        if not (asks_people or asks_places or plan):
            continue
        network = network or ((x, net) if asks_people else None)
        community = community or ((x, com) if asks_places else None)
        words = (net.text if net else "") + " " + (com.text if com else "") if (net or com) and len(x.moves) > 1 else x.text
        for area, wordlist in c["areas"].items():
            if area not in areas and any_topic(words, wordlist):
                areas[area] = (x, net or com)
                if area in c["network_areas"] and not network:
                    network = (x, net)
                if area in c["community_areas"] and not community:
                    community = (x, com)
    evidence = [ev(x, say("evidence", "asked_about", area=area.replace("_", " and ")), m) for area, (x, m) in list(areas.items())[:4]]
    for found, what in ((network, "people around them"), (community, "places and groups")):
        if found and all(e["turn"] != found[0].number for e in evidence):
            evidence.append(ev(found[0], say("evidence", "asked_about", area=what), found[1]))
    explored = [a.replace("_", " and ") for a in areas]
    explored += [w for w, found in (("people", network), ("places and groups", community)) if found and not any(
        a in areas for a in (c["network_areas"] if w == "people" else c["community_areas"]))]
    note = say("notes", "areas", areas=", ".join(explored) or "none")
    if network and community:
        return Criterion(cid, "met", band("met", 0.7 + 0.06 * len(areas)), evidence, None, note)
    if len(t.scored) < cfg["min_turns"] and not (network or community):
        return too_early(cid, len(t.scored), cfg)
    missing = "community" if network else "network"
    hints = (sc.hints.get(cid) if sc else ()) or ()
    places = re.compile(r"\b(where|club|group|place|go|pub|church|chapel|market|quiz|café|cafe)\b", re.I)
    pick = next((h for h in hints if (missing == "community") == bool(places.search(h))), None)
    pick = pick or example(sc, cid, fallback="network_places" if missing == "community" else "network_people")
    suggestion = say("suggestions", "network_or_community", name=person(sc), example=pick,
                     missing="places and groups" if missing == "community" else "people")
    if network or community:
        return Criterion(cid, "partly", 0.5, evidence, suggestion,
                         note + say("notes", "missing_community" if missing == "community" else "missing_network"))
    return Criterion(cid, "not_met", 0.0, evidence, suggestion, note + say("notes", "missing_both"))


_ASKING = ("ask_strengths", "ask_coping", "ask_daily_life", "ask_what_matters", "ask_good_life", "ask_desired_outcome",
           "clarify", "plan_next_steps", "ask_network", "ask_community")


# --- 6. plain language --------------------------------------------------------------------------------

@judge_of("plain_language")
def plain_language(t: Transcript, sc: Scenario | None, cfg: dict, arc: dict | None = None) -> Criterion:
    cid = "plain_language"
    c = cfg[cid]
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
    evidence = [ev(x, say("evidence", "jargon", words=", ".join(f))) for x, f in hits[:3]]
    if not hits:
        if len(t.scored) < cfg["min_turns"]:
            return too_early(cid, len(t.scored), cfg, say("notes", "no_jargon_yet"))
        return Criterion(cid, "met", 1.0, [], None, say("notes", "no_jargon"))
    worst, words = hits[0]
    suggestion = say("suggestions", "plain", quote=worst.text, words=", ".join(words), example=plain_example(words[0]))
    note = say("notes", "jargon", n=n, turns=len(hits), early=say("notes", "jargon_early") if early else "")
    if n <= c["partly_max_hits"] and not early:
        return Criterion(cid, "partly", band("partly", 0.66 - 0.15 * (n - 1)), evidence, suggestion, note)
    return Criterion(cid, "not_met", band("not_met", 0.3 - 0.1 * n), evidence, suggestion, note)


# --- 7. services last ---------------------------------------------------------------------------------

@judge_of("services_last")
def services_last(t: Transcript, sc: Scenario | None, cfg: dict, arc: dict | None = None) -> Criterion:
    cid = "services_last"
    c = cfg[cid]
    offers = [(x, m) for x in t.scored if (m := service_move(x, c["service_moves"])) is not None]
    name = person(sc)
    if sc is not None and sc.conversation == 2:
        rx = re.compile(r"(" + "|".join(re.escape(w) for w in c["long_term_words"]) + r")", re.I)
        plan = next(((x, m) for x, m in offers if rx.search(m.text or x.text)), None)
        if plan:
            return Criterion(cid, "not_met", 0.0, [ev_of(plan, say("evidence", "long_term_in_crisis"))],
                             say("suggestions", "crisis", example=example(sc, cid)), say("notes", "crisis"))
    if not offers:
        if len(t.scored) < cfg["min_turns"]:
            return too_early(cid, len(t.scored), cfg, say("notes", "no_services_yet"))
        return Criterion(cid, "met", 1.0, [], None, say("notes", "no_services"))
    first_service, first_move = offers[0]
    outcome_facts = {f.id for f in sc.facts if f.kind == "outcome"} if sc else set()
    disclosed_outcome = [n for fid, n in t.disclosures().items() if fid in outcome_facts]
    before = [x for x in t.scored if x.number < first_service.number]
    strength_before = any(x.first(c["strength_moves"]) for x in before)
    outcome_before = any(x.first(c["outcome_moves"]) for x in before) or any(n < first_service.number for n in disclosed_outcome)
    evidence = [ev(first_service, say("evidence", "first_service"), first_move)]
    if strength_before and outcome_before:
        return Criterion(cid, "met", 1.0, evidence, None, say("notes", "services_after"))
    suggestion = say("suggestions", "services_later", quote=first_move.text or first_service.text, name=name,
                     example=example(sc, cid))
    if strength_before or outcome_before:
        note = say("notes", "services_before_outcomes" if strength_before else "services_before_strengths")
        return Criterion(cid, "partly", 0.5, evidence, suggestion, note)
    if recovered(arc):
        return Criterion(cid, "partly", 0.4, evidence, suggestion,
                         say("notes", "services_before_both") + say("notes", "services_recovered", name=name))
    return Criterion(cid, "not_met", 0.0, evidence, suggestion, say("notes", "services_before_both"))
