"""Payer step therapy for CGRP monoclonal antibodies — AHS 2021
(clinical-criteria.md section 5).

Source: Ailani J, Burch RC, Robbins MS, "The American Headache Society Consensus
Statement: Update on integrating new migraine treatments into clinical practice",
Headache 2021;61:1021-1039.

As computed: AND(OR(chronic migraine, >=8 headache days in the latest complete month),
OR(>=2 failed established oral preventive classes, AND(chronic migraine, an
onabotulinumtoxinA trial of >=168 days ended ineffective))). One such Botox trial
stands for "2 or more cycles (>=24 weeks) ended ineffective". "At target dose" cannot
be checked from the diary; the dose is shown instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from migrainecli.models import Trial
from migrainecli.rules.chronic import ChronicMigraine, chronic_migraine
from migrainecli.rules.evidence import (
    MonthEvidence,
    _check,
    _count,
    _evidence,
)
from migrainecli.rules.months import (
    MET,
    NOT_MET,
    UNDETERMINED,
    MonthCounts,
    and3,
    fact,
    or3,
    window,
)
from migrainecli.rules.trials import (
    Adequacy,
    adequacy,
    as_of_view,
    duration_days,
)
from migrainecli.rules.verdicts import Column, Verdict

if TYPE_CHECKING:  # pragma: no cover - typing only
    from migrainecli.catalogue import Catalogue

# AHS 2021
STEP_HEADACHE_DAYS = 8
STEP_ORAL_CLASSES = 2
BOTOX_CLASS = "onabotulinumtoxinA"
BOTOX_MIN_DAYS = 168  # 2 cycles, 24 weeks (used when the catalogue gives no minimum)


# -- AHS 2021 step therapy for CGRP monoclonal antibodies -----------------------------
@dataclass(frozen=True)
class StepTherapy:
    status: str
    frequency_status: str
    chronic_status: str
    latest_month: MonthEvidence
    failed_oral_classes: tuple[str, ...]
    botox_status: str
    evidence: tuple[tuple[Trial, Adequacy], ...]
    explanation: str
    as_of: date
    source: str = "AHS 2021"
    method: str = (
        "chronic migraine (ICHD-3 1.3 as computed here) or at least 8 headache days in the "
        "latest complete month, and at least 2 established oral preventive classes failed "
        "(ineffective after at least 56 days, or not tolerated / contraindicated) or, for "
        "chronic migraine, onabotulinumtoxinA ineffective after at least 168 days (2 "
        "cycles, 24 weeks); the target dose is not checked"
    )

    def view(self) -> Verdict:
        """The verdict as every renderer shows it (``rules.verdicts``)."""
        columns = (Column("headache_days", "headache", STEP_HEADACHE_DAYS),)
        lines = tuple(
            f"{e['agent']} [{e['class']}] {e['dose'] or 'dose not recorded'}, "
            f"{e['start']} to {e['stop'] or 'ongoing'} ({e['duration_days']} days): "
            f"{e['outcome']}" + (f" — {e['reason']}" if e.get("reason") else "")
            for e in self.to_dict()["evidence"]
        )
        return Verdict(
            key="cgrp_step_therapy",
            status=self.status,
            source=self.source,
            method=self.method,
            explanation=self.explanation,
            columns=columns,
            months=(self.latest_month.marks(columns),),
            evidence=lines,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "source": self.source,
            "method": self.method,
            "frequency": {
                "status": self.frequency_status,
                "chronic_migraine": self.chronic_status,
                "latest_month_headache_days": self.latest_month.counts["headache_days"],
                "threshold": STEP_HEADACHE_DAYS,
            },
            "failed_oral_classes": list(self.failed_oral_classes),
            "oral_classes_required": STEP_ORAL_CLASSES,
            "onabotulinumtoxinA": self.botox_status,
            "months": [self.latest_month.to_dict()],
            "evidence": [
                {
                    "agent": t.therapy,
                    "class": t.class_id,
                    "dose": t.dose,
                    "start": t.start.isoformat(),
                    "stop": t.end.isoformat() if t.end else None,
                    "duration_days": a.duration_days,
                    "outcome": t.outcome,
                    "reason": t.reason,
                }
                for t, a in self.evidence
            ],
            "explanation": self.explanation,
        }


def cgrp_step_therapy(
    months: Sequence[MonthCounts],
    trials: Sequence[Trial],
    as_of: date,
    catalogue: Catalogue,
    chronic: ChronicMigraine | None = None,
) -> StepTherapy:
    """AHS 2021 step therapy for CGRP monoclonal antibodies (clinical-criteria.md
    section 5): AND(OR(chronic migraine, >=8 headache days in the latest complete
    month), OR(>=2 failed established oral classes, AND(chronic migraine, an
    onabotulinumtoxinA trial of >=168 days ended ineffective))). One such Botox trial
    stands for "2 or more cycles (>=24 weeks) ended ineffective". ``chronic`` is the
    chronic-migraine verdict when already computed."""
    if chronic is None:
        chronic = chronic_migraine(months, as_of)
    latest = window(months, as_of, 1)[0]
    check = _check(
        "headache_days",
        "headache days",
        latest.headache_days,
        latest.untracked_days,
        STEP_HEADACHE_DAYS,
    )
    latest_ev = _evidence(latest, [check], check.status)
    frequency = or3(chronic.status, check.status)  # AHS 2021: CM, or >=8 headache days

    oral = [c.id for c in catalogue.classes.values() if c.oral]
    failed_oral: list[str] = []
    evidence: list[tuple[Trial, Adequacy]] = []
    botox_trials: list[tuple[Trial, Adequacy]] = []
    botox_cls = catalogue.classes.get(BOTOX_CLASS)
    botox_min = (botox_cls.min_adequate_days if botox_cls else None) or BOTOX_MIN_DAYS
    for trial in sorted(trials, key=lambda t: (t.start, t.id or 0)):
        view = as_of_view(trial, as_of)
        if view is None:
            continue
        result = adequacy(trial, as_of, catalogue)
        if trial.class_id in oral and result.failed:
            # AHS 2021: >=8 weeks at target dose, or intolerance/contraindication.
            evidence.append((view, result))
            if trial.class_id not in failed_oral:
                failed_oral.append(trial.class_id)
        if (
            trial.class_id == BOTOX_CLASS
            and view.outcome == "ineffective"
            and view.end is not None
            and duration_days(view, as_of) >= botox_min
        ):
            botox_trials.append((view, result))
    failed_oral.sort(key=oral.index)
    botox = and3(chronic.status, fact(bool(botox_trials)))
    if botox_trials:
        evidence.extend(botox_trials)
    oral_status = fact(len(failed_oral) >= STEP_ORAL_CLASSES)
    status = and3(frequency, or3(oral_status, botox))

    parts = []
    if chronic.status == MET:
        parts.append("chronic migraine met")
    else:
        parts.append(
            f"chronic migraine {chronic.status.replace('_', ' ')}; "
            + latest_ev.phrases([MET, NOT_MET, UNDETERMINED])[0]
        )
    parts.append(
        f"{_count(len(failed_oral), 'established oral preventive class', 'es')} failed "
        f"({STEP_ORAL_CLASSES} needed)" + (f": {', '.join(failed_oral)}" if failed_oral else "")
    )
    if botox_trials:
        parts.append("onabotulinumtoxinA ineffective after at least 24 weeks")
    head = {MET: "Met", NOT_MET: "Not met", UNDETERMINED: "Undetermined"}[status]
    explanation = f"{head} according to the recorded diary: " + "; ".join(parts) + "."
    if status != MET:
        needs = []
        if frequency != MET:
            needs.append(
                f"at least {STEP_HEADACHE_DAYS} headache days in {latest.label} or chronic migraine"
            )
        if or3(oral_status, botox) != MET:
            k = STEP_ORAL_CLASSES - len(failed_oral)
            still = [c for c in oral if c not in failed_oral]
            needs.append(
                (
                    "one more failed oral preventive class"
                    if k == 1
                    else f"{k} failed oral preventive classes"
                )
                + f" among {', '.join(still)} (ineffective after at least 8 weeks, or not "
                "tolerated) or, with chronic migraine, onabotulinumtoxinA ineffective "
                "after at least 24 weeks"
            )
        explanation += " What would change the verdict: " + "; ".join(needs) + "."
    return StepTherapy(
        status=status,
        frequency_status=frequency,
        chronic_status=chronic.status,
        latest_month=latest_ev,
        failed_oral_classes=tuple(failed_oral),
        botox_status=botox,
        evidence=tuple(evidence),
        explanation=explanation,
        as_of=as_of,
    )
