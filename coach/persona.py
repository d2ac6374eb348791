"""The persona engine: how the simulated person answers one learner message.

Everything the person remembers lives in a small JSON-safe state dict that the caller keeps (in
the Rasa tracker), so any server can answer the next turn. The rules (design/scenarios-and-
persona.md, docs/scenario-format.md), in the order they are tried:

1. **Rails.** What the scenario says its person never goes along with (a care home in a crisis,
   a plan made without them) gets its own reaction, whatever the NLU read, and rapport falls.
2. **Reactions** to the learner leaving, talking nonsense, jargon, early services and advice.
3. **Listening** (every move of the turn is a reflection, summary, affirmation, empathy or
   clarification) stays on the current topic: the thread's `more:` lines, then facts that
   follow on from it (`after:`), then, at high rapport and only when the turn names no topic,
   something the person volunteers, else a warm acknowledgement. It never opens a topic the turn
   did not name.
4. **Questions** are answered by relevance: facts whose topic words the learner used, then facts
   in the turn's life area, then (an open question naming no topic) facts whose kind fits the
   move. With nothing relevant to tell, the person answers about that area in character (the
   scenario's `areas:` lines, or a fact's `guarded:` lines when rapport is too low), never with
   an unrelated fact. Told facts are referred back to, never told again as news; a fact told only
   in a word or two is told in full when the learner comes back to it, and asked what gets in
   the way of something told, the person says what worries them rather than echoing it.
   A question is a question whatever move the NLU read (small talk, out of scope, unread).

Every reply says where it came from (`source`: a fact id, `area:money`, `rail:care_home`,
`reaction:leading`, `reply:reflect`), so a trainer and the scenario check can see why.
"""

from __future__ import annotations

import hashlib
import random
import re
from dataclasses import dataclass, field

from coach.areas import AREAS, KIND_FIT, MOVE_AREAS, counted_topics, named_areas
from coach.language import (
    asks_consent,
    checks_back,
    frames_a_want,
    frames_advice,
    is_repair,
    jargon_in,
    names_a_service,
    names_process,
    offers_a_service,
    offers_something,
    overlap,
    topic_hits,
    wanted_services,
    words,
    words_hit,
)
from coach.moves import ALL_MOVES, META, NLU_FALLBACK, SERVICE_MOVES
from coach.scenario import Fact, Scenario

SHORT_FORMS = ("closed", "leading", "multiple")
RECENT = 6
SAID = 12  # how many of the person's last replies are kept (as keys) so as not to repeat them


def _key(line: str) -> str:
    return hashlib.blake2s((line or "").encode("utf-8"), digest_size=4).hexdigest()
LISTENING = ("reflect", "summarise", "affirm", "empathise", "clarify")
OPENING = ("greet", "introduce", "agree_agenda", "small_talk")
# A check-back is never leading because of its tag ("have I got that?", "is that right?").
CHECKING = ("summarise", "confirm_outcome", "reflect")
# Moves that ask the person about their life: naming a fact's topic, any of them can open it.
ASKING = tuple(m for m in ALL_MOVES if m.startswith("ask_")) + ("plan_next_steps",)
# Moves about the visit, not the person's life: a question in them opens nothing by its topic words.
ABOUT_THE_VISIT = ("agree_agenda", "introduce", "explain_process")
AREA_MIN_CONFIDENCE = 0.3   # an NLU life area below this leaves the area to the words and the move

# How much each sign of relevance counts when ranking facts for a question.
W_TOPIC = 3.0      # per topic word of the fact in the turn
W_NLU_AREA = 2.0   # the fact is in the life area the NLU read
W_MOVE_AREA = 2.0  # the fact is in the area the move is about (ask_network: people)
W_WORD_AREA = 1.0  # per word naming the fact's area ("family", "money")
W_KIND = 1.0       # its kind answers the move (an open question naming no topic)
W_THREAD = 0.5     # it is the current topic, or follows on from it


@dataclass
class PersonaTurn:
    """The person's reply to one learner message, and what it changed."""

    reply: str
    state: dict
    disclosed: list[str] = field(default_factory=list)
    kind: str = "reply"  # disclosure | more | recall | guarded | volunteer | area | rail | reaction | reply
    rapport: float = 0.0
    mood: str = ""
    jargon: list[str] = field(default_factory=list)
    source: str = ""     # where the line came from: a fact id, area:..., rail:..., reaction:..., reply:...
    topic: str | None = None  # the fact the person is talking about now (the thread)
    also: str | None = None   # a second fact a word or two was said about (the other of two questions)


@dataclass(frozen=True)
class Reading:
    """A learner turn as the persona reads it."""

    move: str                      # the primary move
    form: str                      # the question form, a check-back's tag not counted as leading
    text: str
    moves: tuple[str, ...]         # every move of the turn, in order, the primary among them
    area: str | None = None        # the NLU's life area, when it gave one with confidence
    asked: str = ""                # the words of the turn's questions, when it also reflects (else the text)

    @property
    def listening(self) -> bool:
        return all(m in LISTENING for m in self.moves)


# Praise phrased with "should" ("and you should be proud of that") affirms; it advises nothing.
_PRAISE_SHOULD = re.compile(r"\b(you|u) (should|ought to) (be|feel) (really |so |very |rightly |dead )?"
                            r"(proud|pleased|chuffed|made up|happy with (that|yourself|it))\b|\band (you|u) should( be)?\s*([.!,;]|$)",
                            re.IGNORECASE)


# The question of a repair that only asks to begin again ("can i start again and just hear about
# you?", "can we start with you?", "is that ok?").
_RESTART = re.compile(
    r"\b(start|begin|go|try) (again|over|afresh|back|that again)\b|\bstart (with|from) you\b|"
    r"\b(hear|talk|know|learn) (a bit |a little |a bit more |more )?about you\b|"
    r"\bis (that|it|this) (ok|okay|alright|all right)\b|\b(can|could) (i|we) (start|begin)\b|"
    r"\bwhat (would|do) (you|u) (like|want) to (talk about|start with|talk about first)\b|\bwhere (would|do) (you|u) (like|want) to start\b",
    re.IGNORECASE)


def _open_questions(text: str) -> tuple[int, int]:
    """How many questions a turn asks, and how many of them are open."""
    from coach.question_form import classify, question_clauses

    clauses = question_clauses(text)
    return len(clauses), sum(classify(c).name == "open" for c in clauses)


def _sentences(text: str) -> list[str]:
    return [p for p in re.split(r"(?<=[.?!])\s+", (text or "").strip()) if p]


def read_turn(move: str, form: str, text: str, parse: dict | None = None,
              moves: list | tuple | None = None, area: str | None = None) -> Reading:
    """The persona's reading of a turn from the NLU parse (or a scripted move, form and words).

    A parse without `moves` (an older model) is read as its one move; one without `life_area`
    leaves the area to the turn's words and moves.
    """
    names: list[str] = []
    raw = moves if moves is not None else (parse or {}).get("moves") or []
    asking_words, listening_words = [], []
    # "you sound proud of that, and you should be": praise, not advice.
    praise = "give_advice" in [m.get("name") if isinstance(m, dict) else m for m in raw] + [move] and bool(
        _PRAISE_SHOULD.search(text or "")) and not names_a_service(text or "")
    pieces: list[tuple[bool, str]] = []
    for m in raw:
        name = m.get("name") if isinstance(m, dict) else m
        if praise and name == "give_advice":
            name = "affirm"
        if isinstance(m, dict) and m.get("text"):
            (listening_words if name in LISTENING else asking_words).append(str(m["text"]))
            pieces.append((name not in LISTENING, str(m["text"])))
        if name in ALL_MOVES and name not in names and name not in META:
            names.append(name)
    # "so his songs can still reach him. who's around for you?": the question leads. What the
    # reflection named is context, not what was asked.
    asked = " ".join(asking_words) if asking_words and listening_words else (text or "")
    if asking_words and listening_words:
        # What the listening moves did not say is asked, whether or not the NLU gave it a move of
        # its own ("... i love that. whats the ferry about danny, why does that matter?": the lead-in
        # it was unsure of was dropped, and "that" lost the ferry: play review M, Danny 5).
        rest = text or ""
        for w in listening_words:
            rest = rest.replace(w, " ", 1)
        if words(rest) and len(words(rest)) > len(words(asked)):
            asked = re.sub(r"\s+", " ", rest).strip(" ,")
    if asking_words and listening_words and any("?" in w for w in asking_words):
        # A question the NLU left inside a listening move ("...good you are at the cafe. would you like
        # a paid job one day, is that one of your big plans?" cut after "one day") is asked too, before
        # the tag that follows it (play review O, Danny 9).
        from coach.question_form import classify

        lead = [sentence for w in listening_words for sentence in _sentences(w)
                if "?" not in sentence and classify(sentence).name in ("open", "closed") and len(words(sentence)) >= 4]
        if lead and len(words(asked)) <= 8:
            asked = " ".join(lead[-1:] + [asked])
    if asking_words and listening_words and not any("?" in w for w in asking_words):
        # Where the asking moves ask nothing ("nobody's talking about that today") and a listening
        # one does ("when you say went in, do you mean hospital?"), that question is asked too.
        asked = " ".join(w for is_asking, w in pieces if is_asking or "?" in w)
    elif asking_words and listening_words and len(pieces) > 1 and pieces[-1][0] and len(words(pieces[-1][1])) <= 4 \
            and re.match(r"\s*(and|or|but|plus)\b", pieces[-1][1], re.IGNORECASE):
        # "maybe start with where you'd like to live one day, and who with?": the last piece goes
        # on with the one before it, which asks too.
        asked = f"{pieces[-2][1]} {pieces[-1][1]}"
    if move not in names and move != NLU_FALLBACK:
        names.append(move)
    if not names:
        names = [move]
    if praise:
        names = list(dict.fromkeys("affirm" if n == "give_advice" else n for n in names))
        if move == "give_advice":
            move = next((n for n in names if n not in LISTENING), "affirm")
    # Advice read beside other moves, in words that give none ("youve noticed so much. what seems
    # to make it better or worse for him?" read as reflect + give_advice got "ask me, don't tell
    # me"): the other moves are the turn.
    if "give_advice" in names and len(names) > 1 and not frames_advice(text) and not names_a_service(text or ""):
        names = [n for n in names if n != "give_advice"]
        if move == "give_advice":
            move = next((n for n in reversed(names) if n not in LISTENING), names[-1])
    # A service offer read in words that neither name a service nor offer anything ("organising
    # like that is a real skill" read as offer_service got "are you about to suggest a home?":
    # play review M) is no offer. ("i can sort some help for you" still is.)
    if "offer_service" in names and not names_a_service(text or "") and not offers_something(text or ""):
        ranked = [r.get("name") for r in (parse or {}).get("intent_ranking") or [] if isinstance(r, dict)]
        runner_up = next((n for n in ranked if n in ALL_MOVES and n not in META and n not in SERVICE_MOVES), NLU_FALLBACK)
        names = [n for n in names if n != "offer_service"] or [runner_up if move == "offer_service" else move]
        if move == "offer_service":
            move = next((n for n in reversed(names) if n not in LISTENING), names[-1])
    # Process talk read beside other moves, in words about no process ("you dont have to know what
    # to tell me, we'll work it out together" got "can that wait? i'll read it all next week":
    # play review M): the other moves are the turn.
    if "explain_process" in names and len(names) > 1 and not names_process(text) and not names_a_service(text or ""):
        names = [n for n in names if n != "explain_process"]
        if move == "explain_process":
            move = next((n for n in reversed(names) if n not in LISTENING), names[-1])
    # "are you ok to tell me about that?", "talk me through a bad night, if thats ok": asking leave
    # to hear more is an invitation to say more (clarify), whatever else the NLU read it as.
    # (It is no agenda question then: the learner asks to hear about something.)
    if "clarify" not in names and _INVITES.search(text or "") and (asks_consent(text or "") or _INVITE_FRAME.search(text or "")):
        names = [n for n in names if n != "agree_agenda"] + ["clarify"]
        if move == "agree_agenda":
            move = "clarify"
    if area is None and isinstance((parse or {}).get("life_area"), dict):
        la = parse["life_area"]
        if la.get("name") in AREAS and float(la.get("confidence") or 0.0) >= AREA_MIN_CONFIDENCE:
            area = la["name"]
    if area not in AREAS or move == NLU_FALLBACK:
        area = None  # (a turn the NLU could not read has no area it can vouch for: "and wilf?")
    if form == "leading" and move in CHECKING:
        form = "closed" if move == "confirm_outcome" else "none"
    if form == "leading" and listening_words and asking_words:
        # "how are you doing in all this? you must be exhausted": the feeling named is empathy,
        # not a leading question; the form is the questions' own.
        from coach.question_form import classify

        form = classify(asked).name
    return Reading(move=move, form=form, text=text or "", moves=tuple(names), area=area, asked=asked)


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
        "topic": None,
        "more": {}, "hard": {},
        "brief": [],
        "told_names": {},
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


def _gain(r, state: dict, delta: float) -> float:
    """What a turn's rapport change comes to. Above the starting value a rise shrinks with the room
    left (scaled by how far rapport is from 1, against how far it was at the start), so a person
    warms steadily rather than being at 1.0 after five good turns, and a setback late on is felt."""
    if delta <= 0:
        return delta
    return delta * min(1.0, (1.0 - state["rapport"]) / max(0.05, 1.0 - r.start))


def respond(scenario: Scenario, state: dict, move: str, form: str, text: str, rng: random.Random,
            parse: dict | None = None, *, moves: list | tuple | None = None, area: str | None = None) -> PersonaTurn:
    """Answer one learner message in character and return the reply with the new state.

    `parse` is the NLU's parse result (its `moves` and `life_area` are used when present);
    `moves` and `area` give the same scripted, for tests and the scenario check.
    """
    reading = read_turn(move, form, text, parse, moves, area)
    state = {**state, "disclosed": dict(state.get("disclosed", {})), "recent": list(state.get("recent", [])),
             "more": dict(state.get("more") or {}), "hard": dict(state.get("hard") or {}), "brief": list(state.get("brief") or []),
             "told_names": dict(state.get("told_names") or {})}
    state.setdefault("topic", None)
    state["turn"] = state.get("turn", 0) + 1
    r = scenario.rapport
    outcome_known = any(scenario.fact(f).kind == "outcome" for f in state["disclosed"] if _has(scenario, f))
    # A service put forward counts whatever the NLU read ("we could look at some respite" read as
    # a question about what they want is still an offer).
    # Advice tucked before a question ("sorry, you should be part of it. who would you want
    # there?") is not advice the person reacts to, unless it names a service: the question leads.
    service_moves = [m for m in reading.moves if m in SERVICE_MOVES
                     and not (m == "give_advice" and reading.move in ASKING and not names_a_service(text))]
    offered = bool(service_moves) or offers_a_service(text)
    early_service = offered and not outcome_known
    # "So what you want is a carer every morning - is that right?", when they never said so: the
    # learner's service put into the person's mouth. Not agreed to, whatever the NLU read it as.
    not_said = _service_never_said(scenario, state, reading)
    early_service = early_service or (not_said and not outcome_known)
    # Office words in an apology for them ("sorry, i jumped straight in with services") are owned,
    # not used on the person.
    # Nor are office words the learner rules out ("i'm here for you today, not to assess your mum"):
    # saying what the visit is not is plain speaking (play review O, Rhi 1).
    jargon = jargon_in(" ".join(c for p in _sentences(text) if not is_repair(p) for c in clauses(p)
                                if not _NOT_ABOUT.search(c)),
                       exempt=set(state.get("persona_words", [])))
    rail = rail_hit(scenario, reading)

    # 1. Rapport first, so a warm reflection can open the door it knocks on. A turn the NLU could
    # not read (nlu_fallback) is not held against the learner: it costs no rapport, whatever its
    # form or words, and leaves a run of closed questions as it was (neither longer nor broken).
    # Words that run into a rail still cost (below): the person heard those.
    delta = 0.0
    if reading.move != NLU_FALLBACK:
        state["closed_run"] = state.get("closed_run", 0) + 1 if reading.form in ("closed", "leading") else 0
        # Questions warm once a turn, however many are stacked: a checklist of three earns what
        # one question does (less the multiple form's cost below), not three times as much. What
        # a question costs (a care-needs checklist) is paid for each one.
        warm = [r.effects.get(m, 0.0) for m in reading.moves if m in ASKING and r.effects.get(m, 0.0) > 0]
        delta = sum(r.effects.get(m, 0.0) for m in reading.moves
                    if m not in ASKING or r.effects.get(m, 0.0) <= 0) + max(warm, default=0.0)
        delta += {"leading": r.leading, "multiple": r.multiple}.get(reading.form, 0.0)
        if state["closed_run"] >= r.closed_run_after:
            delta += r.closed_run_change
        delta += r.jargon_word * len(jargon)
        if early_service:
            delta += r.early_service
    else:
        state["closed_run"] = state.get("closed_run", 0)
    if rail is not None:  # whatever else the turn did, going there costs
        delta = min(delta, 0.0) + rail.rapport
    state["rapport"] = round(min(1.0, max(0.0, state["rapport"] + _gain(r, state, delta))), 4)

    # 2. What to say.
    service = service_moves[0] if service_moves else "offer_service"
    decision = _Decision(scenario, state, reading, rng)
    turn = decision.decide(rail, early_service and service, jargon, not_said)
    turn = decision.also(turn)
    state["recent"] = (state["recent"] + [reading.move])[-RECENT:]
    for fid in turn.disclosed:
        state["disclosed"][fid] = state["turn"]
    state["topic"] = turn.topic
    # What the learner named, when the person's answer left it (an area line, a guarded word):
    # "karen said you were a joiner?" ... "forty six years! what did you love about it?" - "it"
    # is the joinery, though the person never took it up.
    named = [(n, -i, fid) for i, (fid, n) in enumerate(decision.ask_hits.items()) if n]
    state["named_last"] = max(named)[2] if named and turn.topic is None else None
    state["last_reply"] = turn.reply
    state["last"] = f"{turn.kind}:{turn.source}"
    if turn.kind in ("disclosure", "volunteer", "more", "hard") and _has(scenario, turn.source):
        # The names actually said about each fact, so a recall never points at someone never mentioned.
        told = dict(state.get("told_names") or {})
        told[turn.source] = sorted(set(told.get(turn.source, [])) | _names_in(turn.reply))
        if turn.also:
            told[turn.also] = sorted(set(told.get(turn.also, [])) | _names_in(turn.reply))
        state["told_names"] = told
    state["said"] = ([k for k in state.get("said") or [] if k != _key(turn.reply)] + [_key(turn.reply)])[-SAID:]
    # Words the person used themselves are fair for the learner to echo back.
    state["persona_words"] = sorted(set(state.get("persona_words", [])) | set(jargon_in(turn.reply)))
    turn.state = state
    turn.rapport = state["rapport"]
    turn.mood = r.mood(state["rapport"])
    turn.jargon = jargon
    return turn


def _has(scenario: Scenario, fact_id: str) -> bool:
    return any(f.id == fact_id for f in scenario.facts)


def _service_never_said(scenario: Scenario, state: dict, reading: Reading) -> bool:
    """A reflection, summary or check-back that says the person wants a service (a carer, a day
    centre...) that nothing they have said names."""
    if not set(reading.moves) & set(CHECKING):
        return False
    said = " ".join(line.lower() for fid in state["disclosed"] if _has(scenario, fid)
                    for line in scenario.fact(fid).says)
    return any(word not in said for word in wanted_services(reading.text))


# ------------------------------------------------------------------------------------------ rails

_CLAUSE = re.compile(r"[.,;:!?…()]+|\s[-–—]+\s|\bbut\b|\bthough\b", re.IGNORECASE)


def clauses(text: str) -> list[str]:
    """The parts of a turn a rail's `unless` words are looked for in."""
    return [p for p in _CLAUSE.split(text or "") if words(p)]


# A clause that names the rail's subject in order to rule it out ("you don't want him pushed into
# a home", "nobody's talking about a care home") is on the person's side, unless it is a push put
# as a negative question ("wouldn't he be safer in a home?", "have you not thought about a home?").
_NEGATOR = re.compile(r"\b(not|never|nobody|nobodys|no one|noone|no-one|nothing|without|no|"
                      r"[a-z]+n't|dont|wont|isnt|arent|wasnt|didnt|doesnt|wouldnt|shouldnt|cant|aint)\b"
                      # ... or names it as what the person fears being pushed into
                      r"|\b(push|pushed|pushing|rush|rushed|rushing|force|forced|pressure|pressured|railroad|railroaded|"
                      r"bounced|bullied|talked|made)( him| her| you| them)? into\b"
                      r"|\b(pushed|forced|pressured|pressure)( him| her| you| them)? to\b"
                      r"|\b(frightened|scared|afraid|worried|worry|worries|fear|fears|dread|dreading|terrified) (of|about|that)\b"
                      # ... or gives it back as someone else's idea ("rhys has been talking about a home")
                      r"|\b(?!(?:i|we|you)\b)[a-z']+\s+(?:(?:has|have|had|is|was|keeps|kept)\s+)?(?:been\s+)?"
                      r"(?:talking about|talked about|said about|spoken about|on about|going on about|mentioned|mentioning|suggested|suggesting|brought up|"
                      r"bringing up|wants|wanted|saying|pushing for|keen on|thinks|on at you about)\b")
_PUSH = re.compile(r"\b(wouldn't|wouldnt|isn't|isnt|shouldn't|shouldnt|couldn't|couldnt|can't we|cant we)\s+"
                   r"(he|she|it|that|this|they|we|you|a|an|the|be)\b"
                   r"|\b(don't|dont|do) you( not)? think\b|\b(have|had|do|did|would) (you|it|he|she) not\b"
                   r"|\b(haven't|havent|hasn't|hasnt) (you|he|she|anyone) (thought|considered|looked)\b|\bwhy not\b"
                   r"|\b(better|safer|safest|best|easier|kinder|only option|only answer|the answer|the way forward|"
                   r"should|ought)\b|\b(he's|hes|she's|shes|they're|theyre|he is|she is|they are) right\b")


def _rules_out(part: str, rail_words) -> bool:
    """The clause names the rail's subject only to rule it out (a negation before it, no push)."""
    from coach.language import any_topic_span

    text = " ".join(words(part))
    span = any_topic_span(text, rail_words)
    return span is not None and bool(_NEGATOR.search(text[: span[0]])) and not _PUSH.search(text)


_RULED_OUT_AFTER = re.compile(
    r"^(and |but |so )?(((that|it|this)( is|'s|s)? not|(that|it|this) isn'?t|(that|it|this) isnt) "
    r"(what (today|this|we'?re|were|i'?m|im|i am|i'?ve|ive)|for (now|today|tonight|this week)|the plan|happening|on the table|"
    r"why (i'?m|im|i am) here|what i'?m (suggesting|saying|here for))|not (now|today|tonight|this week|yet|for now)"
    r"|(there'?s|theres|there is) no (need|rush|hurry)|no (need|rush|hurry) to|nobody'?s? (has|needs) to decide|nothing'?s? (has|needs) to be decided)\b")
_PUSH_ON = re.compile(r"\b(but|still|though|however|anyway|even so)\b", re.IGNORECASE)


def _ruled_out_dropped(text: str) -> str:
    """The turn without a clause the next one rules out ("i know he's said about a home, that's not
    what today is about. what do you want to happen?" asks nothing about a home), unless it pushes."""
    pieces = re.split(f"({_CLAUSE.pattern})", text or "", flags=re.IGNORECASE)
    content = [i for i, piece in enumerate(pieces) if i % 2 == 0 and words(piece)]
    for here, after in zip(content, content[1:]):
        if _RULED_OUT_AFTER.search(" ".join(words(pieces[after]))) and not _PUSH.search(pieces[here]):
            pieces[here] = " "
    return "".join(pieces)


def rail_hit(scenario: Scenario, reading: Reading):
    """The first rail the turn runs into, or None."""
    from coach.language import any_topic

    # An apology for having gone there ("i'm sorry, i jumped straight to a home, that wasn't fair")
    # takes it back: its words are no push, unless it pushes on ("sorry, but a home is best").
    parts = [part for sentence in _sentences(reading.text)
             if not (is_repair(sentence) and not _PUSH_ON.search(sentence))
             for part in clauses(sentence)]
    for rail in scenario.rails:
        if rail.moves and set(reading.moves) & set(rail.moves) and not any_topic(reading.text, rail.unless):
            return rail
        for i, part in enumerate(parts):
            # (Ruled out by the clause after it, too: "i know he's said about a home, that's not
            # what today is about" - play review J.)
            after = parts[i + 1] if i + 1 < len(parts) else ""
            if (any_topic(part, rail.words) and not (rail.unless and any_topic(part, rail.unless))
                    and not _rules_out(part, rail.words)
                    and not (_RULED_OUT_AFTER.search(" ".join(words(after))) and not _PUSH.search(part))):
                return rail
    return None


# --------------------------------------------------------------------------------------- deciding

# "what gets in the way of thursdays?", "what's stopping you?": what is hard about something told.
_BARRIER = re.compile(r"\b(gets? in the way|getting in the way|got in the way|gone in the way|(what'?s|what is|whats|anything) in the way|stops? (you|your|u)|stopping (you|your|u)|stopped (you|your)|"
                      r"holds? (you|your \w+) back|"
                      r"holding you back|keeps? you from|put(s|ting)? you off|(what'?s|what is|whats) (hard|difficult|"
                      r"tricky)|makes? it (hard|harder|difficult)|why not|needs? to (change|happen)|have to (change|happen)|"
                      r"would it take|stands? in (the|your) way|standing in (the|your) way|"
                      r"(need|needs|have|has) to be (in place|sorted|there|arranged|ready)|in place for (you|that|it)|"
                      r"(to )?make (that|it|this) work|(to )?make (that|it|this) happen|"
                      # ("thinking about living on your own, what would you want a bit of help with?")
                      r"(want|need|like|use) (a bit of |a little |some |any )?(help|support) with|"
                      r"what (help|support) (would|might|do|could) (you|u) (want|need|like))\b")
# Questions about what worries them, and the forms that ask.
WORRY_KINDS = ("worry", "risk")
SEEKING_WORRIES = ("ask_problems", "ask_risk", "empathise", "clarify")
QUESTION_FORMS_ASKING = ("open", "closed", "leading", "multiple")
# Questions that ask what the person wants, or what happens next: never just "more of the same".
SEEKING_OUTCOMES = ("ask_desired_outcome", "ask_good_life", "ask_what_matters", "plan_next_steps", "ask_scaling",
                    "confirm_outcome")
# A question asking what worries them ("is there anything that's worrying you about what happens
# after this week?"), whatever move the NLU read.
_SEEKS_WORRY = re.compile(r"\b(worr(y|ies|ying|ied)|scared|scares|frighten(s|ed|ing)?|afraid|fears?|"
                          r"keeps? (you|u) (up|awake)|on (your|ur) mind|dread(ing)?|nervous)\b")
# The words of a question that asks what the person wants, whatever move the NLU read ("what else
# would be in that week?" read as a next step, "if things were going well in a year's time...").
_SEEKS_OUTCOME = re.compile(
    r"\b(good (day|days|week|weeks|life|year|sunday|weekend|morning|evening)|if you could|if (things|it) (were|was|went)|"
    r"be different|make (a|the) (real |big |biggest )?difference|(this time )?next year|in a years? time|years time|"
    r"hoping for|hope for|wish for|matters (most )?to you|(most )?important (thing )?(to|for) you|"
    r"would (you|u) (want|like|love) to (happen|change|see|do)|what (would|do) (you|u) (want|wish|hope)|"
    r"(what|whats|what'?s) (the )?one thing|(big|your|those|these|the|ur) (plans|dreams|hopes)|dream of|dreaming of)\b")
_ECHO_STOP = {"that", "this", "with", "have", "just", "really", "they", "them", "then", "there", "what", "when",
              "your", "from", "about", "been", "into", "like", "well", "yeah", "know", "think"}


def _named_by_name(fact: Fact, text_words: str) -> bool:
    """The turn uses one of the fact's topic words that is a name (capitalised in its own lines)."""
    lines = " ".join(fact.says)
    return any(re.search(rf"\b{re.escape(t.capitalize())}\b", lines) and re.search(rf"\b{re.escape(t)}('?s)?\b", text_words)
               for t in fact.topics if t.isalpha() and len(t) > 2)


def _pronoun_gender(text_words: str) -> str | None:
    he = len(re.findall(r"\b(he|him|his|hes|he's)\b", text_words))
    she = len(re.findall(r"\b(she|her|hers|shes|she's)\b", text_words))
    return "m" if he and not she else "f" if she and not he else None


def _fact_gender(fact: Fact) -> str | None:
    """A person fact's gender as its own lines speak of them (only for people: network facts)."""
    if fact.kind != "network":
        return None
    return _pronoun_gender(" ".join(words(" ".join(fact.says))))


def _names_in(text: str) -> set[str]:
    """Capitalised words inside sentences (names: "Mr Prosser", "Mags"), lower-cased."""
    return {w.lower() for w in re.findall(r"(?<=[a-z,;:'-] )[A-Z][a-z]+", text or "")}


_NAMES_SEEN: dict[int, tuple] = {}


def _scenario_names(scenario: Scenario) -> set[str]:
    """The names the person uses anywhere in their facts (capitalised inside a sentence), worked
    out once per loaded scenario (every turn asks for them several times)."""
    seen = _NAMES_SEEN.get(id(scenario.facts))
    if seen is None or seen[0] is not scenario.facts:
        names = _names_in(" ".join(line for f in scenario.facts for line in f.says + f.short + f.recall))
        seen = _NAMES_SEEN[id(scenario.facts)] = (scenario.facts, frozenset(names))
    return set(seen[1])


def _echoes(text: str, reply: str) -> bool:
    """The learner's turn repeats two words in a row of the person's last reply, one of them a word
    that carries meaning ("used to be", "see him like", "the music round")."""
    mine = [w.replace("'", "") for w in words(text)]
    theirs = [w.replace("'", "") for w in words(reply)]
    pairs = {(a, b) for a, b in zip(theirs, theirs[1:])}
    return any((a, b) in pairs and any(len(w) >= 4 and w not in _ECHO_STOP for w in (a, b))
               for a, b in zip(mine, mine[1:]))


# "these days", "this week", "back then": no pointing back at what was said.
_IDIOMS = re.compile(r"\b(these days|this (week|year|month|morning|afternoon|evening|time|weekend)|back then|"
                     r"right now|just now|in there|out there|that's all|thats all|"
                     # ("before all this, what did you love doing?" refers to no one the turn named)
                     r"(before|after|in|with|through|during|since) all (this|that|of this|of that)|"
                     r"all this (going on|happening|started|began)|before (this|that) (all )?(started|began|happened))\b")
_ANYTHING_MORE = re.compile(r"\b(missed|left out|forgotten|forgot) (anything|something|owt)\b|\banything (i'?ve|ive|i have|we'?ve|i) "
                            r"(missed|left out|forgotten)\b|\b(anything|owt|something) (else|more)\b|\bwhat else\b")
_TAG = re.compile(r"\b(have|did|might|may) (i|we) (have )?(missed|miss|left out|leave out|forgotten|forget|forgot)( out)? "
                  r"(anything|something|owt|anyone|anybody)\b|\banything (i'?ve|ive|i have|we'?ve|weve|i) (missed|left out|forgotten|forgot)\b",
                  re.IGNORECASE)
_ASKS_NAME = re.compile(r"\b(what'?s|whats|what is|what was) (her|his|its|their|the \w+'?s?|your \w+'?s?) names?\b|"
                        r"\bwhat (is|was|are|were|do you call) (she|he|it|they|him|her|them)( called)?\b(?! (like|doing))|\bwho'?s (this|that)\b")
_ASKS_WHO = re.compile(r"(^|[.?!,;]\s*|\b(and|so|but|then|ok|okay|right)\s+)(who|whos|who's|who're|whom)\b", re.IGNORECASE)
# "who is there to ring, apart from rhys?" asks about anyone but Rhys: what such a phrase sets
# aside names no topic (the word after it, with its "the"/"your").
_SET_ASIDE = re.compile(r"(\b(?:apart from|other than|besides|aside from|except for|except|as well as|not counting|rather than|"
                        r"instead of)|,\s*not)"
                        r"\s+(?:(?:the|your|ur|our|his|her)\s+)?[a-z']+", re.IGNORECASE)
# "what are you like when you're not looking after mum?", "away from the caring": what the
# question sets aside is not what it asks about (play review N, Rhi 2: it got her mum).
_NOT_DOING = re.compile(r"\b(when (?:you'?re|youre|you are|ur|u r) not|outside of|away from|"
                        r"before (?:you (?:were|started)|u were|you'd been|youd been)) (?:[a-z']+ing )?"
                        r"(?:(?:after|with|for|about|at|on|of) )?(?:(?:the|your|ur|our|his|her|all) )?[a-z']+", re.IGNORECASE)
# "what do you like best about it?", "the best bit": no best mate named.
_BEST_OF = re.compile(r"\b((?:like|love|enjoy|liked|loved|enjoyed) (?:it |that |them )?)best\b|\b(the|your) best (bit|thing|part|parts|bits|things)\b",
                      re.IGNORECASE)
# "is there anyone, even on the edges, that your mum gets on with?" asks for someone else: who the
# relative clause names is where the question starts from, not its answer (play review O, Rhi 9).
_RELATIVE = re.compile(r"\b((?:anyone|anybody|someone|somebody|people|others)\b[^?.]{0,40}?\b(?:that|who|whom)\s+)"
                       r"(?:your |ur |his |her |the )?[a-z']+", re.IGNORECASE)
# "how would it feel to ask him just for tonight, so you can get some proper sleep?" asks about
# asking him: what it is for is not what it asks about (play review O, Lorraine 6).
_SO_THAT = re.compile(r",\s*so (?:that )?(?:you|u|she|he|we|they) (?:can|could|would|'d|might|get to|have)\b[^?.!]*", re.IGNORECASE)
# "who helps with your mum when you need a break?" asks for someone else: who they help with is
# where the question starts from (play review P, Rhi 5: it got her mum).
_WHO_HELPS_WITH = re.compile(r"\b(who (?:else )?(?:\w+ ){0,3}?(?:with|for|after|to|about|sits with|cares for|looks after) )"
                             r"(?:your |ur |his |her )[a-z']+", re.IGNORECASE)
# "what sort of things make you happy?" asks nothing about sorting anything out.
_SORT_OF = re.compile(r"\b(sort|sorts|kind|kinds) of\b", re.IGNORECASE)
_HOW_ARE_YOU = re.compile(r"\b(how are (you|u|things|ya)|how'?s things|how (is|are|have|has) things|how (you|u|ya) (doing|keeping|getting on)|"
                          r"how (are|r) (you|u) getting on|how'?s (life|everything)|how (have|ve) (you|u) been|how('?s| is| has) (it|things|everything|life) "
                          r"(going|been)|are (you|u) (ok|okay|alright|all right|doing ok|feeling ok)|how (are|r) (you|u) "
                          r"(doing|feeling|keeping|holding up))\b")
# "what's the ferry about?", "tell me about the choir": the thing a question is about, in so many words.
_ABOUT_WHAT = re.compile(r"\bwhat'?s (?:the |your |ur |that |this )?([a-z']+) (?:all )?about\b|"
                         r"\babout (?:the |your |ur |that |this |those |these )?([a-z']+)")
_FEEL_ABOUT_THAT = re.compile(r"\b(feel|felt|feeling|think|thought) about (that|it|this|them|those)\b")
# (Company, not topic: ", with nell or otherwise?", "for you and nell". "how safe do you feel with
# gwyn at night?" is about Gwyn.)
_WITH = re.compile(r"(?:,\s*(?:either |just )?with|\bfor (?:you|u) and) (?:the |your |ur )?([A-Za-z]+)\b(?!'s|s\b)")
_PET = re.compile(r"\b(dog|dogs|cat|cats|pet|pets|puppy|pup|kitten|budgie|rabbit|hamster|horse|pony)\b")
_CLOSING = re.compile(r"\b(same time next|see (you|u) (next|on|then|soon|again|in a|in two|monday|tuesday|wednesday|thursday|"
                      r"friday|saturday|sunday|tomorrow)|meet again|(come|pop|call) (back|round|in) (next|on|in|again)|"
                      r"next (visit|time i come)|i'?ll (let you get on|leave you (to it|in peace|be)|be off|get going|get off)|"
                      r"that'?s (all|everything) for today|we'?ll (leave it|stop) there|ta-?ra|bye for now)\b")
_INVITES = re.compile(r"\b(tell me|talk (me )?(about|through)|talking (me )?(about|through)|say (a bit |a little )?more|go through|walk me through)\b",
                      re.IGNORECASE)
_INVITE_FRAME = re.compile(r"^\s*(can you |could you |would you |will you )?(tell me|talk me through|walk me through)\b|"
                           r"\b(are|would) (you|u) (be )?(ok|okay|alright|happy|comfortable) (to|with|talking)\b", re.IGNORECASE)
_NOT_ABOUT = re.compile(r"^\s*(and )?(not|no|nothing|nobody'?s|never|it'?s not|its not|this isn'?t|this isnt|it isn'?t|"
                        r"i'?m not|im not|i'?m not here|we'?re not|were not|there'?s no|theres no|there won'?t be|no need)\b", re.IGNORECASE)
_SOMEONE_ELSE = re.compile(r"\b(else|other|others|anyone|anybody|someone|somebody|who|whos|who's)\b")
_REFERS_BACK = re.compile(r"\b(it|that|this|those|these|there|her|him|she|he|them|they|then)\b")
W_ECHO = 0.5       # per topic word the turn's reflection (not its question) named


def _question_part(text: str) -> str:
    """The sentences of a turn that ask (end in '?'), else its last sentence."""
    sentences = [p for p in re.findall(r"[^.!?]+[.!?]*", text or "") if words(p)]
    asking = [p for p in sentences if p.rstrip().endswith("?")]
    return " ".join(asking) if asking else (sentences[-1] if sentences else "")

class _Decision:
    """Works out one reply; every path ends in :meth:`say`."""

    def __init__(self, scenario: Scenario, state: dict, reading: Reading, rng: random.Random):
        self.sc = scenario
        self.state = state
        self.r = reading
        self.rng = rng
        self.told = state["disclosed"]
        self.thread = state.get("topic") if _has(scenario, state.get("topic") or "") else None
        # (A check-back's tag names nothing: "have i missed anything?" is not about missing Jean.)
        text = self._unnamed(reading.text)
        self.hits = {f.id: topic_hits(text, counted_topics(f.topics)) for f in scenario.facts}
        asked = reading.asked or reading.text
        if asked != reading.text and "?" in asked:
            # (Small talk read as asking, before the question: "ha, id want you on my quiz team.
            # would you tell me a bit about her?" asks about her.)
            asked = " ".join(p for p in _sentences(asked) if "?" in p) or asked
        # What the turn's questions name (the whole turn when it asks nothing or only asks).
        self.ask_hits = (self.hits if asked == reading.text else
                         {f.id: topic_hits(self._unnamed(asked), counted_topics(f.topics)) for f in scenario.facts})
        # What the question sets aside ("apart from rhys", "who helps with your mum", "anyone that your
        # mum gets on with") is where it starts from, not what it asks for: it counts against.
        self.aside = {f.id for f in scenario.facts
                      if topic_hits(asked, counted_topics(f.topics)) > self.ask_hits[f.id]} if "?" in asked else set()
        self.word_areas = named_areas(" ".join(words(self._unnamed(asked))))
        self.named = any(self.ask_hits.values()) or bool(self.word_areas)
        # "do you miss it?", "what did she say?": a question naming nothing, about what was just said.
        self.refers_back = not self.named and bool(
            _REFERS_BACK.search(_IDIOMS.sub(" ", " ".join(words(_question_part(asked))))))
        # "the gp said you were training to be a teacher. how do you feel about that now?": a
        # feeling word names an area, but "that" is what the sentence before the question named.
        if (not self.refers_back and not any(self.ask_hits.values()) and set(self.word_areas) <= {"feelings_wellbeing"}
                and _FEEL_ABOUT_THAT.search(" ".join(words(_question_part(asked))))):
            before = [p for p in _sentences(reading.text) if "?" not in p]
            near = {f.id: topic_hits(self._unnamed(before[-1]), counted_topics(f.topics)) for f in scenario.facts} if before else {}
            if any(near.values()):
                self.hits = self.ask_hits = near
        if self.refers_back and self.thread is None and _has(scenario, state.get("named_last") or ""):
            self.hits = {**self.hits, state["named_last"]: 1}
            self.ask_hits = {**self.ask_hits, state["named_last"]: 1}
            self.named = True
        # "who would you want helping you plan for the flat?" asks for people, whatever else it names.
        self.asks_who = bool(_ASKS_WHO.search(_question_part(asked)))
        # An open question that asks what they want can open an outcome whatever move the NLU read.
        self.seeks_outcome = (reading.form in ("open", "multiple")
                              and bool(_SEEKS_OUTCOME.search(" ".join(words(_question_part(asked))))))
        # Two open questions in one breath ("i wonder what you think, danny. when you picture a good
        # life, what does it look like?") ask openly: what waits on an open question can come out.
        # A double question with an open one in it: the person can answer the open one ("would it
        # be keeping the plot, and what would help you get back up there?").
        asked_n, open_n = _open_questions(reading.text) if reading.form == "multiple" else (0, 0)
        self.all_open = asked_n > 1 and open_n == asked_n
        self.some_open = asked_n > 1 and open_n > 0
        # A question asking what worries them can open a worry whatever move the NLU read.
        self.seeks_worry = ("?" in asked or reading.form in QUESTION_FORMS_ASKING) and bool(
            _SEEKS_WORRY.search(" ".join(words(_question_part(asked)))))

    def _unnamed(self, text: str) -> str:
        """The words that name what a turn is about: without a check-back's tag, a "sort of", what
        a question sets aside ("apart from rhys"), or who comes along ("do you get out much, with
        nell?" asks about getting out; Nell is company)."""
        memo = self.__dict__.setdefault("_unnamed_memo", {})
        if text not in memo:
            memo[text] = self._unnamed_words(text)
        return memo[text]

    def _unnamed_words(self, text: str) -> str:
        text = _SO_THAT.sub(" ", _WHO_HELPS_WITH.sub(r"\1", _RELATIVE.sub(r"\1", _BEST_OF.sub(" ", text))))
        text = _SORT_OF.sub(" of", _NOT_DOING.sub(r"\1", _SET_ASIDE.sub(r"\1", _TAG.sub(" ", text))))
        names = _scenario_names(self.sc)

        def company(sentence: str) -> str:  # (in a question: "the phone doesn't work with wilf" is about Wilf)
            if "?" not in sentence:
                return sentence
            left = _WITH.sub(lambda m: m.group(0)[: m.start(1) - m.start(0)] if m.group(1).lower() in names
                             else m.group(0), sentence)
            return left if len(words(left)) > 3 else sentence  # ("and with nell?" is about Nell)

        return " ".join(company(p) for p in _sentences(_ruled_out_dropped(text)))

    # -- saying ---------------------------------------------------------------------------

    def say(self, lines, kind: str, source: str, disclosed=None, topic: str | None | bool = False) -> PersonaTurn:
        # Not the same line again while another will do: the last few replies are kept (as short
        # keys), and a line said least recently is preferred when all have been said.
        said = self.state.get("said") or []
        last = self.state.get("last_reply", "")
        fresh = [line for line in lines if line != last and _key(line) not in said]
        choices = fresh or ([min((line for line in lines if line != last),
                                 key=lambda ln: said.index(_key(ln)) if _key(ln) in said else -1)]
                            if len(lines) > 1 else list(lines))
        return PersonaTurn(reply=self.rng.choice(choices), state=self.state, kind=kind, source=source,
                           disclosed=list(disclosed or []),
                           topic=self.thread if topic is False else topic)

    def disclose(self, fact: Fact, kind: str = "disclosure") -> PersonaTurn:
        brief = self.r.form in SHORT_FORMS and not self.all_open and bool(fact.short)
        if brief:  # "There's Wilf. Oldest mate I've got.": the whole story is still to come
            self.state["brief"] = sorted(set(self.state.get("brief") or []) | {fact.id})
        lines = fact.short if brief else fact.says
        if _ASKS_NAME.search(" ".join(words(_question_part(self.r.text)))):
            # "what a lovely dog, whats her name?": a line that says it.
            known = _scenario_names(self.sc)
            names = [t.capitalize() for t in fact.topics if t in known]
            naming = [ln for ln in lines if any(re.search(rf"\b{n}\b", ln) for n in names)]
            lines = naming or [ln for ln in fact.says + fact.short
                               if any(re.search(rf"\b{n}\b", ln) for n in names)] or lines
        return self.say(lines, kind, fact.id, [fact.id], fact.id)

    def whole_story(self, fact: Fact) -> PersonaTurn | None:
        """A fact told only in a word or two (to a closed question) is told in full when the learner
        comes back to it with an open question or listening, never referred back to ("I told you
        about Ffion...") as if the learner had heard it."""
        brief = self.state.get("brief") or []
        if fact.id not in brief or self.r.form in ("closed", "leading"):
            return None
        self.state["brief"] = [x for x in brief if x != fact.id]
        return self.say(fact.says, "more", fact.id, topic=fact.id)

    def recall(self, fact: Fact) -> PersonaTurn:
        whole = self.whole_story(fact)
        if whole is not None:
            return whole
        if fact.id in (self.state.get("brief") or []):
            # Said only in a word or two: a recall line would point at details never told. Asked
            # about it again once every short answer has been given, they tell it properly (play
            # review I: "Rhys. He came straight over on Monday." to the fifth question about Rhys).
            said = self.state.get("said") or []
            # (Not the same short line twice: with every short line said, the whole of it comes.
            # Play review M, Lorraine 5: "would you be ok to ask him for tonight?" got her short
            # line about Rhys a second time, word for word.)
            if any(_key(line) not in said for line in fact.short):
                return self.say(fact.short, "recall", fact.id, topic=fact.id)
            self.state["brief"] = [x for x in self.state["brief"] if x != fact.id]
            return self.say(fact.says, "more", fact.id, topic=fact.id)
        if self.state.get("last") == f"recall:{fact.id}":
            # Not "like I said" twice running: asked again, they say it again in other words (a
            # line of it not said lately: "who are your people?" after "four people, not a big
            # room" names them), else what they would say about that part of life.
            said = self.state.get("said") or []
            again = [line for line in fact.says if _key(line) not in said]
            if again:
                return self.say(again, "more", fact.id, topic=fact.id)
            turn = self.area_line([a for a in self.word_areas if a in AREAS] + list(fact.life_areas))
            if turn is not None:
                return turn
        told = (self.state.get("told_names") or {}).get(fact.id)
        grounded = [line for line in fact.recall if told is None or _names_in(line) <= set(told)]
        return self.say(grounded or fact.short or fact.says, "recall", fact.id, topic=fact.id)

    def more(self, fact: Fact) -> PersonaTurn | None:
        return self._next_line(fact, "more")

    def _next_line(self, fact: Fact, field_name: str) -> PersonaTurn | None:
        """The fact's next unsaid line of `more:` or `hard:` (each said once, in order)."""
        lines = getattr(fact, field_name)
        used = int(self.state[field_name].get(fact.id, 0))
        if used >= len(lines):
            return None
        self.state[field_name][fact.id] = used + 1
        return PersonaTurn(reply=lines[used], state=self.state, kind=field_name, source=fact.id, topic=fact.id)

    def guarded(self, fact: Fact) -> PersonaTurn | None:
        """Asked about a fact before rapport allows: its own guarded lines, else what the person
        says about that area of life, else the scenario's guarded reaction."""
        if fact.guarded:
            return self.say(fact.guarded, "guarded", fact.id, topic=None)
        turn = self.area_line([a for a in self.turn_areas() if a in fact.life_areas] + list(fact.life_areas))
        if turn is not None:
            return turn
        if self.sc.reactions.get("guarded"):
            return self.say(self.sc.reactions["guarded"], "guarded", "reaction:guarded", topic=None)
        return None

    def area_line(self, areas) -> PersonaTurn | None:
        for area in areas:
            if self.sc.areas.get(area):
                return self.say(self.sc.areas[area], "area", f"area:{area}", topic=None)
        return None

    def reaction(self, name: str, topic: str | None | bool = False) -> PersonaTurn:
        return self.say(self.sc.reactions[name], "reaction", f"reaction:{name}", topic=topic)

    def reply(self, move: str | None = None) -> PersonaTurn:
        move = move or self.r.move
        if move in ("greet", "introduce") and self.state["turn"] <= 2 and _HOW_ARE_YOU.search(" ".join(words(self.r.text))):
            # "hello lorraine, thank you for seeing me. how are you doing today?": hello, and an
            # answer (play review L: the greeting swallowed the question, at the start of two visits).
            hello = self.reply_lines(move)
            how = self.area_line(["feelings_wellbeing"] + self.turn_areas())  # (how they are)
            if hello and how is not None:
                line = self.rng.choice(hello)
                how.reply = how.reply if how.reply.startswith(line) else f"{line} {how.reply}"
                return how
        if move in ("greet", "introduce") and self.state["turn"] > 2:
            # "how are you doing, really, after monday night?" well into the visit is no hello: it
            # asks how they are (and a hello line mid-visit would be odd whatever was said).
            if self.asks():
                turn = self.area_line(self.turn_areas() + ["feelings_wellbeing"])
                if turn is not None:
                    return turn
            move = "default"
        replies = self.sc.replies
        for key, variant in ((move, self.r.form), (move, "any"), ("default", self.r.form), ("default", "any")):
            lines = replies.get(key, {}).get(variant)
            if lines:
                return self.say(lines, "reply", f"reply:{key}")
        return self.say(replies["default"]["any"], "reply", "reply:default")

    def reply_lines(self, move: str) -> list[str]:
        """The scenario's reply lines for a move, in this turn's form (else any form)."""
        lines = self.sc.replies.get(move, {})
        return list(lines.get(self.r.form) or lines.get("any") or [])

    # -- conditions -----------------------------------------------------------------------

    def repair(self) -> bool:
        """The learner owns a misstep and asks for nothing but to begin again (or asks nothing):
        what a person answers is the apology, not a question or a check-back. A repair that goes
        on to a real question ("sorry, i rushed that. what do you enjoy doing?") gets the question
        answered."""
        if not is_repair(self.r.text):
            return False
        pieces = _sentences(self.r.text)
        questions = [p for p in pieces if "?" in p or re.match(r"\s*(what|who|how|where|when|why|which|tell me)\b", p, re.I)]
        # (What the apology names, "i've been firing questions about your mum", is not asked.)
        return all(_RESTART.search(q) for q in questions)

    def closing(self) -> bool:
        """Well into the visit, the turn arranges the next one or takes leave, and asks nothing else."""
        if self.state["turn"] < 4 or not _CLOSING.search(" ".join(words(self.r.text))):
            return False
        questions = [p for p in _sentences(self.r.text) if "?" in p]
        return all(_CLOSING.search(" ".join(words(q))) for q in questions)

    def consent_only(self) -> bool:
        """Early in the visit, the turn's one question asks if it is all right to go on ("is now ok?",
        "is that ok with you?") and nothing else."""
        questions = [p for p in _sentences(self.r.text) if "?" in p]
        return (self.state["turn"] <= 3 and len(questions) == 1 and asks_consent(questions[0])
                and len(words(questions[0])) <= 12 and self.r.move not in ("goodbye", "out_of_scope"))

    def asks(self) -> bool:
        """The turn puts a question to the person, whatever move the NLU read ("do you miss it?"
        read as a reflection is still a question, and gets an answer, not something volunteered)."""
        return self.r.form in ("open", "closed", "leading", "multiple") or "?" in self.r.text

    def moved(self, fact: Fact) -> bool:
        """A move of the turn can open this fact: one of its unlock moves, or any question that names
        it (an outcome still needs one of its own moves: what someone wants needs the right question)."""
        # In a turn that asks, the question leads: a reflection before it warms the person up
        # (rapport) but does not open a fact on its own.
        moves = [m for m in self.r.moves if m not in LISTENING] or list(self.r.moves)
        if any(m in fact.unlock.moves for m in moves):
            return True
        if fact.kind == "outcome" and self.seeks_outcome and any(m in fact.unlock.moves for m in SEEKING_OUTCOMES):
            return True
        if fact.kind in WORRY_KINDS and self.seeks_worry and any(m in fact.unlock.moves for m in SEEKING_WORRIES):
            return True
        # A question is a question whatever move the NLU read: "that table's beautiful, is it
        # old?" read as small talk still asks about the table.
        # (Not a question about the visit itself: "is it ok if we chat about planning for the
        # future?" agrees an agenda, it does not ask about their worries for the future.)
        # (A worry is not asked about by naming who it concerns: "do you get out much, with nell?"
        # asks nothing about who would have Nell; a word of its own must be asked.)
        if fact.kind in WORRY_KINDS and not self.own_words_asked(fact):
            return False
        return fact.kind != "outcome" and self.ask_hits[fact.id] > 0 and (
            any(m in ASKING for m in self.r.moves)
            or (self.asks() and not any(m in ABOUT_THE_VISIT for m in self.r.moves)))

    def own_words_asked(self, fact: Fact) -> bool:
        """The turn's questions name the fact by a topic word that is not a topic of the person or
        pet it concerns (a network fact's words: "nell", "dog")."""
        people = {t for f in self.sc.facts if f.kind == "network" and f.id != fact.id for t in f.topics}
        own = [t for t in counted_topics(fact.topics) if t not in people]
        # (A question referring back, "how's it doing now?", asks about what the turn named.)
        asked = self.r.text if self.refers_back else (self.r.asked or self.r.text)
        return bool(own) and topic_hits(self._unnamed(asked), own) > 0

    def unlockable(self, fact: Fact) -> bool:
        u = fact.unlock
        # What a fact waits on orders discovery; a learner who names it ("and alun, is he
        # someone you could call?") is answered about it. What someone wants still waits.
        # (Only where it waits on being introduced: a person met through another person.)
        # (Or where the question asks for it in so many words: "who would you want round the
        # table when we plan?" is answered with the people, though their fact waits on him saying
        # he wants to run his own plan.)
        named = (fact.kind != "outcome" and self.ask_hits[fact.id] > 0
                 and (self.ask_hits[fact.id] >= 2 or (fact.kind == "network" and self.asks_who)
                      or all(self.sc.fact(d).kind in ("network", "community") for d in u.after if _has(self.sc, d))))
        return (fact.id not in self.told
                and self.moved(fact)
                and (self.r.form in u.forms or (self.r.form == "multiple" and "open" in u.forms and self.some_open))
                and self.state["rapport"] >= u.min_rapport
                and (named or all(dep in self.told for dep in u.after))
                and (self.hits[fact.id] > 0 or not u.needs_topic))

    def too_early(self, fact: Fact) -> bool:
        """Untold only because rapport is not there yet (what it waits on has been told)."""
        return (fact.id not in self.told and self.state["rapport"] < fact.unlock.min_rapport
                and all(dep in self.told for dep in fact.unlock.after))

    def first_open(self, facts: list[Fact]) -> PersonaTurn | None:
        """The first of these facts that can come out now, else what the first waiting one rests on."""
        for f in facts:
            if self.unlockable(f):
                return self.disclose(f)
        dep = self.lead_in(list(facts))
        return self.disclose(dep) if dep is not None else None

    def lead_in(self, candidates: list[Fact]) -> Fact | None:
        """A good question whose answer waits on something untold brings that something out first.

        Asked what a good week would be before he has mentioned the allotment, the person talks
        about growing veg: the fact the hidden outcome rests on, if rapport allows it.
        """
        # (As in moved(): in a turn that asks, the question leads, not the reflection before it.)
        moves = [m for m in self.r.moves if m not in LISTENING] or list(self.r.moves)
        for fact in candidates:
            u = fact.unlock
            if (fact.id in self.told or not any(m in u.moves for m in moves) or self.r.form not in u.forms
                    or self.state["rapport"] < u.min_rapport or (u.needs_topic and not self.hits[fact.id])):
                continue
            for dep_id in u.after:
                if dep_id in self.told or not _has(self.sc, dep_id):
                    continue
                dep = self.sc.fact(dep_id)
                d = dep.unlock
                if (self.state["rapport"] >= d.min_rapport and all(x in self.told for x in d.after)
                        and (not d.needs_topic or self.hits[dep.id])):
                    return dep
        return None

    def follows_on(self, fact: Fact, anchor: str | None) -> bool:
        return bool(anchor) and anchor in fact.unlock.after

    def related(self, fact: Fact, anchor: str | None) -> bool:
        """Linked to the thread: the thread itself, one waits on the other, or they share an area."""
        if not anchor:
            return True
        other = self.sc.fact(anchor)
        return (fact.id == anchor or anchor in fact.unlock.after or fact.id in other.unlock.after
                or bool(set(fact.life_areas) & set(other.life_areas)))

    # -- the decision ---------------------------------------------------------------------

    def decide(self, rail, early_service: str | bool, jargon: list[str], not_said: bool = False) -> PersonaTurn:
        """`early_service`: the service move put forward before any outcome was heard (or False)."""
        r = self.r
        if rail is not None:
            return self.say(rail.says, "rail", f"rail:{rail.id}", topic=None)
        if r.move == "goodbye":
            return self.reaction("goodbye")
        if self.repair():
            # "sorry eric, i've gone straight into my list. can i start again and just hear about
            # you?" (play review F: answered as a check-back, "That's your idea, not mine"), whatever
            # the NLU read.
            if self.sc.reactions.get("apology"):
                return self.reaction("apology")
            return self.reply("agree_agenda")
        if self.closing():
            # "thanks danny. same time next thursday?", "shall we meet again in a couple of weeks":
            # a goodbye, whatever the NLU read (relevance set B: an area line, his band).
            return self.reaction("goodbye")
        if self.consent_only():
            # "today is about you and what you want. is that ok?" at the start: a yes to the visit,
            # whatever the NLU read (relevance set A: three openings got a line about their people).
            return self.reply("agree_agenda")
        # A question about the person's own life is in scope and was heard, whatever the NLU made
        # of it ("how many people follow your photos" read as out of scope): it is answered.
        about_them = self.asks() and any(self.hits.values())
        if r.move == "out_of_scope" and not about_them:
            return self.reaction("out_of_scope")
        if r.move == NLU_FALLBACK and not about_them:
            return self.say(self.sc.replies[NLU_FALLBACK]["any"], "reaction", f"reply:{NLU_FALLBACK}")
        if not_said and self.sc.reactions.get("not_said") and not is_repair(r.text):
            return self.reaction("not_said")
        if early_service:
            service = early_service if isinstance(early_service, str) else "offer_service"
            if service == "explain_process" and self.sc.replies.get("explain_process"):
                return self.reply("explain_process")  # forms before the person: it costs, but it is no offer
            return self.reaction("advice" if service == "give_advice" else "early_service")
        if jargon:
            return self.reaction("jargon")
        if r.move == "confirm_outcome" and not (is_repair(r.text) and self.asks()):
            return self.check_back()
        if "summarise" in r.moves and _ANYTHING_MORE.search(" ".join(words(r.text))):
            # "so ... and ... have i missed anything that's important to you?": a summary, its tag
            # asking for more. Yes, and one thing more if there is one (not whoever it named).
            told = [f for f in self.sc.facts if f.id in self.told and self.hits[f.id]]
            if len(told) >= 2:
                return self.summary(told, more=True)
        if r.listening:
            return self.listen()
        return self.answer()

    def also(self, turn: PersonaTurn) -> PersonaTurn:
        """Two questions in one breath ("is that the café you work at? and who do you work with
        there?"): after answering one, a word or two about the other when it names something else
        the person can talk about (what they have told, or can tell now), as a person would."""
        if (self.r.form != "multiple" or turn.kind not in ("disclosure", "recall", "more", "hard")
                or not _has(self.sc, turn.source)):
            return turn
        from coach.question_form import classify, question_clauses

        answered = self.sc.fact(turn.source)
        clauses = question_clauses(self.r.asked or self.r.text)
        if not any(topic_hits(c, counted_topics(answered.topics)) for c in clauses):
            # Answered by what the question asks for, not by a word of it: that is the last
            # question, the one that leads ("...and who do you see when you're not at the café?").
            clauses = clauses[:-1]
        for clause in clauses:
            if topic_hits(clause, counted_topics(answered.topics)):
                continue  # the question already answered
            if classify(clause).name == "none":
                # Not a second question: the first one put another way ("what has helped on the
                # bad nights, anything that calms gwyn?" asks what helps, not about Gwyn).
                continue
            hits = {f.id: topic_hits(clause, counted_topics(f.topics)) for f in self.sc.facts
                    if f.id != answered.id and f.kind != "outcome"}
            best = max(hits, key=lambda fid: hits[fid], default=None)
            if (best is None or hits[best] == 0) and _ASKS_WHO.search(clause) and answered.kind == "network":
                # "is she next door? who else is around you?": one more of their people, in a word
                # (play review M, Eric 6: Shabnam alone).
                score = self.scores(self.sc.facts)
                # ("who" asks for people: not the dog.)
                others = sorted((f for f in self.sc.facts if f.kind == "network" and f.id != answered.id
                                 and f.id not in self.told and f.short and self.unlockable(f)
                                 and not _PET.search(" ".join(f.topics))),
                                key=lambda f: (-score[f.id], self.sc.facts.index(f)))
                best = others[0].id if others else None
                if best is not None:
                    hits[best] = 1
            if best is None or hits[best] == 0:
                continue
            fact = self.sc.fact(best)
            if fact.id in self.told:
                # Told already: a word back to it, never its introduction again (play review H,
                # Danny: "I volunteer at a café" three turns into talking about the café). Not
                # when it was told in a word (a recall would point at what was never said), nor
                # for a name alone ("...with gwyn at night?": play review K, "Gwyn, and the
                # number 78. I told you.").
                names = _scenario_names(self.sc)
                if (fact.id in (self.state.get("brief") or [])
                        or not topic_hits(clause, [t for t in counted_topics(fact.topics) if t not in names])):
                    continue
                lines = fact.recall
                if not lines:
                    continue
            elif self.unlockable(fact) and fact.short:
                lines = fact.short
                self.state["brief"] = sorted(set(self.state.get("brief") or []) | {fact.id})
                turn.disclosed = list(turn.disclosed) + [fact.id]
            else:
                continue
            line = self.rng.choice(list(lines))
            if line in turn.reply:
                continue
            turn.reply = f"{turn.reply} {line}"
            turn.also = fact.id
            return turn
        return turn

    def check_back(self) -> PersonaTurn:
        """The learner checks back an outcome: agree only to what was actually said."""
        def weight(f: Fact) -> float:
            return self.hits[f.id] + (3 * overlap(self.r.text, f.words) if f.words else 0) + (f.kind == "outcome")

        named = sorted((f for f in self.sc.facts if self.hits[f.id] or (f.words and overlap(self.r.text, f.words) >= 0.3)),
                       key=lambda f: -weight(f))
        told = [f for f in named if f.id in self.told]
        told_outcomes = [f for f in told if f.kind == "outcome"]
        if told_outcomes:  # what they said they want, checked back: agreed
            return self.say(self.sc.replies.get("confirm_outcome", {}).get("any")
                            or self.sc.replies["default"]["any"], "reply", "reply:confirm_outcome",
                            topic=told_outcomes[0].id)
        turn = self.first_open(named)
        if turn is not None:
            return turn
        guessed = [f for f in named if f.words and overlap(self.r.text, f.words) >= 0.3]
        if guessed and self.too_early(guessed[0]):  # the right outcome, checked back before it was said
            turn = self.guarded(guessed[0])
            if turn is not None:
                return turn
        if len(told) >= 2:  # several things said, checked back together: a summary
            return self.reply("summarise")
        if told:  # it names something said, but not as something wanted: refer back, agree to nothing
            return self.recall(told[0])
        if not frames_a_want(self.r.text) and any(self.hits[f.id] for f in named if f.kind != "outcome"):
            # "the gp said you'd hurt your back, is that right?": a question about something they
            # have not told yet, not a check-back of their words; answered as one.
            return self.answer()
        if self.sc.reactions.get("not_said"):
            return self.reaction("not_said")
        return self.reply("default")

    def listen(self) -> PersonaTurn:
        """Reflections, summaries, affirmations, empathy, clarifying: deepen the thread."""
        facts = self.sc.facts
        # What the question names comes first ("karen sounds lovely. i was wondering about wilf
        # though, what happened there?" is about Wilf), then what the turn names most.
        question = _question_part(self.r.text) if self.asks() else ""
        q_hits = {f.id: topic_hits(question, counted_topics(f.topics)) if question else 0 for f in facts}
        hit = sorted((f for f in facts if self.hits[f.id]),
                     key=lambda f: (-q_hits[f.id], -self.hits[f.id], f.id != self.thread, facts.index(f)))
        if hit:
            # One word in passing in a turn about what they are telling ("two hundred people
            # watching, wow. how did that feel?", on his drumming, is not about the ferry he
            # watches): not a topic of its own, unless the question or a name picks it. ("karen
            # said you'd had a fall. what happened?" names the thread to bring news: it is news.)
            text_words = " ".join(words(self.r.text))
            on_thread = (self.thread in self.told and not self.hits.get(self.thread)
                         and bool(_REFERS_BACK.search(_IDIOMS.sub(" ", " ".join(words(question or self.r.text))))))
            if on_thread:
                hit = [f for f in hit if f.id in self.told or words_hit(self.r.text, counted_topics(f.topics)) > 1
                       or q_hits[f.id] or _named_by_name(f, text_words)]
        if hit:
            told_hit = [f for f in hit if f.id in self.told]
            anchor = told_hit[0] if told_hit else None
            if len(told_hit) >= 2 and self.r.move in ("reflect", "empathise", "summarise"):
                return self.summary(told_hit)
            # (A check-back's tag asks for no news: "so four people max, at the cafe on a monday. have
            # i got that right?" got his mam: play review N, Danny 8.)
            tag_only = bool(question) and all(_TAG.search(q) or checks_back(q)
                                               for q in _sentences(question) if "?" in q)
            if self.asks() and not tag_only:  # "karen said you'd had a fall. can you tell me what happened?": the news asked for
                # ... but not news named less than what was told ("you remember every order
                # without writing it down?" is about the orders, not a worry that lists "without").
                floor = self.hits[anchor.id] if anchor is not None else 0
                q_floor = q_hits[anchor.id] if anchor is not None else 0
                for f in hit:
                    # (... unless the question itself names it more: "it was her that heard you in the
                    # yard - what happened that day?" after praise of the neighbour asks about the
                    # fall: play review P, Eric 4.)
                    if (f.id not in self.told and f.kind != "outcome" and (self.hits[f.id] >= floor or q_hits[f.id] > q_floor)
                            and q_hits[f.id] >= q_floor and self.unlockable(f)):
                        return self.disclose(f)
            if anchor is not None:
                return self.deepen(anchor, named=True)
            if self.r.move == "summarise":  # a summary of what was never said: no news from it
                return self.reply()
            for f in hit:  # the learner named something the person has not told yet
                if self.unlockable(f):
                    return self.disclose(f)
            if self.too_early(hit[0]):
                turn = self.guarded(hit[0])
                if turn is not None:
                    return turn
            if self.thread in self.told:  # nothing to say about what it named: stay on the thread
                return self.deepen(self.sc.fact(self.thread), named=True)
            return self.reply()
        if self.thread is not None:
            if self.thread in self.told:
                return self.deepen(self.sc.fact(self.thread), named=False)
            thread = self.sc.fact(self.thread)
            if self.unlockable(thread):
                return self.disclose(thread)
            return self.reply()
        turn = self.on_area_said()
        if turn is not None:
            return turn
        volunteered = self.volunteer(None)
        return volunteered or self.reply()

    def on_area_said(self) -> PersonaTurn | None:
        """Asked about what they just said of a part of their life ("the future's exciting, and a bit
        scary" - "whats the exciting bit?"): something of that part of life they can tell now, or
        what it rests on. (An area line leaves no thread of its own.)"""
        last = self.state.get("last") or ""
        if not (self.asks() and last.startswith("area:area:")):
            return None
        area = last.rsplit(":", 1)[1]
        facts = [f for f in self.sc.facts if area in f.life_areas or (area == "future_hopes" and f.kind == "outcome")]
        return self.first_open(facts)

    def summary(self, told: list[Fact], more: bool = False) -> PersonaTurn:
        """Several told things pulled together: what they want may follow, else a warm yes.
        `more`: the learner asked what they had missed; something else they want, if they can say it."""
        for anchor in told:
            news = [f for f in self.sc.facts if f.kind == "outcome" and self.follows_on(f, anchor.id)
                    and self.unlockable(f)]
            if news:
                return self.disclose(news[0])
        if more:
            news = [f for f in self.sc.facts if f.kind == "outcome" and self.unlockable(f)]
            if news:
                return self.disclose(news[0])
        return self.reply("summarise")

    def deepen(self, anchor: Fact, named: bool) -> PersonaTurn:
        """Stay on a told fact: what follows on from it, more about it, or a warm acknowledgement."""
        facts = self.sc.facts
        follow = [f for f in facts if self.follows_on(f, anchor.id) and self.unlockable(f)]
        follow.sort(key=lambda f: (-self.hits[f.id], f.kind != "outcome", facts.index(f)))
        if follow and self.hits[follow[0].id] and self.r.move != "summarise" and self.hits[follow[0].id] >= self.hits[anchor.id]:
            # What follows on from it, named more than it is ("you did so well to get to the bathroom
            # and lock it", after Monday night told in a word, is about keeping herself safe).
            return self.disclose(follow[0])
        whole = self.whole_story(anchor)
        if whole is not None:
            return whole
        if self.r.move == "summarise":
            return self.summary([anchor])
        if follow and self.hits[follow[0].id]:
            return self.disclose(follow[0])
        turn = self.more(anchor)
        if turn is not None:
            return turn
        if follow:
            return self.disclose(follow[0])
        if not named:
            volunteered = self.volunteer(anchor.id)
            if volunteered is not None:
                return volunteered
        turn = self.reply()
        turn.topic = anchor.id
        return turn

    def whats_hard(self, fact: Fact) -> PersonaTurn | None:
        """Asked what gets in the way of something told: a worry they can tell now (one linked to it
        first), else more about it; never the same thing said back."""
        def can_tell(f: Fact) -> bool:
            u = f.unlock
            return (f.id not in self.told and self.state["rapport"] >= u.min_rapport
                    and all(d in self.told for d in u.after) and self.r.form in u.forms)

        # Only a worry linked to it: an unrelated one ("what gets in the way of seeing wilf?" ->
        # the empty fridge) is a non-sequitur.
        worries = [f for f in self.sc.facts if f.kind in ("worry", "risk") and can_tell(f) and self.related(f, fact.id)]
        worries.sort(key=lambda f: (-self.hits[f.id], self.sc.facts.index(f)))
        # A worry the question names comes first; then what the file says is hard about it
        # (`hard:`); then any linked worry; then more about it.
        if worries and self.hits[worries[0].id]:
            return self.disclose(worries[0])
        return (self.hard(fact) or (self.disclose(worries[0]) if worries else None)
                or self.whole_story(fact) or self.more(fact))

    def hard(self, fact: Fact) -> PersonaTurn | None:
        """What gets in the way of something told, in the file's `hard:` lines, each said once."""
        return self._next_line(fact, "hard")

    def volunteer(self, anchor: str | None) -> PersonaTurn | None:
        """At high rapport, after a listening turn naming no topic: something the person offers."""
        if self.state["rapport"] < self.sc.rapport.volunteer_at or self.asks():
            return None
        for fact in self.sc.facts:
            if (fact.volunteer and fact.id not in self.told and all(d in self.told for d in fact.unlock.after)
                    and self.related(fact, anchor)):
                return self.disclose(fact, "volunteer")
        return None

    def scores(self, facts) -> dict[str, float]:
        r = self.r
        move_areas = {a for m in r.moves for a in MOVE_AREAS.get(m, ())}
        kinds = ({k for m in r.moves for k in KIND_FIT.get(m, ())} | ({"outcome"} if self.seeks_outcome else set())
                 | (set(WORRY_KINDS) if self.seeks_worry else set()))
        thread = self.sc.fact(self.thread) if self.thread else None
        echo_weight = -W_TOPIC if _SOMEONE_ELSE.search(" ".join(words(r.asked or ""))) else W_ECHO
        asks_who = self.asks_who
        out = {}
        for f in facts:
            areas = set(f.life_areas) | ({"future_hopes"} if f.kind == "outcome" else set())
            # What the reflection named counts for a little, and against, when the question asks for
            # someone or something else ("sounds like bev rates you. who else is important to you?").
            s = W_TOPIC * self.ask_hits[f.id] + echo_weight * (self.hits[f.id] - self.ask_hits[f.id])
            if r.area and r.area in areas:
                s += W_NLU_AREA
            if move_areas & areas:
                s += W_MOVE_AREA
            s += W_WORD_AREA * sum(n for a, n in self.word_areas.items() if a in areas)
            if f.kind in kinds and not self.named:
                s += W_KIND
            if thread is not None and (f.id == thread.id or thread.id in f.unlock.after):
                s += W_THREAD
            if f.id in self.aside:
                s -= W_TOPIC
            if asks_who and f.kind == "network" and not (_PET.search(" ".join(f.topics)) and not self.ask_hits[f.id]):
                s += W_KIND  # ("who else is around you?" asks for people, not the dog, unless it names her)
            out[f.id] = s
        return out

    def turn_areas(self) -> list[str]:
        """The areas the turn is about, likeliest first: the words', the questions' moves', the
        NLU's (a question's move says more about its area than the NLU's area reading does)."""
        found = ["future_hopes"] if self.seeks_outcome else []
        found += [a for a, _ in sorted(self.word_areas.items(), key=lambda kv: -kv[1])]
        found += [a for m in self.r.moves if m not in LISTENING for a in MOVE_AREAS.get(m, ())]
        if self.r.area:
            found.append(self.r.area)
        return list(dict.fromkeys(found))

    def answer(self) -> PersonaTurn:
        """A question, or an opening move: answer what was asked."""
        r, facts = self.r, self.sc.facts
        asking = [m for m in r.moves if m not in OPENING]
        areas = self.turn_areas()
        score = self.scores(facts)
        asked_words = " ".join(words(r.asked or r.text))
        barrier = bool(_BARRIER.search(asked_words))

        def ranked(group):
            return sorted(group, key=lambda f: (-score[f.id], facts.index(f)))

        # "yes karen got in touch, but im here to hear from you. how are things with you?" early in
        # the visit asks how they are, whoever the words before the question named (play review M,
        # Eric turn 1: it got Karen).
        question = _question_part(r.text)
        if (self.state["turn"] <= 2 and "?" in question and _HOW_ARE_YOU.search(" ".join(words(question)))
                and not named_areas(" ".join(words(self._unnamed(question))))  # ("how are you managing money-wise?")
                and not any(topic_hits(self._unnamed(question), counted_topics(f.topics)) for f in facts)):
            # (A hello as well is answered with one: reply() says hello and how they are.)
            turn = self.reply() if r.move in ("greet", "introduce") else self.area_line(["feelings_wellbeing"])
            if turn is not None:
                return turn

        # The learner picks up the person's own words ("used to be? how come you stopped going?",
        # "you don't see him like you did. how come?"): the question is about what they just said,
        # unless it plainly asks about someone or something else, or for what they want.
        if (self.thread in self.told and _echoes(r.text, self.state.get("last_reply", ""))
                and not _SOMEONE_ELSE.search(asked_words)
                and not any(m in SEEKING_OUTCOMES for m in asking) and not self.seeks_outcome
                and not any(n >= 2 for fid, n in self.ask_hits.items() if fid != self.thread)
                # (nor when the question names something else and not it: "mair next door with a
                # key, that's good. and what about gwyn's family, any brothers or sisters?")
                and not (not topic_hits(_question_part(asked_words), counted_topics(self.sc.fact(self.thread).topics))
                         and any(topic_hits(_question_part(r.asked or r.text), counted_topics(f.topics))
                                 for f in facts if f.id != self.thread))
                and not any(_named_by_name(f, " ".join(words(r.text))) for f in facts if f.id != self.thread)):
            anchor = self.sc.fact(self.thread)
            if barrier:
                turn = self.whats_hard(anchor)
                if turn is not None:
                    return turn
            # More about it if there is more to tell; otherwise the usual answer (a recall).
            follow = [f for f in facts if self.follows_on(f, anchor.id) and self.unlockable(f)]
            turn = self.whole_story(anchor) or self.more(anchor) or (self.disclose(follow[0]) if follow else None)
            if turn is not None:
                return turn
        # "what would need to change for that to start happening?", naming nothing else: what is
        # hard about what they are talking about.
        if (barrier and self.thread in self.told
                and not any(n for fid, n in self.ask_hits.items() if fid != self.thread)):
            turn = self.whats_hard(self.sc.fact(self.thread))
            if turn is not None:
                return turn
        hits = self.ask_hits
        # (Not in a question for what they want: "what would that look like?" after "if things went
        # well in a year's time" is about the year, not whoever the reflection named.)
        refers_back = (self.refers_back and not self.seeks_outcome
                       and not any(m in SEEKING_OUTCOMES for m in asking))
        referred = refers_back and any(self.hits.values())
        if referred:
            # "when did you last see him?" after naming Jean and Wilf: "him" is Wilf.
            gender = _pronoun_gender(" ".join(words(_question_part(r.asked or r.text))))
            if gender:
                fitting = {fid for fid, n in self.hits.items() if n and _fact_gender(self.sc.fact(fid)) == gender}
                if len(fitting) > 1:
                    # "she sounds like good company. you mentioned jean - would you tell me a bit about
                    # her?": "her" is whoever was named last before the question (play review O, Eric 7).
                    q = _question_part(r.asked or r.text)
                    at = r.text.rfind(q.strip()[:20]) if q.strip() else -1
                    before = clauses(r.text[:at]) if at > 0 else []
                    for clause in reversed(before):
                        near = {fid for fid in fitting if topic_hits(self._unnamed(clause), counted_topics(self.sc.fact(fid).topics))}
                        if near:
                            fitting = near
                            break
                if fitting:
                    self.hits = {fid: (n if fid in fitting else 0) for fid, n in self.hits.items()}
            # "you swam for the county. do you miss it?": "it" is what the reflection named, so the
            # question names it too (and it can open it: "jean's in a lot of your stories. how has
            # this year been without her?").
            hits = self.ask_hits = self.hits
        elif refers_back and asking and self.thread in self.told:
            return self.deepen(self.sc.fact(self.thread), named=True)  # "do you miss it?": the thread
        move_areas = {a for m in r.moves for a in MOVE_AREAS.get(m, ())}

        def incidental(f: Fact) -> bool:
            """One topic word in a question plainly about another area ("what would help you feel
            steadier going out at night?" is about safety, not his evenings in front of the telly).
            Not when it follows on from the thread: "who brings things to you to fix?", after his
            joinery, is about his mending, though it asks who. (What they want never comes out of
            a word in passing: "how have you kept in touch with wilf when it wasn't the quiz?")"""
            fa = set(f.life_areas)
            # (A phrase the scenario gives as a topic is asked in so many words, not in passing:
            # "what has helped before on the bad nights?" asks about what helps, whatever area
            # the rest of the turn is in.)
            phrase = topic_hits(_TAG.sub(" ", r.asked or r.text), [t for t in counted_topics(f.topics) if " " in t])
            # (Nor what the question says it is about: "whats the ferry about danny, why does that
            # matter?" asks about the ferry, whatever area it was read in: play review M, Danny 5.)
            about = " ".join(w for m in _ABOUT_WHAT.finditer(" ".join(words(_question_part(r.asked or r.text)))) for w in m.groups() if w)
            phrase = phrase or (about and topic_hits(about, counted_topics(f.topics)))
            return (not referred and not phrase and f.id != self.thread and not (f.kind != "outcome" and self.follows_on(f, self.thread)) and hits[f.id] == 1 and r.area is not None and r.area not in fa and not (move_areas & fa)
                    and (f.kind != "outcome" or r.area != "future_hopes"))

        named = ranked(f for f in facts if hits[f.id] and not incidental(f))
        in_area = ranked(f for f in facts if f not in named
                         and (set(f.life_areas) | ({"future_hopes"} if f.kind == "outcome" else set())) & set(areas))
        kinds = ([k for m in r.moves for k in KIND_FIT.get(m, ())] + (["outcome"] if self.seeks_outcome else [])
                 + (list(WORRY_KINDS) if self.seeks_worry else []))
        fits = ranked(f for f in facts if f.kind in kinds and not hits[f.id]) \
            if not self.named and r.form in ("open", "multiple") else []

        if not asking:  # greetings, introductions, small talk: only what they name and can open
            for f in named:
                if self.unlockable(f):
                    return self.disclose(f)
            if named and named[0].id in self.told and self.asks():  # asked about it again
                return self.recall(named[0])
            return self.reply()

        guard = None
        # Tier 1: what the learner named (a fact named far less than the best one does not count).
        if named:
            named = [f for f in named if score[f.id] >= score[named[0].id] - W_TOPIC]
            # Something told that the turn names more (or that is the thread) is what it is about:
            # "a medal in a drawer. what's the story behind that medal?" is about the swimming, not
            # the drawing a word like "drawer" happens to name.
            told_best = next((f for f in named if f.id in self.told), None)
            for f in named:
                if self.unlockable(f) and (told_best is None or score[f.id] >= score[told_best.id]):
                    return self.disclose(f)
            dep = self.lead_in(named)
            if dep is not None:
                return self.disclose(dep)
            best = named[0]
            if best.id not in self.told and told_best is not None:
                best = told_best  # what they have told and the turn names, before what cannot come out yet
            if best.id in self.told:
                if barrier:
                    turn = self.whats_hard(best)
                    if turn is not None:
                        return turn
                if (best.id == self.thread or _INVITES.search(r.asked or r.text)) and r.form in ("open", "multiple"):
                    # An open follow-up on what they are talking about: more about it, if there is more.
                    turn = self.whole_story(best) or self.more(best)
                    if turn is not None:
                        return turn
                return self.recall(best)
            if r.form == "leading":
                return self.reaction("leading")
            if self.too_early(best):  # asked about it too early: a polite "not yet", about that
                turn = self.guarded(best)
                if turn is not None:
                    return turn
                guard = best
            else:
                if best.kind == "outcome" and self.thread in self.told and self.hits.get(self.thread):
                    # ... and the turn is about what they are telling: more of that ("in the water
                    # nobody can ring you. do you still get in the water?", on her swimming, is not a
                    # cue for her organising: play review O, Rhi 4).
                    return self.deepen(self.sc.fact(self.thread), named=True)
                if best.kind == "outcome":
                    # What they want, named by a word of it ("what does a day look like, you and
                    # nell?") but not asked for: what else the turn is about can be told.
                    for f in in_area:
                        if self.unlockable(f):
                            return self.disclose(f)
                if self.seeks_outcome and best.kind != "outcome":
                    # "what are your big plans?" naming his planning meeting by "plans", which cannot
                    # come out yet: what they want, or what it rests on, before a word about the area
                    # (play review O, Danny 4-5: "I've got plans. Big ones", then never what they were).
                    turn = self.first_open([f for f in ranked(facts) if f.kind == "outcome"])
                    if turn is not None:
                        return turn
                turn = self.area_line([a for a in areas if a in best.life_areas] + list(best.life_areas))
                if turn is not None:
                    return turn
                told = [f for f in named if f.id in self.told]
                if told:
                    return self.recall(told[0])
        # A question that refers back to the person the reflection named ("so the phone's no good
        # with wilf. how have you kept in touch when it wasn't the quiz?") is about them: it stays
        # on them rather than opening someone new from the same area ("who else?" still does).
        if _REFERS_BACK.search(asked_words) and not _SOMEONE_ELSE.search(asked_words):
            echoed = [f for f in facts if f.id in self.told and self.hits[f.id] > self.ask_hits[f.id]
                      and set(f.life_areas) & set(areas)]
            if echoed:
                echoed.sort(key=lambda f: (f.id != self.thread, -self.hits[f.id], facts.index(f)))
                return self.deepen(echoed[0], named=True)
        # Tier 2: the area the turn is about.
        turn = self.first_open(in_area)
        if turn is not None:
            return turn
        # Tier 3: an open question naming no topic, answered by a fact of the kind it asks for.
        turn = self.first_open(fits)
        if turn is not None:
            return turn
        if r.form == "leading":
            return self.reaction("leading")
        if self.state["closed_run"] >= self.sc.rapport.closed_run_after:
            return self.reaction("closed_run")
        if guard is not None:
            turn = self.guarded(guard)
            if turn is not None:
                return turn
        if in_area or (areas and not fits):
            best = in_area[0] if in_area else None
            if best is not None and self.too_early(best) and best.guarded:
                return self.guarded(best)
            turn = self.area_line(areas)
            if turn is not None:
                return turn
        return self.reply()
