"""Make a signed learner token, as a training portal would (COACH_PORTAL_SECRET from .env).

    .venv/bin/python scripts/portal_token.py --learner alex.smith --hours 8

The portal puts it in the embed: <script src=".../chat/widget.js" data-learner-token="...">.
"""

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from channels.identity import IdentityError, make_token  # noqa: E402
from scripts.launch import settings  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--learner", required=True)
    parser.add_argument("--hours", type=float, default=12)
    args = parser.parse_args()
    secret = settings().get("COACH_PORTAL_SECRET", "")
    if not secret:
        print("Set COACH_PORTAL_SECRET in .env first.", file=sys.stderr)
        return 2
    try:
        print(make_token(secret, args.learner, args.hours))
    except IdentityError as exc:
        print(exc, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
