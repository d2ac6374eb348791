"""Report speed: building the full feedback report for a 200-turn conversation.

Target: under 50 ms. Uses the Eric scenario and a realistic mix of moves and forms, rebuilt from
tracker-style events each time (as the feedback action does).
Run: make bench-report
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from coach import conversation  # noqa: E402
from coach.moves import ROLEPLAY_MOVES  # noqa: E402
from coach.scenario import load_scenario  # noqa: E402

TURNS = 200
RUNS = 30


def events_for(n: int, scenario) -> list[dict]:
    rng = random.Random(11)
    events: list[dict] = [{"event": "session_started"}]
    facts = [f.id for f in scenario.facts]
    for i in range(n):
        move = rng.choice(ROLEPLAY_MOVES)
        form = rng.choice(["open", "closed", "none", "leading", "multiple"])
        text = f"turn {i}: what matters to you about the allotment and your daughter, and the care package?"
        events.append({"event": "user", "text": text, "parse_data": {"intent": {"name": move, "confidence": 0.9},
                                                                     "question_form": {"name": form, "confidence": 0.9}}})
        disclosed = [facts[i % len(facts)]] if i % 7 == 0 else []
        events.append({"event": "slot", "name": "persona_turn", "value": {"disclosed": disclosed, "rapport": 0.5, "mood": "warming"}})
        events.append({"event": "bot", "text": "Eric: Well, I'll tell you about the service I had.",
                       "metadata": {"persona": {"name": "Eric", "mood": "warming",
                                                "line": "Well, I'll tell you about the service I had."}}})
    return events


def main() -> int:
    scenario = load_scenario(ROOT / "scenarios" / "eric-battersby.yml")
    events = events_for(TURNS, scenario)
    conversation.feedback(scenario, events, final=True)  # warm caches (rubric.yml, texts.yml)
    times = []
    for _ in range(RUNS):
        t0 = time.perf_counter()
        report, text = conversation.feedback(scenario, events, final=True)
        times.append(1000 * (time.perf_counter() - t0))
    assert report["figures"]["turns"] == TURNS
    p50, worst = statistics.median(times), sorted(times)[int(0.95 * (len(times) - 1))]
    print(f"Report for a {TURNS}-turn conversation ({RUNS} runs): median {p50:.1f} ms, p95 {worst:.1f} ms "
          f"(target < 50 ms: {'met' if worst < 50 else 'NOT met'})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
