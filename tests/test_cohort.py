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
from migrainecli.schema import MIGRATION_NAMES
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


def make_diary(
    path: Path,
    seed: int,
    days: int = 500,
    *,
    dob: bool = True,
    rate: float | None = None,
    drop: float = 1.0,
) -> Path:
    """A real diary with headache days, intakes, a gap, trials, scores and a period,
    and identifying text everywhere a patient can type it. ``rate``: the share of
    headache days; ``drop`` multiplies it while the beta-blocker trial runs."""
    rng = random.Random(seed)
    rate = 0.2 + 0.5 * rng.random() if rate is None else rate
    trial_end = 95 + 120 + seed
    entries, intakes = [], []
    for i in range(days):
        d = START + timedelta(days=i)
        if rng.random() < rate * (drop if 95 <= i <= trial_end else 1.0):
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
                  START + timedelta(days=trial_end), dose=DOSE, outcome="ineffective",
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
    assert sorted(os.listdir(cs)) == [
        "datapackage.json",
        *(f"{t}.csv" for t in sorted(core.TABLES)),
    ]
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
        "('migrainecli restore BACKUP').",
        f"Skipped {cohort_dir / 'empty.db'}: it is empty, not a diary.",
        f"Skipped {cohort_dir / 'notes.db'}: it is not a migrainecli diary (not an SQLite "
        "database).",
        f"Skipped {cohort_dir / 'other.db'}: it is another application's SQLite database, "
        "not a migrainecli diary.",
    ]
    months = table(out, "months")
    assert lines[-1] == f"Wrote 3 diaries ({len(months)} months, 6 trials) to {out}; 4 skipped."
    assert len({m["pseudonym"] for m in months}) == 3


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes")
def test_a_skipped_diarys_reason_offers_no_db_option_cohort_does_not_have(
    run, tmp_path, cohort_dir, key_file
):
    os.mkfifo(tmp_path / "pipe.db")
    r = run("cohort", str(tmp_path / "pipe.db"), str(cohort_dir), "--key-file", str(key_file),
            "--summary", "-j", "1", "--as-of", AS_OF)  # fmt: skip
    assert r.exit_code == 1
    assert r.stderr.splitlines()[0] == (
        f"Skipped {tmp_path / 'pipe.db'}: it is not a regular file (it is a named pipe)."
    )
    assert "--db" not in r.stderr


def test_a_pseudonym_map_that_cannot_be_read_is_one_plain_sentence(run, tmp_path, cohort_dir):
    missing = tmp_path / "no-map.csv"
    r = run("cohort", str(cohort_dir), "--pseudonyms", str(missing), "--summary")
    assert r.exit_code == 1
    assert (
        r.stderr == f"Error: Cannot read the pseudonym map {missing}: No such file or directory.\n"
    )
    r = run("cohort", str(cohort_dir), "--pseudonyms", str(tmp_path), "--summary")
    assert r.stderr == f"Error: Cannot read the pseudonym map {tmp_path}: Is a directory.\n"
    bad = tmp_path / "latin1.csv"
    bad.write_bytes(b"file,pseudonym\n\xff.db,A\n")
    r = run("cohort", str(cohort_dir), "--pseudonyms", str(bad), "--summary")
    assert r.stderr == (
        f"Error: Cannot read the pseudonym map {bad}: it is not UTF-8 text (byte 0xff at "
        "position 15).\n"
    )


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes")
def test_a_folders_diary_link_to_nothing_or_pipe_is_listed_not_silently_left_out(
    run, tmp_path, cohort_dir, key_file
):
    # a link to a diary on a share that is not mounted: the cohort must not quietly
    # come out one patient short with exit 0
    (cohort_dir / "on-share.db").symlink_to(tmp_path / "unmounted" / "patient-9.db")
    (cohort_dir / "loop.db").symlink_to(cohort_dir / "loop.db")
    os.mkfifo(cohort_dir / "pipe.db")
    r = run("cohort", str(cohort_dir), "--key-file", str(key_file), "--summary", "-j", "1",
            "--as-of", AS_OF)  # fmt: skip
    assert r.exit_code == 1
    assert r.stderr.splitlines() == [
        f"Skipped {cohort_dir / 'loop.db'}: it is a symbolic link to nothing (a missing "
        "file or a loop of links).",
        f"Skipped {cohort_dir / 'on-share.db'}: it is a symbolic link to nothing (a missing "
        "file or a loop of links).",
        f"Skipped {cohort_dir / 'pipe.db'}: it is not a regular file (it is a named pipe).",
    ]
    assert "Cohort: <5 patients" in r.stdout


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
        mapping = {p: p.stem for p in cohort_dir.glob("*.db")}  # three: read by 2 processes
        r = run("cohort", str(cohort_dir), "--pseudonyms", str(_map(tmp_path, mapping)),
                "-o", str(out), "--jobs", "2", "--as-of", AS_OF)  # fmt: skip
        assert r.exit_code == 0, r.stderr
        assert state(diary) == seen
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    record = json.loads(before.stdout)
    months = [m for m in table(out, "months") if m["pseudonym"] == "patient-1"]
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
        mapping = {p: p.stem for p in cohort_dir.glob("*.db")}
        r = run("cohort", str(cohort_dir), "--pseudonyms", str(_map(tmp_path, mapping)),
                "-o", str(out), "--jobs", "2", "--as-of", "2026-11-30")  # fmt: skip
    finally:
        stop.set()
        thread.join()
    assert r.exit_code == 0, r.stderr
    written = [
        m for m in table(out, "months")
        if m["pseudonym"] == "patient-0" and "2026-07" <= m["month"] <= "2026-10"
    ]  # fmt: skip
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
        assert applied.fetchone()[0] < len(MIGRATION_NAMES)  # still the old schema
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
    (out / "months" / "stale.parquet").write_text("from before")
    r = run(*args)
    assert r.exit_code == 1
    assert r.stderr == f"Error: {out} already exists; add --force to replace it.\n"
    assert (out / "months" / "stale.parquet").exists()
    assert run(*args, "--force").exit_code == 0
    assert sorted(os.listdir(out)) == sorted(core.TABLES)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_force_never_replaces_the_folder_of_the_diaries_being_read(
    run, tmp_path, cohort_dir, key_file
):
    before = sorted(os.listdir(cohort_dir))
    r = run("cohort", str(cohort_dir), "--key-file", str(key_file), "-o", str(cohort_dir),
            "--force", "-j", "1")  # fmt: skip
    assert r.exit_code == 1
    assert r.stderr == (
        f"Error: {cohort_dir} is not a folder cohort wrote (it holds more than the cohort's "
        "tables); --force replaces only a cohort's own output folder.\n"
    )
    assert sorted(os.listdir(cohort_dir)) == before


def test_force_never_replaces_a_folder_with_more_than_a_cohort_in_it(
    run, tmp_path, cohort_dir, key_file
):
    # a clinic folder with the diaries in clinic/patients/: "patients" is also a cohort
    # table's name, yet the folder is not a cohort's output
    clinic = tmp_path / "clinic"
    clinic.mkdir()
    shutil.move(cohort_dir, clinic / "patients")
    r = run("cohort", str(clinic / "patients"), "--key-file", str(key_file), "-o", str(clinic),
            "--force", "-j", "1")  # fmt: skip
    assert r.exit_code == 1
    assert r.stderr == (
        f"Error: {clinic} is not a folder cohort wrote (it holds more than the cohort's "
        "tables); --force replaces only a cohort's own output folder.\n"
    )
    assert len(list((clinic / "patients").glob("*.db"))) == 3
    out = tmp_path / "cohort"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    r = run("cohort", str(clinic / "patients"), "--key-file", str(key_file), "-o", str(out),
            "--force", "-j", "1")  # fmt: skip
    assert r.exit_code == 1
    assert (out / "notes.txt").read_text() == "mine"


def test_force_replaces_a_csv_cohort_folder_with_its_datapackage(
    run, tmp_path, cohort_dir, key_file
):
    out = tmp_path / "cohort-csv"
    args = ("cohort", str(cohort_dir), "--key-file", str(key_file), "-o", str(out), "-f",
            "csv", "-j", "1")  # fmt: skip
    assert run(*args).exit_code == 0
    assert (out / "datapackage.json").exists()
    r = run(*args, "--force")
    assert r.exit_code == 0, r.stderr
    assert (out / "datapackage.json").exists()


def test_force_never_replaces_a_file_such_as_the_key_file(run, tmp_path, cohort_dir, key_file):
    key = key_file.read_bytes()
    r = run("cohort", str(cohort_dir), "--key-file", str(key_file), "-o", str(key_file),
            "--force", "-j", "1")  # fmt: skip
    assert r.exit_code == 1
    assert r.stderr == (
        f"Error: {key_file} is a file, not a cohort folder; --force replaces only a "
        "cohort's own output folder.\n"
    )
    assert key_file.read_bytes() == key


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


# -- cohort --summary and the documented queries -------------------------------------------
@pytest.fixture
def eight(tmp_path: Path) -> Path:
    """Eight patients: five with many headache days, six who respond to the beta-blocker."""
    folder = tmp_path / "eight"
    folder.mkdir(mode=0o700)
    for n in range(8):
        make_diary(folder / f"patient-{n}.db", seed=n, dob=n % 3 != 2,
                   rate=0.75 if n < 5 else 0.3, drop=0.1 if n < 6 else 1.0)  # fmt: skip
    return folder


SUMMARY = """\
Cohort: 8 patients (counts under 5 are shown as <5).

Patients meeting each criterion
┏━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━┳━━━━━━━━━━━━━━┓
┃ criterion               ┃ met ┃ undetermined ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━╇━━━━━━━━━━━━━━┩
│ chronic migraine        │  <5 │            0 │
│ medication overuse      │   0 │            0 │
│ resistant               │   0 │            0 │
│ refractory              │   0 │            0 │
│ probable refractory     │   0 │            0 │
│ CGRP payer step therapy │   0 │            0 │
│ menstrual migraine      │   0 │            8 │
└─────────────────────────┴─────┴──────────────┘

Mean monthly migraine days (months tracked in full)
┏━━━━━━━━━┳━━━━━━━━━━┳━━━━━━┓
┃ month   ┃ patients ┃ mean ┃
┡━━━━━━━━━╇━━━━━━━━━━╇━━━━━━┩
│ 2025-06 │        8 │  2.2 │
│ 2025-07 │        8 │  2.1 │
│ 2025-08 │        8 │  9.2 │
│ 2025-09 │        8 │ 13.4 │
│ 2025-10 │        8 │ 11.1 │
│ 2025-11 │        8 │ 11.0 │
│ 2025-12 │        8 │ 10.2 │
│ 2026-01 │        8 │ 10.8 │
│ 2026-02 │        8 │ 10.1 │
│ 2026-03 │        8 │ 11.0 │
│ 2026-04 │        8 │ 11.0 │
│ 2026-05 │        8 │  5.4 │
└─────────┴──────────┴──────┘

Preventive classes tried (patients)
┏━━━━━━━━━━━━━━━━━┳━━━━━━━┳━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
┃ class           ┃ tried ┃ response known ┃ ≥50% responders ┃ response rate ┃
┡━━━━━━━━━━━━━━━━━╇━━━━━━━╇━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
│ Anticonvulsants │     8 │              8 │               0 │            0% │
│ Beta-blockers   │     8 │              8 │               – │             – │
└─────────────────┴───────┴────────────────┴─────────────────┴───────────────┘
These are published criteria read from the recorded diary, not a diagnosis; a
clinician decides what they mean.
"""


def records(run, folder: Path, key: Path) -> list[dict]:
    """Each diary's own ``export cohort-record`` (JSON) under its keyed pseudonym."""
    out = []
    for diary in sorted(folder.glob("*.db")):
        r = run("--db", str(diary), "export", "cohort-record", "--pseudonym",
                pseudonym_of(diary, key), "--as-of", AS_OF, "-f", "json")  # fmt: skip
        assert r.exit_code == 0
        out.append(json.loads(r.stdout))
    return out


def test_cohort_summary_suppresses_small_cells(run, eight, key_file):
    r = run("cohort", str(eight), "--key-file", str(key_file), "--summary", "--as-of", AS_OF,
            "-j", "2", env={"COLUMNS": "80"})  # fmt: skip
    assert r.exit_code == 0, r.stderr
    assert r.stdout == SUMMARY
    assert r.stderr == ""
    # the suppressed cells, from the patients' own records
    recs = records(run, eight, key_file)
    chronic = [v for rec in recs for v in rec["verdicts"] if v["criterion"] == "chronic_migraine"]
    assert 0 < sum(v["status"] == "met" for v in chronic) < 5
    beta = [t for rec in recs for t in rec["trials"] if t["class"] == "beta_blocker"]
    assert sum(t["responder"] is True for t in beta) == 6  # 2 non-responders: rate hidden
    assert sum(t["responder"] is False for t in beta) == 2


@pytest.mark.parametrize(
    ("patients", "met", "undetermined", "cells"),
    [
        (20, 10, 6, ("–", "6")),  # not met 4 = 20 - 10 - 6: the larger cell is withheld
        (20, 15, 0, ("15", "0")),  # not met 5: shown cells are safe
        (20, 3, 0, ("<5", "0")),  # met suppressed: not met is 17 (14 to 17)
        (8, 6, 0, ("–", "0")),  # not met 2 would follow from 8 - 6 - 0
        (8, 0, 6, ("0", "–")),
        (8, 5, 3, ("5", "<5")),  # not met 0
    ],
)
def test_verdict_cells_never_let_not_met_be_worked_out(patients, met, undetermined, cells):
    assert core.verdict_cells(patients, met, undetermined) == cells


def test_suppress_shows_zero_and_five_but_not_one_to_four():
    assert [core.suppress(n) for n in range(7)] == ["0", "<5", "<5", "<5", "<5", "5", "6"]


def test_every_query_of_docs_cohort_md_runs_and_gives_the_records_figures(
    run, tmp_path, eight, key_file, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    r = run("cohort", str(eight), "--key-file", str(key_file), "-o", "cohort.parquet",
            "--as-of", AS_OF, "-j", "2")  # fmt: skip
    assert r.exit_code == 0, r.stderr
    text = (ROOT / "docs" / "cohort.md").read_text()
    setup, by_verdict, by_class, trend, by_decade = re.findall(r"```sql\n(.*?)```", text, re.S)
    db = duckdb.connect()
    db.execute(setup)
    recs = records(run, eight, key_file)

    expected: dict[tuple, int] = {}
    for rec in recs:
        for v in rec["verdicts"]:
            expected[(v["criterion"], v["status"])] = (
                expected.get((v["criterion"], v["status"]), 0) + 1
            )
    assert db.execute(by_verdict).fetchall() == sorted((*k, n) for k, n in expected.items())

    rates = {}
    for t in (t for rec in recs for t in rec["trials"]):
        if t["kind"] == "preventive" and t["responder"] is not None:
            n, yes = rates.get(t["class"], (0, 0))
            rates[t["class"]] = (n + 1, yes + t["responder"])
    assert db.execute(by_class).fetchall() == [
        (c, n, yes, round(100 * yes / n, 1)) for c, (n, yes) in sorted(rates.items())
    ]

    full: dict[str, list[int]] = {}
    for m in (m for rec in recs for m in rec["months"]):
        if m["untracked_days"] == 0:
            full.setdefault(m["month"], []).append(m["migraine_days"])
    got = db.execute(trend).fetchall()
    assert [(m, n) for m, n, _ in got] == [(m, len(v)) for m, v in sorted(full.items())]
    for (_m, _n, mean), (_, values) in zip(got, sorted(full.items()), strict=True):
        assert mean == pytest.approx(sum(values) / len(values), abs=0.0051)

    def chronic(rec: dict) -> bool:
        return any(
            v["criterion"] == "chronic_migraine" and v["status"] == "met" for v in rec["verdicts"]
        )

    decades = [rec["birth_year"] // 10 * 10 for rec in recs if rec["birth_year"] and chronic(rec)]
    assert decades  # the query has something to count
    assert db.execute(by_decade).fetchall() == [(d, decades.count(d)) for d in sorted(set(decades))]


# -- export cohort-record ----------------------------------------------------------------
def test_export_cohort_record_json_and_its_long_csv_say_the_same(run, tmp_path, db_path):
    make_diary(db_path, seed=3, days=70)
    j = run("export", "cohort-record", "--pseudonym", "S-17", "--as-of", "2025-04-02",
            "-f", "json")  # fmt: skip
    assert j.exit_code == 0
    record = json.loads(j.stdout)
    assert {k: record[k] for k in ("schema_version", "pseudonym", "birth_year", "as_of_month")} == {
        "schema_version": 1, "pseudonym": "S-17", "birth_year": 1979, "as_of_month": "2025-04"
    }  # fmt: skip
    assert [m["month"] for m in record["months"]] == ["2025-01", "2025-02", "2025-03"]
    assert record["months"][1]["untracked_days"] == 6  # the gap of 10-15 February
    assert record["trials"] == []  # the first starts on 6 April, after the as-of date
    assert [(v["criterion"], v["source"]) for v in record["verdicts"]] == [
        ("chronic_migraine", "ICHD-3 1.3"), ("medication_overuse", "ICHD-3 8.2"),
        ("resistant_migraine", "EHF 2020"), ("refractory_migraine", "EHF 2020"),
        ("probable_refractory_migraine", "2025 consensus"), ("cgrp_step_therapy", "AHS 2021"),
        ("menstrual_migraine", "ICHD-3 A1.1"),
    ]  # fmt: skip
    assert record["scores"] == [{"month": "2025-03", "instrument": "hit6", "total": 63}]

    c = run("export", "cohort-record", "--pseudonym", "S-17", "--as-of", "2025-04-02")
    assert c.exit_code == 0
    rows = list(csv.reader(io.StringIO(c.stdout)))
    assert rows[0] == list(core.LONG_COLUMNS)
    assert rows[1:5] == [
        ["1", "S-17", "patients", "2025-04", "", "birth_year", "1979"],
        ["1", "S-17", "patients", "2025-04", "", "first_month", "2025-01"],
        ["1", "S-17", "patients", "2025-04", "", "complete_months", "3"],
        ["1", "S-17", "months", "2025-01", "", "tracked_days", "31"],
    ]
    long = {(r[2], r[3], r[4], r[5]): r[6] for r in rows[1:]}
    for m in record["months"]:
        for k, v in m.items():
            if k != "month":
                assert long[("months", m["month"], "", k)] == str(v)
    for v in record["verdicts"]:
        assert long[("verdicts", "2025-04", v["criterion"], "status")] == v["status"]
    assert long[("scores", "2025-03", "hit6", "total")] == "63"


def test_export_cohort_record_trials_carry_class_option_month_and_outcome(run, db_path):
    make_diary(db_path, seed=0, days=400)
    r = run("export", "cohort-record", "--pseudonym", "S-1", "--as-of", AS_OF, "-f", "json")
    assert r.exit_code == 0
    # "Propranolol-as-typed" is no catalogue name: its class is kept, no AHS option is
    # guessed. The diary ends in February 2026: topiramate's later months are free.
    assert json.loads(r.stdout)["trials"] == [
        {"trial": 1, "kind": "preventive", "class": "beta_blocker", "ahs_option": None,
         "start_month": "2025-04", "duration_days": 121, "outcome": "ineffective",
         "adequate": True, "responder": False, "reduction_percent": -69.4},
        {"trial": 2, "kind": "preventive", "class": "anticonvulsant",
         "ahs_option": "ahs_topiramate", "start_month": "2025-10", "duration_days": 231,
         "outcome": "ongoing", "adequate": None, "responder": True,
         "reduction_percent": 73.8},
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("--pseudonym", "Jane Doe"), 1, "Error: The pseudonym 'Jane Doe' is not usable"),
        (
            ("--pseudonym", "S-1980-04-12"),
            1,
            "Error: The pseudonym 'S-1980-04-12' is not usable: it holds a date (YYYY-MM-DD), "
            "and a cohort record never holds a date finer than a month.\n",
        ),
        ((), 2, "'export cohort-record' needs --pseudonym ID."),
    ],
)
def test_export_cohort_record_refuses_a_bad_or_missing_pseudonym(run, db_path, args, code, message):
    make_diary(db_path, seed=0, days=40)
    before = db_path.read_bytes()
    r = run("export", "cohort-record", *args)
    assert r.exit_code == code
    assert message in r.stderr
    assert db_path.read_bytes() == before


def test_pseudonym_only_with_cohort_record(run, db_path):
    r = run("export", "days", "--pseudonym", "S-1")
    assert r.exit_code == 2
    assert "--pseudonym applies to 'export cohort-record' only." in r.stderr


def test_moderate_severe_days_count_moderate_and_severe_tracked_headache_days():
    from migrainecli.models import DiaryData
    from migrainecli.rules.months import monthly_counts

    days = (
        Day(date(2025, 3, 1), "mild"),
        Day(date(2025, 3, 2), "moderate"),
        Day(date(2025, 3, 3), "severe"),
        Day(date(2025, 3, 4), "none", aura=True),  # aura without headache
        Day(date(2025, 3, 10), "severe"),  # inside the gap: untracked
    )
    data = DiaryData(days=days, gaps=(Gap(date(2025, 3, 9), date(2025, 3, 11)),))
    (march,) = monthly_counts(data, date(2025, 3, 31))
    assert (march.headache_days, march.moderate_severe_days) == (3, 2)


def test_a_diary_with_a_killed_writers_journal_is_skipped_not_rolled_back(
    run, tmp_path, cohort_dir, key_file
):
    diary = cohort_dir / "patient-2.db"
    conn = sqlite3.connect(diary)
    conn.execute("PRAGMA journal_mode = DELETE")  # a rollback-journal file, as restore leaves
    conn.close()
    journal = cohort_dir / "patient-2.db-journal"
    journal.write_bytes(b"\xd9\xd5\x05\xf9\x20\xa1\x63\xd7" + bytes(504))
    seen = state(diary), journal.read_bytes()
    r = run("cohort", str(cohort_dir), "--key-file", str(key_file), "-o", str(tmp_path / "o"),
            "-j", "2", "--as-of", AS_OF)  # fmt: skip
    assert r.exit_code == 1
    assert r.stderr.splitlines()[0] == (
        f"Skipped {diary}: it has an unfinished change in {diary}-journal; open it once "
        "with migrainecli (any command) to finish it, then read it again."
    )
    assert (state(diary), journal.read_bytes()) == seen


def test_a_folder_without_diaries_says_so(run, tmp_path, key_file):
    empty = tmp_path / "none"
    empty.mkdir()
    r = run("cohort", str(empty), "--key-file", str(key_file), "-o", str(tmp_path / "o"))
    assert r.exit_code == 1
    assert r.stderr == (
        f"Error: There is no diary (*.db file) in {empty}; give diary files, or folders that "
        "hold them.\n"
    )


def test_export_cohort_record_to_a_file_is_private_and_never_clobbers(run, tmp_path, db_path):
    make_diary(db_path, seed=1, days=100)
    out = tmp_path / "record.json"
    args = ("export", "cohort-record", "--pseudonym", "S-2", "--as-of", AS_OF, "-f", "json",
            "-o", str(out))  # fmt: skip
    r = run(*args)
    assert r.exit_code == 0
    assert r.stderr == f"Wrote the cohort record of S-2 (17 complete months) to {out}.\n"
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert json.loads(out.read_text())["pseudonym"] == "S-2"
    out.write_text("mine")
    r = run(*args)
    assert r.exit_code == 1
    assert r.stderr == f"Error: {out} already exists; add --force to replace it.\n"
    assert out.read_text() == "mine"
    assert run(*args, "--force").exit_code == 0
