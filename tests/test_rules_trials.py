"""Trials: duration, adequacy, class partition, response (docs/criteria.md 4, 6, 7)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from migrainecli.catalogue import load_catalogue
from migrainecli.models import Day, DiaryData, Trial
from migrainecli.rules.months import monthly_counts
from migrainecli.rules.trials import adequacy, duration_days, partition_classes, trial_response

CAT = load_catalogue()
AS_OF = date(2026, 4, 10)
START = date(2025, 1, 1)


def lasting(
    days: int,
    class_id: str = "beta_blocker",
    outcome: str = "ineffective",
    kind: str = "preventive",
) -> Trial:
    """A trial of ``days`` days on treatment (inclusive count)."""
    return Trial(class_id, class_id, kind, START, START + timedelta(days=days - 1), outcome=outcome)


# -- duration (inclusive: end - start + 1) ----------------------------------------------
def test_duration_is_inclusive():
    assert duration_days(Trial("x", "beta_blocker", "preventive", START, START), AS_OF) == 1
    assert duration_days(lasting(56), AS_OF) == 56
    ongoing = Trial("x", "beta_blocker", "preventive", date(2026, 3, 2))
    assert duration_days(ongoing, AS_OF) == 40  # 2026-03-02 .. 2026-04-10


def test_duration_of_a_trial_ending_after_as_of_counts_to_as_of():
    t = Trial(
        "x", "beta_blocker", "preventive", date(2026, 4, 1), date(2026, 6, 1), outcome="ineffective"
    )
    assert duration_days(t, AS_OF) == 10
    assert adequacy(t, AS_OF, CAT).adequate is None  # still ongoing on the as-of date


# -- adequate trial (section 6) ---------------------------------------------------------
@pytest.mark.parametrize(
    ("class_id", "minimum"),
    [
        ("beta_blocker", 56),  # oral preventives: 8 weeks (AHS 2021)
        ("nutraceutical", 56),
        ("onabotulinumtoxinA", 168),  # 2 injection cycles, 24 weeks
        ("cgrp_mab", 84),  # 12 weeks
        ("gepant_preventive", 84),
    ],
)
def test_section_6_adequate_trial_boundaries(class_id, minimum):
    short = adequacy(lasting(minimum - 1, class_id), AS_OF, CAT)
    assert (short.adequate, short.failed) == (False, False)
    assert short.reason.startswith(f"ineffective after {minimum - 1} days; an adequate trial")
    assert f"at least {minimum} days" in short.reason
    enough = adequacy(lasting(minimum, class_id), AS_OF, CAT)
    assert (enough.adequate, enough.failed) == (True, True)


def test_section_6_inadequate_reason_names_the_minimum_and_source():
    result = adequacy(lasting(30), AS_OF, CAT)
    assert result.reason == (
        "ineffective after 30 days; an adequate trial of an oral preventive lasts at least "
        "56 days (8 weeks, AHS 2021)"
    )


@pytest.mark.parametrize("outcome", ["not_tolerated", "contraindicated"])
def test_ehf_2020_intolerance_and_contraindication_fail_at_any_duration(outcome):
    result = adequacy(lasting(3, outcome=outcome), AS_OF, CAT)
    assert (result.adequate, result.failed) == (True, True)


@pytest.mark.parametrize("outcome", ["effective", "partial", "stopped_other"])
def test_section_4_other_outcomes_are_not_failures(outcome):
    assert adequacy(lasting(100, outcome=outcome), AS_OF, CAT).failed is False


def test_section_6_ongoing_trial_is_too_early_to_say():
    t = Trial("propranolol", "beta_blocker", "preventive", date(2026, 3, 2))
    result = adequacy(t, AS_OF, CAT)
    assert (result.adequate, result.failed) == (None, False)
    assert result.reason == "ongoing, day 40 of 56"


def test_section_6_acute_and_non_drug_trials_have_no_minimum():
    triptan = adequacy(lasting(1, "triptan", kind="acute"), AS_OF, CAT)
    assert (triptan.adequate, triptan.failed) == (True, True)
    block = adequacy(lasting(1, "occipital_nerve_block", kind="procedure"), AS_OF, CAT)
    assert (block.adequate, block.failed) == (True, True)


def test_trial_starting_after_as_of_is_ignored():
    t = Trial(
        "x", "beta_blocker", "preventive", date(2026, 5, 1), date(2026, 8, 1), outcome="ineffective"
    )
    assert adequacy(t, AS_OF, CAT).failed is False
    part = partition_classes([t], AS_OF, CAT)
    assert "beta_blocker" in [c.class_id for c in part.untried]


# -- untried / inadequate / tried ---------------------------------------------------------
def test_partition_every_class_exactly_once():
    trials = [
        lasting(30),  # beta_blocker: inadequate (ineffective, 30 < 56)
        lasting(20, "anticonvulsant", "stopped_other"),  # inadequate
        lasting(20, "anticonvulsant", "ineffective"),  # still inadequate: every trial short
        lasting(10, "antidepressant", "not_tolerated"),  # tried
        Trial("Aimovig", "cgrp_mab", "preventive", date(2026, 3, 1)),  # ongoing: tried
        lasting(30, "calcium_channel_blocker", "effective"),  # tried
        lasting(30, "angiotensin_blocker"),  # inadequate ...
        lasting(60, "angiotensin_blocker"),  # ... but one adequate trial makes it tried
        Trial("x", "no_such_class", "preventive", START),  # unknown class: left out
    ]
    part = partition_classes(trials, AS_OF, CAT)
    out = part.to_dict()
    names = [c["class"] for group in out.values() for c in group]
    assert sorted(names) == sorted(CAT.classes)
    assert [c["class"] for c in out["inadequate"]] == ["beta_blocker", "anticonvulsant"]
    assert [c["class"] for c in out["tried"]] == [
        "antidepressant",
        "calcium_channel_blocker",
        "angiotensin_blocker",
        "cgrp_mab",
    ]
    assert out["untried"][0] == {"class": "triptan", "kind": "acute"}
    entry = out["inadequate"][0]["trials"][0]
    assert {k: entry[k] for k in ("therapy", "start", "end", "outcome", "adequate")} == {
        "therapy": "beta_blocker",
        "start": "2025-01-01",
        "end": "2025-01-30",
        "outcome": "ineffective",
        "adequate": False,
    }
    assert "56 days" in entry["reason"]


# -- trial response (section 7) ----------------------------------------------------------
def migraine_days_per_month(per_month: dict[str, int], first: date) -> DiaryData:
    days = []
    for label, n in per_month.items():
        y, m = map(int, label.split("-"))
        days += [Day(date(y, m, i + 1), "severe", unilateral=True, nausea=True) for i in range(n)]
    return DiaryData(days=tuple(days), start=first)


def test_section_7_trial_response_example_dates():
    per_month = {
        "2025-01": 12,
        "2025-02": 10,
        "2025-03": 8,  # baseline mean 10
        "2025-04": 9,
        "2025-05": 9,  # titration
        "2025-06": 5,
        "2025-07": 5,
        "2025-08": 4,
        "2025-09": 6,  # mean 5
        "2025-10": 9,
    }
    data = migraine_days_per_month(per_month, date(2024, 12, 1))
    months = monthly_counts(data, date(2025, 12, 31), CAT)
    t = Trial(
        "topiramate",
        "anticonvulsant",
        "preventive",
        date(2025, 4, 10),
        date(2025, 10, 15),
        outcome="effective",
    )
    r = trial_response(t, months)
    assert r.to_dict() == {
        "therapy": "topiramate",
        "class": "anticonvulsant",
        "start": "2025-04-10",
        "end": "2025-10-15",
        "baseline_migraine_days": 10.0,
        "treated_migraine_days": 5.0,
        "reduction_percent": 50.0,
        "responder": True,
        "reduction_at_least_30": True,
        # every migraine day is a headache day here: the same means
        "baseline_headache_days": 10.0,
        "treated_headache_days": 5.0,
        "headache_reduction_percent": 50.0,
        "headache_reduction_at_least_50": True,
        "headache_reduction_at_least_30": True,
        "baseline_months": ["2025-01", "2025-02", "2025-03"],
        "treated_months": ["2025-06", "2025-07", "2025-08", "2025-09"],
        "note": None,
    }


def test_section_7_responder_needs_50_percent():
    per_month = {"2025-01": 10, "2025-02": 10, "2025-03": 10, "2025-06": 6, "2025-07": 5}
    data = migraine_days_per_month(per_month, date(2025, 1, 1))
    months = monthly_counts(data, date(2025, 8, 10), CAT)  # latest complete: 2025-07
    t = Trial("x", "anticonvulsant", "preventive", date(2025, 4, 10))  # ongoing
    r = trial_response(t, months)
    assert r.treated_months == ("2025-06", "2025-07")
    assert (r.reduction_percent, r.responder) == (45.0, False)


def test_section_7_empty_windows_are_said_not_numbered():
    data = migraine_days_per_month({"2025-04": 5}, date(2025, 4, 1))
    months = monthly_counts(data, date(2025, 5, 20), CAT)
    t = Trial("x", "anticonvulsant", "preventive", date(2025, 4, 10))
    r = trial_response(t, months)
    assert (r.baseline_migraine_days, r.treated_migraine_days) == (None, None)
    assert (r.reduction_percent, r.responder) == (None, None)
    assert "no baseline" in r.note and "no complete diary month on treatment" in r.note


def test_section_7_zero_baseline_has_no_reduction():
    data = migraine_days_per_month({"2025-06": 3}, date(2025, 1, 1))
    months = monthly_counts(data, date(2025, 8, 31), CAT)
    t = Trial(
        "x",
        "anticonvulsant",
        "preventive",
        date(2025, 4, 10),
        date(2025, 8, 20),
        outcome="ineffective",
    )
    r = trial_response(t, months)
    assert (r.baseline_migraine_days, r.treated_migraine_days) == (0.0, 1.5)
    assert (r.reduction_percent, r.responder) == (None, None)
    assert "baseline of 0" in r.note


# -- the adequacy words a payer reads (docs/criteria.md section 6) --------------------------
@pytest.mark.parametrize(
    ("therapy", "class_id", "kind", "days", "outcome", "words"),
    [
        ("topiramate", "anticonvulsant", "preventive", 55, "ineffective", "8 weeks or more: no"),
        ("topiramate", "anticonvulsant", "preventive", 56, "ineffective", "8 weeks or more: yes"),
        ("topiramate", "anticonvulsant", "preventive", 46, "not_tolerated",
         "counts as failed: not tolerated (no minimum length)"),
        ("propranolol", "beta_blocker", "preventive", 10, "contraindicated",
         "counts as failed: contraindicated (no minimum length)"),
        ("Botox", "onabotulinumtoxinA", "preventive", 167, "ineffective",
         "24 weeks or more: no"),
        ("erenumab", "cgrp_mab", "preventive", 84, "ineffective", "12 weeks or more: yes"),
        ("CBT", "cbt", "behavioural", 20, "ineffective", "no minimum length: yes"),
    ],
)  # fmt: skip
def test_section_6_adequacy_words_never_a_bare_yes(therapy, class_id, kind, days, outcome, words):
    from migrainecli.rules.trials import adequacy_label

    start = date(2025, 1, 1)
    t = Trial(therapy, class_id, kind, start, start + timedelta(days=days - 1), outcome=outcome)
    assert adequacy_label(adequacy(t, date(2026, 1, 1), CAT), outcome) == words


def test_section_6_adequacy_of_an_unavailable_therapy_does_not_apply():
    from migrainecli.rules.trials import adequacy_label

    start = date(2025, 1, 1)
    t = Trial("flunarizine", "calcium_channel_blocker", "preventive", start, start,
              outcome="unavailable", reason="not marketed")  # fmt: skip
    a = adequacy(t, date(2026, 1, 1), CAT)
    assert adequacy_label(a, "unavailable", applies=False) == "does not apply"


@pytest.mark.parametrize(
    ("class_id", "therapy", "days", "words"),
    [
        ("cgrp_mab", "erenumab", 83, "12 weeks or more: not yet (ongoing)"),
        ("cgrp_mab", "erenumab", 84, "12 weeks or more: yes so far (ongoing)"),
        ("anticonvulsant", "topiramate", 90, "8 weeks or more: yes so far (ongoing)"),
        ("cbt", "CBT", 10, "no minimum length: ongoing"),
    ],
)
def test_section_6_adequacy_words_of_an_ongoing_trial_past_its_minimum_say_so(
    class_id, therapy, days, words
):
    # at day 86 of a CGRP antibody "12 weeks or more: not yet" contradicts the reason
    # beside it ("past the 84 days of an adequate trial")
    from migrainecli.rules.trials import adequacy_label

    start = date(2025, 1, 1)
    kind = "behavioural" if class_id == "cbt" else "preventive"
    t = Trial(therapy, class_id, kind, start, outcome="ongoing")
    a = adequacy(t, start + timedelta(days=days - 1), CAT)
    assert a.adequate is None
    assert adequacy_label(a, "ongoing") == words
