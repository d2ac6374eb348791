"""Read a whole learner turn: every move in it, the primary move and the life area.

Practitioners rarely say one thing at a time ("that must have been frightening. who did you
ring?"), so a turn is cut into units (sentences, a greeting, and clauses joined by a dash, a
semicolon or a comma before a new question), each unit is classified by a fast linear model over
word and character n-grams (with its question form and its place in the turn), and the units
are put back together by the contract in design/practitioner-moves.md: fillers ("ok", "lovely")
belong to the next unit, a check tag ("have I got that?") to what it checks, adjacent units with
the same move are one move, and the primary move is the question the person should answer, if
there is one, weighed against the same model's reading of the whole turn (so a context sentence
before a one-move question does not take the lead).

Rasa-free on purpose, so benchmarks and tests can train and read turns in seconds;
``components.move_classifier`` wraps it as a Rasa NLU component.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable, Optional, Sequence

import numpy as np

from coach.moves import ALL_MOVES, LEAVING_ROLEPLAY, LIFE_AREAS
from coach.question_form import classify as question_form

META = LEAVING_ROLEPLAY
# Moves whose words ask the person for something: in a turn that also reflects, empathises or
# affirms, the question is what the person answers, so it is the primary move.
ASKING = (
    "agree_agenda", "ask_strengths", "ask_network", "ask_community", "ask_coping", "ask_daily_life",
    "ask_what_matters", "ask_good_life", "ask_desired_outcome", "ask_scaling", "confirm_outcome",
    "plan_next_steps", "ask_problems", "ask_care_needs", "ask_risk", "clarify",
)
WHO_COULD = re.compile(r"\b(who|anyone|anybody|someone|somebody) (else )?(could|might|would|can|will|do you know who)\b|"
                       r"\bwho (else )?(do you know|is there) (who|that) (could|might|would|can)\b")
# Moves about no area of the person's life (design/practitioner-moves.md: "greetings, agenda,
# process and meta talk"), and small talk, which may or may not be about one.
NO_AREA_MOVES = ("greet", "introduce", "agree_agenda", "goodbye", "explain_process", "request_feedback",
                 "request_hint", "out_of_scope", "nlu_fallback")
ANY_AREA_MOVES = ("small_talk",)
# The area a move is always about ("do you see much of Karen?" is about people): its examples
# need no area label of their own.
MOVE_AREA = {
    "greet": "none",
    "introduce": "none",
    "agree_agenda": "none",
    "goodbye": "none",
    "explain_process": "none",
    "request_feedback": "none",
    "request_hint": "none",
    "out_of_scope": "none",
    "ask_network": "people",
    "ask_community": "places_community",
    "ask_daily_life": "daily_routine",
    "ask_risk": "safety",
    "ask_good_life": "future_hopes",
    "ask_care_needs": "health_body",
}
# Listening statements that a following question takes the lead from.
LISTENING = ("reflect", "summarise", "affirm", "empathise")

# ---------------------------------------------------------------------------------------------
# Cutting a turn into units
# ---------------------------------------------------------------------------------------------

ABBREVIATIONS = re.compile(r"(?:\b(?:mr|mrs|ms|dr|st|prof|rev|cllr|no|vs|approx|e\.g|i\.e)\.)$", re.I)
SENTENCE_END = re.compile(r"(?<=[.?!…])[\"'”’)\]]*\s+|\n+")
INNER_BREAK = re.compile(r"\s+[-–—]+\s+|\s*;\s*|\s*\.{3,}\s*|\s*…\s*|(?<=\w)\s*--+\s*")
QUESTION_AFTER_COMMA = re.compile(
    r",\s*(?=(?:(?:and|but|so|ok|okay|right|now|then)\s+)?(?:what|whats|what's|how|hows|how's|who|whos|"
    r"who's|where|when|why|which|tell me|can you|could you|would you|do you|did you|does|is there|"
    r"are you|have you|has|was|were|will you|is it|is that|shall we|could we|can we|what if|"
    r"i wonder|im wondering|i'm wondering)\b)",
    re.I,
)
# A clause that depends on what follows it ("if you could change one thing, what would it
# be?") is not a unit of its own.
SUBORDINATE = re.compile(
    r"^(?:(?:and|but|so|ok|okay|right|now|well)\s+)?(?:if|when|whenever|since|because|cos|as|after|"
    r"before|while|once|now that|thinking about|looking back|apart from|besides|other than|with|"
    r"given|for|in terms of|out of|on a scale|from (?:0|1|one|zero|nought)|between|of|about|"
    r"regarding|with regard to|going back to|just so|so that|say|supposing|suppose|imagine|"
    r"picture|in your|at|on|in|by|until|till|during|compared|like)\b",
    re.I,
)
WORDS = re.compile(r"[a-z0-9']+")
GREETING_HEAD = re.compile(
    r"^\s*(?:hi|hello|hiya|hey|heya|morning|good (?:morning|afternoon|evening)|afternoon|evening)"
    r"(?: there| again| both| all)?(?:,?\s+(?:(?:mrs|miss|mr|ms|dr)\.?\s*)?[a-z]+\b)?\s*(?:[,!.]+|\s-\s)\s*",
    re.I,
)
FILLERS = {
    "ok", "okay", "right", "yeah", "yes", "yep", "mm", "mmm", "hmm", "mhm", "um", "umm", "erm", "er",
    "ah", "oh", "ooh", "aw", "aww", "so", "well", "sure", "alright", "now", "and", "gosh", "wow",
    "uh", "huh", "no", "ahh", "oof", "oh dear", "dear", "lovely", "brilliant", "great", "thanks", "thank you",
    "cheers", "fab", "perfect", "nice", "i see", "oh right", "ah right", "fair enough", "bless", "ta",
    "ok thanks", "okay thanks", "right ok", "ok lovely", "oh lovely", "aw bless", "ah ok", "oh ok",
}
# A check on what was just said ("have I got that?", "is that right?"): part of what it checks.
CHECK_TAG = re.compile(
    r"^(?:(?:and|so|or|but|ok|okay|now)\s+)?(?:is that (?:right|it|fair|ok|okay|correct|about right|"
    r"true|how it is|how it feels|what you mean|what you meant|a fair summary|fair to say)|have i got "
    r"(?:that|it|this|everything|all that|that all|it all)(?: right| about right| down right)?|"
    r"did i get (?:that|it|everything|all that)(?: right)?|have i missed (?:anything|something|owt)|"
    r"am i (?:right|close|on the right track|getting that right|hearing you right)|"
    r"does that (?:sound|feel) (?:right|fair|about right|like you)|would that be (?:right|fair)|"
    r"is that what you(?:'re| are) saying|do i have that right|yeah|right|eh|no|fair|true|"
    r"does that make sense|is that how you see it|close|have i understood|did i understand)"
    r"[\s,]*(?:do you think|would you say|then|at all|there|[a-z]+)?\s*[?.!]*$",
    re.I,
)
MORE_TAG = re.compile(r"^(?:(?:and|so|or|anything)\s+)?(?:what else|anything else|what have i missed|"
                      r"anything i've missed|anything ive missed|what did i miss)\s*[?.!]*$", re.I)


def _words(text: str) -> list[str]:
    return WORDS.findall(text.lower().replace("’", "'"))


def _is_filler(text: str) -> bool:
    words = _words(text)
    return not words or (len(words) <= 2 and all(w in FILLERS for w in words)) or " ".join(words) in FILLERS


def _split_spans(text: str, start: int, end: int, pattern: re.Pattern) -> list[tuple[int, int]]:
    spans, at = [], start
    for m in pattern.finditer(text, start, end):
        if m.start() > at:
            spans.append((at, m.start()))
        at = m.end()
    if at < end:
        spans.append((at, end))
    return spans


def segment(text: str) -> list[str]:
    """Cut a turn into units: sentences, then clauses joined by dashes, semicolons, ellipses or a
    comma before a new question. Returns the units' own words (stripped), in order."""
    text = text or ""
    spans = _split_spans(text, 0, len(text), SENTENCE_END)
    # Re-join sentences cut after "Mr." or "e.g.".
    joined: list[tuple[int, int]] = []
    for s, e in spans:
        if joined and ABBREVIATIONS.search(text[joined[-1][0]:joined[-1][1]].rstrip()):
            joined[-1] = (joined[-1][0], e)
        else:
            joined.append((s, e))
    # "hi eric, i'm sam from the council": the greeting is a unit of its own.
    greeting = GREETING_HEAD.match(text)
    if greeting and joined and greeting.end() < joined[0][1] and WORDS.search(text[greeting.end():joined[0][1]].lower()):
        joined = [(joined[0][0], greeting.end()), (greeting.end(), joined[0][1])] + joined[1:]
    units: list[tuple[int, int]] = []
    for s, e in joined:
        for s2, e2 in _split_spans(text, s, e, INNER_BREAK):
            units.extend(_comma_question_split(text, s2, e2))
    out = [text[s:e].strip(" \t,") for s, e in units]
    return [u for u in out if u and WORDS.search(u.lower())] or ([text.strip()] if text.strip() else [])


def _comma_question_split(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split "that sounds hard, what helped?" before the question, unless the part before it
    hangs on it ("if you could change one thing, what would it be?")."""
    pieces, at = [], start
    for m in QUESTION_AFTER_COMMA.finditer(text, start, end):
        left = text[at:m.start()].strip()
        right = text[m.end():end].strip()
        if len(_words(left)) >= 3 and len(_words(right)) >= 2 and not SUBORDINATE.match(left) \
                and not CHECK_TAG.match(right):
            pieces.append((at, m.start()))
            at = m.end()
    pieces.append((at, end))
    return pieces


# ---------------------------------------------------------------------------------------------
# The classifier
# ---------------------------------------------------------------------------------------------

# Common first names (British and Irish, old and young; none that is also an everyday word):
# the words of a turn say what it does, a name only who it is about. Each becomes "qname", so
# that one scenario's people (a husband in a story about nights) do not pull every turn naming
# them towards one move or area, and a new scenario's names read the same as the old.
NAMES = frozenset("""
aaron abbie abdul abi adam adrian agnes aidan ailsa alan alex alfie ali alice alison alun amanda
amy andrew andy angela ann anna anne annie anthony arthur ashley audrey barbara barry bella ben
beryl beth bethan betty bev billy bob brenda brian bridget bryn carl carol caroline catherine cath
charlie charlotte chloe chris christine claire colin connor craig dai dan daniel danny dave david
dean debbie dennis derek dev doreen doris dorothy dylan eddie edith eileen elaine eleanor ella
ellie emily emma eric ethel evan evie fatima frank fred freda gareth gary gavin gemma geoff george
georgia gill gillian glenys gordon graham gwen gwyn hamid hannah harry heather helen huw ian irene
isla iwan jackie jacob jade jake james jamie jan jane janet jason jay jean jeff jen jenny jess
jessica jim jimmy jo joan joanne joe john jon josh joyce judith julie karen kate katie kay keith
kelly ken kev kevin kieran kim kirsty laura lauren leanne lee leon lesley lewis lisa liz lorraine
louise lucy luke lynn maggie mair malcolm margaret maria marie martin mary matt maureen megan mel
michael michelle mike mohammed molly nathan neil nell nia nicola nigel noreen norman olivia oliver
owen pam pat patricia paul pauline pete peter phil phyllis polly priya rachel rebecca rhi rhian
rhiannon richard rita rob robert ron ruth ryan sally sam sandra sara sarah scott sean sharon shaun
sheila shirley sian siobhan simon sophie stacey steph stephen steve stuart susan tom tony tracey
trevor vera vicky vince wendy william yvonne zoe
""".split())


def normalise(text: str) -> str:
    """Lower case, straight apostrophes, names as "qname", the question mark a word of its own."""
    t = (text or "").lower().replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    t = re.sub(r"\?+", " qmark ", t)
    t = NAME_WORD.sub(lambda m: "qname" + (m.group(2) or "") if m.group(1) in NAMES else m.group(0), t)
    return re.sub(r"\s+", " ", t).strip()


NAME_WORD = re.compile(r"\b([a-z]+)('s|s')?\b")


LEAD, END = "qposlead ", "qposend "


def placed(pieces: list[str]) -> list[str]:
    """Pieces of a turn of several pieces, each marked with its place: a piece before another
    (most often a reflection or a greeting) or the last one (most often the question)."""
    if len(pieces) < 2:
        return list(pieces)
    return [LEAD + p for p in pieces[:-1]] + [END + pieces[-1]]


def with_form(text: str) -> str:
    """The words, plus the question form as a word ("qfopen", "qfnone", ...) and the piece's place
    in the turn: whether a piece asks at all separates a reflection from a question about the
    same thing."""
    place = ""
    for marker in (LEAD, END):
        if text.startswith(marker):
            text, place = text[len(marker):], " " + marker.strip()
    return normalise(text) + " qf" + question_form(text).name + place


def _area_patterns() -> dict:
    """components/area_words.yml as one whole-word pattern per life area."""
    from pathlib import Path

    import yaml

    words = yaml.safe_load((Path(__file__).with_name("area_words.yml")).read_text(encoding="utf-8"))
    out = {}
    for area, entries in words.items():
        alternatives = sorted({re.escape(str(w).lower()).replace(r"\ ", r"\s+") for w in entries}, key=len, reverse=True)
        out[area] = re.compile(r"\b(?:" + "|".join(alternatives) + r")(?:s|es|'s|ing|ed|er|d)?\b")
    return out


AREA_WORDS = _area_patterns()


def area_hits(text: str) -> list[str]:
    """The life areas whose words the text uses (components/area_words.yml), in a fixed order."""
    t = (text or "").lower().replace("’", "'")
    return [area for area, pattern in AREA_WORDS.items() if pattern.search(t)]


def with_areas(text: str) -> str:
    """The words, plus one word per life area whose vocabulary the text uses ("qareahome"), so
    the area classifier can read a word it never saw in training by what kind of word it is (one token: the tokeniser splits on "_")."""
    return normalise(text) + "".join(" qarea" + a.replace("_", "") for a in area_hits(text))


def build_vectoriser(word_ngrams: int = 2, char_min: int = 2, char_max: int = 5, max_features: int = 200000,
                     features: str = "moves"):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import FeatureUnion

    return FeatureUnion([
        ("words", TfidfVectorizer(preprocessor=with_areas if features == "areas" else with_form, ngram_range=(1, word_ngrams), sublinear_tf=True,
                                  token_pattern=r"[a-z0-9']+", min_df=1, dtype=np.float32)),
        ("chars", TfidfVectorizer(preprocessor=normalise, analyzer="char_wb", ngram_range=(char_min, char_max),
                                  sublinear_tf=True, min_df=2, max_features=max_features, dtype=np.float32)),
    ])


class LinearTextClassifier:
    """TF-IDF word 1-2 grams + char_wb n-grams, a linear SVM with Platt-calibrated probabilities.

    The SVM (liblinear) trains in seconds where multinomial logistic regression took minutes on
    the same features; its scores become probabilities by per-class sigmoid calibration fitted on
    3-fold cross-validated scores (scikit-learn's CalibratedClassifierCV, ensemble=False).
    """

    def __init__(self, C: float = 1.0, seed: int = 2718, calibration_folds: int = 3, features: str = "moves"):
        self.features = features
        self.vectoriser = build_vectoriser(features=features)
        self.C, self.seed, self.calibration_folds = C, seed, calibration_folds
        self.coef = np.zeros((0, 0), dtype=np.float32)
        self.intercept = np.zeros(0, dtype=np.float32)
        self.sigmoid_a = np.zeros(0, dtype=np.float32)
        self.sigmoid_b = np.zeros(0, dtype=np.float32)
        self.labels: list[str] = []

    def fit(self, texts: Sequence[str], labels: Sequence[str]) -> "LinearTextClassifier":
        from sklearn.calibration import CalibratedClassifierCV
        from sklearn.svm import LinearSVC

        x = self.vectoriser.fit_transform(list(texts))
        svm = LinearSVC(C=self.C, random_state=self.seed)
        model = CalibratedClassifierCV(svm, method="sigmoid", cv=self.calibration_folds, ensemble=False)
        model.fit(x, np.asarray(labels))
        calibrated = model.calibrated_classifiers_[0]
        estimator = calibrated.base_estimator if hasattr(calibrated, "base_estimator") else calibrated.estimator
        self.coef = estimator.coef_.astype(np.float32)
        self.intercept = np.atleast_1d(estimator.intercept_).astype(np.float32)
        self.sigmoid_a = np.array([c.a_ for c in calibrated.calibrators], dtype=np.float32)
        self.sigmoid_b = np.array([c.b_ for c in calibrated.calibrators], dtype=np.float32)
        self.labels = [str(c) for c in model.classes_]
        return self

    def proba(self, texts: Sequence[str]) -> np.ndarray:
        scores = self.vectoriser.transform(list(texts)) @ self.coef.T + self.intercept
        p = 1.0 / (1.0 + np.exp(self.sigmoid_a * scores + self.sigmoid_b))
        total = p.sum(axis=1, keepdims=True)
        return np.where(total > 0, p / np.where(total > 0, total, 1), 1.0 / p.shape[1])

    # Saved as plain arrays and JSON (no pickle): vocabularies, idf weights, coefficients.
    def save(self, folder, name: str) -> None:
        import json
        from pathlib import Path

        folder = Path(folder)
        arrays, vocab = {}, {}
        for key, vec in self.vectoriser.transformer_list:
            vocab[key] = {t: int(i) for t, i in vec.vocabulary_.items()}
            arrays[f"{key}_idf"] = vec.idf_.astype(np.float32)
        arrays.update(coef=self.coef, intercept=self.intercept, sigmoid_a=self.sigmoid_a, sigmoid_b=self.sigmoid_b)
        np.savez_compressed(folder / f"{name}.npz", **arrays)
        (folder / f"{name}.json").write_text(json.dumps({"labels": self.labels, "vocabulary": vocab,
                                                         "features": self.features}))

    @classmethod
    def restore(cls, folder, name: str) -> "LinearTextClassifier":
        import json
        from pathlib import Path

        folder = Path(folder)
        meta = json.loads((folder / f"{name}.json").read_text())
        arrays = np.load(folder / f"{name}.npz", allow_pickle=False)
        self = cls(features=meta.get("features", "moves"))
        for key, vec in self.vectoriser.transformer_list:
            vec.vocabulary_ = meta["vocabulary"][key]
            vec.idf_ = arrays[f"{key}_idf"]
        self.coef, self.intercept = arrays["coef"], arrays["intercept"]
        self.sigmoid_a, self.sigmoid_b = arrays["sigmoid_a"], arrays["sigmoid_b"]
        self.labels = list(meta["labels"])
        return self


# ---------------------------------------------------------------------------------------------
# Putting units back together
# ---------------------------------------------------------------------------------------------

@dataclass
class Unit:
    text: str
    probs: dict
    move: str = ""
    confidence: float = 0.0
    asks: bool = False
    texts: list = field(default_factory=list)

    def best(self, allowed: Optional[Iterable[str]] = None) -> tuple[str, float]:
        items = self.probs.items() if allowed is None else ((m, p) for m, p in self.probs.items() if m in allowed)
        return max(items, key=lambda kv: kv[1])


@dataclass
class TurnSettings:
    """The reading rules' numbers, chosen on our own training data by cross-validation."""

    meta_threshold: float = 0.6          # a meta move below this goes to the best role-play move
    fallback_threshold: float = 0.3      # a primary move below this becomes nlu_fallback
    unit_min_confidence: float = 0.0     # a non-primary unit below this is not a move of its own
    primary_rule_bonus: float = 0.2      # how much the "last question leads" rule outweighs the whole turn
    context_weight: float = 0.7          # the whole turn's share in deciding the primary piece's move
    area_primary_weight: float = 0.6     # life area: weight of the primary unit against the whole turn
    ranking_length: int = 5


ROLEPLAY = tuple(m for m in ALL_MOVES if m not in META)


class TurnReader:
    """Trained move and life-area classifiers plus the rules that read a turn with them."""

    def __init__(self, moves: LinearTextClassifier, areas: LinearTextClassifier,
                 settings: Optional[TurnSettings] = None):
        self.moves = moves
        self.areas = areas
        self.settings = settings or TurnSettings()

    # -- reading ---------------------------------------------------------------------------

    def units(self, text: str) -> tuple[list[Unit], dict]:
        """The turn's pieces with their move probabilities, and the whole turn's probabilities."""
        pieces = segment(text)
        probs = self.moves.proba(placed(pieces) + [text] if len(pieces) > 1 else pieces)
        rows = [dict(zip(self.moves.labels, map(float, row))) for row in probs]
        return [Unit(p, row) for p, row in zip(pieces, rows)], rows[-1]

    def read(self, text: str) -> dict:
        """The parse fields for one turn: intent, intent_ranking, moves, life_area."""
        s = self.settings
        units, whole = self.units(text)
        for u in units:
            u.move, u.confidence = u.best()
            if u.move in META and u.confidence < s.meta_threshold:
                u.move, u.confidence = u.best(ROLEPLAY)
            u.asks = u.move in ASKING or question_form(u.text).name != "none"
            u.texts = [u.text]
        units = self._merge(units)
        primary = self._primary(units, whole, s.primary_rule_bonus)
        if len(units) > 1 and s.context_weight > 0:
            # A short question reads in the light of what came before it ("you've got the club
            # and Pat. who else?"): its move is decided with the whole turn's reading.
            w = s.context_weight
            mixed = {m: (1 - w) * p + w * whole.get(m, 0.0) for m, p in primary.probs.items()
                     if (m in ASKING) == (primary.move in ASKING) and (m not in META or p >= s.meta_threshold)}
            if mixed:
                move = max(mixed, key=mixed.get)
                others = [u for u in units if u is not primary and u.move == move]
                if not others:
                    primary.move, primary.confidence = move, max(primary.probs.get(move, 0.0), mixed[move])
        units = self._who_could_help(units)
        if len(units) > 1:
            # A lead-in that the classifier is unsure of, and the whole turn does not bear out,
            # is not a move of its own ("I've read the notes, but ... what happened?").
            units = [u for u in units if u is primary or u.confidence >= s.unit_min_confidence
                     or whole.get(u.move, 0.0) >= s.unit_min_confidence]
        moves = [{"name": u.move, "confidence": round(u.confidence, 4), "text": words}
                 for u, words in zip(units, _own_words(text, units))]
        confidence = max(primary.confidence, whole.get(primary.move, 0.0)) if len(units) > 1 else primary.confidence
        ranking = sorted(((m, p) for m, p in primary.probs.items()
                          if m != primary.move and (m not in META or p >= s.meta_threshold)),
                         key=lambda kv: -kv[1])[: s.ranking_length - 1]
        intent = {"name": primary.move, "confidence": round(confidence, 4)}
        intent_ranking = [intent] + [{"name": m, "confidence": round(p, 4)} for m, p in ranking]
        area = self._area(text, " ".join(primary.texts), primary.move)
        if confidence < s.fallback_threshold:
            intent = {"name": "nlu_fallback", "confidence": round(s.fallback_threshold, 4)}
            intent_ranking = [intent] + intent_ranking
            moves = [{"name": "nlu_fallback", "confidence": intent["confidence"], "text": (text or "").strip()}]
        return {"intent": intent, "intent_ranking": intent_ranking, "moves": moves, "life_area": area}

    def _merge(self, units: list[Unit]) -> list[Unit]:
        """Fold fillers and check tags into their neighbours and join adjacent same moves."""
        # Fillers ("ok", "right", "yeah so") belong to the next unit, or the last one.
        out: list[Unit] = []
        pending: list[str] = []
        for u in units:
            if _is_filler(u.text) and len(units) > 1:
                pending.append(u.text)
                continue
            if pending:
                u.texts = pending + u.texts
                pending = []
            out.append(u)
        if pending:
            if out:
                out[-1].texts.extend(pending)
            else:
                out = units[:1]
        # Check tags belong to what they check; "what else?" only ends a summary.
        merged: list[Unit] = []
        for u in out:
            text = u.text.strip()
            if merged and (CHECK_TAG.match(text) or (MORE_TAG.match(text) and merged[-1].move == "summarise")):
                merged[-1].texts.extend(u.texts)
                continue
            if merged and merged[-1].move == u.move:
                prev = merged[-1]
                prev.texts.extend(u.texts)
                prev.asks = prev.asks or u.asks
                if u.confidence > prev.confidence:
                    prev.confidence, prev.probs = u.confidence, u.probs
                continue
            # A summary is several reflections pulled together: the reflections are part of it.
            if merged and {merged[-1].move, u.move} == {"summarise", "reflect"}:
                prev = merged[-1]
                prev.texts.extend(u.texts)
                if prev.move != "summarise":
                    prev.move, prev.confidence, prev.probs = u.move, u.confidence, u.probs
                continue
            merged.append(u)
        return merged

    @staticmethod
    def _who_could_help(units: list[Unit]) -> list[Unit]:
        """"Who could give you a lift?" is plan_next_steps + ask_network (the contract's
        labelling conventions): a next step that asks who is also about the person's network."""
        out: list[Unit] = []
        for i, u in enumerate(units):
            out.append(u)
            nxt = units[i + 1].move if i + 1 < len(units) else None
            if u.move == "plan_next_steps" and WHO_COULD.search(" ".join(u.texts).lower()) and nxt != "ask_network":
                out.append(Unit(u.text, u.probs, "ask_network", u.confidence, True, list(u.texts)))
        return out

    @staticmethod
    def _primary(units: list[Unit], whole: dict, rule_bonus: float) -> Unit:
        """The question the person should answer (the last one) leads a turn of statements and
        questions, else the last statement; the whole turn's reading of each move weighs in, so
        a context sentence before a one-move turn does not take the lead."""
        if len(units) == 1:
            return units[0]
        asking = [u for u in units if u.asks and u.move not in META]
        by_rule = asking[-1] if asking else units[-1]
        # A turn that puts a question to the person goes to the person: a request for a hint or
        # feedback beside it ("can I ask about you instead? how's your back") does not lead.
        candidates = [u for u in units if u.move not in META] if asking else units
        return max(candidates, key=lambda u: whole.get(u.move, 0.0) + (rule_bonus if u is by_rule else 0.0))

    def _area(self, text: str, primary_text: str, primary_move: str) -> dict:
        """The life area: `none` for greetings, agenda, process and meta talk (the contract);
        for small talk whatever the words say; for every other move the likeliest real area."""
        w = self.settings.area_primary_weight
        both = self.areas.proba([primary_text, text])
        probs = w * both[0] + (1 - w) * both[1]
        labels = self.areas.labels
        if primary_move in NO_AREA_MOVES and "none" in labels:
            return {"name": "none", "confidence": round(max(float(probs[labels.index("none")]), 0.5), 4)}
        probs = probs.copy()
        if primary_move not in ANY_AREA_MOVES and "none" in labels:
            probs[labels.index("none")] = 0.0
        probs = probs / max(float(probs.sum()), 1e-9)
        i = int(np.argmax(probs))
        return {"name": labels[i], "confidence": round(float(probs[i]), 4)}


def _own_words(text: str, units: list[Unit]) -> list[str]:
    """Each move's words as the learner typed them (dashes and all), from its first piece to its
    last; pieces are exact substrings of the turn, found in order."""
    out, cursor = [], 0
    for u in units:
        first = text.find(u.texts[0], cursor)
        if first < 0:
            out.append(" ".join(u.texts))
            continue
        end, at = first, first
        for piece in u.texts:
            at = text.find(piece, at)
            if at < 0:
                break
            end = at + len(piece)
        out.append(text[first:end].strip())
        # "Who could help?" read as two moves shares its words: the next move may start here.
        cursor = first if u is not units[-1] and units[units.index(u) + 1].texts == u.texts else end
    return out


# ---------------------------------------------------------------------------------------------
# Training
# ---------------------------------------------------------------------------------------------

@dataclass
class Example:
    """One training turn: its text, its moves in order (primary first if single) and its area."""

    text: str
    primary: str
    moves: list
    life_area: Optional[str] = None


def unit_examples(examples: Sequence[Example]) -> tuple[list[str], list[str]]:
    """Texts and move labels for the unit classifier.

    A single-move example is one unit. A compound example gives one unit per move when cutting it
    (with fillers and check tags folded in) yields as many pieces as it has moves; otherwise it
    is skipped for the unit classifier (its moves cannot be placed)."""
    texts, labels = [], []
    for e in examples:
        if len(e.moves) <= 1:
            texts.append(e.text)
            labels.append(e.primary)
            continue
        texts.append(e.text)  # the whole turn, read as its primary move
        labels.append(e.primary)
        pieces = fold(segment(e.text))
        if len(pieces) == len(e.moves):
            texts.extend(placed(pieces))
            labels.extend(e.moves)
        else:
            groups = align(pieces, e.moves)
            if groups:
                texts.extend(groups)
                labels.extend(e.moves)
    return texts, labels


def fold(pieces: list[str]) -> list[str]:
    """Fillers into the next piece and check tags into the previous one (as reading does)."""
    out: list[str] = []
    pending: list[str] = []
    for p in pieces:
        if _is_filler(p) and len(pieces) > 1:
            pending.append(p)
            continue
        if out and CHECK_TAG.match(p.strip()):
            out[-1] = out[-1] + " " + p
            continue
        out.append(" ".join(pending + [p]))
        pending = []
    if pending and out:
        out[-1] = out[-1] + " " + " ".join(pending)
    return out


def align(pieces: list[str], moves: list[str]) -> list[str]:
    """When there are more pieces than moves and the moves are all different, there is no safe
    way to place them; return [] (the caller skips the example)."""
    return []


def area_examples(examples: Sequence[Example]) -> tuple[list[str], list[str]]:
    texts, labels = [], []
    for e in examples:
        if e.life_area:
            texts.append(e.text)
            labels.append(e.life_area)
    return texts, labels


def train(examples: Sequence[Example], settings: Optional[TurnSettings] = None, C: float = 1.0,
          area_C: float = 1.0, seed: int = 2718, area_features: str = "areas") -> TurnReader:
    texts, labels = unit_examples(examples)
    moves = LinearTextClassifier(C=C, seed=seed).fit(texts, labels)
    a_texts, a_labels = area_examples(examples)
    areas = LinearTextClassifier(C=area_C, seed=seed, features=area_features).fit(a_texts, a_labels)
    return TurnReader(moves, areas, settings)


def check_labels(examples: Sequence[Example]) -> list[str]:
    """Problems with move or area names in the training data (the contract's names only)."""
    problems = []
    for e in examples:
        for m in [e.primary, *e.moves]:
            if m not in ALL_MOVES:
                problems.append(f"unknown move {m!r} in {e.text[:40]!r}")
        if e.life_area and e.life_area not in LIFE_AREAS:
            problems.append(f"unknown life area {e.life_area!r} in {e.text[:40]!r}")
        if len(e.moves) > 1 and e.primary not in e.moves:
            problems.append(f"primary {e.primary!r} not among moves {e.moves} in {e.text[:40]!r}")
    return problems
