"""log, edit, show, days, delete, gap and config through Typer's CliRunner."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from tests.conftest import file_bytes, snapshot

TODAY = date.today()
D1 = (TODAY - timedelta(days=10)).isoformat()
D2 = (TODAY - timedelta(days=9)).isoformat()


def test_log_migraine_day_c1_and_confirmation(run):
    r = run("log", D1, "-s", "severe", "--unilateral", "--nausea", "--impairment", "bedbound")
    assert r.exit_code == 0, r.output
    assert r.stdout == f"Logged {D1}: headache day, migraine day (ICHD-3 1.3 C1), debilitating.\n"


def test_log_defaults_to_today(run):
    r = run("log", "-s", "mild")
    assert r.exit_code == 0
    assert r.stdout.startswith(f"Logged {TODAY.isoformat()}: headache day, not a migraine day")


def test_log_aura_is_c2_and_says_why_not_c1(run):
    r = run("log", D1, "-s", "mild", "--aura")
    assert "migraine day (ICHD-3 1.3 C2)" in r.stdout
    assert "not debilitating" in r.stdout


def test_log_probable_migraine_explained(run):
    r = run("log", D1, "-s", "moderate", "--pulsating")
    assert r.exit_code == 0
    assert "probable migraine only, not a migraine day" in r.stdout
    assert "no nausea/vomiting or photophobia with phonophobia" in r.stdout


def test_log_free_day(run):
    r = run("log", D1, "--free")
    assert r.stdout == f"Logged {D1}: headache-free day.\n"


def test_logging_again_updates_given_fields_and_says_so(run, db_path):
    run("log", D1, "-s", "moderate", "--pulsating", "--note", "first")
    r = run("log", D1, "--nausea", "--unilateral")
    assert r.exit_code == 0
    assert r.stdout.startswith(
        f"Updated {D1} (unilateral not recorded → yes, nausea not recorded → yes): "
        "headache day, migraine day (ICHD-3 1.3 C1)"
    )
    shown = json.loads(run("show", D1, "--json").stdout)
    assert shown["severity"] == "moderate"
    assert shown["pulsating"] is True and shown["nausea"] is True
    assert shown["note"] == "first"
    assert shown["photophobia"] is None  # never recorded


def test_log_range_logs_every_day(run):
    r = run("log", f"{D1}..{D2}", "-s", "mild")
    assert r.exit_code == 0
    assert r.stdout.count("Logged") == 2
    assert [d["date"] for d in json.loads(run("days", "--json").stdout)] == [D1, D2]


def test_days_json_and_filters(run):
    run("log", D1, "-s", "severe", "--aura")
    run("log", D2, "--free")
    data = json.loads(run("days", "--json", "--from", D2).stdout)
    assert data == [
        {
            "date": D2, "severity": "none", "hours": None, "unilateral": None,
            "pulsating": None, "activity": None, "nausea": None, "vomiting": None,
            "photophobia": None, "phonophobia": None, "aura": None, "believed_migraine": None,
            "impairment": None, "note": None, "intakes": [], "headache_day": False,
            "migraine_day": False, "migraine_paths": [], "probable_migraine": False,
            "debilitating": False, "aura_only": False,
        }
    ]  # fmt: skip
    table = run("days").stdout
    assert D1 in table and "migraine C2" in table and "free" in table


def test_days_without_a_diary_says_so_without_creating_it(run, db_path):
    r = run("days")
    assert r.exit_code == 0
    assert r.stderr == f"There is no diary at {db_path} yet.\n" and r.stdout == ""
    assert not db_path.exists()


def test_days_empty_period_says_so(run, db_path):
    run("log", "2026-01-05", "-s", "mild")
    r = run("days", "--from", "2026-02-01", "--to", "2026-02-02")
    assert r.exit_code == 0
    assert "No days logged" in r.stderr


def test_show_human(run):
    run("log", D1, "-s", "severe", "--hours", "5", "--photophobia", "--phonophobia",
        "--activity", "--note", "bad one")  # fmt: skip
    r = run("show", D1)
    assert r.exit_code == 0
    assert "photophobia, phonophobia" in r.stdout
    assert "bad one" in r.stdout
    assert "migraine day (ICHD-3 1.3 C1)" in r.stdout


def test_edit_changes_only_given_fields(run):
    run("log", D1, "-s", "severe", "--nausea", "--unilateral")
    r = run("edit", D1, "--no-nausea", "--severity", "mild")
    assert r.exit_code == 0
    assert r.stdout.startswith(f"Updated {D1} (severity severe → mild, nausea yes → no): headache")
    shown = json.loads(run("show", D1, "--json").stdout)
    assert (shown["severity"], shown["nausea"], shown["unilateral"]) == ("mild", False, True)


def test_free_clears_headache_details(run):
    run("log", D1, "-s", "severe", "--nausea")
    run("edit", D1, "--free")
    shown = json.loads(run("show", D1, "--json").stdout)
    assert shown["severity"] == "none" and shown["nausea"] is None


def test_delete_asks_first(run, db_path):
    run("log", D1, "-s", "mild")
    r = run("delete", D1, input="n\n")
    assert r.exit_code == 1
    assert "Nothing deleted" in r.stderr
    assert json.loads(run("days", "--json").stdout) != []
    r = run("delete", D1, input="y\n")
    assert r.exit_code == 0
    assert json.loads(run("days", "--json").stdout) == []
    run("log", D1, "-s", "mild")
    assert run("delete", D1, "--yes").exit_code == 0


def test_gaps(run):
    r = run("gap", "add", f"{D1}..{D2}", "--reason", "holiday")
    assert r.exit_code == 0
    assert r.stdout == f"Recorded gap #1: {D1} to {D2} (2 untracked days).\n"
    assert json.loads(run("gap", "list", "--json").stdout) == [
        {"id": 1, "start": D1, "end": D2, "days": 2, "reason": "holiday"}
    ]
    assert "holiday" in run("gap", "list").stdout
    assert run("gap", "delete", "1", "--yes").exit_code == 0
    assert json.loads(run("gap", "list", "--json").stdout) == []


def test_gap_over_logged_days_warns(run):
    run("log", D1, "-s", "mild")
    r = run("gap", "add", f"{D1}..{D2}")
    assert r.exit_code == 0
    assert "1 logged day(s) fall inside this gap" in r.stderr


def test_config_start_earlier_than_first_entry(run):
    run("log", D2, "-s", "mild")
    assert run("config", "set", "start", D1).exit_code == 0
    assert json.loads(run("config", "show", "--json").stdout)["diary_start"] == D1
    r = run("config", "set", "start", TODAY.isoformat())
    assert r.exit_code == 1
    assert "cannot be after the first logged day" in r.stderr


def test_version_and_path(run, db_path):
    assert run("--version").stdout.startswith("migrainecli ")
    assert run("path").stdout.strip() == str(db_path)
    other = db_path.parent / "other.db"
    assert run("--db", str(other), "path").stdout.strip() == str(other)


# -- bad input: one sentence on stderr, exit 1, the diary exactly as it was ---------------
BAD = [
    (("log", "2999-01-01", "-s", "mild"), "in the future"),
    (("log", "2026-02-30", "-s", "mild"), "not a real calendar date"),
    (("log", "someday", "-s", "mild"), "Could not read 'someday' as a date"),
    (("log", D2), "say how bad the headache was"),
    (("log", D1), "already logged and no option was given"),
    (("log", D1, "--free", "-s", "mild"), "contradict"),
    (("log", D1, "--free", "--nausea"), "cannot have headache details"),
    (("log", D1, "-s", "mild", "--hours", "30"), "at most 24"),
    (("log", f"{D2}..{D1}", "-s", "mild"), "ends before it starts"),
    (("edit", "2000-01-01", "-s", "mild"), "Nothing is logged on 2000-01-01"),
    (("show", "2000-01-01"), "Nothing is logged on 2000-01-01"),
    (("delete", "2000-01-01", "--yes"), "Nothing is logged on 2000-01-01"),
    (("gap", "add", "2999-01-01..2999-01-02"), "in the future"),
    (("gap", "delete", "99"), "There is no gap #99"),
    (("config", "set", "colour", "blue"), "Unknown setting 'colour'"),
]


@pytest.mark.parametrize(("args", "message"), BAD, ids=[" ".join(a) for a, _ in BAD])
def test_bad_input_is_refused_and_changes_nothing(run, db_path, args, message):
    run("log", D1, "-s", "moderate", "--nausea")
    run("gap", "add", "2020-01-01..2020-01-02")
    before, before_bytes = snapshot(db_path), file_bytes(db_path)
    r = run(*args)
    assert r.exit_code == 1, r.output
    assert message in r.stderr
    assert r.stderr.startswith("Error: ") and r.stderr.count("\n") <= 2
    assert "Traceback" not in r.output
    assert snapshot(db_path) == before
    assert file_bytes(db_path) == before_bytes


def test_usage_error_is_exit_2(run):
    assert run("log", "--bogus").exit_code == 2


@pytest.mark.parametrize("kind", ["text", "foreign-sqlite"])
def test_not_a_diary_is_refused_untouched(run, tmp_path, kind):
    path = tmp_path / "x.db"
    if kind == "text":
        path.write_text("hello\n")
    else:
        import sqlite3

        conn = sqlite3.connect(path)
        conn.execute("CREATE TABLE t (x)")
        conn.commit()
        conn.close()
    before = path.read_bytes()
    for args in (("log", "-s", "mild"), ("days",), ("export", "days")):
        r = run("--db", str(path), *args)
        assert r.exit_code == 1
        assert "not a migrainecli diary" in r.stderr
    assert path.read_bytes() == before


# -- found by trying the tool as a new user -----------------------------------------------
def test_free_refused_while_the_day_has_intakes(run, db_path):
    run("log", D1, "-s", "severe", "--med", "sumatriptan")
    before = snapshot(db_path)
    r = run("edit", D1, "--free")
    assert r.exit_code == 1
    assert "has acute-medication intakes" in r.stderr
    assert snapshot(db_path) == before
    assert run("edit", D1, "--free", "--clear-meds").exit_code == 0


def test_delete_with_no_answer_is_one_error_sentence(run):
    run("log", D1, "-s", "mild")
    r = run("delete", D1)  # no input at all
    assert r.exit_code == 1
    assert "Error: Nothing deleted." in r.stderr
    assert "Aborted" not in r.output


def test_days_range_the_wrong_way_round(run):
    r = run("days", "--from", D2, "--to", D1)
    assert r.exit_code == 1
    assert "is before --from" in r.stderr


def test_writing_over_the_diary_or_into_a_missing_folder_is_refused(run, db_path, tmp_path):
    run("log", D1, "-s", "mild")
    before = file_bytes(db_path)
    for args in (
        ("export", "days", "--output", str(db_path)),
        ("summary", "--output", str(db_path)),
    ):
        r = run(*args)
        assert r.exit_code == 1, args
        assert "is your diary" in r.stderr
    assert file_bytes(db_path) == before
    r = run("backup", str(tmp_path / "no" / "such" / "b.db"))
    assert r.exit_code == 1
    assert "does not exist" in r.stderr and ".tmp" not in r.stderr
    r = run("export", "days", "--output", str(tmp_path / "missing" / "d.csv"))
    assert r.exit_code == 1
    assert "does not exist" in r.stderr and ".tmp" not in r.stderr


def test_backup_into_a_folder_names_the_file_written(run, tmp_path):
    run("log", D1, "-s", "mild")
    folder = tmp_path / "backups"
    folder.mkdir()
    r = run("backup", str(folder))
    assert r.exit_code == 0
    assert str(folder / "diary-backup.db") in r.stdout


def test_an_empty_file_is_read_as_an_empty_diary_without_writing(run, tmp_path):
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    r = run("--db", str(empty), "days")
    assert r.exit_code == 0
    assert empty.read_bytes() == b""


def test_summary_html_before_the_diary_start(run):
    run("log", D1, "-s", "mild")
    r = run("summary", "--format", "html", "--as-of", "2000-01-01")
    assert r.exit_code == 0, r.output
    assert "not a diagnosis" in r.stdout and "Traceback" not in r.output


def test_logging_inside_a_gap_says_it_is_not_counted(run):
    run("gap", "add", f"{D1}..{D2}")
    r = run("log", D1, "-s", "mild")
    assert r.exit_code == 0
    assert f"Note: {D1} is inside the untracked period #1" in r.stderr


# -- ICHD-3 1.2.1.2 aura without headache (issue 14 part 7) -------------------------------
AURA_ONLY = (
    "aura-only day (typical aura without headache, ICHD-3 1.2.1.2): not a headache or "
    "migraine day; counts as an attack for ICHD-3 1.3 B"
)


@pytest.mark.parametrize("args", [("--aura",), ("--free", "--aura")], ids=["aura", "free-aura"])
def test_ichd3_1_2_1_2_log_aura_alone_is_an_aura_only_day(run, args):
    r = run("log", D1, *args)
    assert r.exit_code == 0, r.output
    assert r.stdout == f"Logged {D1}: {AURA_ONLY}.\n"
    shown = json.loads(run("show", D1, "--json").stdout)
    assert (shown["severity"], shown["aura"]) == ("none", True)
    assert (shown["headache_day"], shown["migraine_day"], shown["aura_only"]) == (
        False, False, True
    )  # fmt: skip
    text = " ".join(run("show", D1).stdout.split())
    assert "aura-only day" in text and "features aura" in text
    listing = run("days", "--all").stdout
    assert "aura only" in listing


def test_ichd3_1_2_1_2_aura_only_day_takes_no_headache_details_or_medication(run, db_path):
    run("log", D2, "-s", "mild")
    before = snapshot(db_path)
    r = run("log", D1, "--free", "--aura", "--nausea")
    assert r.exit_code == 1 and "cannot have headache details (--nausea)" in r.stderr
    r = run("log", D1, "--aura", "--med", "ibuprofen")
    assert r.exit_code == 1 and "aura-only day" in r.stderr
    assert snapshot(db_path) == before


def test_ichd3_1_2_1_2_aura_on_a_headache_day_is_still_c2(run):
    run("log", D1, "-s", "mild")
    r = run("log", D1, "--aura")
    assert "migraine day (ICHD-3 1.3 C2)" in r.stdout
    # --free with --aura turns the headache day into an aura-only day
    r = run("edit", D1, "--free", "--aura")
    assert r.exit_code == 0, r.output
    assert AURA_ONLY in r.stdout
    r = run("edit", D1, "--no-aura")
    assert "headache-free day" in r.stdout


def test_ichd3_1_2_1_2_aura_only_day_round_trips_through_csv(run, tmp_path):
    run("log", D1, "--aura", "--note", "zigzag lines")
    run("log", D2, "-s", "moderate", "--unilateral", "--nausea")
    csv_text = run("export", "days").stdout
    assert f"{D1},none,,,,,,,,,1,,,zigzag lines,0,0" in csv_text
    path = tmp_path / "d.csv"
    path.write_text(csv_text, newline="")
    run("delete", D1, "--yes")
    r = run("import", "days", str(path))
    assert r.exit_code == 0, r.output
    assert run("export", "days").stdout == csv_text
    assert json.loads(run("show", D1, "--json").stdout)["aura_only"] is True


def test_ichd3_1_2_1_2_import_still_refuses_headache_features_on_severity_none(run, tmp_path):
    path = tmp_path / "d.csv"
    path.write_text(f"date,severity,aura,nausea\n{D1},none,1,1\n")
    r = run("import", "days", str(path))
    assert r.exit_code == 1
    assert "cannot have headache features" in r.stderr


def test_ichd3_1_2_1_2_aura_only_day_in_the_report_calendar(run):
    run("log", D1, "--aura")
    r = run("report")
    assert r.exit_code == 0, r.output
    assert "a aura without headache (ICHD-3 1.2.1.2" in r.stdout


# -- ICHD-3 1.3 C3 with a combination product (issue 14 part 5) ----------------------------
@pytest.mark.parametrize("product", ["Cafergot", "Treximet"])
def test_ichd3_1_3_c3_log_believed_migraine_relieved_by_combination(run, product):
    r = run("log", D1, "-s", "mild", "--believed-migraine", "--med", f"{product}: relieved")
    assert r.exit_code == 0, r.output
    assert "migraine day (ICHD-3 1.3 C3)" in r.stdout
    shown = json.loads(run("show", D1, "--json").stdout)
    assert shown["intakes"][0]["class"] == "combination_analgesic"  # counts under 8.2.5
    shown_text = " ".join(run("show", D1).stdout.split())
    assert "combination product containing a triptan or ergot" in shown_text


def test_ichd3_1_2_1_2_aura_only_day_in_the_html_summary_calendar(run):
    run("log", D1, "--aura")
    r = run("summary", "--format", "html")
    assert r.exit_code == 0, r.output
    assert f"<td class='s-aura' title='{D1}: aura'>a</td>" in r.stdout
    assert "aura without headache (ICHD-3 1.2.1.2)" in r.stdout


def test_a_headache_free_log_over_intakes_names_a_command_that_exists(run):
    """The refusal's advice works as typed (``log`` has no --clear-meds; ``edit`` has)."""
    assert run("log", D1, "-s", "moderate", "--med", "ibuprofen").exit_code == 0
    r = run("log", D1, "--free")
    assert r.exit_code == 1
    assert r.stderr == (
        f"Error: {D1} has acute-medication intakes, so it cannot be headache-free; remove "
        f"them with 'migrainecli edit {D1} --free --clear-meds', or keep a severity.\n"
    )
    assert run("edit", D1, "--free", "--clear-meds").exit_code == 0
