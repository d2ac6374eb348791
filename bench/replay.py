"""Replay whole typed conversations through the real NLU and the persona, in this process, and
print each learner turn, how it was read and what the person answered (with the reply's source).

For reviewing the person's relevance on realistic input: a reviewer writes conversations the way
practitioners type, runs them, and judges every reply (relevant, partly, non-sequitur) by hand.
The conversations file is YAML: a list of {id, scenario, turns: [text, ...]} (or turns as
{say: text, ...}, as in bench/relevance/conversations.yml).

Run: .venv/bin/python bench/replay.py FILE [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from coach import check, persona  # noqa: E402
from coach.conversation import move_and_form  # noqa: E402
from coach.scenario import load_all  # noqa: E402


def replay(conversations: list[dict], nlu) -> list[dict]:
    scenarios = load_all(ROOT / "scenarios")
    out = []
    for conv in conversations:
        sc = scenarios[conv["scenario"]]
        state = persona.new_state(sc)
        # The person's first words, as the chat opens with them (the reviewer's first turn can answer them).
        opening = persona.opening(sc, state, random.Random(f"replay|{conv['id']}|0"))
        rows = []
        for i, item in enumerate(conv["turns"], 1):
            text = item["say"] if isinstance(item, dict) else item  # {say, fits, why} (bench/relevance) or text
            parse = nlu.parse(text)
            move, form, _ = move_and_form(parse)
            moves = [m.get("name") for m in parse.get("moves") or []]
            area = (parse.get("life_area") or {}).get("name")
            if move in check.LEAVES:
                rows.append({"n": i, "text": text, "read": f"{move} ({form})", "moves": moves, "area": area,
                             "reply": f"[the coach answers: {move}]", "source": f"coach:{move}",
                             "rapport": state["rapport"]})
                continue
            turn = persona.respond(sc, state, move, form, text, random.Random(f"replay|{conv['id']}|{i}"), parse=parse)
            state = turn.state
            rows.append({"n": i, "text": text, "read": f"{move} ({form})", "moves": moves, "area": area,
                         "reply": turn.reply, "source": turn.source, "rapport": state["rapport"]})
        out.append({"id": conv["id"], "scenario": sc.id, "opening": opening, "turns": rows})
    nlu.save()
    return out


def replay_file(path: Path) -> tuple[list[dict], list[dict], Path]:
    """The conversations in a file, their replay with the newest trained model, and that model."""
    model = check.latest_model()
    if model is None:
        sys.exit("No trained model in models/: run make train first.")
    conversations = yaml.safe_load(path.read_text(encoding="utf-8"))
    return conversations, replay(conversations, check.RasaNLU(model)), model


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("file", type=Path)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    _, result, model = replay_file(args.file)
    print(f"model {model.name}")
    for conv in result:
        print(f"\n=== {conv['id']} ({conv['scenario']})\n    P: {conv['opening']}")
        for t in conv["turns"]:
            print(f"{t['n']:>2}. L: {t['text']}\n    read as {t['read']} moves={t['moves']} area={t['area']}\n"
                  f"    P: {t['reply']}  [{t['source']}; rapport {t['rapport']:.2f}]")
    if args.json:
        args.json.write_text(json.dumps(result, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
