"""The month counts a diary stores (schema m006, issue 17) say what a recount says.

``Diary.load(rows_from=...)`` reads the stored counts of the months before the last ones
instead of their rows; these tests hold it to the full read: on random diaries written
through the storage (so the triggers and the recount in each write run as in use), every
verdict, report, summary and untried list is the same either way, and what is stored is
what ``storage.month_count_rows`` counts from scratch.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from migrainecli.catalogue import load_catalogue
from migrainecli.models import Day, Gap, Intake, Period, Trial
from migrainecli.reports.data import build_report, build_summary
from migrainecli.rules.criteria import evaluate, rows_from, rows_needed_from
from migrainecli.rules.untried import untried_classes
from migrainecli.storage import Diary, month_count_rows, tally_basis
from tests.test_rules_properties import days_st

CAT = load_catalogue()
FIRST = date(2023, 1, 1)
LAST = date(2026, 6, 30)
SPAN = (LAST - FIRST).days
MEDICATIONS = ["sumatriptan", "Imitrex", "rizatriptan", "ibuprofen", "paracetamol", "aspirin"]
CLASS_OF = {m: CAT.resolve(m).class_id for m in MEDICATIONS}
maybe = st.sampled_from([None, True, False])
dates = st.integers(0, SPAN).map(lambda n: FIRST + timedelta(days=n))


@st.composite
def day_st(draw, d: date) -> Day:
    """A day of tests/test_rules_properties.py's kind, with a duration (section 10)."""
    return replace(draw(days_st(d)), hours=draw(st.sampled_from([None, 1.5, 4.0, 12.0])))


@st.composite
def diary_plan(draw) -> dict:
    logged = sorted(draw(st.sets(dates, min_size=1, max_size=60)))
    days = [draw(day_st(d)) for d in logged]
    intakes = []
    for _ in range(draw(st.integers(0, 30))):
        med = draw(st.sampled_from(MEDICATIONS))
        intakes.append(Intake(draw(st.sampled_from(logged)), med, None, draw(maybe), CLASS_OF[med]))
    gaps = []
    for _ in range(draw(st.integers(0, 2))):
        s = draw(dates)
        gaps.append(Gap(s, s + timedelta(days=draw(st.integers(0, 40)))))
    periods = sorted(draw(st.sets(dates, max_size=6)))
    trials = []
    for therapy, class_id, kind in (
        ("sumatriptan", "triptan", "acute"),
        ("propranolol", CAT.resolve("propranolol").class_id, "preventive"),
        ("topiramate", CAT.resolve("topiramate").class_id, "preventive"),
    ):
        if draw(st.booleans()):
            start = draw(dates)
            end = start + timedelta(days=draw(st.integers(10, 120)))
            outcome = draw(st.sampled_from(["ineffective", "not_tolerated", "effective"]))
            trials.append(Trial(therapy, class_id, kind, start, end, outcome=outcome))
    # later changes, each in its own write: deleted days, changed days, a removed gap
    deleted = draw(st.lists(st.sampled_from(logged), max_size=5, unique=True))
    changed = [draw(day_st(d)) for d in draw(st.lists(st.sampled_from(logged), max_size=5))]
    as_ofs = draw(st.lists(dates, min_size=1, max_size=3))
    return {
        "days": days, "intakes": intakes, "gaps": gaps, "periods": periods, "trials": trials,
        "deleted": deleted, "changed": changed, "drop_gap": draw(st.booleans()), "as_ofs": as_ofs,
        "months": draw(st.integers(1, 15)),
    }  # fmt: skip


def write(diary: Diary, plan: dict) -> None:
    diary.save_days(plan["days"])
    diary.add_intakes(plan["intakes"])
    gap_ids = [diary.add_gap(g) for g in plan["gaps"]]
    for p in plan["periods"]:
        diary.add_period(Period(p))
    for t in plan["trials"]:
        diary.save_trial(t)
    for d in plan["deleted"]:
        diary.delete_day(d)
    for day in plan["changed"]:
        diary.save_day(day)
    if plan["drop_gap"] and gap_ids:
        diary.delete_gap(gap_ids[0])


def dumps(value) -> str:
    return json.dumps(value, default=str, sort_keys=True)


def same_everywhere(diary: Diary, as_of: date, months: int) -> None:
    full = diary.load()
    fast = diary.load(rows_from=rows_from(as_of, months))
    assert full.history is None
    status_full, status_fast = evaluate(full, as_of), evaluate(fast, as_of)
    assert dumps(status_fast.to_dict()) == dumps(status_full.to_dict())
    assert dumps(build_report(fast, status_fast, as_of, CAT, months)) == dumps(
        build_report(full, status_full, as_of, CAT, months)
    )
    if months == 12:  # the summary reads the rows of its 12 months
        assert dumps(build_summary(fast, status_fast, as_of, CAT, {})) == dumps(
            build_summary(full, status_full, as_of, CAT, {})
        )
    untried = untried_classes(fast.trials, fast.intakes, as_of, CAT, fast.history)
    assert dumps(untried) == dumps(untried_classes(full.trials, full.intakes, as_of, CAT))


def stored_is_a_recount(diary: Diary) -> None:
    """What is stored is a recount, but for the month still running (today's)."""
    running = {r[0] for r in diary.conn.execute("SELECT month FROM month_counts_stale")}
    assert running <= {date.today().isoformat()[:7]}
    stored = [r for r in diary.stored_month_counts() if r[0] not in running]
    assert stored == [r for r in month_count_rows(diary, diary.gaps()) if r[0] not in running]


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(plan=diary_plan())
def test_stored_month_counts_give_the_verdicts_of_a_full_recount(tmp_path_factory, plan):
    path = tmp_path_factory.mktemp("d") / "diary.db"
    with Diary.open(path, write=True) as diary:
        write(diary, plan)
        stored_is_a_recount(diary)
        for as_of in plan["as_ofs"]:
            same_everywhere(diary, as_of, plan["months"])
            same_everywhere(diary, as_of, 12)


def _diary(tmp_path, n_days: int = 500, relieved=lambda k: bool(k % 4)) -> Diary:
    diary = Diary.open(tmp_path / "diary.db", write=True)
    start = date(2024, 1, 1)
    days = [
        Day(start + timedelta(days=k), "severe" if k % 3 else "mild", nausea=True, unilateral=True)
        for k in range(0, n_days, 2)
    ]
    diary.save_days(days)
    diary.add_intakes(
        Intake(d.date, "sumatriptan", None, relieved(k), "triptan") for k, d in enumerate(days)
    )
    return diary


def test_a_read_uses_the_stored_counts_of_all_but_the_last_months(tmp_path):
    diary = _diary(tmp_path)
    as_of = date(2025, 5, 20)
    data = diary.load(rows_from=rows_from(as_of))
    assert data.history is not None and data.history.since == date(2025, 5, 1)
    assert min(d.date for d in data.days) >= date(2025, 5, 1)
    assert (2024, 1) in data.history.tallies and (2025, 5) not in data.history.tallies
    same_everywhere(diary, as_of, 12)


def test_triptans_not_relieved_in_stored_months_are_still_pointed_out(tmp_path):
    """EHF 2020 (docs/criteria.md section 4): a triptan not relieved on most intakes over
    the whole diary, counted from the stored months and the recent rows together."""
    diary = _diary(tmp_path, relieved=lambda k: k % 3 == 0)  # 2 in 3 not relieved
    as_of = date(2025, 5, 20)
    fast = diary.load(rows_from=rows_from(as_of))
    assert fast.history is not None and fast.history.triptans["sumatriptan"][1] > 0
    hint = evaluate(fast, as_of).resistant_migraine.triptans.diary
    assert [(t.name, t.intakes) for t in hint] == [("sumatriptan", 250)]
    same_everywhere(diary, as_of, 12)


def test_rows_are_read_from_the_oldest_menstrual_window_the_criterion_reads():
    """ICHD-3 A1.1 reads the days of the windows of the last 3 cycles ended by the date."""
    as_of = date(2026, 6, 15)
    periods = [date(2025, 1, 10), date(2025, 2, 8), date(2025, 3, 1), date(2026, 6, 14)]
    # the window of 2026-06-14 has not ended; the oldest read is 2025-01-10's, from 01-08
    assert rows_needed_from(as_of, periods) == date(2025, 1, 1)
    assert rows_needed_from(as_of, []) == date(2026, 6, 1)
    assert rows_needed_from(as_of, [], 13) == date(2025, 6, 1)


def test_counts_of_another_release_are_not_read_and_the_next_write_recounts(tmp_path):
    diary = _diary(tmp_path)
    with diary.write():
        diary.conn.execute("DELETE FROM month_counts_state")  # _recount sees no basis: all
    assert diary.conn.execute("SELECT basis FROM month_counts_state").fetchone() == (
        tally_basis(diary.gaps()),
    )
    diary.conn.execute("UPDATE month_counts_state SET basis = 'counting 0; migrainecli 0.0.1'")
    diary.conn.execute("UPDATE month_counts SET counts = NULL")  # wrong, and not read
    diary.conn.commit()
    as_of = date(2025, 5, 20)
    assert diary.load(rows_from=rows_from(as_of)).history is None
    same_everywhere(diary, as_of, 12)
    diary.save_day(Day(date(2025, 5, 19), "mild"))  # any write recounts every month
    assert diary.load(rows_from=rows_from(as_of)).history is not None
    stored_is_a_recount(diary)


def test_a_month_written_outside_a_write_transaction_is_read_from_its_rows(tmp_path):
    diary = _diary(tmp_path)
    diary.conn.execute("DELETE FROM days WHERE date LIKE '2024-03-%'")  # marks 2024-03
    diary.conn.commit()
    as_of = date(2025, 5, 20)
    assert diary.load(rows_from=rows_from(as_of)).history is None
    same_everywhere(diary, as_of, 12)
    diary.save_day(Day(date(2025, 5, 19), "mild"))
    stored_is_a_recount(diary)


@pytest.mark.parametrize("change", ["add gap", "log", "delete", "undo"])
def test_each_kind_of_write_leaves_the_stored_counts_a_recount(tmp_path, run, change):
    db = str(tmp_path / "diary.db")
    assert run("--db", db, "log", "2026-01-05", "-s", "severe", "--nausea").exit_code == 0
    assert run("--db", db, "log", "2026-02-05", "-s", "mild", "--med", "Imitrex").exit_code == 0
    args = {
        "add gap": ["gap", "add", "2026-01-01..2026-01-10"],
        "log": ["log", "2026-01-06", "-s", "moderate", "--med", "ibuprofen"],
        "delete": ["delete", "2026-01-05", "--yes"],
        "undo": ["undo", "--yes"],
    }[change]
    r = run("--db", db, *args)
    assert r.exit_code == 0, r.output
    with Diary.open(tmp_path / "diary.db", write=False) as diary:
        stored_is_a_recount(diary)
    r = run("--db", db, "check")
    assert "ok       month counts: The stored counts of " in r.stdout, r.stdout


def test_check_finds_a_stored_count_that_differs_and_recount_mends_it(tmp_path, run):
    diary = _diary(tmp_path)
    diary.close()
    conn = sqlite3.connect(tmp_path / "diary.db")
    conn.execute(
        "UPDATE month_counts SET counts = replace(counts, '[', '[9') WHERE month = '2024-02'"
    )
    conn.commit()
    conn.close()
    db = str(tmp_path / "diary.db")
    r = run("--db", db, "check")
    assert r.exit_code == 1
    assert (
        "  PROBLEM  month counts: The stored counts of 1 month differ from a recount of" in r.stdout
    )
    assert "             2024-02\n" in r.stdout
    assert r.stderr == (
        f"Error: The diary at {db} has a problem: the stored counts of 1 month differ from a "
        "recount of their days; 'migrainecli check --recount' makes them again.\n"
    )
    r = run("--db", db, "check", "--recount")
    assert r.exit_code == 0, r.output
    with Diary.open(tmp_path / "diary.db", write=False) as diary:
        stored_is_a_recount(diary)


def test_a_write_in_the_running_month_leaves_it_to_the_first_write_of_a_later_month(
    tmp_path, time_machine
):
    """Everyday ``log`` pays for no recount: today's month is read from its rows anyway."""
    time_machine.move_to("2026-03-20 12:00")
    diary = _diary(tmp_path, n_days=800)  # 2024-01-01 to 2026-03-10
    stored_is_a_recount(diary)
    diary.save_day(Day(date(2026, 3, 19), "severe", nausea=True, photophobia=True))
    marked = diary.conn.execute("SELECT DISTINCT month FROM month_counts_stale").fetchall()
    assert marked == [("2026-03",)]
    as_of = date(2026, 3, 20)
    assert diary.load(rows_from=rows_from(as_of)).history is not None  # still read
    same_everywhere(diary, as_of, 12)
    time_machine.move_to("2026-04-02 12:00")
    as_of = date(2026, 4, 2)
    assert diary.load(rows_from=rows_from(as_of)).history is None  # March not recounted
    same_everywhere(diary, as_of, 12)
    diary.save_day(Day(date(2026, 4, 1), "mild"))  # the first write of April
    assert diary.conn.execute("SELECT DISTINCT month FROM month_counts_stale").fetchall() == [
        ("2026-04",)
    ]
    assert diary.load(rows_from=rows_from(as_of)).history is not None
    stored_is_a_recount(diary)


def test_days_in_a_month_are_the_calendar_modules():
    import calendar

    from migrainecli.rules.months import days_in

    for year in (*range(1, 2101), 9999):
        assert [days_in(year, m) for m in range(1, 13)] == [
            calendar.monthrange(year, m)[1] for m in range(1, 13)
        ]
