"""Issue #11: hostile input and environments get one sentence, never a hang or traceback."""

from __future__ import annotations

import os
import re
import stat
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.conftest import file_bytes

HUGE = str(2**63)


def _one_sentence(result) -> str:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    return lines[0]


# -- 7. ids SQLite cannot hold --------------------------------------------------------------
@pytest.mark.parametrize(
    "args",
    [
        ("gap", "delete", HUGE, "--yes"),
        ("trial", "delete", HUGE, "--yes"),
        ("trial", "delete", f"#{HUGE}", "--yes"),
        ("trial", "stop", HUGE, "--end", "yesterday", "--outcome", "ineffective"),
        ("trial", "edit", HUGE, "--dose", "5 mg"),
        ("gap", "delete", "--yes", "--", str(-(2**63) - 1)),
    ],
)
def test_an_id_too_large_for_sqlite_is_not_found_without_a_traceback(run, db_path, args):
    run("log", "yesterday", "-s", "mild")
    before = file_bytes(db_path)
    line = _one_sentence(run(*args))
    assert "There is no" in line
    assert file_bytes(db_path) == before


# -- 6. a FIFO or device as the diary -------------------------------------------------------
@pytest.mark.parametrize("args", [("days",), ("log", "today", "-s", "mild"), ("check",),
                                  ("status",), ("backup", "x.db")])  # fmt: skip
def test_a_fifo_as_the_diary_is_refused_at_once(run, tmp_path, args):
    fifo = tmp_path / "fifo.db"
    os.mkfifo(fifo)
    line = _one_sentence(run("--db", str(fifo), *args))
    assert "not a regular file" in line
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_a_device_as_the_diary_is_refused(run):
    line = _one_sentence(run("--db", "/dev/null", "days"))
    assert "not a regular file" in line
    assert Path("/dev/null").exists()


# -- 9. import accepts only what log accepts ------------------------------------------------
@pytest.mark.parametrize(
    "cell, message",
    [
        ("0001-01-01", "too far in the past"),
        ("1899-12-31", "too far in the past"),
        ("2024-W01-1", "YYYY-MM-DD"),
        ("20240101", "YYYY-MM-DD"),
        ("2024-02-30", "YYYY-MM-DD"),
        ("２０２４-01-01", "YYYY-MM-DD"),
    ],
)
def test_import_refuses_dates_that_log_refuses(run, db_path, tmp_path, cell, message):
    run("log", "yesterday", "-s", "mild")
    before = file_bytes(db_path)
    csv = tmp_path / "days.csv"
    csv.write_text(f"date,severity\n{cell},mild\n", encoding="utf-8")
    line = _one_sentence(run("import", "days", str(csv)))
    assert "Line 2" in line and message in line
    assert file_bytes(db_path) == before


@pytest.mark.parametrize("hours", ["1_0", "inf", "nan", "1e1", "+3", "٣"])
def test_import_hours_must_be_plain_decimals(run, tmp_path, hours):
    csv = tmp_path / "days.csv"
    csv.write_text(f"date,severity,hours\n2024-01-01,mild,{hours}\n", encoding="utf-8")
    line = _one_sentence(run("import", "days", str(csv)))
    assert "hours must be a number" in line


@pytest.mark.parametrize("hours, expected", [("4", 4.0), ("4.5", 4.5), ("4,5", 4.5), (" 2 ", 2.0)])
def test_import_hours_plain_and_decimal_comma_still_accepted(run, tmp_path, hours, expected):
    csv = tmp_path / "days.csv"
    csv.write_text(f'date,severity,hours\n2024-01-01,mild,"{hours}"\n', encoding="utf-8")
    assert run("import", "days", str(csv)).exit_code == 0
    import json

    days = json.loads(run("export", "days", "--format", "json").stdout)
    assert days[0]["hours"] == expected


# -- 1. a kill during restore: hot journals, stray copies -----------------------------------
HOT_JOURNAL_CHILD = r"""
import os, signal, sqlite3, sys

conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("PRAGMA journal_mode = DELETE")  # what restore does to the old diary
conn.execute("PRAGMA cache_size = 1")  # spill changed pages into the file before COMMIT
conn.execute("BEGIN IMMEDIATE")
conn.execute("UPDATE days SET note = hex(randomblob(300))")
conn.execute("DELETE FROM intakes")
os.kill(os.getpid(), signal.SIGKILL)
"""


def _hot_journal(db: Path) -> None:
    import subprocess
    import sys

    subprocess.run([sys.executable, "-c", HOT_JOURNAL_CHILD, str(db)], check=False)
    assert Path(f"{db}-journal").stat().st_size > 0


@pytest.fixture
def diaries(tmp_path, copy_of):
    """Two real diaries (built once a session; each test gets its own copies)."""
    from tests.test_reliability import content, make_diary

    db = copy_of("hardening-200", lambda p: make_diary(p, n_days=200), tmp_path / "diary.db")
    backup = copy_of("hardening-50", lambda p: make_diary(p, n_days=50), tmp_path / "other.db")
    return db, backup, content(db), content(backup)


def test_a_hot_journal_is_rolled_back_and_the_diary_is_not_called_damaged(run, diaries):
    from tests.test_reliability import content, integrity

    db, _, before, _ = diaries
    _hot_journal(db)
    for args in (("days",), ("check",), ("status",)):
        result = run("--db", str(db), *args)
        assert result.exit_code == 0, result.output
        assert "damaged" not in result.output
    assert not Path(f"{db}-journal").exists()
    assert content(db) == before and integrity(db) == "ok"
    assert run("--db", str(db), "log", "today", "-s", "mild").exit_code == 0
    assert sqlite3_mode(db) == "wal"  # back in WAL mode after the first write


def sqlite3_mode(db: Path) -> str:
    import sqlite3

    conn = sqlite3.connect(db)
    try:
        return conn.execute("PRAGMA journal_mode").fetchone()[0]
    finally:
        conn.close()


def test_restore_over_a_hot_journal_never_carries_it_into_the_new_file(run, diaries, tmp_path):
    from tests.test_reliability import content, integrity

    db, backup, before, incoming = diaries
    _hot_journal(db)
    result = run("--db", str(db), "restore", str(backup), "--yes")
    assert result.exit_code == 0, result.output
    assert not Path(f"{db}-journal").exists()
    assert content(db) == incoming and integrity(db) == "ok"
    (kept,) = tmp_path.glob("diary.before-restore-*.db")
    assert content(kept) == before and integrity(kept) == "ok"
    assert run("--db", str(db), "check").exit_code == 0


def test_stale_temporary_files_are_removed_by_the_next_write(run, diaries, tmp_path):
    db, *_ = diaries
    names = (".diary.db.migrainecli-tmp-abcd1234.restore", ".diary.db.abcd1234.restore",
             ".diary.db.k2j3h4g5.tmp")  # fmt: skip
    stale = [tmp_path / n for n in names]
    for p in stale:
        p.write_bytes(b"partial health data")
    Path(f"{stale[0]}-journal").write_bytes(b"x")
    keep = tmp_path / ".diary.db.notes"  # not ours: left alone
    keep.write_text("mine")
    assert run("--db", str(db), "days").exit_code == 0
    assert all(p.exists() for p in stale)  # a read does not hold the write lock
    assert run("--db", str(db), "log", "today", "-s", "mild").exit_code == 0
    assert not any(p.exists() for p in stale) and not Path(f"{stale[0]}-journal").exists()
    assert keep.exists()


def test_a_temporary_file_still_being_written_is_kept(tmp_path):
    import os as _os

    from migrainecli.files import claimed_temp, remove_stale, temp_prefix

    target = tmp_path / "export.csv"
    fd, tmp = claimed_temp(target, ".tmp")
    try:
        assert tmp.name.startswith(temp_prefix(target)) and tmp.name.startswith(".export.csv.")
        assert stat.S_IMODE(_os.stat(tmp).st_mode) == 0o600
        assert remove_stale(target) == [] and tmp.exists()
    finally:
        _os.close(fd)
    assert remove_stale(target) == [tmp] and not tmp.exists()


def test_sigkill_at_random_moments_of_restore(tmp_path):
    from tests.kill_restore import run_kills

    outcome = run_kills(tmp_path, 16, reads=(("check",),))
    if not (outcome["before"] and outcome["after"]):
        # A loaded machine can shift the window the kills land in (they are timed against
        # one whole restore): kill again before calling the test unable to see both ends.
        (tmp_path / "again").mkdir()
        more = run_kills(tmp_path / "again", 32, seed=12, reads=(("check",),))
        outcome = {k: outcome[k] + more[k] for k in outcome}
    assert outcome["before"] and outcome["after"], outcome


# -- 5. stored text never drives the terminal -----------------------------------------------
PAYLOADS = {
    "osc": "\x1b]0;owned\x07title",
    "csi": "\x1b[2J\x1b[31mred",
    "c1": "\x9b2J\x85next",
    "bidi": "abc\u202edcba\u2066x\u2069",
}
_RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _store_everywhere(run, text: str) -> list[tuple[str, ...]]:
    """The payload in every text field; returns the commands that confirm a write."""
    long_ago = (date.today() - timedelta(days=200)).isoformat()
    ended = (date.today() - timedelta(days=100)).isoformat()
    confirmations = [
        ("log", "yesterday", "-s", "severe", "--nausea", "--note", f"n{text}",
         "--med", f"sumatriptan 50 mg{text}"),
        ("log", "3 days ago", "-s", "moderate", "--note", f"second {text}"),
        ("gap", "add", f"{(date.today() - timedelta(days=30)).isoformat()}.."
         f"{(date.today() - timedelta(days=25)).isoformat()}", "--reason", f"r{text}"),
        ("trial", "add", "topiramate", "--start", long_ago, "--end", ended, "--outcome",
         "ineffective", "--dose", f"50 mg{text}", "--reason", f"why{text}", "--note", f"t{text}"),
        ("config", "set", "name", f"Pat{text}"),
    ]  # fmt: skip
    for args in confirmations:
        result = run(*args)
        assert result.exit_code == 0, (args, result.output)
        assert not _RAW.search(result.output), (args, result.output)
    return confirmations


DISPLAYS = [
    ("days",), ("show", "yesterday"), ("gap", "list"), ("trial", "list"), ("config", "show"),
    ("report",), ("summary",), ("status",), ("untried",),
]  # fmt: skip


@pytest.mark.parametrize("kind", PAYLOADS)
def test_stored_control_characters_are_shown_not_obeyed(run, kind):
    text = PAYLOADS[kind]
    _store_everywhere(run, text)
    shown = 0
    for args in DISPLAYS:
        result = run(*args)
        assert result.exit_code == 0, (args, result.output)
        assert not _RAW.search(result.stdout + result.stderr), (args, result.stdout)
        out = result.stdout
        shown += ("␛" in out) or ("\\x9b" in out) or ("<U+202E>" in out)
    assert shown >= 6  # the payload really reached the screen, made visible


def test_json_and_exports_keep_the_exact_text(run, tmp_path):
    import json

    text = "".join(PAYLOADS.values())
    _store_everywhere(run, text)
    assert json.loads(run("gap", "list", "--json").stdout)[0]["reason"] == f"r{text}"
    assert json.loads(run("config", "show", "--json").stdout)["settings"]["name"] == f"Pat{text}"
    days = json.loads(run("export", "days", "--format", "json").stdout)
    assert f"n{text}" in [d["note"] for d in days]
    out = tmp_path / "trials.csv"
    assert run("export", "trials", "-o", str(out)).exit_code == 0
    assert f"why{text}" in out.read_text(encoding="utf-8")


def test_visible_shows_each_kind_of_control():
    from migrainecli.safetext import visible

    assert visible("a\x1b[31mb") == "a␛[31mb"
    assert visible("\x07\x9b\x85") == "\\x07\\x9b\\x85"
    assert visible("x\u202ey") == "x<U+202E>y"
    assert visible("tab\tnew\nline é → ≥") == "tab\tnew\nline é → ≥"


# -- 2. and 4. the environment, named for what it is ----------------------------------------
def _made(run, db: Path) -> bytes:
    assert run("--db", str(db), "log", "yesterday", "-s", "mild").exit_code == 0
    assert run("--db", str(db), "check").exit_code == 0  # folds the WAL into the file
    return db.read_bytes()


def test_a_0400_diary_is_read_only_not_damaged(run, tmp_path):
    db = tmp_path / "d" / "diary.db"
    before = _made(run, db)
    db.chmod(0o400)
    line = _one_sentence(run("--db", str(db), "log", "today", "-s", "mild"))
    assert "is read-only" in line and f"chmod 600 {db}" in line and "damaged" not in line
    for args in (("days",), ("status",), ("check",), ("report",)):
        result = run("--db", str(db), *args)
        assert result.exit_code == 0, (args, result.output)
    assert sorted(p.name for p in db.parent.iterdir()) == ["diary.db"]  # no -wal, no -shm
    assert db.read_bytes() == before


def test_a_0500_folder_is_read_only_not_damaged(run, tmp_path):
    folder = tmp_path / "d"
    db = folder / "diary.db"
    before = _made(run, db)
    folder.chmod(0o500)
    try:
        line = _one_sentence(run("--db", str(db), "log", "today", "-s", "mild"))
        assert f"The folder {folder} is read-only" in line and "damaged" not in line
        for args in (("days",), ("status",), ("check",)):
            result = run("--db", str(db), *args)
            assert result.exit_code == 0, (args, result.output)
        assert sorted(p.name for p in folder.iterdir()) == ["diary.db"]
        assert db.read_bytes() == before
    finally:
        folder.chmod(0o700)


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a file to another user")
def test_a_diary_of_another_user_is_refused_with_its_cause(run, tmp_path):
    db = tmp_path / "d" / "diary.db"
    before = _made(run, db)
    os.chown(db, 4242, 4242)
    for args in (("days",), ("log", "today", "-s", "mild")):
        line = _one_sentence(run("--db", str(db), *args))
        assert "belongs to another user" in line and "damaged" not in line
    assert db.read_bytes() == before


@pytest.mark.parametrize("target, mode, fix", [("file", 0o620, "chmod 600"),
                                               ("folder", 0o777, "chmod 700")])  # fmt: skip
def test_a_diary_others_may_change_is_refused(run, tmp_path, target, mode, fix):
    db = tmp_path / "d" / "diary.db"
    before = _made(run, db)
    place = db if target == "file" else db.parent
    place.chmod(mode)
    line = _one_sentence(run("--db", str(db), "days"))
    assert f"'{fix} {place}'" in line
    assert db.read_bytes() == before


def test_a_planted_dangling_symlink_is_never_followed_on_creation(run, tmp_path):
    aim = tmp_path / "elsewhere.db"
    link = tmp_path / "diary.db"
    link.symlink_to(aim)
    line = _one_sentence(run("--db", str(link), "log", "today", "-s", "mild"))
    assert "symbolic link" in line
    assert not aim.exists() and link.is_symlink()


@pytest.fixture
def full_disk(tmp_path):
    import subprocess

    mount = tmp_path / "small"
    mount.mkdir(mode=0o700)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m,mode=0700", "tmpfs",
                           str(mount)], capture_output=True)  # fmt: skip
    if done.returncode != 0:
        pytest.skip("cannot mount a small file system here")
    yield mount
    subprocess.run(["umount", str(mount)], check=False)


def test_a_full_disk_is_named_and_nothing_changes(run, full_disk):
    db = full_disk / "diary.db"
    _made(run, db)
    filler = full_disk / "filler"
    try:
        with filler.open("wb") as fh:
            while True:
                fh.write(b"\0" * 4096)
                fh.flush()
    except OSError:
        pass
    before = db.read_bytes()
    note = "x" * 3000
    results = [run("--db", str(db), "log", f"{k} days ago", "-s", "mild", "--note", note)
               for k in range(2, 40)]  # fmt: skip
    failed = [r for r in results if r.exit_code != 0]
    assert failed
    for r in failed:
        line = _one_sentence(r)
        assert (
            line == "Error: The disk is full: free space and run the command again; "
            "nothing was changed."
        ), line
    filler.unlink()
    assert run("--db", str(db), "check").exit_code == 0
    assert db.read_bytes() == before or run("--db", str(db), "days").exit_code == 0


# -- 3. what restore may replace ------------------------------------------------------------
def test_restore_refuses_a_device_or_fifo_target(run, diaries, tmp_path):
    _, backup, *_ = diaries
    fifo = tmp_path / "pipe.db"
    os.mkfifo(fifo)
    for target in (fifo, Path("/dev/null")):
        line = _one_sentence(run("--db", str(target), "restore", str(backup), "--yes"))
        assert "not a regular file" in line
    assert stat.S_ISFIFO(os.stat(fifo).st_mode) and stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_restore_into_a_symlinked_diary_needs_force_and_keeps_the_link(run, diaries, tmp_path):
    from tests.test_reliability import content

    db, backup, before, incoming = diaries
    link = tmp_path / "link.db"
    link.symlink_to(db)
    line = _one_sentence(run("--db", str(link), "restore", str(backup), "--yes"))
    assert "symbolic link" in line and "--force" in line
    assert content(db) == before
    result = run("--db", str(link), "restore", str(backup), "--yes", "--force")
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and link.resolve() == db.resolve()
    assert content(db) == incoming
    assert stat.S_IMODE(db.stat().st_mode) == 0o600


def test_restore_over_a_0400_diary_needs_force(run, diaries):
    from tests.test_reliability import content

    db, backup, before, incoming = diaries
    db.chmod(0o400)
    line = _one_sentence(run("--db", str(db), "restore", str(backup), "--yes"))
    assert "read-only" in line and "--force" in line
    assert content(db) == before
    result = run("--db", str(db), "restore", str(backup), "--yes", "--force")
    assert result.exit_code == 0, result.output
    assert content(db) == incoming and stat.S_IMODE(db.stat().st_mode) == 0o600


def test_check_names_another_owner_not_damage(run, diaries):
    db, *_ = diaries
    if os.geteuid() != 0:
        pytest.skip("only root can give a file to another user")
    os.chown(db, 4242, 4242)
    line = _one_sentence(run("--db", str(db), "check"))
    assert "belongs to another user" in line


# -- 8. partial copies of killed exports and backups ----------------------------------------
@pytest.mark.parametrize("args", [("export", "days", "-o"), ("backup",)])
def test_export_and_backup_remove_their_own_stale_partial_copies(run, tmp_path, args):
    run("log", "yesterday", "-s", "mild", "--note", "private")
    out = tmp_path / "out" / "file.x"
    out.parent.mkdir(mode=0o700)
    stale = out.parent / ".file.x.migrainecli-tmp-zz9yy8xx.tmp"
    stale.write_bytes(b"half of someone's health data")
    result = run(*args, str(out))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.parent.iterdir()) == ["file.x"]
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
