"""Scenario loading and validation: clear errors naming file, line, field and fix."""

from pathlib import Path

import pytest

from coach.scenario import ScenarioError, ScenarioLibrary, load_all, load_scenario, parse_scenario
from tests.conftest import FIXTURES

MINI = (FIXTURES / "mini.yml").read_text()


def problems(text: str):
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, "broken.yml")
    return info.value.problems


def test_fixture_loads_with_version_and_outcomes(mini):
    assert mini.id == "mini-test"
    assert [f.id for f in mini.outcomes] == ["show"]
    assert mini.fact("show").unlock.after == ("garden",)
    assert mini.rapport.mood(0.5) == "warming" and mini.rapport.mood(0.0) == "wary"
    assert len(mini.version) == 12


def test_broken_yaml_names_file_and_line():
    (p,) = problems("id: x\ntitle: [unclosed\n")
    assert p.file == "broken.yml" and p.line >= 2 and "YAML layout" in p.problem and "indentation" in p.fix


def test_unknown_move_is_named_with_a_suggestion():
    found = problems(MINI.replace("moves: [ask_network]", "moves: [ask_netwrk]"))
    (p,) = [p for p in found if "ask_netwrk" in p.problem]
    assert p.field == "facts.sister.unlock.moves"
    assert "Did you mean 'ask_network'" in p.fix
    assert MINI.splitlines()[p.line - 1].strip().startswith("unlock:")


def test_duplicate_fact_id():
    found = problems(MINI.replace("- id: choir", "- id: garden"))
    assert any("used twice" in p.problem and p.field == "facts.garden.id" for p in found)


def test_a_topic_word_yaml_reads_as_yes_or_no_is_explained():
    found = problems(MINI.replace("topics: [choir, sing, singing]", "topics: [choir, sing, yes]"))
    (p,) = [p for p in found if p.field == "facts.choir.topics"]
    assert "yes/no" in p.problem and "quotes" in p.fix
    assert MINI.splitlines()[p.line - 1].strip().startswith("topics: [choir")


def test_outcome_without_words():
    found = problems(MINI.replace('    words: "I want to enter my roses in the village show again"\n', ""))
    assert any(p.field == "facts.show.words" and "own words" in p.problem for p in found)


def test_after_loop_is_unreachable():
    text = MINI.replace("unlock: {moves: [ask_strengths, ask_daily_life]}",
                        "unlock: {moves: [ask_strengths, ask_daily_life], after: [show]}")
    found = problems(text)
    assert any("leads back" in p.problem for p in found)


def test_missing_required_fields_and_wrong_types_all_reported():
    text = MINI.replace("title: Test person\n", "").replace("conversation: 1", "conversation: seven")
    fields = {p.field for p in problems(text)}
    assert {"title", "conversation"} <= fields


def test_no_outcome_at_all():
    text = MINI.replace("kind: outcome", "kind: strength")
    assert any("no desired outcome" in p.problem for p in problems(text))


def test_str_of_error_is_readable():
    with pytest.raises(ScenarioError) as info:
        parse_scenario(MINI.replace("kind: worry", "kind: worries"), "s.yml")
    assert str(info.value).startswith("s.yml, line ")
    assert "'worries' is not a kind of fact" in str(info.value)


def test_library_keeps_last_good_version_and_picks_up_edits(tmp_path: Path):
    path = tmp_path / "mini.yml"
    path.write_text(MINI)
    lib = ScenarioLibrary(tmp_path)
    assert lib.get("mini-test").title == "Test person"
    path.write_text(MINI.replace("title: Test person", "title: Edited person"))
    assert lib.get("mini-test").title == "Edited person"
    path.write_text(MINI.replace("title: Test person", "title: [broken"))
    assert lib.get("mini-test").title == "Edited person"  # the last good version stays live
    assert str(path) in lib.errors()


def test_load_all_refuses_duplicate_scenario_ids(tmp_path: Path):
    (tmp_path / "a.yml").write_text(MINI)
    (tmp_path / "b.yml").write_text(MINI)
    with pytest.raises(ScenarioError, match="already used"):
        load_all(tmp_path)


def test_missing_file():
    with pytest.raises(ScenarioError, match="does not exist"):
        load_scenario("/nonexistent/x.yml")


def test_hard_lines_are_read_and_checked():
    text = MINI.replace('    says: ["My sister rings every Sunday."]\n',
                        '    says: ["My sister rings every Sunday."]\n    hard: ["She lives in Leeds now."]\n')
    sc = parse_scenario(text, "ok.yml")
    assert sc.fact("sister").hard == ("She lives in Leeds now.",)
    found = problems(text.replace('hard: ["She lives in Leeds now."]', "hard: 7"))
    assert any(p.field == "facts.sister.hard" for p in found)
