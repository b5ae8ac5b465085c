"""The criteria verdicts, one rule boundary per test (docs/criteria.md sections 2-5)."""

from __future__ import annotations

import calendar
import json
from datetime import date, timedelta

import pytest

from migrainecli.catalogue import load_catalogue
from migrainecli.models import Day, DiaryData, Gap, Intake, Trial
from migrainecli.rules.criteria import (
    chronic_migraine,
    evaluate_all,
    medication_overuse,
    refractory_migraine,
    resistant_migraine,
    triptan_condition,
)
from migrainecli.rules.months import MET, NOT_MET, UNDETERMINED, monthly_counts

CAT = load_catalogue()
EHF_CLASSES = (
    "beta_blocker",
    "anticonvulsant",
    "antidepressant",
    "calcium_channel_blocker",
    "angiotensin_blocker",
    "onabotulinumtoxinA",
    "cgrp_mab",
)


# -- tiny literal diaries -----------------------------------------------------------------
def month_with(
    month: str,
    headache: int = 0,
    migraine: int = 0,
    debilitating: int = 0,
    untracked: int = 0,
    **medication_days: int,
) -> DiaryData:
    """One calendar month ("YYYY-MM"): ``migraine`` of the ``headache`` days are migraine
    days (C1), the first ``debilitating`` headache days have serious impairment, the last
    ``untracked`` days of the month are a gap, and each ``class_id=n`` is taken on days
    1..n (one intake a day)."""
    y, m = map(int, month.split("-"))
    n_days = calendar.monthrange(y, m)[1]
    assert migraine <= headache and debilitating <= headache
    assert headache + untracked <= n_days
    days = []
    for i in range(headache):
        d = date(y, m, i + 1)
        impairment = "serious" if i < debilitating else "mild"
        if i < migraine:
            days.append(Day(d, "moderate", unilateral=True, nausea=True, impairment=impairment))
        else:
            days.append(Day(d, "mild", impairment=impairment))
    if not days:
        days.append(Day(date(y, m, 1), "none"))
    logged = {d.date for d in days}
    intakes = []
    for class_id, n in medication_days.items():
        assert n + untracked <= n_days
        for i in range(n):
            d = date(y, m, i + 1)
            if d not in logged:
                days.append(Day(d, "none"))
                logged.add(d)
            intakes.append(Intake(d, class_id, class_id=class_id))
    gaps = ()
    if untracked:
        gaps = (Gap(date(y, m, n_days - untracked + 1), date(y, m, n_days)),)
    return DiaryData(days=tuple(days), intakes=tuple(intakes), gaps=gaps, start=date(y, m, 1))


def diary(*parts: DiaryData, trials: tuple[Trial, ...] = (), start: date | None = None):
    return DiaryData(
        days=tuple(d for p in parts for d in p.days),
        intakes=tuple(i for p in parts for i in p.intakes),
        gaps=tuple(g for p in parts for g in p.gaps),
        trials=trials,
        start=start or min(p.start for p in parts),
    )


def next_month_start(month: str) -> date:
    y, m = map(int, month.split("-"))
    return date(y + m // 12, m % 12 + 1, 1)


def months_of(data: DiaryData, as_of: date):
    return monthly_counts(data, as_of, CAT)


Q1 = ("2026-01", "2026-02", "2026-03")
AS_OF = date(2026, 4, 10)  # April incomplete: the window is 2026-01..03


def three_months(**kw) -> DiaryData:
    return diary(*(month_with(m, **kw) for m in Q1))


def cm(data: DiaryData, as_of: date = AS_OF):
    return chronic_migraine(months_of(data, as_of), as_of)


def moh(data: DiaryData, as_of: date = AS_OF):
    return medication_overuse(months_of(data, as_of), as_of)


def trial(therapy, class_id, start, end=None, outcome="ongoing", kind="preventive", **kw):
    return Trial(therapy, class_id, kind, start, end, outcome=outcome, **kw)


def failed(class_id: str, start=date(2024, 1, 1)) -> Trial:
    return trial(class_id, class_id, start, start + timedelta(days=10), "not_tolerated")


TRIPTANS = (
    trial("sumatriptan", "triptan", date(2024, 1, 1), date(2024, 2, 1), "ineffective", "acute"),
    trial("rizatriptan", "triptan", date(2024, 3, 1), date(2024, 4, 1), "ineffective", "acute"),
)


# -- ICHD-3 1.3 chronic migraine ---------------------------------------------------------
@pytest.mark.parametrize(("headache", "expected"), [(14, NOT_MET), (15, MET)])
def test_ichd3_1_3_headache_days_14_vs_15(headache, expected):
    verdict = cm(three_months(headache=headache, migraine=8))
    assert verdict.status == expected
    assert [m.counts["headache_days"] for m in verdict.months] == [headache] * 3


@pytest.mark.parametrize(("migraine", "expected"), [(7, NOT_MET), (8, MET)])
def test_ichd3_1_3_c_migraine_days_7_vs_8(migraine, expected):
    assert cm(three_months(headache=15, migraine=migraine)).status == expected


def test_ichd3_1_3_one_month_short_is_not_met_and_named():
    data = diary(
        month_with("2026-01", headache=15, migraine=8),
        month_with("2026-02", headache=12, migraine=8),
        month_with("2026-03", headache=15, migraine=8),
    )
    verdict = cm(data)
    assert verdict.status == NOT_MET
    assert [m.status for m in verdict.months] == [MET, NOT_MET, MET]
    assert "2026-02 has 12 headache days, 3 short of the 15 needed" in verdict.explanation


@pytest.mark.parametrize(
    ("headache", "untracked", "expected"),
    [
        (13, 2, UNDETERMINED),  # 2 unknown days could make 15
        (13, 1, NOT_MET),  # even both unknown... 14 < 15
        (15, 10, MET),  # already reaches the threshold: untracked days do not matter
    ],
)
def test_ichd3_1_3_untracked_days_make_a_month_undetermined(headache, untracked, expected):
    data = diary(
        month_with("2026-01", headache=15, migraine=8),
        month_with("2026-02", headache=15, migraine=8),
        month_with("2026-03", headache=headache, migraine=8, untracked=untracked),
    )
    verdict = cm(data)
    assert verdict.status == expected
    if expected == UNDETERMINED:
        assert "2026-03 has 13 headache days and 2 untracked days; 2 more" in verdict.explanation


def test_ichd3_1_3_months_before_the_diary_start_are_untracked():
    data = diary(
        month_with("2026-02", headache=20, migraine=10),
        month_with("2026-03", headache=20, migraine=10),
    )
    verdict = cm(data)
    assert verdict.status == UNDETERMINED
    first = verdict.months[0]
    assert (first.month, first.untracked_days, first.tracked_days) == ("2026-01", 31, 0)
    # ...but a diary month that fails decides it
    short = diary(
        month_with("2026-02", headache=3, migraine=1),
        month_with("2026-03", headache=20, migraine=10),
    )
    assert cm(short).status == NOT_MET


def test_ichd3_1_3_incomplete_current_month_is_not_in_the_window():
    data = diary(*(month_with(m, headache=15, migraine=8) for m in Q1))
    verdict = cm(data, date(2026, 4, 29))
    assert [m.month for m in verdict.months] == list(Q1)
    assert verdict.status == MET


def test_ichd3_1_3_b_and_d_reported():
    verdict = cm(three_months(headache=15, migraine=8))
    out = verdict.to_dict()
    assert out["criterion_b"] == {
        "status": MET, "recorded_migraine_days": 24, "recorded_aura_only_days": 0,
        "recorded_attacks": 24, "required": 5,
    }  # fmt: skip
    assert out["criterion_d"] == "not assessed"
    assert out["source"] == "ICHD-3 1.3"


def test_ichd3_1_3_history_lists_every_run_of_3_or_more_months():
    qualifying = [f"2025-{m:02d}" for m in range(2, 10)]  # 2025-02 .. 2025-09
    parts = [month_with("2025-01", headache=15, migraine=2)]
    parts += [month_with(m, headache=16, migraine=9) for m in qualifying]
    parts += [month_with("2025-10", headache=5, migraine=2)]
    parts += [month_with(m, headache=16, migraine=9) for m in ("2025-11", "2025-12")]
    parts += [month_with(m, headache=16, migraine=9) for m in ("2026-01", "2026-02", "2026-03")]
    verdict = cm(diary(*parts), AS_OF)
    assert [r.to_dict() for r in verdict.history] == [
        {"from": "2025-02", "to": "2025-09", "months": 8},
        {"from": "2025-11", "to": "2026-03", "months": 5},
    ]
    assert verdict.status == MET
    assert "2025-02 to 2025-09" in verdict.explanation


def test_ichd3_1_3_history_ignores_runs_of_2_months():
    parts = [month_with(m, headache=16, migraine=9) for m in ("2026-01", "2026-02")]
    parts.append(month_with("2026-03", headache=2))
    assert cm(diary(*parts)).history == ()


# -- ICHD-3 8.2 medication-overuse headache ---------------------------------------------
@pytest.mark.parametrize(
    ("class_id", "code", "threshold"),
    [
        ("ergot", "8.2.1", 10),
        ("triptan", "8.2.2", 10),
        ("simple_analgesic", "8.2.3", 15),
        ("opioid", "8.2.4", 10),
        ("combination_analgesic", "8.2.5", 10),
        ("gepant_acute", "8.2.8", 10),
        ("ditan", "8.2.8", 10),
    ],
)
@pytest.mark.parametrize("below", [True, False])
def test_ichd3_8_2_subtype_thresholds_in_days(class_id, code, threshold, below):
    n = threshold - 1 if below else threshold
    verdict = moh(three_months(headache=15, **{class_id: n}))
    if below:
        assert verdict.status == NOT_MET
        assert verdict.subtypes == ()
    else:
        assert verdict.status == MET
        assert verdict.subtypes == (code,)
        assert f"{code}" in verdict.explanation


def test_ichd3_8_2_3_simple_analgesics_14_vs_15_as_one_class():
    # paracetamol and ibuprofen on different days count together as one class
    def month(m, n):
        y, mo = map(int, m.split("-"))
        base = month_with(m, headache=15)
        intakes = tuple(
            Intake(
                date(y, mo, i + 1),
                "paracetamol" if i % 2 else "ibuprofen",
                class_id="simple_analgesic",
            )
            for i in range(n)
        )
        return DiaryData(base.days, intakes, base.gaps, start=base.start)

    assert moh(diary(*(month(m, 14) for m in Q1))).status == NOT_MET
    verdict = moh(diary(*(month(m, 15) for m in Q1)))
    assert (verdict.status, verdict.subtypes) == (MET, ("8.2.3",))


@pytest.mark.parametrize(("headache", "expected"), [(14, NOT_MET), (15, MET)])
def test_ichd3_8_2_a_needs_15_headache_days(headache, expected):
    assert moh(three_months(headache=headache, triptan=12)).status == expected


def test_ichd3_8_2_5_combination_counts_only_under_8_2_5():
    verdict = moh(three_months(headache=15, combination_analgesic=10))
    assert verdict.subtypes == ("8.2.5",)
    assert verdict.months[0].counts["medication_days"]["8.2.2"] == 0
    assert verdict.months[0].counts["medication_days"]["8.2.3"] == 0


def _split_month(month: str, triptan_days: range, analgesic_days: range) -> DiaryData:
    y, mo = map(int, month.split("-"))
    base = month_with(month, headache=20)
    intakes = tuple(
        Intake(date(y, mo, d), "sumatriptan", class_id="triptan") for d in triptan_days
    ) + tuple(
        Intake(date(y, mo, d), "ibuprofen", class_id="simple_analgesic") for d in analgesic_days
    )
    return DiaryData(base.days, intakes, base.gaps, start=base.start)


def test_ichd3_8_2_6_several_classes_none_overused_alone():
    # triptan on 5 days + NSAID on 5 other days: 10 days together, none alone
    data = diary(*(_split_month(m, range(1, 6), range(6, 11)) for m in Q1))
    verdict = moh(data)
    assert (verdict.status, verdict.subtypes) == (MET, ("8.2.6",))
    # 9 days together: not met
    data = diary(*(_split_month(m, range(1, 5), range(6, 11)) for m in Q1))
    assert moh(data).status == NOT_MET


def test_ichd3_8_2_6_only_when_no_single_class_is_overused():
    data = diary(*(_split_month(m, range(1, 11), range(11, 14)) for m in Q1))
    verdict = moh(data)
    assert verdict.subtypes == ("8.2.2",)  # triptan alone on 10 days: not 8.2.6


def test_ichd3_8_2_6_needs_two_classes_not_one_class_below_its_threshold():
    # simple analgesics alone on 12 days: below 8.2.3's 15 and not "several classes"
    verdict = moh(three_months(headache=20, simple_analgesic=12))
    assert verdict.status == NOT_MET


def test_ichd3_8_2_6_undetermined_when_a_single_class_could_still_be_overused():
    parts = [_split_month(m, range(1, 6), range(6, 11)) for m in Q1[:2]]
    y, mo = 2026, 3
    base = month_with("2026-03", headache=20, untracked=6)
    intakes = tuple(
        Intake(date(y, mo, d), "sumatriptan", class_id="triptan") for d in range(1, 9)
    ) + tuple(
        Intake(date(y, mo, d), "ibuprofen", class_id="simple_analgesic") for d in range(9, 12)
    )
    parts.append(DiaryData(base.days, intakes, base.gaps, start=base.start))
    verdict = moh(diary(*parts))
    march = verdict.months[-1]
    # triptan 8 + 6 unknown days could reach 10 (then 8.2.2, not 8.2.6)
    assert march.checks["8.2.2"] == UNDETERMINED
    assert march.checks["8.2.6"] == UNDETERMINED
    assert march.status == MET  # overuse either way: 8.2.2 or 8.2.6
    assert verdict.status == MET
    assert verdict.subtypes == ()


def test_ichd3_8_2_8_gepant_and_ditan_days_together():
    def month(m):
        y, mo = map(int, m.split("-"))
        base = month_with(m, headache=15)
        intakes = tuple(
            Intake(date(y, mo, d), "ubrogepant", class_id="gepant_acute") for d in range(1, 6)
        ) + tuple(Intake(date(y, mo, d), "lasmiditan", class_id="ditan") for d in range(6, 11))
        return DiaryData(base.days, intakes, base.gaps, start=base.start)

    verdict = moh(diary(*(month(m) for m in Q1)))
    assert (verdict.status, verdict.subtypes) == (MET, ("8.2.8",))


def test_ichd3_8_2_antiemetics_never_count():
    assert moh(three_months(headache=20, antiemetic=25)).status == NOT_MET


def test_ichd3_8_2_undetermined_names_the_missing_days():
    data = diary(
        month_with("2026-01", headache=15, triptan=10),
        month_with("2026-02", headache=15, triptan=10),
        month_with("2026-03", headache=15, triptan=8, untracked=3),
    )
    verdict = moh(data)
    assert verdict.status == UNDETERMINED
    assert "2026-03 has 8 days of triptans and 3 untracked days; 2 more" in verdict.explanation


@pytest.mark.parametrize(("triptan_days", "warned"), [(7, False), (8, True), (11, True)])
def test_ichd3_8_2_warning_for_the_current_month(triptan_days, warned):
    data = diary(*(month_with(m) for m in Q1), month_with("2026-04", triptan=triptan_days))
    verdict = moh(data, date(2026, 4, 20))
    assert (verdict.warning is not None) == warned
    if warned:
        assert "2026-04" in verdict.warning and "8.2.2" in verdict.warning


def test_ichd3_8_2_no_warning_when_the_as_of_month_is_complete():
    data = diary(*(month_with(m) for m in Q1), month_with("2026-04", triptan=9))
    assert moh(data, date(2026, 4, 30)).warning is None


# -- EHF 2020 resistant and refractory ---------------------------------------------------
def ehf_months(n: int, debilitating: int = 8, last: str = "2026-03") -> list[DiaryData]:
    y, m = map(int, last.split("-"))
    labels = []
    for _ in range(n):
        labels.append(f"{y:04d}-{m:02d}")
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    return [
        month_with(lab, headache=debilitating, debilitating=debilitating)
        for lab in reversed(labels)
    ]


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (("sumatriptan",), NOT_MET),
        (("sumatriptan", "rizatriptan"), MET),
        (("sumatriptan", "Sumatriptan "), NOT_MET),  # the same triptan twice
        (("sumatriptan", "Imitrex"), NOT_MET),  # brand and generic: one triptan
    ],
)
def test_ehf_2020_triptan_condition_two_distinct_triptans(names, expected):
    trials = tuple(
        trial(n, "triptan", date(2024, 1, 1 + i), date(2024, 2, 1), "ineffective", "acute")
        for i, n in enumerate(names)
    )
    assert triptan_condition(trials, AS_OF, CAT).status == expected


def test_ehf_2020_triptan_condition_contraindicated_class():
    trials = (
        trial(
            "sumatriptan", "triptan", date(2024, 1, 1), date(2024, 1, 1), "contraindicated", "acute"
        ),
    )
    condition = triptan_condition(trials, AS_OF, CAT)
    assert (condition.status, condition.contraindicated) == (MET, True)


def test_ehf_2020_triptan_condition_effective_triptans_do_not_count():
    trials = (
        trial("sumatriptan", "triptan", date(2024, 1, 1), date(2024, 2, 1), "effective", "acute"),
        trial("rizatriptan", "triptan", date(2024, 1, 1), date(2024, 2, 1), "partial", "acute"),
        trial(
            "Treximet",
            "combination_analgesic",
            date(2024, 1, 1),
            date(2024, 2, 1),
            "ineffective",
            "acute",
        ),
    )
    assert triptan_condition(trials, AS_OF, CAT).status == NOT_MET


@pytest.mark.parametrize(("n_failed", "expected"), [(2, NOT_MET), (3, MET)])
def test_ehf_2020_resistant_3_failed_classes(n_failed, expected):
    data = diary(*ehf_months(3))
    trials = tuple(failed(c) for c in EHF_CLASSES[:n_failed]) + TRIPTANS
    verdict = resistant_migraine(months_of(data, AS_OF), trials, AS_OF, CAT)
    assert verdict.status == expected
    assert verdict.failed_classes == EHF_CLASSES[:n_failed]
    if expected == NOT_MET:
        assert "one more failed preventive class" in verdict.explanation


def test_ehf_2020_resistant_needs_the_triptan_condition():
    data = diary(*ehf_months(3))
    trials = tuple(failed(c) for c in EHF_CLASSES[:3]) + TRIPTANS[:1]
    verdict = resistant_migraine(months_of(data, AS_OF), trials, AS_OF, CAT)
    assert verdict.status == NOT_MET
    assert "one more failed triptan" in verdict.explanation


def test_ehf_2020_cgrp_mab_and_preventive_gepant_are_one_class():
    data = diary(*ehf_months(3))
    trials = (failed("beta_blocker"), failed("cgrp_mab"), failed("gepant_preventive")) + TRIPTANS
    verdict = resistant_migraine(months_of(data, AS_OF), trials, AS_OF, CAT)
    assert verdict.failed_groups == ("beta_blocker", "cgrp_pathway")
    assert verdict.failed_classes == ("beta_blocker", "cgrp_mab", "gepant_preventive")
    assert verdict.status == NOT_MET


@pytest.mark.parametrize(("debilitating", "expected"), [(7, NOT_MET), (8, MET)])
def test_ehf_2020_resistant_8_debilitating_days(debilitating, expected):
    data = diary(*ehf_months(3, debilitating))
    trials = tuple(failed(c) for c in EHF_CLASSES[:3]) + TRIPTANS
    assert resistant_migraine(months_of(data, AS_OF), trials, AS_OF, CAT).status == expected


def test_ehf_2020_adequacy_decides_class_failure():
    data = diary(*ehf_months(3))
    short = trial(
        "topiramate", "anticonvulsant", date(2025, 1, 1), date(2025, 2, 24), "ineffective"
    )  # 55 days: inadequate
    trials = (failed("beta_blocker"), failed("antidepressant"), short) + TRIPTANS
    verdict = resistant_migraine(months_of(data, AS_OF), trials, AS_OF, CAT)
    assert verdict.status == NOT_MET
    assert "topiramate (anticonvulsant): ineffective after 55 days" in verdict.explanation
    adequate = trial(
        "topiramate", "anticonvulsant", date(2025, 1, 1), date(2025, 2, 25), "ineffective"
    )  # 56 days
    trials = (failed("beta_blocker"), failed("antidepressant"), adequate) + TRIPTANS
    assert resistant_migraine(months_of(data, AS_OF), trials, AS_OF, CAT).status == MET


def test_ehf_2020_refractory_needs_every_class():
    data = diary(*ehf_months(6))
    trials = tuple(failed(c) for c in EHF_CLASSES[:-1]) + TRIPTANS
    verdict = refractory_migraine(months_of(data, AS_OF), trials, AS_OF, CAT)
    assert verdict.status == NOT_MET
    assert [r.class_id for r in verdict.short_of_failure] == ["cgrp_mab", "gepant_preventive"]
    trials += (failed("gepant_preventive"),)  # the CGRP pathway class fails via a gepant
    verdict = refractory_migraine(months_of(data, AS_OF), trials, AS_OF, CAT)
    assert verdict.status == MET
    # an episodic diary: onabotulinumtoxinA is not required (EHF 2020 section 4 fix)
    assert (verdict.groups_required, verdict.groups_total) == (6, 7)


def test_ehf_2020_refractory_5_vs_6_months():
    trials = tuple(failed(c) for c in EHF_CLASSES) + TRIPTANS
    six = diary(*ehf_months(6))
    assert refractory_migraine(months_of(six, AS_OF), trials, AS_OF, CAT).status == MET
    # only 5 diary months: the 6th is before the diary start, so undetermined
    five = diary(*ehf_months(5))
    verdict = refractory_migraine(months_of(five, AS_OF), trials, AS_OF, CAT)
    assert verdict.status == UNDETERMINED
    assert verdict.months[0].month == "2025-10" and verdict.months[0].tracked_days == 0
    # 6 months but the oldest with 7 debilitating days and no untracked day: not met
    mixed = diary(*ehf_months(1, 7, "2025-10"), *ehf_months(5))
    assert refractory_migraine(months_of(mixed, AS_OF), trials, AS_OF, CAT).status == NOT_MET
    # resistant only looks at the last 3 of them
    assert resistant_migraine(months_of(mixed, AS_OF), trials, AS_OF, CAT).status == MET


# -- AHS 2021 payer step therapy: tests/test_step_therapy.py ---------------------------


# -- the whole report (docs/interface.md status --json) -------------------------------------
def test_status_json_shape():
    data = diary(
        *(month_with(m, headache=15, migraine=8, triptan=10) for m in Q1),
        trials=(failed("beta_blocker"),) + TRIPTANS,
    )
    report = evaluate_all(data, AS_OF, CAT)
    out = json.loads(json.dumps(report.to_dict()))
    assert out["as_of"] == "2026-04-10"
    assert out["diary"] == {"start": "2026-01-01", "tracked_days": 100, "untracked_days": 0}
    assert list(out["criteria"]) == [
        "chronic_migraine",
        "medication_overuse",
        "resistant_migraine",
        "refractory_migraine",
        "probable_refractory_migraine",
        "cgrp_step_therapy",
        "menstrual_migraine",
    ]
    sources = {k: v["source"] for k, v in out["criteria"].items()}
    assert sources == {
        "chronic_migraine": "ICHD-3 1.3",
        "medication_overuse": "ICHD-3 8.2",
        "resistant_migraine": "EHF 2020",
        "refractory_migraine": "EHF 2020",
        "probable_refractory_migraine": "2025 consensus",
        "cgrp_step_therapy": "AHS 2021",
        "menstrual_migraine": "ICHD-3 A1.1",
    }
    for key, verdict in out["criteria"].items():
        assert verdict["status"] in (MET, NOT_MET, UNDETERMINED)
        # menstrual migraine's evidence is its cycles, not months
        evidence = "cycles" if key == "menstrual_migraine" else "months"
        assert verdict["explanation"] and evidence in verdict
        assert key == "menstrual_migraine" or verdict["months"]
    c = out["criteria"]
    assert c["chronic_migraine"]["status"] == MET
    assert c["medication_overuse"]["subtypes"] == ["8.2.2"]
    assert c["resistant_migraine"]["failed_classes"] == ["beta_blocker"]
    assert c["resistant_migraine"]["triptan_condition"]["status"] == MET
    assert c["cgrp_step_therapy"]["evidence"][0]["agent"] == "beta_blocker"
    assert c["chronic_migraine"]["months"][0] == {
        "month": "2026-01",
        "complete": True,
        "tracked_days": 31,
        "untracked_days": 0,
        "headache_days": 15,
        "migraine_days": 8,
        "thresholds": {"headache_days": 15, "migraine_days": 8},
        "checks": {"headache_days": MET, "migraine_days": MET},
        "status": MET,
    }


def test_status_empty_diary_is_undetermined_not_an_error():
    report = evaluate_all(DiaryData(days=()), AS_OF, CAT)
    out = report.to_dict()
    assert out["diary"] == {"start": None, "tracked_days": 0, "untracked_days": 0}
    assert out["criteria"]["chronic_migraine"]["status"] == UNDETERMINED
    assert out["criteria"]["medication_overuse"]["status"] == UNDETERMINED


# -- issue 14: C3 with combination products, 8.2.3 subforms, aura without headache --------
from migrainecli.rules.day import classify_day  # noqa: E402


def _believed(d: date) -> Day:
    """A mild headache day believed to be migraine, with no C1 feature and no aura."""
    return Day(d, "mild", believed_migraine=True)


@pytest.mark.parametrize(
    ("medication", "class_id", "migraine"),
    [
        ("Cafergot", "combination_analgesic", True),  # ergotamine+caffeine: an ergot in it
        ("Treximet", "combination_analgesic", True),  # sumatriptan+naproxen: a triptan in it
        ("ergotamine and caffeine", "combination_analgesic", True),
        ("sumatriptan", "triptan", True),
        ("Excedrin", "combination_analgesic", False),  # no triptan or ergot
        ("ibuprofen", "simple_analgesic", False),
    ],
)
def test_ichd3_1_3_c3_relief_by_a_product_containing_a_triptan_or_ergot(
    medication, class_id, migraine
):
    day = _believed(date(2026, 1, 5))
    v = classify_day(day, [Intake(day.date, medication, relieved=True, class_id=class_id)], CAT)
    assert v.migraine is migraine
    assert v.paths == (("C3",) if migraine else ())
    assert v.c3_combination is (migraine and class_id == "combination_analgesic")


def test_ichd3_1_3_c3_combination_needs_relief_and_a_believed_migraine():
    d = date(2026, 1, 5)
    cafergot = Intake(d, "Cafergot", class_id="combination_analgesic")
    assert not classify_day(_believed(d), [cafergot], CAT).migraine  # relief not recorded
    relieved = Intake(d, "Cafergot", relieved=True, class_id="combination_analgesic")
    assert not classify_day(Day(d, "mild"), [relieved], CAT).migraine  # not believed
    # an unknown name recorded under the combination class contains nothing known
    own = Intake(d, "my mix", relieved=True, class_id="combination_analgesic")
    assert not classify_day(_believed(d), [own], CAT).migraine


def _cafergot_months(medication: str) -> DiaryData:
    """Q1: 15 believed-migraine mild headache days a month, relieved by ``medication`` on
    the first 10 (a combination product)."""
    parts = []
    for m in Q1:
        y, mo = map(int, m.split("-"))
        days = tuple(_believed(date(y, mo, i + 1)) for i in range(15))
        intakes = tuple(
            Intake(date(y, mo, i + 1), medication, relieved=True, class_id="combination_analgesic")
            for i in range(10)
        )
        parts.append(DiaryData(days, intakes, start=date(y, mo, 1)))
    return diary(*parts)


@pytest.mark.parametrize("medication", ["Cafergot", "Treximet"])
def test_ichd3_1_3_c3_combination_days_are_migraine_days_but_overuse_stays_8_2_5(medication):
    data = _cafergot_months(medication)
    months = {m.label: m for m in months_of(data, AS_OF)}
    jan = months["2026-01"]
    assert (jan.headache_days, jan.migraine_days, jan.c3_days) == (15, 10, 10)
    # ICHD-3 8.2: the product counts under 8.2.5 only, never under 8.2.1 or 8.2.2
    assert jan.moh_days["8.2.5"] == 10
    assert jan.moh_days["8.2.1"] == jan.moh_days["8.2.2"] == 0
    assert jan.class_days["ergot"] == jan.class_days["triptan"] == 0
    assert cm(data).status == MET  # 15 headache days, 10 migraine days (C3) each month
    verdict = moh(data)
    assert (verdict.status, verdict.subtypes) == (MET, ("8.2.5",))


def _analgesic_months(per_day) -> DiaryData:
    """Q1 with 20 mild headache days a month; ``per_day(i)`` gives the simple analgesics
    taken on day i+1 (names)."""
    parts = []
    for m in Q1:
        y, mo = map(int, m.split("-"))
        days = tuple(Day(date(y, mo, i + 1), "mild") for i in range(20))
        intakes = tuple(
            Intake(date(y, mo, i + 1), name, class_id="simple_analgesic")
            for i in range(20)
            for name in per_day(i)
        )
        parts.append(DiaryData(days, intakes, start=date(y, mo, 1)))
    return diary(*parts)


@pytest.mark.parametrize(
    ("per_day", "subforms"),
    [
        # paracetamol 15 days a month -> 8.2.3.1
        (lambda i: ["Tylenol"] if i < 15 else [], ("8.2.3.1",)),
        # aspirin 15 -> 8.2.3.2 (NSAIDs, aspirin included) and 8.2.3.2.1
        (lambda i: ["aspirin"] if i < 15 else [], ("8.2.3.2", "8.2.3.2.1")),
        # ibuprofen 15 -> 8.2.3.2 only
        (lambda i: ["ibuprofen"] if i < 15 else [], ("8.2.3.2",)),
        # aspirin 8 + ibuprofen 8 -> NSAIDs pooled 16: 8.2.3.2, not 8.2.3.2.1
        (lambda i: ["aspirin"] if i < 8 else ["ibuprofen"] if i < 16 else [], ("8.2.3.2",)),
        # metamizole 15 -> 8.2.3.3
        (lambda i: ["Novalgin"] if i < 15 else [], ("8.2.3.3",)),
        # paracetamol and aspirin on the same 15 days -> every subform of each
        (lambda i: ["paracetamol", "aspirin"] if i < 15 else [],
         ("8.2.3.1", "8.2.3.2", "8.2.3.2.1")),
        # aspirin+paracetamol (one simple-analgesic product) counts for both
        (lambda i: ["aspirin+paracetamol"] if i < 15 else [],
         ("8.2.3.1", "8.2.3.2", "8.2.3.2.1")),
    ],
)  # fmt: skip
def test_ichd3_8_2_3_subforms_each_at_15_days_in_every_month(per_day, subforms):
    verdict = moh(_analgesic_months(per_day))
    assert (verdict.status, verdict.subtypes) == (MET, ("8.2.3",))
    assert verdict.subforms == subforms
    assert verdict.subforms_pooled is False
    out = verdict.to_dict()
    assert out["subtypes"] == ["8.2.3"]  # unchanged beside the new key
    assert out["subforms"] == list(subforms)
    assert set(out["months"][0]["subform_days"]) == {"8.2.3.1", "8.2.3.2", "8.2.3.2.1", "8.2.3.3"}
    details = " ".join(verdict.view().details)
    assert all(code in details for code in subforms)


def test_ichd3_8_2_3_ibuprofen_8_and_paracetamol_8_are_pooled():
    verdict = moh(_analgesic_months(lambda i: ["ibuprofen"] if i < 8 else ["paracetamol"]
                                    if i < 16 else []))  # fmt: skip
    assert (verdict.status, verdict.subtypes, verdict.subforms) == (MET, ("8.2.3",), ())
    assert verdict.subforms_pooled is True
    out = verdict.to_dict()
    assert (out["subforms"], out["subforms_pooled"]) == ([], True)
    assert out["months"][0]["subform_days"] == {
        "8.2.3.1": 8, "8.2.3.2": 8, "8.2.3.2.1": 0, "8.2.3.3": 0,
    }  # fmt: skip
    assert "pooled" in verdict.explanation
    assert any("pooled" in line for line in verdict.view().details)


def test_ichd3_8_2_3_subform_14_days_in_one_month_does_not_apply():
    # paracetamol 15, 15, 14 plus ibuprofen on the other days: 8.2.3 met, 8.2.3.1 not
    def per_month(limit):
        return lambda i: ["paracetamol"] if i < limit else ["ibuprofen"] if i < 16 else []

    parts = []
    for m, limit in zip(Q1, (15, 15, 14), strict=True):
        one = _analgesic_months(per_month(limit))
        parts.append(DiaryData(
            tuple(d for d in one.days if d.date.strftime("%Y-%m") == m),
            tuple(i for i in one.intakes if i.date.strftime("%Y-%m") == m),
            start=date(*map(int, m.split("-")), 1),
        ))  # fmt: skip
    verdict = moh(diary(*parts))
    assert (verdict.subtypes, verdict.subforms, verdict.subforms_pooled) == (("8.2.3",), (), True)


def test_ichd3_8_2_3_no_subforms_when_8_2_3_is_not_met():
    verdict = moh(_analgesic_months(lambda i: ["paracetamol"] if i < 14 else []))
    assert verdict.status == NOT_MET
    assert (verdict.subforms, verdict.subforms_pooled) == ((), False)
    assert verdict.to_dict()["subforms"] == []


def test_ichd3_8_2_3_subform_left_open_by_untracked_days():
    # paracetamol 14 days + ibuprofen 2 days, and 2 untracked days each month
    def month(m):
        y, mo = map(int, m.split("-"))
        days = tuple(Day(date(y, mo, i + 1), "mild") for i in range(20))
        intakes = tuple(
            Intake(date(y, mo, i + 1), "paracetamol" if i < 14 else "ibuprofen",
                   class_id="simple_analgesic")
            for i in range(16)
        )  # fmt: skip
        gap = (Gap(date(y, mo, 27), date(y, mo, 28)),)
        return DiaryData(days, intakes, gap, start=date(y, mo, 1))

    verdict = moh(diary(*(month(m) for m in Q1)))
    assert verdict.subtypes == ("8.2.3",)
    assert verdict.subforms == ()
    assert verdict.subforms_open == ("8.2.3.1",)
    assert verdict.to_dict()["subforms_undetermined"] == ["8.2.3.1"]
    assert "Untracked days decide whether 8.2.3.1" in verdict.explanation


def test_ichd3_1_2_1_2_aura_only_day_is_not_a_headache_day():
    day = Day(date(2026, 1, 3), "none", aura=True)
    v = classify_day(day, (), CAT)
    assert (v.headache, v.migraine, v.aura_only, v.debilitating) == (False, False, True, False)
    assert classify_day(Day(day.date, "none"), (), CAT).aura_only is False


def test_ichd3_1_3_b_counts_aura_only_days_as_attacks():
    # 4 migraine days and 1 aura-only day in the whole diary: 5 attacks for 1.3 B
    days = [Day(date(2026, 1, i + 1), "moderate", unilateral=True, nausea=True) for i in range(4)]
    days.append(Day(date(2026, 1, 10), "none", aura=True))
    data = DiaryData(days=tuple(days), start=date(2026, 1, 1))
    months = {m.label: m for m in months_of(data, AS_OF)}
    jan = months["2026-01"]
    assert (jan.headache_days, jan.migraine_days, jan.aura_only_days) == (4, 4, 1)
    verdict = cm(data)
    assert verdict.criterion_b_status == MET
    b = verdict.to_dict()["criterion_b"]
    assert (b["recorded_migraine_days"], b["recorded_aura_only_days"]) == (4, 1)
    assert b["recorded_attacks"] == 5
    assert "1 aura-only day" in verdict.view().details[0]
    without = DiaryData(days=tuple(days[:4]), start=date(2026, 1, 1))
    assert cm(without).criterion_b_status == NOT_MET
