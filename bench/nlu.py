"""NLU benchmark: moves, every move of a turn, life areas and question forms on held-out data.

Uses the model `make train` built from data/nlu (never from the evaluation sets):
- tests/nlu/realistic.yml: whole practice-conversation turns typed as practitioners type, labelled
  with every move, the primary move, the form and the life area, written separately from the
  training data; reports primary-move accuracy (target >= 0.85), the share of compound turns with
  every move found (>= 0.80), fallback share (<= 0.05), meta false positives (a goodbye, feedback,
  hint or out-of-scope read on a role-play turn, <= 0.01), form accuracy and life-area accuracy
  (>= 0.80).
- tests/nlu/heldout.yml: short single-move examples written separately from the training data;
  reports intent macro-F1 (target >= 0.90) and question-form accuracy.
- ../shared/benchmarks/annomi/therapist_utterances.csv: expert-labelled therapist utterances from
  AnnoMI (Wu et al., ICASSP 2022; Wu et al., Future Internet 15(3):110, 2023), used for
  evaluation only: reflection recall / precision / F1 (reflect, summarise and empathise count as a
  reflection; target F1 >= 0.70), fallback share (<= 0.10), open/closed accuracy (>= 0.85) and
  Cohen's kappa.
- tests/nlu/dev.yml, tests/nlu/forms_dev.yml and tests/nlu/forms_spoken_dev.yml: development sets by other independent writers,
  read turn by turn to diagnose the NLU and the question-form rules, so printed as development
  figures, never as held-out results.
- training seconds: a full `rasa train --force` into a scratch folder (target <= 120 s), unless
  --no-train-timing.

Run: make bench-nlu   (writes results/nlu.json as well as printing)
     .venv/bin/python bench/nlu.py --model /tmp/nlu-models/x.tar.gz --no-train-timing
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import yaml  # noqa: E402
from sklearn.metrics import classification_report, cohen_kappa_score, f1_score  # noqa: E402

from coach.moves import LEAVING_ROLEPLAY, NLU_FALLBACK  # noqa: E402
from coach.question_form import classify, open_or_closed  # noqa: E402
from scripts.launch import latest_model  # noqa: E402

HELDOUT = ROOT / "tests" / "nlu" / "heldout.yml"
REALISTIC = ROOT / "tests" / "nlu" / "realistic.yml"
# Development sets: written independently too, but read turn by turn to diagnose the NLU and the
# question-form rules, so their figures are not held-out results (the realistic set's are).
DEV = ROOT / "tests" / "nlu" / "dev.yml"
FORMS_DEV = ROOT / "tests" / "nlu" / "forms_dev.yml"
FORMS_SPOKEN_DEV = ROOT / "tests" / "nlu" / "forms_spoken_dev.yml"
ANNOMI = ROOT.parent / "shared" / "benchmarks" / "annomi" / "therapist_utterances.csv"
REFLECTION_MOVES = ("reflect", "summarise", "empathise")


def quiet_rasa() -> None:
    """Keep Rasa's per-message debug logging out of the benchmark's output."""
    import logging

    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog

    configure_logging_and_warnings(logging.WARNING)
    configure_structlog(logging.WARNING)


async def parse_all(texts: list[str], model: Path) -> list[dict]:
    from rasa.core.agent import Agent

    quiet_rasa()
    agent = Agent.load(str(model))
    return [await agent.parse_message(t) for t in texts]


def move_names(parse: dict) -> list[str]:
    """Every move of a parse, in order (the primary one alone for a model without `moves`)."""
    moves = parse.get("moves") or [parse["intent"]]
    return [m["name"] for m in moves]


def gold_moves(turn: dict) -> list[str]:
    moves = turn.get("moves") or [turn["primary"]]
    return [m["name"] if isinstance(m, dict) else str(m) for m in moves]


def contains_all(found: list[str], wanted: list[str]) -> bool:
    """Every wanted move is among those found (as many times as it is wanted)."""
    have = Counter(found)
    return all(have[m] >= n for m, n in Counter(wanted).items())


def realistic(parses: list[dict], turns: list[dict]) -> dict:
    gold = [t["primary"] for t in turns]
    pred = [p["intent"]["name"] for p in parses]
    compound = [i for i, t in enumerate(turns) if len(gold_moves(t)) >= 2]
    single = [i for i in range(len(turns)) if i not in set(compound)]
    roleplay = [i for i, g in enumerate(gold) if g not in LEAVING_ROLEPLAY]
    meta = [i for i, g in enumerate(gold) if g in LEAVING_ROLEPLAY]
    found_moves = [move_names(p) for p in parses]
    wanted = [gold_moves(t) for t in turns]
    n_gold_moves = sum(len(w) for w in wanted)
    n_found_right = sum(sum(min(Counter(f)[m], n) for m, n in Counter(w).items()) for f, w in zip(found_moves, wanted))
    n_found = sum(len(f) for f in found_moves)
    forms = [(t.get("form"), p.get("question_form", {}).get("name")) for t, p in zip(turns, parses) if t.get("form")]
    areas = [(t.get("life_area"), (p.get("life_area") or {}).get("name")) for t, p in zip(turns, parses) if t.get("life_area")]

    def share(idx, ok):
        return round(sum(ok(i) for i in idx) / len(idx), 4) if idx else None

    confusions = Counter((g, p) for g, p in zip(gold, pred) if g != p)
    return {
        "turns": len(turns),
        "compound_turns": len(compound),
        "primary_accuracy": share(range(len(turns)), lambda i: pred[i] == gold[i]),
        "primary_accuracy_single": share(single, lambda i: pred[i] == gold[i]),
        "primary_accuracy_compound": share(compound, lambda i: pred[i] == gold[i]),
        "compound_every_move_found": share(compound, lambda i: contains_all(found_moves[i], wanted[i])),
        "moves_exactly_right": share(range(len(turns)), lambda i: found_moves[i] == wanted[i]),
        "move_recall": round(n_found_right / max(1, n_gold_moves), 4),
        "move_precision": round(n_found_right / max(1, n_found), 4),
        "fallback_share": share(range(len(turns)), lambda i: pred[i] == NLU_FALLBACK),
        "meta_false_positives": share(roleplay, lambda i: pred[i] in LEAVING_ROLEPLAY),
        "meta_false_positive_count": sum(pred[i] in LEAVING_ROLEPLAY for i in roleplay),
        "meta_recall": share(meta, lambda i: pred[i] == gold[i]),
        "form_accuracy": round(sum(g == p for g, p in forms) / len(forms), 4) if forms else None,
        "life_area_accuracy": round(sum(g == p for g, p in areas) / len(areas), 4) if areas else None,
        "top_primary_confusions": {f"{g}->{p}": n for (g, p), n in confusions.most_common(15)},
        "form_confusion": dict(Counter(f"{g}->{p}" for g, p in forms if g != p).most_common()),
        "life_area_confusion": dict(Counter(f"{g}->{p}" for g, p in areas if g != p).most_common(12)),
    }


def heldout(parses: list[dict], examples: list[dict]) -> dict:
    gold = [e["move"] for e in examples]
    pred = [p["intent"]["name"] for p in parses]
    forms_gold = [e["form"] for e in examples]
    forms_pred = [p["question_form"]["name"] for p in parses]
    labels = sorted(set(gold))
    confusions = Counter((g, p) for g, p in zip(gold, pred) if g != p)
    return {
        "examples": len(examples),
        "intent_macro_f1": round(f1_score(gold, pred, labels=labels, average="macro", zero_division=0), 4),
        "intent_accuracy": round(sum(g == p for g, p in zip(gold, pred)) / len(gold), 4),
        "fallback_share": round(sum(p == NLU_FALLBACK for p in pred) / len(pred), 4),
        "form_accuracy": round(sum(g == p for g, p in zip(forms_gold, forms_pred)) / len(examples), 4),
        "form_confusion": {f"{g}->{p}": n for (g, p), n in Counter(zip(forms_gold, forms_pred)).most_common() if g != p},
        "top_intent_confusions": {f"{g}->{p}": n for (g, p), n in confusions.most_common(12)},
        "per_intent": classification_report(gold, pred, labels=labels, output_dict=True, zero_division=0),
    }


def annomi_rows() -> list[dict]:
    return list(csv.DictReader(ANNOMI.open(encoding="utf-8")))


def annomi(rows: list[dict], parses: list[dict]) -> dict:
    """Reflections (reflect / summarise / empathise as the primary move) against the experts'
    main behaviour, fallback share, and open/closed questions by the question-form rules."""
    is_reflection = [r["behaviour"] == "reflection" for r in rows]
    primary = [p["intent"]["name"] for p in parses]
    said = [m in REFLECTION_MOVES for m in primary]
    said_any = [any(m in REFLECTION_MOVES for m in move_names(p)) for p in parses]

    def prf(pred):
        tp = sum(g and p for g, p in zip(is_reflection, pred))
        recall = tp / max(1, sum(is_reflection))
        precision = tp / max(1, sum(pred))
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return round(recall, 4), round(precision, 4), round(f1, 4)

    recall, precision, f1 = prf(said)
    recall_any, precision_any, f1_any = prf(said_any)
    long = [i for i, r in enumerate(rows) if len(r["text"].split()) > 40]
    advice = [i for i, r in enumerate(rows) if r["behaviour"] == "input" and r["subtype"] == "advice"]
    questions = [(r, p) for r, p in zip(rows, parses)
                 if r["behaviour"] == "question" and r["subtype"] in ("open", "closed")]
    gold = [r["subtype"] for r, _ in questions]
    pred = [open_or_closed(r["text"]) for r, _ in questions]
    return {
        "utterances": len(rows),
        "reflections": sum(is_reflection),
        "reflection_recall": recall,
        "reflection_precision": precision,
        "reflection_f1": f1,
        "reflection_any_move": {"recall": recall_any, "precision": precision_any, "f1": f1_any},
        "fallback_share": round(sum(m == NLU_FALLBACK for m in primary) / len(rows), 4),
        "fallback_share_over_40_words": round(sum(primary[i] == NLU_FALLBACK for i in long) / max(1, len(long)), 4),
        "advice_recognised": round(sum(primary[i] == "give_advice" for i in advice) / max(1, len(advice)), 4),
        "questions": len(questions),
        "open_closed_accuracy": round(sum(g == p for g, p in zip(gold, pred)) / len(questions), 4),
        "cohens_kappa": round(cohen_kappa_score(gold, pred), 4),
        "open_closed_confusion": {f"{g}->{p}": n for (g, p), n in sorted(Counter(zip(gold, pred)).items())},
        "primary_by_behaviour": {b: Counter(m for r, m in zip(rows, primary) if r["behaviour"] == b).most_common(5)
                                 for b in sorted({r["behaviour"] for r in rows})},
    }


def training_seconds() -> float:
    """Wall-clock seconds of a full, uncached `rasa train` into a scratch folder."""
    rasa = Path(sys.executable).parent / "rasa"
    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        subprocess.run([str(rasa), "train", "--force", "--config", "config.yml", "--domain", "domain.yml",
                        "--data", "data", "--out", out], cwd=ROOT, check=True, capture_output=True)
        return round(time.perf_counter() - started, 1)


def flag(value, target, higher=True) -> str:
    if value is None:
        return ""
    ok = value >= target if higher else value <= target
    return f"(target {'>=' if higher else '<='} {target}: {'met' if ok else 'NOT met'})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, help="model archive (default: the newest in models/)")
    parser.add_argument("--no-train-timing", action="store_true", help="skip timing a full training")
    parser.add_argument("--out", type=Path, default=ROOT / "results" / "nlu.json")
    args = parser.parse_args(argv)
    model = args.model or latest_model()

    sets = {"heldout": yaml.safe_load(HELDOUT.read_text(encoding="utf-8"))["examples"]}
    if REALISTIC.exists():
        sets["realistic"] = yaml.safe_load(REALISTIC.read_text(encoding="utf-8"))["turns"]
    rows = annomi_rows() if ANNOMI.exists() else []
    if DEV.exists():
        sets["dev"] = yaml.safe_load(DEV.read_text(encoding="utf-8"))["turns"]
    texts = ([e["text"] for e in sets["heldout"]] + [t["text"] for t in sets.get("realistic", [])]
             + [t["text"] for t in sets.get("dev", [])] + [r["text"] for r in rows])
    started = time.perf_counter()
    parses = asyncio.run(parse_all(texts, model))
    parse_seconds = round(time.perf_counter() - started, 1)
    n_h, n_r, n_d = len(sets["heldout"]), len(sets.get("realistic", [])), len(sets.get("dev", []))
    result: dict = {"model": model.name}
    if "realistic" in sets:
        result["realistic"] = realistic(parses[n_h:n_h + n_r], sets["realistic"])
    else:
        result["realistic"] = f"not found at {REALISTIC}"
    result["heldout"] = heldout(parses[:n_h], sets["heldout"])
    if "dev" in sets:
        result["dev"] = realistic(parses[n_h + n_r:n_h + n_r + n_d], sets["dev"])
    if FORMS_DEV.exists():
        items = yaml.safe_load(FORMS_DEV.read_text(encoding="utf-8"))["items"]
        result["forms_dev_accuracy"] = round(sum(classify(i["text"]).name == i["form"] for i in items) / len(items), 4)
    if FORMS_SPOKEN_DEV.exists():
        items = yaml.safe_load(FORMS_SPOKEN_DEV.read_text(encoding="utf-8"))["turns"]
        result["forms_spoken_dev_accuracy"] = round(sum(classify(i["text"]).name == i["form"] for i in items) / len(items), 4)
    result["annomi"] = annomi(rows, parses[n_h + n_r + n_d:]) if rows else f"not found at {ANNOMI}"
    result["parse_seconds"] = parse_seconds
    result["training_seconds"] = None if args.no_train_timing else training_seconds()

    r = result["realistic"]
    if isinstance(r, dict):
        print(f"Realistic held-out turns ({r['turns']}, {r['compound_turns']} compound, {REALISTIC.relative_to(ROOT)}):")
        print(f"  primary move accuracy      {r['primary_accuracy']:.3f}   {flag(r['primary_accuracy'], 0.85)}"
              f"  (single {r['primary_accuracy_single']}, compound {r['primary_accuracy_compound']})")
        print(f"  compound, every move found {r['compound_every_move_found']}   {flag(r['compound_every_move_found'], 0.80)}")
        print(f"  moves: recall {r['move_recall']:.3f}, precision {r['move_precision']:.3f}, exactly right {r['moves_exactly_right']:.3f}")
        print(f"  fallback share             {r['fallback_share']:.3f}   {flag(r['fallback_share'], 0.05, higher=False)}")
        print(f"  meta false positives       {r['meta_false_positives']}   {flag(r['meta_false_positives'], 0.01, higher=False)}"
              f"  ({r['meta_false_positive_count']} role-play turns read as goodbye/feedback/hint/out of scope;"
              f" meta turns recognised {r['meta_recall']})")
        print(f"  question-form accuracy     {r['form_accuracy']}")
        print(f"  life-area accuracy         {r['life_area_accuracy']}   {flag(r['life_area_accuracy'], 0.80)}")
        print(f"  top confusions             {r['top_primary_confusions']}")
    else:
        print(f"Realistic held-out set: {r}")
    d = result.get("dev")
    if d:
        print(f"Development set ({d['turns']} turns, {d['compound_turns']} compound, {DEV.relative_to(ROOT)}; "
              "diagnosed on, so not a held-out figure):")
        print(f"  primary {d['primary_accuracy']:.3f}, compound every move {d['compound_every_move_found']}, "
              f"fallback {d['fallback_share']:.3f}, meta false positives {d['meta_false_positives']}, "
              f"form {d['form_accuracy']}, life area {d['life_area_accuracy']}")
    if "forms_dev_accuracy" in result:
        print(f"Question-form development set ({FORMS_DEV.relative_to(ROOT)}; diagnosed on): "
              f"accuracy {result['forms_dev_accuracy']:.3f}")
    if "forms_spoken_dev_accuracy" in result:
        print(f"Spoken question-form development set ({FORMS_SPOKEN_DEV.relative_to(ROOT)}; diagnosed on): "
              f"accuracy {result['forms_spoken_dev_accuracy']:.3f}")
    h = result["heldout"]
    print(f"Held-out set ({h['examples']} examples, {HELDOUT.relative_to(ROOT)}):")
    print(f"  intent macro-F1      {h['intent_macro_f1']:.3f}   {flag(h['intent_macro_f1'], 0.90)}")
    print(f"  intent accuracy      {h['intent_accuracy']:.3f}   fallback share {h['fallback_share']:.3f}")
    print(f"  question-form acc.   {h['form_accuracy']:.3f}")
    print(f"  top confusions       {h['top_intent_confusions']}")
    a = result["annomi"]
    if isinstance(a, dict):
        print(f"AnnoMI therapist utterances ({a['utterances']}, {a['reflections']} reflections; evaluation only):")
        print(f"  reflection recall {a['reflection_recall']:.3f}, precision {a['reflection_precision']:.3f}, "
              f"F1 {a['reflection_f1']:.3f}   {flag(a['reflection_f1'], 0.70)}")
        print(f"  (a reflection anywhere in `moves`: recall {a['reflection_any_move']['recall']:.3f}, "
              f"precision {a['reflection_any_move']['precision']:.3f}, F1 {a['reflection_any_move']['f1']:.3f})")
        print(f"  fallback share       {a['fallback_share']:.3f}   {flag(a['fallback_share'], 0.10, higher=False)}"
              f"  (turns over 40 words {a['fallback_share_over_40_words']:.3f}); advice recognised {a['advice_recognised']:.3f}")
        print(f"  open/closed accuracy {a['open_closed_accuracy']:.3f}   {flag(a['open_closed_accuracy'], 0.85)}"
              f"  ({a['questions']} questions); Cohen's kappa {a['cohens_kappa']:.3f}")
        print(f"  open/closed gold->pred {a['open_closed_confusion']}")
        print("  Data: AnnoMI (Wu et al., ICASSP 2022, doi:10.1109/ICASSP43922.2022.9746035; "
              "Wu et al., Future Internet 15(3):110, 2023, doi:10.3390/fi15030110).")
    if result["training_seconds"] is not None:
        print(f"Training: a full `rasa train` took {result['training_seconds']:.1f} s   "
              f"{flag(result['training_seconds'], 120, higher=False)}")
    args.out.parent.mkdir(exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2))
    print(f"Full figures: {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
