"""CSV export/import (docs/interface.md): columns, exact round trips, all-or-nothing imports."""

from __future__ import annotations

import json
import sqlite3
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from migrainecli import csvio
from tests.conftest import file_bytes, snapshot

TODAY = date.today()
D = [(TODAY - timedelta(days=30 - k)).isoformat() for k in range(30)]

DAYS_HEADER = (
    "date,severity,hours,unilateral,pulsating,activity,nausea,vomiting,photophobia,"
    "phonophobia,aura,believed_migraine,impairment,note,migraine_day,debilitating"
)


def _seed(run):
    run("log", D[0], "-s", "severe", "--unilateral", "--nausea", "--hours", "4.5",
        "--impairment", "serious", "--note", 'said "never again", then, well')  # fmt: skip
    run("log", D[1], "--free")
    run("log", D[2], "-s", "mild", "--aura", "--no-nausea", "--note", '=HYPERLINK("x")')
    run("gap", "add", f"{D[5]}..{D[7]}", "--reason", "in hospital")


def test_days_columns_and_values(run):
    _seed(run)
    r = run("export", "days")
    assert r.exit_code == 0
    lines = r.stdout.splitlines()
    assert lines[0] == DAYS_HEADER
    assert (
        lines[1] == f'{D[0]},severe,4.5,1,,,1,,,,,,serious,"said ""never again"", then, well",1,1'
    )
    assert lines[2] == f"{D[1]},none,,,,,,,,,,,,,0,0"
    # a note a spreadsheet would run as a formula is neutralised
    assert lines[3] == f'{D[2]},mild,,,,,0,,,,1,,,"\'=HYPERLINK(""x"")",1,0'


@pytest.mark.parametrize("kind", ["days", "gaps"])
def test_export_import_export_is_byte_identical(run, tmp_path, kind):
    _seed(run)
    first = run("export", kind).stdout
    (tmp_path / "f.csv").write_text(first, newline="")
    fresh = tmp_path / "fresh.db"
    r = run("--db", str(fresh), "import", kind, str(tmp_path / "f.csv"))
    assert r.exit_code == 0, r.output
    assert run("--db", str(fresh), "export", kind).stdout == first


def test_import_twice_is_idempotent(run, tmp_path):
    _seed(run)
    csv_text = run("export", "days").stdout
    (tmp_path / "d.csv").write_text(csv_text, newline="")
    r = run("import", "days", str(tmp_path / "d.csv"))
    assert r.stdout.startswith("Imported days from")
    assert "3 replaced" in r.stdout
    assert run("export", "days").stdout == csv_text


def test_bom_and_spreadsheet_booleans_accepted(run, tmp_path):
    path = tmp_path / "d.csv"
    path.write_bytes(
        b"\xef\xbb\xbfdate,severity,nausea,photophobia,phonophobia,unilateral\r\n"
        + f"{D[3]},Moderate,yes,1,TRUE,0\r\n".encode()
    )
    r = run("import", "days", str(path))
    assert r.exit_code == 0, r.output
    shown = json.loads(run("show", D[3], "--json").stdout)
    assert shown["severity"] == "moderate" and shown["phonophobia"] is True
    assert shown["migraine_day"] is False  # moderate is only one pain feature (C1 needs 2)
    assert shown["unilateral"] is False


BAD_FILES = [
    ("date,severity,mood\r\n2026-01-01,mild,ok\r\n", "Unknown column 'mood'"),
    ("severity\r\nmild\r\n", "Missing required column(s): date"),
    ("date,severity\r\n2026-01-01,mild\r\n2026-01-32,mild\r\n", "Line 3: date '2026-01-32'"),
    ("date,severity\r\n2026-01-01,awful\r\n", "Line 2: severity must be one of"),
    ("date,severity\r\n2999-01-01,mild\r\n", "Line 2: date 2999-01-01 is in the future"),
    ("date,severity,hours\r\n2026-01-01,mild,lots\r\n", "Line 2: hours must be a number"),
    ("date,severity,nausea\r\n2026-01-01,mild,maybe\r\n", "Line 2: nausea must be 1, 0 (or yes"),
    ("date,severity\r\n2026-01-01,mild\r\n2026-01-01,severe\r\n", "appears twice (also on line 2)"),
    ("date,severity\r\n2026-01-01,mild,extra\r\n", "Line 2: 3 cells where the header has 2"),
    ("", "The file is empty"),
    ("date,severity\r\n2026-01-01,none\r\n2026-01-02,\r\n", "Line 3: the 'severity' column"),
]


@pytest.mark.parametrize(("content", "message"), BAD_FILES)
def test_bad_days_file_rejected_whole(run, db_path, tmp_path, content, message):
    _seed(run)
    before, before_bytes = snapshot(db_path), file_bytes(db_path)
    path = tmp_path / "bad.csv"
    path.write_text(content, newline="")
    r = run("import", "days", str(path))
    assert r.exit_code == 1
    assert message in r.stderr, r.stderr
    assert "Traceback" not in r.output
    assert snapshot(db_path) == before
    assert file_bytes(db_path) == before_bytes


def test_not_utf8_names_the_encoding(run, tmp_path, db_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes("date,severity,note\r\n2026-01-01,mild,caf\xe9\r\n".encode("latin-1"))
    r = run("import", "days", str(path))
    assert r.exit_code == 1
    assert "not UTF-8" in r.stderr
    assert not db_path.exists()


def test_missing_file(run):
    r = run("import", "days", "/nonexistent/file.csv")
    assert r.exit_code == 1
    assert "There is no file" in r.stderr


def test_header_only_imports_nothing(run, tmp_path):
    path = tmp_path / "h.csv"
    path.write_text(DAYS_HEADER + "\r\n")
    r = run("import", "days", str(path))
    assert r.exit_code == 0
    assert "0 added" in r.stdout


def test_gap_end_before_start(run, tmp_path):
    path = tmp_path / "g.csv"
    path.write_text("start,end,reason\r\n2026-01-05,2026-01-01,x\r\n")
    r = run("import", "gaps", str(path))
    assert r.exit_code == 1
    assert "Line 2: end 2026-01-01 is before start 2026-01-05" in r.stderr


def test_import_from_stdin(run):
    r = run("import", "days", "-", input=f"date,severity\n{D[4]},severe\n")
    assert r.exit_code == 0
    assert json.loads(run("days", "--json").stdout)[0]["severity"] == "severe"


def test_export_to_file_is_private(run, tmp_path):
    _seed(run)
    out = tmp_path / "out"
    out.mkdir()
    target = out / "days.csv"
    r = run("export", "days", "--output", str(target))
    assert r.exit_code == 0
    assert (target.stat().st_mode & 0o777) == 0o600
    assert target.read_text().splitlines()[0] == DAYS_HEADER
    assert sorted(p.name for p in out.iterdir()) == ["days.csv"]  # no temp file left


def test_export_json(run):
    _seed(run)
    data = json.loads(run("export", "gaps", "--format", "json").stdout)
    assert data == [{"start": D[5], "end": D[7], "reason": "in hospital"}]


def test_backup_is_consistent_and_private(run, tmp_path):
    _seed(run)
    dest = tmp_path / "backup.db"
    r = run("backup", str(dest))
    assert r.exit_code == 0
    assert (dest.stat().st_mode & 0o777) == 0o600
    conn = sqlite3.connect(dest)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    assert run("--db", str(dest), "export", "days").stdout == run("export", "days").stdout


def test_backup_without_a_diary(run, tmp_path):
    r = run("backup", str(tmp_path / "b.db"))
    assert r.exit_code == 1
    assert "nothing to back up" in r.stderr


@pytest.mark.parametrize(
    "cell",
    ["=1+1", "+44 20", "-3", "@SUM(A1)", "\tx", "\rx", "'=x", "''+y", "'plain", "plain"],
)
def test_formula_neutralisation_is_reversible(cell):
    out = csvio.neutralise(cell)
    assert out[0] not in "=+-@\t\r"
    assert csvio.restore(out) == cell


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    notes=st.lists(
        st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
                max_size=40).filter(lambda s: s.strip()),
        min_size=1, max_size=4,
    )
)  # fmt: skip
def test_notes_survive_round_trip(tmp_path_factory, notes):
    from typer.testing import CliRunner

    from migrainecli.cli import app

    runner = CliRunner()
    base = tmp_path_factory.mktemp("rt")
    a, b = str(base / "a.db"), str(base / "b.db")
    rows = "".join(f"{D[k]},mild,,,,,,,,,,,,{_q(n)},0,0\r\n" for k, n in enumerate(notes))
    src = base / "in.csv"
    src.write_text(DAYS_HEADER + "\r\n" + rows, newline="", encoding="utf-8")
    r = runner.invoke(app, ["--db", a, "import", "days", str(src)])
    assert r.exit_code == 0, r.output
    # stdout_bytes: CliRunner's .stdout turns "\r\n" into "\n", also inside quoted notes
    first = runner.invoke(app, ["--db", a, "export", "days"]).stdout_bytes
    (base / "mid.csv").write_bytes(first)
    assert runner.invoke(app, ["--db", b, "import", "days", str(base / "mid.csv")]).exit_code == 0
    assert runner.invoke(app, ["--db", b, "export", "days"]).stdout_bytes == first
    got = [d["note"] for d in json.loads(runner.invoke(app, ["--db", b, "days", "--json"]).stdout)]
    assert got == notes


def _q(text: str) -> str:
    import csv
    import io

    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerow([csvio.neutralise(text)])
    return buf.getvalue()[:-2]
