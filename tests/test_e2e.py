"""A few end-to-end runs of the installed ``migrainecli`` command, as a user would."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest


def _command() -> list[str]:
    exe = shutil.which("migrainecli")
    if exe and Path(exe).parent == Path(sys.executable).parent:
        return [exe]
    return [sys.executable, "-m", "migrainecli"]


def _run(tmp_path: Path, *args: str, input: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "MIGRAINECLI_DB": str(tmp_path / "diary.db"), "NO_COLOR": "1"}
    return subprocess.run(
        [*_command(), *args], capture_output=True, text=True, env=env, input=input, timeout=60
    )


def test_log_then_export_on_a_real_file(tmp_path):
    r = _run(tmp_path, "log", "yesterday", "-s", "severe", "--nausea", "--unilateral",
             "--med", "sumatriptan 50 mg", "--relieved")  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert "migraine day (ICHD-3 1.3 C1)" in r.stdout
    db = tmp_path / "diary.db"
    assert (db.stat().st_mode & 0o777) == 0o600
    r = _run(tmp_path, "export", "intakes")
    assert r.returncode == 0
    assert r.stdout.splitlines()[1].endswith(",sumatriptan,50 mg,1,triptan")


def test_bad_input_prints_one_sentence_and_no_traceback(tmp_path):
    r = _run(tmp_path, "log", "2999-01-01", "-s", "mild")
    assert r.returncode == 1
    assert r.stdout == ""
    assert r.stderr.startswith("Error: 2999-01-01 is in the future")
    assert "Traceback" not in r.stderr
    assert not (tmp_path / "diary.db").exists()


def test_not_a_diary_left_untouched(tmp_path):
    other = tmp_path / "notes.db"
    other.write_bytes(b"\x00\x01 not sqlite at all" * 50)
    before = other.read_bytes()
    r = _run(tmp_path, "--db", str(other), "log", "-s", "mild")
    assert r.returncode == 1
    assert "not a migrainecli diary" in r.stderr
    assert other.read_bytes() == before


def test_python_dash_m_and_version(tmp_path):
    r = subprocess.run(
        [sys.executable, "-m", "migrainecli", "--version"], capture_output=True, text=True
    )
    assert r.returncode == 0
    assert r.stdout.startswith("migrainecli ")


@pytest.mark.parametrize("args", [("--help",), ("log", "--help"), ("trial", "add", "--help")])
def test_help_in_80_columns(tmp_path, args):
    env = {**os.environ, "COLUMNS": "80", "NO_COLOR": "1"}
    r = subprocess.run([*_command(), *args], capture_output=True, text=True, env=env)
    assert r.returncode == 0
    assert max(len(line) for line in r.stdout.splitlines()) <= 80
