"""The Rasa project itself: data validation and the named test stories, with the real CLI."""

import subprocess
import sys
from pathlib import Path

import pytest

from scripts.launch import latest_model

pytestmark = pytest.mark.model

ROOT = Path(__file__).resolve().parent.parent
RASA = str(Path(sys.executable).parent / "rasa")


def run(args, tmp_path=None):
    return subprocess.run([RASA, *args], cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_rasa_data_validates_without_warnings():
    result = run(["data", "validate", "--fail-on-warnings"])
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def test_named_test_stories_pass(tmp_path):
    out = tmp_path / "results"
    result = run(["test", "core", "--model", str(latest_model()), "--stories", "tests/test_stories.yml",
                  "--out", str(out), "--fail-on-prediction-errors"])
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    failed = (out / "failed_test_stories.yml").read_text() if (out / "failed_test_stories.yml").exists() else ""
    assert "story:" not in failed, failed
