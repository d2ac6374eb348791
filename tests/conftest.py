"""Shared fixtures: paths, scenarios, a fresh persona state per test, and the running bot."""

import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from coach.scenario import load_scenario  # noqa: E402
from scripts.launch import free_port, start_bot  # noqa: E402

API_TOKEN = "e2e-test-token"
TRAINER_TOKEN = "trainer-test-token-7Qm2c9XbW4"

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(autouse=True)
def fresh_settings():
    """Settings are read once per process; a test that changes the environment gets them anew."""
    from coach import runtime

    runtime.reset()
    yield
    runtime.reset()


@pytest.fixture
def mini():
    return load_scenario(FIXTURES / "mini.yml")


@pytest.fixture
def eric():
    return load_scenario(ROOT / "scenarios" / "eric-battersby.yml")


@pytest.fixture
def danny():
    return load_scenario(ROOT / "scenarios" / "danny-hedley.yml")


@pytest.fixture
def lorraine():
    return load_scenario(ROOT / "scenarios" / "lorraine-pritchard.yml")


@pytest.fixture
def rhi():
    return load_scenario(ROOT / "scenarios" / "rhi-pugh.yml")


@pytest.fixture(scope="session")
def bot(tmp_path_factory):
    """Both real servers, started once for the end-to-end and browser tests.

    The web chat accepts one other origin, a demo portal the browser tests serve on
    `bot.portal_port`; any other origin is refused. The trainer pages take TRAINER_TOKEN. The
    scenarios are a copy in `bot.scenarios`, so a test may add a file without touching scenarios/.
    """
    work = tmp_path_factory.mktemp("bot")
    portal_port = free_port()
    scenarios = work / "scenarios"
    shutil.copytree(ROOT / "scenarios", scenarios)
    running = start_bot(
        overrides={
            "RASA_PORT": str(free_port()),
            "ACTION_PORT": str(free_port()),
            "SQLITE_TRACKER_DB": str(work / "conversations.db"),
            "COACH_SEED": "e2e",
            "COACH_SCENARIOS_DIR": str(scenarios),
            "COACH_DEFAULT_SCENARIO": "eric-battersby",
            "RASA_API_TOKEN": API_TOKEN,
            "COACH_ALLOWED_ORIGINS": f"http://127.0.0.1:{portal_port}",
            "COACH_TRAINER_TOKEN": TRAINER_TOKEN,
            # Every test talks from 127.0.0.1, so the per-address limit would add up all their
            # messages; tests/e2e/test_hardening.py checks that limit on a bot of its own.
            "COACH_RATE_PER_ADDRESS": "100000",
        },
        log_dir=work / "logs",
    )
    running.work = work
    running.portal_port = portal_port
    running.scenarios = scenarios
    yield running
    running.stop()
