"""The trainer's check command: every shipped scenario passes; broken files fail with the right message."""

from pathlib import Path

import pytest

from coach import check
from coach.scenario import load_scenario
from tests.conftest import FIXTURES, ROOT

SCENARIOS = sorted((ROOT / "scenarios").glob("*.yml")) + [ROOT / "docs" / "scenario-template.yml"]
MINI = (FIXTURES / "mini.yml").read_text()


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_every_shipped_scenario_passes_the_check(path):
    sc = load_scenario(path)
    problems, strong, weak = check.check(sc)
    assert problems == []
    assert {o.id for o in sc.outcomes} <= set(strong.state["disclosed"])
    assert strong.score - weak.score >= check.MIN_MARGIN
    assert not any(fid for fid in weak.state["disclosed"] if sc.fact(fid).kind == "outcome")


def run_check(tmp_path: Path, text: str, capsys, name="broken.yml"):
    path = tmp_path / name
    path.write_text(text)
    status = check.main([str(path)])
    return status, capsys.readouterr().err


@pytest.mark.parametrize("change, field, words", [
    (('    words: "I want to enter my roses in the village show again"\n', ""), "facts.show.words", "own words"),
    (("moves: [ask_network]", "moves: [ask_netwrok]"), "facts.sister.unlock.moves", "is not a practitioner move"),
    (("- id: choir", "- id: garden"), "facts.garden.id", "used twice"),
    (("title: Test person", "title: [unclosed"), "(file)", "YAML layout is broken"),
    (("min_rapport: 0.45, forms: [open]", "min_rapport: 0.45, forms: [leading]"), "facts.show", "could not draw out this outcome"),
])
def test_check_fails_broken_files_with_the_right_message(tmp_path, capsys, change, field, words):
    status, err = run_check(tmp_path, MINI.replace(*change), capsys)
    assert status == 1
    line = next(line for line in err.splitlines() if f"field '{field}'" in line)
    assert str(tmp_path / "broken.yml") in line and words in line and ", line " in line


def test_check_refuses_two_files_with_one_id(tmp_path, capsys):
    (tmp_path / "a.yml").write_text(MINI)
    (tmp_path / "b.yml").write_text(MINI)
    assert check.main([str(tmp_path)]) == 1
    assert "already used" in capsys.readouterr().err


def test_check_passes_a_good_file(tmp_path, capsys):
    path = tmp_path / "good.yml"
    path.write_text(MINI)
    assert check.main([str(path)]) == 0
    assert capsys.readouterr().out.startswith(f"ok {path}: 'mini-test'")
