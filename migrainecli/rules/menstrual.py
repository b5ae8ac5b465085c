"""Menstrual migraine — ICHD-3 appendix A1.1.1 and A1.1.2 (docs/criteria.md section 9).

Source: Headache Classification Committee of the International Headache Society, "The
International Classification of Headache Disorders, 3rd edition", Cephalalgia
2018;38:1-211, appendix A1.1 (A1.1.1 pure menstrual migraine without aura, A1.1.2
menstrually related migraine without aura).

As published: attacks of migraine without aura, prospectively recorded over at least 3
consecutive cycles, on day 1 ± 2 (days −2 to +3) of menstruation in at least 2 of 3
cycles; pure (A1.1.1) when at no other times of the cycle, menstrually related
(A1.1.2) when also at other times. Day 1 is the first day of menstruation; the day
before is −1; there is no day 0.

As computed: a cycle's window is the five dates from two days before a recorded period
start to two days after it (days −2, −1, 1, 2, 3). The cycles are the 3 most recent
recorded starts whose window has ended by the as-of date; a gap of more than 45 days
between their starts (an unrecorded period) or fewer than 3 of them leaves the verdict
undetermined. An *attack* is a C1 day (ICHD-3 1.3 C1) without aura that lasted at
least 4 hours or had an acute intake; a C1 day with neither a recorded duration nor an
intake is unknown, as is an untracked day. ``met`` when at least 2 of the 3 windows
hold an attack (three-valued); the subtype is A1.1.1 when no attack falls on a tracked
day outside the windows from the first window's start to the last window's end, else
A1.1.2. Period dates are health data of their own: the explanation never names them;
the evidence lines (shown by ``status`` only) do.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from migrainecli.models import DiaryData
from migrainecli.rules.day import classify_day
from migrainecli.rules.months import (
    MET,
    NOT_MET,
    UNDETERMINED,
    _merged_gaps,
    diary_start,
    in_gaps,
)
from migrainecli.rules.verdicts import Verdict

SOURCE = "ICHD-3 A1.1"
CYCLES = 3  # at least 3 consecutive cycles
CYCLES_WITH_ATTACK = 2  # attacks in at least 2 of the 3
WINDOW_BEFORE = 2  # days -2 and -1
WINDOW_AFTER = 2  # days 1 (the start), 2 and 3
MAX_CYCLE_DAYS = 45  # a longer gap between starts means an unrecorded period
ATTACK_HOURS = 4  # an untreated attack lasts at least 4 hours (ICHD-3 1.1 B)
PURE, RELATED = "A1.1.1", "A1.1.2"
SUBTYPE_NAMES = {PURE: "pure menstrual migraine", RELATED: "menstrually related migraine"}

YES, NO, UNKNOWN = "attack", "no_attack", "unknown"
METHOD = (
    "an attack (a C1 day without aura lasting at least 4 hours or with an acute intake) "
    "on days −2 to +3 of a period (day 1 is its first day; there is no day 0) in at least "
    "2 of the 3 most recent recorded cycles, no more than 45 days apart; pure (A1.1.1) "
    "when no attack falls on a tracked day outside those windows, else menstrually "
    "related (A1.1.2)"
)


def cycle_day(start: date, d: date) -> int:
    """The cycle day of ``d`` for a period starting on ``start``: 1 is the start, −1
    the day before; there is no day 0."""
    delta = (d - start).days
    return delta + 1 if delta >= 0 else delta


def window(start: date) -> tuple[date, date]:
    """The five dates of a cycle's window: days −2, −1, 1, 2, 3."""
    return start - timedelta(days=WINDOW_BEFORE), start + timedelta(days=WINDOW_AFTER)


@dataclass(frozen=True)
class Cycle:
    start: date
    window_from: date
    window_to: date
    status: str  # YES, NO or UNKNOWN
    attack_days: tuple[date, ...]
    unknown_days: tuple[date, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start.isoformat(),
            "window": {"from": self.window_from.isoformat(), "to": self.window_to.isoformat()},
            "window_status": self.status,
            "attack_days": [d.isoformat() for d in self.attack_days],
            "unknown_days": [d.isoformat() for d in self.unknown_days],
        }

    def line(self) -> str:
        def days(ds: tuple[date, ...]) -> str:
            return ", ".join(f"day {cycle_day(self.start, d)}".replace("-", "−") for d in ds)

        what = {
            YES: f"attack on {days(self.attack_days)}",
            NO: "no attack",
            UNKNOWN: f"unknown ({days(self.unknown_days)} untracked or without a duration)",
        }[self.status]
        return (
            f"Period starting {self.start} (window {self.window_from} to {self.window_to}): {what}"
        )


@dataclass(frozen=True)
class MenstrualMigraine:
    status: str
    assessed: bool
    subtype: str | None
    cycles: tuple[Cycle, ...]
    outside_attack_days: tuple[date, ...]
    outside_unknown_days: tuple[date, ...]
    reason: str | None
    explanation: str
    source: str = SOURCE
    method: str = METHOD
    why: str = ""  # the explanation's facts without its verdict words (``Verdict.reason``)

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "source": self.source,
            "subtype": self.subtype,
            "subtype_name": SUBTYPE_NAMES.get(self.subtype) if self.subtype else None,
            "assessed": self.assessed,
            "method": self.method,
            "cycles": [c.to_dict() for c in self.cycles],
            "windows_with_attack": sum(c.status == YES for c in self.cycles),
            "windows_unknown": sum(c.status == UNKNOWN for c in self.cycles),
            "windows_required": CYCLES_WITH_ATTACK,
            "outside_attack_days": [d.isoformat() for d in self.outside_attack_days],
            "outside_unknown_days": [d.isoformat() for d in self.outside_unknown_days],
            "reason": self.reason,
            "explanation": self.explanation,
        }

    def view(self) -> Verdict:
        """The verdict as every renderer shows it. No period date is in the details or
        the explanation (the summary shows them only with --include-cycles); the
        ``evidence`` lines, which only ``status`` prints, name the windows."""
        details: tuple[str, ...] = ()
        if self.subtype:
            details = (f"Subtype {self.subtype}: {SUBTYPE_NAMES[self.subtype]}.",)
        return Verdict.of(
            self,
            "menstrual_migraine",
            status=self.status if self.assessed else "not_assessed",
            details=details,
            evidence=tuple(c.line() for c in self.cycles),
            reason=self.why
            or (f"{self.reason[0].upper()}{self.reason[1:]}." if self.reason else ""),
        )


def _day_states(data: DiaryData, as_of: date):
    """A function giving, for a date, YES / NO / UNKNOWN: an attack, none, or unknown
    (untracked, or a C1 day without a recorded duration and without an intake)."""
    start = diary_start(data)
    in_gap = in_gaps(_merged_gaps(data.gaps, start, as_of) if start else [])
    days = {d.date: d for d in data.days}
    intakes: dict[date, list] = {}
    for i in data.intakes:
        intakes.setdefault(i.date, []).append(i)

    def tracked(d: date) -> bool:
        return start is not None and start <= d <= as_of and not in_gap(d)

    since = data.history.since if data.history else None

    def state(d: date) -> str:
        if not tracked(d):
            return UNKNOWN
        if since is not None and d < since:  # pragma: no cover - days_read_from is earlier
            raise AssertionError(f"the day {d} was not read from the diary")
        day = days.get(d)
        if day is None:
            return NO  # an unlogged tracked day is headache-free (section 1)
        taken = intakes.get(d, ())
        verdict = classify_day(day, taken)
        # ICHD-3 A1.1 concerns migraine without aura: a C1 day without aura.
        if "C1" not in verdict.paths or day.aura:
            return NO
        if taken or (day.hours is not None and day.hours >= ATTACK_HOURS):
            return YES
        if day.hours is None:
            return UNKNOWN  # neither a duration nor an intake recorded
        return NO  # shorter than 4 hours and untreated

    return state, tracked


def _chosen(periods: Sequence[date], as_of: date) -> list[date]:
    """The (up to ``CYCLES``) most recent period starts, sorted, whose window has ended by
    ``as_of``: the cycles the criterion reads."""
    return [s for s in sorted(periods) if window(s)[1] <= as_of][-CYCLES:]


def days_read_from(periods: Iterable[date], as_of: date) -> date | None:
    """The earliest date whose logged day ``menstrual_migraine`` reads (the first day of
    the window of the oldest cycle it reads), or None when it reads none. The diary reads
    the rows from there on one by one (``rules.criteria.rows_needed_from``)."""
    chosen = _chosen([p for p in periods if p <= as_of], as_of)
    return window(chosen[0])[0] if chosen else None


def menstrual_migraine(data: DiaryData, as_of: date) -> MenstrualMigraine:
    """ICHD-3 A1.1 (docs/criteria.md section 9) as of ``as_of``."""
    periods = sorted({p.date for p in data.periods if p.date <= as_of})
    if not data.periods:
        return MenstrualMigraine(
            UNDETERMINED, False, None, (), (), (), "no periods recorded",
            "Not assessed (no periods recorded): record the first day of each period with "
            "'migrainecli period add DATE' to have this criterion read.",
        )  # fmt: skip
    state, tracked = _day_states(data, as_of)
    chosen = _chosen(periods, as_of)
    cycles = tuple(_cycle(s, state) for s in chosen)
    head = "Undetermined according to the recorded diary: "
    if len(chosen) < CYCLES:
        n = len(chosen)
        reason = (
            f"{n} cycle{'s' * (n != 1)} with an ended window recorded; {CYCLES} consecutive "
            "cycles are needed"
        )
        return MenstrualMigraine(
            UNDETERMINED, True, None, cycles, (), (), reason,
            head + reason + ". Keep recording the first day of each period.",
        )  # fmt: skip
    gaps = [(b - a).days for a, b in zip(chosen, chosen[1:], strict=False)]
    if max(gaps) > MAX_CYCLE_DAYS:
        reason = (
            f"{max(gaps)} days between two of the 3 most recent period starts (more than "
            f"{MAX_CYCLE_DAYS}: a period may be unrecorded), so the cycles are not "
            "consecutive"
        )
        return MenstrualMigraine(
            UNDETERMINED, True, None, cycles, (), (), reason,
            head + reason + ". Record the missing period start if there was one.",
        )  # fmt: skip

    yes = sum(c.status == YES for c in cycles)
    unknown = sum(c.status == UNKNOWN for c in cycles)
    counted = (
        f"{yes} of the {CYCLES} most recent cycles had an attack on days −2 to +3 "
        f"({CYCLES_WITH_ATTACK} needed)"
    )
    if unknown:
        counted += f", {unknown} window{'s' * (unknown != 1)} unknown"
    if yes >= CYCLES_WITH_ATTACK:
        status = MET
    elif yes + unknown < CYCLES_WITH_ATTACK:
        status = NOT_MET
    else:
        status = UNDETERMINED

    outside_yes: list[date] = []
    outside_unknown: list[date] = []
    subtype = None
    reason = None
    if status == MET:
        lo, hi = window(chosen[0])[0], window(chosen[-1])[1]
        inside = {
            window(s)[0] + timedelta(days=k)
            for s in chosen
            for k in range(WINDOW_BEFORE + WINDOW_AFTER + 1)
        }
        d = lo
        while d <= hi:
            if d not in inside and tracked(d):
                s = state(d)
                if s == YES:
                    outside_yes.append(d)
                elif s == UNKNOWN:
                    outside_unknown.append(d)
            d += timedelta(days=1)
        if outside_yes:
            subtype = RELATED
        elif not outside_unknown:
            subtype = PURE

    words = {MET: "Met", NOT_MET: "Not met", UNDETERMINED: "Undetermined"}[status]
    facts = counted
    if status == MET:
        if subtype == RELATED:
            n = len(outside_yes)
            facts += (
                f"; {n} attack day{'s' * (n != 1)} at other times of the cycle: "
                f"{RELATED} {SUBTYPE_NAMES[RELATED]}"
            )
        elif subtype == PURE:
            facts += f"; no attack at other times of the cycle: {PURE} {SUBTYPE_NAMES[PURE]}"
        else:
            n = len(outside_unknown)
            facts += (
                f"; pure or related is undetermined: {n} C1 day{'s' * (n != 1)} at other "
                "times without a recorded duration or intake"
            )
    explanation = f"{words} according to the recorded diary: {facts}"
    if status == UNDETERMINED:
        reason = "untracked days or C1 days without a duration or intake in the windows decide"
        explanation += (
            "; logging how long those C1 days lasted, or the untracked days, would decide it"
        )
        facts += f"; {reason}"
    return MenstrualMigraine(
        status, True, subtype, cycles, tuple(outside_yes), tuple(outside_unknown), reason,
        explanation + ".", why=facts[0].upper() + facts[1:] + ".",
    )  # fmt: skip


def _cycle(start: date, state) -> Cycle:
    lo, hi = window(start)
    dates = [lo + timedelta(days=k) for k in range((hi - lo).days + 1)]
    states = {d: state(d) for d in dates}
    attacks = tuple(d for d in dates if states[d] == YES)
    unknown = tuple(d for d in dates if states[d] == UNKNOWN)
    status = YES if attacks else (UNKNOWN if unknown else NO)
    return Cycle(start, lo, hi, status, attacks, unknown)


def window_dates(periods: Sequence[date], as_of: date) -> set[date]:
    """Every date in the window of a recorded period start, up to ``as_of`` (for the
    report calendar)."""
    out = set()
    for s in periods:
        lo, _ = window(s)
        for k in range(WINDOW_BEFORE + WINDOW_AFTER + 1):
            d = lo + timedelta(days=k)
            if d <= as_of:
                out.add(d)
    return out
