"""Read a whole learner turn: every move in it, the primary move and the life area.

Practitioners rarely say one thing at a time ("that must have been frightening. who did you
ring?"), so a turn is cut into units (sentences, and clauses joined by a dash, a semicolon or a
comma before a new question), each unit is classified by a fast linear model over word and
character n-grams, and the units are put back together by the contract in
design/practitioner-moves.md: adjacent units with the same move are one move, a check tag ("have I
got that?") belongs to what it checks, and the primary move is the question the person should
answer, if there is one.

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
FILLERS = {
    "ok", "okay", "right", "yeah", "yes", "yep", "mm", "mmm", "hmm", "mhm", "um", "umm", "erm", "er",
    "ah", "oh", "ooh", "aw", "aww", "so", "well", "sure", "alright", "now", "and", "gosh", "wow",
    "uh", "huh", "no", "ahh", "oof", "oh dear", "dear",
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

def normalise(text: str) -> str:
    """Lower case, straight apostrophes, and the question mark kept as a word of its own."""
    t = (text or "").lower().replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    t = re.sub(r"\?+", " qmark ", t)
    return re.sub(r"\s+", " ", t).strip()


def build_vectoriser(word_ngrams: int = 2, char_min: int = 2, char_max: int = 5, max_features: int = 200000):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import FeatureUnion

    return FeatureUnion([
        ("words", TfidfVectorizer(preprocessor=normalise, ngram_range=(1, word_ngrams), sublinear_tf=True,
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

    def __init__(self, C: float = 1.0, seed: int = 2718, calibration_folds: int = 3):
        self.vectoriser = build_vectoriser()
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
        (folder / f"{name}.json").write_text(json.dumps({"labels": self.labels, "vocabulary": vocab}))

    @classmethod
    def restore(cls, folder, name: str) -> "LinearTextClassifier":
        import json
        from pathlib import Path

        folder = Path(folder)
        meta = json.loads((folder / f"{name}.json").read_text())
        arrays = np.load(folder / f"{name}.npz", allow_pickle=False)
        self = cls()
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

    meta_threshold: float = 0.5          # a meta move below this goes to the best role-play move
    fallback_threshold: float = 0.2      # a primary move below this becomes nlu_fallback
    unit_min_confidence: float = 0.0     # a non-primary unit below this is not a move of its own
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

    def units(self, text: str) -> list[Unit]:
        pieces = segment(text)
        probs = self.moves.proba(pieces)
        return [Unit(p, dict(zip(self.moves.labels, map(float, row)))) for p, row in zip(pieces, probs)]

    def read(self, text: str) -> dict:
        """The parse fields for one turn: intent, intent_ranking, moves, life_area."""
        s = self.settings
        units = self.units(text)
        for u in units:
            u.move, u.confidence = u.best()
            if u.move in META and u.confidence < s.meta_threshold:
                u.move, u.confidence = u.best(ROLEPLAY)
            u.asks = u.move in ASKING or question_form(u.text).name != "none"
            u.texts = [u.text]
        units = self._merge(units)
        primary = self._primary(units)
        if s.unit_min_confidence > 0 and len(units) > 1:
            keep = [u for u in units if u is primary or u.confidence >= s.unit_min_confidence]
            units = keep
        moves = [{"name": u.move, "confidence": round(u.confidence, 4), "text": " ".join(u.texts)} for u in units]
        ranking = sorted(((m, p) for m, p in primary.probs.items()
                          if m != primary.move and (m not in META or p >= s.meta_threshold)),
                         key=lambda kv: -kv[1])[: s.ranking_length - 1]
        intent = {"name": primary.move, "confidence": round(primary.confidence, 4)}
        intent_ranking = [intent] + [{"name": m, "confidence": round(p, 4)} for m, p in ranking]
        area = self._area(text, " ".join(primary.texts), primary.move)
        if primary.confidence < s.fallback_threshold:
            intent = {"name": "nlu_fallback", "confidence": round(s.fallback_threshold, 4)}
            intent_ranking = [intent] + intent_ranking
            moves = [{"name": "nlu_fallback", "confidence": intent["confidence"], "text": (text or "").strip()}]
        return {"intent": intent, "intent_ranking": intent_ranking, "moves": moves, "life_area": area}

    def _merge(self, units: list[Unit]) -> list[Unit]:
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
    def _primary(units: list[Unit]) -> Unit:
        if len(units) == 1:
            return units[0]
        asking = [u for u in units if u.asks and u.move not in META]
        if asking:
            # A summary checked with a tag stays a summary; otherwise the last question leads.
            return asking[-1]
        return units[-1]

    def _area(self, text: str, primary_text: str, primary_move: str) -> dict:
        w = self.settings.area_primary_weight
        both = self.areas.proba([primary_text, text])
        probs = w * both[0] + (1 - w) * both[1]
        i = int(np.argmax(probs))
        return {"name": self.areas.labels[i], "confidence": round(float(probs[i]), 4)}


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
        pieces = fold(segment(e.text))
        if len(pieces) == len(e.moves):
            texts.extend(pieces)
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
          area_C: float = 1.0, seed: int = 2718) -> TurnReader:
    texts, labels = unit_examples(examples)
    moves = LinearTextClassifier(C=C, seed=seed).fit(texts, labels)
    a_texts, a_labels = area_examples(examples)
    areas = LinearTextClassifier(C=area_C, seed=seed).fit(a_texts, a_labels)
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
