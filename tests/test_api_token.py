"""server/api_token.py: Rasa's API token comes from RASA_API_TOKEN into the parsed arguments, on
the exact Rasa it was written for; the launcher never puts it on a command line."""

import pytest
import rasa
from rasa.cli import run as cli_run

from server import api_token
from server.pinned import PatchRefused


@pytest.fixture
def wrapped():
    original = cli_run.run
    api_token.apply()
    yield
    cli_run.run = original


def rasa_args(*argv):
    from rasa.__main__ import create_argument_parser

    return create_argument_parser().parse_args(list(argv))


def test_the_patch_is_pinned_to_this_rasa(monkeypatch):
    api_token.check()
    monkeypatch.setattr(rasa, "__version__", "3.6.22")
    with pytest.raises(PatchRefused, match="3.6.21"):
        api_token.check()


def test_rasas_own_parser_runs_through_the_wrapper_which_takes_the_token_from_the_environment(wrapped, monkeypatch):
    monkeypatch.setenv("RASA_API_TOKEN", "from-the-environment-8d1")
    args = rasa_args("run", "--enable-api", "--port", "5999")
    assert args.func is cli_run.run and args.func._coach_token_from_env
    assert args.auth_token is None  # nothing on the command line
    api_token.fill_token(args)
    assert args.auth_token == "from-the-environment-8d1"


def test_no_token_no_api(wrapped, monkeypatch):
    monkeypatch.setenv("RASA_API_TOKEN", "")
    with pytest.raises(SystemExit, match="RASA_API_TOKEN"):
        api_token.fill_token(rasa_args("run", "--enable-api"))
    args = rasa_args("run")  # the API off: no token needed, none set
    api_token.fill_token(args)
    assert args.auth_token is None


def test_the_launcher_never_puts_the_token_on_a_command_line(monkeypatch, tmp_path):
    from scripts import launch

    started = []

    class Started(Exception):
        pass

    def popen(args, **kwargs):
        started.append((args, kwargs["env"]))
        raise Started

    monkeypatch.setattr(launch.subprocess, "Popen", popen)
    with pytest.raises(Started):
        launch.start_bot({"RASA_API_TOKEN": "secret-token-3f9", "SQLITE_TRACKER_DB": str(tmp_path / "c.db")},
                         model=tmp_path / "model.tar.gz")
    args, env = started[0]  # the action server: neither its arguments nor its environment
    assert "secret-token-3f9" not in " ".join(args) and "secret-token-3f9" not in env.values()
