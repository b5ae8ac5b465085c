"""Boundaries found in review of the rules (docs/criteria.md sections 1, 3, 4, 7)."""

from __future__ import annotations

from datetime import date

from migrainecli.catalogue import load_catalogue
from migrainecli.models import Day, DiaryData, Gap, Intake, Trial
from migrainecli.rules.criteria import evaluate_all, medication_overuse, overuse_warning
from migrainecli.rules.day import classify_day
from migrainecli.rules.months import UNDETERMINED, MonthCounts, monthly_counts
from migrainecli.rules.trials import trial_response

CAT = load_catalogue()


def _overuse_diary(march_nsaid_days: int, gap_day: date | None) -> DiaryData:
    days, intakes = [], []
    for month in (1, 2, 3):
        for d in range(1, 21):
            days.append(Day(date(2025, month, d), "mild"))
        for d in range(1, 6):
            intakes.append(Intake(date(2025, month, d), "sumatriptan", class_id="triptan"))
        nsaid = march_nsaid_days if month == 3 else 5
        for d in range(6, 6 + nsaid):
            intakes.append(Intake(date(2025, month, d), "ibuprofen", class_id="simple_analgesic"))
    gaps = (Gap(gap_day, gap_day),) if gap_day else ()
    return DiaryData(tuple(days), tuple(intakes), gaps, start=date(2025, 1, 1))


def test_ichd3_8_2_6_pool_alone_undetermined_is_explained():
    data = _overuse_diary(4, date(2025, 3, 28))  # March: 9 pooled days + 1 untracked
    months = monthly_counts(data, date(2025, 3, 31), CAT)
    verdict = medication_overuse(months, date(2025, 3, 31))
    assert verdict.status == UNDETERMINED
    assert "2025-03" in verdict.explanation
    assert "(2025-01 to 2025-03): ." not in verdict.explanation
    assert "several acute classes together" in verdict.explanation


def test_ichd3_8_2_not_met_names_the_pool_when_it_is_closest():
    data = _overuse_diary(4, None)
    months = monthly_counts(data, date(2025, 3, 31), CAT)
    verdict = medication_overuse(months, date(2025, 3, 31))
    assert verdict.status == "not_met"
    assert "several acute classes together on 9 days, 10 needed" in verdict.explanation


def test_ichd3_8_2_6_warning_skipped_when_one_class_is_over_alone():
    days = [Day(date(2025, 4, d), "mild") for d in range(1, 12)]
    intakes = [Intake(date(2025, 4, d), "sumatriptan", class_id="triptan") for d in range(1, 11)]
    intakes.append(Intake(date(2025, 4, 11), "ibuprofen", class_id="simple_analgesic"))
    data = DiaryData(tuple(days), tuple(intakes), start=date(2025, 4, 1))
    months = monthly_counts(data, date(2025, 4, 20), CAT)
    warning, _ = overuse_warning(months, date(2025, 4, 20))
    assert warning is not None and "(8.2.2)" in warning
    assert "8.2.6" not in warning


def _month(label: tuple[int, int], migraine_days: int) -> MonthCounts:
    y, m = label
    return MonthCounts(
        year=y, month=m, days_in_month=30, elapsed_days=30, complete=True, tracked_days=30,
        untracked_days=0, headache_days=migraine_days, migraine_days=migraine_days, c1_days=0,
        c2_days=0, c3_days=0, probable_migraine_days=0, debilitating_days=0,
        acute_medication_days=0, class_days={}, moh_days={},
    )  # fmt: skip


def test_trial_response_responder_uses_the_unrounded_reduction():
    # baseline 91 days over 3 months, on treatment 167 days over 11 months: 49.95 %
    baseline = [_month((2024, 1), 30), _month((2024, 2), 30), _month((2024, 3), 31)]
    treated_counts = [16] * 10 + [7]
    labels = [(2024, m) for m in range(6, 13)] + [(2025, m) for m in range(1, 5)]
    treated = [_month(label, n) for label, n in zip(labels, treated_counts, strict=True)]
    trial = Trial("erenumab", "cgrp_mab", "preventive", date(2024, 4, 1), date(2025, 5, 15),
                  outcome="effective")  # fmt: skip
    titration = [_month((2024, 4), 20), _month((2024, 5), 20)]
    r = trial_response(trial, [*baseline, *titration, *treated])
    assert r.treated_months[0] == "2024-06" and len(r.treated_months) == 11
    assert r.reduction_percent == 50.0  # shown rounded
    assert r.responder is False  # but 49.95 % is not a 50 % reduction


def test_ichd3_1_3_c3_explanation_names_the_belief():
    day = Day(date(2025, 1, 1), "mild", believed_migraine=None)
    v = classify_day(day, [Intake(day.date, "sumatriptan", relieved=True, class_id="triptan")])
    assert not v.migraine
    assert "C3 needs a believed migraine relieved by a triptan or ergot" in v.why_not


def test_ehf_2020_cgrp_pathway_is_one_class_in_words():
    trials = (
        Trial("propranolol", "beta_blocker", "preventive", date(2023, 1, 1), date(2023, 6, 1),
              outcome="ineffective"),
        Trial("erenumab", "cgrp_mab", "preventive", date(2023, 7, 1), date(2023, 8, 1),
              outcome="not_tolerated"),
        Trial("atogepant", "gepant_preventive", "preventive", date(2023, 9, 1),
              date(2023, 9, 20), outcome="not_tolerated"),
    )  # fmt: skip
    data = DiaryData((Day(date(2025, 1, 1), "mild"),), trials=trials, start=date(2025, 1, 1))
    r = evaluate_all(data, date(2025, 5, 1), CAT).resistant_migraine
    assert (
        "2 preventive classes failed (3 needed): beta_blocker, CGRP pathway (cgrp_mab, "
        "gepant_preventive)"
    ) in r.explanation
    assert "cgrp_pathway" not in r.explanation
