"""Small diaries with known answers for the report tests, and their monthly figures.

The builders write through ``Diary`` (never a mock); ``test_reports`` and
``test_summary`` import them.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from migrainecli.models import Day, Gap, Intake, Trial
from migrainecli.storage import Diary


def migraine(d: date, **extra) -> Day:
    """A migraine day by ICHD-3 1.3 C1 (unilateral, pulsating, severe, nausea); severe
    with impairment not recorded, so also debilitating (EHF 2020)."""
    return Day(d, "severe", unilateral=True, pulsating=True, nausea=True, **extra)


def tension(d: date) -> Day:
    """A mild headache day that is not a migraine day."""
    return Day(d, "mild", pulsating=False, nausea=False, impairment="none")


def days_of(year: int, month: int, n: int, first: int = 1) -> list[date]:
    return [date(year, month, first + k) for k in range(n)]


def write(path: Path, days=(), intakes=(), gaps=(), trials=()) -> None:
    diary = Diary.open(path, write=True)
    try:
        with diary.write():
            diary.save_days(days)
            diary.add_intakes(intakes)
            for g in gaps:
                diary.add_gap(g)
            for t in trials:
                diary.save_trial(t)
    finally:
        diary.close()


def monthly_diary(path: Path) -> None:
    """2026-01 to 2026-03 with known monthly figures.

    2026-01: 10 headache days (1-4 migraine, severe -> debilitating, sumatriptan;
    5-10 mild, ibuprofen on 5 and 6), an explicit headache-free day on the 20th.
    2026-02: a gap 10-14 (5 untracked days), 1-3 migraine bedbound; a migraine logged
    on the 12th, inside the gap, does not count. 2026-03: nothing logged.
    Preventives: propranolol 2026-01-15..2026-02-20, Aimovig from 2026-03-10 (ongoing);
    CBT (behavioural) in February is not a preventive.
    """
    days = [migraine(d) for d in days_of(2026, 1, 4)]
    days += [tension(d) for d in days_of(2026, 1, 6, first=5)]
    days.append(Day(date(2026, 1, 20), "none"))
    days += [migraine(d, impairment="bedbound") for d in days_of(2026, 2, 3)]
    days.append(migraine(date(2026, 2, 12)))
    intakes = [Intake(d, "sumatriptan", "50 mg", True, "triptan") for d in days_of(2026, 1, 4)]
    intakes += [
        Intake(d, "ibuprofen", "400 mg", None, "simple_analgesic") for d in days_of(2026, 1, 2, 5)
    ]
    intakes.append(Intake(date(2026, 2, 12), "sumatriptan", "50 mg", True, "triptan"))
    trials = [
        Trial("propranolol", "beta_blocker", "preventive", date(2026, 1, 15), date(2026, 2, 20),
              "40 mg", "ineffective", "no change"),
        Trial("CBT", "cbt", "behavioural", date(2026, 2, 1), date(2026, 2, 28), None, "partial"),
        Trial("Aimovig", "cgrp_mab", "preventive", date(2026, 3, 10), None, "70 mg monthly"),
    ]  # fmt: skip
    gaps = [Gap(date(2026, 2, 10), date(2026, 2, 14), "away")]
    write(path, days, intakes, gaps, trials)


RESPONSE_AS_OF = date(2026, 3, 31)


def response_diary(path: Path) -> None:
    """Migraine days per month with known trial responses (docs/criteria.md 7).

    2025-01..03: 10 a month (topiramate baseline); 2025-04..05: 8 (titration, not
    counted); 2025-06..09: 4 (on treatment); 2025-10: 4; 2025-11..2026-03: 3.
    topiramate 2025-04-10..2025-10-15: baseline 10, treated 4, -60 % -> responder.
    candesartan from 2025-11-01 (ongoing as of 2026-03-31): baseline 2025-08..10 = 4,
    treated 2026-01..03 = 3, -25 % -> not a responder.
    amitriptyline 2024-06-01..2024-09-01, before the diary: nothing computable.
    """
    per_month = {
        (2025, 1): 10, (2025, 2): 10, (2025, 3): 10, (2025, 4): 8, (2025, 5): 8,
        (2025, 6): 4, (2025, 7): 4, (2025, 8): 4, (2025, 9): 4, (2025, 10): 4,
        (2025, 11): 3, (2025, 12): 3, (2026, 1): 3, (2026, 2): 3, (2026, 3): 3,
    }  # fmt: skip
    days = []
    for (y, m), n in per_month.items():
        days += [migraine(date(y, m, 1) + timedelta(days=2 * k)) for k in range(n)]
    trials = [
        Trial("topiramate", "anticonvulsant", "preventive", date(2025, 4, 10),
              date(2025, 10, 15), "50 mg", "ineffective"),
        Trial("candesartan", "angiotensin_blocker", "preventive", date(2025, 11, 1)),
        Trial("amitriptyline", "antidepressant", "preventive", date(2024, 6, 1),
              date(2024, 9, 1), "25 mg", "not_tolerated", "drowsy"),
        Trial("sumatriptan", "triptan", "acute", date(2025, 2, 1), date(2025, 6, 1),
              "100 mg", "ineffective"),
    ]  # fmt: skip
    write(path, days, trials=trials)


# -- the figures these diaries must give -------------------------------------------------
def _load(path: Path):
    from migrainecli.catalogue import load_catalogue

    diary = Diary.open(path, write=False)
    try:
        return diary.load(), load_catalogue()
    finally:
        diary.close()


def test_monthly_table_known_figures(db_path):
    from migrainecli.reports.data import monthly_table

    monthly_diary(db_path)
    data, catalogue = _load(db_path)
    columns, rows = monthly_table(data, date(2026, 3, 20), catalogue)
    acute = [c.id for c in catalogue.classes.values() if c.kind == "acute"]
    assert columns == (
        "month", "tracked_days", "untracked_days", "headache_days", "migraine_days",
        "debilitating_days", "acute_medication_days", *(f"{c}_days" for c in acute),
        "active_preventives",
    )  # fmt: skip
    got = [dict(zip(columns, r, strict=True)) for r in rows]
    assert [r["month"] for r in got] == ["2026-01", "2026-02", "2026-03"]
    jan, feb, mar = got
    assert (jan["tracked_days"], jan["untracked_days"], jan["headache_days"]) == (31, 0, 10)
    assert (jan["migraine_days"], jan["debilitating_days"]) == (4, 4)
    assert (jan["acute_medication_days"], jan["triptan_days"], jan["simple_analgesic_days"]) == (
        6, 4, 2,
    )  # fmt: skip
    assert jan["active_preventives"] == "propranolol"
    # the migraine and intake logged inside the gap do not count
    assert (feb["tracked_days"], feb["untracked_days"], feb["headache_days"]) == (23, 5, 3)
    assert (feb["migraine_days"], feb["debilitating_days"], feb["acute_medication_days"]) == (
        3, 3, 0,
    )  # fmt: skip
    assert feb["active_preventives"] == "propranolol"  # CBT is not a preventive
    assert (mar["tracked_days"], mar["untracked_days"], mar["headache_days"]) == (20, 0, 0)
    assert mar["active_preventives"] == "Aimovig"


def test_trial_responses_known_answers(db_path):
    from migrainecli.reports.data import build_report
    from migrainecli.rules.criteria import evaluate_all

    response_diary(db_path)
    data, catalogue = _load(db_path)
    status = evaluate_all(data, RESPONSE_AS_OF, catalogue)
    report = build_report(data, status, RESPONSE_AS_OF, catalogue, 12)
    keys = ("therapy", "class", "start", "end", "baseline_migraine_days",
            "treated_migraine_days", "reduction_percent", "responder")  # fmt: skip
    trials = [{k: t[k] for k in keys} for t in report["trials"]]
    assert trials == [
        {"therapy": "amitriptyline", "class": "antidepressant", "start": "2024-06-01",
         "end": "2024-09-01", "baseline_migraine_days": None, "treated_migraine_days": None,
         "reduction_percent": None, "responder": None},
        {"therapy": "topiramate", "class": "anticonvulsant", "start": "2025-04-10",
         "end": "2025-10-15", "baseline_migraine_days": 10.0, "treated_migraine_days": 4.0,
         "reduction_percent": 60.0, "responder": True},
        {"therapy": "candesartan", "class": "angiotensin_blocker", "start": "2025-11-01",
         "end": None, "baseline_migraine_days": 4.0, "treated_migraine_days": 3.0,
         "reduction_percent": 25.0, "responder": False},
    ]  # fmt: skip
    topiramate = report["trials"][1]
    assert topiramate["baseline_months"] == ["2025-01", "2025-02", "2025-03"]
    assert topiramate["treated_months"] == ["2025-06", "2025-07", "2025-08", "2025-09"]
    assert report["trials"][0]["note"]  # says why nothing could be computed


def test_response_windows_do_not_depend_on_the_rest_of_the_diary(db_path):
    """``months_for`` hands trial_response only the months it reads: same answer."""
    from migrainecli.reports.data import months_for
    from migrainecli.rules.months import monthly_counts
    from migrainecli.rules.trials import as_of_view, trial_response

    response_diary(db_path)
    data, catalogue = _load(db_path)
    for as_of in (date(2025, 5, 31), date(2025, 10, 20), RESPONSE_AS_OF):
        months = monthly_counts(data, as_of, catalogue)
        for t in data.trials:
            view = as_of_view(t, as_of)
            if view is not None:
                assert trial_response(view, months_for(view, months)) == trial_response(
                    view, months
                )


def test_calendar_agrees_with_the_month_counts(db_path):
    from migrainecli.reports.data import build_report
    from migrainecli.rules.criteria import evaluate_all

    monthly_diary(db_path)
    data, catalogue = _load(db_path)
    as_of = date(2026, 3, 20)
    report = build_report(data, evaluate_all(data, as_of, catalogue), as_of, catalogue, 12)
    assert [c["month"] for c in report["calendar"]] == ["2026-01", "2026-02", "2026-03"]
    for month, cal in zip(report["months"], report["calendar"], strict=True):
        cells = cal["days"]
        assert len(cells) == month["elapsed_days"]
        assert sum(c["state"] == "untracked" for c in cells) == month["untracked_days"]
        assert sum(c["state"] not in ("none", "untracked") for c in cells) == month["headache_days"]
        assert sum(c["migraine"] for c in cells) == month["migraine_days"]
        assert sum(c["acute_medication"] for c in cells) == month["acute_medication_days"]
    feb = report["calendar"][1]["days"]
    assert feb[11] == {
        "date": "2026-02-12", "state": "untracked", "migraine": False, "acute_medication": False,
    }  # fmt: skip
    assert feb[0] == {
        "date": "2026-02-01", "state": "severe", "migraine": True, "acute_medication": False,
    }  # fmt: skip
