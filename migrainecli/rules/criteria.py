"""The verdicts of ``status``: every criterion evaluated once, ``evaluate_all``.

docs/criteria.md sections 2-5. Each criterion lives in a module of its own that
opens with its citation: ``chronic`` (ICHD-3 1.3), ``overuse`` (ICHD-3 8.2),
``ehf`` (EHF 2020 resistant and refractory), ``probable_refractory`` (2025 consensus),
``step_therapy`` (the AHS 2021 payer rule). Every
evaluator takes the month counts of ``migrainecli.rules.months.monthly_counts`` (and
the trials and catalogue where needed) and returns a typed verdict whose ``to_dict()``
is its part of docs/interface.md ``status --json`` and whose ``view()`` is the
``rules.verdicts.Verdict`` every renderer formats. Verdicts are three-valued: ``met``,
``not_met``, ``undetermined`` (docs/criteria.md "Three-valued verdicts").

Choices the criteria document leaves open (also in the README): the window is the 3
(EHF refractory: 6) most recent *complete* calendar months on or before the as-of
date; a month before the diary start is entirely untracked, so a short diary is
usually undetermined, never "not met" by default. Each month's evidence carries its
counts, ``thresholds`` and per-threshold ``checks`` (three-valued); the explanation
names only what decides the verdict.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from migrainecli.models import DiaryData
from migrainecli.rules.chronic import (  # noqa: F401 - re-exported
    CM_HEADACHE_DAYS,
    CM_HISTORY_ATTACKS,
    CM_MIGRAINE_DAYS,
    CM_MONTHS,
    ChronicMigraine,
    Run,
    chronic_history,
    chronic_migraine,
    chronic_month,
)
from migrainecli.rules.ehf import (  # noqa: F401 - re-exported
    EHF_DEBILITATING_DAYS,
    REFRACTORY_MONTHS,
    RESISTANT_CLASSES,
    RESISTANT_MONTHS,
    TRIPTANS_REQUIRED,
    ClassRecord,
    EhfVerdict,
    TriptanCondition,
    debilitating_month,
    ehf_classes,
    refractory_migraine,
    resistant_migraine,
    triptan_condition,
)
from migrainecli.rules.menstrual import MenstrualMigraine, days_read_from, menstrual_migraine
from migrainecli.rules.months import MonthCounts, add_months, diary_start, monthly_counts
from migrainecli.rules.overuse import (  # noqa: F401 - re-exported
    MOH_HEADACHE_DAYS,
    MOH_MONTHS,
    MOH_NAMES,
    MOH_THRESHOLDS,
    WARNING_MARGIN,
    MedicationOveruse,
    medication_overuse,
    overuse_month,
    overuse_warning,
)
from migrainecli.rules.probable_refractory import (  # noqa: F401 - re-exported
    ProbableRefractory,
    probable_refractory_migraine,
)
from migrainecli.rules.scores import scores_overview
from migrainecli.rules.step_therapy import (  # noqa: F401 - re-exported
    GUIDANCE,
    StepTherapy,
    cgrp_step_therapy,
)
from migrainecli.rules.verdicts import DISCLAIMER, TITLES, Verdict  # noqa: F401 - re-exported

if TYPE_CHECKING:  # pragma: no cover - typing only
    from migrainecli.catalogue import Catalogue


# -- everything -------------------------------------------------------------------------
@dataclass(frozen=True)
class StatusReport:
    """What ``status`` prints; ``to_dict()`` is docs/interface.md ``status --json``."""

    as_of: date
    start: date | None
    tracked_days: int
    untracked_days: int
    chronic_migraine: ChronicMigraine
    medication_overuse: MedicationOveruse
    resistant_migraine: EhfVerdict
    refractory_migraine: EhfVerdict
    cgrp_step_therapy: StepTherapy
    probable_refractory_migraine: ProbableRefractory
    menstrual_migraine: MenstrualMigraine
    months: tuple[MonthCounts, ...] = ()
    # docs/criteria.md section 8: per instrument first, latest and change
    # (``rules.scores.scores_overview``); not a verdict.
    scores: dict[str, Any] | None = None

    def verdicts(self) -> tuple[Verdict, ...]:
        """Every verdict as the renderers show it, in the order of ``TITLES``."""
        return tuple(getattr(self, key).view() for key in TITLES)

    def to_dict(self) -> dict[str, Any]:
        """docs/interface.md ``status --json``: the one function that builds it."""
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
                "probable_refractory_migraine": self.probable_refractory_migraine.to_dict(),
                "cgrp_step_therapy": self.cgrp_step_therapy.to_dict(),
                "menstrual_migraine": self.menstrual_migraine.to_dict(),
            },
            "scores": self.scores or {"midas": None, "hit6": None},
        }


def evaluate_all(data: DiaryData, as_of: date, catalogue: Catalogue) -> StatusReport:
    """Every criterion of docs/criteria.md for the diary as of ``as_of``.

    ``diary.tracked_days`` counts tracked days from the start to ``as_of``;
    ``diary.untracked_days`` the days in that span inside gaps (days of the start
    month before the start are untracked in the month evidence, not here).
    """
    months = monthly_counts(data, as_of, catalogue)
    start = diary_start(data)
    tracked = sum(m.tracked_days for m in months)
    span = (as_of - start).days + 1 if start is not None and start <= as_of else 0
    chronic = chronic_migraine(months, as_of)
    earlier = data.history.triptans if data.history else None
    refractory = refractory_migraine(
        months, data.trials, as_of, catalogue, chronic, data.intakes, earlier
    )
    return StatusReport(
        as_of=as_of,
        start=start,
        tracked_days=tracked,
        untracked_days=span - tracked,
        chronic_migraine=chronic,
        medication_overuse=medication_overuse(months, as_of),
        resistant_migraine=resistant_migraine(
            months, data.trials, as_of, catalogue, data.intakes, earlier
        ),
        refractory_migraine=refractory,
        cgrp_step_therapy=cgrp_step_therapy(
            months,
            data.trials,
            as_of,
            catalogue,
            chronic,
            scores=data.scores,
            failures_required=data.step_therapy_failures,
        ),
        probable_refractory_migraine=probable_refractory_migraine(
            refractory, data.trials, as_of, catalogue
        ),
        menstrual_migraine=menstrual_migraine(data, as_of),
        months=tuple(months),
        scores=scores_overview(data.scores, as_of),
    )


def rows_needed_from(as_of: date, periods: Iterable[date], day_months: int = 1) -> date:
    """The first date from which the rules and the reports read a diary's days and intakes
    one by one, as of ``as_of``; before it they read only the counts the diary stores per
    month (``models.MonthHistory``, ``Diary.load(as_of=...)``).

    The first day of the month ``day_months - 1`` months before the as-of month (the
    current month is always counted from its rows: its stored count may hold days after
    ``as_of``; ``report`` and ``summary`` draw a calendar of their months, day by day),
    or the first day of the oldest menstrual window ``menstrual_migraine`` reads, when
    earlier (docs/criteria.md section 9). Every other criterion reads month counts,
    trials, gaps, scores and periods, which are always read whole.
    """
    year, month = add_months(as_of.year, as_of.month, -(max(1, day_months) - 1))
    first = date(year, month, 1)
    windows = days_read_from(periods, as_of)
    if windows is not None and windows < first:
        first = date(windows.year, windows.month, 1)
    return first


def rows_from(as_of: date, day_months: int = 1) -> Callable[[Sequence[date]], date]:
    """``rows_needed_from`` as of ``as_of`` for ``Diary.load(rows_from=...)``, which passes
    it the diary's period starts."""
    return lambda periods: rows_needed_from(as_of, periods, day_months)


def evaluate(data: DiaryData, as_of: date) -> StatusReport:
    """``evaluate_all`` with the packaged therapy catalogue (status, report, summary,
    demo)."""
    from migrainecli.catalogue import load_catalogue

    return evaluate_all(data, as_of, load_catalogue())
