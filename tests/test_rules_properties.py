"""Invariants of the rules (hypothesis)."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from migrainecli.catalogue import load_catalogue
from migrainecli.models import OUTCOMES, Day, DiaryData, Gap, Intake, Trial
from migrainecli.rules.criteria import resistant_migraine
from migrainecli.rules.months import MET, NOT_MET, UNDETERMINED, monthly_counts, threshold_status

CAT = load_catalogue()
START = date(2025, 10, 1)
AS_OF = date(2026, 2, 15)
SPAN = (AS_OF - START).days
COUNT_FIELDS = (
    "headache_days",
    "migraine_days",
    "c1_days",
    "c2_days",
    "c3_days",
    "probable_migraine_days",
    "debilitating_days",
    "acute_medication_days",
)
ACUTE = [c.id for c in CAT.classes.values() if c.kind == "acute"]
EHF = [c.id for c in CAT.classes.values() if c.ehf]

dates = st.integers(0, SPAN).map(lambda i: START + timedelta(days=i))
maybe = st.sampled_from([None, True, False])


@st.composite
def days_st(draw, d=None):
    return Day(
        d or draw(dates),
        draw(st.sampled_from(["none", "mild", "moderate", "severe"])),
        unilateral=draw(maybe),
        pulsating=draw(maybe),
        activity=draw(maybe),
        nausea=draw(maybe),
        photophobia=draw(maybe),
        phonophobia=draw(maybe),
        aura=draw(maybe),
        believed_migraine=draw(maybe),
        impairment=draw(st.sampled_from([None, "none", "mild", "serious", "bedbound"])),
    )


@st.composite
def diaries(draw):
    days = {d.date: d for d in draw(st.lists(days_st(), max_size=40))}
    intakes = (
        [
            Intake(
                draw(st.sampled_from(sorted(days))),
                "x",
                relieved=draw(maybe),
                class_id=draw(st.sampled_from([*ACUTE, None])),
            )
            for _ in range(draw(st.integers(0, 20)))
        ]
        if days
        else []
    )
    gaps = []
    for _ in range(draw(st.integers(0, 2))):
        s = draw(dates)
        gaps.append(Gap(s, s + timedelta(days=draw(st.integers(0, 20)))))
    return DiaryData(tuple(days.values()), tuple(intakes), tuple(gaps), start=START)


@settings(max_examples=60, deadline=None)
@given(diaries(), st.data())
def test_adding_a_headache_day_never_lowers_any_monthly_count(data, draw):
    free = [START + timedelta(days=i) for i in range(SPAN + 1)]
    logged = {d.date: d for d in data.days}
    # a new date, or a date logged as headache-free
    candidates = [d for d in free if d not in logged or logged[d].severity == "none"]
    d = draw.draw(st.sampled_from(candidates))
    new_day = draw.draw(days_st(d).filter(lambda x: x.severity != "none"))
    more = DiaryData(
        tuple(x for x in data.days if x.date != d) + (new_day,),
        data.intakes,
        data.gaps,
        start=data.start,
    )
    before = {m.label: m for m in monthly_counts(data, AS_OF, CAT)}
    after = {m.label: m for m in monthly_counts(more, AS_OF, CAT)}
    assert set(before) == set(after)
    for label, m in before.items():
        for name in COUNT_FIELDS:
            assert getattr(after[label], name) >= getattr(m, name), (label, name)
        assert after[label].tracked_days == m.tracked_days


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 31), st.integers(0, 31), st.integers(0, 31), st.integers(1, 31))
def test_more_untracked_days_never_turn_met_into_not_met(n, u, extra, t):
    before = threshold_status(n, u, t)
    after = threshold_status(n, u + extra, t)
    if before == MET:
        assert after == MET
    if before == UNDETERMINED:
        assert after == UNDETERMINED
    if after == NOT_MET:
        assert before == NOT_MET


trial_st = st.builds(
    lambda class_id, start, days, outcome: Trial(
        class_id, class_id, "preventive", start, start + timedelta(days=days), outcome=outcome
    ),
    st.sampled_from([*EHF, "triptan"]),
    st.integers(0, 700).map(lambda i: date(2024, 1, 1) + timedelta(days=i)),
    st.integers(0, 200),
    st.sampled_from(OUTCOMES[1:]),
)


@settings(max_examples=80, deadline=None)
@given(
    diaries(),
    st.lists(trial_st, max_size=8),
    st.sampled_from([*EHF, "triptan"]),
    st.sampled_from(["not_tolerated", "contraindicated", "ineffective"]),
    st.sampled_from(["sumatriptan", "rizatriptan", "zolmitriptan", "Imitrex"]),
)
def test_adding_a_failed_trial_never_turns_resistant_from_met_to_not_met(
    data, trials, class_id, outcome, triptan_name
):
    months = monthly_counts(data, AS_OF, CAT)
    name = triptan_name if class_id == "triptan" else class_id
    kind = "acute" if class_id == "triptan" else "preventive"
    new = Trial(name, class_id, kind, date(2024, 1, 1), date(2024, 12, 31), outcome=outcome)
    before = resistant_migraine(months, trials, AS_OF, CAT).status
    after = resistant_migraine(months, [*trials, new], AS_OF, CAT).status
    if before == MET:
        assert after == MET
    if before == UNDETERMINED:
        assert after != NOT_MET
