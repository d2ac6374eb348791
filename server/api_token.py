"""Rasa's HTTP API token from the environment (RASA_API_TOKEN), never from the command line.

`rasa run --enable-api` takes its token only as ``--auth-token <token>``: on the command line, where
`ps` and /proc/<pid>/cmdline show it to every user of the machine (issue 14, F9). Here the token is
read from RASA_API_TOKEN (the environment or .env, through coach/settings.py) and put into the
parsed arguments just before Rasa's ``run`` command runs, so it never appears in any argv.

Rasa still accepts the token from a client only as ``?token=`` in the URL (``rasa.server.requires_auth``),
so it lands in the access logs of anything between the client and Rasa: keep the API off, or
reachable only from the machine or a private network, never through a public proxy.

Patch target: ``rasa.cli.run.run`` (wrapped, not changed), which ``rasa.cli.run.add_subparser``
looks up when Rasa builds its parser, of Rasa 3.6.21 exactly; both hashes are checked before
wrapping (and by tests/test_api_token.py).
"""

from __future__ import annotations

import argparse
import logging
import sys

from server.pinned import check as check_pinned

logger = logging.getLogger(__name__)

TARGET = "rasa.cli.run.run"
ORIGINALS = {  # what the wrapper relies on -> SHA-256 of its source in Rasa 3.6.21
    "rasa.cli.run.run": "35eb7c3ccb78cbfcc99fcfbf1736b364db0020ff991ca1fad3b400af1813ee5c",
    "rasa.cli.run.add_subparser": "48184ebbd77e4996fd28d85a785290c4d3fd56341dfd8d2860f9b4937f74e012",
}


def check() -> None:
    from rasa.cli import run as cli_run

    check_pinned(__name__, {"rasa.cli.run.run": (cli_run.run, ORIGINALS["rasa.cli.run.run"]),
                            "rasa.cli.run.add_subparser": (cli_run.add_subparser,
                                                           ORIGINALS["rasa.cli.run.add_subparser"])})


def fill_token(args: argparse.Namespace) -> None:
    """With --enable-api, the token comes from RASA_API_TOKEN; the API never starts without one."""
    from coach.settings import current

    if not getattr(args, "enable_api", False):
        return
    if getattr(args, "auth_token", None):
        logger.warning("--auth-token on the command line shows the token to every user of this machine "
                       "(ps); set RASA_API_TOKEN in the environment or .env instead.")
        return
    token = current().rasa_api_token
    if not token:
        sys.exit("Rasa's HTTP API needs a token: set RASA_API_TOKEN in the environment or .env.")
    args.auth_token = token


def apply() -> None:
    """Wrap Rasa's `run` command once; PatchRefused on any other Rasa."""
    from rasa.cli import run as cli_run

    if getattr(cli_run.run, "_coach_token_from_env", False):
        return
    check()
    original = cli_run.run

    def run(args: argparse.Namespace) -> None:
        fill_token(args)
        original(args)

    run.__doc__ = original.__doc__
    run._coach_token_from_env = True
    cli_run.run = run
