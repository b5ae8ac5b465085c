"""Chronic migraine — ICHD-3 1.3 (docs/criteria.md section 2).

Source: Headache Classification Committee of the IHS, ICHD-3, Cephalalgia
2018;38:1-211, code 1.3.

As computed: ``met`` when each of the 3 most recent complete calendar months has >=15
headache days (A) and >=8 migraine days (C), and B (>=5 attacks) holds over the whole
diary, three-valued while untracked days could supply them. D is "not assessed". The
history lists every past run of >=3 qualifying months. ICHD-3 says ">3 months"; the
tool requires 3 full calendar months and says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from migrainecli.rules.evidence import (
    MonthEvidence,
    _check,
    _evidence,
    _months_explanation,
    _n,
)
from migrainecli.rules.months import (
    MET,
    MonthCounts,
    add_months,
    all_of,
    and3,
    threshold_status,
    window,
)
from migrainecli.rules.verdicts import Column, Verdict

if TYPE_CHECKING:  # pragma: no cover - typing only
    pass

# ICHD-3 1.3 A and C
CM_HEADACHE_DAYS = 15
CM_MIGRAINE_DAYS = 8
CM_MONTHS = 3
CM_HISTORY_ATTACKS = 5  # ICHD-3 1.3 B


# -- ICHD-3 1.3 chronic migraine ------------------------------------------------------
@dataclass(frozen=True)
class Run:
    """A run of consecutive complete months meeting the chronic-migraine thresholds."""

    start: str  # "YYYY-MM"
    end: str
    months: int

    def to_dict(self) -> dict[str, Any]:
        return {"from": self.start, "to": self.end, "months": self.months}


@dataclass(frozen=True)
class ChronicMigraine:
    status: str
    months: tuple[MonthEvidence, ...]
    criterion_b_status: str
    recorded_migraine_days: int
    history: tuple[Run, ...]
    explanation: str
    recorded_aura_only_days: int = 0  # ICHD-3 1.2.1.2 attacks, counted for 1.3 B
    source: str = "ICHD-3 1.3"
    method: str = (
        "each of the 3 most recent complete calendar months has at least 15 headache days "
        "and at least 8 migraine days (ICHD-3 says more than 3 months; the tool requires "
        "3 full calendar months); untracked days are unknown, not headache-free"
    )

    def view(self) -> Verdict:
        """The verdict as every renderer shows it (``rules.verdicts``)."""
        columns = (
            Column("headache_days", "headache", CM_HEADACHE_DAYS),
            Column("migraine_days", "migraine", CM_MIGRAINE_DAYS),
        )
        n = self.recorded_migraine_days
        aura = self.recorded_aura_only_days
        also = f" and {_n(aura, 'aura-only days')} (ICHD-3 1.2.1.2)" if aura else ""
        b = (
            f"Criterion B (≥{CM_HISTORY_ATTACKS} attacks in the history): {_n(n, 'migraine days')}"
            f"{also} recorded, {self.criterion_b_status.replace('_', ' ')}. "
            "Criterion D: not assessed."
        )
        return Verdict.of(
            self,
            "chronic_migraine",
            columns=columns,
            months=tuple(m.marks(columns) for m in self.months),
            details=(b,),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "source": self.source,
            "method": self.method,
            "months": [m.to_dict() for m in self.months],
            "explanation": self.explanation,
            "criterion_b": {
                "status": self.criterion_b_status,
                "recorded_migraine_days": self.recorded_migraine_days,
                "recorded_aura_only_days": self.recorded_aura_only_days,
                "recorded_attacks": self.recorded_migraine_days + self.recorded_aura_only_days,
                "required": CM_HISTORY_ATTACKS,
            },
            "criterion_d": "not assessed",
            "history": [r.to_dict() for r in self.history],
        }


# ICHD-3 1.3 A (>=15 headache days) and C (>=8 migraine days: C1, C2 or C3), per month.
_MONTH_CHECKS = (
    ("headache_days", "headache days", CM_HEADACHE_DAYS),
    ("migraine_days", "migraine days", CM_MIGRAINE_DAYS),
)


def chronic_month(m: MonthCounts) -> MonthEvidence:
    """One month for ICHD-3 1.3: A (>=15 headache days) AND C (>=8 migraine days)."""
    checks = [
        _check(name, noun, getattr(m, name), m.untracked_days, t) for name, noun, t in _MONTH_CHECKS
    ]
    return _evidence(m, checks, all_of(c.status for c in checks))


def chronic_month_status(m: MonthCounts) -> str:
    """``chronic_month(m).status`` without its evidence (for every month of the history)."""
    return all_of(
        threshold_status(getattr(m, name), m.untracked_days, t) for name, _, t in _MONTH_CHECKS
    )


def chronic_history(months: Sequence[MonthCounts]) -> list[Run]:
    """Every run of >=3 consecutive complete months each meeting both ICHD-3 1.3
    thresholds outright (``met``, not undetermined), oldest first."""
    runs: list[Run] = []
    current: list[MonthCounts] = []

    def flush() -> None:
        if len(current) >= CM_MONTHS:
            runs.append(Run(current[0].label, current[-1].label, len(current)))

    for m in months:
        ok = m.complete and chronic_month_status(m) == MET
        if ok and current and add_months(*current[-1].key, 1) == m.key:
            current.append(m)
            continue
        flush()
        current = [m] if ok else []
    flush()
    return runs


def chronic_migraine(months: Sequence[MonthCounts], as_of: date) -> ChronicMigraine:
    """ICHD-3 1.3 as computed in docs/criteria.md section 2.

    ``met`` when each of the 3 most recent complete calendar months has >=15 headache
    days (A) and >=8 migraine days (C), three-valued per month, AND criterion B: >=5
    recorded migraine days in the whole diary (three-valued over the diary's untracked
    days). D is the clinician's ("not assessed"). Also returns every past run of >=3
    consecutive qualifying months (``history``).
    """
    win = window(months, as_of, CM_MONTHS)
    evidence = tuple(chronic_month(m) for m in win)
    window_status = all_of(e.status for e in evidence)

    in_diary = {m.key for m in months}
    recorded = sum(m.migraine_days for m in months)
    # ICHD-3 1.3 B: attacks fulfilling 1.1 B-D and/or 1.2 B-C, so an aura without
    # headache (1.2.1.2, an aura-only day) is an attack of the history too.
    aura_only = sum(m.aura_only_days for m in months)
    attacks = recorded + aura_only
    unknown = sum(m.untracked_days for m in months) + sum(
        m.untracked_days for m in win if m.key not in in_diary
    )
    b_status = threshold_status(attacks, unknown, CM_HISTORY_ATTACKS)  # ICHD-3 1.3 B
    status = and3(window_status, b_status)
    history = tuple(chronic_history(months))

    hd = ", ".join(str(e.counts["headache_days"]) for e in evidence)
    md = ", ".join(str(e.counts["migraine_days"]) for e in evidence)
    explanation = _months_explanation(
        evidence,
        window_status,
        f"headache days {hd} (at least 15 each) and migraine days {md} (at least 8 each)",
        "Chronic migraine needs 3 consecutive complete months, each with at least 15 "
        "headache days of which at least 8 are migraine days.",
    )
    if b_status != MET:
        also = f" and {_n(aura_only, 'aura-only days')}" if aura_only else ""
        explanation += (
            f" Criterion B: {_n(recorded, 'recorded migraine days')}{also} in the whole diary; "
            f"ICHD-3 1.3 B needs at least {CM_HISTORY_ATTACKS} attacks."
        )
    if history:
        explanation += (
            " Chronic pattern in the diary: "
            + "; ".join(f"{r.start} to {r.end}" for r in history)
            + "."
        )
    return ChronicMigraine(status, evidence, b_status, recorded, history, explanation, aura_only)
