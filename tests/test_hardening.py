"""Issue #11: hostile input and environments get one sentence, never a hang or traceback."""

from __future__ import annotations

import os
import stat
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
        ("gap", "delete", HUGE),
        ("trial", "delete", HUGE, "--yes"),
        ("trial", "delete", f"#{HUGE}", "--yes"),
        ("trial", "stop", HUGE, "--end", "yesterday", "--outcome", "ineffective"),
        ("trial", "edit", HUGE, "--dose", "5 mg"),
        ("gap", "delete", "--", str(-(2**63) - 1)),
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
