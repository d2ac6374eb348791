"""Load benchmark: N learners at once, each holding a realistic conversation with think time.

Each learner uses the web chat's API as the chat page does: opening the chat fetches the brief,
then, after reading time, each message is one turn. Reports p50/p95/p99 turn latency, errors and
the servers' memory, and in the same run /model/parse alone as the floor (400 parses, half before
and half after the load). Each learner comes from a loopback address of its own, as learners on
their own machines do (the coach limits messages per client address). Targets on the 2-core
machine: 0 errors at 50 and at 200 learners; p95 turn latency at 10 learners within 4x the parse
floor's p95.
Run: make bench-load   (N = 10, 50 and 200 by default; --learners 10 50 200 --turns 10 --channel web|rest;
     with rest, the first message also starts the conversation, as a REST client's does)
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import free_port, loopback, pct, session_from  # noqa: E402
from coach.texts import render  # noqa: E402
from scripts.launch import start_bot  # noqa: E402

TOKEN = "bench-load"
CONVERSATION = [
    "hello, I'm from the wellbeing team, thanks for seeing me", "what do you enjoy doing these days?",
    "it sounds like that has always mattered to you", "who are the people who matter most to you?",
    "tell me about your dog", "where do you like to go when you get out?", "that sounds lovely",
    "what would a really good week look like for you?", "what matters most to you now?",
    "so to recap: the things you love, the people around you and what you want next",
    "can I have a hint", "thanks, I'll leave you in peace now",
]




def rss_mb(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def floor_times(url: str, n: int = 200) -> list[float]:
    """/model/parse alone on an otherwise idle server, over the conversation's own messages."""
    s = requests.Session()
    times = []
    for i in range(n):
        t0 = time.perf_counter()
        s.post(f"{url}/model/parse", params={"token": TOKEN}, json={"text": CONVERSATION[i % len(CONVERSATION)]}, timeout=60)
        times.append(1000 * (time.perf_counter() - t0))
    return times


def summary(times: list[float]) -> dict:
    return {"p50": round(statistics.median(times), 1), "p95": round(pct(times, 95), 1), "n": len(times)}


NOTICES = {render(key) for key in ("notice_slow", "notice_no_reply", "notice_not_saved")}
SLOW = "slow: answered with the still-working notice"


def send(s: requests.Session, url: str, channel: str, sender: str, text: str) -> str | None:
    """One learner message; None when it was answered, SLOW when the coach's notice came instead
    of the reply (channels/guard.py: after COACH_REPLY_TIMEOUT_S), else what went wrong."""
    try:
        if channel == "web":
            r = s.post(f"{url}/chat/api/message", json={"sender": sender, "message": text}, timeout=120)
            shown = r.json().get("messages") if r.status_code == 200 else None
        else:
            r = s.post(f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=120)
            shown = r.json() if r.status_code == 200 else None
        if not shown:
            return f"HTTP {r.status_code} / empty reply"
        texts = [m.get("text") for m in shown]
        return SLOW if texts and all(t in NOTICES for t in texts if t) and any(t in NOTICES for t in texts) else None
    except (requests.RequestException, ValueError) as exc:
        cause = exc.__context__ or exc.__cause__
        while getattr(cause, "__context__", None) is not None:  # the socket's own error, under urllib3's
            cause = cause.__context__
        return f"{type(exc).__name__} ({type(cause).__name__})" if cause is not None else type(exc).__name__


def run(url: str, pids: list[int], learners: int, turns: int, think: tuple[float, float], seed: int,
        channel: str = "web") -> dict:
    latencies: list[float] = []
    starts: list[float] = []  # web chat: opening the chat (the brief), before the learner types
    errors: list[str] = []
    slow = [0]  # turns answered with the still-working notice instead of the reply
    lock = threading.Lock()
    peak = [rss_mb(pids)]
    done = threading.Event()

    def learner(i: int) -> None:
        rng = random.Random(f"{seed}-{i}")
        s = session_from(loopback(i))
        sender = f"load-{seed}-{learners}-{i}"
        time.sleep(rng.uniform(0, think[1]))  # learners arrive spread out, as a class does
        if channel == "web":  # the page opens and shows the brief; the learner reads it first
            t0 = time.perf_counter()
            err = send(s, url, channel, sender, "/session_start")
            with lock:
                starts.append(1000 * (time.perf_counter() - t0))
                if err == SLOW:
                    slow[0] += 1
                elif err:
                    errors.append(err)
            time.sleep(rng.uniform(*think))
        for text in CONVERSATION[:turns]:
            t0 = time.perf_counter()
            err = send(s, url, channel, sender, text)
            ms = 1000 * (time.perf_counter() - t0)
            with lock:
                latencies.append(ms)
                if err == SLOW:
                    slow[0] += 1
                elif err:
                    errors.append(err)
            time.sleep(rng.uniform(*think))

    def sample() -> None:
        while not done.wait(0.5):
            peak[0] = max(peak[0], rss_mb(pids))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started = time.perf_counter()
    threads = [threading.Thread(target=learner, args=(i,)) for i in range(learners)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    done.set()
    return {"learners": learners, "turns": len(latencies), "errors": len(errors), "error_kinds": sorted(set(errors)),
            "slow_notices": slow[0],
            "seconds": round(time.perf_counter() - started, 1),
            "turn_ms": {"p50": round(pct(latencies, 50), 1), "p95": round(pct(latencies, 95), 1), "p99": round(pct(latencies, 99), 1)},
            "session_start_ms": {"p50": round(pct(starts, 50), 1), "max": round(max(starts), 1)} if starts else None,
            "server_rss_mb_peak": round(peak[0], 1)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--learners", type=int, nargs="+", default=[10, 50, 200])
    parser.add_argument("--turns", type=int, default=10)
    parser.add_argument("--think", type=float, nargs=2, default=[2.0, 6.0], help="seconds between a learner's turns")
    parser.add_argument("--channel", choices=["web", "rest"], default="web",
                        help="web: the chat's API, as learners use it (opening the chat, then messages); "
                             "rest: Rasa's REST channel, where the first message also starts the session")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-load-"))
    bot = start_bot(overrides={"RASA_PORT": str(free_port()), "ACTION_PORT": str(free_port()),
                               "SQLITE_TRACKER_DB": str(work / "load.db"), "RASA_API_TOKEN": TOKEN},
                    log_dir=work / "logs")
    pids = [p.pid for p in bot.processes]
    try:
        requests.post(f"{bot.rasa_url}/webhooks/rest/webhook", json={"sender": "warm-up", "message": "hello"}, timeout=60)
        before = floor_times(bot.rasa_url)
        result = {"channel": args.channel, "runs": []}
        for n in args.learners:
            result["runs"].append(run(bot.rasa_url, pids, n, args.turns, tuple(args.think), seed=n,
                                      channel=args.channel))
        after = floor_times(bot.rasa_url)
        # The floor pools the parses measured before and after the load, so one slow moment in a
        # short sample does not move the target either way.
        result.update(parse_floor_ms=summary(before + after), parse_floor_before_ms=summary(before),
                      parse_floor_after_ms=summary(after))
    finally:
        bot.stop()
    f = result["parse_floor_ms"]
    print(f"/model/parse floor: p50 {f['p50']} ms, p95 {f['p95']} ms (idle server, {f['n']} parses before and after "
          f"the load; p95 before {result['parse_floor_before_ms']['p95']}, after {result['parse_floor_after_ms']['p95']})")
    for r in result["runs"]:
        t = r["turn_ms"]
        print(f"{r['learners']:>3} learners: {r['turns']} turns in {r['seconds']} s; turn latency p50 {t['p50']} ms, "
              f"p95 {t['p95']} ms, p99 {t['p99']} ms; errors {r['errors']} {r['error_kinds'] or ''}; "
              f"answered with the still-working notice {r['slow_notices']}; "
              f"servers' memory peak {r['server_rss_mb_peak']} MB"
              + (f"; opening the chat p50 {r['session_start_ms']['p50']} ms" if r["session_start_ms"] else ""))
    by_n = {r["learners"]: r for r in result["runs"]}
    for n in (50, 200):
        if n in by_n:
            print(f"target 0 errors at {n} learners: {'met' if by_n[n]['errors'] == 0 else 'NOT met'}")
    if 10 in by_n:
        ratio = by_n[10]["turn_ms"]["p95"] / f["p95"]
        print(f"target p95 at 10 learners within 4x the parse floor's p95: {ratio:.1f}x ({'met' if ratio <= 4 else 'NOT met'})")
    out = ROOT / "results"
    out.mkdir(exist_ok=True)
    (out / "load.json").write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
