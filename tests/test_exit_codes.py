"""Issue #10 part 8: exit codes for "nothing to change" and for a reader gone away."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import file_bytes, snapshot

D1 = "2026-01-05"


def test_edit_with_nothing_to_change_is_a_usage_error(run, db_path):
    run("log", D1, "-s", "moderate")
    before, before_bytes = snapshot(db_path), file_bytes(db_path)
    r = run("edit", D1)
    assert r.exit_code == 2
    assert "Nothing to change; give at least one option" in r.stderr
    assert "Traceback" not in r.output
    assert r.stdout == ""
    assert snapshot(db_path) == before and file_bytes(db_path) == before_bytes


def _env(db: Path) -> dict:
    env = dict(os.environ, MIGRAINECLI_DB=str(db), NO_COLOR="1", COLUMNS="100")
    env.pop("FORCE_COLOR", None)
    return env


def _long_diary(run, tmp_path: Path) -> None:
    """About 2,000 logged days: far more output than a pipe buffer holds."""
    from datetime import date, timedelta

    lines = ["date,severity,nausea,note"]
    first = date(2020, 1, 1)
    for n in range(2000):
        d = first + timedelta(days=n)
        lines.append(f"{d},{('mild', 'moderate', 'severe')[n % 3]},{n % 2},day {n}")
    f = tmp_path / "long.csv"
    f.write_text("\n".join(lines) + "\n")
    assert run("import", "days", str(f)).exit_code == 0


def _closed_early(db: Path, *args: str, read_lines: int) -> subprocess.CompletedProcess:
    """Run migrainecli with stdout a pipe that the reader closes after ``read_lines``."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "migrainecli", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=_env(db),
    )
    for _ in range(read_lines):
        proc.stdout.readline()
    proc.stdout.close()  # like `head -N` exiting
    stderr = proc.stderr.read().decode()
    proc.stderr.close()
    return subprocess.CompletedProcess(proc.args, proc.wait(timeout=60), "", stderr)


def test_a_pipe_closed_early_exits_quietly_with_success(run, tmp_path, db_path):
    _long_diary(run, tmp_path)
    for args, lines in (
        (("days", "--all"), 1),  # the default window (3 months) would list none of it
        (("days", "--json"), 1),
        (("export", "days"), 1),
        (("report",), 1),
        (("report", "--json"), 0),  # closed before anything is read
        (("status",), 0),
        (("path",), 0),
    ):
        r = _closed_early(db_path, *args, read_lines=lines)
        assert r.returncode == 0, (args, r.stderr)
        assert r.stderr == "", (args, r.stderr)


def test_shell_pipe_into_head(run, tmp_path, db_path):
    _long_diary(run, tmp_path)
    r = subprocess.run(
        f'{sys.executable} -m migrainecli days --all | head -1; echo "rc=${{PIPESTATUS[0]}}"',
        shell=True,
        executable="/bin/bash",
        capture_output=True,
        text=True,
        env=_env(db_path),
        timeout=60,
    )
    assert r.stdout.splitlines()[-1] == "rc=0"
    assert "Traceback" not in r.stderr and "BrokenPipe" not in r.stderr
