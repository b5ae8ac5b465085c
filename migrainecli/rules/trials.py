"""Therapy trials: duration, adequacy, class partition and response.

docs/criteria.md sections 4 (what counts as a failed class), 6 (adequate
trial) and 7 (trial response). Pure functions over ``migrainecli.models.Trial``.

Choices the criteria document leaves open (also in the README):

- Duration counts days on treatment inclusively: ``end - start + 1`` (a trial
  started and stopped the same day lasted 1 day); an ongoing trial counts up to
  the as-of date. An oral trial of 56 days is therefore 8 full weeks.
- Everything is seen as of the as-of date: a trial starting after it is ignored,
  and a trial ending after it is still ongoing on that date (outcome unknown).
- ``adequate`` is None for an ongoing trial (too early to say, even past the
  minimum: the outcome is not known yet). A trial ended ``not_tolerated`` or
  ``contraindicated`` is adequate at any duration (it counts as a failure,
  EHF 2020 / AHS 2021). Acute trials (triptans...) have no minimum duration: the
  record of a trial stands for "used for at least 2 attacks".
- An ongoing trial puts its class under ``tried`` in the untried listing, and so
  does an effective or partial trial of any length.
- ``paused`` (a planned pause, EHF 2022) is neither a failure nor an inadequate trial:
  its class is *tried*. ``unavailable`` (the patient could not get it; section 4b) is
  never a failure and says nothing of the therapy: ``adequate`` is None, and a class
  whose only records are ``unavailable`` is *barred* in the untried listing.
- In JSON a trial's ``reason`` is the adequacy reason ("ongoing, day 40 of 56");
  the reason the patient gave for stopping is ``reason_stopped``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING, Any

from migrainecli.models import Trial
from migrainecli.rules.months import MonthCounts, add_months, month_label

if TYPE_CHECKING:  # pragma: no cover - typing only
    from migrainecli.catalogue import Catalogue, TherapyClass

FAILURE_AT_ANY_DURATION = frozenset({"not_tolerated", "contraindicated"})
INADEQUATE_OUTCOMES = frozenset({"ineffective", "stopped_other"})
RESPONDER_REDUCTION = 50.0  # percent (Tassorelli et al., Cephalalgia 2018)
# docs/criteria.md section 7: fewer than 30 % fewer headache days is a non-responder to
# onabotulinumtoxinA in chronic migraine (EHF, Bendtsen et al., J Headache Pain 2018).
PARTIAL_REDUCTION = 30.0  # percent
BASELINE_MONTHS = 3


def as_of_view(trial: Trial, as_of: date) -> Trial | None:
    """The trial as it stood on ``as_of``: None when it had not started; ongoing (end
    None, outcome "ongoing") when it ended after ``as_of``."""
    if trial.start > as_of:
        return None
    if trial.end is not None and trial.end > as_of:
        return replace(trial, end=None, outcome="ongoing")
    return trial


def duration_days(trial: Trial, as_of: date) -> int:
    """Days on treatment, counted inclusively: ``end - start + 1``; an ongoing trial
    (or one ending after ``as_of``) counts to ``as_of``. 0 when it starts later."""
    last = as_of if trial.end is None else min(trial.end, as_of)
    return max(0, (last - trial.start).days + 1)


def _minimum_phrase(cls: TherapyClass | None, minimum: int) -> str:
    """Why ``minimum`` days, citing docs/criteria.md section 6."""
    if cls is not None and cls.id == "onabotulinumtoxinA":
        return f"{minimum} days (2 injection cycles, 24 weeks)"
    if cls is not None and cls.ehf_group == "cgrp_pathway":
        return f"{minimum} days (12 weeks)"
    if minimum == 56 and cls is not None and cls.oral:
        return f"{minimum} days (8 weeks, AHS 2021)"
    if minimum == 56:
        return f"{minimum} days (8 weeks, as for oral preventives; the project's choice)"
    return f"{minimum} days"


def _what(cls: TherapyClass | None) -> str:
    if cls is None:
        return "this therapy"
    if cls.id == "onabotulinumtoxinA":
        return "onabotulinumtoxinA"
    if cls.ehf_group == "cgrp_pathway":
        return "a CGRP monoclonal antibody or preventive gepant"
    if cls.oral or cls.min_adequate_days == 56:
        return "an oral preventive"
    return f"a {cls.label}"


@dataclass(frozen=True)
class Adequacy:
    """Whether a trial was long enough, and whether it counts as failure of its class."""

    adequate: bool | None  # None: ongoing, too early to say
    failed: bool  # a failure of its class (EHF 2020; docs/criteria.md sections 4, 6)
    reason: str
    duration_days: int
    minimum_days: int | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "adequate": self.adequate,
            "failed": self.failed,
            "reason": self.reason,
            "duration_days": self.duration_days,
            "minimum_days": self.minimum_days,
        }


def adequacy_label(a: Adequacy, outcome: str, applies: bool = True) -> str:
    """The words a payer reads next to a trial (docs/criteria.md section 6), one place for
    every renderer: "8 weeks or more: yes", "counts as failed: not tolerated (no minimum
    length)", never a bare "yes" beside an intolerance; "does not apply" for a therapy
    the patient could not get."""
    if not applies:
        return "does not apply"
    if outcome in ("not_tolerated", "contraindicated"):
        return f"counts as failed: {outcome.replace('_', ' ')} (no minimum length)"
    answer = {True: "yes", False: "no", None: "not yet (ongoing)"}[a.adequate]
    if a.adequate is None and a.minimum_days is None:
        answer = "ongoing"
    elif a.adequate is None and a.duration_days >= a.minimum_days:
        answer = "yes so far (ongoing)"  # long enough already; the outcome is to come
    if a.minimum_days is None:
        return f"no minimum length: {answer}"
    weeks = a.minimum_days / 7
    length = f"{weeks:g} weeks" if weeks == int(weeks) else f"{a.minimum_days} days"
    return f"{length} or more: {answer}"


def adequacy(trial: Trial, as_of: date, catalogue: Catalogue) -> Adequacy:
    """docs/criteria.md section 6 (adequate trial) and section 4 (class failure).

    ``failed``: ended ``ineffective`` after an adequate trial, or ended
    ``not_tolerated``/``contraindicated`` at any duration. ``adequate``: None while
    ongoing; for ``ineffective``/``stopped_other``/``effective``/``partial`` whether it
    lasted the class minimum (oral preventives 56 days, onabotulinumtoxinA 168, CGRP
    mAbs and preventive gepants 84, none for acute drugs and non-drug therapies);
    always True for ``not_tolerated``/``contraindicated``.
    """
    cls = catalogue.classes.get(trial.class_id)
    minimum = cls.min_adequate_days if cls is not None else None
    view = as_of_view(trial, as_of)
    if view is None:
        return Adequacy(
            None, False, f"starts after {as_of.isoformat()}, the as-of date", 0, minimum
        )
    days = duration_days(view, as_of)
    outcome = view.outcome
    after = f"after {days} day{'s' if days != 1 else ''}"

    if outcome == "unavailable":
        # docs/criteria.md section 4b: an access barrier, never a failure.
        why = "unavailable" + (f" ({trial.reason})" if trial.reason else "")
        return Adequacy(None, False, f"{why}: not tried, never a failure", 0, minimum)
    if outcome == "paused":
        # docs/criteria.md section 4 (EHF 2022): a planned pause is not a failure and
        # not an inadequate trial; the class is tried.
        return Adequacy(
            long_enough_or_none(days, minimum), False,
            f"paused {after} (a planned pause: tried, not a failure)", days, minimum,
        )  # fmt: skip
    if outcome in FAILURE_AT_ANY_DURATION:
        # EHF 2020: lack of tolerability is failure; contraindication treated alike
        # (as EHF 2014 did) - at any duration.
        word = "not tolerated" if outcome == "not_tolerated" else "contraindicated"
        return Adequacy(
            True, True, f"{word} {after}: counts as failure at any duration", days, minimum
        )
    if view.end is None or outcome == "ongoing":
        if minimum:
            if days < minimum:
                why = f"ongoing, day {days} of {minimum}"
            else:
                why = f"ongoing, day {days}; past the {minimum} days of an adequate trial"
        else:
            why = f"ongoing, day {days}"
        return Adequacy(None, False, why, days, minimum)

    long_enough = minimum is None or days >= minimum
    if outcome == "ineffective":
        if long_enough:
            # docs/criteria.md section 6: an adequate ineffective trial is failure.
            if minimum:
                why = f"ineffective {after} (adequate: at least {_minimum_phrase(cls, minimum)})"
            elif cls is not None and cls.kind == "acute":
                why = "ineffective (acute drug: a recorded trial stands for at least 2 attacks)"
            else:
                why = f"ineffective {after} (no minimum duration)"
            return Adequacy(True, True, why, days, minimum)
        why = (
            f"ineffective {after}; an adequate trial of {_what(cls)} lasts at least "
            f"{_minimum_phrase(cls, minimum or 0)}"
        )
        return Adequacy(False, False, why, days, minimum)
    if outcome == "stopped_other":
        if long_enough:
            why = f"stopped for another reason {after} (not a failure)"
        else:
            why = (
                f"stopped for another reason {after}, before the "
                f"{_minimum_phrase(cls, minimum or 0)} of an adequate trial (not a failure)"
            )
        return Adequacy(long_enough, False, why, days, minimum)
    # effective / partial: tried, not failed.
    word = "effective" if outcome == "effective" else "partly effective"
    why = f"{word} {after} (not a failure)"
    return Adequacy(long_enough, False, why, days, minimum)


def long_enough_or_none(days: int, minimum: int | None) -> bool:
    return minimum is None or days >= minimum


def is_unavailable(trial: Trial, as_of: date) -> bool:
    """A record of a therapy the patient could not get (section 4b), as of ``as_of``."""
    view = as_of_view(trial, as_of)
    return view is not None and view.outcome == "unavailable"


def is_inadequate(trial: Trial, result: Adequacy) -> bool:
    """Ended ``ineffective`` or ``stopped_other`` before its class minimum (section 6)."""
    return result.adequate is False and trial.outcome in INADEQUATE_OUTCOMES


def trial_dict(trial: Trial, as_of: date, result: Adequacy) -> dict[str, Any]:
    """A trial as evidence in JSON (as it stood on ``as_of``)."""
    view = as_of_view(trial, as_of) or trial
    return {
        "id": trial.id,
        "therapy": trial.therapy,
        "class": trial.class_id,
        "kind": trial.kind,
        "dose": trial.dose,
        "start": trial.start.isoformat(),
        "end": view.end.isoformat() if view.end else None,
        "duration_days": result.duration_days,
        "outcome": view.outcome,
        "reason_stopped": trial.reason,
        "adequate": result.adequate,
        "failed": result.failed,
        "reason": result.reason,
    }


# -- the untried listing (docs/interface.md "untried --json") ------------------------------
@dataclass(frozen=True)
class ClassTrials:
    """One catalogue class with the trials recorded for it (as of the as-of date)."""

    class_id: str
    kind: str
    trials: tuple[tuple[Trial, Adequacy], ...] = ()

    def to_dict(self, as_of: date, with_trials: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {"class": self.class_id, "kind": self.kind}
        if with_trials:
            out["trials"] = [trial_dict(t, as_of, a) for t, a in self.trials]
        return out


@dataclass(frozen=True)
class Partition:
    """Every catalogue class in exactly one of untried / inadequate / tried / barred."""

    as_of: date
    untried: tuple[ClassTrials, ...]
    inadequate: tuple[ClassTrials, ...]
    tried: tuple[ClassTrials, ...]
    barred: tuple[ClassTrials, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "untried": [c.to_dict(self.as_of, with_trials=False) for c in self.untried],
            "inadequate": [c.to_dict(self.as_of) for c in self.inadequate],
            "tried": [c.to_dict(self.as_of) for c in self.tried],
            "barred": [c.to_dict(self.as_of) for c in self.barred],
        }


def partition_classes(trials: Iterable[Trial], as_of: date, catalogue: Catalogue) -> Partition:
    """Sort every catalogue class (catalogue order) into one of four lists.

    untried: no trial started on or before ``as_of``. barred: every record of the class
    is ``unavailable`` (section 4b: the patient could not get it). inadequate: every
    trial other than the ``unavailable`` records ended ``ineffective`` or
    ``stopped_other`` before the class minimum (section 6). tried: anything else - at
    least one adequate, ongoing, effective, partial, paused, not-tolerated or
    contraindicated trial. Trials of classes the catalogue does not know are left out.
    """
    by_class: dict[str, list[tuple[Trial, Adequacy]]] = {}
    for trial in sorted(trials, key=lambda t: (t.start, t.id or 0)):
        if trial.start > as_of or trial.class_id not in catalogue.classes:
            continue
        by_class.setdefault(trial.class_id, []).append((trial, adequacy(trial, as_of, catalogue)))
    untried, inadequate, tried, barred = [], [], [], []
    for cls in catalogue.classes.values():
        recorded = by_class.get(cls.id, [])
        entry = ClassTrials(cls.id, cls.kind, tuple(recorded))
        judged = [(t, a) for t, a in recorded if not is_unavailable(t, as_of)]
        if not recorded:
            untried.append(entry)
        elif not judged:
            barred.append(entry)
        elif all(is_inadequate(t, a) for t, a in judged):
            inadequate.append(entry)
        else:
            tried.append(entry)
    return Partition(as_of, tuple(untried), tuple(inadequate), tuple(tried), tuple(barred))


# -- trial response (docs/criteria.md section 7) ----------------------------------
@dataclass(frozen=True)
class Response:
    """Mean monthly migraine days (and headache days) before and on a trial; numbers,
    not a judgement. ``responder`` is a migraine-day reduction of at least 50 %; the
    ``*_at_least_*`` flags mark reductions of at least 50 % and 30 % (section 7), on the
    unrounded reduction, None where there is no reduction."""

    therapy: str
    class_id: str
    start: date
    end: date | None
    baseline_migraine_days: float | None
    treated_migraine_days: float | None
    reduction_percent: float | None
    responder: bool | None
    baseline_months: tuple[str, ...]
    treated_months: tuple[str, ...]
    note: str | None
    reduction_at_least_30: bool | None = None
    baseline_headache_days: float | None = None
    treated_headache_days: float | None = None
    headache_reduction_percent: float | None = None
    headache_reduction_at_least_50: bool | None = None
    headache_reduction_at_least_30: bool | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "therapy": self.therapy,
            "class": self.class_id,
            "start": self.start.isoformat(),
            "end": self.end.isoformat() if self.end else None,
            "baseline_migraine_days": self.baseline_migraine_days,
            "treated_migraine_days": self.treated_migraine_days,
            "reduction_percent": self.reduction_percent,
            "responder": self.responder,
            "reduction_at_least_30": self.reduction_at_least_30,
            "baseline_headache_days": self.baseline_headache_days,
            "treated_headache_days": self.treated_headache_days,
            "headache_reduction_percent": self.headache_reduction_percent,
            "headache_reduction_at_least_50": self.headache_reduction_at_least_50,
            "headache_reduction_at_least_30": self.headache_reduction_at_least_30,
            "baseline_months": list(self.baseline_months),
            "treated_months": list(self.treated_months),
            "note": self.note,
        }


def _reduction(
    before: float | None, after: float | None
) -> tuple[float | None, bool | None, bool | None]:
    """(reduction in percent rounded to 1 decimal, at least 50 %, at least 30 %), the
    marks read on the unrounded reduction (49.95 % is not 50 %); all None without both
    means or with a baseline of 0."""
    if before is None or after is None or before == 0:
        return None, None, None
    exact = 100 * (before - after) / before
    return round(exact, 1), exact >= RESPONDER_REDUCTION, exact >= PARTIAL_REDUCTION


def trial_response(trial: Trial, months: Sequence[MonthCounts]) -> Response:
    """docs/criteria.md section 7.

    Baseline: the up to 3 complete calendar months before the start month. On
    treatment: the complete months from the second month after the start month (the
    start month and the next are titration) to the month before the end month, or to
    the latest complete month of ``months`` for an ongoing trial (or one ending after
    it). Example: start 2025-04-10, end 2025-10-15 -> baseline 2025-01..03, on
    treatment 2025-06..09. Months count only when the diary covers them with at least
    one tracked day; a month with untracked days is used as recorded and the note says
    its counts are lower bounds. ``reduction_percent`` = 100 * (baseline - treated) /
    baseline, rounded to 1 decimal (means rounded to 1 decimal); responder =
    reduction >= 50 %. A window without a month has mean None; with either window
    empty or a baseline of 0, reduction and responder are None and ``note`` says why.
    The same windows give the headache-day means and reduction (section 7: "also show
    the reduction in headache days"), and each reduction is marked at 50 % and 30 %.
    """
    complete = {m.key: m for m in months if m.complete and m.tracked_days > 0}
    latest = max((m.key for m in months if m.complete), default=None)
    sy, sm = trial.start.year, trial.start.month
    baseline_keys = [add_months(sy, sm, -i) for i in range(BASELINE_MONTHS, 0, -1)]
    first_treated = add_months(sy, sm, 2)
    ongoing = trial.end is None
    if trial.end is not None:
        last_treated = add_months(trial.end.year, trial.end.month, -1)
    else:
        last_treated = latest if latest is not None else add_months(sy, sm, -1)
    if latest is not None:
        last_treated = min(last_treated, latest)
    treated_keys = []
    key = first_treated
    while key <= last_treated:
        treated_keys.append(key)
        key = add_months(*key, 1)

    baseline = [complete[k] for k in baseline_keys if k in complete]
    treated = [complete[k] for k in treated_keys if k in complete]

    def mean(ms: list[MonthCounts], count: str = "migraine_days") -> float | None:
        return sum(getattr(m, count) for m in ms) / len(ms) if ms else None

    notes = []
    b, t = mean(baseline), mean(treated)
    if b is None:
        notes.append(
            "no complete diary month in the 3 months before the start month "
            f"({month_label(*baseline_keys[0])} to {month_label(*baseline_keys[-1])}), "
            "so there is no baseline"
        )
    if t is None:
        first = month_label(*first_treated)
        notes.append(
            f"no complete diary month on treatment yet (the window starts at {first}, the "
            "second month after the start month)"
            if ongoing
            else f"no complete diary month on treatment (from {first}, the second month "
            "after the start month, to the month before the end month)"
        )
    if b == 0 and t is not None:
        notes.append("baseline of 0 migraine days per month: no reduction to compute")
    reduction, responder, at_30 = _reduction(b, t)
    hb, ht = mean(baseline, "headache_days"), mean(treated, "headache_days")
    h_reduction, h_50, h_30 = _reduction(hb, ht)
    partial = [m.label for m in (*baseline, *treated) if m.untracked_days]
    if partial:
        notes.append(
            f"{', '.join(partial)} ha{'s' if len(partial) == 1 else 've'} untracked days; "
            "those counts are lower bounds"
        )

    def rounded(value: float | None) -> float | None:
        return None if value is None else round(value, 1)

    return Response(
        therapy=trial.therapy,
        class_id=trial.class_id,
        start=trial.start,
        end=trial.end,
        baseline_migraine_days=rounded(b),
        treated_migraine_days=rounded(t),
        reduction_percent=reduction,
        responder=responder,
        baseline_months=tuple(m.label for m in baseline),
        treated_months=tuple(m.label for m in treated),
        note="; ".join(notes) or None,
        reduction_at_least_30=at_30,
        baseline_headache_days=rounded(hb),
        treated_headache_days=rounded(ht),
        headache_reduction_percent=h_reduction,
        headache_reduction_at_least_50=h_50,
        headache_reduction_at_least_30=h_30,
    )
