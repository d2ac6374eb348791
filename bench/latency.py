"""Latency benchmark: a REST round trip (NLU, rules, action server, SQLite tracker store)
against /model/parse alone, over the same 200 learner messages, each turn followed by a parse of
the same text so that both see the machine in the same state.

Target: a REST turn costs no more than 3x a parse at p50.
Run: make bench-latency   (starts its own servers on free ports; writes results/latency.json)
     COACH_RASA_SPEEDUPS=off make bench-latency   measures Rasa without server/speedups.py
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import free_port, pct  # noqa: E402
from scripts.launch import start_bot  # noqa: E402

TOKEN = "bench-latency"
MESSAGES = [
    "hello eric, I'm sam from the wellbeing team", "what do you enjoy doing these days?",
    "it sounds like wood has always been part of who you are", "who matters most to you?",
    "tell me about your dog", "she sounds like great company", "where do you go when you get out?",
    "what would a good week look like for you?", "that sounds really hard", "what matters most to you now?",
    "do you see much of your daughter?", "are you managing the stairs ok?", "say a bit more about that",
    "so to recap: the allotment, Karen and Nell", "what could we try first?", "lovely cup of tea, thanks",
    "on a scale of 0 to 10 how settled do you feel?", "what's got you through the hard weeks?",
    "you've kept this place going brilliantly", "what would you like to be different?",
]
N = 200
PER_CONVERSATION = 20




def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="bench-latency-"))
    bot = start_bot(overrides={"RASA_PORT": str(free_port()), "ACTION_PORT": str(free_port()),
                               "SQLITE_TRACKER_DB": str(work / "bench.db"), "RASA_API_TOKEN": TOKEN},
                    log_dir=work / "logs")
    session = requests.Session()
    try:
        texts = [MESSAGES[i % len(MESSAGES)] for i in range(N)]
        session.post(f"{bot.rasa_url}/webhooks/rest/webhook", json={"sender": "warm-up", "message": "hello"})
        session.post(f"{bot.rasa_url}/model/parse", params={"token": TOKEN}, json={"text": "hello"})
        rest, parse = [], []
        for i, text in enumerate(texts):  # interleaved, so a busy moment on the machine hits both alike
            sender = f"bench-{i // PER_CONVERSATION}"
            t0 = time.perf_counter()
            r = session.post(f"{bot.rasa_url}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=60)
            rest.append(1000 * (time.perf_counter() - t0))
            r.raise_for_status()
            t0 = time.perf_counter()
            r = session.post(f"{bot.rasa_url}/model/parse", params={"token": TOKEN}, json={"text": text}, timeout=60)
            parse.append(1000 * (time.perf_counter() - t0))
            r.raise_for_status()
    finally:
        bot.stop()
    result = {
        "rasa_speedups": os.environ.get("COACH_RASA_SPEEDUPS", "on"),
        "messages": N,
        "messages_per_conversation": PER_CONVERSATION,
        "rest_ms": {"p50": round(statistics.median(rest), 1), "p95": round(pct(rest, 95), 1)},
        "parse_ms": {"p50": round(statistics.median(parse), 1), "p95": round(pct(parse, 95), 1)},
    }
    result["rest_to_parse_p50"] = round(result["rest_ms"]["p50"] / result["parse_ms"]["p50"], 2)
    print(f"REST round trip over {N} messages: p50 {result['rest_ms']['p50']} ms, p95 {result['rest_ms']['p95']} ms")
    print(f"/model/parse alone:              p50 {result['parse_ms']['p50']} ms, p95 {result['parse_ms']['p95']} ms")
    ok = result["rest_to_parse_p50"] <= 3
    print(f"REST / parse at p50: {result['rest_to_parse_p50']}x (target <= 3x: {'met' if ok else 'NOT met'})")
    out = ROOT / "results"
    out.mkdir(exist_ok=True)
    (out / "latency.json").write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
