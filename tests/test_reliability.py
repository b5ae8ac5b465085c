"""Reliability: concurrent writers, SIGKILL mid-import and mid-migration, foreign and
damaged files refused untouched, ``check`` and ``restore``.

Every test here fails if the protection it names is removed: the busy timeout and
BEGIN IMMEDIATE (concurrency), one transaction per import and per migration set
(interruption), the header, size and quick_check guards in ``storage.inspect_file``
(damaged files), the query-only connection that leaves no -wal/-shm behind.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import pytest

from migrainecli.models import Day, Gap, Intake, Trial
from migrainecli.storage import MIGRATION_NAMES, Diary, read_only

FIXTURES = Path(__file__).resolve().parent / "fixtures"
M001 = FIXTURES / "diary-m001_diary.db"
TODAY = date.today()
# The tables m002 to m005 add to an m001 diary.
ADDED_TABLES = ("trials", "changes", "change_rows", "scores", "periods")
# m006's month counts: remade from the rows in the migration's own transaction; that what
# is stored is what the rows count is checked by tests/test_month_counts.py
MONTH_TABLES = ("month_counts", "month_counts_stale", "month_counts_state")


# -- helpers -------------------------------------------------------------------------------
def content(path: Path) -> dict:
    """Every row of every table (and the schema steps), read without changing the file."""
    with read_only(path) as conn:
        tables = [
            r[0]
            for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY 1")
        ]
        out = {t: conn.execute(f'SELECT * FROM "{t}" ORDER BY rowid').fetchall() for t in tables}
    if "_sqlite_migrations" in out:
        out["_sqlite_migrations"] = [row[:3] for row in out["_sqlite_migrations"]]  # no time
    if "changes" in out:  # the undo journal: its rows carry the time of each change
        out["changes"] = [(i, None, *rest) for i, _at, *rest in out["changes"]]
    return out


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def integrity(path: Path) -> str:
    with read_only(path) as conn:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]


def make_diary(path: Path, n_days: int = 300) -> Path:
    """A real diary: days with notes, intakes, a gap, trials, a setting."""
    with Diary.open(path, write=True) as diary:
        days = [
            Day(TODAY - timedelta(days=n_days - k), ("none", "mild", "moderate", "severe")[k % 4],
                note=f"day {k} – ünïcode, \"quoted\", =1+{k}" if k % 3 else None)
            for k in range(n_days)
        ]  # fmt: skip
        diary.save_days(days)
        diary.add_intakes(
            Intake(d.date, "sumatriptan", "50 mg", True, "triptan")
            for d in days
            if d.severity == "severe"
        )
        diary.add_gap(Gap(TODAY - timedelta(days=20), TODAY - timedelta(days=15), "trip"))
        diary.save_trial(
            Trial("topiramate", "anticonvulsant", "preventive", TODAY - timedelta(days=200),
                  TODAY - timedelta(days=100), "50 mg", "ineffective", "no change")
        )  # fmt: skip
        diary.set_setting("name", "Test Patient")
    return path


def command() -> list[str]:
    return [sys.executable, "-m", "migrainecli"]


def child_env() -> dict[str, str]:
    paths = [str(Path(__file__).resolve().parent.parent), os.environ.get("PYTHONPATH", "")]
    return {**os.environ, "NO_COLOR": "1", "PYTHONPATH": os.pathsep.join(filter(None, paths))}


def wait_for(predicate, timeout: float = 30.0, proc: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if proc is not None and proc.poll() is not None:
            err = proc.stderr.read() if proc.stderr else ""
            raise AssertionError(f"child ended early ({proc.returncode}): {err}")
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.002)


# -- 1. concurrency ------------------------------------------------------------------------
CONCURRENT_CHILD = r"""
import json, sys, time
from datetime import date, timedelta
from pathlib import Path

import typer.main

from migrainecli.cli import app

db, barrier, first, count, shared = sys.argv[1], Path(sys.argv[2]), *map(int, sys.argv[3:6])
cli = typer.main.get_command(app)
Path(f"{barrier}.ready{first}").touch()
while not barrier.exists():  # every child starts writing at the same moment
    time.sleep(0.0005)
began, codes = time.time(), []
shared_day = (date.today() - timedelta(days=shared)).isoformat()
for k in range(count):
    own_day = (date.today() - timedelta(days=first + k)).isoformat()
    for args in (
        ["--db", db, "log", own_day, "-s", "mild", "--med", "ibuprofen 400 mg", "--yes"],
        ["--db", db, "log", shared_day, "-s", "severe", "--med", "sumatriptan 50 mg", "--yes"],
    ):
        codes.append(cli.main(args, prog_name="migrainecli", standalone_mode=False) or 0)
Path(f"{barrier}.done{first}").write_text(json.dumps([began, time.time(), codes]))
"""


def test_two_processes_writing_at_the_same_moment_lose_nothing(tmp_path):
    """Two separate processes, released together by a file barrier, each log 40 days of
    their own and add 40 intakes to one shared day (a read-modify-write each time)."""
    db, barrier, count = tmp_path / "diary.db", tmp_path / "go", 40
    firsts = (1, 1001)
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                CONCURRENT_CHILD,
                str(db),
                str(barrier),
                str(f),
                str(count),
                "5000",
            ],
            env=child_env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        for f in firsts
    ]
    for f, p in zip(firsts, procs, strict=True):
        wait_for(lambda f=f: Path(f"{barrier}.ready{f}").exists(), proc=p)
    barrier.touch()
    for p in procs:
        assert p.wait(timeout=60) == 0, p.stderr.read()
    results = [json.loads(Path(f"{barrier}.done{f}").read_text()) for f in firsts]
    for _, _, codes in results:
        assert codes == [0] * (2 * count), "a write failed (database locked?)"
    (a0, a1, _), (b0, b1, _) = results
    assert max(a0, b0) < min(a1, b1), "the two writers did not overlap"
    with Diary.open(db, write=False) as diary:
        days = {d.date for d in diary.days()}
        intakes = diary.intakes()
    own = {TODAY - timedelta(days=f + k) for f in firsts for k in range(count)}
    shared = TODAY - timedelta(days=5000)
    assert days == own | {shared}
    assert sum(i.date == shared for i in intakes) == 2 * count
    assert sum(i.date in own for i in intakes) == 2 * count
    assert integrity(db) == "ok"


def test_creating_a_diary_waits_for_another_process_creating_it(tmp_path):
    """Two first commands at once: one is switching the new file to WAL while the other
    holds its write lock. SQLite answers that switch with "database is locked" at once,
    without the busy timeout (it would deadlock); opening must wait and go on."""
    import threading

    path = tmp_path / "diary.db"
    path.touch()  # what Diary._create_file leaves for the first process
    other = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    threading.Timer(0.3, lambda: other.execute("COMMIT")).start()
    try:
        with Diary.open(path, write=True) as diary:
            diary.save_day(Day(TODAY, "mild"))
    finally:
        time.sleep(0.35)
        other.close()
    with Diary.open(path, write=False) as diary:
        assert [d.date for d in diary.days()] == [TODAY]
        assert diary.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


# -- 2. interruption -----------------------------------------------------------------------
def _days_csv(path: Path, n: int) -> Path:
    lines = ["date,severity,hours,nausea,impairment,note"]
    for k in range(n):
        d = TODAY - timedelta(days=n - k)
        lines.append(
            f"{d},{('mild', 'moderate', 'severe')[k % 3]},{(2, 4.5, 24)[k % 3]},{k % 2},"
            f"{('', 'serious', 'none')[k % 3]},imported row {k}"
        )
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path


def _import_in_process(db: Path, csv_path: Path) -> None:
    from migrainecli import csvio

    with csv_path.open("rb") as fh:
        records = csvio.parse_file("days", fh)
    with Diary.open(db, write=True) as diary:
        diary.command = "import"  # journaled as the command journals it
        csvio.import_records(diary, "days", records)


def _recover(path: Path) -> None:
    """Open and close the file the way the next command would (WAL recovery)."""
    Diary.open(path, write=False).close()


def test_sigkill_during_a_20000_row_import_leaves_the_diary_before_or_after(tmp_path):
    base = make_diary(tmp_path / "base.db", n_days=400)  # overlaps the file: days replaced
    csv_path = _days_csv(tmp_path / "days.csv", 20_000)
    before = content(base)
    done = tmp_path / "done.db"
    shutil.copy(base, done)
    _import_in_process(done, csv_path)
    after = content(done)
    assert len(after["days"]) == 20_000 and after != before
    outcomes = []
    for i, delay in enumerate((0.0, 0.1, 0.3, 0.6)):
        db = tmp_path / f"killed{i}.db"
        shutil.copy(base, db)
        proc = subprocess.Popen(
            [*command(), "--db", str(db), "import", "days", str(csv_path)],
            env=child_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        # The file is parsed first; the diary is opened (a -wal file appears) to write it.
        wait_for(lambda db=db, p=proc: Path(f"{db}-wal").exists() or p.poll() is not None)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        _recover(db)
        state = content(db)
        assert state in (before, after), f"half-written diary after a kill at +{delay}s"
        assert integrity(db) == "ok"
        with Diary.open(db, write=True) as diary:  # still opens, and takes writes
            diary.save_day(Day(TODAY, "mild"))
        outcomes.append("before" if state == before else "after")
    assert "before" in outcomes, f"no kill landed during the import: {outcomes}"


MIGRATION_CHILD = r"""
import sys, time
from pathlib import Path

from migrainecli.schema import migrations
from migrainecli.storage import Diary

db, where, signal_file = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])


def pause():
    signal_file.touch()
    time.sleep(60)  # killed here


if where == "inside-step":  # m002's tables created, its record not yet written
    step = next(m for m in migrations._migrations if m.name == "m002_trials")
    real = step.fn
    step.fn = lambda d: (real(d), pause())
elif where == "before-commit":  # every step and record written, COMMIT not yet run
    real_apply = migrations.apply
    migrations.apply = lambda d, **kw: (real_apply(d, **kw), pause())
diary = Diary.open(db, write=True)
if where == "after-commit":  # committed in the WAL, not yet copied into the file
    pause()
diary.close()
"""


@pytest.mark.parametrize(
    ("where", "expected"),
    [("inside-step", "before"), ("before-commit", "before"), ("after-commit", "after")],
)
def test_sigkill_during_a_migration_leaves_the_old_or_the_new_layout(tmp_path, where, expected):
    db = tmp_path / "old.db"
    shutil.copy(M001, db)
    before = content(db)
    signal_file = tmp_path / "paused"
    proc = subprocess.Popen(
        [sys.executable, "-c", MIGRATION_CHILD, str(db), where, str(signal_file)],
        env=child_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    wait_for(signal_file.exists, proc=proc)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    state = content(db)  # through SQLite's WAL recovery, changing nothing
    steps = [r[2] for r in state.pop("_sqlite_migrations")]
    trials = state.pop("trials", None)
    for t in MONTH_TABLES:
        state.pop(t, None)
    for journal in ("changes", "change_rows", "scores", "periods"):  # m003, m005 add them empty
        assert state.pop(journal, []) == []
    assert state == {k: v for k, v in before.items() if k != "_sqlite_migrations"}
    if expected == "before":
        assert steps == ["m001_diary"] and trials is None
    else:
        assert steps == list(MIGRATION_NAMES) and trials == []
    assert integrity(db) == "ok"
    with Diary.open(db, write=True) as diary:  # the next run finishes the upgrade
        assert len(diary.days()) == len(before["days"])
    after = content(db)
    assert [r[2] for r in after["_sqlite_migrations"]] == list(MIGRATION_NAMES)
    added = ("_sqlite_migrations", "trials", "changes", "change_rows", "scores", "periods")
    added += MONTH_TABLES
    assert {k: v for k, v in after.items() if k not in added} == {
        k: v for k, v in before.items() if k != "_sqlite_migrations"
    }


def test_sigkill_at_random_moments_while_opening_an_old_diary(tmp_path):
    """Varied kill moments over a whole 'days' command that upgrades an m001 diary."""
    import random

    rnd = random.Random(7)
    pristine = tmp_path / "pristine.db"  # never open the committed fixture itself
    shutil.copy(M001, pristine)
    before = content(pristine)
    for i in range(4):
        db = tmp_path / f"old{i}.db"
        shutil.copy(M001, db)
        proc = subprocess.Popen(
            [*command(), "--db", str(db), "days"], env=child_env(),
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        time.sleep(rnd.uniform(0.05, 0.45))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        state = content(db)
        steps = [r[2] for r in state.pop("_sqlite_migrations")]
        # Killed before the upgrade committed: the old layout, nothing added; after: every
        # step recorded and every table the steps add there, empty (m002 to m005).
        assert steps in (["m001_diary"], list(MIGRATION_NAMES))
        for t in MONTH_TABLES:
            state.pop(t, None)
        added = {t: state.pop(t) for t in ADDED_TABLES if t in state}
        if steps == ["m001_diary"]:
            assert added == {}
        else:
            assert added == {t: [] for t in ADDED_TABLES}
        assert state == {k: v for k, v in before.items() if k != "_sqlite_migrations"}
        assert integrity(db) == "ok"


# -- 3. foreign and damaged files ----------------------------------------------------------
def _not_sqlite(path: Path) -> None:
    path.write_bytes(b"my headache notes, not a database\n" * 200)


def _binary(path: Path) -> None:
    path.write_bytes(bytes((k * 7919 + 13) % 256 for k in range(50_000)))


def _other_app(path: Path, wal: bool) -> None:
    conn = sqlite3.connect(path)
    if wal:
        conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY, name TEXT)")
    conn.executemany("INSERT INTO photos (name) VALUES (?)", [("cat",), ("dog",)] * 500)
    conn.commit()
    conn.close()


def _truncated(path: Path, cut) -> None:
    make_diary(path)
    data = path.read_bytes()
    path.write_bytes(data[: cut(len(data))])


def _corrupted(path: Path, table: str) -> None:
    """The b-tree page header of a table's root page overwritten, as a bad sector would."""
    make_diary(path)
    conn = sqlite3.connect(path)
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", [table]).fetchone()[0]
    conn.close()
    data = bytearray(path.read_bytes())
    offset = (root - 1) * page_size
    data[offset : offset + 12] = b"\xa5" * 12
    path.write_bytes(bytes(data))


def _old_and_damaged(path: Path) -> None:
    """A diary of an earlier schema version with a damaged page: upgrading it is a write."""
    shutil.copy(M001, path)
    conn = sqlite3.connect(path)
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'intakes'").fetchone()[0]
    conn.close()
    data = bytearray(path.read_bytes())
    data[(root - 1) * 4096 : (root - 1) * 4096 + 12] = b"\xa5" * 12
    path.write_bytes(bytes(data))


def _newer(path: Path) -> None:
    make_diary(path, n_days=30)
    conn = sqlite3.connect(path)
    conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
        "VALUES ('migrainecli', 'm999_from_the_future', '2030-01-01')"
    )
    conn.commit()
    conn.close()


BAD_FILES = {
    "not SQLite": (_not_sqlite, "not an SQLite database"),
    "binary noise": (_binary, "not an SQLite database"),
    "other app": (lambda p: _other_app(p, wal=False), "another application's"),
    "other app (WAL)": (lambda p: _other_app(p, wal=True), "another application's"),
    "cut to 50 bytes": (lambda p: _truncated(p, lambda n: 50), "cut short"),
    "cut to one page": (lambda p: _truncated(p, lambda n: 4096), "damaged"),
    "cut to 3 pages and a bit": (lambda p: _truncated(p, lambda n: 3 * 4096 + 100), "cut short"),
    "cut in half": (lambda p: _truncated(p, lambda n: n // 2), "damaged"),
    "last page missing": (lambda p: _truncated(p, lambda n: n - 4096), "damaged"),
    "last byte missing": (lambda p: _truncated(p, lambda n: n - 1), "cut short"),
    "days page damaged": (lambda p: _corrupted(p, "days"), "damaged"),
    "intakes page damaged": (lambda p: _corrupted(p, "intakes"), "damaged"),
    "trials page damaged": (lambda p: _corrupted(p, "trials"), "damaged"),
    "old layout, damaged": (_old_and_damaged, "damaged"),
    "newer version": (_newer, "newer version of migrainecli"),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_foreign_or_damaged_file_refused_with_a_sentence_and_untouched(run, tmp_path, case):
    build, message = BAD_FILES[case]
    folder = tmp_path / "files"
    folder.mkdir()
    path = folder / "diary.db"
    build(path)
    for side in ("-wal", "-shm"):  # the builders leave a plain file, as after a clean close
        assert not Path(f"{path}{side}").exists()
    before, files = path.read_bytes(), listing(folder)
    csv_file = tmp_path / "one.csv"
    csv_file.write_text(f"date,severity\r\n{TODAY - timedelta(days=1)},mild\r\n")
    commands = [
        ["log", "yesterday", "-s", "mild", "--note", "x"],
        ["import", "days", str(csv_file)],
        ["gap", "add", "2024-01-01..2024-01-03"],
        ["config", "set", "start", "2020-01-01"],
    ]
    if case != "newer version":  # a newer diary stays readable (for reading only)
        commands.append(["status"])
    if case == "old layout, damaged":  # reads only settings, but would upgrade the file
        commands.append(["config", "show"])
    for args in commands:
        r = run("--db", str(path), *args)
        assert r.exit_code == 1, (args, r.output)
        assert message in r.stderr, (args, r.stderr)
        assert r.stderr.startswith("Error: ") and r.stderr.count("\n") == 1, r.stderr
        assert "Traceback" not in r.output
        assert path.read_bytes() == before, f"{args} changed the file"
        assert listing(folder) == files, f"{args} left files behind"


def test_newer_diary_is_still_readable_and_left_untouched(run, tmp_path):
    path = tmp_path / "diary.db"
    _newer(path)
    before = path.read_bytes()
    r = run("--db", str(path), "days", "--json")
    assert r.exit_code == 0
    assert len(json.loads(r.stdout)) == 30
    assert path.read_bytes() == before
    assert listing(tmp_path) == ["diary.db"]


def test_an_installed_command_refuses_a_damaged_diary_untouched(tmp_path):
    """End to end, as a user runs it: nothing written, no -wal/-shm, one sentence."""
    path = tmp_path / "diary.db"
    _corrupted(path, "days")
    before = path.read_bytes()
    r = subprocess.run(
        [*command(), "--db", str(path), "log", "-s", "severe"],
        capture_output=True, text=True, env=child_env(), timeout=60,
    )  # fmt: skip
    assert r.returncode == 1
    assert r.stderr.startswith(f"Error: {path} cannot be read as a diary (SQLite's check found")
    assert "migrainecli restore BACKUP" in r.stderr
    assert "Traceback" not in r.stderr
    assert path.read_bytes() == before
    assert listing(tmp_path) == ["diary.db"]


# -- check ---------------------------------------------------------------------------------
def _check(run, path: Path, *extra: str):
    before, files = path.read_bytes(), listing(path.parent)
    r = run("--db", str(path), "check", *extra)
    assert path.read_bytes() == before, "check changed the file"
    assert listing(path.parent) == files, "check left files behind"
    return r


def test_check_a_healthy_diary(run, tmp_path):
    path = make_diary(tmp_path / "diary.db", n_days=40)
    r = _check(run, path)
    assert r.exit_code == 0, r.output
    assert r.stdout.splitlines()[1:] == [
        "  ok       file: An SQLite database holding a migrainecli diary.",
        "  ok       permissions: Readable and writable by you only.",
        "  ok       integrity: SQLite's integrity check found no damage.",
        "  ok       foreign keys: Every medication intake belongs to a logged day.",
        f"  ok       schema: Up to date ({', '.join(MIGRATION_NAMES)}).",
        "  ok       entries: No day before the date of birth; every intake's class is known.",
        "  ok       month counts: The stored counts of 3 months match a recount.",
        "The diary is healthy.",
    ]
    assert r.stdout.startswith(f"Diary {path} (")
    assert "40 days, 10 intakes, 1 gap, 1 trial; last entry" in r.stdout
    data = json.loads(_check(run, path, "--json").stdout)
    assert data["healthy"] is True and data["rows"]["days"] == 40
    assert [c["status"] for c in data["checks"]] == ["ok"] * 7


def test_check_reports_an_intake_whose_day_is_missing(run, tmp_path):
    path = make_diary(tmp_path / "diary.db", n_days=8)
    conn = sqlite3.connect(path)  # foreign keys are off unless asked for: another tool
    conn.execute(
        "INSERT INTO intakes (date, medication, class_id) VALUES ('2001-02-03', 'ibuprofen', "
        "'simple_analgesic')"
    )
    conn.commit()
    conn.close()
    r = _check(run, path)
    assert r.exit_code == 1
    assert "  PROBLEM  foreign keys: 1 row refers to entries that are missing." in r.stdout
    assert "intakes row 3 (dated 2001-02-03) refers to a missing row of days" in r.stdout
    assert r.stderr.startswith(f"Error: The diary at {path} has problems: 1 row refers")
    assert "restore it from a backup with 'migrainecli restore BACKUP'" in r.stderr


def test_check_reports_a_row_breaking_the_diary_rules(run, tmp_path):
    path = make_diary(tmp_path / "diary.db", n_days=8)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA ignore_check_constraints = ON")
    conn.execute("INSERT INTO days (date, severity) VALUES ('2001-02-30', 'awful')")
    conn.commit()
    conn.close()
    r = _check(run, path)
    assert r.exit_code == 1
    assert "PROBLEM  integrity: SQLite's integrity check found damage" in r.stdout
    assert "CHECK constraint failed in days" in r.stdout


def test_check_reports_damage_in_plain_words(run, tmp_path):
    path = tmp_path / "diary.db"
    _corrupted(path, "days")
    r = _check(run, path)
    assert r.exit_code == 1
    assert "PROBLEM  integrity: SQLite's integrity check found damage" in r.stdout
    assert "database disk image is malformed" in r.stdout
    assert r.stderr.startswith(f"Error: The diary at {path} has problems: SQLite's integrity")


@pytest.mark.parametrize(
    ("build", "stdout", "stderr"),
    [
        (lambda p: _truncated(p, lambda n: n - 1), "PROBLEM  file: The file cannot be read as a "
         "diary (the file is cut short).", "restore it from a backup"),
        (_not_sqlite, "PROBLEM  file: The file is not a migrainecli diary (it is not an SQLite "
         "database).", "give the diary's path with --db"),
        (lambda p: _other_app(p, wal=True), "PROBLEM  file: The file is another application's "
         "SQLite database, not a migrainecli diary.", "give the diary's path with --db"),
    ],
)  # fmt: skip
def test_check_refuses_what_is_not_a_usable_diary(run, tmp_path, build, stdout, stderr):
    path = tmp_path / "diary.db"
    build(path)
    r = _check(run, path)
    assert r.exit_code == 1
    assert stdout in r.stdout
    assert stderr in r.stderr and r.stderr.count("\n") == 1


def test_check_an_old_or_newer_diary_is_healthy_and_does_not_upgrade_it(run, tmp_path):
    old = tmp_path / "old.db"
    shutil.copy(M001, old)
    r = _check(run, old)
    assert r.exit_code == 0, r.output
    assert "note     schema: An earlier layout (up to m001_diary); migrainecli upgrades it" in (
        r.stdout
    )
    newer = tmp_path / "newer.db"
    _newer(newer)
    r = _check(run, newer)
    assert r.exit_code == 0
    assert "note     schema: Written by a newer version of migrainecli" in r.stdout


def test_check_without_a_diary(run, db_path):
    r = run("check")
    assert r.exit_code == 0
    assert r.stderr == f"There is no diary at {db_path} yet.\n" and r.stdout == ""
    r = run("check", "--json")
    assert r.exit_code == 0
    assert json.loads(r.stdout)["kind"] == "missing"
    assert not db_path.exists()


# -- restore -------------------------------------------------------------------------------
def test_backup_then_restore_brings_the_diary_back(run, db_path, tmp_path):
    make_diary(db_path, n_days=50)
    backup = tmp_path / "backup.db"
    assert run("backup", str(backup)).exit_code == 0
    saved = content(backup)
    assert run("log", "yesterday", "-s", "severe", "--note", "after the backup").exit_code == 0
    assert run("delete", (TODAY - timedelta(days=10)).isoformat(), "--yes").exit_code == 0
    current = content(db_path)
    r = run("restore", str(backup), "--yes")
    assert r.exit_code == 0, r.output
    kept = next(tmp_path.glob("diary.before-restore-*.db"))
    assert r.stdout == (
        f"Restored {db_path} from {backup} (50 days, 12 intakes, 1 gap, 1 trial; last entry "
        f"{TODAY - timedelta(days=1)}). The previous diary is kept as {kept}; "
        "'undo' does not revert a restore, restore that file to go back.\n"
    )
    assert content(db_path) == saved
    assert content(kept) == current  # the restore itself can be undone
    for f in (db_path, kept):
        assert (f.stat().st_mode & 0o777) == 0o600
    with read_only(db_path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert listing(tmp_path) == sorted(["backup.db", "diary.db", kept.name])
    assert run("check").exit_code == 0


def test_restore_asks_first(run, db_path, tmp_path):
    make_diary(db_path, n_days=20)
    backup = tmp_path / "backup.db"
    run("backup", str(backup))
    run("log", "today", "-s", "mild")
    before = db_path.read_bytes()
    r = run("restore", str(backup), input="n\n")
    assert r.exit_code == 1
    assert f"Replace the diary at {db_path} (21 days" in r.stderr
    assert r.stderr.endswith("Error: Nothing restored.\n")
    assert db_path.read_bytes() == before
    r = run("restore", str(backup), input="y\n")
    assert r.exit_code == 0
    assert len(content(db_path)["days"]) == 20


def test_restore_into_a_new_place(run, tmp_path):
    backup = make_diary(tmp_path / "backup.db", n_days=10)
    target = tmp_path / "new" / "folder" / "diary.db"
    r = run("--db", str(target), "restore", str(backup), "--yes")
    assert r.exit_code == 0, r.output
    assert r.stdout.startswith(f"Restored {target} from {backup} (10 days")
    assert content(target) == content(backup)
    assert (target.stat().st_mode & 0o777) == 0o600
    assert listing(target.parent) == ["diary.db"]


def test_restore_over_a_damaged_diary_keeps_the_damaged_file(run, db_path, tmp_path):
    backup = make_diary(tmp_path / "backup.db", n_days=10)
    _corrupted(db_path, "days")
    damaged = db_path.read_bytes()
    r = run("restore", str(backup), "--yes")
    assert r.exit_code == 0, r.output
    kept = next(tmp_path.glob("diary.before-restore-*.db"))
    assert kept.read_bytes() == damaged
    assert content(db_path) == content(backup)


@pytest.mark.parametrize(
    ("make_backup", "message"),
    [
        (lambda p: _corrupted(p, "intakes"), "cannot be restored: SQLite's integrity check"),
        (lambda p: _truncated(p, lambda n: n - 100), "cannot be restored: the file cannot be read"),
        (_not_sqlite, "cannot be restored: the file is not a migrainecli diary"),
        (lambda p: _other_app(p, wal=False), "cannot be restored: the file is another app"),
        (_newer, "was written by a newer version of migrainecli"),
        (lambda p: p.write_bytes(b""), "is an empty file, not a diary backup"),
    ],
)
def test_restore_refuses_a_bad_backup_and_changes_nothing(
    run, db_path, tmp_path, make_backup, message
):
    make_diary(db_path, n_days=10)
    backup = tmp_path / "backup.db"
    make_backup(backup)
    before, files = db_path.read_bytes(), listing(tmp_path)
    backup_bytes = backup.read_bytes()
    r = run("restore", str(backup), "--yes")
    assert r.exit_code == 1
    assert message in r.stderr, r.stderr
    assert r.stderr.count("\n") == 1 and "Traceback" not in r.output
    assert db_path.read_bytes() == before
    assert backup.read_bytes() == backup_bytes
    assert listing(tmp_path) == files


def test_restore_refuses_to_replace_another_applications_file(run, tmp_path):
    backup = make_diary(tmp_path / "backup.db", n_days=10)
    other = tmp_path / "photos.db"
    _other_app(other, wal=False)
    before = other.read_bytes()
    r = run("--db", str(other), "restore", str(backup), "--yes")
    assert r.exit_code == 1
    assert "is not a migrainecli diary, so restore will not replace it" in r.stderr
    assert other.read_bytes() == before


def test_restore_refuses_while_another_program_has_the_diary_open(run, db_path, tmp_path):
    make_diary(db_path, n_days=10)
    backup = tmp_path / "backup.db"
    run("backup", str(backup))
    run("log", "yesterday", "-s", "mild")
    before = content(db_path)
    holder = sqlite3.connect(db_path)  # e.g. Datasette, or a migrainecli mid-command
    holder.execute("SELECT count(*) FROM days").fetchone()
    try:
        r = run("restore", str(backup), "--yes")
    finally:
        holder.close()
    assert r.exit_code == 1
    assert "is open in another program" in r.stderr and "Nothing was changed" in r.stderr
    assert content(db_path) == before
    assert not list(tmp_path.glob("*.restore")) and not list(tmp_path.glob("*before-restore*"))


def test_restore_refuses_the_diary_itself(run, db_path):
    make_diary(db_path, n_days=5)
    r = run("restore", str(db_path), "--yes")
    assert r.exit_code == 1
    assert "is the diary itself" in r.stderr


def test_two_restores_in_a_row_keep_both_replaced_diaries(run, db_path, tmp_path):
    make_diary(db_path, n_days=5)
    backup = tmp_path / "backup.db"
    run("backup", str(backup))
    for _ in range(2):
        run("log", "today", "-s", "mild")
        assert run("restore", str(backup), "--yes").exit_code == 0
    kept = sorted(tmp_path.glob("diary.before-restore-*.db"))
    assert len(kept) == 2
    assert all(len(content(k)["days"]) == 6 for k in kept)
