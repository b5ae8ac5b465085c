"""Medication-overuse headache — ICHD-3 8.2 (docs/criteria.md section 3).

Source: ICHD-3 8.2 and subtypes 8.2.1-8.2.8, in days of intake per month.

As computed: each of the 3 most recent complete months holds A (>=15 headache days)
and at least one subtype's threshold; ``subtypes`` lists the codes holding (with A) in
every month of the window, so overuse by different classes in different months is
``met`` with no single code listed (the explanation says so).

ICHD-3 8.2.6 needs >=10 days of the 8.2.1-8.2.5 classes together, intakes of at least
2 of those classes in the month, and none of them overused alone. Whether it applies
is decided in one place, ``applicability``, as is 8.2.8's pooling of gepants and
ditans. Paracetamol, aspirin and NSAIDs are one class (8.2.3, >=15), so they alone are
never 8.2.6. Antiemetics count nowhere. A month with >=10 pooled days from several
classes is overuse even while untracked days leave open whether one class alone (e.g.
8.2.2) or the pool (8.2.6) is its subtype. The warning looks at the current incomplete
month only: a subtype within 2 days of its threshold (or already over it).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from migrainecli.rules.evidence import (
    Check,
    MonthEvidence,
    _and_list,
    _check,
    _evidence,
    _n,
    _window_phrases,
)
from migrainecli.rules.months import (
    ANALGESIC_SUBTYPE,
    MET,
    NOT_MET,
    POOL_SUBTYPE,
    SINGLE_CLASS_SUBTYPES,
    SUBFORMS,
    UNDETERMINED,
    MonthCounts,
    all_of,
    and3,
    any_of,
    not3,
    or3,
    threshold_status,
    window,
)
from migrainecli.rules.verdicts import Column, Mark, Verdict

if TYPE_CHECKING:  # pragma: no cover - typing only
    pass

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
WARNING_MARGIN = 2  # days (docs/criteria.md section 3)
# ICHD-3 8.2.3 subforms: each needs >=15 days of intake in every month of the window.
SUBFORM_THRESHOLD = 15
SUBFORM_NAMES = {
    "8.2.3.1": "paracetamol (acetaminophen)",
    "8.2.3.2": "NSAIDs, aspirin included",
    "8.2.3.2.1": "aspirin (acetylsalicylic acid)",
    "8.2.3.3": "other non-opioid analgesics (e.g. metamizole)",
}


# -- ICHD-3 8.2 medication-overuse headache ---------------------------------------------
@dataclass(frozen=True)
class MedicationOveruse:
    status: str
    months: tuple[MonthEvidence, ...]
    subtypes: tuple[str, ...]
    warning: str | None
    current_month: dict[str, Any] | None
    explanation: str
    # ICHD-3 8.2.3 subforms holding in every month (when 8.2.3 is a subtype), and those
    # untracked days leave open; 8.2.3 with neither is the pooled class.
    subforms: tuple[str, ...] = ()
    subforms_open: tuple[str, ...] = ()
    source: str = "ICHD-3 8.2"
    method: str = (
        "each of the 3 most recent complete calendar months has at least 15 headache days "
        "and at least one subtype's threshold in days of intake (8.2.1 ergots, 8.2.2 "
        "triptans, 8.2.4 opioids, 8.2.5 combination analgesics: 10; 8.2.3 simple "
        "analgesics as one class: 15; 8.2.6 several of these together, none overused "
        "alone: 10; 8.2.8 gepants/ditans taken acutely, the project's inference: 10); "
        "8.2.7 is not computed; antiemetics and preventive trials are not acute intakes"
    )

    def view(self) -> Verdict:
        """The verdict as every renderer shows it (``rules.verdicts``): headache days and
        every subtype with a day of intake in the window, 8.2.6 marked "does not apply"
        where ``applicability`` rules it out."""
        used = [
            code
            for code in MOH_THRESHOLDS
            if any(m.counts["medication_days"][code] for m in self.months)
        ]
        columns = (
            Column("headache_days", "headache", MOH_HEADACHE_DAYS),
            *(Column(code, code, MOH_THRESHOLDS[code]) for code in used),
        )
        months = tuple(m.marks(columns) for m in self.months)
        details = []
        if self.subtypes:
            details.append("Subtypes in every month: " + ", ".join(self.subtypes) + ".")
        if ANALGESIC_SUBTYPE in self.subtypes:
            details.append(subform_sentence(self.subforms, self.subforms_open))
        if used:
            details.append(
                "Days of intake of "
                + "; ".join(f"{code} {MOH_NAMES[code]}" for code in used)
                + " (ICHD-3 8.2 limits)."
            )
        if POOL_SUBTYPE in used:
            details += pool_notes(self.months)
        return Verdict.of(
            self,
            "medication_overuse",
            columns=columns,
            months=months,
            details=tuple(details),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "source": self.source,
            "method": self.method,
            "subtypes": list(self.subtypes),
            "subforms": list(self.subforms),
            "subforms_pooled": self.subforms_pooled,
            "subforms_undetermined": list(self.subforms_open),
            "months": [m.to_dict() for m in self.months],
            "warning": self.warning,
            "current_month": self.current_month,
            "explanation": self.explanation,
        }

    @property
    def subforms_pooled(self) -> bool:
        """ICHD-3 8.2.3 holds but no subform reaches 15 days alone in every month: the
        days are pooled across paracetamol, NSAIDs and the other non-opioid analgesics."""
        return ANALGESIC_SUBTYPE in self.subtypes and not self.subforms


def subform_sentence(subforms: Sequence[str], open_: Sequence[str]) -> str:
    """ICHD-3 8.2.3 subforms in one sentence: those that apply, or that the days are
    pooled; and those untracked days leave open."""
    if subforms:
        which = "; ".join(f"{c} {SUBFORM_NAMES[c]}" for c in subforms)
        text = (
            f"ICHD-3 8.2.3 subforms (at least {SUBFORM_THRESHOLD} days of intake in every "
            f"month): {which}."
        )
    else:
        text = (
            "ICHD-3 8.2.3 subforms: none reaches "
            f"{SUBFORM_THRESHOLD} days alone in every month; the days are pooled across "
            "paracetamol, NSAIDs (aspirin included) and other non-opioid analgesics "
            "(8.2.3 as a whole)."
        )
    if open_:
        text += f" Untracked days decide whether {_and_list(list(open_))} also applies."
    return text


def subform_statuses(evidence: Sequence[MonthEvidence]) -> dict[str, str]:
    """Each ICHD-3 8.2.3 subform over the window, three-valued: >=15 days of intake of
    that subform in every month (docs/criteria.md section 3)."""
    return {
        code: all_of(
            threshold_status(e.counts["subform_days"][code], e.untracked_days, SUBFORM_THRESHOLD)
            for e in evidence
        )
        for code in SUBFORMS
    }


def applicability(code: str, moh_days: dict[str, int], untracked: int = 0) -> str:
    """Whether ICHD-3 subtype ``code`` can apply to a month with these days of intake
    and ``untracked`` unknown days, three-valued: the one place this is decided.

    8.2.6 (several classes together): at least 2 of the 8.2.1-8.2.5 classes taken
    (untracked days could add the second) and none of them overused alone (an untracked
    day could take one to its own limit). Paracetamol, aspirin and NSAIDs are one class
    (8.2.3), so they alone are never 8.2.6. 8.2.8 pools gepants and ditans taken
    acutely and, like 8.2.1-8.2.5, has no condition of its own (``MET``).
    """
    if code != POOL_SUBTYPE:
        return MET
    used = pool_classes_used(moh_days)
    several = MET if used >= 2 else (NOT_MET if untracked == 0 else UNDETERMINED)
    none_alone = not3(
        any_of(
            threshold_status(moh_days.get(c, 0), untracked, MOH_THRESHOLDS[c])
            for c in SINGLE_CLASS_SUBTYPES
        )
    )
    return and3(several, none_alone)


def pool_classes_used(moh_days: dict[str, int]) -> int:
    """How many of the 8.2.1-8.2.5 classes had at least one day of intake."""
    return sum(1 for code in SINGLE_CLASS_SUBTYPES if moh_days.get(code, 0) > 0)


def subtype_mark(code: str, m: MonthCounts) -> Mark:
    """The mark of subtype ``code`` in month ``m``, as the overuse verdict gives it (the
    month tables of ``report`` and ``summary`` show the same)."""
    return next(c for c in overuse_month(m).details if c.name == code).mark


def pool_notes(evidence: Sequence[MonthEvidence]) -> list[str]:
    """Why the ICHD-3 8.2.6 cell of a month reads – (does not apply) or ? because of
    its own condition (not its count), from the facts ``applicability`` used."""
    alone, single, open_ = [], [], []
    for e in evidence:
        check = next(c for c in e.details if c.name == POOL_SUBTYPE)
        if check.mark is Mark.DOES_NOT_APPLY:
            several = e.counts["pool_classes_used"] >= 2 or e.untracked_days
            (alone if several else single).append(e.month)
        elif check.applies == UNDETERMINED and check.status == UNDETERMINED:
            open_.append(e.month)
    need = "ICHD-3 8.2.6 needs at least 2 classes, none overused alone"
    notes = []
    if alone or single:
        parts = []
        if alone:
            parts.append(f"{_and_list(alone)}: one class is already overused on its own")
        if single:
            parts.append(f"{_and_list(single)}: fewer than 2 of its classes were taken")
        notes.append("– 8.2.6 does not apply in " + "; ".join(parts) + f" ({need}).")
    if open_:
        notes.append(
            f"? 8.2.6 in {_and_list(open_)}: untracked days decide whether one class alone "
            f"reaches its own limit ({need})."
        )
    return notes


def overuse_month(m: MonthCounts) -> MonthEvidence:
    """One month for ICHD-3 8.2: A (>=15 headache days) AND any subtype's threshold."""
    u = m.untracked_days
    days = {code: m.moh_days.get(code, 0) for code in MOH_THRESHOLDS}
    a = _check("headache_days", "headache days", m.headache_days, u, MOH_HEADACHE_DAYS)
    subs: dict[str, Check] = {}
    for code in (*SINGLE_CLASS_SUBTYPES, "8.2.8"):
        # ICHD-3 8.2.1-8.2.5 and 8.2.8: days of intake of that class.
        subs[code] = _check(code, f"days of {MOH_NAMES[code]}", days[code], u, MOH_THRESHOLDS[code])
    # ICHD-3 8.2.6: pool >=10 days, where it applies (several classes, none alone).
    pool = threshold_status(days[POOL_SUBTYPE], u, MOH_THRESHOLDS[POOL_SUBTYPE])
    used = pool_classes_used(days)
    several = MET if used >= 2 else (NOT_MET if u == 0 else UNDETERMINED)
    applies = applicability(POOL_SUBTYPE, days, u)
    subs[POOL_SUBTYPE] = Check(
        POOL_SUBTYPE,
        f"days of {MOH_NAMES[POOL_SUBTYPE]}",
        days[POOL_SUBTYPE],
        MOH_THRESHOLDS[POOL_SUBTYPE],
        and3(pool, applies),
        applies,
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
        "subform_days": dict(m.subform_days),  # ICHD-3 8.2.3.1-8.2.3.3
    }
    return _evidence(m, ordered, status, counts, {"any_subtype": b})


def overuse_warning(months: Sequence[MonthCounts], as_of: date) -> tuple[str | None, dict | None]:
    """docs/criteria.md section 3: the current, incomplete month already within 2
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
        if applicability(code, days) == NOT_MET:  # as recorded so far
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
    """ICHD-3 8.2 as computed in docs/criteria.md section 3.

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
    # ICHD-3 8.2.3 subforms: every one that applies, when 8.2.3 holds in every month.
    subforms: tuple[str, ...] = ()
    subforms_open: tuple[str, ...] = ()
    if ANALGESIC_SUBTYPE in subtypes:
        by_code = subform_statuses(evidence)
        subforms = tuple(c for c, st in by_code.items() if st == MET)
        subforms_open = tuple(c for c, st in by_code.items() if st == UNDETERMINED)

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
        if ANALGESIC_SUBTYPE in subtypes:
            explanation += " " + subform_sentence(subforms, subforms_open)
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
    return MedicationOveruse(
        status, evidence, subtypes, warning, current, explanation, subforms, subforms_open
    )
