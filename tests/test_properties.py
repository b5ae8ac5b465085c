"""Properties (hypothesis): any diary survives export -> import unchanged, and the rule
invariants that ``test_rules_properties.py`` does not already cover.

Round trip: a random diary A (days with any field values and any unicode notes,
intakes of catalogue medications, gaps, trials of catalogue and unknown therapies)
is exported kind by kind, imported into a fresh diary B, and B's export must be
byte-identical to A's, with the same records in B as in A.
"""

from __future__ import annotations

import csv
import io
import tempfile
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from migrainecli import csvio
from migrainecli.catalogue import load_catalogue
from migrainecli.errors import MigraineError
from migrainecli.models import FEATURES, IMPAIRMENTS, OUTCOMES, SEVERITIES, Day, Gap, Intake, Trial
from migrainecli.rules.criteria import (
    cgrp_step_therapy,
    chronic_migraine,
    medication_overuse,
    refractory_migraine,
)
from migrainecli.rules.months import MET, NOT_MET, UNDETERMINED, monthly_counts
from migrainecli.storage import Diary
from migrainecli.treatments import resolve_therapy, same_trial
from tests.test_rules_properties import ACUTE, AS_OF, CAT, EHF, SPAN, START, diaries, trial_st

TODAY = date.today()
KINDS = ("days", "intakes", "gaps", "trials")
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")

# Names as the resolver stores them: every catalogue name and alias, by kind.
_CATALOGUE = load_catalogue()
ACUTE_NAMES = sorted(
    (name, c.id)
    for c in _CATALOGUE.classes.values()
    if c.kind == "acute"
    for m in c.members
    for name in (m.name, *m.aliases)
)
THERAPY_NAMES = sorted(
    (name, c.kind)
    for c in _CATALOGUE.classes.values()
    for m in c.members
    for name in (m.name, *m.aliases)
)
CLASS_IDS = sorted(_CATALOGUE.classes)

# Any text a person can type: every plane, no surrogates (not UTF-8) and no NUL (no
# command line can carry one; import refuses it as binary data).
text = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=30
)
free_text = st.one_of(st.none(), text.filter(bool))
maybe = st.sampled_from([None, True, False])
past = st.integers(1, 2000).map(lambda n: TODAY - timedelta(days=n))


@st.composite
def day_st(draw, d: date) -> Day:
    severity = draw(st.sampled_from(SEVERITIES))
    free = severity == "none"
    return Day(
        d,
        severity,
        hours=None if free else draw(st.none() | st.floats(0, 24, exclude_min=True)),
        **{f: draw(st.sampled_from([None, False]) if free else maybe) for f in FEATURES},
        believed_migraine=draw(maybe),
        impairment=draw(st.sampled_from((None, *IMPAIRMENTS))),
        note=draw(free_text),
    )


@st.composite
def trial_record(draw) -> Trial:
    if draw(st.booleans()):
        name, kind = draw(st.sampled_from(THERAPY_NAMES))
        res = resolve_therapy(name, kind=kind)
    else:  # a therapy the catalogue does not know, recorded under a class (--class)
        try:
            res = resolve_therapy(draw(text), class_id=draw(st.sampled_from(CLASS_IDS)))
        except MigraineError:
            assume(False)
        assume(res.member is None and res.name)
    start = draw(past)
    end = draw(st.none() | st.integers(0, (TODAY - start).days).map(lambda n: start + timedelta(n)))
    outcome = "ongoing" if end is None else draw(st.sampled_from(OUTCOMES[1:]))
    return Trial(
        res.name, res.class_id, res.kind, start, end,
        dose=draw(free_text), outcome=outcome, reason=draw(free_text), note=draw(free_text),
    )  # fmt: skip


@st.composite
def any_diary(draw) -> dict:
    dates = draw(st.sets(past, max_size=25))
    days = [draw(day_st(d)) for d in sorted(dates)]
    headache = [d.date for d in days if d.severity != "none"]
    intakes = []
    for _ in range(draw(st.integers(0, 12)) if headache else 0):
        name, class_id = draw(st.sampled_from(ACUTE_NAMES))
        intakes.append(
            Intake(draw(st.sampled_from(headache)), name, draw(free_text), draw(maybe), class_id)
        )
    gaps = {}
    for _ in range(draw(st.integers(0, 4))):
        start = draw(past)
        end = start + timedelta(days=draw(st.integers(0, (TODAY - start).days - 1)))
        gaps[(start, end)] = Gap(start, end, draw(free_text))
    trials: list[Trial] = []
    for _ in range(draw(st.integers(0, 5))):
        t = draw(trial_record())
        if not any(same_trial(t, other) for other in trials):
            trials.append(t)
    return {"days": days, "intakes": intakes, "gaps": list(gaps.values()), "trials": trials}


def _export(diary: Diary, kind: str) -> str:
    columns, rows = csvio.FILE_KINDS[kind].export(diary)
    buf = io.StringIO(newline="")
    csvio.write_csv(buf, columns, rows)
    return buf.getvalue()


def _records(diary: Diary) -> tuple:
    return (
        diary.days(),
        [replace(i, id=None) for i in diary.intakes()],
        [replace(g, id=None) for g in diary.gaps()],
        [replace(t, id=None) for t in diary.trials()],
    )


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(any_diary())
def test_any_diary_survives_export_then_import_unchanged(data):
    with tempfile.TemporaryDirectory() as tmp:
        a = Diary.open(Path(tmp) / "a.db", write=True)
        b = Diary.open(Path(tmp) / "b.db", write=True)
        try:
            a.save_days(data["days"])
            a.add_intakes(data["intakes"])
            for g in data["gaps"]:
                a.add_gap(g)
            for t in data["trials"]:
                a.save_trial(t)
            exported = {kind: _export(a, kind) for kind in KINDS}
            for kind, text_ in exported.items():  # nothing a spreadsheet would run
                for row in csv.reader(io.StringIO(text_, newline="")):
                    assert not any(c.startswith(DANGEROUS) for c in row), (kind, row)
            for kind in KINDS:  # days before intakes: intakes belong to logged days
                records = csvio.parse_file(kind, io.BytesIO(exported[kind].encode("utf-8")))
                csvio.import_records(b, kind, records)
            assert {kind: _export(b, kind) for kind in KINDS} == exported
            assert _records(b) == _records(a)
        finally:
            a.close()
            b.close()


# -- rule invariants (those test_rules_properties.py does not cover) ------------------------
COUNTS = (
    "headache_days", "migraine_days", "c1_days", "c2_days", "c3_days", "debilitating_days",
    "acute_medication_days",
)  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(diaries(), st.data())
def test_adding_an_intake_never_lowers_any_monthly_count(data, draw):
    logged = [d.date for d in data.days]
    if not logged:
        return
    name, class_id = draw.draw(st.sampled_from(ACUTE_NAMES))
    new = Intake(draw.draw(st.sampled_from(logged)), name, relieved=draw.draw(maybe),
                 class_id=class_id)  # fmt: skip
    more = replace(data, intakes=(*data.intakes, new))
    before = {m.label: m for m in monthly_counts(data, AS_OF, CAT)}
    after = {m.label: m for m in monthly_counts(more, AS_OF, CAT)}
    for label, m in before.items():
        for name_ in COUNTS:
            assert getattr(after[label], name_) >= getattr(m, name_), (label, name_)
        for key, n in m.class_days.items():
            assert after[label].class_days[key] >= n, (label, key)
        for key, n in m.moh_days.items():
            assert after[label].moh_days[key] >= n, (label, key)
    # ... and so never turns medication overuse from met to not met
    was = medication_overuse(list(before.values()), AS_OF).status
    now = medication_overuse(list(after.values()), AS_OF).status
    assert not (was == MET and now != MET)
    assert not (was == UNDETERMINED and now == NOT_MET)


@settings(max_examples=60, deadline=None)
@given(diaries(), st.data())
def test_adding_a_headache_day_never_turns_chronic_migraine_from_met(data, draw):
    logged = {d.date: d for d in data.days}
    free = [START + timedelta(days=i) for i in range(SPAN + 1)]
    candidates = [d for d in free if d not in logged or logged[d].severity == "none"]
    d = draw.draw(st.sampled_from(candidates))
    severity = draw.draw(st.sampled_from(["mild", "moderate", "severe"]))
    new = Day(d, severity, nausea=draw.draw(maybe), photophobia=draw.draw(maybe),
              phonophobia=draw.draw(maybe), unilateral=draw.draw(maybe))  # fmt: skip
    more = replace(data, days=(*(x for x in data.days if x.date != d), new))
    was = chronic_migraine(monthly_counts(data, AS_OF, CAT), AS_OF).status
    now = chronic_migraine(monthly_counts(more, AS_OF, CAT), AS_OF).status
    assert not (was == MET and now != MET)
    assert not (was == UNDETERMINED and now == NOT_MET)


FAILED_OUTCOMES = ["not_tolerated", "contraindicated", "ineffective"]


@settings(max_examples=60, deadline=None)
@given(
    diaries(),
    st.lists(trial_st, max_size=8),
    st.sampled_from([*EHF, "triptan"]),
    st.sampled_from(FAILED_OUTCOMES),
)
def test_adding_a_failed_class_never_un_meets_refractory_migraine(data, trials, class_id, outcome):
    months = monthly_counts(data, AS_OF, CAT)
    kind = "acute" if class_id == "triptan" else "preventive"
    name = "sumatriptan" if class_id == "triptan" else class_id
    new = Trial(name, class_id, kind, date(2024, 1, 1), date(2024, 12, 31), outcome=outcome)
    was = refractory_migraine(months, trials, AS_OF, CAT).status
    now = refractory_migraine(months, [*trials, new], AS_OF, CAT).status
    assert not (was == MET and now != MET)
    assert not (was == UNDETERMINED and now == NOT_MET)


ORAL = sorted(c.id for c in CAT.classes.values() if c.oral)


@settings(max_examples=60, deadline=None)
@given(
    diaries(),
    st.lists(trial_st, max_size=8),
    st.sampled_from([*ORAL, "onabotulinumtoxinA"]),
    st.sampled_from(FAILED_OUTCOMES),
)
def test_adding_a_failed_preventive_never_un_meets_cgrp_step_therapy(
    data, trials, class_id, outcome
):
    months = monthly_counts(data, AS_OF, CAT)
    chronic = chronic_migraine(months, AS_OF)
    name = CAT.classes[class_id].members[0].name  # a real agent: AHS options are by name
    new = Trial(name, class_id, "preventive", date(2024, 1, 1), date(2024, 12, 31),
                outcome=outcome)  # fmt: skip
    was = cgrp_step_therapy(months, trials, AS_OF, CAT, chronic).status
    now = cgrp_step_therapy(months, [*trials, new], AS_OF, CAT, chronic).status
    assert not (was == MET and now != MET)
    assert not (was == UNDETERMINED and now == NOT_MET)


def test_acute_classes_of_the_shared_strategies_are_the_catalogue_ones():
    """The strategies above draw medication names from the same catalogue as the rules."""
    assert {c for _, c in ACUTE_NAMES} == set(ACUTE)
