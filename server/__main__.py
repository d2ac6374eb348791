"""``python -m server <rasa arguments>``: Rasa's own command line, with server/speedups.py applied."""

import sys

from server import speedups


def main() -> None:
    speedups.apply()
    from rasa.__main__ import main as rasa_main

    sys.argv[0] = "rasa"
    rasa_main()


if __name__ == "__main__":
    main()
