"""Relevance on realistic, held-out conversations: does the person answer what was asked?

bench/relevance/conversations.yml holds whole conversations typed as practitioners type, written
by a practice educator before anything was run, each learner turn with the sources a fitting
reply may come from (a fact id, area:..., reaction:..., rail:..., reply:<move> or reply:*). This
replays them through the real NLU and the persona (in this process, as bench/replay.py does) and
prints the share of replies that come from a fitting source: overall, by learner style and by
scenario, and each miss. A fact id covers telling it, more about it and referring back to it.

Never tune persona rules or scenario lines to these rows: they measure, they do not teach.

Run: make bench-relevance   (or .venv/bin/python bench/relevance.py [FILE] [--misses])
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.replay import replay_file  # noqa: E402

DEFAULT = ROOT / "bench" / "relevance" / "conversations.yml"


def fits(source: str, allowed: list[str]) -> bool:
    """Whether a reply's source is one the writer said a fitting reply may come from."""
    if source in allowed:
        return True
    if source == "reaction:apology":
        # The apology reaction (added after the sets were written) stands in for the agree_agenda
        # reply, which answers an apology in a scenario without one: it fits where that would.
        return "reply:agree_agenda" in allowed or "reply:*" in allowed
    return source.startswith("reply:") and "reply:*" in allowed


def score(conversations: list[dict], result: list[dict]) -> dict:
    by: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    misses = []
    for conv, got in zip(conversations, result):
        for item, row in zip(conv["turns"], got["turns"]):
            if row["source"].startswith("coach:"):
                continue  # the coach answered (a report, a hint): not the person's reply
            ok = fits(row["source"], [str(s) for s in item.get("fits") or []])
            for key in ("all", f"style:{conv.get('style', '?')}", f"scenario:{conv['scenario']}"):
                by[key][0] += ok
                by[key][1] += 1
            if not ok:
                misses.append((conv["id"], row, item))
    return {"by": dict(by), "misses": misses}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("file", type=Path, nargs="?", default=DEFAULT)
    ap.add_argument("--misses", action="store_true", help="print every reply that did not fit")
    args = ap.parse_args(argv)
    conversations, result, model = replay_file(args.file)
    figures = score(conversations, result)
    print(f"relevance on {args.file.relative_to(ROOT) if args.file.is_relative_to(ROOT) else args.file} "
          f"(model {model.name}): replies from a fitting source")
    for key, (ok, n) in sorted(figures["by"].items(), key=lambda kv: (kv[0] != "all", kv[0])):
        print(f"  {key:32} {ok:>3}/{n:<3} {ok / n:.3f}")
    if args.misses:
        for cid, row, item in figures["misses"]:
            print(f"\n  {cid} #{row['n']}: {row['text']}\n    read {row['read']} moves={row['moves']} "
                  f"area={row['area']}\n    P: {row['reply']} [{row['source']}]\n    fits: {item.get('fits')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
