"""The live scenario library (issue 14, F7 and F12): the full check before a file goes live, odd
files as problems rather than errors, deleted files forgotten, and no caller stalled by a large file."""

import time
from pathlib import Path

from coach.scenario import ScenarioLibrary, load_scenario

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = (ROOT / "docs" / "scenario-template.yml").read_text()
REACHABLE = "      moves: [ask_good_life, ask_desired_outcome, ask_what_matters, reflect]\n      min_rapport: 0.45"


def scenario(sid: str, title: str = "Ada", reachable: bool = True) -> str:
    text = TEMPLATE.replace("id: template-person", f"id: {sid}").replace(
        'title: "Template: a first conversation"', f'title: "{title}"')
    return text if reachable else text.replace(REACHABLE, "      moves: [ask_care_needs]\n      min_rapport: 0.45")


def test_a_file_that_fails_the_dry_run_is_not_live_and_an_edit_that_does_keeps_the_last_good(tmp_path):
    (tmp_path / "bad.yml").write_text(scenario("ada-bad", reachable=False))
    live = tmp_path / "live.yml"
    live.write_text(scenario("ada-live", "First"))
    lib = ScenarioLibrary(tmp_path)
    assert set(lib.all()) == {"ada-live"}
    assert "could not draw out this outcome" in str(lib.errors()[str(tmp_path / "bad.yml")])
    time.sleep(0.01)
    live.write_text(scenario("ada-live", "Second", reachable=False))
    assert lib.get("ada-live").title == "First"
    assert "could not draw out this outcome" in str(lib.errors()[str(live)])


def test_folders_oversized_and_unreadable_files_are_problems_and_deleted_files_leave(tmp_path):
    (tmp_path / "good.yml").write_text(scenario("ada-good"))
    (tmp_path / "x.yml").mkdir()
    huge = tmp_path / "huge.yml"
    huge.write_text(scenario("ada-huge") + "#" + "x" * 40 * 1024 + "\n")
    lib = ScenarioLibrary(tmp_path)
    assert set(lib.all()) == {"ada-good", "ada-huge"}
    errors = {Path(p).name: str(e) for p, e in lib.errors().items()}
    assert "this is a folder" in errors["x.yml"]
    assert errors.keys() == {"x.yml"}  # 47 KB is within the default 1,024 KB
    assert "larger than 32 KB" in str(_refused(huge, 32))
    (tmp_path / "x.yml").rmdir()
    assert str(tmp_path / "x.yml") not in lib.errors()  # deleted: no longer listed


def _refused(path, max_kb):
    from coach.scenario import ScenarioError

    try:
        load_scenario(path, max_kb=max_kb)
    except ScenarioError as exc:
        return exc
    raise AssertionError("not refused")


def test_a_large_file_does_not_stall_the_callers_it_goes_live_when_read(tmp_path):
    (tmp_path / "good.yml").write_text(scenario("ada-good"))
    lib = ScenarioLibrary(tmp_path)
    assert set(lib.all()) == {"ada-good"}  # the first read is waited for
    lib.WAIT_S = 0.2
    many = "".join(f'  - "Line {i} of a long list of things Ada might say."\n' for i in range(8000))
    (tmp_path / "large.yml").write_text(scenario("ada-large").replace("opening_lines:\n", "opening_lines:\n" + many, 1))
    started = time.monotonic()
    assert set(lib.all()) == {"ada-good"}  # goes on with what is live while the large file is read
    assert time.monotonic() - started < 30
    lib._reading.join()
    assert set(lib.all()) == {"ada-good", "ada-large"}
