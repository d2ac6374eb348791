"""AnnoMI replay: does the coach's listening/questioning score separate high- from low-quality
counselling sessions?

Every session in ../shared/benchmarks/annomi/dialogues.jsonl is replayed with its therapist turns
as learner turns: each is classified by the trained NLU model (move) and the question-form
component, exactly as in the bot, and scored with the rubric's per-turn rates
(coach.rubric.listening_rates / session_quality). The session score is compared with the experts'
high/low quality label by ROC AUC (target >= 0.80). Also prints the confusion of question forms
against the experts' behaviour codes. Evaluation only: nothing is trained or tuned on AnnoMI.

AnnoMI: Wu et al., ICASSP 2022, doi:10.1109/ICASSP43922.2022.9746035; Wu et al., Future Internet
15(3):110, 2023, doi:10.3390/fi15030110.
Run: make bench-annomi   (writes results/annomi.json)
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sklearn.metrics import roc_auc_score  # noqa: E402

from bench.nlu import quiet_rasa  # noqa: E402
from coach.rubric import listening_rates, session_quality  # noqa: E402
from coach.transcript import from_script  # noqa: E402
from scripts.launch import latest_model  # noqa: E402

DIALOGUES = ROOT.parent / "shared" / "benchmarks" / "annomi" / "dialogues.jsonl"


async def classify(texts: list[str]) -> list[tuple[str, str, list]]:
    """Move, question form and every move of the turn (`moves`, where the model gives them)."""
    from rasa.core.agent import Agent

    quiet_rasa()
    agent = Agent.load(str(latest_model()))
    out = []
    for t in texts:
        p = await agent.parse_message(t)
        moves = [(m["name"], m.get("text") or t) for m in p.get("moves") or [] if m.get("name")]
        out.append((p["intent"]["name"], p["question_form"]["name"], moves))
    return out


def main() -> int:
    sessions = [json.loads(line) for line in DIALOGUES.read_text(encoding="utf-8").splitlines() if line.strip()]
    therapist = [(s["transcript_id"], t) for s in sessions for t in s["turns"] if t["speaker"] == "therapist"]
    labels = asyncio.run(classify([t["text"] for _, t in therapist]))
    by_session: dict[int, list] = {}
    for (sid, turn), (move, form, moves) in zip(therapist, labels):
        by_session.setdefault(sid, []).append((turn["text"], move, form, moves))

    scores, gold, rows = [], [], []
    for s in sessions:
        turns = by_session.get(s["transcript_id"], [])
        if not turns:
            continue
        rates = listening_rates(from_script(turns))  # every move of each turn counts
        score = session_quality(rates)
        scores.append(score)
        gold.append(1 if s["mi_quality"] == "high" else 0)
        rows.append({"transcript_id": s["transcript_id"], "quality": s["mi_quality"], "score": round(score, 4), **rates})
    auc = roc_auc_score(gold, scores)
    # Diagnostic only (not used to set the score): how well each rate alone separates the sessions.
    rate_keys = ["reflection_to_question", "open_share", "listening_rate", "directive_rate", "leading_share"]
    per_rate = {k: round(roc_auc_score(gold, [r[k] for r in rows]), 4) for k in rate_keys}

    def expert(turn: dict) -> str:
        b, sub = turn["behaviour"], turn["subtype"]
        return f"question/{sub}" if b == "question" and sub else b or "unlabelled"

    confusion = Counter((expert(turn), form) for (_, turn), (_, form, _) in zip(therapist, labels))
    moves_by_behaviour = Counter((expert(turn), move) for (_, turn), (move, _, _) in zip(therapist, labels))
    result = {
        "sessions": len(scores), "high": sum(gold), "low": len(gold) - sum(gold), "therapist_turns": len(therapist),
        "roc_auc": round(auc, 4),
        "roc_auc_per_rate": per_rate,
        "mean_score": {"high": round(sum(s for s, g in zip(scores, gold) if g) / max(1, sum(gold)), 4),
                       "low": round(sum(s for s, g in zip(scores, gold) if not g) / max(1, len(gold) - sum(gold)), 4)},
        "form_confusion": {f"{b} -> {f}": n for (b, f), n in sorted(confusion.items())},
        "top_moves_by_behaviour": {b: Counter({m: n for (bb, m), n in moves_by_behaviour.items() if bb == b}).most_common(4)
                                   for b in sorted({b for b, _ in moves_by_behaviour})},
        "sessions_detail": rows,
    }
    print(f"AnnoMI: {result['sessions']} sessions ({result['high']} high, {result['low']} low quality), "
          f"{len(therapist)} therapist turns replayed as learner turns")
    print(f"  ROC AUC of the session score (high vs low): {auc:.3f}  (target >= 0.80: {'met' if auc >= 0.8 else 'NOT met'})")
    print(f"  each rate alone (diagnostic; < 0.5 means lower in high-quality sessions): {per_rate}")
    print(f"  mean session score: high {result['mean_score']['high']:.3f}, low {result['mean_score']['low']:.3f}")
    print("  question forms (expert behaviour -> our form):")
    behaviours = sorted({b for b, _ in confusion})
    forms = ["open", "closed", "leading", "multiple", "none"]
    print("    " + " " * 18 + "".join(f"{f:>9}" for f in forms))
    for b in behaviours:
        print(f"    {b:<18}" + "".join(f"{confusion.get((b, f), 0):>9}" for f in forms))
    out = ROOT / "results"
    out.mkdir(exist_ok=True)
    (out / "annomi.json").write_text(json.dumps(result, indent=2))
    print("  Data: AnnoMI (Wu et al., ICASSP 2022; Wu et al., Future Internet 15(3):110, 2023). Full figures: results/annomi.json")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
