"""``python -m server <rasa arguments>``: Rasa's own command line (both servers: ``run`` and
``run actions``), with server/quiet.py, server/store_failures.py, server/api_token.py, server/slow_clients.py and
server/speedups.py applied first."""

import sys

from server import api_token, quiet, slow_clients, speedups, store_failures
from server.pinned import PatchRefused


def main() -> None:
    quiet.apply()  # the known start-up notices of Rasa's libraries, nothing else
    try:
        store_failures.apply()  # always: a failed save must fail the turn (not optional like speed)
        api_token.apply()  # always: the API token comes from RASA_API_TOKEN, never from argv
        slow_clients.apply()  # always: a whole request within the request timeout, not each pause
    except PatchRefused as exc:
        sys.exit(f"The Rasa server will not start: {exc}")
    speedups.apply()
    from rasa.__main__ import main as rasa_main

    sys.argv[0] = "rasa"
    rasa_main()


if __name__ == "__main__":
    main()
