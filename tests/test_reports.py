"""``export monthly`` and ``report`` (human and --json) through the CLI, on real diaries."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date

from migrainecli.rules.months import add_months
from tests.test_report_diaries import RESPONSE_AS_OF, monthly_diary, response_diary

ANSI = re.compile(r"\x1b\[")
NARROW = {"COLUMNS": "80", "NO_COLOR": "1"}


def _months_since(year: int, month: int) -> list[str]:
    today = date.today()
    out, key = [], (year, month)
    while key <= (today.year, today.month):
        out.append(f"{key[0]:04d}-{key[1]:02d}")
        key = add_months(*key, 1)
    return out


def _assert_narrow(text: str, width: int = 80) -> None:
    assert not ANSI.search(text), "colour codes with NO_COLOR set"
    for line in text.splitlines():
        assert len(line) <= width, f"{len(line)} columns: {line!r}"


# -- export monthly -------------------------------------------------------------------
def test_export_monthly_csv_reads_back(run, db_path):
    monthly_diary(db_path)
    r = run("export", "monthly")
    assert r.exit_code == 0, r.output
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert [row["month"] for row in rows] == _months_since(2026, 1)
    header = r.stdout.splitlines()[0].split(",")
    assert header[:7] == [
        "month", "tracked_days", "untracked_days", "headache_days", "migraine_days",
        "debilitating_days", "acute_medication_days",
    ]  # fmt: skip
    assert header[7] == "triptan_days" and header[-1] == "active_preventives"
    assert all(h.endswith("_days") for h in header[1:-1])
    jan, feb, mar = rows[:3]
    assert {k: jan[k] for k in header[:7]} == {
        "month": "2026-01", "tracked_days": "31", "untracked_days": "0", "headache_days": "10",
        "migraine_days": "4", "debilitating_days": "4", "acute_medication_days": "6",
    }  # fmt: skip
    assert (jan["triptan_days"], jan["simple_analgesic_days"], jan["opioid_days"]) == (
        "4",
        "2",
        "0",
    )
    assert (feb["tracked_days"], feb["untracked_days"], feb["headache_days"]) == ("23", "5", "3")
    assert feb["active_preventives"] == "propranolol"
    assert mar["active_preventives"] == "Aimovig"
    assert rows[-1]["active_preventives"] == "Aimovig"  # ongoing to this month


def test_export_monthly_json_and_file(run, db_path, tmp_path):
    monthly_diary(db_path)
    r = run("export", "monthly", "--format", "json")
    assert r.exit_code == 0, r.output
    records = json.loads(r.stdout)
    assert records[0]["month"] == "2026-01"
    assert records[0]["headache_days"] == 10 and records[0]["triptan_days"] == 4
    assert records[1]["active_preventives"] == "propranolol"
    out = tmp_path / "monthly.csv"
    r = run("export", "monthly", "--output", str(out))
    assert r.exit_code == 0, r.output
    assert out.stat().st_mode & 0o777 == 0o600
    assert out.read_text().startswith("month,tracked_days,")


def test_import_does_not_accept_monthly(run, db_path, tmp_path):
    f = tmp_path / "m.csv"
    f.write_text("month\n2026-01\n")
    r = run("import", "monthly", str(f))
    assert r.exit_code == 2
    assert not db_path.exists()


def test_export_monthly_of_an_empty_diary_is_a_header(run, db_path):
    db_path.touch()  # an empty file: read as an empty diary
    r = run("export", "monthly")
    assert r.exit_code == 0
    assert r.stdout.startswith("month,tracked_days,") and len(r.stdout.splitlines()) == 1


# -- report --json --------------------------------------------------------------------
def test_report_json_shape(run, db_path):
    response_diary(db_path)
    r = run("report", "--json", "--as-of", RESPONSE_AS_OF.isoformat())
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert set(data) == {
        "as_of", "months_requested", "period", "diary", "thresholds", "verdicts",
        "overuse_warning", "months", "calendar", "bands", "trials", "scores",
    }  # fmt: skip
    assert data["as_of"] == "2026-03-31" and data["months_requested"] == 12
    assert data["period"] == {"from": "2025-04", "to": "2026-03"}
    assert [m["month"] for m in data["months"]] == [m["month"] for m in data["calendar"]]
    assert len(data["months"]) == 12
    month = data["months"][2]  # 2025-06, 4 migraine days
    assert month["month"] == "2025-06"
    assert (month["headache_days"], month["migraine_days"], month["complete"]) == (4, 4, True)
    assert month["active_preventives"] == ["topiramate"]
    assert set(month["class_days"]) >= {"triptan", "simple_analgesic"}
    assert data["months"][0]["at_threshold"] == ["migraine_days", "debilitating_days"]  # 8 each
    assert data["verdicts"]["chronic_migraine"] == {"status": "not_met", "source": "ICHD-3 1.3"}
    assert data["thresholds"]["headache_days"] == 15
    assert data["thresholds"]["acute_classes"]["triptan"] == {"subtype": "8.2.2", "days": 10}
    required = {
        "therapy", "class", "start", "end", "baseline_migraine_days", "treated_migraine_days",
        "reduction_percent", "responder",
    }  # fmt: skip
    assert [t["therapy"] for t in data["trials"]] == ["amitriptyline", "topiramate", "candesartan"]
    for t in data["trials"]:
        assert required <= set(t)
    assert data["trials"][1]["responder"] is True and data["trials"][2]["responder"] is False
    assert data["trials"][0]["responder"] is None
    assert [b["therapy"] for b in data["bands"]] == ["topiramate", "candesartan"]
    assert data["bands"][0]["months"][-1] == "2025-10"
    cell = data["calendar"][0]["days"][0]
    assert cell == {"date": "2025-04-01", "state": "severe", "migraine": True,
                    "acute_medication": False}  # fmt: skip


def test_report_months_option_and_diary_start(run, db_path):
    response_diary(db_path)  # starts 2025-01
    data = json.loads(run("report", "--json", "-n", "40", "--as-of", "2026-03-31").stdout)
    assert data["months"][0]["month"] == "2025-01"  # never before the diary start
    assert len(data["months"]) == 15
    assert run("report", "--months", "0").exit_code == 2


def test_report_as_of_in_the_future_is_refused(run, db_path):
    response_diary(db_path)
    r = run("report", "--as-of", "2999-01-01")
    assert r.exit_code == 1
    assert "future" in r.stderr


def test_report_on_an_empty_diary(run, db_path):
    r = run("report")
    assert r.exit_code == 0
    assert r.stdout == "" and r.stderr == f"There is no diary at {db_path} yet.\n"
    db_path.touch()  # an empty file: read as an empty diary
    r = run("report")
    assert r.exit_code == 0
    assert "empty" in r.stdout
    data = json.loads(run("report", "--json").stdout)
    assert data["months"] == [] and data["trials"] == [] and data["calendar"] == []
    db_path.unlink()
    data = json.loads(run("report", "--json").stdout)
    assert data["months"] == [] and data["trials"] == [] and data["calendar"] == []
    assert not db_path.exists()


# -- report for humans ----------------------------------------------------------------
def test_report_human_no_color_80_columns(run, db_path):
    response_diary(db_path)
    r = run("report", "--as-of", RESPONSE_AS_OF.isoformat(), env=NARROW)
    assert r.exit_code == 0, r.output
    out = r.stdout
    _assert_narrow(out)
    for heading in ("Month by month", "Calendar", "Headache and migraine days per month",
                    "Preventive trials"):  # fmt: skip
        assert heading in out
    table = out[out.index("Month by month") : out.index("Calendar")]
    row = next(line for line in table.splitlines() if line.startswith("2025-04"))
    assert row.split() == ["2025-04", "30/30", "8", "8", "▲", "8", "▲", "0"]
    calendar = out[out.index("Calendar") : out.index("Headache and migraine")]
    april = next(line for line in calendar.splitlines() if line.startswith("2025-04"))
    assert april.startswith("2025-04 M · M · M ")  # a migraine day every other day
    assert "× untracked" in calendar and "+ acute medication" in calendar
    trend = out[out.index("Headache and migraine") : out.index("Preventive trials")]
    assert "━ topiramate" in trend and "━ candesartan" in trend
    trials = out[out.index("Preventive trials") :]
    topiramate = next(line for line in trials.splitlines() if line.startswith("topiramate"))
    assert topiramate.split() == ["topiramate", "2025-04-10", "10", "4", "−60%", "yes"]
    assert "ended before the diary started" in trials  # amitriptyline


def test_report_of_the_demo_diary_fits_80_columns(run, db_path):
    from migrainecli.demo import build_demo

    as_of = date(2026, 11, 25)
    build_demo(db_path, as_of).close()
    for months in ("12", "1", "30", "120"):
        r = run("report", "--as-of", as_of.isoformat(), "--months", months, env=NARROW)
        assert r.exit_code == 0, r.output
        _assert_narrow(r.stdout)
    assert "▲" in r.stdout and "M+" in r.stdout and "×" in r.stdout
    assert "Aimovig" in r.stdout


def test_report_in_colour_marks_thresholds_with_a_symbol_too(run, db_path):
    response_diary(db_path)
    r = run("report", "--as-of", RESPONSE_AS_OF.isoformat(),
            env={"COLUMNS": "80", "NO_COLOR": "", "FORCE_COLOR": "1"})  # fmt: skip
    assert r.exit_code == 0
    assert ANSI.search(r.stdout)
    assert "▲" in r.stdout


def test_report_with_many_acute_classes_splits_the_table_to_fit(run, db_path):
    from datetime import timedelta

    from migrainecli.models import Day, Intake
    from tests.test_report_diaries import write

    taken = [
        ("sumatriptan", "triptan"), ("ibuprofen", "simple_analgesic"),
        ("Fioricet", "combination_analgesic"), ("codeine", "opioid"),
        ("ubrogepant", "gepant_acute"), ("lasmiditan", "ditan"), ("ergotamine", "ergot"),
    ]  # fmt: skip
    days, intakes = [], []
    for k in range(59):  # 2026-01 and 2026-02, every class every other day
        d = date(2026, 1, 1) + timedelta(days=k)
        days.append(Day(d, "moderate", unilateral=True, nausea=True))
        intakes += [Intake(d, n, None, None, c) for j, (n, c) in enumerate(taken) if (k + j) % 2]
    write(db_path, days, intakes)
    r = run("report", "--as-of", "2026-02-28", env=NARROW)
    assert r.exit_code == 0, r.output
    _assert_narrow(r.stdout)
    table = r.stdout[r.stdout.index("Month by month") : r.stdout.index("Calendar")]
    assert "…" not in table
    for short in ("triptan", "ergot", "simple", "combo", "opioid", "gepant", "ditan"):
        assert short in table
    headers = [line for line in table.splitlines() if line.startswith("month ")]
    assert len(headers) == 2  # the class columns moved to a second table
