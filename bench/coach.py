"""Coach calibration benchmark: the calibration conversations (bench/calibration/, written with a
practice educator's verdicts fixed before the coach was run) replayed through the running bot,
and the coach's final verdicts compared with the educator's.

Prints verdict agreement (exact = 1, one step off = 0.5, over met / partly / not_met; not judged
against a verdict counts 0), agreement per criterion and per conversation, the mean score of each
kind (strong, average, weak, recovers) and whether they are in order.

Targets (issue 13): agreement >= 0.85; active_listening met or partly in every strong
conversation; strong > average > weak at least 0.05 apart; every recovery above every weak one.
Run: make bench-coach   (starts its own servers on free ports; writes results/coach.json)
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
from pathlib import Path

import requests
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import free_port  # noqa: E402
from coach.rubric import ORDER  # noqa: E402
from scripts.launch import start_bot  # noqa: E402

CALIBRATION = ROOT / "bench" / "calibration"
STEP = {"not_met": 0, "partly": 1, "met": 2}
KINDS = ("strong", "recovers", "average", "weak")


def agreement(coach: str, educator: str) -> float:
    if coach == educator:
        return 1.0
    if coach in STEP and educator in STEP and abs(STEP[coach] - STEP[educator]) == 1:
        return 0.5
    return 0.0


def replay(bot, case: dict, sender: str) -> dict | None:
    """Send every learner turn over REST; the final report comes after the goodbye (the chat's
    explicit /goodbye if the NLU did not read the last turn as one)."""
    url = f"{bot.rasa_url}/webhooks/rest/webhook"
    meta = {"scenario": case["scenario"]}
    report = None
    for text in case["turns"]:
        out = requests.post(url, json={"sender": sender, "message": text, "metadata": meta}, timeout=120).json()
        report = next((m["custom"] for m in out if (m.get("custom") or {}).get("type") == "feedback_report"), report)
    if report is None or not report.get("final"):
        out = requests.post(url, json={"sender": sender, "message": "/goodbye", "metadata": meta}, timeout=120).json()
        report = next((m["custom"] for m in out if (m.get("custom") or {}).get("type") == "feedback_report"), None)
    return report


def main() -> int:
    cases = [(p.stem, yaml.safe_load(p.read_text(encoding="utf-8"))) for p in sorted(CALIBRATION.glob("*.yml"))]
    work = Path(tempfile.mkdtemp(prefix="bench-coach-"))
    bot = start_bot(overrides={"RASA_PORT": str(free_port()), "ACTION_PORT": str(free_port()),
                               "SQLITE_TRACKER_DB": str(work / "coach.db"), "COACH_SEED": "calibration"},
                    log_dir=work / "logs")
    rows, per_criterion = [], {cid: [] for cid in ORDER}
    try:
        for name, case in cases:
            report = replay(bot, case, f"calibration-{name}")
            if report is None:
                print(f"{name}: no final report came back", file=sys.stderr)
                return 1
            coach = {c["id"]: c for c in report["criteria"]}
            agree = {}
            for cid in ORDER:
                educator = case["verdicts"][cid]["verdict"]
                agree[cid] = agreement(coach[cid]["verdict"], educator)
                per_criterion[cid].append(agree[cid])
            scores = [c["score"] for c in coach.values() if c["score"] is not None]
            rows.append({"name": name, "scenario": case["scenario"], "kind": case["kind"],
                         "agreement": statistics.mean(agree.values()),
                         "mean_score": statistics.mean(scores) if scores else 0.0,
                         "verdicts": {cid: [coach[cid]["verdict"], case["verdicts"][cid]["verdict"]] for cid in ORDER},
                         "recovered": report.get("arc", {}).get("recovered")})
    finally:
        bot.stop()

    overall = statistics.mean(a for values in per_criterion.values() for a in values)
    print(f"Coach calibration: {len(rows)} conversations, {len(rows) * len(ORDER)} verdicts")
    print(f"  verdict agreement (one step off = 0.5): {overall:.3f}   target >= 0.85")
    print("  per criterion:")
    for cid in ORDER:
        print(f"    {cid:24s} {statistics.mean(per_criterion[cid]):.3f}")
    print("  per conversation (coach / educator where they differ):")
    for r in rows:
        diffs = ", ".join(f"{cid}: {c}/{e}" for cid, (c, e) in r["verdicts"].items() if c != e)
        print(f"    {r['name']:28s} agreement {r['agreement']:.2f}  mean score {r['mean_score']:.2f}"
              f"{'  recovered' if r['recovered'] else ''}  {diffs}")
    means = {k: statistics.mean(r["mean_score"] for r in rows if r["kind"] == k) for k in KINDS
             if any(r["kind"] == k for r in rows)}
    print("  mean score by kind: " + ", ".join(f"{k} {v:.3f}" for k, v in means.items()))
    ordered = (means.get("strong", 0) - means.get("average", 0) >= 0.05
               and means.get("average", 0) - means.get("weak", 0) >= 0.05)
    weakest = max((r["mean_score"] for r in rows if r["kind"] == "weak"), default=0.0)
    recoveries_above = all(r["mean_score"] > weakest for r in rows if r["kind"] == "recovers")
    strong_listening = all(r["verdicts"]["active_listening"][0] in ("met", "partly") for r in rows if r["kind"] == "strong")
    print(f"  strong > average > weak, each 0.05 apart: {'yes' if ordered else 'NO'}")
    print(f"  every recovery above every weak conversation: {'yes' if recoveries_above else 'NO'}")
    print(f"  active_listening met or partly in every strong conversation: {'yes' if strong_listening else 'NO'}")
    out = ROOT / "results"
    out.mkdir(exist_ok=True)
    (out / "coach.json").write_text(json.dumps({"agreement": overall, "per_criterion": {
        cid: statistics.mean(v) for cid, v in per_criterion.items()}, "means": means, "ordered": ordered,
        "recoveries_above_weak": recoveries_above, "strong_listening": strong_listening, "rows": rows}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
