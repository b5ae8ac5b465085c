"""Plain data shared by storage and the clinical rules (no database, no printing).

The records are slotted, not frozen, dataclasses: a 20-year diary builds about
10,000 of them per command, and a frozen dataclass takes about six times as long to
create. Treat them as values all the same (use ``dataclasses.replace``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at start-up (fastlog)
if TYPE_CHECKING:  # pragma: no cover - typing only
    from typing import Any

SEVERITIES = ("none", "mild", "moderate", "severe")
IMPAIRMENTS = ("none", "mild", "serious", "bedbound")
FEATURES = (
    "unilateral",
    "pulsating",
    "activity",
    "nausea",
    "vomiting",
    "photophobia",
    "phonophobia",
    "aura",
)
# The columns of a diary day, in the order of Day's fields: the ``days`` table (storage),
# days.csv (csvformat, docs/interface.md) and the day listings all read this one list.
DAY_FIELDS = ("date", "severity", "hours", *FEATURES, "believed_migraine", "impairment", "note")
KINDS = ("preventive", "acute", "procedure", "neuromodulation", "behavioural", "lifestyle")
OUTCOMES = (
    "ongoing",
    "effective",
    "partial",
    "ineffective",
    "not_tolerated",
    "contraindicated",
    "stopped_other",
    "paused",  # a planned pause (EHF 2022): not a failure, class tried
    "unavailable",  # could not be had (not covered, not marketed, age): never a failure
)
# Outcomes that end a trial without judging the therapy (docs/criteria.md 4, 4b, 6).
UNAVAILABLE = "unavailable"
PAUSED = "paused"


@dataclass(slots=True)
class Day:
    """One logged diary date. ``None`` means "not recorded" for every optional field."""

    date: date
    severity: str  # one of SEVERITIES; "none" is an explicitly headache-free day
    hours: float | None = None
    unilateral: bool | None = None
    pulsating: bool | None = None
    activity: bool | None = None
    nausea: bool | None = None
    vomiting: bool | None = None
    photophobia: bool | None = None
    phonophobia: bool | None = None
    aura: bool | None = None
    believed_migraine: bool | None = None
    impairment: str | None = None  # one of IMPAIRMENTS
    note: str | None = None


@dataclass(slots=True)
class Intake:
    """One acute-medication intake on a diary date."""

    date: date
    medication: str
    dose: str | None = None
    relieved: bool | None = None
    class_id: str | None = None  # catalogue class id (an acute class)
    id: int | None = None


@dataclass(slots=True)
class Gap:
    """A period the patient says was not tracked (inclusive)."""

    start: date
    end: date
    reason: str | None = None
    id: int | None = None


@dataclass(slots=True)
class Trial:
    """One trial of a therapy. ``end`` is None while the trial is ongoing."""

    therapy: str
    class_id: str
    kind: str
    start: date
    end: date | None = None
    dose: str | None = None
    outcome: str = "ongoing"
    reason: str | None = None
    note: str | None = None
    id: int | None = None
    start_approximate: bool = False  # only the month of ``start`` was given (day set to 1)
    end_approximate: bool = False  # only the month of ``end`` was given (day set to 1)


INSTRUMENTS = ("midas", "hit6")


@dataclass(slots=True)
class Score:
    """One disability questionnaire result (docs/criteria.md section 8).

    MIDAS keeps its five scored items (``q1``..``q5``, days in the last 3 months) and the
    two optional unscored answers; ``total`` is their sum. HIT-6 has only ``total``.
    """

    date: date
    instrument: str  # one of INSTRUMENTS
    total: int
    q1: int | None = None
    q2: int | None = None
    q3: int | None = None
    q4: int | None = None
    q5: int | None = None
    headache_days: int | None = None  # MIDAS question A (unscored), 0-90
    pain: int | None = None  # MIDAS question B (unscored), 0-10
    note: str | None = None
    id: int | None = None


@dataclass(slots=True)
class Period:
    """The first day of one menstruation (or withdrawal bleeding), section 9."""

    date: date
    note: str | None = None
    id: int | None = None


@dataclass(slots=True)
class DiaryData:
    """Everything the rules need, read from a diary in one go."""

    days: tuple[Day, ...]
    intakes: tuple[Intake, ...] = ()
    gaps: tuple[Gap, ...] = ()
    trials: tuple[Trial, ...] = ()
    start: date | None = None  # diary start; None = the earliest logged date
    scores: tuple[Score, ...] = ()  # by date
    periods: tuple[Period, ...] = ()  # by date
    # the setting step-therapy-failures (AHS 2021 options a payer requires); None = 2
    step_therapy_failures: int | None = None
    # None: ``days`` and ``intakes`` hold every row. Otherwise they hold only the rows on
    # or after ``history.since``, and ``history`` what the stored month counts say of the
    # months before it (``Diary.load(as_of=...)``).
    history: MonthHistory | None = None


@dataclass(frozen=True)
class MonthHistory:
    """What the diary's stored month counts say of the months before ``since``.

    ``Diary.load(as_of=...)`` reads these instead of the rows of those months, so that a
    read costs about the same on a diary of 20 years as on one of a month; what they say
    is what the rules would count from the rows (``rules.months.month_tallies`` made
    them, in the write transaction that last changed the month). ``since`` is the first
    day of a month.

    - ``tallies``: (year, month) -> a ``rules.months.month_tallies`` entry, for each
      month before ``since`` with a counted day or intake;
    - ``triptans``: triptan key -> [intakes, intakes not relieved], in the order of first
      intake, over every intake before ``since`` (``rules.ehf.diary_triptans``);
    - ``class_days``: class id -> days with an intake of the class before ``since``
      (``untried``'s "taken on N days").
    """

    since: date
    tallies: dict[tuple[int, int], dict[str, Any]]
    triptans: dict[str, list[int]]
    class_days: dict[str, int]


def trial_date(d: date | None, approximate: bool) -> str | None:
    """A trial date as recorded: ``2025-01`` when only the month was given."""
    if d is None:
        return None
    return d.strftime("%Y-%m") if approximate else d.isoformat()
