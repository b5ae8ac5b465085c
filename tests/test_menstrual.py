"""Menstrual migraine, ICHD-3 A1.1 (docs/criteria.md section 9), through the CLI on
real diaries: each test is named after the clause it pins.

The diary starts 2026-01-01 (``config set start``) and is read as of 2026-06-30. The
three cycles start on 2026-03-01, 2026-03-29 and 2026-04-26 (28 days apart); a window
is days −2, −1, 1, 2, 3 (there is no day 0): for 2026-03-01 that is 2026-02-27 to
2026-03-03.
"""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

AS_OF = "2026-06-30"
STARTS = (date(2026, 3, 1), date(2026, 3, 29), date(2026, 4, 26))


def day(start: date, cycle_day: int) -> str:
    """The date of cycle day ``cycle_day`` (1 = the start, −1 the day before, no 0)."""
    return (start + timedelta(days=cycle_day - 1 if cycle_day > 0 else cycle_day)).isoformat()


def attack(run, when: str, *extra: str) -> None:
    """A C1 migraine day without aura (2 pain features and nausea), 5 hours by default."""
    args = ["log", when, "--severity", "moderate", "--unilateral", "--pulsating", "--nausea",
            "--no-aura", *extra]  # fmt: skip
    if "--hours" not in extra and "--no-hours" not in extra:
        args += ["--hours", "5"]
    if "--no-hours" in extra:
        args.remove("--no-hours")
    result = run(*args)
    assert result.exit_code == 0, result.output


def diary(run, starts=STARTS) -> None:
    assert run("config", "set", "start", "2026-01-01").exit_code == 0
    for s in starts:
        result = run("period", "add", s.isoformat())
        assert result.exit_code == 0, result.output


def verdict(run, as_of: str = AS_OF) -> dict:
    result = run("status", "--json", "--as-of", as_of)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["criteria"]["menstrual_migraine"]


def test_no_period_recorded_is_not_assessed_not_not_met(run):
    attack(run, "2026-03-01")
    v = verdict(run)
    assert v["status"] == "undetermined" and v["assessed"] is False and v["subtype"] is None
    assert v["source"] == "ICHD-3 A1.1"
    text = run("status", "--as-of", AS_OF).stdout
    assert "Menstrual migraine (ICHD-3 A1.1): NOT ASSESSED" in text
    assert "Not assessed (no periods recorded)" in text


@pytest.mark.parametrize(
    ("cycle_day", "status"),
    [(-3, "not_met"), (-2, "met"), (3, "met"), (4, "not_met")],
    ids=["day-3-outside", "day-2-inside", "day3-inside", "day4-outside"],
)
def test_window_is_days_minus_2_to_plus_3(run, cycle_day, status):
    diary(run)
    for s in STARTS[:2]:
        attack(run, day(s, cycle_day))
    v = verdict(run)
    assert v["status"] == status, v["explanation"]
    assert v["windows_with_attack"] == (2 if status == "met" else 0)


def test_window_has_no_day_0_the_start_is_day_1(run):
    diary(run)
    v = verdict(run)
    first = v["cycles"][0]
    assert first["start"] == "2026-03-01"
    assert first["window"] == {"from": "2026-02-27", "to": "2026-03-03"}  # 5 dates
    lines = run("status", "--as-of", AS_OF).stdout
    assert "Period starting 2026-03-01 (window 2026-02-27 to 2026-03-03): no attack" in lines


def test_attack_in_2_of_3_cycles_meets_1_of_3_does_not(run):
    diary(run)
    attack(run, day(STARTS[0], 1))
    one = verdict(run)
    assert one["status"] == "not_met"
    assert one["windows_with_attack"] == 1
    attack(run, day(STARTS[2], 2))
    two = verdict(run)
    assert two["status"] == "met"
    assert two["windows_with_attack"] == 2


def test_attack_without_duration_or_intake_is_unknown(run):
    diary(run)
    attack(run, day(STARTS[0], 1))
    attack(run, day(STARTS[1], 1), "--no-hours")  # C1, no hours, no intake: unknown
    v = verdict(run)
    assert v["status"] == "undetermined"
    assert v["cycles"][1]["window_status"] == "unknown"
    assert v["cycles"][1]["unknown_days"] == ["2026-03-29"]


def test_attack_without_duration_but_with_an_intake_counts(run):
    diary(run)
    attack(run, day(STARTS[0], 1))
    attack(run, day(STARTS[1], 1), "--no-hours", "--med", "ibuprofen 400 mg")
    assert verdict(run)["status"] == "met"


def test_short_untreated_attack_and_aura_day_are_not_attacks(run):
    diary(run)
    attack(run, day(STARTS[0], 1), "--hours", "3")  # under 4 hours, untreated
    attack(run, day(STARTS[1], 1), "--aura")  # migraine with aura: not A1.1
    attack(run, day(STARTS[2], 1))
    assert verdict(run)["status"] == "not_met"


def test_pure_when_no_attack_outside_the_windows_related_when_one(run):
    diary(run)
    attack(run, day(STARTS[0], 1))
    attack(run, day(STARTS[1], 2))
    attack(run, "2026-05-10")  # after the last window: outside the span
    pure = verdict(run)
    assert (pure["status"], pure["subtype"]) == ("met", "A1.1.1")
    attack(run, "2026-03-15")  # between the first window and the last
    related = verdict(run)
    assert (related["status"], related["subtype"]) == ("met", "A1.1.2")
    assert related["outside_attack_days"] == ["2026-03-15"]
    text = run("status", "--as-of", AS_OF).stdout
    assert "Subtype A1.1.2: menstrually related migraine." in text


def test_gap_of_46_days_between_starts_is_undetermined_45_is_not(run):
    diary(run, (date(2026, 3, 1), date(2026, 4, 16), date(2026, 5, 14)))  # 46 days
    attack(run, "2026-03-01")
    attack(run, "2026-05-14")
    v = verdict(run)
    assert v["status"] == "undetermined" and "46 days" in v["explanation"]
    assert run("period", "delete", "2").exit_code == 0
    assert run("period", "add", "2026-04-15").exit_code == 0  # 45 days, then 29
    assert verdict(run)["status"] == "met"


def test_fewer_than_3_cycles_is_undetermined(run):
    diary(run, STARTS[:2])
    attack(run, day(STARTS[0], 1))
    attack(run, day(STARTS[1], 1))
    v = verdict(run)
    assert v["status"] == "undetermined" and "3 consecutive cycles are needed" in v["reason"]


def test_window_not_ended_by_the_as_of_date_is_not_a_cycle_yet(run):
    diary(run)
    v = verdict(run, "2026-04-27")  # the third window ends 2026-04-28
    assert [c["start"] for c in v["cycles"]] == ["2026-03-01", "2026-03-29"]
    assert v["status"] == "undetermined"


def test_untracked_window_days_that_could_change_the_count_are_undetermined(run):
    diary(run)
    attack(run, day(STARTS[0], 1))
    assert run("gap", "add", "2026-04-25..2026-04-27").exit_code == 0
    v = verdict(run)
    assert v["status"] == "undetermined"
    assert v["cycles"][2]["window_status"] == "unknown"
    # once two windows hold an attack, untracked days elsewhere cannot change it
    attack(run, day(STARTS[1], 1))
    assert verdict(run)["status"] == "met"


def test_untracked_days_that_cannot_change_the_count_leave_it_not_met(run):
    diary(run)
    assert run("gap", "add", "2026-04-25..2026-04-27").exit_code == 0
    attack(run, "2026-01-10")  # a diary, but no attack in the two tracked windows
    v = verdict(run)  # one unknown window could make 1 of 3, never 2
    assert v["status"] == "not_met"
    assert v["windows_with_attack"] == 0 and v["windows_unknown"] == 1


def test_report_calendar_marks_window_days(run):
    diary(run)
    attack(run, day(STARTS[0], 1), "--med", "sumatriptan 50 mg")
    result = run("report", "--as-of", AS_OF)
    assert result.exit_code == 0
    assert "○ menstrual window day" in result.stdout
    line = [x for x in result.stdout.splitlines() if x.startswith("2026-03 ")][-1]  # calendar
    assert line.startswith("2026-03 M⊕·○·○")
    data = json.loads(run("report", "--json", "--as-of", AS_OF).stdout)
    cells = {c["date"]: c for m in data["calendar"] for c in m["days"]}
    assert cells["2026-02-27"]["window"] and not cells["2026-02-26"]["window"]
    assert cells["2026-03-03"]["window"] and not cells["2026-03-04"]["window"]


@pytest.mark.parametrize("fmt", ["text", "csv", "html"])
def test_period_dates_are_in_summaries_only_with_include_cycles(run, fmt):
    diary(run)
    attack(run, day(STARTS[0], 1))
    attack(run, day(STARTS[1], 1))
    plain = run("summary", "--format", fmt, "--as-of", AS_OF)
    assert plain.exit_code == 0, plain.output
    # (the HTML calendar names every date in its cells' titles, so look for what marks
    # a period: the cycle lines and the window marks)
    for s in STARTS:
        if fmt != "html":
            assert s.isoformat() not in plain.stdout
        assert f"period starting {s}" not in plain.stdout
        assert f"cycles,1/start,{s}" not in plain.stdout
    assert "menstrual window" not in plain.stdout and " w'" not in plain.stdout
    assert "Menstrual migraine" in plain.stdout or "menstrual_migraine" in plain.stdout
    cycles = run("summary", "--format", fmt, "--as-of", AS_OF, "--include-cycles")
    assert cycles.exit_code == 0
    for s in STARTS:
        assert s.isoformat() in cycles.stdout
    assert f"{STARTS[0]}: window" in cycles.stdout or f"1/start,{STARTS[0]}" in cycles.stdout


def test_period_dates_are_in_no_other_export(run):
    diary(run)
    attack(run, "2026-03-10")
    for kind in ("days", "intakes", "trials", "gaps", "scores", "monthly"):
        out = run("export", kind).stdout
        for s in STARTS:
            assert s.isoformat() not in out, kind
    exported = run("export", "periods").stdout.replace("\r\n", "\n")
    assert exported == "date,note\n2026-03-01,\n2026-03-29,\n2026-04-26,\n"


def test_period_add_refuses_ranges_future_dates_and_duplicates(run):
    r = run("period", "add", "2026-03-01..2026-03-05")
    assert r.exit_code == 1 and "not a range" in r.stderr
    r = run("period", "add", (date.today() + timedelta(days=1)).isoformat())
    assert r.exit_code == 1 and "future" in r.stderr
    assert run("period", "add", "2026-03-01").exit_code == 0
    r = run("period", "add", "2026-03-01")
    assert r.exit_code == 1 and "already recorded" in r.stderr
    assert "withdrawal bleeding" in run("period", "add", "--help").stdout.lower()


def test_period_list_delete_and_undo(run):
    diary(run)
    listed = json.loads(run("period", "list", "--json").stdout)
    assert [(p["date"], p["days_since_previous"]) for p in listed] == [
        ("2026-03-01", None), ("2026-03-29", 28), ("2026-04-26", 28),
    ]  # fmt: skip
    assert run("period", "delete", "2").exit_code == 0
    assert len(json.loads(run("period", "list", "--json").stdout)) == 2
    r = run("undo", "--yes")
    assert r.exit_code == 0, r.output
    assert len(json.loads(run("period", "list", "--json").stdout)) == 3
    r = run("period", "delete", "99")
    assert (r.exit_code, r.stderr) == (
        1, "Error: There is no period #99; 'migrainecli period list' shows them.\n"
    )  # fmt: skip
    assert len(json.loads(run("period", "list", "--json").stdout)) == 3


def test_periods_import_round_trip_and_all_or_nothing(run, tmp_path):
    diary(run)
    exported = run("export", "periods").stdout
    other = tmp_path / "other.db"
    f = tmp_path / "p.csv"
    f.write_text(exported)
    r = run("--db", str(other), "import", "periods", str(f))
    assert r.exit_code == 0, r.output
    assert run("--db", str(other), "export", "periods").stdout == exported
    bad = tmp_path / "bad.csv"
    bad.write_text("date,note\n2026-05-24,\n2099-01-01,\n")
    r = run("--db", str(other), "import", "periods", str(bad))
    assert r.exit_code == 1 and "Line 3" in r.stderr
    assert run("--db", str(other), "export", "periods").stdout == exported
