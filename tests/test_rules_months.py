"""Month counts and three-valued logic (docs/criteria.md section 1)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from migrainecli.catalogue import load_catalogue
from migrainecli.models import Day, DiaryData, Gap, Intake
from migrainecli.rules import months as months_mod
from migrainecli.rules.months import (
    MET,
    NOT_MET,
    UNDETERMINED,
    all_of,
    and3,
    any_of,
    monthly_counts,
    not3,
    or3,
    threshold_status,
    window,
)

CAT = load_catalogue()


def counts(data: DiaryData, as_of: date):
    return {m.label: m for m in monthly_counts(data, as_of, CAT)}


def one_day(day: Day, intakes: tuple[Intake, ...] = ()) -> DiaryData:
    return DiaryData(days=(day,), intakes=intakes, start=date(2026, 3, 1))


def first_month(data: DiaryData):
    return counts(data, date(2026, 3, 31))["2026-03"]


D = date(2026, 3, 10)


# -- three-valued verdicts --------------------------------------------------------------
@pytest.mark.parametrize(
    ("n", "u", "t", "expected"),
    [
        (15, 0, 15, MET),
        (15, 10, 15, MET),  # a lower bound already reaches it: untracked days do not matter
        (14, 0, 15, NOT_MET),
        (14, 1, 15, UNDETERMINED),
        (10, 4, 15, NOT_MET),  # n + u < T
        (10, 5, 15, UNDETERMINED),
        (0, 31, 15, UNDETERMINED),  # a month before the diary start
    ],
)
def test_three_valued_threshold_status(n, u, t, expected):
    assert threshold_status(n, u, t) == expected


def test_three_valued_all_months_and_or():
    assert all_of([MET, MET, MET]) == MET
    assert all_of([MET, UNDETERMINED, MET]) == UNDETERMINED
    assert all_of([UNDETERMINED, NOT_MET]) == NOT_MET
    assert any_of([NOT_MET, UNDETERMINED]) == UNDETERMINED
    assert any_of([NOT_MET, MET]) == MET
    assert any_of([NOT_MET, NOT_MET]) == NOT_MET
    assert and3(MET, UNDETERMINED) == UNDETERMINED
    assert or3(NOT_MET, NOT_MET) == NOT_MET
    assert not3(MET) == NOT_MET and not3(UNDETERMINED) == UNDETERMINED


# -- ICHD-3 1.3 C per day, as counted ---------------------------------------------------
@pytest.mark.parametrize(
    ("severity", "migraine"),
    [("mild", False), ("moderate", True), ("severe", True)],
)
def test_ichd3_1_3_c1_mild_vs_moderate_as_pain_feature(severity, migraine):
    # unilateral + intensity = 2 pain features only when moderate or severe.
    day = Day(D, severity, unilateral=True, nausea=True)
    m = first_month(one_day(day))
    assert m.headache_days == 1
    assert m.migraine_days == int(migraine)
    assert m.c1_days == int(migraine)
    assert m.probable_migraine_days == int(not migraine)  # ICHD-3 1.5


@pytest.mark.parametrize(
    ("photophobia", "phonophobia", "migraine"),
    [(True, False, False), (False, True, False), (True, True, True)],
)
def test_ichd3_1_3_c1_photophobia_needs_phonophobia(photophobia, phonophobia, migraine):
    day = Day(D, "moderate", pulsating=True, photophobia=photophobia, phonophobia=phonophobia)
    assert first_month(one_day(day)).migraine_days == int(migraine)


def test_ichd3_1_3_c2_aura_counts_without_c1_features():
    m = first_month(one_day(Day(D, "mild", aura=True)))
    assert (m.migraine_days, m.c2_days, m.c1_days) == (1, 1, 0)


@pytest.mark.parametrize(
    ("class_id", "relieved", "migraine"),
    [
        ("triptan", True, True),
        ("ergot", True, True),
        ("simple_analgesic", True, False),  # NSAID relief is not C3
        ("combination_analgesic", True, False),  # Treximet: not attributable
        ("triptan", False, False),
        ("triptan", None, False),
    ],
)
def test_ichd3_1_3_c3_triptan_or_ergot_relief(class_id, relieved, migraine):
    day = Day(D, "mild", believed_migraine=True)
    intake = Intake(D, "x", relieved=relieved, class_id=class_id)
    m = first_month(one_day(day, (intake,)))
    assert (m.migraine_days, m.c3_days) == (int(migraine), int(migraine))


def test_ehf_2020_debilitating_day_impairment_or_severe_when_unrecorded():
    days = (
        Day(date(2026, 3, 1), "mild", impairment="serious"),
        Day(date(2026, 3, 2), "moderate", impairment="bedbound"),
        Day(date(2026, 3, 3), "severe"),  # impairment not recorded: severe counts
        Day(date(2026, 3, 4), "severe", impairment="mild"),  # recorded: not debilitating
        Day(date(2026, 3, 5), "none", impairment="serious"),  # not a headache day
    )
    m = first_month(DiaryData(days=days))
    assert m.debilitating_days == 3
    assert m.headache_days == 4


# -- tracked and untracked days ----------------------------------------------------------
def test_severity_none_is_tracked_and_headache_free():
    m = first_month(one_day(Day(D, "none")))
    assert (m.tracked_days, m.untracked_days, m.headache_days) == (31, 0, 0)


def test_days_before_the_diary_start_are_untracked():
    data = DiaryData(days=(Day(date(2026, 3, 11), "mild"),))  # start = earliest logged day
    m = first_month(data)
    assert (m.untracked_days, m.tracked_days, m.headache_days) == (10, 21, 1)


def test_explicit_start_before_the_first_entry():
    data = DiaryData(days=(Day(date(2026, 3, 11), "mild"),), start=date(2026, 2, 20))
    c = counts(data, date(2026, 3, 31))
    assert list(c) == ["2026-02", "2026-03"]
    assert (c["2026-02"].untracked_days, c["2026-02"].tracked_days) == (19, 9)
    assert c["2026-03"].untracked_days == 0


def test_gap_days_are_untracked_and_what_is_logged_there_is_ignored():
    data = DiaryData(
        days=(Day(date(2026, 3, 5), "severe"), Day(date(2026, 3, 20), "severe")),
        intakes=(Intake(date(2026, 3, 5), "sumatriptan", class_id="triptan"),),
        gaps=(
            Gap(date(2026, 3, 3), date(2026, 3, 7)),
            Gap(date(2026, 3, 6), date(2026, 3, 8)),  # overlapping: counted once
        ),
        start=date(2026, 3, 1),
    )
    m = first_month(data)
    assert (m.untracked_days, m.tracked_days) == (6, 25)
    assert (m.headache_days, m.acute_medication_days, m.class_days["triptan"]) == (1, 0, 0)


def test_gap_across_months_splits_by_month():
    data = DiaryData(
        days=(Day(date(2026, 1, 1), "mild"),), gaps=(Gap(date(2026, 1, 25), date(2026, 3, 2)),)
    )
    c = counts(data, date(2026, 3, 31))
    assert [c[k].untracked_days for k in ("2026-01", "2026-02", "2026-03")] == [7, 28, 2]


def test_current_month_counts_only_up_to_as_of():
    data = DiaryData(days=(Day(date(2026, 3, 1), "mild"), Day(date(2026, 4, 5), "mild")))
    c = counts(data, date(2026, 4, 10))
    april = c["2026-04"]
    assert (april.complete, april.elapsed_days, april.tracked_days) == (False, 10, 10)
    assert april.untracked_days == 0 and april.days_in_month == 30
    assert c["2026-03"].complete is True
    # a day after the as-of date is not counted
    assert counts(data, date(2026, 4, 4))["2026-04"].headache_days == 0


def test_no_days_and_no_start_gives_no_months():
    assert monthly_counts(DiaryData(days=()), date(2026, 3, 1), CAT) == []
    only_start = DiaryData(days=(), start=date(2026, 2, 1))
    assert [m.label for m in monthly_counts(only_start, date(2026, 3, 1), CAT)] == [
        "2026-02",
        "2026-03",
    ]


# -- medication days (ICHD-3 8.2: days of intake, not doses) ------------------------------
def test_ichd3_8_2_days_of_intake_not_doses_and_subtype_columns():
    d1, d2 = date(2026, 3, 1), date(2026, 3, 2)
    intakes = (
        Intake(d1, "sumatriptan", class_id="triptan"),
        Intake(d1, "sumatriptan", class_id="triptan"),  # 2 doses, 1 day
        Intake(d1, "ibuprofen", class_id="simple_analgesic"),
        Intake(d2, "Excedrin", class_id="combination_analgesic"),
        Intake(d2, "ubrogepant", class_id="gepant_acute"),
        Intake(d2, "lasmiditan", class_id="ditan"),
        Intake(d2, "metoclopramide", class_id="antiemetic"),
        Intake(date(2026, 3, 3), "unknown pill", class_id=None),
    )
    days = tuple(Day(d, "mild") for d in (d1, d2, date(2026, 3, 3)))
    m = first_month(DiaryData(days=days, intakes=intakes))
    assert m.acute_medication_days == 3  # any acute intake, unknown class included
    assert m.class_days["triptan"] == 1 and m.class_days["antiemetic"] == 1
    assert set(m.class_days) == {c.id for c in CAT.classes.values() if c.kind == "acute"}
    assert m.moh_days == {
        "8.2.1": 0,
        "8.2.2": 1,
        "8.2.3": 1,
        "8.2.4": 0,
        "8.2.5": 1,  # the combination product only here, not under its ingredients
        "8.2.6": 2,  # days with any of the 8.2.1-8.2.5 classes
        "8.2.8": 1,  # gepant and ditan on the same day: one day
    }


def test_window_before_the_diary_start_is_entirely_untracked():
    data = DiaryData(days=(Day(date(2026, 3, 1), "mild"),))
    ms = monthly_counts(data, date(2026, 4, 1), CAT)
    win = window(ms, date(2026, 4, 1), 3)
    assert [m.label for m in win] == ["2026-01", "2026-02", "2026-03"]
    assert [m.untracked_days for m in win] == [31, 28, 0]
    assert [m.tracked_days for m in win] == [0, 0, 31]


def test_window_includes_the_as_of_month_when_as_of_is_its_last_day():
    data = DiaryData(days=(Day(date(2026, 1, 1), "mild"),))
    ms = monthly_counts(data, date(2026, 3, 31), CAT)
    assert [m.label for m in window(ms, date(2026, 3, 31), 3)] == [
        "2026-01",
        "2026-02",
        "2026-03",
    ]


def test_monthly_counts_one_pass_over_a_20_year_diary(monkeypatch):
    calls = []
    real = months_mod.classify_day

    def counting(day, intakes=(), catalogue=None):
        calls.append(day.date)
        return real(day, intakes, catalogue)

    monkeypatch.setattr(months_mod, "classify_day", counting)
    start = date(2006, 1, 1)
    days = tuple(Day(start + timedelta(i), "moderate" if i % 3 else "none") for i in range(7305))
    intakes = tuple(Intake(d.date, "ibuprofen", class_id="simple_analgesic") for d in days[::2])
    data = DiaryData(days=days, intakes=intakes, gaps=(Gap(date(2010, 1, 1), date(2011, 6, 1)),))
    result = monthly_counts(data, date(2025, 12, 31), CAT)
    assert len(result) == 240
    gap = data.gaps[0]
    expected = [d.date for d in days if d.severity != "none" and not gap.start <= d.date <= gap.end]
    assert sorted(calls) == expected  # every tracked headache day classified exactly once
    assert sum(m.untracked_days for m in result) == 517
