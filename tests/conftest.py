"""Shared fixtures: paths, scenarios and a fresh persona state per test."""

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from coach.scenario import load_scenario  # noqa: E402

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def mini():
    return load_scenario(FIXTURES / "mini.yml")


@pytest.fixture
def eric():
    return load_scenario(ROOT / "scenarios" / "eric-battersby.yml")
