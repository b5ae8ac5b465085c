"""Storage: the exact schema, the file rules (location, mode 0600, foreign files), upgrades."""

from __future__ import annotations

import os
import sqlite3
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from migrainecli.errors import DiaryFileError
from migrainecli.models import Day, Gap, Intake, Trial
from migrainecli.schema import migrations
from migrainecli.storage import MIGRATION_NAMES, Diary, resolve_path

EXPECTED_SCHEMA = {
    "days": (
        "CREATE TABLE days (\n"
        "  date TEXT PRIMARY KEY CHECK (date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' AND date(date, '+0 days') IS date),\n"
        "  severity TEXT NOT NULL CHECK (severity IN ('none', 'mild', 'moderate', 'severe')),\n"
        "  hours REAL CHECK (hours > 0 AND hours <= 24),\n"
        "  unilateral INTEGER CHECK (unilateral IN (0, 1)),\n"
        "  pulsating INTEGER CHECK (pulsating IN (0, 1)),\n"
        "  activity INTEGER CHECK (activity IN (0, 1)),\n"
        "  nausea INTEGER CHECK (nausea IN (0, 1)),\n"
        "  vomiting INTEGER CHECK (vomiting IN (0, 1)),\n"
        "  photophobia INTEGER CHECK (photophobia IN (0, 1)),\n"
        "  phonophobia INTEGER CHECK (phonophobia IN (0, 1)),\n"
        "  aura INTEGER CHECK (aura IN (0, 1)),\n"
        "  believed_migraine INTEGER CHECK (believed_migraine IN (0, 1)),\n"
        "  impairment TEXT CHECK (impairment IN ('none', 'mild', 'serious', 'bedbound')),\n"
        "  note TEXT\n"
        ")\n"
    ),
    "gaps": (
        "CREATE TABLE gaps (\n"
        "  id INTEGER PRIMARY KEY,\n"
        "  start_date TEXT NOT NULL CHECK (start_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' AND date(start_date, '+0 days') IS start_date),\n"
        "  end_date TEXT NOT NULL CHECK (end_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' AND date(end_date, '+0 days') IS end_date),\n"
        "  reason TEXT,\n"
        "  CHECK (end_date >= start_date)\n"
        ")\n"
    ),
    "gaps_dates": ("CREATE INDEX gaps_dates ON gaps(start_date, end_date)\n"),
    "intakes": (
        "CREATE TABLE intakes (\n"
        "  id INTEGER PRIMARY KEY,\n"
        "  date TEXT NOT NULL REFERENCES days(date) ON DELETE CASCADE ON UPDATE CASCADE,\n"
        "  medication TEXT NOT NULL CHECK (length(trim(medication)) > 0),\n"
        "  dose TEXT,\n"
        "  relieved INTEGER CHECK (relieved IN (0, 1)),\n"
        "  class_id TEXT\n"
        ")\n"
    ),
    "intakes_date": ("CREATE INDEX intakes_date ON intakes(date)\n"),
    "settings": ("CREATE TABLE settings (\n  key TEXT PRIMARY KEY,\n  value TEXT NOT NULL\n)\n"),
    "trials": (
        "CREATE TABLE trials (\n"
        "  id INTEGER PRIMARY KEY,\n"
        "  therapy TEXT NOT NULL CHECK (length(trim(therapy)) > 0),\n"
        "  class_id TEXT NOT NULL,\n"
        "  kind TEXT NOT NULL CHECK (kind IN ('preventive', 'acute', 'procedure', 'neuromodulation', 'behavioural', 'lifestyle')),\n"
        "  start_date TEXT NOT NULL CHECK (start_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' AND date(start_date, '+0 days') IS start_date),\n"
        "  end_date TEXT CHECK (end_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' AND date(end_date, '+0 days') IS end_date),\n"
        "  dose TEXT,\n"
        "  outcome TEXT NOT NULL CHECK (outcome IN ('ongoing', 'effective', 'partial', 'ineffective', 'not_tolerated', 'contraindicated', 'stopped_other', 'paused', 'unavailable')),\n"
        "  reason TEXT,\n"
        "  note TEXT,\n"
        "  start_approximate INTEGER NOT NULL DEFAULT 0 CHECK (start_approximate IN (0, 1)),\n"
        "  end_approximate INTEGER NOT NULL DEFAULT 0 CHECK (end_approximate IN (0, 1)),\n"
        "  CHECK (end_date IS NULL OR end_date >= start_date),\n"
        "  CHECK ((end_date IS NULL) = (outcome = 'ongoing'))\n"
        ")\n"
    ),
    "trials_class": ("CREATE INDEX trials_class ON trials(class_id, start_date)\n"),
    "changes": (
        "CREATE TABLE changes (\n"
        "  id INTEGER PRIMARY KEY,\n"
        "  at TEXT NOT NULL,\n"
        "  command TEXT NOT NULL,\n"
        "  summary TEXT NOT NULL DEFAULT '',\n"
        "  open INTEGER NOT NULL DEFAULT 1 CHECK (open IN (0, 1))\n"
        ")\n"
    ),
    "change_rows": (
        "CREATE TABLE change_rows (\n"
        "  id INTEGER PRIMARY KEY,\n"
        "  change_id INTEGER NOT NULL REFERENCES changes(id) ON DELETE CASCADE,\n"
        "  tbl TEXT NOT NULL,\n"
        "  op TEXT NOT NULL CHECK (op IN ('insert', 'update', 'delete')),\n"
        "  key TEXT NOT NULL,\n"
        "  old TEXT\n"
        ")\n"
    ),
    "change_rows_change": ("CREATE INDEX change_rows_change ON change_rows(change_id)\n"),
    # m005_scores_periods
    "scores": (
        "CREATE TABLE scores (\n"
        "  id INTEGER PRIMARY KEY,\n"
        "  date TEXT NOT NULL CHECK (date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' AND date(date, '+0 days') IS date),\n"
        "  instrument TEXT NOT NULL CHECK (instrument IN ('midas', 'hit6')),\n"
        "  total INTEGER NOT NULL,\n"
        "  q1 INTEGER CHECK (q1 BETWEEN 0 AND 90),\n"
        "  q2 INTEGER CHECK (q2 BETWEEN 0 AND 90),\n"
        "  q3 INTEGER CHECK (q3 BETWEEN 0 AND 90),\n"
        "  q4 INTEGER CHECK (q4 BETWEEN 0 AND 90),\n"
        "  q5 INTEGER CHECK (q5 BETWEEN 0 AND 90),\n"
        "  headache_days INTEGER CHECK (headache_days BETWEEN 0 AND 90),\n"
        "  pain INTEGER CHECK (pain BETWEEN 0 AND 10),\n"
        "  note TEXT,\n"
        "  CHECK (instrument != 'midas' OR (\n"
        "    q1 IS NOT NULL AND q2 IS NOT NULL AND q3 IS NOT NULL AND q4 IS NOT NULL\n"
        "    AND q5 IS NOT NULL AND q1 + q2 <= 90 AND q3 + q4 <= 90\n"
        "    AND total = q1 + q2 + q3 + q4 + q5)),\n"
        "  CHECK (instrument != 'hit6' OR (\n"
        "    total BETWEEN 36 AND 78 AND q1 IS NULL AND q2 IS NULL AND q3 IS NULL AND q4 IS NULL\n"
        "    AND q5 IS NULL AND headache_days IS NULL AND pain IS NULL))\n"
        ")\n"
    ),
    "scores_date": ("CREATE INDEX scores_date ON scores(date, instrument)\n"),
    "periods": (
        "CREATE TABLE periods (\n"
        "  id INTEGER PRIMARY KEY,\n"
        "  date TEXT NOT NULL UNIQUE CHECK (date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' AND date(date, '+0 days') IS date),\n"
        "  note TEXT\n"
        ")\n"
    ),
    "month_counts": (
        "CREATE TABLE month_counts (\n"
        "  month TEXT PRIMARY KEY CHECK (month GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]'),\n"
        "  counts BLOB,\n"
        "  triptans TEXT,\n"
        "  classes TEXT\n"
        ")\n"
    ),
    "month_counts_stale": "CREATE TABLE month_counts_stale (\n  month TEXT NOT NULL\n)\n",
    "month_counts_state": (
        "CREATE TABLE month_counts_state (\n"
        "  id INTEGER PRIMARY KEY CHECK (id = 1),\n"
        "  basis TEXT NOT NULL\n"
        ")\n"
    ),
}
# The journal's triggers: three per journaled table; one of them quoted in full.
EXPECTED_TRIGGERS = sorted(
    [
        f"{t}_journal_{op}"
        for t in ("days", "intakes", "gaps", "trials", "settings", "scores", "periods")
        for op in ("insert", "update", "delete")
    ]
    # m006: the months a write touches are marked to be recounted
    + [
        f"{t}_month_counts_{op}"
        for t in ("days", "intakes")
        for op in ("insert", "update", "delete")
    ]
)
INTAKES_DELETE_TRIGGER = (
    "CREATE TRIGGER intakes_journal_delete AFTER DELETE ON intakes\n"
    "WHEN EXISTS (SELECT 1 FROM changes WHERE open = 1)\n"
    "BEGIN\n"
    "  INSERT INTO change_rows (change_id, tbl, op, key, old)\n"
    "  VALUES ((SELECT max(id) FROM changes WHERE open = 1), 'intakes', 'delete', "
    "json_array(OLD.id), json_object('id', OLD.id, 'date', OLD.date, 'medication', "
    "OLD.medication, 'dose', OLD.dose, 'relieved', OLD.relieved, 'class_id', OLD.class_id));\n"
    "END\n"
)


def _schema(path: Path, kind: str = "trigger") -> dict[str, str]:
    """The schema's tables and indexes (``kind="trigger"`` leaves triggers out), or with
    ``kind="only-triggers"`` the triggers alone."""
    conn = sqlite3.connect(path)
    op = "=" if kind == "only-triggers" else "!="
    try:
        return {
            name: sql + "\n"
            for name, sql in conn.execute(
                "SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL "
                f"AND type {op} 'trigger' "
                "AND name NOT LIKE '%sqlite_migrations%' ORDER BY name"
            )
        }
    finally:
        conn.close()


def test_migrations_create_the_exact_schema(tmp_path):
    path = tmp_path / "d.db"
    Diary.open(path, write=True).close()
    assert _schema(path) == {k: "".join(v) for k, v in EXPECTED_SCHEMA.items()}
    conn = sqlite3.connect(path)
    applied = [r[0] for r in conn.execute("SELECT name FROM _sqlite_migrations ORDER BY id")]
    assert applied == list(MIGRATION_NAMES)
    assert applied == [
        "m001_diary",
        "m002_trials",
        "m003_journal",
        "m004_outcomes",
        "m005_scores_periods",
        "m006_month_counts",
    ]
    triggers = _schema(path, "only-triggers")
    assert sorted(triggers) == EXPECTED_TRIGGERS
    assert triggers["intakes_journal_delete"] == INTAKES_DELETE_TRIGGER
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_migration_names_match_the_schema_module():
    assert [m.name for m in migrations._migrations] == list(MIGRATION_NAMES)


def test_foreign_keys_and_busy_timeout_are_on(tmp_path):
    with Diary.open(tmp_path / "d.db", write=True) as diary:
        assert diary.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert diary.conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000


@pytest.mark.parametrize(
    "sql",
    [
        "INSERT INTO days (date, severity) VALUES ('2026-02-30', 'mild')",
        "INSERT INTO days (date, severity) VALUES ('26-1-1', 'mild')",
        "INSERT INTO days (date, severity) VALUES ('2026-01-01', 'awful')",
        "INSERT INTO days (date, severity, hours) VALUES ('2026-01-01', 'mild', 30)",
        "INSERT INTO days (date, severity, nausea) VALUES ('2026-01-01', 'mild', 2)",
        "INSERT INTO days (date, severity, impairment) VALUES ('2026-01-01', 'mild', 'x')",
        "INSERT INTO intakes (date, medication) VALUES ('2026-01-01', 'ibuprofen')",  # no day
        "INSERT INTO gaps (start_date, end_date) VALUES ('2026-01-05', '2026-01-01')",
        "INSERT INTO trials (therapy, class_id, kind, start_date, outcome) "
        "VALUES ('x', 'beta_blocker', 'preventive', '2026-01-01', 'ineffective')",
        "INSERT INTO trials (therapy, class_id, kind, start_date, end_date, outcome) "
        "VALUES ('x', 'beta_blocker', 'preventive', '2026-01-01', '2026-02-01', 'ongoing')",
        "INSERT INTO trials (therapy, class_id, kind, start_date, outcome) "
        "VALUES ('x', 'beta_blocker', 'oral', '2026-01-01', 'ongoing')",
    ],
)
def test_sqlite_guards_the_data(tmp_path, sql):
    with Diary.open(tmp_path / "d.db", write=True) as diary:
        with pytest.raises(sqlite3.IntegrityError):
            diary.db.execute(sql)


def test_diary_and_folder_created_on_first_write_with_mode_0600(tmp_path):
    path = tmp_path / "new" / "folder" / "diary.db"
    Diary.open(path, write=False).close()
    assert not path.exists(), "reading must not create the diary"
    Diary.open(path, write=True).close()
    assert path.exists()
    assert (path.stat().st_mode & 0o777) == 0o600


def test_location_order(tmp_path, monkeypatch):
    monkeypatch.setenv("MIGRAINECLI_DB", str(tmp_path / "env.db"))
    assert resolve_path("/x/opt.db") == Path("/x/opt.db")
    assert resolve_path(None) == tmp_path / "env.db"
    monkeypatch.delenv("MIGRAINECLI_DB")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert resolve_path(None) == tmp_path / "xdg" / "migrainecli" / "diary.db"


def test_not_sqlite_is_refused_and_untouched(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_bytes(b"my headache notes\n" * 100)
    before = path.read_bytes()
    with pytest.raises(DiaryFileError, match="not an SQLite database"):
        Diary.open(path, write=True)
    assert path.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["notes.txt"]


def test_other_application_sqlite_is_refused_and_untouched(tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY, name TEXT)")
    conn.execute("INSERT INTO photos (name) VALUES ('cat')")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(DiaryFileError, match="another application"):
        Diary.open(path, write=True)
    assert path.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["other.db"]


def test_corrupted_diary_is_refused_and_untouched(tmp_path):
    path = tmp_path / "d.db"
    with Diary.open(path, write=True) as diary:
        diary.save_day(Day(date(2026, 1, 1), "mild"))
    data = bytearray(path.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)  # smash the schema page
    path.write_bytes(bytes(data))
    before = path.read_bytes()
    with pytest.raises(DiaryFileError, match="damaged"):
        Diary.open(path, write=True)
    assert path.read_bytes() == before


def _newer_diary(path: Path) -> None:
    with Diary.open(path, write=True) as diary:
        diary.save_day(Day(date(2026, 1, 1), "mild"))
        diary.db.execute(
            "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
            "VALUES ('migrainecli', 'm999_from_the_future', '2030-01-01')"
        )
    for suffix in ("-wal", "-shm"):
        assert not Path(str(path) + suffix).exists()


def test_newer_diary_is_refused_for_writing_and_readable(tmp_path):
    path = tmp_path / "d.db"
    _newer_diary(path)
    before = path.read_bytes()
    with pytest.raises(DiaryFileError, match="newer version of migrainecli"):
        Diary.open(path, write=True)
    assert path.read_bytes() == before
    with Diary.open(path, write=False) as diary:
        assert [d.date for d in diary.days()] == [date(2026, 1, 1)]


def test_upgrade_from_first_schema_keeps_every_row(tmp_path):
    path = tmp_path / "old.db"
    # Build a diary as version 0.1 (schema m001 only) would have left it.
    from sqlite_utils import Database

    db = Database(path)
    migrations.apply(db, stop_before="m002_trials")
    db.execute("INSERT INTO days (date, severity, nausea) VALUES ('2025-03-01', 'severe', 1)")
    db.execute(
        "INSERT INTO intakes (date, medication, dose, relieved, class_id) "
        "VALUES ('2025-03-01', 'Imitrex', '50 mg', 1, 'triptan')"
    )
    db.execute(
        "INSERT INTO gaps (start_date, end_date, reason) VALUES ('2025-04-01', '2025-04-03', 'x')"
    )
    db.execute("INSERT INTO settings (key, value) VALUES ('start', '2025-01-01')")
    db.close()
    with Diary.open(path, write=True) as diary:
        assert diary.days() == [Day(date(2025, 3, 1), "severe", nausea=True)]
        assert [(i.medication, i.dose, i.relieved, i.class_id) for i in diary.intakes()] == [
            ("Imitrex", "50 mg", True, "triptan")
        ]
        assert diary.gaps()[0].reason == "x"
        assert diary.start() == date(2025, 1, 1)
        assert diary.trials() == []
    assert _schema(path) == {k: "".join(v) for k, v in EXPECTED_SCHEMA.items()}


def test_round_trip_of_every_record_type(tmp_path):
    with Diary.open(tmp_path / "d.db", write=True) as diary:
        day = Day(date(2026, 1, 2), "moderate", 3.5, True, False, None, True, None, True, True,
                  False, True, "serious", "a note")  # fmt: skip
        diary.save_day(day)
        diary.add_intakes([Intake(date(2026, 1, 2), "sumatriptan", "50 mg", True, "triptan")])
        gap_id = diary.add_gap(Gap(date(2026, 2, 1), date(2026, 2, 3), "trip"))
        trial = Trial("topiramate", "anticonvulsant", "preventive", date(2025, 1, 1),
                      date(2025, 4, 1), "50 mg", "ineffective", "no change", None)  # fmt: skip
        trial_id = diary.save_trial(trial)
        assert diary.get_day(date(2026, 1, 2)) == day
        assert diary.intakes()[0].medication == "sumatriptan"
        assert diary.gaps() == [Gap(date(2026, 2, 1), date(2026, 2, 3), "trip", gap_id)]
        assert diary.get_trial(trial_id) == replace(trial, id=trial_id)
        data = diary.load()
        assert data.start == date(2026, 1, 2)
        assert len(data.days) == len(data.intakes) == len(data.gaps) == len(data.trials) == 1
        # deleting a day deletes its intakes (foreign key cascade)
        assert diary.delete_day(date(2026, 1, 2)) == 1
        assert diary.intakes() == []


def _log_many(args: tuple[str, int, int]) -> int:
    path, first, count = args
    from migrainecli.logbook import log_days

    for k in range(first, first + count):
        d = date(2020, 1, 1).fromordinal(date(2020, 1, 1).toordinal() + k)
        with Diary.open(Path(path), write=True) as diary:
            log_days(diary, d, d, {"severity": "mild"}, [], confirmed=True)  # far apart
    return count


def test_two_processes_logging_at_once_both_succeed(tmp_path):
    import multiprocessing

    path = str(tmp_path / "d.db")
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(2) as pool:
        done = pool.map(_log_many, [(path, 0, 40), (path, 1000, 40)])
    assert done == [40, 40]
    with Diary.open(Path(path), write=False) as diary:
        assert len(diary.days()) == 80


def test_the_fast_row_of_a_day_is_its_row():
    from migrainecli.models import FEATURES
    from migrainecli.storage import _day_row, _day_values

    days = [
        Day(date(2026, 1, 1), "none"),
        Day(date(2026, 1, 2), "severe", 5.5, *(k % 3 == 0 for k in range(len(FEATURES))),
            True, "bedbound", "a note"),
        Day(date(2026, 1, 3), "mild", None, *(None if k % 2 else False
                                             for k in range(len(FEATURES))), None, "mild"),
    ]  # fmt: skip
    for d in days:
        assert _day_values(d) == tuple(_day_row(d).values())
