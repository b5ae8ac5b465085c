"""The verdicts of ``status``: one evaluator per criterion, and ``evaluate_all``.

clinical-criteria.md sections 2-5. Every evaluator takes the month counts of
``migrainecli.rules.months.monthly_counts`` (and the trials and catalogue where
needed) and returns a typed verdict whose ``to_dict()`` is the JSON of
interface.md ``status --json``. Verdicts are three-valued: ``met``, ``not_met``,
``undetermined`` (clinical-criteria.md "Three-valued verdicts").

Choices the criteria document leaves open (also in the README):

- The window is the 3 (EHF refractory: 6) most recent *complete* calendar months
  on or before the as-of date; a month before the diary start is entirely
  untracked, so a short diary is usually undetermined, never "not met" by default.
- ICHD-3 1.3 B (>=5 attacks) is three-valued over the whole diary: met with >=5
  recorded migraine days, undetermined while untracked days could supply them.
- An ICHD-3 8.2 month holds when A (>=15 headache days) AND at least one subtype
  holds that month; ``subtypes`` lists the codes holding (with A) in every month of
  the window, so overuse by different classes in different months is ``met`` with
  no single code listed (the explanation says so).
- ICHD-3 8.2.6 needs >=10 days of the 8.2.1-8.2.5 classes together, intakes of at
  least 2 of those classes in the month, and none of them overused alone.
  Paracetamol, aspirin and NSAIDs are one class (8.2.3, >=15), so they alone are
  never 8.2.6. Antiemetics count nowhere. A month with >=10 pooled days from
  several classes is overuse even while untracked days leave open whether one
  class alone (e.g. 8.2.2) or the pool (8.2.6) is its subtype.
- Each month's evidence carries its counts, ``thresholds`` and per-threshold
  ``checks`` (three-valued); the explanation names only what decides the verdict:
  the failing months when ``not_met``, the open months and the days that would
  decide them when ``undetermined``.
- The overuse warning looks at the current incomplete month only: a medication
  subtype within 2 days of its threshold (or already over it).
- EHF 2020 triptan condition: >=2 distinct triptans (names compared ignoring case
  and spacing, brand names resolved through the catalogue when possible) with an
  acute trial ended ineffective, not tolerated or contraindicated; one triptan
  trial ended ``contraindicated`` means the class is contraindicated.
- EHF 2020 class failures are facts from the trials (met / not_met); only the
  months can be undetermined. "Failed classes" counts EHF groups (7 in all).
- AHS 2021: one onabotulinumtoxinA trial that lasted >=168 days and ended
  ineffective stands for "2 or more cycles (>=24 weeks) ended ineffective".
  "At target dose" cannot be checked from the diary; the dose is shown instead.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from migrainecli.models import DiaryData, Trial
from migrainecli.rules.months import (
    MET,
    NOT_MET,
    POOL_SUBTYPE,
    SINGLE_CLASS_SUBTYPES,
    UNDETERMINED,
    MonthCounts,
    add_months,
    all_of,
    and3,
    any_of,
    diary_start,
    fact,
    monthly_counts,
    not3,
    or3,
    threshold_status,
    window,
)
from migrainecli.rules.trials import (
    Adequacy,
    adequacy,
    as_of_view,
    duration_days,
    is_inadequate,
    trial_dict,
)

if TYPE_CHECKING:  # pragma: no cover - typing only
    from migrainecli.catalogue import Catalogue

# The verdicts' names for people, and the reminder printed with every report.
TITLES = {
    "chronic_migraine": "Chronic migraine",
    "medication_overuse": "Medication-overuse headache",
    "resistant_migraine": "Resistant migraine",
    "refractory_migraine": "Refractory migraine",
    "cgrp_step_therapy": "CGRP antibody step therapy",
}
DISCLAIMER = (
    "These are published criteria read from the recorded diary, not a diagnosis; "
    "a clinician decides what they mean."
)
# ICHD-3 1.3 A and C
CM_HEADACHE_DAYS = 15
CM_MIGRAINE_DAYS = 8
CM_MONTHS = 3
CM_HISTORY_ATTACKS = 5  # ICHD-3 1.3 B
# ICHD-3 8.2
MOH_HEADACHE_DAYS = 15  # ICHD-3 8.2 A
MOH_MONTHS = 3
MOH_THRESHOLDS = {
    "8.2.1": 10,  # ergot derivatives
    "8.2.2": 10,  # triptans
    "8.2.3": 15,  # non-opioid analgesics (paracetamol, aspirin, NSAIDs) as one class
    "8.2.4": 10,  # opioids
    "8.2.5": 10,  # combination analgesics
    "8.2.6": 10,  # several of the above together, none overused alone
    "8.2.8": 10,  # other: gepants and ditans taken acutely (the project's inference)
}
MOH_NAMES = {
    "8.2.1": "ergot derivatives",
    "8.2.2": "triptans",
    "8.2.3": "simple analgesics (paracetamol, aspirin, NSAIDs)",
    "8.2.4": "opioids",
    "8.2.5": "combination analgesics",
    "8.2.6": "several acute classes together",
    "8.2.8": "gepants/ditans",
}
WARNING_MARGIN = 2  # days (clinical-criteria.md section 3)
# EHF 2020
EHF_DEBILITATING_DAYS = 8
RESISTANT_CLASSES = 3
RESISTANT_MONTHS = 3
REFRACTORY_MONTHS = 6
TRIPTANS_REQUIRED = 2
TRIPTAN_CLASS = "triptan"
TRIPTAN_FAILURES = frozenset({"ineffective", "not_tolerated", "contraindicated"})
# AHS 2021
STEP_HEADACHE_DAYS = 8
STEP_ORAL_CLASSES = 2
BOTOX_CLASS = "onabotulinumtoxinA"
BOTOX_MIN_DAYS = 168  # 2 cycles, 24 weeks (used when the catalogue gives no minimum)


# -- shared pieces ----------------------------------------------------------------------
def _n(count: int, noun: str) -> str:
    """``1 headache day`` / ``2 headache days`` (``noun`` given in the plural)."""
    return f"{count} {noun.replace('days', 'day', 1) if count == 1 else noun}"


def _group_names(groups: Sequence[str], class_ids: Sequence[str]) -> list[str]:
    """EHF groups in words: a class id, or "CGRP pathway (cgrp_mab, gepant_preventive)"."""
    names = []
    for g in groups:
        members = [c for c in dict.fromkeys(class_ids) if c == g or _GROUP_OF.get(c) == g]
        if g == "cgrp_pathway":
            names.append(f"CGRP pathway ({', '.join(members) or 'cgrp_mab, gepant_preventive'})")
        else:
            names.append(g)
    return names


_GROUP_OF = {"cgrp_mab": "cgrp_pathway", "gepant_preventive": "cgrp_pathway"}


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
    source: str = "ICHD-3 1.3"
    method: str = (
        "each of the 3 most recent complete calendar months has at least 15 headache days "
        "and at least 8 migraine days (ICHD-3 says more than 3 months; the tool requires "
        "3 full calendar months); untracked days are unknown, not headache-free"
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
                "required": CM_HISTORY_ATTACKS,
            },
            "criterion_d": "not assessed",
            "history": [r.to_dict() for r in self.history],
        }


def chronic_month(m: MonthCounts) -> MonthEvidence:
    """One month for ICHD-3 1.3: A (>=15 headache days) AND C (>=8 migraine days)."""
    checks = [
        _check(
            "headache_days", "headache days", m.headache_days, m.untracked_days, CM_HEADACHE_DAYS
        ),  # ICHD-3 1.3 A
        _check(
            "migraine_days", "migraine days", m.migraine_days, m.untracked_days, CM_MIGRAINE_DAYS
        ),  # ICHD-3 1.3 C (C1, C2 or C3)
    ]
    return _evidence(m, checks, all_of(c.status for c in checks))


def chronic_history(months: Sequence[MonthCounts]) -> list[Run]:
    """Every run of >=3 consecutive complete months each meeting both ICHD-3 1.3
    thresholds outright (``met``, not undetermined), oldest first."""
    runs: list[Run] = []
    current: list[MonthCounts] = []

    def flush() -> None:
        if len(current) >= CM_MONTHS:
            runs.append(Run(current[0].label, current[-1].label, len(current)))

    for m in months:
        ok = m.complete and chronic_month(m).status == MET
        if ok and current and add_months(*current[-1].key, 1) == m.key:
            current.append(m)
            continue
        flush()
        current = [m] if ok else []
    flush()
    return runs


def chronic_migraine(months: Sequence[MonthCounts], as_of: date) -> ChronicMigraine:
    """ICHD-3 1.3 as computed in clinical-criteria.md section 2.

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
    unknown = sum(m.untracked_days for m in months) + sum(
        m.untracked_days for m in win if m.key not in in_diary
    )
    b_status = threshold_status(recorded, unknown, CM_HISTORY_ATTACKS)  # ICHD-3 1.3 B
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
        explanation += (
            f" Criterion B: {_n(recorded, 'recorded migraine days')} in the whole diary; ICHD-3 "
            f"1.3 B needs at least {CM_HISTORY_ATTACKS} attacks."
        )
    if history:
        explanation += (
            " Chronic pattern in the diary: "
            + "; ".join(f"{r.start} to {r.end}" for r in history)
            + "."
        )
    return ChronicMigraine(status, evidence, b_status, recorded, history, explanation)


# -- ICHD-3 8.2 medication-overuse headache ---------------------------------------------
@dataclass(frozen=True)
class MedicationOveruse:
    status: str
    months: tuple[MonthEvidence, ...]
    subtypes: tuple[str, ...]
    warning: str | None
    current_month: dict[str, Any] | None
    explanation: str
    source: str = "ICHD-3 8.2"
    method: str = (
        "each of the 3 most recent complete calendar months has at least 15 headache days "
        "and at least one subtype's threshold in days of intake (8.2.1 ergots, 8.2.2 "
        "triptans, 8.2.4 opioids, 8.2.5 combination analgesics: 10; 8.2.3 simple "
        "analgesics as one class: 15; 8.2.6 several of these together, none overused "
        "alone: 10; 8.2.8 gepants/ditans taken acutely, the project's inference: 10); "
        "8.2.7 is not computed; antiemetics and preventive trials are not acute intakes"
    )

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "source": self.source,
            "method": self.method,
            "subtypes": list(self.subtypes),
            "months": [m.to_dict() for m in self.months],
            "warning": self.warning,
            "current_month": self.current_month,
            "explanation": self.explanation,
        }


def pool_applies(moh_days: dict[str, int]) -> bool:
    """ICHD-3 8.2.6 can apply to these recorded days of intake: at least 2 of the
    8.2.1-8.2.5 classes taken, and none of them at its own limit."""
    used = sum(1 for code in SINGLE_CLASS_SUBTYPES if moh_days.get(code, 0) > 0)
    alone = any(moh_days.get(code, 0) >= MOH_THRESHOLDS[code] for code in SINGLE_CLASS_SUBTYPES)
    return used >= 2 and not alone


def _pool_classes_used(m: MonthCounts) -> int:
    """How many of the 8.2.1-8.2.5 classes had at least one day of intake."""
    return sum(1 for code in SINGLE_CLASS_SUBTYPES if m.moh_days.get(code, 0) > 0)


def overuse_month(m: MonthCounts) -> MonthEvidence:
    """One month for ICHD-3 8.2: A (>=15 headache days) AND any subtype's threshold."""
    u = m.untracked_days
    days = {code: m.moh_days.get(code, 0) for code in MOH_THRESHOLDS}
    a = _check("headache_days", "headache days", m.headache_days, u, MOH_HEADACHE_DAYS)
    subs: dict[str, Check] = {}
    for code in (*SINGLE_CLASS_SUBTYPES, "8.2.8"):
        # ICHD-3 8.2.1-8.2.5 and 8.2.8: days of intake of that class.
        subs[code] = _check(code, f"days of {MOH_NAMES[code]}", days[code], u, MOH_THRESHOLDS[code])
    # ICHD-3 8.2.6: pool >=10 days, at least 2 of the classes used, none overused alone.
    pool = threshold_status(days[POOL_SUBTYPE], u, MOH_THRESHOLDS[POOL_SUBTYPE])
    used = _pool_classes_used(m)
    several = MET if used >= 2 else (NOT_MET if u == 0 else UNDETERMINED)
    none_alone = not3(any_of(subs[c].status for c in SINGLE_CLASS_SUBTYPES))
    subs[POOL_SUBTYPE] = Check(
        POOL_SUBTYPE,
        f"days of {MOH_NAMES[POOL_SUBTYPE]}",
        days[POOL_SUBTYPE],
        MOH_THRESHOLDS[POOL_SUBTYPE],
        and3(pool, several, none_alone),
    )
    ordered = [a, *(subs[c] for c in MOH_THRESHOLDS)]
    # ICHD-3 8.2 B: some subtype holds. "a single class overused, or 8.2.6" simplifies to
    # "a single class overused, or the pool >=10 days with several classes", which keeps a
    # month with 11 pooled days met even while untracked days leave open whether one
    # class alone (8.2.2) or the pool (8.2.6) is the subtype.
    b = or3(
        *(subs[c].status for c in SINGLE_CLASS_SUBTYPES),
        and3(pool, several),
        subs["8.2.8"].status,
    )
    status = and3(a.status, b)  # ICHD-3 8.2 A and B
    counts = {
        "headache_days": m.headache_days,
        "medication_days": days,
        "pool_classes_used": used,
    }
    return _evidence(m, ordered, status, counts, {"any_subtype": b})


def overuse_warning(months: Sequence[MonthCounts], as_of: date) -> tuple[str | None, dict | None]:
    """clinical-criteria.md section 3: the current, incomplete month already within 2
    days of a medication threshold (or over it). Returns (warning, current counts)."""
    if not months:
        return None, None
    current = months[-1]
    if current.complete or current.key != (as_of.year, as_of.month):
        return None, None
    days = {code: current.moh_days.get(code, 0) for code in MOH_THRESHOLDS}
    close = []
    for code, t in MOH_THRESHOLDS.items():
        n = days[code]
        if code == POOL_SUBTYPE and not pool_applies(days):
            continue
        if n >= t - WARNING_MARGIN:
            where = (
                f"already at or over the {t} days/month threshold"
                if n >= t
                else f"{t - n} below the {t} days/month threshold"
            )
            close.append(f"{MOH_NAMES[code]} ({code}) on {_n(n, 'days')}, {where}")
    info = {
        "month": current.label,
        "up_to": as_of.isoformat(),
        "headache_days": current.headache_days,
        "medication_days": days,
    }
    if not close:
        return None, info
    warning = (
        f"{current.label} so far (to {as_of.isoformat()}): "
        + "; ".join(close)
        + ". Overuse is counted in days of intake per month (ICHD-3 8.2)."
    )
    return warning, info


def medication_overuse(months: Sequence[MonthCounts], as_of: date) -> MedicationOveruse:
    """ICHD-3 8.2 as computed in clinical-criteria.md section 3.

    Each of the 3 most recent complete months: AND(>=15 headache days, OR(subtypes)).
    ``subtypes``: the codes holding together with A in every month of the window.
    ``warning``: the current incomplete month within 2 days of a medication threshold.
    """
    win = window(months, as_of, MOH_MONTHS)
    evidence = tuple(overuse_month(m) for m in win)
    status = all_of(e.status for e in evidence)
    subtypes = tuple(
        code
        for code in MOH_THRESHOLDS
        if all(and3(e.checks["headache_days"], e.checks[code]) == MET for e in evidence)
    )
    warning, current = overuse_warning(months, as_of)

    span = f"{evidence[0].month} to {evidence[-1].month}"
    if status == MET:
        if subtypes:
            which = _and_list([f"{c} ({MOH_NAMES[c]})" for c in subtypes])
            explanation = (
                f"Met according to the recorded diary ({span}): every month has at least "
                f"15 headache days and overuse of {which}."
            )
        else:
            explanation = (
                f"Met according to the recorded diary ({span}): every month has at least "
                "15 headache days and an overused acute medication, but not the same "
                "subtype in every month."
            )
        per_month = []
        for e in evidence:
            held = [c for c in MOH_THRESHOLDS if e.checks[c] == MET]
            if not held:  # overuse for sure, but untracked days leave open which subtype
                held = [c for c in MOH_THRESHOLDS if e.checks[c] == UNDETERMINED]
                joined = " or ".join(f"{c} on {e.counts['medication_days'][c]} days" for c in held)
                per_month.append(f"{e.month}: {joined} (untracked days decide which)")
                continue
            joined = ", ".join(f"{c} on {e.counts['medication_days'][c]} days" for c in held)
            per_month.append(f"{e.month}: {joined}")
        explanation += " " + "; ".join(per_month) + "."
    else:
        singles = (*SINGLE_CLASS_SUBTYPES, "8.2.8")

        def closest(e: MonthEvidence, among: Iterable[str]) -> str:
            days = e.counts["medication_days"]
            return max(among, key=lambda c: days[c] / MOH_THRESHOLDS[c])

        def month_phrases(e: MonthEvidence) -> list[str]:
            # Only what decides the month: a failing A or B when not met, else the
            # undetermined part(s).
            out = []
            a, b = e.checks["headache_days"], e.checks["any_subtype"]
            if a == e.status:
                out += e.phrases([a], ["headache_days"])
            candidates = singles + ((POOL_SUBTYPE,) if e.counts["pool_classes_used"] >= 2 else ())
            if b == e.status == NOT_MET:
                top = closest(e, candidates)
                n = e.counts["medication_days"][top]
                out.append(
                    f"{e.month} has no overused acute medication"
                    + (
                        f" (most: {MOH_NAMES[top]} on {_n(n, 'days')}, {MOH_THRESHOLDS[top]} "
                        "needed)"
                        if n
                        else " (none logged)"
                    )
                )
            elif b == e.status == UNDETERMINED:
                open_ = [c for c in candidates if e.checks[c] == UNDETERMINED]
                out += e.phrases([UNDETERMINED], [closest(e, open_)] if open_ else [])
            return out

        parts = _window_phrases(evidence, status, month_phrases)
        head = "Not met" if status == NOT_MET else "Undetermined"
        explanation = (
            f"{head} according to the recorded diary ({span}): " + "; ".join(parts) + ". "
            "Medication-overuse headache needs, in each of 3 consecutive complete months, "
            "at least 15 headache days and an acute medication taken on at least its "
            "threshold of days."
        )
    if warning:
        explanation += " Warning: " + warning
    return MedicationOveruse(status, evidence, subtypes, warning, current, explanation)


# -- EHF 2020 resistant and refractory migraine --------------------------------------
@dataclass(frozen=True)
class ClassRecord:
    """One EHF preventive class with its trials (as of the as-of date)."""

    class_id: str
    group: str
    failed: bool
    trials: tuple[tuple[Trial, Adequacy], ...]
    as_of: date

    def to_dict(self) -> dict[str, Any]:
        return {
            "class": self.class_id,
            "group": self.group,
            "failed": self.failed,
            "trials": [trial_dict(t, self.as_of, a) for t, a in self.trials],
        }


@dataclass(frozen=True)
class TriptanCondition:
    """EHF 2020: failure of at least 2 different triptans, unless contraindicated."""

    status: str  # met / not_met (a fact from trials)
    failed_triptans: tuple[str, ...]
    contraindicated: bool
    trials: tuple[tuple[Trial, Adequacy], ...]
    as_of: date

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "failed_triptans": list(self.failed_triptans),
            "required": TRIPTANS_REQUIRED,
            "contraindicated": self.contraindicated,
            "trials": [trial_dict(t, self.as_of, a) for t, a in self.trials],
        }


def _therapy_key(name: str, class_id: str, catalogue: Catalogue) -> str:
    """A triptan's identity: the catalogue's generic name when the typed name resolves
    (so "Imitrex" and "sumatriptan" are one triptan), else the typed name ignoring case
    and spacing."""
    from migrainecli.errors import MigraineError

    try:
        name = catalogue.resolve(name, class_id=class_id).canonical
    except MigraineError:
        pass
    return " ".join(name.casefold().split())


def triptan_condition(
    trials: Iterable[Trial], as_of: date, catalogue: Catalogue
) -> TriptanCondition:
    """EHF 2020: at least 2 distinct triptans failed (acute trials ended ineffective,
    not_tolerated or contraindicated), or the triptan class contraindicated (any
    triptan trial ended ``contraindicated``)."""
    counted: list[tuple[Trial, Adequacy]] = []
    names: dict[str, str] = {}
    contraindicated = False
    for trial in sorted(trials, key=lambda t: (t.start, t.id or 0)):
        view = as_of_view(trial, as_of)
        if view is None or view.class_id != TRIPTAN_CLASS:
            continue
        if view.outcome not in TRIPTAN_FAILURES:
            continue
        counted.append((trial, adequacy(trial, as_of, catalogue)))
        names.setdefault(_therapy_key(trial.therapy, trial.class_id, catalogue), trial.therapy)
        contraindicated = contraindicated or view.outcome == "contraindicated"
    ok = contraindicated or len(names) >= TRIPTANS_REQUIRED
    return TriptanCondition(fact(ok), tuple(names.values()), contraindicated, tuple(counted), as_of)


def ehf_classes(
    trials: Iterable[Trial], as_of: date, catalogue: Catalogue
) -> tuple[list[ClassRecord], dict[str, list[str]]]:
    """Every EHF 2020 preventive class (catalogue order) with its trials and whether
    it failed (clinical-criteria.md section 4), and the EHF groups {group: class ids}
    (CGRP mAbs and preventive gepants form one group, "cgrp_pathway")."""
    by_class: dict[str, list[Trial]] = {}
    for trial in sorted(trials, key=lambda t: (t.start, t.id or 0)):
        by_class.setdefault(trial.class_id, []).append(trial)
    records: list[ClassRecord] = []
    groups: dict[str, list[str]] = {}
    for cls in catalogue.classes.values():
        if not cls.ehf:
            continue
        group = cls.ehf_group or cls.id
        groups.setdefault(group, []).append(cls.id)
        judged = tuple(
            (t, adequacy(t, as_of, catalogue)) for t in by_class.get(cls.id, []) if t.start <= as_of
        )
        # EHF 2020: lack of efficacy (after an adequate trial) or of tolerability;
        # contraindication treated the same way (as EHF 2014 did).
        failed = any(a.failed for _, a in judged)
        records.append(ClassRecord(cls.id, group, failed, judged, as_of))
    return records, groups


@dataclass(frozen=True)
class EhfVerdict:
    """Resistant or refractory migraine (EHF 2020)."""

    tier: str  # "resistant" or "refractory"
    status: str
    failed_classes: tuple[str, ...]
    failed_groups: tuple[str, ...]
    groups_required: int
    groups_total: int
    failures: tuple[ClassRecord, ...]
    short_of_failure: tuple[ClassRecord, ...]
    triptans: TriptanCondition
    months: tuple[MonthEvidence, ...]
    explanation: str
    source: str = "EHF 2020"
    method: str = field(default="")

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "source": self.source,
            "method": self.method,
            "failed_classes": list(self.failed_classes),
            "failed_groups": list(self.failed_groups),
            "groups_required": self.groups_required,
            "groups_total": self.groups_total,
            "failures": [
                {
                    "class": r.class_id,
                    "group": r.group,
                    "trials": [trial_dict(t, r.as_of, a) for t, a in r.trials if a.failed],
                }
                for r in self.failures
            ],
            "short_of_failure": [r.to_dict() for r in self.short_of_failure],
            "triptan_condition": self.triptans.to_dict(),
            "months": [m.to_dict() for m in self.months],
            "explanation": self.explanation,
        }


def debilitating_month(m: MonthCounts) -> MonthEvidence:
    """One month for EHF 2020: at least 8 debilitating headache days."""
    check = _check(
        "debilitating_days",
        "debilitating days",
        m.debilitating_days,
        m.untracked_days,
        EHF_DEBILITATING_DAYS,
    )
    return _evidence(m, [check], check.status)


def _ehf(
    tier: str,
    months: Sequence[MonthCounts],
    trials: Sequence[Trial],
    as_of: date,
    catalogue: Catalogue,
) -> EhfVerdict:
    records, groups = ehf_classes(trials, as_of, catalogue)
    n_months = RESISTANT_MONTHS if tier == "resistant" else REFRACTORY_MONTHS
    required = RESISTANT_CLASSES if tier == "resistant" else len(groups)
    failed_groups = tuple(g for g in groups if any(r.failed for r in records if r.group == g))
    failed_classes = tuple(r.class_id for r in records if r.failed)
    short = tuple(r for r in records if r.group not in failed_groups)
    triptans = triptan_condition(trials, as_of, catalogue)

    win = window(months, as_of, n_months)
    evidence = tuple(debilitating_month(m) for m in win)
    months_status = all_of(e.status for e in evidence)
    # EHF 2020: failed classes AND triptan condition AND >=8 debilitating days/month.
    classes_status = fact(len(failed_groups) >= required)
    status = and3(classes_status, triptans.status, months_status)

    span = f"{evidence[0].month} to {evidence[-1].month}"
    done = [
        f"{_count(len(failed_groups), 'preventive class', 'es')} failed ({required} needed)"
        + (f": {', '.join(_group_names(failed_groups, failed_classes))}" if failed_classes else ""),
        (
            "triptans contraindicated"
            if triptans.contraindicated
            else f"{_count(len(triptans.failed_triptans), 'triptan', 's')} failed "
            f"({TRIPTANS_REQUIRED} needed)"
            + (f": {', '.join(triptans.failed_triptans)}" if triptans.failed_triptans else "")
        ),
    ]
    debil = ", ".join(f"{e.month}: {e.counts['debilitating_days']}" for e in evidence)
    if status == MET:
        explanation = (
            f"Met according to the recorded diary: {done[0]}; {done[1]}; at least "
            f"{EHF_DEBILITATING_DAYS} debilitating days in each month {span} ({debil})."
        )
    else:
        missing = []
        if classes_status != MET:
            k = required - len(failed_groups)
            still = _group_names(
                list(dict.fromkeys(r.group for r in short)), [r.class_id for r in short]
            )
            missing.append(
                (
                    "one more failed preventive class"
                    if k == 1
                    else f"{k} more failed preventive classes"
                )
                + f" (not yet failed: {', '.join(still)})"
            )
            inadequate = [
                f"{t.therapy} ({r.class_id}): {a.reason}"
                for r in short
                for t, a in r.trials
                if (a.adequate is None and not a.failed) or is_inadequate(t, a)
            ]
            if inadequate:
                missing.append("trials that do not count: " + "; ".join(inadequate))
        if triptans.status != MET:
            k = TRIPTANS_REQUIRED - len(triptans.failed_triptans)
            missing.append(
                ("one more failed triptan" if k == 1 else f"{k} failed triptans")
                + " (or triptans contraindicated)"
            )
        if months_status != MET:
            fails = _window_phrases(evidence, NOT_MET)
            opens = _window_phrases(evidence, UNDETERMINED)
            if fails:
                missing.append(
                    f"at least {EHF_DEBILITATING_DAYS} debilitating days in each month "
                    f"{span}: " + "; ".join(fails)
                )
            if opens:
                missing.append("untracked days: " + "; ".join(opens))
        head = "Not met" if status == NOT_MET else "Undetermined"
        explanation = (
            f"{head} according to the recorded diary: {done[0]}; {done[1]}; debilitating "
            f"days {debil}. What would change the verdict: " + "; ".join(missing) + "."
        )
    method = (
        f"{'at least 3' if tier == 'resistant' else 'all'} of the {len(groups)} EHF "
        "preventive classes failed (CGRP monoclonal antibodies and preventive gepants are "
        "one class; failure = ineffective after an adequate trial, not tolerated or "
        "contraindicated), at least 2 different triptans failed (unless contraindicated), "
        f"and at least 8 debilitating days in each of the {n_months} most recent complete "
        "calendar months. 'Intractable' (ICD-10-CM G43.x1) has no numeric definition; the "
        "tool maps it to the EHF resistant and refractory tiers"
    )
    return EhfVerdict(
        tier=tier,
        status=status,
        failed_classes=failed_classes,
        failed_groups=failed_groups,
        groups_required=required,
        groups_total=len(groups),
        failures=tuple(r for r in records if r.failed),
        short_of_failure=short,
        triptans=triptans,
        months=evidence,
        explanation=explanation,
        method=method,
    )


def resistant_migraine(
    months: Sequence[MonthCounts], trials: Sequence[Trial], as_of: date, catalogue: Catalogue
) -> EhfVerdict:
    """EHF 2020 resistant migraine (clinical-criteria.md section 4): >=3 failed EHF
    classes AND the triptan condition AND >=8 debilitating days in each of the 3 most
    recent complete months. Class failures are facts; the months are three-valued."""
    return _ehf("resistant", months, trials, as_of, catalogue)


def refractory_migraine(
    months: Sequence[MonthCounts], trials: Sequence[Trial], as_of: date, catalogue: Catalogue
) -> EhfVerdict:
    """EHF 2020 refractory migraine: every EHF class failed AND the triptan condition
    AND >=8 debilitating days in each of the 6 most recent complete months."""
    return _ehf("refractory", months, trials, as_of, catalogue)


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


# -- everything -------------------------------------------------------------------------
@dataclass(frozen=True)
class StatusReport:
    """What ``status`` prints; ``to_dict()`` is interface.md ``status --json``."""

    as_of: date
    start: date | None
    tracked_days: int
    untracked_days: int
    chronic_migraine: ChronicMigraine
    medication_overuse: MedicationOveruse
    resistant_migraine: EhfVerdict
    refractory_migraine: EhfVerdict
    cgrp_step_therapy: StepTherapy
    months: tuple[MonthCounts, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "diary": {
                "start": self.start.isoformat() if self.start else None,
                "tracked_days": self.tracked_days,
                "untracked_days": self.untracked_days,
            },
            "criteria": {
                "chronic_migraine": self.chronic_migraine.to_dict(),
                "medication_overuse": self.medication_overuse.to_dict(),
                "resistant_migraine": self.resistant_migraine.to_dict(),
                "refractory_migraine": self.refractory_migraine.to_dict(),
                "cgrp_step_therapy": self.cgrp_step_therapy.to_dict(),
            },
        }


def evaluate_all(data: DiaryData, as_of: date, catalogue: Catalogue) -> StatusReport:
    """Every criterion of clinical-criteria.md for the diary as of ``as_of``.

    ``diary.tracked_days`` counts tracked days from the start to ``as_of``;
    ``diary.untracked_days`` the days in that span inside gaps (days of the start
    month before the start are untracked in the month evidence, not here).
    """
    months = monthly_counts(data, as_of, catalogue)
    start = diary_start(data)
    tracked = sum(m.tracked_days for m in months)
    span = (as_of - start).days + 1 if start is not None and start <= as_of else 0
    chronic = chronic_migraine(months, as_of)
    return StatusReport(
        as_of=as_of,
        start=start,
        tracked_days=tracked,
        untracked_days=span - tracked,
        chronic_migraine=chronic,
        medication_overuse=medication_overuse(months, as_of),
        resistant_migraine=resistant_migraine(months, data.trials, as_of, catalogue),
        refractory_migraine=refractory_migraine(months, data.trials, as_of, catalogue),
        cgrp_step_therapy=cgrp_step_therapy(months, data.trials, as_of, catalogue, chronic),
        months=tuple(months),
    )
