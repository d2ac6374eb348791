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


# ---------------------------------------------------------------- probes, rails, life areas

PROBES = """
rails:
  - id: no_home
    never: agree to a care home
    words: [care home]
    unless: [later]
    says: ["I'm not going in a home."]
probes:
  - id: what_she_enjoys
    say: "what do you enjoy?"
    move: ask_strengths
    form: open
    expect: [garden]
  - id: home_rail
    say: "have you thought about a care home?"
    move: ask_desired_outcome
    form: closed
    expect: [rail:no_home]
  - id: reflect_stays
    setup:
      - {say: "what do you enjoy?", move: ask_strengths, form: open}
    say: "the garden really matters to you"
    move: reflect
    form: none
    expect: [garden, reply]
"""


@pytest.mark.parametrize("path", SCENARIOS[:-1], ids=[p.stem for p in SCENARIOS[:-1]])
def test_every_shipped_scenario_has_probes_rails_and_a_life_area_on_every_fact(path):
    sc = load_scenario(path)
    assert len(sc.probes) >= 15 and sc.rails
    assert all(f.area_given for f in sc.facts), [f.id for f in sc.facts if not f.area_given]
    assert any(e.startswith("rail:") for p in sc.probes for e in p.expect)    # a safety probe
    assert any(p.setup for p in sc.probes)                                     # follow-up probes
    assert sum(1 for f in sc.facts if f.more) >= 8                             # facts to reflect on
    assert set(sc.areas) >= {"people", "home", "money", "safety", "feelings_wellbeing"}
    results = check.run_probes(sc)
    assert [r.probe for r in results if not r.passed] == []
    assert check.rail_leaks(sc) == []


def test_probes_and_rails_pass_on_a_good_file(tmp_path, capsys):
    path = tmp_path / "good.yml"
    path.write_text(MINI + PROBES)
    assert check.main([str(path)]) == 0
    out = capsys.readouterr().out
    assert "probes: scripted 3/3 (100%); rails: no_home" in out


def test_a_scenario_whose_probes_fail_fails_the_check(tmp_path, capsys):
    broken = MINI + PROBES.replace("expect: [garden]\n", "expect: [sister]\n").replace("expect: [garden, reply]", "expect: [choir]")
    status, err = run_check(tmp_path, broken, capsys)
    assert status == 1
    line = next(line for line in err.splitlines() if "field 'probes'" in line)
    assert "only 1 of 3 probes pass" in line and "what_she_enjoys" in line


def test_a_rail_whose_unless_lets_the_person_be_led_fails_the_check(tmp_path, capsys):
    leaky = MINI + PROBES.replace("unless: [later]", "unless: [later, you]")  # "you" is in every leading phrasing
    status, err = run_check(tmp_path, leaky, capsys)
    assert status == 1
    assert "field 'rails.no_home': the person can be led past this rail" in err


@pytest.mark.parametrize("change, field, words", [
    (("expect: [rail:no_home]", "expect: [rail:no_such]"), "probes.home_rail.expect", "is not a fact, rail"),
    (("expect: [garden]\n", "expect: [gardn]\n"), "probes.what_she_enjoys.expect", "is not a fact, rail"),
    (("    move: ask_strengths\n", "    move: ask_strenghts\n"), "probes.what_she_enjoys.move", "Did you mean 'ask_strengths'"),
    (("    form: open\n", "    form: opne\n"), "probes.what_she_enjoys.form", "is not a question form"),
    (("  - id: home_rail", "  - id: what_she_enjoys"), "probes.what_she_enjoys.id", "used twice"),
    (("    says: [\"I'm not going in a home.\"]", "    rapport: 0.1\n    says: [\"x\"]"), "rails.no_home.rapport",
     "should lower rapport"),
    (("    words: [care home]\n", ""), "rails.no_home.words", "is missing"),
    (("    never: agree to a care home\n", "    never: agree to a care home\n    wrods: [x]\n"), "rails.no_home.wrods",
     "is not a field a rail can have"),
    (("    say: \"what do you enjoy?\"\n    move", "    say: \"what do you enjoy?\"\n    area: peple\n    move"),
     "probes.what_she_enjoys.area", "is not a life area"),
])
def test_probe_and_rail_fields_are_checked_with_file_line_field_and_fix(tmp_path, capsys, change, field, words):
    status, err = run_check(tmp_path, (MINI + PROBES).replace(*change, 1), capsys)
    assert status == 1
    line = next(line for line in err.splitlines() if f"field '{field}'" in line)
    assert str(tmp_path / "broken.yml") in line and words in line and ", line " in line


@pytest.mark.parametrize("change, field, words", [
    (("    kind: strength\n", "    kind: strength\n    life_area: hobbies\n"), "facts.garden.life_area",
     "'hobbies' is not a life area"),
    (("    kind: strength\n", "    kind: strength\n    mroe: [\"x\"]\n"), "facts.garden.mroe", "is not a field a fact can have"),
    (("    recall: [\"Like I said, the roses keep me going.\"]", "    guarded: [\"Like I said, no.\"]"),
     "facts.garden.guarded", "refers back to something said"),
    (("  ask_care_needs:\n", "  areas_typo: x\n  ask_care_needs:\n"), "replies.areas_typo", "is not a move"),
])
def test_fact_fields_are_checked(tmp_path, capsys, change, field, words):
    status, err = run_check(tmp_path, MINI.replace(*change, 1), capsys)
    assert status == 1
    line = next(line for line in err.splitlines() if f"field '{field}'" in line)
    assert words in line and ", line " in line


def test_areas_block_names_life_areas(tmp_path, capsys):
    status, err = run_check(tmp_path, MINI + "areas:\n  monies: [\"I pay my way.\"]\n", capsys)
    assert status == 1 and "field 'areas.monies': 'monies' is not a life area" in err


def test_facts_nothing_can_reach_are_reported(tmp_path, capsys):
    hidden = MINI.replace("unlock: {moves: [ask_strengths, ask_community], needs_topic: true}",
                          "unlock: {moves: [small_talk], needs_topic: true, forms: [leading]}")
    path = tmp_path / "hidden.yml"
    path.write_text(hidden)
    check.main([str(path)])
    assert "note: facts.choir: nothing a learner says can bring this out" in capsys.readouterr().out


def test_probe_summary_for_the_trainer_page(eric):
    summary = check.probe_summary(eric)
    assert summary["total"] == len(eric.probes) and summary["passed"] == summary["total"]
    assert summary["rails"] == ["leaving_home"] and summary["failed"] == []


def test_cached_parses_are_kept_per_version_of_the_parse_time_code(tmp_path, monkeypatch):
    # The question-form rules run at parse time: a changed rule must not reuse a stale parse.
    from coach import check as check_module

    (tmp_path / "components").mkdir()
    (tmp_path / "coach").mkdir()
    rules = tmp_path / "coach" / "question_form.py"
    rules.write_text("RULE = 1\n")
    monkeypatch.setattr(check_module, "ROOT", tmp_path)
    before = check_module.RasaNLU(tmp_path / "m.tar.gz", cache_dir=tmp_path).cache_path
    rules.write_text("RULE = 2\n")
    after = check_module.RasaNLU(tmp_path / "m.tar.gz", cache_dir=tmp_path).cache_path
    assert before != after and before.name.startswith("m.tar.gz.")
