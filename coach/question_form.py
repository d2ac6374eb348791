"""Question form of a learner's message: open, closed, leading, multiple or none.

A transparent rule-based classifier built from the grammar of English questions (how a question
starts, tag questions, stacked questions), so trainers can see why a turn was labelled the way it
was. It is independent of the move classifier: "Do you have family nearby?" is closed whatever the
move. The Rasa pipeline component in ``components/`` wraps :func:`classify`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

OPEN_STARTS = (
    "what", "whats", "what's", "wat", "wot", "how", "hows", "how's", "why", "who", "whos", "who's",
    "where", "wheres", "where's", "when", "which", "whose", "in what", "tell me", "tell us",
    "how've", "howve", "what've", "whatve", "who've", "where've", "why've", "how'd", "what'd", "where'd",
    "describe", "talk me through", "walk me through", "say a bit more", "say more", "talk to me",
    "explain", "i wonder what", "i wonder how", "im wondering", "i'm wondering", "i wonder",
    "im curious", "i'm curious", "help me understand", "paint me a picture", "imagine",
    "picture", "suppose", "if you could", "if you had", "give me an example", "go on",
)
# Polite openers that turn an open invitation into a yes/no form on the surface only:
# "can you tell me about ..." invites a full answer, so it stays open.
SOFT_OPEN = re.compile(
    r"^((can|could|would|will) (you|u)|(would|do) you (want|like|mind|be willing|be able) (to )?|"
    r"are you (able|willing) to|i'?d (like|love) to (hear|know|understand)|i want to (hear|know|understand)|"
    r"let'?s talk about|(could|can|may) (i|we) (ask|hear))"
    r"\s*(tell|talk|describe|say|share|walk|explain|give me an example|paint|help me understand|hear|know|"
    r"understand|more|about|a bit|what|how|why)\b"
)
# "how many / how much / how old ..." ask for one fact ("how come ...?" asks for reasons: open).
# So do "what time / which GP / when did you last ..." (design/practitioner-moves.md: single-fact
# and either/or questions are closed).
FACT_HOW = re.compile(r"^how (many|much|old|long|often|far|big|soon)\b")
FACT_WH = re.compile(
    r"^(what (time|year|age|day|date|size|number|colour|color|school|class|floor|bus|stop)\b|which\b|"
    r"when (did|was|were|is|'?s)\b.*\b(last|first)\b|where (did|were) (you|u) (grow up|born|brought up)|"
    r"who('?s| is) (your|the) (gp|doctor|next of kin|landlord|social worker))"
)
# An indirect yes/no question: "i wonder if you've spoken to the pharmacist", "i'm curious whether ..."
WONDERING = r"(i (just )?wonder(ed)?|i'?m (just )?wondering|i was (just )?wondering|i'?m (just )?curious|just wondering)"
INDIRECT_YES_NO = re.compile(r"^" + WONDERING + r",? (if|whether)\b")
# "i'm just wondering what ...", "i guess i'm wondering how ...": an indirect open question.
INDIRECT_OPEN = re.compile(r"^(i guess |so |and )?(" + WONDERING + r"|i'?m (really )?interested in|i'?d (be|love to be) "
                           r"interested (in|to hear))( about)? (what|how|why|who|where|which|about)\b")
EXCLAMATION = re.compile(r"^(what an? |how (lovely|nice|good|wonderful|brilliant|sad|awful|great|kind))")
CLOSED_STARTS = (
    "do", "does", "did", "dont", "don't", "doesnt", "doesn't", "didnt", "didn't", "is", "isnt",
    "isn't", "are", "arent", "aren't", "was", "wasnt", "wasn't", "were", "werent", "weren't",
    "have", "havent", "haven't", "has", "hasnt", "hasn't", "had", "can", "cant", "can't",
    "could", "couldnt", "couldn't", "would", "wouldnt", "wouldn't", "will", "wont", "won't",
    "shall", "should", "shouldnt", "shouldn't", "may", "might", "must", "am", "any", "anything",
    "anyone", "ever", "r", "u", "d'you", "dyou", "ya", "you", "your", "youre", "you're", "so",
    "and", "or", "right", "ok", "okay", "yes", "no", "fancy", "happy", "ready", "alright",
)
TAG = re.compile(
    r"(,|\s)\s*(isn'?t|aren'?t|wasn'?t|weren'?t|don'?t|doesn'?t|didn'?t|won'?t|wouldn'?t|can'?t|"
    r"couldn'?t|shouldn'?t|haven'?t|hasn'?t|hadn'?t|mustn'?t|innit|eh|right|yeah|surely|no)"
    r"(\s+(it|you|u|they|he|she|we|i|that|there|ya))?\s*\?*\s*$"
)
LEADING_MARKERS = re.compile(
    r"\b(don'?t you think|wouldn'?t you (say|agree|rather|prefer|like)|wouldn'?t it be|"
    r"isn'?t it (about time|time|better|best|obvious|clear|worth)|"
    r"obviously .*\b(do|don'?t|does|doesn'?t|is|isn'?t|are|aren'?t) (you|it|they|he|she)\?*\s*$|"
    r"surely|i bet you|i expect you|i'?m sure you|you must (be|feel|"
    r"get|miss|want)|you'?d agree|you'?d be better|it'?d be (better|best|safer|wise)|"
    r"don'?t you (want|feel|agree|miss)|won'?t you|shouldn'?t you|you'?ll want to|"
    r"you probably)"
)
# "you'd like someone popping in, wouldn't you?" puts the answer in their mouth; "what's one thing
# you'd love to be different?" asks for it (a question word opens the sentence).
YOUD_SUGGESTS = re.compile(r"(?<!what )(?<!how )(?<!where )(?<!who )you'?d (like|love|want|feel) .*\?\s*$")
WH_OPENS = re.compile(r"^(so |and |ok |okay |right )?(what|whats|what'?s|how|where|who|which|when|why)\b")
# A positive tag after a negative statement ("that's not really a healthy amount, is it?") and a
# "yeah?" after a plan made for the person ("you'll take them every day, yeah?") suggest the answer.
POSITIVE_TAG = re.compile(r"(,|\s)\s*(is|are|was|were|do|does|did|will|would|can|could|have|has|should)\s+"
                          r"(it|you|u|they|he|she|we|that|there)\s*\?*\s*$")
NEGATIVE = re.compile(r"\b(not|never|no|nothing|n't|nt)\b|n'?t\b")
DIRECTIVE_HEAD = re.compile(r"^(you'?ll|you will|you should|you need to|you'?re going to|you have to|you must)\b")
# A hedge after a question is part of it, not a second question: "what could we try first, do you reckon?"
HEDGE_TAIL = re.compile(r"^(do |d'?)?(you|u|ya) (reckon|think)$|^would you say$|^do you think so$")
# An invitation to imagine before the question it sets up: "picture a saturday ... what's happening?"
IMAGINE = re.compile(r"^(imagine|picture|suppose|say|let'?s say|pretend)\b")
FILLERS = {
    "so", "ok", "okay", "right", "and", "well", "um", "umm", "erm", "er", "mm", "hmm", "alright",
    "yeah", "yes", "now", "then", "oh", "ah", "great", "lovely", "thanks", "fine", "sure", "but",
    "also", "just", "anyway", "cool", "gotcha", "good", "ahh", "ooh", "mhm", "wow", "aww",
}
# A clause opening with "when you ...", "if you could ...", "where you ..." (a subordinate clause,
# no auxiliary after the question word) leads in to the question that follows it.
LEAD_IN = re.compile(
    r"^(when|whenever|where|if|while|as|once|since|because|cos|after|before|now that|whereas)\s+"
    r"(i|you|u|we|he|she|they|it|there|your|my|his|her|their|the|this|that|people|mum|dad|someone)\b"
)
# Asking leave to ask, or inviting, before the question itself: "can I ask, what do you enjoy?"
PERMISSION = re.compile(
    r"^((can|could|may|might) i (just )?(ask|check)( you)?( something| a question)?|do you mind (me asking|if i ask)|"
    r"if you don'?t mind (me )?(asking|my asking)|(so )?tell me|go on|let me ask( you)?|i (was )?wonder(ed|ing)|"
    r"just wondering|out of interest|i'?m curious|be honest|honestly|(just )?(quickly|briefly))$"
)
# A topic named before the question about it: "what about your sister, do you see her?"
TOPIC_LEAD = re.compile(r"^(what|how) about [a-z' ]{1,30}$")
# Reflective openings: with a question mark but no question word they are still statements.
REFLECTIVE = re.compile(
    r"^(so |and so |sounds like|it sounds|that sounds|seems like|it seems|you sound|you seem|you feel|"
    r"you're feeling|youre feeling|you've been feeling|i guess|i imagine|i'm hearing|im hearing|"
    r"that must|it must|must be|i get the sense|it feels like|feels like)"
)
# Without a question mark, a closed question needs its auxiliary and subject ("do you drive").
UNMARKED_CLOSED = re.compile(
    r"^((do|does|did|are|is|was|were|have|has|had|can|could|would|will|should|shall|may|might|any|r|u)(n'?t)? "
    r"(you|u|ya|he|she|they|we|it|there|anyone|anybody|someone|somebody|anything|your|i|that|this|the|his|her|their|"
    r"our|my|mum|dad|a|an)\b|(does|did)(n'?t)? [a-z']+ [a-z']+)"
)
# A question word with its verb before the subject ("when did you last see the gp", "what time do
# you get up"): a question, with or without its "?".
INVERTED_WH = re.compile(
    r"^(what|which|when|where|who|whose|how|why)\b[a-z' ]{0,30}?\b(do|does|did|is|are|was|were|have|has|had|"
    r"can|could|would|will|should|shall|might)(n'?t)? (you|u|ya|he|she|they|we|i|it|that|this|the|your|his|her|"
    r"their|there|my|our|[a-z]+'s)\b"
)
# Spoken lead-ins before the question itself: "on a scale of one to ten, how ...", "you know, ...".
SPOKEN_LEAD = re.compile(r"^(on a scale (of|from) \w+ (to|and) \w+( where \w+ is [a-z ]+?)?,? |you know,? |i mean,? )")
# Statements that open with a question word: "what i'm hearing is ...", "how hard that must have been".
WH_STATEMENT = re.compile(
    r"^(what|how) (i'?m|i am|you'?re|you are|we'?re|i'?ve|you'?ve) (hearing|saying|describing|telling|been saying|"
    r"noticed|noticing)\b|^how (\w+ )?(that|it) (must|would) (have|be|feel)\b|^what (i|you) (said|mean|meant) (is|was)\b"
)
# "how many people follow your photos": a single-fact question typed without its "?" (but "how
# much it meant to you" is an exclamation).
UNMARKED_FACT = re.compile(FACT_HOW.pattern + r"(?! (it|you|u|he|she|they|we|i|that|this|that'?s|it'?s)\b)")
# Without a "?", a question inside a clause needs its inverted verb: "and how did that feel".
UNMARKED_INNER = re.compile(
    r"(?:^|\b(?:but|and|so|um|erm|or)\s+)((?:what|how|who|where|when|why|which)\b[a-z' ]{0,30}?\b(?:do|does|did|is|are|was|"
    r"were|have|has|can|could|would|will|'s|s)(?:n'?t)? (?:you|u|he|she|they|we|it|that|this|the|your|been|going)\b.*"
    r"|" + WONDERING + r"( about)? (what|how|why)\b.*)$"
)
INNER_QUESTION = re.compile(
    r"\b(?:but|and|so)\s+((?:what|how|who|where|when|why|which|tell me|can you tell|could you tell)\b.*)$"
)
# A 0-10 question that asks only for a number is closed; "what would move you from a 3 to a 4?"
# asks for an account and stays open (design/practitioner-moves.md, labelling conventions).
SCALE = re.compile(r"\b(scale|out of (ten|10)|(0|1|one|zero|nought) (to|-|and) (10|ten)|(0|1)-10)\b")
SCALE_ACCOUNT = re.compile(
    r"\b(what would (it take|need to|have to|move|get|help|make|be different|change|look like|a \d+|an? \w+)|"
    r"what (makes|made|puts|put|keeps|stops) (it|you)|why (a|an|not|is it|that|there)|"
    r"what('?s| is| was) (stopping|keeping|making|got|behind|different)|how (would|could|might) you (get|move|go|tell)|"
    r"what (gets|got|helped|helps|would help)|what needs to|what would you (need|notice|be doing|see)|"
    r"what (does|would|did) (a|an|that) \w+ look like|tell me (about|more|what))"
)
SENTENCE = re.compile(r"[^.?!\n]+[.?!]*")
CLAUSE_SPLIT = re.compile(r"\s*(?:,|;|:|\s-+\s|\s–\s|\.\.\.)\s*")
WORD = re.compile(r"[a-z']+")


@dataclass(frozen=True)
class QuestionForm:
    """A question form with the classifier's confidence and a short reason."""

    name: str
    confidence: float
    reason: str

    def as_dict(self) -> dict:
        return {"name": self.name, "confidence": round(self.confidence, 3)}


def _normalise(text: str) -> str:
    text = text.lower().replace("’", "'").replace("‘", "'")
    return re.sub(r"\s+", " ", text).strip()


def _strip_fillers(clause: str) -> str:
    words = clause.split()
    while len(words) > 1 and WORD.fullmatch(words[0].strip(",")) and words[0].strip(",") in FILLERS:
        words = words[1:]
    return " ".join(words).strip(" ,")


def _starts(clause: str, starts: tuple[str, ...]) -> bool:
    return any(clause == s or clause.startswith(s + " ") or clause.startswith(s + "?") for s in starts)


def _clause_kind(clause: str) -> str | None:
    """Return 'open', 'closed' or None (not a question start) for one clause."""
    clause = _strip_fillers(clause)
    lead = SPOKEN_LEAD.match(clause)
    if lead:
        clause = _strip_fillers(clause[lead.end():])
    if not clause or EXCLAMATION.match(clause) or WH_STATEMENT.match(clause):
        return None
    if FACT_HOW.match(clause) or FACT_WH.match(clause) or INDIRECT_YES_NO.match(clause):
        return "closed"
    if INDIRECT_OPEN.match(clause):
        return "open"
    if SOFT_OPEN.match(clause):
        return "open"
    if _starts(clause, OPEN_STARTS):
        return "open"
    first = clause.split()[0]
    if first in CLOSED_STARTS and first not in ("you", "your", "youre", "you're", "so", "and", "or",
                                                "right", "ok", "okay", "yes", "no", "alright"):
        return "closed"
    return None


def _questions(text: str) -> list[tuple[str, str, bool]]:
    """Split a message into question units: (clause, kind, has_question_mark)."""
    units: list[tuple[str, str, bool]] = []
    sentences = SENTENCE.findall(text)
    for i, sentence in enumerate(sentences):
        marked = sentence.rstrip().endswith("?")
        body = sentence.strip().rstrip("?.! ")
        if not body:
            continue
        clauses = [c for c in CLAUSE_SPLIT.split(body) if c.strip()]
        kinds = [(c, _clause_kind(c)) for c in clauses]
        starts = [(c, k) for c, k in kinds if k]
        # A lead-in clause ("when you say managing, what does that look like?") hangs on the
        # question after it: one question, not two.
        # So do "can I ask, ...", "tell me, ...", "what about your sister, ..." before a question,
        # and a "when that happened" clause trailing after one.
        if len(starts) >= 2:
            starts = [(c, k) for c, k in starts if not HEDGE_TAIL.match(_strip_fillers(c))] or starts
        if len(starts) >= 2:
            kept = [(c, k) for c, k in starts
                    if not (LEAD_IN.match(_strip_fillers(c)) or PERMISSION.match(_strip_fillers(c)))]
            if kept and kept[0] is not starts[0] and TOPIC_LEAD.match(_strip_fillers(kept[0][0])) and len(kept) >= 2:
                kept = kept[1:]
            elif len(kept) >= 2 and TOPIC_LEAD.match(_strip_fillers(kept[0][0])):
                kept = kept[1:]
            starts = kept or starts[-1:]
        if not starts and marked:
            # "the nurse told me some of it but how was it for you?": the question starts
            # after a conjunction inside the clause.
            inner = INNER_QUESTION.search(body)
            if inner and _clause_kind(inner.group(1)):
                starts = [(inner.group(1), _clause_kind(inner.group(1)))]
        if not starts and not marked:
            # Spoken, or typed fast: "you said it's been rough um what's been the hardest part",
            # "if you did cut down how would you go about it". Its inverted verb marks it.
            inner = UNMARKED_INNER.search(clauses[-1]) if clauses else None
            if inner is None and clauses and LEAD_IN.match(_strip_fillers(clauses[-1])):
                inner = re.search(r"\b((how|what|why|where|who) (would|could|will|do|did|can|might) (you|u|we|they)\b.*)$",
                                  clauses[-1])
            if inner and _clause_kind(inner.group(1)):
                starts = [(inner.group(1), _clause_kind(inner.group(1)))]
        if marked:
            if starts:
                # Every clause that opens like a question is one; "what about X, or Y" stays one.
                units.extend((c, k, True) for c, k in starts)
            elif REFLECTIVE.match(_strip_fillers(body)) or REFLECTIVE.match(body):
                # A reflection said with a rising tone ("so the garden keeps you going?") is not a
                # question (design/practitioner-moves.md, labelling conventions).
                continue
            else:
                # A statement with a question mark ("you live alone?") asks for a yes or no.
                units.append((body, "closed", True))
        else:
            # No question mark: only a clause that opens like a question counts, and only the
            # first one (people drop the "?" when typing fast, rarely twice in one sentence).
            # Two or more, each plainly a question by its inverted verb ("how long has it been like
            # this, and has anything helped"), are a stack even without their marks.
            first = (starts if len(starts) >= 2 and (_inverted(starts[0][0]) or WH_OPENS.match(_strip_fillers(starts[0][0])))
                     and all(_inverted(c) for c, _ in starts[1:]) else starts[:1])
            if first and IMAGINE.match(_strip_fillers(first[0][0])) and "?" in "".join(sentences[i + 1:]):
                continue  # it sets up the question that follows
            units.extend((c, k, False) for c, k in first if not _looks_like_statement(c)
                         and not (k == "closed" and not UNMARKED_CLOSED.match(_strip_fillers(c))
                                     and not INDIRECT_YES_NO.match(_strip_fillers(c))
                                     and not UNMARKED_FACT.match(_strip_fillers(c))
                                     and not INVERTED_WH.match(_strip_fillers(c))))
    return units


def _inverted(clause: str) -> bool:
    """A clause that is a question by its word order: "has anything helped", "how's the week been"."""
    c = _strip_fillers(re.sub(r"^(and|or|but)\s+", "", _strip_fillers(clause)))
    return bool(UNMARKED_CLOSED.match(c) or INVERTED_WH.match(c)
                or re.match(r"^(how|what|who|where|why)('?s|s)\b", c))


def question_clauses(text: str) -> list[str]:
    """The questions of a message, each as its own clause ("how's the week been", "did you get out")."""
    t = _normalise(text or "")
    return [clause for clause, _, _ in _questions(t)] if WORD.search(t) else []


def _looks_like_statement(clause: str) -> bool:
    """Unmarked clauses like "how lovely" or "what happened next was" are not questions."""
    c = _strip_fillers(clause)
    return bool(EXCLAMATION.match(c)) or bool(WH_STATEMENT.match(c)) or bool(re.match(r"^(what|how) (i|we) (mean|meant|said)\b", c))


def _suggests_youd(t: str) -> bool:
    for sentence in SENTENCE.findall(t):
        body = _strip_fillers(sentence.strip())
        if YOUD_SUGGESTS.search(body) and not WH_OPENS.match(body):
            return True
    return False


def classify(text: str) -> QuestionForm:
    """Classify the question form of one learner message."""
    t = _normalise(text or "")
    if not WORD.search(t):
        return QuestionForm("none", 0.9, "no words")
    if (LEADING_MARKERS.search(t) or _suggests_youd(t) or (TAG.search(t) and not _is_check(t) and _has_statement_before_tag(t))
            or _suggests_by_tag(t)):
        return QuestionForm("leading", 0.8, "suggests the answer")
    units = _questions(t)
    if len(units) == 1 and units[0][1] == "open" and SCALE.search(t) and not SCALE_ACCOUNT.search(t):
        return QuestionForm("closed", 0.75, "asks for a number on a scale")
    if not units:
        return QuestionForm("none", 0.85 if "?" not in t else 0.6, "no question")
    if len(units) >= 2 and any(_clause_kind(c) for c, _, _ in units):
        # A statement said with a question mark beside a real question is context for it ("you've
        # been on your own since june? and how's that been"; "so? how's it going"): one question.
        units = [u for u in units if _clause_kind(u[0])]
    if len(units) >= 2:
        return QuestionForm("multiple", 0.8, f"{len(units)} questions in one message")
    clause, kind, marked = units[0]
    confidence = 0.9 if marked else 0.7
    if _clause_kind(clause) is None:
        confidence = 0.65  # a statement with a question mark
    return QuestionForm(kind, confidence, f"starts '{_strip_fillers(clause)[:20]}'")


def _is_check(t: str) -> bool:
    """"..., is that right?" checks understanding; it is a closed question, not a leading one."""
    return bool(re.search(r"\b(is that right|have i got that right|did i get that right|is that it|"
                          r"does that sound right|am i right|yeah\?)\s*\?*\s*$", t))


def _suggests_by_tag(t: str) -> bool:
    """A negative statement with a positive tag, or a plan made for the person with "yeah?"."""
    m = POSITIVE_TAG.search(t)
    if m:
        head = _strip_fillers(t[: m.start()].strip(" ,"))
        if len(head.split()) >= 2 and _clause_kind(head) is None and NEGATIVE.search(head):
            return True
    m = re.search(r"(,|\s)\s*(yeah|yes|ok|okay|right)\s*\?+\s*$", t)
    return bool(m and DIRECTIVE_HEAD.match(_strip_fillers(t[: m.start()].strip(" ,"))))


def _has_statement_before_tag(t: str) -> bool:
    m = TAG.search(t)
    head = _strip_fillers(t[: m.start()].strip(" ,"))
    if not head or len(head.split()) < 2:
        return False
    return _clause_kind(head) is None


def open_or_closed(text: str) -> str:
    """Force a binary label for benchmarks that only know open and closed questions.

    Leading questions are closed in form; a stacked question takes the form of its first part.
    """
    form = classify(text)
    if form.name in ("open", "closed"):
        return form.name
    if form.name == "multiple":
        # An open invitation anywhere in a stack leaves the person room to answer in full.
        units = _questions(_normalise(text))
        return "open" if any(kind == "open" for _, kind, _ in units) else "closed"
    return "closed"


def rising_statement(text: str) -> bool:
    """Every question in the message is a statement said with a question mark ("you live alone?",
    "the garden keeps you going?"): no question word, no inverted verb."""
    t = _normalise(text or "")
    units = _questions(t) if WORD.search(t) else []
    return bool(units) and all(kind == "closed" and marked and _clause_kind(clause) is None
                               for clause, kind, marked in units)
