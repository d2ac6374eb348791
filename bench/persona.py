"""Persona benchmark: every scenario's probes replayed through the running bot (the real NLU, rules,
action server and tracker store), and how long the person's replies are for a strong and a weak
scripted learner.

A probe passes when the person's reply comes from one of the sources it allows (a fact, a rail,
an area, a reaction or a reply: docs/scenario-format.md, "probes"). A probe that starts at a set
rapport gets it as a slot event after the session starts, as the check does in memory.
Target: every scenario >= 90% (coach.check.PASS_RATE); strong-learner replies clearly longer.
Run: make bench-persona   (starts its own servers on free ports; writes results/persona.json)
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import free_port  # noqa: E402
from coach import check  # noqa: E402
from coach.language import words  # noqa: E402
from coach.scenario import load_all  # noqa: E402
from scripts.launch import start_bot  # noqa: E402

TOKEN = "bench-persona"


class Bot:
    def __init__(self, url: str):
        self.url = url
        self.http = requests.Session()
        self.turn_ms: list[float] = []

    def say(self, sender: str, text: str, metadata: dict | None = None, timed: bool = True) -> list[str]:
        body = {"sender": sender, "message": text, **({"metadata": metadata} if metadata else {})}
        t0 = time.perf_counter()
        r = self.http.post(f"{self.url}/webhooks/rest/webhook", json=body, timeout=60)
        if timed:
            self.turn_ms.append(1000 * (time.perf_counter() - t0))
        r.raise_for_status()
        return [m.get("text", "") for m in r.json()]

    def slot(self, sender: str, name: str):
        r = self.http.get(f"{self.url}/conversations/{sender}/tracker", params={"token": TOKEN}, timeout=30)
        r.raise_for_status()
        return r.json()["slots"].get(name)

    def set_slot(self, sender: str, name: str, value) -> None:
        r = self.http.post(f"{self.url}/conversations/{sender}/tracker/events", params={"token": TOKEN},
                           json=[{"event": "slot", "name": name, "value": value}], timeout=30)
        r.raise_for_status()


def person_line(sc, texts: list[str]) -> str:
    prefix = f"{sc.short_name}: "
    lines = [t[len(prefix):] for t in texts if t.startswith(prefix)]
    return lines[-1] if lines else ""


def start(bot: Bot, sc, sender: str) -> None:
    """A new conversation with this scenario, before any learner turn."""
    bot.say(sender, "/session_start", {"scenario": sc.id}, timed=False)


def run_probe(bot: Bot, sc, probe, sources: dict) -> dict:
    sender = f"probe-{sc.id}-{probe.id}-{uuid.uuid4().hex[:6]}"
    start(bot, sc, sender)
    if probe.rapport is not None:
        state = bot.slot(sender, "persona_state")
        bot.set_slot(sender, "persona_state", {**state, "rapport": probe.rapport})
    texts: list[str] = []
    for t in list(probe.setup) + [probe.turn]:
        texts = bot.say(sender, t.say)
    line = person_line(sc, texts)
    found = sources.get(line, set())
    turn = bot.slot(sender, "persona_turn") or {}
    passed = bool(line) and any(check.fits(s, probe.expect) for s in found)
    return {"probe": probe.id, "passed": passed, "said": probe.turn.say, "reply": line or " | ".join(texts),
            "read": f"{turn.get('move')} ({turn.get('form')})", "sources": sorted(found), "expect": list(probe.expect)}


def words_per_reply(bot: Bot, sc, turns: list[str]) -> list[int]:
    sender = f"length-{sc.id}-{uuid.uuid4().hex[:6]}"
    start(bot, sc, sender)
    out = []
    for text in turns:
        line = person_line(sc, bot.say(sender, text))
        if line:
            out.append(len(words(line)))
    return out


def main() -> int:
    scenarios = load_all(ROOT / "scenarios")
    work = Path(tempfile.mkdtemp(prefix="bench-persona-"))
    bot_proc = start_bot(overrides={"RASA_PORT": str(free_port()), "ACTION_PORT": str(free_port()),
                                    "SQLITE_TRACKER_DB": str(work / "bench.db"), "RASA_API_TOKEN": TOKEN,
                                    "COACH_RATE_PER_MINUTE": "100000", "COACH_RATE_PER_ADDRESS": "100000"},
                         log_dir=work / "logs")
    bot = Bot(bot_proc.rasa_url)
    result = {"scenarios": {}}
    ok = True
    try:
        for sid, sc in sorted(scenarios.items()):
            sources = sc.sources()
            probes = [run_probe(bot, sc, p, sources) for p in sc.probes]
            passed = sum(p["passed"] for p in probes)
            rate = passed / len(probes) if probes else 1.0
            strong = words_per_reply(bot, sc, [t.text for t in check.strong_learner(sc).turns])
            weak = words_per_reply(bot, sc, [text for text, _, _ in check.WEAK_SCRIPT])
            row = {"probes": len(probes), "passed": passed, "rate": round(rate, 3),
                   "failed": [p for p in probes if not p["passed"]],
                   "strong_words_per_reply": round(statistics.mean(strong), 1) if strong else None,
                   "weak_words_per_reply": round(statistics.mean(weak), 1) if weak else None}
            result["scenarios"][sid] = row
            ok = ok and rate >= check.PASS_RATE
            print(f"{sid}: probes {passed}/{len(probes)} ({rate:.0%}, target {check.PASS_RATE:.0%}: "
                  f"{'met' if rate >= check.PASS_RATE else 'NOT met'}); words per reply: strong "
                  f"{row['strong_words_per_reply']}, weak {row['weak_words_per_reply']}")
            for p in row["failed"]:
                print(f"  FAILED {p['probe']}: '{p['said']}' read as {p['read']} -> '{p['reply'][:80]}' "
                      f"[{', '.join(p['sources']) or 'no known line'}]; expected {', '.join(p['expect'])}")
    finally:
        bot_proc.stop()
    result["rest_turn_ms_p50"] = round(statistics.median(bot.turn_ms), 1) if bot.turn_ms else None
    print(f"REST turn p50 over {len(bot.turn_ms)} turns: {result['rest_turn_ms_p50']} ms")
    out = ROOT / "results"
    out.mkdir(exist_ok=True)
    (out / "persona.json").write_text(json.dumps(result, indent=2))
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
