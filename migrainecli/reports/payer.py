"""The payer section of the clinician summary: the facts a prior-authorisation or
renewal form asks for, built once for ``summary --format text|csv|html`` and
``summary --section payer``.

Pure: it reads the month counts of ``rules.months.monthly_counts`` (one pass, done by
``evaluate``), the trial responses of ``reports.data.trial_responses``
(``rules.trials.trial_response``, docs/criteria.md section 7) and the disability scores
of ``reports.data.summary_scores`` (section 8). Nothing is counted here.

Choices made here (also in the README):

- The months are the complete months of the summary's last-12-months window; the month
  so far is left out (a payer counts whole months).
- Days with a headache of at least 4 hours (section 10, BOTOX prescribing information):
  a headache day without a recorded duration is unknown, as an untracked day is; the
  cell reads "12 (+3 unknown)" (12 days of 4 hours or more, 3 headache days without a
  duration). Against the prescribing information's 15 days a month the month is marked
  by the three-valued rule of section 1 (▲ reached, ? the unknown days decide) with the
  untracked and the unknown days as the unknown ones. The line under the table says how
  many of the 3 most recent complete months (those of section 2) reach it: facts for a
  form, not a verdict of its own.
- Per preventive trial the change in migraine days and in headache days between the
  baseline and on-treatment windows, each marked at 50 % and 30 % fewer; where a window
  has no month the line says "not computable: ..." with the reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from migrainecli.rules.chronic import CM_HEADACHE_DAYS, CM_MIGRAINE_DAYS
from migrainecli.rules.months import (
    LONG_HEADACHE_HOURS,
    MonthCounts,
    threshold_status,
    window,
)
from migrainecli.rules.verdicts import Mark

SECTION_TITLE = "For payer forms"
# docs/criteria.md section 10: headache on at least 15 days a month lasting 4 hours a
# day or longer (BOTOX prescribing information, chronic migraine).
LONG_HEADACHE_DAYS = 15
LONG_HEADACHE_SOURCE = "BOTOX prescribing information (docs/criteria.md section 10)"
LONG_HEADACHE_MONTHS = 3  # the 3 most recent complete months (those of section 2)
RESPONSE_SOURCE = "docs/criteria.md section 7 (Tassorelli 2018; Bendtsen 2018)"
THRESHOLDS = {
    "headache_days": CM_HEADACHE_DAYS,  # ICHD-3 1.3 A
    "migraine_days": CM_MIGRAINE_DAYS,  # ICHD-3 1.3 C
    "long_headache_days": LONG_HEADACHE_DAYS,  # section 10
}


@dataclass(frozen=True)
class PayerMonth:
    """One complete month: the counts a payer form asks for, with the marks of the
    thresholds (``long_headache_days`` three-valued over untracked and unknown days)."""

    month: str
    tracked_days: int
    untracked_days: int
    headache_days: int
    migraine_days: int
    moderate_severe_days: int
    acute_medication_days: int
    long_headache_days: int  # a recorded duration of at least 4 hours
    long_headache_unknown_days: int  # headache days without a recorded duration
    marks: dict[str, Mark]

    @property
    def long_headache_text(self) -> str:
        """``12``, or ``12 (+3 unknown)`` with headache days without a duration."""
        text = str(self.long_headache_days)
        if self.long_headache_unknown_days:
            text += f" (+{self.long_headache_unknown_days} unknown)"
        return text

    def to_dict(self) -> dict[str, Any]:
        return {
            "month": self.month,
            "tracked_days": self.tracked_days,
            "untracked_days": self.untracked_days,
            "headache_days": self.headache_days,
            "migraine_days": self.migraine_days,
            "moderate_severe_days": self.moderate_severe_days,
            "acute_medication_days": self.acute_medication_days,
            "long_headache_days": self.long_headache_days,
            "long_headache_unknown_days": self.long_headache_unknown_days,
            "long_headache_text": self.long_headache_text,
            "marks": {k: v.value for k, v in self.marks.items()},
            # the lists the month-table cells read (reports.data.month_dict)
            "at_threshold": [k for k, v in self.marks.items() if v is Mark.MET],
            "undetermined": [k for k, v in self.marks.items() if v is Mark.UNDETERMINED],
            "does_not_apply": [],
        }


def payer_month(m: MonthCounts) -> PayerMonth:
    u = m.untracked_days
    unknown = u + m.no_duration_days  # section 10: no duration is unknown
    marks = {
        "headache_days": Mark(threshold_status(m.headache_days, u, CM_HEADACHE_DAYS)),
        "migraine_days": Mark(threshold_status(m.migraine_days, u, CM_MIGRAINE_DAYS)),
        "long_headache_days": Mark(
            threshold_status(m.long_headache_days, unknown, LONG_HEADACHE_DAYS)
        ),
    }
    return PayerMonth(
        month=m.label,
        tracked_days=m.tracked_days,
        untracked_days=u,
        headache_days=m.headache_days,
        migraine_days=m.migraine_days,
        moderate_severe_days=m.moderate_severe_days,
        acute_medication_days=m.acute_medication_days,
        long_headache_days=m.long_headache_days,
        long_headache_unknown_days=m.no_duration_days,
        marks=marks,
    )


def _long_headache_line(months: Sequence[MonthCounts], as_of: date) -> str:
    """How many of the 3 most recent complete months have at least 15 days of 4 hours
    or more (section 10): counted, undetermined, or out of reach."""
    recent = [payer_month(m) for m in window(months, as_of, LONG_HEADACHE_MONTHS)]
    marks = [p.marks["long_headache_days"] for p in recent]
    reached = sum(mark is Mark.MET for mark in marks)
    open_ = sum(mark is Mark.UNDETERMINED for mark in marks)
    span = f"{recent[0].month} to {recent[-1].month}"
    # the untracked days beside each count: a month before the diary is "0 (31
    # untracked)", never a bare 0 that reads as no long headache at all
    cells = ", ".join(
        f"{p.month}: {p.long_headache_text}"
        + (f" ({p.untracked_days} untracked)" if p.untracked_days else "")
        for p in recent
    )
    line = (
        f"Headache of {LONG_HEADACHE_HOURS} hours or more on at least {LONG_HEADACHE_DAYS} "
        f"days a month (BOTOX prescribing information, chronic migraine) in the "
        f"{LONG_HEADACHE_MONTHS} most recent complete months ({span}): reached in "
        f"{reached} of {LONG_HEADACHE_MONTHS}"
    )
    if open_:
        line += (
            f", {open_} undetermined (untracked days or headache days without a recorded "
            "duration decide)"
        )
    return f"{line}; {cells}."


# -- per preventive trial (section 7) ----------------------------------------------------
def signed_percent(reduction: float) -> str:
    """A reduction as a change: 62.5 -> '−62.5%', -20 -> '+20%'."""
    change = -reduction
    sign = "+" if change > 0 else ("−" if change < 0 else "±")
    return f"{sign}{abs(change):g}%"


def _yes_no(flag: bool | None) -> str:
    return {True: "yes", False: "no", None: "—"}[flag]


def _mean(value: float | None) -> str:
    return "—" if value is None else f"{value:g}"


def _months_text(months: Sequence[str]) -> str:
    if not months:
        return "no month"
    if len(months) == 1:
        return months[0]
    return f"{months[0]} to {months[-1]} ({len(months)} months)"


@dataclass(frozen=True)
class Change:
    """One count (migraine or headache days per month) before and on a trial."""

    measure: str  # "migraine_days" or "headache_days"
    baseline: float | None
    treated: float | None
    reduction_percent: float | None
    at_least_50: bool | None
    at_least_30: bool | None

    @property
    def means(self) -> str:
        """``10 → 4``; ``—`` for a window without a month."""
        return f"{_mean(self.baseline)} → {_mean(self.treated)}"

    @property
    def change(self) -> str:
        """``−60%``; ``—`` where there is no reduction to compute."""
        if self.reduction_percent is None:
            return "—"
        return signed_percent(self.reduction_percent)

    @property
    def text(self) -> str:
        """``migraine days 10 → 4 per month, −60% (≥50% fewer: yes, ≥30% fewer: yes)``."""
        text = f"{self.measure.replace('_', ' ')} {self.means} per month"
        if self.reduction_percent is None:
            if self.baseline == 0 and self.treated is not None:
                text += ", no reduction to compute (baseline 0)"
            return text
        return (
            f"{text}, {self.change} (≥50% fewer: {_yes_no(self.at_least_50)}, ≥30% fewer: "
            f"{_yes_no(self.at_least_30)})"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "baseline": self.baseline,
            "treated": self.treated,
            "reduction_percent": self.reduction_percent,
            "at_least_50": self.at_least_50,
            "at_least_30": self.at_least_30,
            "means": self.means,
            "change": self.change,
            "marks": f"{_yes_no(self.at_least_50)} / {_yes_no(self.at_least_30)}",
            "text": self.text,
        }


@dataclass(frozen=True)
class PayerTrial:
    therapy: str
    class_id: str
    start: str
    end: str | None
    baseline_months: tuple[str, ...]
    treated_months: tuple[str, ...]
    migraine: Change
    headache: Change
    not_computable: str | None  # why a window has no month (None: both have months)
    note: str | None  # the rule's full note (lower bounds, windows)

    def to_dict(self) -> dict[str, Any]:
        return {
            "therapy": self.therapy,
            "class": self.class_id,
            "start": self.start,
            "end": self.end,
            "baseline_months": list(self.baseline_months),
            "treated_months": list(self.treated_months),
            "migraine_days": self.migraine.to_dict(),
            "headache_days": self.headache.to_dict(),
            "not_computable": self.not_computable,
            "note": self.note,
            "windows": self.windows,
            "lines": list(self.lines),
        }

    @property
    def windows(self) -> str:
        """``baseline 2025-01 to 2025-03 (3 months); on it 2025-06 to 2025-09 (4 months)``."""
        return (
            f"baseline {_months_text(self.baseline_months)}; on it "
            f"{_months_text(self.treated_months)}"
        )

    @property
    def lines(self) -> tuple[str, ...]:
        """What the text summary prints under the trial (the HTML row holds the same)."""
        if self.not_computable is None:
            return (self.windows, self.migraine.text, self.headache.text)
        if not self.baseline_months and not self.treated_months:
            return (self.not_computable,)
        known = (
            f"migraine days {self.migraine.means}, headache days {self.headache.means} per month"
        )
        return (self.windows, known, self.not_computable)


def payer_trial(r: dict[str, Any], reason: str) -> PayerTrial:
    """One entry of ``reports.data.trial_responses`` as the payer section shows it;
    ``reason``: why it has no number (``reports.data.short_response_note``)."""
    why = None
    if not r["baseline_months"] or not r["treated_months"]:
        why = f"not computable: {reason}"
    return PayerTrial(
        therapy=r["therapy"],
        class_id=r["class"],
        start=r["start"],
        end=r["end"],
        baseline_months=tuple(r["baseline_months"]),
        treated_months=tuple(r["treated_months"]),
        migraine=Change(
            "migraine_days",
            r["baseline_migraine_days"],
            r["treated_migraine_days"],
            r["reduction_percent"],
            r["responder"],
            r["reduction_at_least_30"],
        ),
        headache=Change(
            "headache_days",
            r["baseline_headache_days"],
            r["treated_headache_days"],
            r["headache_reduction_percent"],
            r["headache_reduction_at_least_50"],
            r["headache_reduction_at_least_30"],
        ),
        not_computable=why,
        note=r["note"],
    )


# -- the section ---------------------------------------------------------------------------
@dataclass(frozen=True)
class PayerSection:
    months: tuple[PayerMonth, ...]
    long_headache_line: str | None
    trials: tuple[PayerTrial, ...]
    scores: dict[str, Any]  # reports.data.summary_scores

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": SECTION_TITLE,
            "thresholds": dict(THRESHOLDS),
            "long_headache_hours": LONG_HEADACHE_HOURS,
            "months": [m.to_dict() for m in self.months],
            "long_headache_line": self.long_headache_line,
            "trials": [t.to_dict() for t in self.trials],
            "scores": self.scores,
        }


def payer_section(
    months: Sequence[MonthCounts],
    shown: Sequence[MonthCounts],
    as_of: date,
    responses: Sequence[dict[str, Any]],
    reasons: Sequence[str],
    scores: dict[str, Any],
) -> PayerSection:
    """The payer section. ``months``: every month of the diary (``StatusReport.months``);
    ``shown``: the summary's window (its complete months are the section's);
    ``responses``: ``reports.data.trial_responses``, with ``reasons`` (why each has no
    number, ``reports.data.short_response_note``); ``scores``: ``summary_scores``."""
    return PayerSection(
        months=tuple(payer_month(m) for m in shown if m.complete),
        long_headache_line=_long_headache_line(months, as_of) if months else None,
        trials=tuple(payer_trial(r, why) for r, why in zip(responses, reasons, strict=True)),
        scores=scores,
    )
