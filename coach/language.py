"""Words and topics in learner messages: service jargon and topic matching."""

from __future__ import annotations

import re
from functools import lru_cache

# Service-led jargon (design/feedback-rubric.md, plain_language; TLAP's plain-language guidance).
JARGON_PATTERNS = {
    "assessment": r"\bassess(ment|ments|ed|ing)?\b",
    "referral": r"\brefer(ral|rals|red|ring)?\b",
    "service": r"\bservices?\b",
    "eligibility": r"\beligib(le|ility)\b",
    "criteria": r"\bcriteri(a|on)\b",
    "care package": r"\b(package of care|care package|packages? of support|support package)\b",
    "placement": r"\bplacements?\b",
    "provision": r"\bprovisions?\b",
    "intervention": r"\binterventions?\b",
    "panel": r"\bpanels?\b",
    "service user": r"\bservice users?\b",
    "client": r"\bclients?\b",
    "case": r"\bcase\b",
    "review": r"\breview(s|ed|ing)?\b",
    "pathway": r"\bpathways?\b",
}
_COMPILED = {name: re.compile(pattern, re.IGNORECASE) for name, pattern in JARGON_PATTERNS.items()}
_WORD = re.compile(r"[a-z0-9']+")


def jargon_in(text: str, exempt: frozenset[str] | set[str] = frozenset()) -> list[str]:
    """Jargon terms found in text, once each, skipping terms in `exempt`.

    "service user" also contains "service": it counts once, as the longer term.
    """
    found = [name for name, rx in _COMPILED.items() if name not in exempt and rx.search(text or "")]
    if "service user" in found and "service" in found:
        found.remove("service")
    return found


def words(text: str) -> list[str]:
    return _WORD.findall((text or "").lower().replace("’", "'"))


# Longer words that begin with a shorter topic word but are other words: "drawer" is not a form of
# "draw", nor "listen" of "list", "shower" of "show" or "single" of "sing" (their own forms too:
# "drawers", "listening").
_NOT_FORMS = ("drawer", "listen", "paint", "restaurant", "restless", "shower", "single", "material",
              "cardigan", "bandage", "homework", "planet", "careful", "career", "ready", "telly")


@lru_cache(maxsize=4096)
def _topic_rx(topic: str) -> re.Pattern:
    """A topic matches as a whole word, its plural, or (4+ letters) as the stem of a longer word
    (not one of the other words in _NOT_FORMS)."""
    body = re.escape(topic)
    tail = r"[a-z']*" if len(topic) >= 4 and " " not in topic else "s?"
    others = [w for w in _NOT_FORMS if w.startswith(topic) and w != topic] if tail != "s?" else []
    guard = f"(?!(?:{'|'.join(others)}))" if others else ""
    return re.compile(rf"(?<![a-z0-9']){guard}{body}{tail}(?![a-z0-9'])")


@lru_cache(maxsize=1024)
def _any_topic_rx(topics: tuple[str, ...]) -> re.Pattern:
    return re.compile("|".join(f"(?:{_topic_rx(t).pattern})" for t in topics))


def any_topic(text: str, topics: tuple[str, ...] | list[str]) -> bool:
    """Whether any of the topic words appears in text (one combined search)."""
    return bool(topics) and bool(_any_topic_rx(tuple(topics)).search(" ".join(words(text))))


def any_topic_span(text: str, topics: tuple[str, ...] | list[str]) -> tuple[int, int] | None:
    """Where the first of the topic words appears in text (already lower-cased words), or None."""
    m = _any_topic_rx(tuple(topics)).search(text) if topics else None
    return m.span() if m else None


def topic_hits(text: str, topics: tuple[str, ...] | list[str]) -> int:
    """How many of a fact's topic words appear in text (stems match longer words)."""
    lowered = " ".join(words(text))
    return sum(1 for topic in topics if _topic_rx(topic).search(lowered))


def words_hit(text: str, topics: tuple[str, ...] | list[str]) -> int:
    """How many different words of the text a fact's topic words match ("people watching" is one,
    though it matches both "watch" and "watching")."""
    lowered = " ".join(words(text))
    return len({m.start() for topic in topics for m in _topic_rx(topic).finditer(lowered)})


def overlap(a: str, b: str) -> float:
    """Share of b's content words (4+ letters) that also appear in a."""
    content = {w for w in words(b) if len(w) >= 4 and w not in _STOP}
    if not content:
        return 0.0
    mine = {w for w in words(a) if len(w) >= 4}
    stems = {w[:5] for w in mine}
    return sum(1 for w in content if w in mine or w[:5] in stems) / len(content)


_STOP = {"want", "would", "like", "that", "this", "with", "have", "just", "again", "back", "more", "really",
         "some", "them", "then", "there", "they", "what", "when", "your", "from", "about", "been", "still", "into"}


# --- good practice that is not a question (feedback-rubric.md, fairness rules) -------------------

# The learner owns a misstep ("sorry, I've gone about this all wrong", "sorry eric, i've gone
# straight into my list there", "i talked at you. sorry danny"), as against sympathy ("i'm sorry,
# that sounds awful", "sorry to hear that"). The rubric counts it as good practice; the person
# answers it as an apology.
_REPAIR = re.compile(
    r"\b(sorry|apologi[sz]e|i apologise)\b(?!,?\s+(you|that|to hear|for your|about your|about the|about what|it)\b)"
    r".{0,80}\b(wrong|badly|all wrong|start again|start over|back up|rushed|"
    r"jumped in|got ahead|gone about|step back|forms?|questions)\b"
    r"|\b(can|could|shall) we (start|begin) (again|over|afresh)\b"
    r"|\blet me (start|try) (that )?again\b"
    r"|\bi('ve| have) (gone|come) at (this|that|it) (the )?wrong\b"
    r"|\b(sorry|apologies|my bad|my mistake)\b[^.?!]{0,40}?\b(i|i've|ive|i'd|id|i'm|im)\s+"
    r"(have\s+|had\s+|was\s+|am\s+|just\s+|really\s+)*(gone|jumped|rushed|talked|talking|asked|asking|got|getting|"
    r"been|said|brought|started|didn't|didnt|shouldn't|shouldnt|wasn't|wasnt|went|kept|launched|barged|fired|"
    r"bombarded|piled|made|put|pushed|interrupted|cut|dived|dove|ploughed|rattled|steamed|charged|going|using|rushing|"
    r"firing|throwing|spent|spending|focused|focusing|came|come|raised|mentioned|suggested|jumping)\b"
    r"|\b(that came out wrong|i got that wrong|i talked (at|over) you|scrap that|ignore what i said|forget what i said)\b",
    re.IGNORECASE)
_CONSENT = re.compile(
    r"\b(is (it|that|now) (ok|okay|alright|all right|a good time)|would (it|that) be (ok|okay|alright)|"
    r"do you mind if|would you mind if|are you (ok|okay|happy|comfortable) (to|with|for|if)|"
    r"is it alright (if|to)|can i (check|ask) (first )?if|happy for me to|ok if i|okay if i)\b",
    re.IGNORECASE)
_CHECK_BACK = re.compile(
    r"\b(have i got (that|it|this) (right)?|did i get (that|it) right|is that (right|fair)|"
    r"have i understood|am i right|does that sound right|let me check|did i hear (that|you) right)\b",
    re.IGNORECASE)


def is_repair(text: str) -> bool:
    """The learner owns a misstep ("sorry, I've gone about this all wrong"), not sympathy."""
    return bool(_REPAIR.search(text or ""))


def asks_consent(text: str) -> bool:
    """The learner checks it is all right with the person before going on."""
    return bool(_CONSENT.search(text or ""))


def checks_back(text: str) -> bool:
    """The learner checks they have understood ("have I got that right?")."""
    return bool(_CHECK_BACK.search(text or ""))


_SERVICE_WORDS = re.compile(r"\b(carers?|care home|day cent(re|er)|lunch club|meals on wheels|pendant|alarm|"
                            r"equipment|rail|stairlift|home help|respite|sitting service|support worker|"
                            r"direct payment|budget|refer|referral|assessment|package|placement)\b", re.IGNORECASE)
# "so what you want is...", "you'd like...", "what would help is...": the learner puts a want into words.
_WANT_FRAME = re.compile(
    r"\b(what (you|u) (really )?(want|need|would like|'d like|’d like|d like)( most)? is|what would help (you )?(most )?is|"
    r"(you|u)( would|'d|’d|d| d) (really )?(like|love|prefer)|(you|u) (really )?(want|need)( is)?|"
    r"what (you|u)('re| are) (after|asking for|hoping for) is)\b",
    re.IGNORECASE)


# Advice has a frame: "you should", "you really need to", "why don't you", "have you tried", "i'd
# suggest", "the best thing", "make sure", or an instruction ("ring her", "just get it seen to").
_ADVICE_FRAME = re.compile(
    r"\b(you|u) (really |just |honestly |definitely |probably |seriously |still )?(should|shouldn'?t|ought|need to|needs to|"
    r"must|mustn'?t|have to|want to|wanna|could (always|try|just)|might (want|try|be better))\b"
    r"|\bwhy (don'?t|dont|not)\b|\bhave you (tried|thought about|considered)\b"
    r"|\b(i'?d|i would|id) (suggest|recommend|advise|say|be (looking at|thinking about|getting))\b|\bi (suggest|recommend|advise)\b"
    r"|\bi think (you|u|it'?s time|its time|we need|we should|he needs|she needs)\b"
    r"|\b(it|that)( would|'?d|d| might| could)? be (best|good|better|wise|worth|safest)\b|\b(best|safest|only) (thing|option|bet|place|way)\b"
    r"|\bmake sure\b|\bif i (were|was) you\b|\bmy advice\b|\b(you'?d|youd) be better\b|\byou'?re better off\b"
    r"|(^|[.!?,;]\s*|\b(maybe|just|so|well|perhaps|honestly|please)\s+)(try|get|ring|call|go|put|take|stop|don'?t|dont|keep|"
    r"use|think about|look into|speak to|talk to)\b",
    re.IGNORECASE)


def frames_advice(text: str) -> bool:
    """The words give advice ("you really need to lock that door", "why don't you ring her")."""
    return bool(_ADVICE_FRAME.search(text or ""))


def names_a_service(text: str) -> bool:
    """The words name a service (a carer, a day centre, a pendant alarm, a referral...)."""
    return bool(_SERVICE_WORDS.search(text or ""))


# "we could get you a carer", "how about the day centre", "i can sort a pendant alarm": a service
# put forward, in the clause of the offer, whatever move the NLU read.
_OFFER_FRAME = re.compile(
    r"\b(we could|we can|i could|i can|we'll|i'll|we will|i will|shall i|shall we|how about|what about|"
    r"would you like|would you want|would you be (interested in|up for|open to)|do you want me to|"
    r"have you (thought about|considered|tried)|you could (try|have|get)|there's|there is|"
    r"we('d| would) (look at|arrange|set up|get)|i('d| would) (like to )?(arrange|set up|refer|book))\b",
    re.IGNORECASE)


# Process talk has process words: assessments, forms, panels, eligibility, funding, charges,
# paperwork, records, "i have to ask / fill in / write up". "we'll work it out together" has none.
_PROCESS_WORDS = re.compile(
    r"\b(assess(ment|ments|ed|ing)?|forms?|paperwork|panels?|eligib\w*|criteria|fund(s|ing|ed)?|"
    r"charg(e|es|ed|ing)|financial|finances|money|spen(d|t|ding)|costs?|pay(ing|ment|ments)? for|paid for|benefits|means[- ]test\w*|council|social services|care act|leaflets?|"
    r"the system|procedures?|process|policy|polic(ies)|reviews?|reports?|notes|records?|referrals?|refer|"
    r"waiting list|manager|legal|legally|statutory|duty|tick box(es)?|boxes|sign(ed|ing)? (off|it|this|here)|"
    r"consent form|data|confidential\w*|write (it|this|that|things|everything) (up|down)|"
    r"(i|we) (have|need|'ve got|ve got|must) to (ask|fill|go through|complete|check|record|write|cover|send|pass)|"
    r"questions? (i|we) (have|need) to|my (job|role) is|part of my (job|role))\b",
    re.IGNORECASE)


def names_process(text: str) -> bool:
    """The words are about the process: assessments, forms, panels, funding, records ("i have to
    fill in the needs form first"), not about working something out together."""
    return bool(_PROCESS_WORDS.search(text or ""))


def offers_something(text: str) -> bool:
    """The words put something forward ("we could", "i can", "how about", "have you thought about")."""
    return bool(_OFFER_FRAME.search(text or ""))


def offers_a_service(text: str) -> bool:
    """The learner puts a service forward ("we could look at some respite for you"): an offer
    frame and a service word in the same clause."""
    for m in _OFFER_FRAME.finditer(text or ""):
        rest = text[m.end():]
        end = _CLAUSE_END.search(rest)
        if names_a_service(rest[: end.start()] if end else rest):
            return True
    return False


def service_words(text: str) -> list[str]:
    return [m.group(0).lower() for m in _SERVICE_WORDS.finditer(text or "")]


_CLAUSE_END = re.compile(r"[.?!;]|,\s*(and|but|so)\b|\s[-–—]+\s")


def frames_a_want(text: str) -> bool:
    """The learner puts what the person wants into words ("so what you want is...")."""
    return bool(_WANT_FRAME.search(text or ""))


def wanted_services(text: str) -> list[str]:
    """The services a learner puts into words as what the person wants ("so what you want is a
    carer each morning"): those named in the same clause as the want, after it."""
    found: list[str] = []
    for m in _WANT_FRAME.finditer(text or ""):
        rest = text[m.end():]
        end = _CLAUSE_END.search(rest)
        found += [w for w in service_words(rest[: end.start()] if end else rest) if w not in found]
    return found

