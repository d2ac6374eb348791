"""The trainer and progress APIs on a PostgreSQL tracker store give what its rows hold, as on SQLite."""

import csv
import io
import json
import uuid
from collections import Counter

import psycopg2
import pytest
import requests

from coach import results
from coach.scenario import ScenarioLibrary
from scripts.launch import start_bot
from tests.conftest import ROOT, TRAINER_TOKEN, free_port
from tests.web.chat_page import VERDICTS, bucket
from tests.web.held import CHECKLIST, STRONG, hold, new_learner

pytestmark = pytest.mark.e2e
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/test"


@pytest.fixture(scope="module")
def pg_bot(tmp_path_factory):
    name = f"coach_trainer_{uuid.uuid4().hex[:10]}"
    try:
        admin = psycopg2.connect(PG_ADMIN)
    except psycopg2.OperationalError as exc:
        pytest.fail(f"PostgreSQL is not reachable at {PG_ADMIN} ({exc}); .ci/run starts it.")
    admin.autocommit = True
    admin.cursor().execute(f'CREATE DATABASE "{name}"')
    database = f"postgresql://postgres@127.0.0.1:5432/{name}"
    bot = None
    try:
        bot = start_bot(overrides={
            "RASA_PORT": str(free_port()), "ACTION_PORT": str(free_port()), "TRACKER_STORE": "postgresql",
            "TRACKER_DB_URL": database, "LOCK_STORE": "in_memory", "COACH_SEED": "pg", "COACH_SCENARIOS_DIR": "scenarios",
            "COACH_DEFAULT_SCENARIO": "eric-battersby", "COACH_TRAINER_TOKEN": TRAINER_TOKEN},
            log_dir=tmp_path_factory.mktemp("pg-bot"))
        bot.database = database
        yield bot
    finally:
        if bot:
            bot.stop()
        admin.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def stored_sessions(database) -> list[results.Session]:
    with psycopg2.connect(database) as conn, conn.cursor() as cur:
        cur.execute("SELECT sender_id, data FROM events ORDER BY id")
        found: dict[str, list[dict]] = {}
        for sender, data in cur.fetchall():
            found.setdefault(sender, []).append(json.loads(data))
    return results.sessions_from_trackers(found.items(), ScenarioLibrary(ROOT / "scenarios").all().get)


def trainer(bot, path, **params):
    resp = requests.get(f"{bot.rasa_url}/trainer/api/{path}", params=params,
                        headers={"Authorization": f"Bearer {TRAINER_TOKEN}"}, timeout=60)
    resp.raise_for_status()
    return resp


def test_trainer_and_progress_read_a_postgresql_tracker_store(pg_bot):
    one, two = new_learner("pg-one"), new_learner("pg-two")
    strong = hold(pg_bot, one, "eric-battersby", STRONG)
    checklist = hold(pg_bot, two, "rhi-pugh", CHECKLIST)
    unfinished = hold(pg_bot, one, "lorraine-pritchard", STRONG[:2], finish=False)
    expected = {s.sender_id: s for s in stored_sessions(pg_bot.database)}
    assert set(expected) == {strong, checklist, unfinished}

    listing = trainer(pg_bot, "sessions").json()
    assert listing["count"] == 3 and listing["learners"] == 2 and listing["finished"] == 2
    assert {r["scenario"]: r["sessions"] for r in listing["by_scenario"]} == \
        {"eric-battersby": 1, "rhi-pugh": 1, "lorraine-pritchard": 1}
    for row in listing["sessions"]:
        assert row["criteria"] == expected[row["sender_id"]].summary()["criteria"]
        found = Counter(bucket(c) for c in expected[row["sender_id"]].report["criteria"])
        assert row["verdicts"] == {v: found[v] for v in VERDICTS}

    detail = trainer(pg_bot, "session", sender=strong).json()
    assert [(r["text"], r["move"], r["form"]) for r in detail["transcript"]] == \
        [(r["text"], r["move"], r["form"]) for r in expected[strong].transcript]
    assert detail["report"]["criteria"] == expected[strong].report["criteria"]

    cohort = trainer(pg_bot, "cohort", learner=one).json()
    assert cohort["sessions"] == 2 and all(sum(c["counts"].values()) == 2 for c in cohort["criteria"])
    # Two turns are too few to judge: the unfinished session's criteria count as not judged, not as not met.
    assert any(bucket(c) == "not_judged" for c in expected[unfinished].report["criteria"])
    for row in cohort["criteria"]:
        mine = [c for s in (strong, unfinished) for c in expected[s].report["criteria"] if c["id"] == row["id"]]
        found = Counter(bucket(c) for c in mine)
        assert row["counts"] == {v: found[v] for v in VERDICTS}, row["id"]
    rows = list(csv.DictReader(io.StringIO(trainer(pg_bot, "export.csv").text)))
    assert sorted(r["sender_id"] for r in rows) == sorted(expected)

    progress = requests.get(f"{pg_bot.rasa_url}/chat/api/progress", params={"learner": one}, timeout=60).json()
    assert sorted(s["sender_id"] for s in progress["sessions"]) == sorted([strong, unfinished])
    record = requests.get(f"{pg_bot.rasa_url}/chat/api/record", params={"learner": two}, timeout=60).text
    assert "rhi-pugh" in record and "eric-battersby" not in record
