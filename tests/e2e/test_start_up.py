"""Starting the bot is readable for a newcomer: the known third-party deprecation notices of
Rasa 3.6's dependencies are filtered from the servers' output, and nothing else is."""

import pytest

from scripts.launch import start_bot
from tests.conftest import free_port

pytestmark = pytest.mark.e2e
KNOWN = ("pkg_resources is deprecated", "declare_namespace", "distutils Version classes are deprecated",
         "setParseAction", "Calling URL() directly is deprecated", "jax.xla_computation is deprecated")


def test_start_up_output_has_none_of_the_known_library_notices(tmp_path):
    bot = start_bot(overrides={"RASA_PORT": str(free_port()), "ACTION_PORT": str(free_port()),
                               "SQLITE_TRACKER_DB": str(tmp_path / "start.db"), "PYTHONWARNINGS": "default::UserWarning"},
                    log_dir=tmp_path / "logs")
    try:
        logs = {p.name: p.read_text(errors="replace") for p in (tmp_path / "logs").glob("*.log")}
    finally:
        bot.stop()
    assert logs
    for name, text in logs.items():
        for notice in KNOWN:
            assert notice not in text, f"{name} still prints: {notice}"
