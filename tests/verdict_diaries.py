"""Small diaries for the verdict-view tests: ICHD-3 8.2.6 applies, does not apply, and
is undetermined (docs/criteria.md section 3), plus the demo diary.

Each builder writes through ``Diary`` (never a mock) and returns the as-of date its
answer is known at.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from migrainecli.models import Gap, Intake
from tests.test_report_diaries import days_of, migraine, write

AS_OF = date(2026, 4, 5)
MONTHS = ((2026, 1), (2026, 2), (2026, 3))


def _pool_diary(path: Path, triptan: int, simple: int, gap: int = 0) -> date:
    """Three months of 18 migraine days each; sumatriptan on the first ``triptan``
    days, ibuprofen on the next ``simple`` days, and ``gap`` untracked days at the end
    of each month."""
    days, intakes, gaps = [], [], []
    for year, month in MONTHS:
        dates = days_of(year, month, 18)
        days += [migraine(d) for d in dates]
        intakes += [Intake(d, "sumatriptan", "50 mg", True, "triptan") for d in dates[:triptan]]
        intakes += [
            Intake(d, "ibuprofen", "400 mg", None, "simple_analgesic")
            for d in dates[triptan : triptan + simple]
        ]
        if gap:
            gaps.append(Gap(date(year, month, 25), date(year, month, 24 + gap), "away"))
    write(path, days, intakes, gaps)
    return AS_OF


def pool_applies(path: Path) -> date:
    """6 triptan + 6 simple-analgesic days: neither class alone, 12 together -> 8.2.6."""
    return _pool_diary(path, 6, 6)


def pool_does_not_apply(path: Path) -> date:
    """12 triptan + 3 simple-analgesic days: 8.2.2 alone; 8.2.6 does not apply."""
    return _pool_diary(path, 12, 3)


def pool_undetermined(path: Path) -> date:
    """8 triptan + 4 simple days and 3 untracked days a month: triptans alone may reach
    10 (8.2.2), so whether 8.2.6 applies is undetermined."""
    return _pool_diary(path, 8, 4, gap=3)


def demo(path: Path) -> date:
    from migrainecli.demo import build_demo

    as_of = date(2026, 11, 25)
    build_demo(path, as_of).close()
    return as_of


def empty(path: Path) -> date:
    write(path)
    return AS_OF


DIARIES = {
    "demo": demo,
    "pool-applies": pool_applies,
    "pool-does-not-apply": pool_does_not_apply,
    "pool-undetermined": pool_undetermined,
    "empty": empty,
}
