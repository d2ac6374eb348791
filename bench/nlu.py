"""NLU benchmark: moves and question forms on held-out data, and question forms on AnnoMI.

Uses the model `make train` built from data/nlu (never from the evaluation sets):
- tests/nlu/heldout.yml: examples written separately from the training data;
  reports intent macro-F1 (target >= 0.90) and question-form accuracy.
- ../shared/benchmarks/annomi/therapist_utterances.csv: expert-labelled open/closed therapist
  questions from AnnoMI (Wu et al., ICASSP 2022; Wu et al., Future Internet 15(3):110, 2023),
  used for evaluation only; reports accuracy (target >= 0.85) and Cohen's kappa.

Run: make bench-nlu   (writes results/nlu.json as well as printing)
"""

from __future__ import annotations

import asyncio
import csv
import json
import os
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import yaml  # noqa: E402
from sklearn.metrics import classification_report, cohen_kappa_score, f1_score  # noqa: E402

from coach.question_form import open_or_closed  # noqa: E402
from scripts.launch import latest_model  # noqa: E402

HELDOUT = ROOT / "tests" / "nlu" / "heldout.yml"
ANNOMI = ROOT.parent / "shared" / "benchmarks" / "annomi" / "therapist_utterances.csv"


def quiet_rasa() -> None:
    """Keep Rasa's per-message debug logging out of the benchmark's output."""
    import logging

    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog

    configure_logging_and_warnings(logging.WARNING)
    configure_structlog(logging.WARNING)


async def parse_all(texts: list[str]) -> list[dict]:
    from rasa.core.agent import Agent

    quiet_rasa()
    agent = Agent.load(str(latest_model()))
    return [await agent.parse_message(t) for t in texts]


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
        "fallback_share": round(sum(p == "nlu_fallback" for p in pred) / len(pred), 4),
        "form_accuracy": round(sum(g == p for g, p in zip(forms_gold, forms_pred)) / len(examples), 4),
        "form_confusion": {f"{g}->{p}": n for (g, p), n in Counter(zip(forms_gold, forms_pred)).most_common() if g != p},
        "top_intent_confusions": {f"{g}->{p}": n for (g, p), n in confusions.most_common(12)},
        "per_intent": classification_report(gold, pred, labels=labels, output_dict=True, zero_division=0),
    }


def annomi() -> dict:
    rows = [r for r in csv.DictReader(ANNOMI.open(encoding="utf-8"))
            if r["behaviour"] == "question" and r["subtype"] in ("open", "closed")]
    gold = [r["subtype"] for r in rows]
    pred = [open_or_closed(r["text"]) for r in rows]
    return {
        "questions": len(rows),
        "open_closed_accuracy": round(sum(g == p for g, p in zip(gold, pred)) / len(rows), 4),
        "cohens_kappa": round(cohen_kappa_score(gold, pred), 4),
        "confusion": {f"{g}->{p}": n for (g, p), n in sorted(Counter(zip(gold, pred)).items())},
        "by_quality": {q: round(sum(g == p for g, p, r in zip(gold, pred, rows) if r["mi_quality"] == q)
                                / max(1, sum(r["mi_quality"] == q for r in rows)), 4) for q in ("high", "low")},
    }


def main() -> int:
    examples = yaml.safe_load(HELDOUT.read_text(encoding="utf-8"))["examples"]
    started = time.perf_counter()
    parses = asyncio.run(parse_all([e["text"] for e in examples]))
    result = {"model": latest_model().name, "heldout": heldout(parses, examples)}
    if ANNOMI.exists():
        result["annomi"] = annomi()
    else:
        result["annomi"] = f"not found at {ANNOMI}"
    result["seconds"] = round(time.perf_counter() - started, 1)

    h = result["heldout"]
    print(f"Held-out set ({h['examples']} examples, {HELDOUT.relative_to(ROOT)}):")
    print(f"  intent macro-F1      {h['intent_macro_f1']:.3f}   (target >= 0.90: {'met' if h['intent_macro_f1'] >= 0.9 else 'NOT met'})")
    print(f"  intent accuracy      {h['intent_accuracy']:.3f}   fallback share {h['fallback_share']:.3f}")
    print(f"  question-form acc.   {h['form_accuracy']:.3f}")
    print(f"  top confusions       {h['top_intent_confusions']}")
    a = result["annomi"]
    if isinstance(a, dict):
        print(f"AnnoMI therapist questions ({a['questions']}, open vs closed; evaluation only):")
        print(f"  accuracy             {a['open_closed_accuracy']:.3f}   (target >= 0.85: {'met' if a['open_closed_accuracy'] >= 0.85 else 'NOT met'})")
        print(f"  Cohen's kappa        {a['cohens_kappa']:.3f}")
        print(f"  confusion gold->pred {a['confusion']}")
        print("  Data: AnnoMI (Wu et al., ICASSP 2022, doi:10.1109/ICASSP43922.2022.9746035; "
              "Wu et al., Future Internet 15(3):110, 2023, doi:10.3390/fi15030110).")
    out = ROOT / "results"
    out.mkdir(exist_ok=True)
    (out / "nlu.json").write_text(json.dumps(result, indent=2))
    print(f"Full figures: {out / 'nlu.json'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
