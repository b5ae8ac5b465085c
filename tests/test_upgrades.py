"""Upgrades: a diary made by every earlier schema version opens with this one, every row intact.

The fixtures in ``tests/fixtures`` are made by ``tests/fixtures/make_fixtures.py``
(one per earlier schema step, as that version left the file). Adding a migration
without a fixture for the step before it fails the first test here.
"""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
from pathlib import Path

import pytest

from migrainecli.storage import MIGRATION_NAMES, Diary, read_only
from tests.test_reliability import content, listing

FIXTURES = Path(__file__).resolve().parent / "fixtures"
EARLIER = MIGRATION_NAMES[:-1]  # the last step of every earlier schema version


def fixture(step: str) -> Path:
    return FIXTURES / f"diary-{step}.db"


def test_every_earlier_schema_version_has_a_fixture_diary():
    missing = [fixture(step).name for step in EARLIER if not fixture(step).exists()]
    assert not missing, f"run tests/fixtures/make_fixtures.py for {missing}"
    for step in EARLIER:
        # immutable: the committed file is never changed, nor given -wal/-shm files
        conn = sqlite3.connect(f"file:{fixture(step)}?mode=ro&immutable=1", uri=True)
        try:
            applied = [r[0] for r in conn.execute("SELECT name FROM _sqlite_migrations")]
            assert applied == list(MIGRATION_NAMES[: MIGRATION_NAMES.index(step) + 1])
            assert conn.execute("SELECT count(*) FROM days").fetchone()[0] >= 50
        finally:
            conn.close()
        assert fixture(step).read_bytes()[18:20] == b"\x02\x02"  # WAL, like every diary


def _schema(path: Path) -> dict[str, str]:
    with read_only(path) as conn:
        return dict(
            conn.execute(
                "SELECT name, sql FROM sqlite_master WHERE name NOT LIKE '%sqlite_migrations%' "
                "AND sql IS NOT NULL ORDER BY name"
            ).fetchall()
        )


@pytest.mark.parametrize("step", EARLIER)
@pytest.mark.parametrize("write", [False, True], ids=["read", "write"])
def test_opening_an_earlier_diary_upgrades_it_with_every_row_intact(tmp_path, step, write):
    old = tmp_path / "old.db"
    shutil.copy(fixture(step), old)
    before = content(old)
    with Diary.open(old, write=write) as diary:
        days = diary.days()
    after = content(old)
    for table, rows in before.items():
        if table == "_sqlite_migrations":
            assert after[table][: len(rows)] == rows  # the old record is kept as it was
        else:
            # every old value intact; columns a later step adds come after them
            width = len(rows[0]) if rows else 0
            assert [r[:width] for r in after[table]] == rows, f"{table} changed in the upgrade"
    assert [r[2] for r in after["_sqlite_migrations"]] == list(MIGRATION_NAMES)
    fresh = tmp_path / "fresh.db"
    Diary.open(fresh, write=True).close()
    assert _schema(old) == _schema(fresh)
    assert len(days) == len(before["days"])
    assert listing(tmp_path) == ["fresh.db", "old.db"]  # no -wal/-shm left behind


@pytest.mark.parametrize("step", EARLIER)
def test_an_upgraded_diary_reads_the_same_through_every_command(run, tmp_path, step):
    old = tmp_path / "old.db"
    shutil.copy(fixture(step), old)
    conn = sqlite3.connect(f"file:{old}?mode=ro&immutable=1", uri=True)
    notes = [r[0] for r in conn.execute("SELECT note FROM days ORDER BY date")]
    n_intakes = conn.execute("SELECT count(*) FROM intakes").fetchone()[0]
    settings = dict(conn.execute("SELECT key, value FROM settings"))
    conn.close()
    r = run("--db", str(old), "days", "--json")
    assert r.exit_code == 0, r.output
    days = json.loads(r.stdout)
    assert [d["note"] for d in days] == notes
    assert sum(len(d["intakes"]) for d in days) == n_intakes
    shown = json.loads(run("--db", str(old), "config", "show", "--json").stdout)
    assert shown["settings"] == settings
    assert run("--db", str(old), "check").exit_code == 0
    r = run("--db", str(old), "trial", "add", "propranolol", "--start", "2024-01-01")
    assert r.exit_code == 0, r.output  # the new table takes entries


def test_m004_outcomes_rebuilds_trials_keeping_ids_and_the_journal(run, tmp_path):
    """m004: the trials table of a today's-schema (m003) diary gets the wider CHECK
    (paused, unavailable) with every id and value kept, its index and its three journal
    triggers back, and undo still reverts a trial written after the upgrade."""
    old = tmp_path / "old.db"
    shutil.copy(fixture("m003_journal"), old)
    before = content(old)["trials"]
    with Diary.open(old, write=True):
        pass
    assert content(old)["trials"] == before  # same ids, same values, same order
    conn = sqlite3.connect(old)
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE tbl_name = 'trials'")}
    conn.close()
    assert names == {"trials", "trials_class"} | {
        f"trials_journal_{op}" for op in ("insert", "update", "delete")
    }
    r = run("--db", str(old), "trial", "add", "Aimovig", "--start", "2024-01-01", "--end",
            "2024-12-31", "--outcome", "paused")  # fmt: skip
    assert r.exit_code == 0, r.output
    r = run("--db", str(old), "trial", "add", "Vyepti", "--start", "2024-02-01",
            "--outcome", "unavailable", "--reason", "not covered")  # fmt: skip
    assert r.exit_code == 0, r.output
    trials = json.loads(run("--db", str(old), "trial", "list", "--json").stdout)
    assert sorted(t["id"] for t in trials if t["id"] <= 4) == sorted(row[0] for row in before)
    assert {t["outcome"] for t in trials} >= {"paused", "unavailable"}
    r = run("--db", str(old), "undo", "--yes")
    assert r.exit_code == 0, r.output
    trials = json.loads(run("--db", str(old), "trial", "list", "--json").stdout)
    assert "unavailable" not in {t["outcome"] for t in trials}  # journaled after m004


def _master(path: Path, *, rootpage: bool = False) -> list[tuple]:
    cols = "type, name, tbl_name, rootpage, sql" if rootpage else "type, name, tbl_name, sql"
    with read_only(path) as conn:
        return conn.execute(f"SELECT {cols} FROM sqlite_master ORDER BY type, name").fetchall()


def _steps_recorded(path: Path) -> list[tuple]:
    with read_only(path) as conn:
        return conn.execute(
            "SELECT id, migration_set, name FROM _sqlite_migrations ORDER BY id"
        ).fetchall()


def test_a_new_diary_is_made_at_the_schema_every_migrated_diary_has(tmp_path):
    # A new diary is made by schema.create, without sqlite-utils: its sqlite_master must
    # be byte for byte that of the oldest diary migrated up, and of an empty file migrated
    # by sqlite-utils' Migrations (the way every diary was made before), rootpages too.
    from sqlite_utils import Database

    from migrainecli.schema import migrations

    new = tmp_path / "new.db"
    Diary.open(new, write=True).close()
    old = tmp_path / "old.db"
    shutil.copy(fixture(MIGRATION_NAMES[0]), old)
    Diary.open(old, write=True).close()
    assert _master(new) == _master(old)

    by_sqlite_utils = tmp_path / "sqlite-utils.db"
    conn = sqlite3.connect(by_sqlite_utils)
    migrations.apply(Database(conn, execute_plugins=False))
    conn.close()
    assert _master(new, rootpage=True) == _master(by_sqlite_utils, rootpage=True)
    assert _steps_recorded(new) == _steps_recorded(by_sqlite_utils) == _steps_recorded(old)
    with read_only(new) as conn:
        times = [r[0] for r in conn.execute("SELECT applied_at FROM _sqlite_migrations")]
    with read_only(by_sqlite_utils) as conn:
        theirs = conn.execute("SELECT applied_at FROM _sqlite_migrations LIMIT 1").fetchone()[0]
    assert len(times) == len(MIGRATION_NAMES) and times == sorted(times)
    stamp = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{6})?\+00:00"  # str() of a UTC datetime
    assert all(re.fullmatch(stamp, t) for t in [*times, theirs])


def test_a_new_diary_never_imports_sqlite_utils(tmp_path):
    import subprocess
    import sys

    code = (
        "import sys; from pathlib import Path; from migrainecli.storage import Diary; "
        f"Diary.open(Path({str(tmp_path / 'd.db')!r}), write=True).close(); "
        "print('sqlite_utils' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_a_step_that_uses_sqlite_utils_runs_in_a_new_diary_too(tmp_path, monkeypatch):
    # schema.create gives the steps the connection (all _script needs); a step written
    # with sqlite-utils' API gets a real Database over the same connection.
    from migrainecli import schema

    def m999_api(db):
        db["extra"].create({"id": int, "name": str}, pk="id")
        db["extra"].insert({"id": 1, "name": "x"})
        db.execute("CREATE INDEX extra_name ON extra(name)")

    monkeypatch.setattr(schema, "STEPS", (*schema.STEPS, m999_api))
    conn = sqlite3.connect(tmp_path / "d.db")
    conn.execute("BEGIN IMMEDIATE")
    schema.create(conn)
    conn.execute("COMMIT")
    assert conn.execute("SELECT name FROM extra").fetchall() == [("x",)]
    names = [r[0] for r in conn.execute("SELECT name FROM _sqlite_migrations ORDER BY id")]
    assert names == [*MIGRATION_NAMES, "m999_api"]
    conn.close()
