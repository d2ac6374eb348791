"""Records benchmark (issue 14, F4): a learner's progress and a page of the trainer's session list
at 10,000 stored conversations, and what they cost learners who are talking at the same time.

1. Start the bot on a fresh SQLite file and hold a few real conversations over the web chat (four
   scenarios; finished and not).
2. Copy their rows, as the tracker store wrote them into Rasa's `events` table, into 10,000
   conversations: new conversation ids, 2,500 learners with four conversations each (their id in
   the messages' and the session start's metadata, as the chat sends it), spread over 90 days.
3. Time /chat/api/progress (a random learner each call) and /trainer/api/sessions (page 1, a
   later page, one scenario) one call at a time: the first call of each, then p50/p95/max.
4. Learners' turn latency over the web chat: alone; while a cohort's readers are at work (a
   learner's progress once a second, a trainer's page every 5 seconds); alone; while one client
   reads as fast as it may (progress 4 times a second from one address: COACH_RATE_PER_ADDRESS
   allows 5; and a trainer's page every 2 seconds); alone. Each progress call names a random
   learner, so nearly every one builds that learner's reports afresh. (The finding's 8 callers
   managed 0.7 calls a second.)

Targets: each call under 300 ms (p95, warm); learners' p95 with the readers within 20% of it
without them (the mean of the runs without).
Run: make bench-records   (--conversations 10000 --learners 10 --seconds 60; writes results/records.json)
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import free_port, loopback, pct, session_from  # noqa: E402
from bench.load import CONVERSATION  # noqa: E402
from scripts.launch import start_bot  # noqa: E402

TRAINER = "bench-records-trainer-token"
TEMPLATES = [  # (scenario, lines, finish): real conversations whose rows are copied
    ("eric-battersby", CONVERSATION[:10], True),
    ("rhi-pugh", ["hello Rhi, I'm Sam", "what do you enjoy doing?", "who is there for you?",
                  "what would you like to be different?"], True),
    ("lorraine-pritchard", ["hello Lorraine", "how have you been sleeping?", "what helps at night?"], False),
    ("danny-hedley", ["hi Danny, I'm Sam", "what do you like doing in the week?", "who matters most to you?",
                      "what would a really good week look like?", "what would you like to try first?"], True),
]
DAY = 86400.0


def chat(s: requests.Session, url: str, sender: str, text: str, metadata: dict | None = None) -> requests.Response:
    body = {"sender": sender, "message": text, **({"metadata": metadata} if metadata else {})}
    return s.post(f"{url}/chat/api/message", json=body, timeout=120)


def hold_templates(url: str) -> list[str]:
    senders = []
    s = session_from(loopback(0))
    for scenario, lines, finish in TEMPLATES:
        sender = f"template-{uuid.uuid4().hex[:12]}"
        meta = {"scenario": scenario, "learner": "template-learner"}
        for text in ["/session_start", *lines, *(["/goodbye"] if finish else [])]:
            chat(s, url, sender, text, meta).raise_for_status()
        senders.append(sender)
    return senders


def generate(db: Path, templates: list[str], conversations: int, seed: int = 14) -> dict:
    """Copy the template conversations' rows into `conversations` new ones, in one transaction."""
    rng = random.Random(seed)
    with sqlite3.connect(db, timeout=60) as con:
        rows = {s: con.execute("SELECT type_name, timestamp, intent_name, action_name, data FROM events "
                               "WHERE sender_id = ? ORDER BY id", (s,)).fetchall() for s in templates}
        learners = [f"learner-{uuid.UUID(int=rng.getrandbits(128)).hex}" for _ in range(max(1, conversations // 4))]
        now, out, owner = time.time(), [], {}
        for i in range(conversations):
            sender, learner = f"gen-{i:05d}-{rng.getrandbits(32):08x}", learners[i % len(learners)]
            template = rows[templates[i % len(templates)]]
            shift = (now - rng.uniform(1, 90) * DAY) - template[0][1]
            for kind, stamp, intent, action, data in template:
                event = json.loads(data)
                event["timestamp"] = stamp + shift
                if kind == "user" and isinstance(event.get("metadata"), dict) and "learner" in event["metadata"]:
                    event["metadata"]["learner"] = learner
                if kind == "slot" and action == "session_started_metadata" and isinstance(event.get("value"), dict):
                    event["value"]["learner"] = learner
                out.append((sender, kind, stamp + shift, intent, action, json.dumps(event)))
            owner.setdefault(learner, []).append(sender)
        con.executemany("INSERT INTO events (sender_id, type_name, timestamp, intent_name, action_name, data) "
                        "VALUES (?, ?, ?, ?, ?, ?)", out)
        total = con.execute("SELECT COUNT(*), COUNT(DISTINCT sender_id) FROM events").fetchone()
    return {"learners": owner, "rows": total[0], "conversations": total[1]}


def timed(s: requests.Session, url: str, **kwargs) -> tuple[float, requests.Response]:
    t0 = time.perf_counter()
    resp = s.get(url, timeout=300, **kwargs)
    return 1000 * (time.perf_counter() - t0), resp


def calls(name: str, make, n: int) -> dict:
    """The first call (cold), then n more, one at a time."""
    first, resp = make()
    resp.raise_for_status()
    times = []
    for _ in range(n):
        ms, resp = make()
        resp.raise_for_status()
        times.append(ms)
    return {"call": name, "first_ms": round(first, 1), "p50_ms": round(pct(times, 50), 1),
            "p95_ms": round(pct(times, 95), 1), "max_ms": round(max(times), 1), "n": n, "bytes": len(resp.content)}


def learners(url: str, n: int, seconds: float, tag: str, think=(1.0, 3.0)) -> list[float]:
    """n learners talking over the web chat for `seconds`: every turn's latency (ms)."""
    latencies, lock, stop = [], threading.Lock(), time.monotonic() + seconds

    def one(i: int) -> None:
        rng, s = random.Random(f"{tag}-{i}"), session_from(loopback(10 + i))
        while time.monotonic() < stop:
            sender = f"bench-{tag}-{i}-{uuid.uuid4().hex[:8]}"
            chat(s, url, sender, "/session_start").raise_for_status()
            for text in CONVERSATION[:8]:
                if time.monotonic() >= stop:
                    return
                time.sleep(rng.uniform(*think))
                t0 = time.perf_counter()
                chat(s, url, sender, text).raise_for_status()
                with lock:
                    latencies.append(1000 * (time.perf_counter() - t0))

    threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies


READERS = {"cohort": (1, 5.0), "one client at its limit": (4, 2.0)}  # progress callers (1 a second each), trainer every s


def callers(url: str, owners: list[str], stop: threading.Event, counts: dict, progress_callers: int,
            trainer_every_s: float) -> list[threading.Thread]:
    """`progress_callers` callers from one client address, each asking for a random learner's progress
    once a second, and a trainer (at another address) turning a page every `trainer_every_s`."""
    def every(seconds: float, call) -> None:
        due = time.monotonic()
        while not stop.is_set():
            call()
            due += seconds
            stop.wait(max(0.0, due - time.monotonic()))

    def progress(i: int) -> None:
        rng, s = random.Random(i), session_from(loopback(240))

        def call():
            s.get(f"{url}/chat/api/progress", params={"learner": rng.choice(owners)}, timeout=300).raise_for_status()
            counts["progress"] += 1
        time.sleep(rng.uniform(0, 1.0))
        every(1.0, call)

    def trainer() -> None:
        s, page = session_from(loopback(239)), [0]

        def call():
            page[0] = page[0] % 40 + 1
            s.get(f"{url}/trainer/api/sessions", params={"page": page[0]}, timeout=300,
                  headers={"Authorization": f"Bearer {TRAINER}"}).raise_for_status()
            counts["trainer"] += 1
        every(trainer_every_s, call)

    threads = [threading.Thread(target=progress, args=(i,)) for i in range(progress_callers)] + [threading.Thread(target=trainer)]
    for t in threads:
        t.start()
    return threads


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--conversations", type=int, default=10_000)
    parser.add_argument("--learners", type=int, default=10, help="learners talking while the pages are read")
    parser.add_argument("--seconds", type=float, default=60, help="length of each learners' run")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-records-"))
    db = work / "records.db"
    bot = start_bot(overrides={"RASA_PORT": str(free_port()), "ACTION_PORT": str(free_port()),
                               "SQLITE_TRACKER_DB": str(db), "COACH_TRAINER_TOKEN": TRAINER},
                    log_dir=work / "logs")
    url, result = bot.rasa_url, {"conversations": args.conversations}
    auth = {"Authorization": f"Bearer {TRAINER}"}
    try:
        s = session_from(loopback(0))
        templates = hold_templates(url)
        s.get(f"{url}/chat/api/progress", params={"learner": "template-learner"}, timeout=60).raise_for_status()
        t0 = time.perf_counter()
        made = generate(db, templates, args.conversations)
        result.update(rows=made["rows"], stored_conversations=made["conversations"],
                      generate_s=round(time.perf_counter() - t0, 1))
        owners = sorted(made["learners"])
        rng = random.Random(1)
        result["calls"] = [
            calls("trainer page 1", lambda: timed(s, f"{url}/trainer/api/sessions", headers=auth), 20),
            calls("trainer page 40", lambda: timed(s, f"{url}/trainer/api/sessions", params={"page": 40}, headers=auth), 20),
            calls("trainer page, one scenario", lambda: timed(s, f"{url}/trainer/api/sessions",
                                                              params={"scenario": "rhi-pugh"}, headers=auth), 20),
            calls("progress", lambda: timed(s, f"{url}/chat/api/progress", params={"learner": rng.choice(owners)}), 50),
            calls("record", lambda: timed(s, f"{url}/chat/api/record", params={"learner": rng.choice(owners)}), 20),
        ]
        alone, beside = [learners(url, args.learners, args.seconds, "alone-0")], {}
        for n, (name, (progress_callers, trainer_every_s)) in enumerate(READERS.items()):
            stop, counts = threading.Event(), {"progress": 0, "trainer": 0}
            running = callers(url, owners, stop, counts, progress_callers, trainer_every_s)
            times = learners(url, args.learners, args.seconds, f"beside-{n}")
            stop.set()
            for t in running:
                t.join()
            beside[name] = (times, counts, progress_callers, trainer_every_s)
            alone.append(learners(url, args.learners, args.seconds, f"alone-{n + 1}"))
    finally:
        bot.stop()

    def summary(times):
        return {"turns": len(times), "p50_ms": round(pct(times, 50), 1), "p95_ms": round(pct(times, 95), 1)}

    base = sum(pct(times, 95) for times in alone) / len(alone)
    result["learners"] = {"n": args.learners, "alone": [summary(times) for times in alone],
                          "alone_p95_mean_ms": round(base, 1), "beside": {}}
    for name, (times, counts, progress_callers, trainer_every_s) in beside.items():
        rise = pct(times, 95) / base - 1
        result["learners"]["beside"][name] = {**summary(times), "progress_per_s": progress_callers,
                                              "trainer_page_every_s": trainer_every_s, "calls": counts,
                                              "p95_rise": round(rise, 3)}

    print(f"{result['stored_conversations']} conversations stored ({result['rows']} rows; generated in {result['generate_s']} s)")
    for c in result["calls"]:
        ok = "met" if c["p95_ms"] < 300 else "NOT met"
        print(f"{c['call']:>28}: first {c['first_ms']} ms, then p50 {c['p50_ms']} ms, p95 {c['p95_ms']} ms, "
              f"max {c['max_ms']} ms over {c['n']} ({c['bytes']} bytes); target p95 < 300 ms: {ok}")
    lr = result["learners"]
    print(f"{lr['n']} learners' turns alone: p95 " + ", ".join(f"{a['p95_ms']} ms" for a in lr["alone"])
          + f" (mean {lr['alone_p95_mean_ms']} ms); p50 " + ", ".join(f"{a['p50_ms']} ms" for a in lr["alone"]))
    for name, b in lr["beside"].items():
        print(f"  beside {name} (progress {b['progress_per_s']} a second, a trainer page every {b['trainer_page_every_s']:g} s; "
              f"{b['calls']['progress']} progress and {b['calls']['trainer']} trainer calls): p50 {b['p50_ms']} ms, "
              f"p95 {b['p95_ms']} ms, {b['p95_rise']:+.0%} ({'met' if b['p95_rise'] <= 0.2 else 'NOT met'}: target +20%)")
    out = ROOT / "results"
    out.mkdir(exist_ok=True)
    (out / "records.json").write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
