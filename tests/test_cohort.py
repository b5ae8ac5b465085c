"""cohort and export cohort-record (docs/cohort.md): de-identified records of many
diaries, read read-only in parallel, written as Parquet by DuckDB and read back here."""

from __future__ import annotations

import csv
import io
import json
import os
import random
import re
import shutil
import sqlite3
import stat
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from migrainecli import cohort as core
from migrainecli.models import Day, Gap, Intake, Period, Score, Trial
from migrainecli.storage import Diary

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
AS_OF = "2026-06-15"
START = date(2025, 1, 1)

# What no cohort output may contain (the diaries below hold all of it).
NAME = "Zebedee Quixote"
DOB = "1979-04-13"
NOTE = "note-Xq7 about my sister"
REASON = "reason-Kp2 stopped at work"
DOSE = "dose-Vv9 50 mg"
GAP_REASON = "gap-Hh4 in hospital"
SECRETS = (NAME, "Zebedee", "Quixote", DOB, "1979-04", NOTE, "Xq7", REASON, "Kp2", DOSE,
           "Vv9", GAP_REASON, "Hh4", "Propranolol-as-typed")  # fmt: skip


def make_diary(path: Path, seed: int, days: int = 500, *, dob: bool = True) -> Path:
    """A real diary with headache days, intakes, a gap, trials, scores and a period,
    and identifying text everywhere a patient can type it."""
    rng = random.Random(seed)
    rate = 0.2 + 0.5 * rng.random()
    entries, intakes = [], []
    for i in range(days):
        d = START + timedelta(days=i)
        if rng.random() < rate:
            severe = rng.random() < 0.6
            entries.append(
                Day(d, "severe" if severe else rng.choice(["mild", "moderate"]), hours=6.0,
                    unilateral=severe, pulsating=severe, nausea=severe, photophobia=True,
                    phonophobia=True, note=f"{NOTE} {i}" if i % 7 == 0 else None)
            )  # fmt: skip
            if rng.random() < 0.6:
                med, cls = rng.choice(
                    [("sumatriptan", "triptan"), ("ibuprofen", "simple_analgesic")]
                )
                intakes.append(Intake(d, med, dose=DOSE, relieved=True, class_id=cls))
        elif i % 11 == 0:
            entries.append(Day(d, "none", note=NOTE))
    with Diary.open(path, write=True) as diary:
        diary.set_setting("name", NAME)
        if dob:
            diary.set_setting("dob", DOB)
        diary.set_setting("start", START.isoformat())
        diary.save_days(entries)
        diary.add_intakes(intakes)
        diary.add_gap(Gap(START + timedelta(days=40), START + timedelta(days=45), GAP_REASON))
        diary.save_trial(
            Trial("Propranolol-as-typed", "beta_blocker", "preventive", START + timedelta(days=95),
                  START + timedelta(days=95 + 120 + seed), dose=DOSE, outcome="ineffective",
                  reason=REASON, note=NOTE)
        )  # fmt: skip
        diary.save_trial(
            Trial("topiramate", "anticonvulsant", "preventive", START + timedelta(days=300),
                  dose=DOSE, note=NOTE)
        )  # fmt: skip
        diary.add_score(Score(START + timedelta(days=60), "hit6", 60 + seed % 10, note=NOTE))
        diary.add_period(Period(START + timedelta(days=20), note=NOTE))
    return path


@pytest.fixture
def cohort_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "diaries"
    folder.mkdir(mode=0o700)
    for n in range(3):
        make_diary(folder / f"patient-{n}.db", seed=n, dob=n != 2)
    return folder


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    key = tmp_path / "clinic.key"
    key.write_bytes(b"0123456789abcdef0123456789abcdef")
    key.chmod(0o600)
    return key


def table(folder: Path, name: str) -> list[dict]:
    """A table of a cohort folder read back with DuckDB, either layout."""
    rel = duckdb.sql(
        f"SELECT * FROM read_parquet('{folder}/{name}/**/*.parquet', hive_partitioning = true)"
    )
    return [dict(zip(rel.columns, row, strict=True)) for row in rel.fetchall()]


def pseudonym_of(path: Path, key: Path) -> str:
    with Diary.snapshot(path) as diary:
        return core.keyed_pseudonym(key.read_bytes(), diary.created_at())


def state(path: Path) -> tuple[bytes, int, list[str]]:
    """A file's bytes, its modification time and the files beside it."""
    return path.read_bytes(), path.stat().st_mtime_ns, sorted(os.listdir(path.parent))


# -- the Parquet contents are each diary's own export monthly ----------------------------
def test_cohort_months_equal_each_diarys_own_export_monthly(run, tmp_path, cohort_dir, key_file):
    out = tmp_path / "cohort.parquet"
    r = run("cohort", str(cohort_dir), "--key-file", str(key_file), "--output", str(out),
            "--jobs", "2")  # fmt: skip
    assert r.exit_code == 0, r.stderr
    assert r.stdout == ""
    months = table(out, "months")
    for diary in sorted(cohort_dir.glob("*.db")):
        mine = [m for m in months if m["pseudonym"] == pseudonym_of(diary, key_file)]
        e = run("--db", str(diary), "export", "monthly")
        assert e.exit_code == 0
        exported = list(csv.DictReader(io.StringIO(e.stdout)))
        # every complete month of export monthly (today's month is still running)
        complete = [row for row in exported if row["month"] < date.today().strftime("%Y-%m")]
        assert [m["month"] for m in mine] == [row["month"] for row in complete]
        for m, row in zip(mine, complete, strict=True):
            for column, value in row.items():
                if column != "active_preventives":
                    assert str(m[column]) == value, (diary.name, m["month"], column)
            assert m["schema_version"] == 1
            assert 0 <= m["moderate_severe_days"] <= m["headache_days"]
    assert r.stderr == f"Wrote 3 diaries ({len(months)} months, 6 trials) to {out}.\n"


def test_cohort_csv_format_holds_the_same_rows_as_parquet(run, tmp_path, cohort_dir, key_file):
    pq, cs = tmp_path / "p", tmp_path / "c"
    for out, fmt in ((pq, "parquet"), (cs, "csv")):
        r = run("cohort", str(cohort_dir), "--key-file", str(key_file), "-o", str(out),
                "--format", fmt, "--jobs", "2", "--as-of", AS_OF)  # fmt: skip
        assert r.exit_code == 0, r.stderr
    assert sorted(os.listdir(cs)) == [f"{t}.csv" for t in sorted(core.TABLES)]
    for name in core.TABLES:
        from_csv = duckdb.sql(f"SELECT * FROM read_csv('{cs}/{name}.csv')").fetchall()
        from_parquet = duckdb.sql(f"SELECT * FROM read_parquet('{pq}/{name}/*.parquet')")
        assert [tuple(map(str, r)) for r in from_csv] == [
            tuple(map(str, r)) for r in from_parquet.fetchall()
        ]


# -- unreadable files -------------------------------------------------------------------
def test_unreadable_files_are_listed_with_the_reason_and_skipped(
    run, tmp_path, cohort_dir, key_file
):
    (cohort_dir / "notes.db").write_text("not a database at all\n")
    good = (cohort_dir / "patient-0.db").read_bytes()
    (cohort_dir / "cut.db").write_bytes(good[: len(good) // 2 + 100])
    (cohort_dir / "empty.db").write_bytes(b"")
    other = sqlite3.connect(cohort_dir / "other.db")
    other.execute("CREATE TABLE photos (id INTEGER)")
    other.commit()
    other.close()
    out = tmp_path / "cohort.parquet"
    r = run("cohort", str(cohort_dir), "--key-file", str(key_file), "-o", str(out),
            "--jobs", "2", "--as-of", AS_OF)  # fmt: skip
    assert r.exit_code == 1
    lines = r.stderr.splitlines()
    assert lines[:-1] == [
        f"Skipped {cohort_dir / 'cut.db'}: it cannot be read as a diary (the file is cut "
        "short); it may be damaged and was left as it was. Restore it from a backup "
        "('migrainecli restore BACKUP') or give another path with --db.",
        f"Skipped {cohort_dir / 'empty.db'}: it is empty, not a diary.",
        f"Skipped {cohort_dir / 'notes.db'}: it is not a migrainecli diary (not an SQLite "
        "database).",
        f"Skipped {cohort_dir / 'other.db'}: it is another application's SQLite database, "
        "not a migrainecli diary.",
    ]
    months = table(out, "months")
    assert lines[-1] == f"Wrote 3 diaries ({len(months)} months, 6 trials) to {out}; 4 skipped."
    assert len({m["pseudonym"] for m in months}) == 3


def test_nothing_readable_writes_nothing(run, tmp_path, key_file):
    bad = tmp_path / "bad.db"
    bad.write_text("x")
    out = tmp_path / "cohort.parquet"
    r = run("cohort", str(bad), str(tmp_path / "missing.db"), "--key-file", str(key_file),
            "-o", str(out))  # fmt: skip
    assert r.exit_code == 1
    assert r.stderr.splitlines() == [
        f"Skipped {tmp_path / 'missing.db'}: there is no such file or folder.",
        f"Skipped {bad}: it is not a migrainecli diary (not an SQLite database).",
        "Error: No diary could be read; nothing was written.",
    ]
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


# -- read-only ---------------------------------------------------------------------------
def test_a_diary_open_for_writing_is_read_as_committed_and_left_unchanged(
    run, tmp_path, cohort_dir, key_file
):
    diary = cohort_dir / "patient-1.db"
    before = run("--db", str(diary), "export", "cohort-record", "--pseudonym", "P1",
                 "--as-of", AS_OF, "-f", "json")  # fmt: skip
    assert before.exit_code == 0
    writer = sqlite3.connect(diary, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    # 60 severe days not yet committed: a reader must not see them
    for i in range(60):
        d = (START + timedelta(days=i)).isoformat()
        writer.execute(
            "INSERT OR REPLACE INTO days (date, severity, nausea) VALUES (?, 'severe', 1)", [d]
        )
    try:
        seen = state(diary)
        out = tmp_path / "cohort.parquet"
        r = run("cohort", str(diary), "--pseudonyms", str(_map(tmp_path, {diary: "P1"})),
                "-o", str(out), "--jobs", "2", "--as-of", AS_OF)  # fmt: skip
        assert r.exit_code == 0, r.stderr
        assert state(diary) == seen
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    record = json.loads(before.stdout)
    months = table(out, "months")
    assert [{k: m[k] for k in record["months"][0]} for m in months] == record["months"]


def test_a_diary_written_by_a_thread_during_the_read_is_read_consistently(
    run, tmp_path, cohort_dir, key_file
):
    """Each commit adds a headache day and its intake together: a consistent read sees
    as many intake days as headache days in the months only the thread writes."""
    import threading

    diary = cohort_dir / "patient-0.db"  # logged up to 2026-05
    stop, started = threading.Event(), threading.Event()

    def write() -> None:
        conn = sqlite3.connect(diary, isolation_level=None, timeout=30)
        day = date(2026, 7, 1)
        while not stop.is_set() and day < date(2026, 11, 1):
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("INSERT OR REPLACE INTO days (date, severity) VALUES (?, 'severe')",
                         [day.isoformat()])  # fmt: skip
            conn.execute("INSERT INTO intakes (date, medication, class_id) VALUES (?, 'x', "
                         "'triptan')", [day.isoformat()])  # fmt: skip
            conn.execute("COMMIT")
            started.set()
            day += timedelta(days=1)
        conn.close()

    thread = threading.Thread(target=write)
    thread.start()
    try:
        assert started.wait(10)
        out = tmp_path / "cohort.parquet"
        r = run("cohort", str(diary), "--pseudonyms", str(_map(tmp_path, {diary: "P0"})),
                "-o", str(out), "--jobs", "2", "--as-of", "2026-11-30")  # fmt: skip
    finally:
        stop.set()
        thread.join()
    assert r.exit_code == 0, r.stderr
    written = [m for m in table(out, "months") if "2026-07" <= m["month"] <= "2026-10"]
    assert len(written) == 4
    assert sum(m["headache_days"] for m in written) > 0
    for m in written:
        assert m["headache_days"] == m["acute_medication_days"] == m["triptan_days"]


def test_an_older_schema_diary_is_read_without_being_changed(run, tmp_path, key_file):
    folder = tmp_path / "old"
    folder.mkdir(mode=0o700)
    fixtures = sorted(FIXTURES.glob("diary-m00*.db"))
    assert len(fixtures) >= 4
    for f in fixtures:
        shutil.copy2(f, folder / f.name)
    seen = {f.name: state(folder / f.name) for f in fixtures}
    out = tmp_path / "cohort.parquet"
    r = run("cohort", str(folder), "--key-file", str(key_file), "-o", str(out), "--jobs", "2",
            "--as-of", AS_OF)  # fmt: skip
    assert r.exit_code == 0, r.stderr
    assert {f.name: state(folder / f.name) for f in fixtures} == seen
    for f in fixtures:
        applied = sqlite3.connect(f"file:{folder / f.name}?mode=ro", uri=True).execute(
            "SELECT count(*) FROM _sqlite_migrations"
        )
        assert applied.fetchone()[0] < 5  # still the old schema
    assert len(table(out, "patients")) == len(fixtures)
    assert len(table(out, "verdicts")) == 7 * len(fixtures)


# -- pseudonyms --------------------------------------------------------------------------
def _map(folder: Path, mapping: dict[Path, str]) -> Path:
    path = folder / "map.csv"
    path.write_text("file,pseudonym\n" + "".join(f"{p},{s}\n" for p, s in mapping.items()))
    return path


def test_two_diaries_mapped_to_one_pseudonym_are_both_left_out(run, tmp_path, cohort_dir):
    a, b, c = sorted(cohort_dir.glob("*.db"))
    mapping = _map(tmp_path, {a: "S-001", b.relative_to(tmp_path): "S-001", c: "S-003"})
    out = tmp_path / "cohort.parquet"
    r = run("cohort", str(cohort_dir), "--pseudonyms", str(mapping), "-o", str(out),
            "--jobs", "2", "--as-of", AS_OF)  # fmt: skip
    assert r.exit_code == 1
    assert r.stderr.splitlines()[:2] == [
        f"Skipped {a}: it has the same pseudonym (S-001) as {b}: left out, as is the other "
        "(combine them into one diary first).",
        f"Skipped {b}: it has the same pseudonym (S-001) as {a}: left out, as is the other "
        "(combine them into one diary first).",
    ]
    assert {p["pseudonym"] for p in table(out, "patients")} == {"S-003"}
    assert {m["pseudonym"] for m in table(out, "months")} == {"S-003"}


def test_a_copy_of_a_diary_has_its_pseudonym_and_both_are_left_out(
    run, tmp_path, cohort_dir, key_file
):
    shutil.copy(cohort_dir / "patient-0.db", cohort_dir / "patient-0-again.db")
    out = tmp_path / "cohort.parquet"
    r = run("cohort", str(cohort_dir), "--key-file", str(key_file), "-o", str(out),
            "--jobs", "2", "--as-of", AS_OF)  # fmt: skip
    assert r.exit_code == 1
    assert r.stderr.count("same pseudonym") == 2
    assert len(table(out, "patients")) == 2


def test_keyed_pseudonyms_are_stable_under_edits_and_differ_by_key(run, tmp_path, cohort_dir):
    diary = cohort_dir / "patient-0.db"
    key = b"k" * 32
    with Diary.snapshot(diary) as d:
        first = core.keyed_pseudonym(key, d.created_at())
    assert re.fullmatch(r"[0-9a-f]{16}", first)
    assert run("--db", str(diary), "log", "2026-06-01", "--severity", "mild").exit_code == 0
    with Diary.snapshot(diary) as d:
        assert core.keyed_pseudonym(key, d.created_at()) == first
        assert core.keyed_pseudonym(b"m" * 32, d.created_at()) != first


def test_a_diary_missing_from_the_map_is_skipped(run, tmp_path, cohort_dir):
    a = sorted(cohort_dir.glob("*.db"))[0]
    out = tmp_path / "cohort.parquet"
    r = run("cohort", str(cohort_dir), "--pseudonyms", str(_map(tmp_path, {a: "S-1"})),
            "-o", str(out), "--jobs", "2")  # fmt: skip
    assert r.exit_code == 1
    assert r.stderr.count("is not in the pseudonym map (--pseudonyms)") == 2
    assert [p["pseudonym"] for p in table(out, "patients")] == ["S-1"]


# -- nothing identifying ------------------------------------------------------------------
def test_no_cohort_output_holds_a_name_birth_date_note_reason_or_dose(
    run, tmp_path, cohort_dir, key_file
):
    outputs: list[bytes] = []
    for fmt in ("parquet", "csv"):
        out = tmp_path / f"cohort-{fmt}"
        r = run("cohort", str(cohort_dir), "--key-file", str(key_file), "-o", str(out),
                "--format", fmt, "--jobs", "2", "--summary", "--as-of", AS_OF)  # fmt: skip
        assert r.exit_code == 0, r.stderr
        outputs.append(r.stdout.encode())
        for f in out.rglob("*"):
            if f.is_file():
                outputs.append(f.read_bytes())
                assert stat.S_IMODE(f.stat().st_mode) == 0o600
            else:
                assert stat.S_IMODE(f.stat().st_mode) == 0o700
        if fmt == "parquet":  # compressed: read every value back as text too
            for name in core.TABLES:
                outputs.append(repr(table(out, name)).encode())
    for diary in cohort_dir.glob("*.db"):
        for fmt in ("csv", "json"):
            r = run("--db", str(diary), "export", "cohort-record", "--pseudonym", "P1",
                    "-f", fmt)  # fmt: skip
            assert r.exit_code == 0
            outputs.append(r.stdout.encode())
    for blob in outputs:
        for secret in (*SECRETS, "patient-", str(cohort_dir)):
            assert secret.encode() not in blob, secret
        # no date finer than a month anywhere
        assert not re.search(rb"\d{4}-\d{2}-\d{2}", blob)


# -- output files ------------------------------------------------------------------------
def test_an_existing_output_needs_force_and_is_replaced_whole(run, tmp_path, cohort_dir, key_file):
    out = tmp_path / "cohort.parquet"
    args = ("cohort", str(cohort_dir), "--key-file", str(key_file), "-o", str(out), "-j", "2")
    assert run(*args).exit_code == 0
    (out / "stale.txt").write_text("from before")
    r = run(*args)
    assert r.exit_code == 1
    assert r.stderr == f"Error: {out} already exists; add --force to replace it.\n"
    assert (out / "stale.txt").exists()
    assert run(*args, "--force").exit_code == 0
    assert sorted(os.listdir(out)) == sorted(core.TABLES)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_a_large_table_is_written_partitioned_by_month(
    run, tmp_path, cohort_dir, key_file, monkeypatch
):
    from migrainecli import cohort_output

    flat, parts = tmp_path / "flat", tmp_path / "parts"
    args = ("cohort", str(cohort_dir), "--key-file", str(key_file), "-j", "2", "--as-of", AS_OF)
    assert run(*args, "-o", str(flat)).exit_code == 0
    monkeypatch.setattr(cohort_output, "PARTITION_ROWS", 10)
    assert run(*args, "-o", str(parts)).exit_code == 0
    assert sorted(os.listdir(parts / "months"))[:2] == ["month=2025-01", "month=2025-02"]
    assert (parts / "patients" / "data.parquet").exists()  # 3 rows: one file
    for name in core.TABLES:
        key = sorted if name != "patients" else list

        def rows(folder: Path, name=name) -> list:
            return sorted(
                tuple(sorted((k, str(v)) for k, v in r.items())) for r in table(folder, name)
            )

        assert key(rows(parts)) == key(rows(flat))


def test_without_duckdb_it_says_how_to_install_it(run, tmp_path, cohort_dir, key_file, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "duckdb", None)  # import duckdb now fails
    out = tmp_path / "cohort.parquet"
    r = run("cohort", str(cohort_dir), "--key-file", str(key_file), "-o", str(out))
    assert r.exit_code == 1
    assert r.stderr == (
        "Error: The cohort command writes its files with DuckDB, which is not installed; "
        "install it with: pip install 'migrainecli[cohort]'\n"
    )
    assert not out.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "Give either --key-file"),
        (("--key-file", "k", "--pseudonyms", "m"), "Give either --key-file"),
        (("--summary",), "Give either --key-file"),
    ],
)
def test_cohort_usage_errors(run, tmp_path, args, message):
    r = run("cohort", str(tmp_path), *args, *(() if "--summary" in args else ("-o", "x")))
    assert r.exit_code == 2
    assert message in r.stderr


def test_cohort_needs_output_or_summary(run, tmp_path, key_file):
    r = run("cohort", str(tmp_path), "--key-file", str(key_file))
    assert r.exit_code == 2
    assert "Give --output DIR for the files, --summary for the table, or both." in r.stderr


def test_a_key_file_others_can_read_is_refused(run, tmp_path, cohort_dir, key_file):
    key_file.chmod(0o644)
    r = run("cohort", str(cohort_dir), "--key-file", str(key_file), "-o", str(tmp_path / "o"))
    assert r.exit_code == 1
    assert r.stderr == (
        f"Error: The key file {key_file} can be read by other users; run 'chmod 600 "
        f"{key_file}' (whoever has the key can link pseudonyms to diaries).\n"
    )
