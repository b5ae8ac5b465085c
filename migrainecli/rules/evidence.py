"""What every verdict is built from: one month's count against one threshold
(``Check``, three-valued, with its mark) and the months a verdict used
(``MonthEvidence``), and the plain-language phrases the explanations share.

docs/criteria.md section 1, "Three-valued verdicts from incomplete diaries": for a
month and threshold T on a count n with u untracked days, n >= T meets, n + u < T
cannot meet, otherwise undetermined.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from migrainecli.rules.months import (
    MET,
    NOT_MET,
    MonthCounts,
    threshold_status,
)
from migrainecli.rules.verdicts import Column, Mark, MonthMarks, ThresholdMark

if TYPE_CHECKING:  # pragma: no cover - typing only
    pass


def _n(count: int, noun: str) -> str:
    """``1 headache day`` / ``2 headache days`` (``noun`` given in the plural)."""
    return f"{count} {noun.replace('days', 'day', 1) if count == 1 else noun}"


def _count(count: int, noun: str, plural_suffix: str) -> str:
    """``1 triptan`` / ``2 triptans``."""
    return f"{count} {noun}{plural_suffix if count != 1 else ''}"


def _and_list(items: Sequence[str]) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _check_phrase(label: str, noun: str, n: int, u: int, t: int, status: str) -> str:
    """One month against one threshold, in plain words, saying what would decide it."""
    if status == MET:
        return f"{label} has {_n(n, noun)} (at least {t} needed)"
    if status == NOT_MET:
        tail = "no untracked days" if not u else f"only {_n(u, 'untracked days')}"
        return f"{label} has {_n(n, noun)}, {t - n} short of the {t} needed, with {tail}"
    more = _n(t - n, noun).replace(" ", " more ", 1)
    return (
        f"{label} has {_n(n, noun)} and {_n(u, 'untracked days')}; {more} "
        f"would reach {t} - logging those days would decide it"
    )


@dataclass(frozen=True)
class Check:
    """One month's count against one threshold (three-valued)."""

    name: str  # e.g. "headache_days", "8.2.2"
    noun: str  # e.g. "headache days"
    count: int
    threshold: int
    status: str
    # Whether the threshold's own condition lets it apply this month (three-valued);
    # only ICHD-3 8.2.6 has one (``rules.overuse.applicability``).
    applies: str = MET

    @property
    def mark(self) -> Mark:
        """What every renderer shows: "does not apply" when the condition rules the
        threshold out whatever the count, else the three-valued status."""
        if self.applies == NOT_MET:
            return Mark.DOES_NOT_APPLY
        return Mark(self.status)


@dataclass(frozen=True)
class MonthEvidence:
    """The counts of one month a verdict used, its thresholds and its status."""

    month: str
    complete: bool
    tracked_days: int
    untracked_days: int
    counts: dict[str, Any]
    thresholds: dict[str, int]
    checks: dict[str, str]
    status: str
    details: tuple[Check, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "month": self.month,
            "complete": self.complete,
            "tracked_days": self.tracked_days,
            "untracked_days": self.untracked_days,
            **self.counts,
            "thresholds": dict(self.thresholds),
            "checks": dict(self.checks),
            "status": self.status,
        }

    def marks(self, columns: Sequence[Column]) -> MonthMarks:
        """This month in the verdict view: a mark for each column shown."""
        by = {c.name: c for c in self.details}
        return MonthMarks(
            month=self.month,
            complete=self.complete,
            tracked_days=self.tracked_days,
            untracked_days=self.untracked_days,
            status=self.status,
            marks=tuple(
                ThresholdMark(
                    c.name, by[c.name].count, c.threshold, by[c.name].status, by[c.name].mark
                )
                for c in columns
                if c.name in by
            ),
        )

    def phrases(self, statuses: Iterable[str], names: Iterable[str] | None = None) -> list[str]:
        """Plain-language phrases for this month's checks with the given statuses."""
        wanted = set(statuses)
        only = set(names) if names is not None else None
        return [
            _check_phrase(self.month, c.noun, c.count, self.untracked_days, c.threshold, c.status)
            for c in self.details
            if c.status in wanted and (only is None or c.name in only)
        ]


def _evidence(
    m: MonthCounts,
    checks: Sequence[Check],
    status: str,
    counts: dict[str, Any] | None = None,
    combined: dict[str, str] | None = None,
) -> MonthEvidence:
    return MonthEvidence(
        month=m.label,
        complete=m.complete,
        tracked_days=m.tracked_days,
        untracked_days=m.untracked_days,
        counts=counts if counts is not None else {c.name: c.count for c in checks},
        thresholds={c.name: c.threshold for c in checks},
        checks={**{c.name: c.status for c in checks}, **(combined or {})},
        status=status,
        details=tuple(checks),
    )


def _check(name: str, noun: str, n: int, u: int, t: int) -> Check:
    return Check(name, noun, n, t, threshold_status(n, u, t))


def _window_phrases(
    evidence: Sequence[MonthEvidence],
    status: str,
    phrase: Callable[[MonthEvidence], list[str]] | None = None,
) -> list[str]:
    """Phrases for the months of a window whose status is ``status``; runs of months
    with no tracked day are said once ("2025-10 to 2025-12 are entirely untracked")."""
    out: list[str] = []
    blank: list[str] = []

    def flush() -> None:
        if blank:
            what = _and_list(blank) if len(blank) <= 2 else f"{blank[0]} to {blank[-1]}"
            verb = "is" if len(blank) == 1 else "are"
            out.append(f"{what} {verb} entirely untracked (before the diary start or in a gap)")
            blank.clear()

    for e in evidence:
        if e.status != status:
            continue
        if e.tracked_days == 0:
            blank.append(e.month)
            continue
        flush()
        out.extend(phrase(e) if phrase else e.phrases([status]))
    flush()
    return out


def _months_explanation(
    evidence: Sequence[MonthEvidence], status: str, met_summary: str, need: str
) -> str:
    """Explanation for a window of months: which months, which counts, what would
    change the verdict."""
    span = f"{evidence[0].month} to {evidence[-1].month}" if evidence else "no months"
    if status == MET:
        return f"Met according to the recorded diary ({span}): {met_summary}."
    parts = "; ".join(_window_phrases(evidence, status))
    if status == NOT_MET:
        return f"Not met according to the recorded diary ({span}): {parts}. {need}"
    return f"Undetermined ({span}): untracked days could change the verdict. {parts}. {need}"
