"""Issue #10 part 7: import reads what export writes, JSON included; forgiving CSV headers."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from conftest import file_bytes, snapshot

TODAY = date.today()
D = [(TODAY - timedelta(days=40 - k)).isoformat() for k in range(40)]


def _seed(run):
    """A diary with every kind of value, including text a spreadsheet would run."""
    ok = [
        run("log", D[0], "-s", "severe", "--unilateral", "--nausea", "--hours", "4.5",
            "--impairment", "serious", "--note", 'said "never again", then, well',
            "--med", "sumatriptan 50 mg", "--relieved"),
        run("log", D[1], "--free"),
        run("log", D[2], "-s", "mild", "--aura", "--no-nausea", "--note", '=HYPERLINK("x")'),
        run("log", D[3], "-s", "moderate", "--note", "'=already quoted", "--med", "ibuprofen",
            "--med", "Maxalt 10 mg: not relieved"),
        run("log", D[4], "-s", "moderate", "--hours", "24", "--note", "  spaced  ünïcode ✓"),
        run("gap", "add", f"{D[10]}..{D[12]}", "--reason", "in hospital"),
        run("gap", "add", f"{D[20]}..{D[20]}"),
        run("trial", "add", "Topamax 50 mg", "--start", D[0], "--end", D[30],
            "--outcome", "ineffective", "--note", "-5 kg"),
        run("trial", "add", "Aimovig", "--start", D[31], "--dose", "70 mg"),
        run("trial", "add", "Madeupamab", "--start", D[5], "--end", D[9],
            "--outcome", "not_tolerated", "--class", "cgrp_mab", "--reason", "rash"),
    ]  # fmt: skip
    assert all(r.exit_code == 0 for r in ok), [r.output for r in ok if r.exit_code]


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8", newline="")
    return path


@pytest.mark.parametrize("kind", ["days", "intakes", "trials", "gaps"])
def test_json_round_trip_gives_the_same_csv(run, tmp_path, kind):
    _seed(run)
    original_csv = run("export", kind).stdout
    fresh = tmp_path / "fresh.db"
    if kind == "intakes":  # intakes belong to logged days: bring the days first
        days = _write(tmp_path / "days.json", run("export", "days", "--format", "json").stdout)
        assert run("--db", str(fresh), "import", "days", str(days)).exit_code == 0
    exported = _write(tmp_path / f"{kind}.json", run("export", kind, "--format", "json").stdout)
    r = run("--db", str(fresh), "import", kind, str(exported))
    assert r.exit_code == 0, r.output
    assert r.stdout.startswith(f"Imported {kind} from {exported}:")
    assert run("--db", str(fresh), "export", kind).stdout == original_csv
    # and JSON once more gives the same JSON
    again = run("--db", str(fresh), "export", kind, "--format", "json").stdout
    assert json.loads(again) == json.loads(exported.read_text())


def test_json_is_recognised_by_content_and_by_option(run, tmp_path, db_path):
    _seed(run)
    text = run("export", "gaps", "--format", "json").stdout
    fresh = tmp_path / "fresh.db"
    odd_name = _write(tmp_path / "gaps.txt", "\ufeff \n\t" + text)  # BOM and spaces first
    assert run("--db", str(fresh), "import", "gaps", str(odd_name)).exit_code == 0
    other = tmp_path / "other.db"
    r = run("--db", str(other), "import", "gaps", "-", "--format", "json", input=text)
    assert r.exit_code == 0, r.output
    assert run("--db", str(other), "export", "gaps").stdout == run("export", "gaps").stdout
    r = run("--db", str(tmp_path / "third.db"), "import", "gaps", "-", input=text)
    assert r.exit_code == 0, r.output


def _t(template: str, *dates: str) -> str:
    """``template`` with each ``%s`` replaced by the next date."""
    for d in dates:
        template = template.replace("%s", d, 1)
    return template


BAD_JSON = [
    (_t('[{"date": "%s", "severity": "mild"}, {"date": "%s", "severity": "awful"}]', D[5], D[6]),
     "Error: Record 2: severity must be one of none, mild, moderate, severe, not 'awful'.\n"),
    (_t('[{"date": "%s", "severity": "mild"}, {"date": "%s", "severity": "mild"}]', D[5], D[5]),
     f"Error: Record 2: {D[5]} appears twice (also in record 1).\n"),
    (_t('[{"date": "%s", "severity": "mild", "colour": "red"}]', D[5]),
     "Error: Record 1: unknown field 'colour'; the fields are date, severity, hours, "
     "unilateral, pulsating, activity, nausea, vomiting, photophobia, phonophobia, aura, "
     "believed_migraine, impairment, note.\n"),
    ('[{"severity": "mild"}]', "Error: Record 1: missing required field(s): date.\n"),
    (_t('[{"date": "%s", "severity": "mild", "note": ["a"]}]', D[5]),
     "Error: Record 1: note must be text, a number, true/false or null, not list.\n"),
    (_t('[{"date": "%s", "severity": "mild"}, 3]', D[5]),
     "Error: Record 2: not an object of fields (found int).\n"),
    (_t('[{"date": "%s", "severity": "mild", "date": "%s"}]', D[5], D[6]),
     "Error: Record 1: the field 'date' appears twice.\n"),
    ('[{"date": "2999-01-01", "severity": "mild"}]',
     "Error: Record 1: date 2999-01-01 is in the future.\n"),
    (_t('[{"date": "%s", "severity": "mild",]', D[5]),
     "Error: The file is not valid JSON (line 1, column 44: Expecting property name "
     "enclosed in double quotes).\n"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "message"), BAD_JSON)
def test_bad_json_is_refused_whole_and_changes_nothing(run, tmp_path, db_path, text, message):
    _seed(run)
    before, before_bytes = snapshot(db_path), file_bytes(db_path)
    r = run("import", "days", str(_write(tmp_path / "bad.json", text)))
    assert r.exit_code == 1
    assert r.stderr == message
    assert r.stdout == "" and "Traceback" not in r.output
    assert snapshot(db_path) == before and file_bytes(db_path) == before_bytes


def test_json_that_is_not_a_list_is_refused(run, tmp_path, db_path):
    r = run("import", "days", str(_write(tmp_path / "o.json", '{"date": "x"}')), "-f", "json")
    assert r.exit_code == 1
    assert r.stderr == (
        "Error: The JSON file is not a list of records; import reads what "
        "'migrainecli export KIND --format json' writes.\n"
    )
    assert not db_path.exists()


def test_json_intakes_on_unlogged_days_name_the_record(run, tmp_path, db_path):
    run("log", D[5], "-s", "mild")
    text = json.dumps([
        {"date": D[5], "medication": "ibuprofen"},
        {"date": D[6], "medication": "ibuprofen"},
    ])  # fmt: skip
    before = snapshot(db_path)
    r = run("import", "intakes", str(_write(tmp_path / "i.json", text)))
    assert r.exit_code == 1
    assert r.stderr.startswith(f"Error: Record 2: no day is logged on {D[6]};")
    assert snapshot(db_path) == before


def test_empty_json_list_imports_nothing(run, tmp_path, db_path):
    r = run("import", "gaps", str(_write(tmp_path / "g.json", "[]\n")))
    assert r.exit_code == 0
    assert "0 added" in r.stdout


# -- CSV headers --------------------------------------------------------------------------
def test_csv_headers_ignore_case_and_surrounding_spaces(run, tmp_path):
    f = _write(tmp_path / "d.csv", f" Date ,SEVERITY, Note\r\n{D[5]},mild,hello\r\n")
    r = run("import", "days", str(f))
    assert r.exit_code == 0, r.output
    assert json.loads(run("show", D[5], "--json").stdout)["note"] == "hello"


def test_csv_headers_differing_only_in_case_are_duplicates(run, tmp_path, db_path):
    f = _write(tmp_path / "d.csv", f"date,severity,Date\r\n{D[5]},mild,{D[5]}\r\n")
    r = run("import", "days", str(f))
    assert r.exit_code == 1
    assert r.stderr == "Error: Column 'date' appears twice in the header.\n"
    assert not db_path.exists()


def test_csv_unknown_header_is_named_as_written(run, tmp_path, db_path):
    f = _write(tmp_path / "d.csv", f"date,severity, Colour \r\n{D[5]},mild,red\r\n")
    r = run("import", "days", str(f))
    assert r.exit_code == 1
    assert r.stderr.startswith("Error: Unknown column 'Colour'; the columns are date,")
    assert not db_path.exists()
