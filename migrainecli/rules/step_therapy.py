"""Payer step therapy for CGRP-targeting preventives — the AHS 2021 rule
(docs/criteria.md section 5).

Sources: Ailani J, Burch RC, Robbins MS, "The American Headache Society Consensus
Statement: Update on integrating new migraine treatments into clinical practice",
Headache 2021;61:1021-1039. Charles AC et al., "Calcitonin gene-related
peptide-targeting therapies are a first-line option for the prevention of migraine",
Headache 2024;64:333-341: since AHS 2024 no prior failure is required; payers still
apply the 2021 rule, which is what this verdict computes (key ``cgrp_step_therapy``).

As computed: ``met`` when one arm holds (three-valued OR):

- (a) 4-7 headache days in the latest complete month, at least moderate disability
  (the latest MIDAS >= 11 or the latest HIT-6 > 50 dated within 90 days before the
  as-of date; no such score: undetermined), and N AHS options failed;
- (b) 8-14 headache days in the latest complete month, and N AHS options failed;
- (c) chronic migraine (section 2 met), and N options failed or onabotulinumtoxinA
  ineffective after >= 168 days (2 quarterly cycles) or not tolerated /
  contraindicated at any length.

A count range lo..hi is three-valued (``months.range_status``). The AHS options are
not the EHF classes: each of ``data/ahs_options.json`` counts once (topiramate and
divalproex are two; amitriptyline and venlafaxine are two). An option failed after
>= 56 days at the recorded dose (the target dose cannot be read from a diary), or for
intolerance or contraindication at any length; ``partial`` is a response, not a
failure. N is the setting ``step-therapy-failures`` (default 2).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from migrainecli.models import Score, Trial
from migrainecli.rules.chronic import ChronicMigraine, chronic_migraine
from migrainecli.rules.evidence import Check, MonthEvidence, _and_list, _count, _evidence
from migrainecli.rules.months import (
    MET,
    NOT_MET,
    UNDETERMINED,
    MonthCounts,
    and3,
    fact,
    or3,
    range_status,
    window,
)
from migrainecli.rules.trials import FAILURE_AT_ANY_DURATION, as_of_view, duration_days
from migrainecli.rules.verdicts import Column, Verdict

if TYPE_CHECKING:  # pragma: no cover - typing only
    from migrainecli.catalogue import Catalogue

_DATA_FILE = "data/ahs_options.json"
BOTOX_CLASS = "onabotulinumtoxinA"
CGRP_GROUP = "cgrp_pathway"  # the therapies a payer is asked for: not listed as steps

GUIDANCE = (
    "AHS 2024 (Charles et al., Headache 2024;64:333–341) makes CGRP-targeting therapy a "
    "first-line option for migraine prevention without prior failures; this verdict is "
    "the AHS 2021 step rule that payers still apply."
)
DOSE_NOTE = (
    "An AHS option counts as failed after at least {days} days (8 weeks) at the recorded "
    "dose — the target dose cannot be read from a diary, so check it — or when not "
    "tolerated or contraindicated at any length; a partial response is not a failure."
)


# -- the data: options, trial minimum, disability comparators --------------------------
@dataclass(frozen=True)
class AhsOption:
    id: str
    label: str
    members: dict[str, str | None]  # generic name -> the trial kind it needs (None: any)


@dataclass(frozen=True)
class AhsRules:
    options: tuple[AhsOption, ...]
    not_options: dict[str, str]  # generic name -> why it is no option
    trial_minimum_days: int
    botox_minimum_days: int
    failures_required_default: int
    ranges: dict[str, tuple[int, int]]  # arm -> (lo, hi) headache days
    midas_at_least: int
    hit6_above: int
    within_days: int

    def option_for(self, generic: str | None, kind: str) -> AhsOption | None:
        for option in self.options:
            if generic in option.members:
                need = option.members[generic]
                return option if need is None or need == kind else None
        return None


def rules_from_data(data: dict) -> AhsRules:
    return AhsRules(
        options=tuple(
            AhsOption(o["id"], o["label"], {m["name"]: m.get("only_as") for m in o["members"]})
            for o in data["options"]
        ),
        not_options={n["name"]: n["why"] for n in data["not_options"]},
        trial_minimum_days=data["trial_minimum_days"],
        botox_minimum_days=data["onabotulinumtoxinA_minimum_days"],
        failures_required_default=data["failures_required_default"],
        ranges={k: (v[0], v[1]) for k, v in data["headache_day_ranges"].items()},
        midas_at_least=data["disability"]["midas_at_least"],
        hit6_above=data["disability"]["hit6_above"],
        within_days=data["disability"]["within_days"],
    )


@functools.cache
def load_ahs_rules() -> AhsRules:
    """``migrainecli/data/ahs_options.json``, read once per process."""
    import pkgutil

    raw = pkgutil.get_data("migrainecli", _DATA_FILE)
    if raw is None:  # pragma: no cover - only with a loader that cannot read data files
        raise RuntimeError(f"migrainecli/{_DATA_FILE} cannot be read")
    return rules_from_data(json.loads(raw))


# -- one trial as a step ----------------------------------------------------------------
@dataclass(frozen=True)
class Step:
    """One preventive trial as the payer evidence list shows it."""

    trial: Trial  # as it stood on the as-of date
    duration_days: int
    option: AhsOption | None
    counts: bool  # a failed AHS option (or, for onabotulinumtoxinA, arm (c)'s failure)
    note: str

    def to_dict(self) -> dict[str, Any]:
        t = self.trial
        return {
            "agent": t.therapy,
            "class": t.class_id,
            "dose": t.dose,
            "start": t.start.isoformat(),
            "stop": t.end.isoformat() if t.end else None,
            "duration_days": self.duration_days,
            "outcome": t.outcome,
            "reason": t.reason,
            "option": self.option.id if self.option else None,
            "counts": self.counts,
            "note": self.note,
        }

    def line(self) -> str:
        t = self.trial
        d = self.to_dict()
        return (
            f"{t.therapy} [{t.class_id}] {t.dose or 'dose not recorded'}, "
            f"{d['start']} to {d['stop'] or 'ongoing'} ({_count(self.duration_days, 'day', 's')}): "
            f"{t.outcome}" + (f" — {t.reason}" if t.reason else "") + f"; {self.note}"
        )


def _generic(trial: Trial, catalogue: Catalogue) -> str | None:
    """The catalogue's generic name for the trial's therapy in its class ("Depakote" ->
    valproate); None for a name the catalogue does not know."""
    for member in catalogue.lookup(trial.therapy):
        if member.class_id == trial.class_id:
            return member.name
    return None


def ahs_option(trial: Trial, catalogue: Catalogue) -> str | None:
    """The id of the AHS 2021 option a trial counts under (``data/ahs_options.json``),
    or None: not an option, or a therapy the catalogue does not know."""
    option = load_ahs_rules().option_for(_generic(trial, catalogue), trial.kind)
    return option.id if option else None


def _failed(view: Trial, days: int, minimum: int) -> tuple[bool, str]:
    """AHS 2021 failure: ineffective after ``minimum`` days, or not tolerated /
    contraindicated at any length. Returns (failed, why)."""
    after = f"after {days} day{'s' if days != 1 else ''}"
    if view.outcome in FAILURE_AT_ANY_DURATION:
        word = "not tolerated" if view.outcome == "not_tolerated" else "contraindicated"
        return True, f"failed: {word} {after} (no minimum length)"
    if view.end is None or view.outcome == "ongoing":
        return False, f"ongoing, day {days}: not a failure"
    if view.outcome == "ineffective":
        if days >= minimum:
            return True, f"failed: ineffective {after} (at least {minimum} needed)"
        return False, f"ineffective {after}: shorter than the {minimum} days needed"
    if view.outcome == "partial":
        return False, "partly effective: a response, not a failure"
    word = {"effective": "effective", "stopped_other": "stopped for another reason"}
    return False, f"{word.get(view.outcome, view.outcome.replace('_', ' '))}: not a failure"


def payer_steps(
    trials: Sequence[Trial], as_of: date, catalogue: Catalogue, rules: AhsRules
) -> tuple[Step, ...]:
    """Every preventive trial started by ``as_of`` except the CGRP-pathway ones (what
    the payer is asked for), each with its AHS option and whether it counts."""
    steps: list[Step] = []
    seen: set[str] = set()
    for trial in sorted(trials, key=lambda t: (t.start, t.id or 0)):
        view = as_of_view(trial, as_of)
        if view is None or view.kind != "preventive":
            continue
        cls = catalogue.classes.get(view.class_id)
        if cls is not None and cls.ehf_group == CGRP_GROUP:
            continue
        days = duration_days(view, as_of)
        if view.class_id == BOTOX_CLASS:
            failed, why = _failed(view, days, rules.botox_minimum_days)
            note = f"onabotulinumtoxinA, arm (c) with chronic migraine: {why}"
            steps.append(Step(view, days, None, failed, note))
            continue
        generic = _generic(view, catalogue)
        option = rules.option_for(generic, view.kind)
        if option is None:
            why = rules.not_options.get(generic or "")
            note = "not an AHS option" + (f" ({why})" if why else "")
            steps.append(Step(view, days, None, False, note))
            continue
        failed, why = _failed(view, days, rules.trial_minimum_days)
        note = f"AHS option {option.id} ({option.label}): {why}"
        if failed and option.id in seen:
            note += "; the option already counted"
        if failed:
            seen.add(option.id)
        steps.append(Step(view, days, option, failed, note))
    return tuple(steps)


# -- disability (arm a) -----------------------------------------------------------------
@dataclass(frozen=True)
class Disability:
    status: str
    midas: Score | None  # the latest within the window
    hit6: Score | None
    reason: str

    def to_dict(self) -> dict[str, Any]:
        def one(s: Score | None) -> dict[str, Any] | None:
            return None if s is None else {"date": s.date.isoformat(), "total": s.total}

        return {
            "status": self.status,
            "midas": one(self.midas),
            "hit6": one(self.hit6),
            "reason": self.reason,
        }


def disability(scores: Sequence[Score], as_of: date, rules: AhsRules) -> Disability:
    """At least moderate disability: the latest MIDAS >= 11 or the latest HIT-6 > 50,
    each dated within ``within_days`` before ``as_of`` (90 days before counts, 91 does
    not). Met when either shows it; not met when a usable score exists and none does;
    undetermined without a usable score."""
    latest: dict[str, Score] = {}
    for s in sorted(scores, key=lambda s: s.date):
        if s.date <= as_of:
            latest[s.instrument] = s
    usable = {k: s for k, s in latest.items() if (as_of - s.date).days <= rules.within_days}
    midas, hit6 = usable.get("midas"), usable.get("hit6")
    need = f"MIDAS ≥{rules.midas_at_least} or HIT-6 >{rules.hit6_above}"
    if midas is None and hit6 is None:
        return Disability(
            UNDETERMINED,
            None,
            None,
            f"no MIDAS or HIT-6 score dated within the {rules.within_days} days before "
            f"{as_of.isoformat()}, so arm (a)'s disability ({need}) is unknown",
        )
    shown = []
    hits = []
    if midas is not None:
        shown.append(f"MIDAS {midas.total} on {midas.date.isoformat()}")
        hits.append(midas.total >= rules.midas_at_least)
    if hit6 is not None:
        shown.append(f"HIT-6 {hit6.total} on {hit6.date.isoformat()}")
        hits.append(hit6.total > rules.hit6_above)
    status = fact(any(hits))
    verb = "shows" if status == MET else "does not show"
    reason = f"{_and_list(shown)} {verb} at least moderate disability ({need})"
    return Disability(status, midas, hit6, reason)


# -- the verdict ------------------------------------------------------------------------
@dataclass(frozen=True)
class StepTherapy:
    status: str
    frequency_status: str
    chronic_status: str
    latest_month: MonthEvidence
    arms: dict[str, str]  # "a", "b", "c" -> status
    range_statuses: dict[str, str]  # "a", "b" -> the headache-day range alone
    disability: Disability
    failed_options: tuple[str, ...]
    failed_oral_classes: tuple[str, ...]
    failures_required: int
    botox_status: str
    steps: tuple[Step, ...]
    fits_no_arm: bool
    explanation: str
    as_of: date
    rules: AhsRules
    source: str = "AHS 2021"
    method: str = (
        "the payer rule of AHS 2021: (a) 4-7 headache days in the latest complete month "
        "with at least moderate disability (the latest MIDAS ≥11 or HIT-6 >50 within 90 "
        "days), (b) 8-14 headache days, or (c) chronic migraine (ICHD-3 1.3 as computed "
        "here), each with N AHS options failed (each option counted once; ineffective "
        "after at least 56 days at the recorded dose, or not tolerated / contraindicated) "
        "or, in (c), onabotulinumtoxinA ineffective after at least 168 days (2 cycles) or "
        "not tolerated; the target dose is not checked"
    )

    @property
    def arm(self) -> str | None:
        return next((k for k, v in self.arms.items() if v == MET), None)

    def columns(self) -> tuple[Column, ...]:
        (alo, ahi), (blo, bhi) = self.rules.ranges["a"], self.rules.ranges["b"]
        return (
            Column(f"headache_days_{alo}_{ahi}", "headache", alo, ahi),
            Column(f"headache_days_{blo}_{bhi}", "headache", blo, bhi),
        )

    def details(self) -> tuple[str, ...]:
        words = {MET: "holds", NOT_MET: "does not hold", UNDETERMINED: "undetermined"}
        (alo, ahi), (blo, bhi) = self.rules.ranges["a"], self.rules.ranges["b"]
        month = self.latest_month.month
        lines = [
            GUIDANCE,
            f"Arms in {month}: (a) {alo}–{ahi} headache days with at least moderate "
            f"disability {words[self.arms['a']]}; (b) {blo}–{bhi} headache days "
            f"{words[self.arms['b']]}; (c) chronic migraine {words[self.arms['c']]}.",
            f"Disability (arm a): {self.disability.reason}."
            if self.range_statuses["a"] != NOT_MET
            else f"Disability (arm a): not needed, {month} is outside {alo}–{ahi} headache days.",
            f"AHS options failed: {len(self.failed_options)} of the "
            f"{self.failures_required} the payer requires (N = {self.failures_required}; "
            "'migrainecli config set step-therapy-failures N' changes it)"
            + (f": {', '.join(self.failed_options)}." if self.failed_options else "."),
            DOSE_NOTE.format(days=self.rules.trial_minimum_days),
        ]
        if self.fits_no_arm:
            lines.insert(
                2,
                f"{month} has at least 15 headache days but chronic migraine is not met: "
                "the diary fits no arm of the AHS 2021 rule.",
            )
        return tuple(lines)

    def reason(self) -> str:
        """Why, in one or two lines (``Verdict.reason``): the arm that holds or what the
        latest month fits, the failed AHS options with their trials against N (the
        setting), what is still missing, and the AHS 2024 note."""
        (alo, ahi), (blo, bhi) = self.rules.ranges["a"], self.rules.ranges["b"]
        month = self.latest_month.month
        n = self.latest_month.counts["headache_days"]
        u = self.latest_month.untracked_days
        arms = {
            "a": f"{alo}–{ahi} headache days in {month} with at least moderate disability",
            "b": f"{blo}–{bhi} headache days in {month}",
            "c": "chronic migraine",
        }
        if self.arm is not None:
            parts = [f"Arm ({self.arm}) holds: {arms[self.arm]}"]
        else:
            days = f"{month} has {n} headache day{'s' if n != 1 else ''}" + (
                f" and {u} untracked" if u else ""
            )
            parts = [days + f", chronic migraine {self.chronic_status.replace('_', ' ')}"]
            if self.fits_no_arm:
                parts.append("that fits no arm (15 or more headache days without chronic migraine)")
            elif self.range_statuses["a"] != NOT_MET and self.disability.status == UNDETERMINED:
                parts.append(
                    f"arm (a) needs a MIDAS or HIT-6 score within {self.rules.within_days} days"
                )
        by_option: dict[str, list[str]] = {}
        for step in self.steps:
            if step.counts and step.option is not None:
                names = by_option.setdefault(step.option.label, [])
                if step.trial.therapy not in names:
                    names.append(step.trial.therapy)
        k, need = len(self.failed_options), self.failures_required
        options = (
            f"{k} AHS option{'s' if k != 1 else ''} failed (N = {need}: 'config set "
            "step-therapy-failures')"
            + (": " + ", ".join(f"{o} ({', '.join(t)})" for o, t in by_option.items()) if k else "")
        )
        parts.append(options)
        if self.botox_status != NOT_MET and any(
            s.counts and s.trial.class_id == BOTOX_CLASS for s in self.steps
        ):
            parts.append("onabotulinumtoxinA failed (arm c)")
        if self.status != MET and k < need:
            parts.append(f"needs {need - k} more failed AHS option{'s' if need - k != 1 else ''}")
        return (
            "; ".join(parts) + ". AHS 2024 makes CGRP-targeting therapy first-line; this is "
            "the AHS 2021 step rule payers still apply."
        )

    def view(self) -> Verdict:
        """The verdict as every renderer shows it (``rules.verdicts``)."""
        columns = self.columns()
        return Verdict.of(
            self,
            "cgrp_step_therapy",
            columns=columns,
            months=(self.latest_month.marks(columns),),
            details=self.details(),
            evidence=tuple(s.line() for s in self.steps),
            reason=self.reason(),
        )

    def to_dict(self) -> dict[str, Any]:
        (alo, ahi), (blo, bhi) = self.rules.ranges["a"], self.rules.ranges["b"]
        return {
            "status": self.status,
            "source": self.source,
            "title": "Payer step therapy for CGRP-targeting preventives (AHS 2021 rule)",
            "guidance": GUIDANCE,
            "method": self.method,
            "frequency": {
                "status": self.frequency_status,
                "chronic_migraine": self.chronic_status,
                "latest_month_headache_days": self.latest_month.counts["headache_days"],
                "threshold": blo,
                "ranges": {"a": [alo, ahi], "b": [blo, bhi]},
            },
            "arm": self.arm,
            "arms": {
                "a": {
                    "status": self.arms["a"],
                    "headache_days": self.range_statuses["a"],
                    "disability": self.disability.to_dict(),
                },
                "b": {"status": self.arms["b"], "headache_days": self.range_statuses["b"]},
                "c": {
                    "status": self.arms["c"],
                    "chronic_migraine": self.chronic_status,
                    "onabotulinumtoxinA": self.botox_status,
                },
            },
            "fits_no_arm": self.fits_no_arm,
            "failed_options": list(self.failed_options),
            "failures_required": self.failures_required,
            "failed_oral_classes": list(self.failed_oral_classes),
            "oral_classes_required": self.failures_required,
            "onabotulinumtoxinA": self.botox_status,
            "months": [self.latest_month.to_dict()],
            "evidence": [s.to_dict() for s in self.steps],
            "explanation": self.explanation,
        }


def cgrp_step_therapy(
    months: Sequence[MonthCounts],
    trials: Sequence[Trial],
    as_of: date,
    catalogue: Catalogue,
    chronic: ChronicMigraine | None = None,
    *,
    scores: Sequence[Score] = (),
    failures_required: int | None = None,
) -> StepTherapy:
    """The AHS 2021 payer rule (docs/criteria.md section 5); see the module
    docstring. ``chronic`` is the chronic-migraine verdict when already computed;
    ``failures_required`` is N (None: the data file's default, 2)."""
    rules = load_ahs_rules()
    n_required = failures_required or rules.failures_required_default
    if chronic is None:
        chronic = chronic_migraine(months, as_of)
    latest = window(months, as_of, 1)[0]
    n, u = latest.headache_days, latest.untracked_days
    ranges = {arm: range_status(n, u, lo, hi) for arm, (lo, hi) in rules.ranges.items()}
    checks = [
        Check(f"headache_days_{lo}_{hi}", "headache days", n, lo, ranges[arm])
        for arm, (lo, hi) in rules.ranges.items()
    ]
    latest_ev = _evidence(
        latest,
        checks,
        or3(*ranges.values(), chronic.status),
        counts={
            "headache_days": n,
            "ranges": {f"headache_days_{lo}_{hi}": [lo, hi] for lo, hi in rules.ranges.values()},
        },
    )
    dis = disability(scores, as_of, rules)

    steps = payer_steps(trials, as_of, catalogue, rules)
    failed_options = [o.id for o in rules.options if any(s.counts and s.option is o for s in steps)]
    class_order = list(catalogue.classes)
    failed_classes = sorted(
        {s.trial.class_id for s in steps if s.counts and s.option is not None},
        key=lambda c: class_order.index(c) if c in class_order else len(class_order),
    )
    enough = fact(len(failed_options) >= n_required)
    botox_failed = fact(any(s.counts and s.trial.class_id == BOTOX_CLASS for s in steps))
    botox = and3(chronic.status, botox_failed)

    arms = {
        "a": and3(ranges["a"], dis.status, enough),
        "b": and3(ranges["b"], enough),
        "c": and3(chronic.status, or3(enough, botox_failed)),
    }
    status = or3(*arms.values())
    frequency = or3(and3(ranges["a"], dis.status), ranges["b"], chronic.status)
    fits_no_arm = n >= 15 and chronic.status == NOT_MET

    explanation = _explain(
        status, arms, ranges, dis, chronic.status, latest.label, n, u, failed_options,
        n_required, botox_failed, fits_no_arm, rules,
    )  # fmt: skip
    return StepTherapy(
        status=status,
        frequency_status=frequency,
        chronic_status=chronic.status,
        latest_month=latest_ev,
        arms=arms,
        range_statuses=ranges,
        disability=dis,
        failed_options=tuple(failed_options),
        failed_oral_classes=tuple(failed_classes),
        failures_required=n_required,
        botox_status=botox,
        steps=steps,
        fits_no_arm=fits_no_arm,
        explanation=explanation,
        as_of=as_of,
        rules=rules,
    )


def _explain(
    status: str,
    arms: dict[str, str],
    ranges: dict[str, str],
    dis: Disability,
    chronic: str,
    month: str,
    n: int,
    u: int,
    failed: list[str],
    required: int,
    botox_failed: str,
    fits_no_arm: bool,
    rules: AhsRules,
) -> str:
    """Plain words for the verdict, built from the facts that decided it."""
    (alo, ahi), (blo, bhi) = rules.ranges["a"], rules.ranges["b"]
    days = f"{n} headache day{'s' if n != 1 else ''}" + (
        f" and {u} untracked day{'s' if u != 1 else ''}" if u else ""
    )
    options = (
        f"{len(failed)} AHS option{'s' if len(failed) != 1 else ''} failed "
        f"({required} required)" + (f": {', '.join(failed)}" if failed else "")
    )
    parts = [f"{month} has {days}", f"chronic migraine {chronic.replace('_', ' ')}", options]
    if botox_failed == MET:
        parts.append("onabotulinumtoxinA failed (ineffective after 24 weeks, or not tolerated)")
    head = {MET: "Met", NOT_MET: "Not met", UNDETERMINED: "Undetermined"}[status]
    text = f"{head} according to the recorded diary: " + "; ".join(parts) + "."
    if status == MET:
        arm = next(k for k, v in arms.items() if v == MET)
        return text + f" Arm ({arm}) holds."
    needs = []
    if fits_no_arm:
        needs.append(
            f"{month} has at least 15 headache days without chronic migraine, which fits "
            "no arm; chronic migraine (section 2) would bring arm (c)"
        )
    elif ranges["a"] != NOT_MET and dis.status == UNDETERMINED:
        needs.append(f"arm (a): {dis.reason}")
    if UNDETERMINED in ranges.values() and u:
        needs.append(f"logging the {u} untracked days of {month} would decide its range")
    if len(failed) < required:
        k = required - len(failed)
        still = [o.id for o in rules.options if o.id not in failed]
        needs.append(
            f"{k} more failed AHS option{'s' if k != 1 else ''} among {', '.join(still)}"
            + (
                " (or, with chronic migraine, onabotulinumtoxinA ineffective after 24 "
                "weeks or not tolerated)"
                if chronic != NOT_MET
                else ""
            )
        )
    if all(r == NOT_MET for r in ranges.values()) and chronic == NOT_MET and not fits_no_arm:
        needs.append(
            f"{alo}–{ahi} headache days with disability, {blo}–{bhi} headache days, or "
            "chronic migraine"
        )
    if needs:
        text += " What would change the verdict: " + "; ".join(needs) + "."
    return text
