"""Choose the move reader's numbers on our own training data, by k-fold cross-validation.

The meta threshold (a goodbye / feedback / hint / out-of-scope move is given only at or above it),
the fallback threshold and the classifier's C are chosen here, on data/nlu alone: never on the
held-out sets (tests/nlu/) or AnnoMI. Rasa-free (components.turns), so a run takes a minute or two.

Run: .venv/bin/python bench/nlu_tune.py [--folds 5]
"""

from __future__ import annotations

import argparse
import logging
import random
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from coach.moves import LEAVING_ROLEPLAY  # noqa: E402
from components import turns  # noqa: E402
from components.move_classifier import example_from_message  # noqa: E402


def load(path: Path = ROOT / "data" / "nlu") -> list[turns.Example]:
    from rasa.shared.nlu.training_data.loading import load_data

    logging.disable(logging.WARNING)
    return [e for e in map(example_from_message, load_data(str(path)).intent_examples) if e]


def folds(examples: list[turns.Example], k: int, seed: int = 0) -> list[list[turns.Example]]:
    shuffled = examples[:]
    random.Random(seed).shuffle(shuffled)
    return [shuffled[i::k] for i in range(k)]


class Memo:
    """A classifier's probabilities computed once per text (the grid re-reads the same turns)."""

    def __init__(self, classifier, texts):
        self.labels = classifier.labels
        unique = sorted(set(texts))
        self.rows = dict(zip(unique, classifier.proba(unique)))

    def proba(self, texts):
        import numpy as np

        return np.array([self.rows[t] for t in texts])


def memoise(reader: turns.TurnReader, test: list[turns.Example]) -> turns.TurnReader:
    pieces = [p for e in test for p in turns.placed(turns.segment(e.text))] + [e.text for e in test]
    primaries = []
    for e in test:  # the life area reads the primary piece's words, in any grouping of pieces
        ps = turns.segment(e.text)
        primaries += [" ".join(ps[i:j]) for i in range(len(ps)) for j in range(i + 1, len(ps) + 1)]
    return turns.TurnReader(Memo(reader.moves, pieces), Memo(reader.areas, primaries + [e.text for e in test]),
                            reader.settings)


def evaluate(readings: list[tuple[turns.Example, dict]]) -> dict:
    n = len(readings)
    compound = [(e, r) for e, r in readings if len(e.moves) > 1]
    roleplay = [(e, r) for e, r in readings if e.primary not in LEAVING_ROLEPLAY]
    meta = [(e, r) for e, r in readings if e.primary in LEAVING_ROLEPLAY]
    areas = [(e, r) for e, r in readings if e.life_area]

    def every(e, r):
        have = Counter(m["name"] for m in r["moves"])
        return all(have[m] >= c for m, c in Counter(e.moves).items())

    found = sum(sum(min(Counter(m["name"] for m in r["moves"])[x], c) for x, c in Counter(e.moves).items())
                for e, r in readings)
    return {
        "primary": round(sum(r["intent"]["name"] == e.primary for e, r in readings) / n, 4),
        "move_precision": round(found / max(1, sum(len(r["moves"]) for _, r in readings)), 4),
        "compound_primary": round(sum(r["intent"]["name"] == e.primary for e, r in compound) / max(1, len(compound)), 4),
        "compound_every_move": round(sum(every(e, r) for e, r in compound) / max(1, len(compound)), 4),
        "fallback": round(sum(r["intent"]["name"] == "nlu_fallback" for _, r in readings) / n, 4),
        "meta_fp": round(sum(r["intent"]["name"] in LEAVING_ROLEPLAY for _, r in roleplay) / max(1, len(roleplay)), 4),
        "meta_recall": round(sum(r["intent"]["name"] == e.primary for e, r in meta) / max(1, len(meta)), 4),
        "area": round(sum(r["life_area"]["name"] == e.life_area for e, r in areas) / max(1, len(areas)), 4),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--C", type=float, nargs="*", default=[1.0])
    parser.add_argument("--meta", type=float, nargs="*", default=[0.0, 0.3, 0.4, 0.5, 0.6, 0.7])
    parser.add_argument("--fallback", type=float, nargs="*", default=[0.0, 0.1, 0.15, 0.2, 0.25, 0.3])
    parser.add_argument("--bonus", type=float, nargs="*", default=[0.2])
    parser.add_argument("--unit-min", type=float, nargs="*", default=[0.0])
    parser.add_argument("--context", type=float, nargs="*", default=[0.0])
    args = parser.parse_args(argv)
    examples = load()
    print(f"{len(examples)} training examples, {sum(len(e.moves) > 1 for e in examples)} compound; "
          f"{args.folds}-fold cross-validation")
    for C in args.C:
        models, started = [], time.perf_counter()
        parts = folds(examples, args.folds)
        for i in range(args.folds):
            train = [e for j, f in enumerate(parts) if j != i for e in f]
            models.append((memoise(turns.train(train, C=C), parts[i]), parts[i]))
        print(f"C={C}: trained {args.folds} folds in {time.perf_counter() - started:.1f} s")
        grid = [(m, f, b, u, c) for m in args.meta for f in args.fallback for b in args.bonus
                for u in args.unit_min for c in args.context]
        for meta, fallback, bonus, unit_min, context in grid:
            readings = []
            for reader, test in models:
                reader.settings = turns.TurnSettings(meta_threshold=meta, fallback_threshold=fallback,
                                                     primary_rule_bonus=bonus, unit_min_confidence=unit_min,
                                                     context_weight=context)
                readings.extend((e, reader.read(e.text)) for e in test)
            print(f"  meta {meta:.2f} fallback {fallback:.2f} bonus {bonus:.2f} unit_min {unit_min:.2f} "
                  f"context {context:.2f}: "
                  f"{evaluate(readings)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
