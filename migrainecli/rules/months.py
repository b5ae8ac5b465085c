"""Month-by-month counts of a diary, and the three-valued logic every criterion uses.

docs/criteria.md section 1 ("Diary vocabulary", "Three-valued verdicts"). One
pass over the diary: days and intakes are bucketed by date once, gaps are merged
once, and each calendar month is filled from those buckets, so a 20-year diary
costs about what its number of days costs, never months x days.

Choices the criteria document leaves open (also in the README):

- The diary start is ``data.start`` or, when unset, the earliest logged day.
  Days of the start month before the start date are untracked.
- A date inside a gap is untracked even when the patient logged something on it
  (docs/criteria.md: a tracked day "is not inside a recorded gap"); what was
  logged there is not counted.
- Days after the as-of date are neither tracked nor untracked: the current month
  counts only the days up to the as-of date and says ``complete = False``.
- A logged day of severity ``none`` is tracked and headache-free; a tracked date
  with no entry is headache-free too.
- ``acute_medication_days`` counts days with any logged acute intake, including
  intakes whose class is unknown; the ICHD-3 8.2 subtype columns only count
  intakes whose class the catalogue places under that subtype.
- For the payer section (docs/criteria.md section 10): ``moderate_severe_days`` are
  headache days of intensity moderate or severe; ``long_headache_days`` headache days
  with a recorded duration of at least ``LONG_HEADACHE_HOURS``; headache days without
  a recorded duration are ``no_duration_days`` (unknown, as untracked days are).
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from migrainecli.models import Day, DiaryData, Gap, Intake
from migrainecli.rules.day import classify_day

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at start-up (fastlog)
if TYPE_CHECKING:  # pragma: no cover - typing only
    from typing import Any

    from migrainecli.catalogue import Catalogue

MET = "met"
NOT_MET = "not_met"
UNDETERMINED = "undetermined"

# ICHD-3 8.2 subtypes counted in days of intake per month (8.2.7 is not computed).
SINGLE_CLASS_SUBTYPES = ("8.2.1", "8.2.2", "8.2.3", "8.2.4", "8.2.5")  # the 8.2.6 pool
POOL_SUBTYPE = "8.2.6"
OTHER_SUBTYPE = "8.2.8"
MOH_SUBTYPES = (*SINGLE_CLASS_SUBTYPES, POOL_SUBTYPE, OTHER_SUBTYPE)
_POOL_CODES = frozenset(SINGLE_CLASS_SUBTYPES)
TRIPTAN_CLASS = "triptan"  # EHF 2020's triptan condition (rules.ehf) counts its intakes
# ICHD-3 8.2.3 subforms (docs/criteria.md section 3): which simple analgesics count
# for each, as the catalogue members' ``analgesics`` name them. A day of aspirin counts
# for 8.2.3.2 (NSAIDs pooled, aspirin included) and 8.2.3.2.1 (aspirin) alike.
# docs/criteria.md section 10 (BOTOX prescribing information): a headache "lasting 4
# hours a day or longer".
LONG_HEADACHE_HOURS = 4
ANALGESIC_SUBTYPE = "8.2.3"
SUBFORMS = {
    "8.2.3.1": frozenset({"paracetamol"}),
    "8.2.3.2": frozenset({"nsaid", "aspirin"}),
    "8.2.3.2.1": frozenset({"aspirin"}),
    "8.2.3.3": frozenset({"other"}),
}


# -- three-valued logic (docs/criteria.md "Three-valued verdicts") --------------------
def threshold_status(n: int, u: int, threshold: int) -> str:
    """One month and one threshold ``T``: count ``n`` with ``u`` untracked days.

    ``n >= T`` -> met (a lower bound already reaches it); ``n + u < T`` -> not_met
    (even if every unknown day counted); otherwise undetermined.
    """
    if n >= threshold:
        return MET
    if n + u < threshold:
        return NOT_MET
    return UNDETERMINED


def range_status(n: int, u: int, lo: int, hi: int) -> str:
    """One month and a count range ``lo..hi`` (docs/criteria.md section 5): count
    ``n`` with ``u`` untracked days.

    In the range (met) when ``n >= lo`` and ``n + u <= hi``; out of it (not_met) when
    ``n > hi`` or ``n + u < lo``; otherwise undetermined.
    """
    if n > hi or n + u < lo:
        return NOT_MET
    if n >= lo and n + u <= hi:
        return MET
    return UNDETERMINED


def all_of(statuses: Iterable[str]) -> str:
    """Several months (or conditions) together: met when all meet, not_met when any
    does not, else undetermined. Also the three-valued AND (Kleene); empty -> met."""
    values = list(statuses)
    if NOT_MET in values:
        return NOT_MET
    if all(v == MET for v in values):
        return MET
    return UNDETERMINED


def any_of(statuses: Iterable[str]) -> str:
    """Three-valued OR (Kleene): met when any meets, not_met when all do not; empty ->
    not_met."""
    values = list(statuses)
    if MET in values:
        return MET
    if all(v == NOT_MET for v in values):
        return NOT_MET
    return UNDETERMINED


def and3(*statuses: str) -> str:
    """Three-valued AND of a few values."""
    return all_of(statuses)


def or3(*statuses: str) -> str:
    """Three-valued OR of a few values."""
    return any_of(statuses)


def not3(status: str) -> str:
    """Three-valued NOT: met <-> not_met, undetermined stays."""
    return {MET: NOT_MET, NOT_MET: MET}.get(status, UNDETERMINED)


def fact(value: bool) -> str:
    """A known fact (e.g. a class failed) as a three-valued status."""
    return MET if value else NOT_MET


# -- month arithmetic -------------------------------------------------------------------
def month_label(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def add_months(year: int, month: int, n: int) -> tuple[int, int]:
    """(year, month) shifted by ``n`` calendar months (``n`` may be negative)."""
    index = year * 12 + (month - 1) + n
    return index // 12, index % 12 + 1


_DAYS_IN = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def days_in(year: int, month: int) -> int:
    """The number of days of a calendar month (``calendar.monthrange``'s, without
    importing ``calendar`` on the way of every write)."""
    if month == 2 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0):
        return 29
    return _DAYS_IN[month - 1]


def month_end(year: int, month: int) -> date:
    return date(year, month, days_in(year, month))


def latest_complete_month(as_of: date) -> tuple[int, int]:
    """The most recent calendar month whose last day is on or before ``as_of``."""
    if as_of == month_end(as_of.year, as_of.month):
        return as_of.year, as_of.month
    return add_months(as_of.year, as_of.month, -1)


@dataclass(frozen=True)
class MonthCounts:
    """What one calendar month of the diary holds (docs/criteria.md section 1).

    ``tracked_days + untracked_days == elapsed_days`` (the month's days up to the
    as-of date; ``days_in_month`` when ``complete``). ``class_days`` has a key for
    every acute class of the catalogue; ``moh_days`` a key for every code of
    ``MOH_SUBTYPES`` ("8.2.6" = days with any intake of the 8.2.1-8.2.5 classes).
    """

    year: int
    month: int
    days_in_month: int
    elapsed_days: int
    complete: bool
    tracked_days: int
    untracked_days: int
    headache_days: int = 0
    migraine_days: int = 0
    c1_days: int = 0
    c2_days: int = 0
    c3_days: int = 0
    probable_migraine_days: int = 0
    debilitating_days: int = 0
    acute_medication_days: int = 0
    class_days: dict[str, int] = field(default_factory=dict)
    moh_days: dict[str, int] = field(default_factory=dict)
    aura_only_days: int = 0  # ICHD-3 1.2.1.2: aura without headache (not headache days)
    # ICHD-3 8.2.3 subforms: days of intake per code of SUBFORMS (simple analgesics only)
    subform_days: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SUBFORMS, 0))
    # docs/criteria.md section 10 (the payer section); see the module docstring
    moderate_severe_days: int = 0
    long_headache_days: int = 0
    no_duration_days: int = 0

    @property
    def label(self) -> str:
        """``YYYY-MM``."""
        return month_label(self.year, self.month)

    @property
    def key(self) -> tuple[int, int]:
        return self.year, self.month

    def to_dict(self) -> dict[str, Any]:
        return {
            "month": self.label,
            "days_in_month": self.days_in_month,
            "complete": self.complete,
            "tracked_days": self.tracked_days,
            "untracked_days": self.untracked_days,
            "headache_days": self.headache_days,
            "migraine_days": self.migraine_days,
            "c1_days": self.c1_days,
            "c2_days": self.c2_days,
            "c3_days": self.c3_days,
            "probable_migraine_days": self.probable_migraine_days,
            "debilitating_days": self.debilitating_days,
            "acute_medication_days": self.acute_medication_days,
            "class_days": dict(self.class_days),
            "moh_days": dict(self.moh_days),
            "aura_only_days": self.aura_only_days,
            "subform_days": dict(self.subform_days),
            "moderate_severe_days": self.moderate_severe_days,
            "long_headache_days": self.long_headache_days,
            "no_duration_days": self.no_duration_days,
        }


def untracked_month(
    year: int, month: int, as_of: date, class_ids: Iterable[str] = ()
) -> MonthCounts:
    """A month with no tracked day at all (e.g. before the diary start): every one of
    its days up to ``as_of`` is untracked, every count is 0."""
    days_in_month = days_in(year, month)
    first = date(year, month, 1)
    elapsed = max(0, min(days_in_month, (as_of - first).days + 1))
    return MonthCounts(
        year=year,
        month=month,
        days_in_month=days_in_month,
        elapsed_days=elapsed,
        complete=month_end(year, month) <= as_of,
        tracked_days=0,
        untracked_days=elapsed,
        class_days=dict.fromkeys(class_ids, 0),
        moh_days=dict.fromkeys(MOH_SUBTYPES, 0),
    )


def moh_classes(catalogue: Catalogue) -> tuple[list[str], dict[str, str]]:
    """(every acute class id in catalogue order, {class id: ICHD-3 8.2 subtype code})."""
    acute = [c.id for c in catalogue.classes.values() if c.kind == "acute"]
    codes = {c.id: c.moh for c in catalogue.classes.values() if c.kind == "acute" and c.moh}
    return acute, codes


def _merged_gaps(gaps: Sequence[Gap], lo: date, hi: date) -> list[tuple[date, date]]:
    """Gaps clipped to ``lo..hi``, sorted and merged (overlaps counted once)."""
    spans = sorted((max(g.start, lo), min(g.end, hi)) for g in gaps)
    merged: list[tuple[date, date]] = []
    for s, e in spans:
        if s > e:
            continue
        if merged and (s - merged[-1][1]).days <= 1:  # overlapping or adjacent
            if e > merged[-1][1]:
                merged[-1] = (merged[-1][0], e)
        else:
            merged.append((s, e))
    return merged


def in_gaps(gaps: Sequence[tuple[date, date]]) -> Callable[[date], bool]:
    """Whether a date is inside one of ``gaps`` (merged and sorted: ``_merged_gaps``)."""
    starts = [s for s, _ in gaps]

    def inside(d: date) -> bool:
        i = bisect_right(starts, d) - 1
        return i >= 0 and d <= gaps[i][1]

    return inside


def diary_start(data: DiaryData) -> date | None:
    """``data.start``, else the earliest logged day (None for an empty diary)."""
    if data.start is not None:
        return data.start
    if data.days:
        return min(d.date for d in data.days)
    return None


# The per-day counts of a month, in the order monthly_counts tallies them.
_DAY_TALLY = (
    "headache_days",
    "migraine_days",
    "c1_days",
    "c2_days",
    "c3_days",
    "probable_migraine_days",
    "debilitating_days",
    "moderate_severe_days",
    "long_headache_days",
    "no_duration_days",
)


# What month_tallies counts besides _DAY_TALLY, in the order a stored tally lists them.
_OTHER_TALLY = ("aura_only_days", "acute_medication_days")
_SCALAR_TALLY = (*_DAY_TALLY, *_OTHER_TALLY)


def month_tallies(
    days: Iterable[Day],
    intakes: Iterable[Intake],
    catalogue: Catalogue,
    gaps: Sequence[tuple[date, date]] = (),
    lo: date | None = None,
    hi: date | None = None,
) -> dict[tuple[int, int], dict[str, Any]]:
    """What the tracked days and intakes of each month count, keyed by (year, month).

    The one counting of docs/criteria.md section 1 behind every ``MonthCounts``:
    ``monthly_counts`` runs it on the rows it is given, and the diary stores its result
    per month (``storage.Diary`` keeps the ``month_counts`` table with it, recounted in
    each write transaction), so a long diary is not recounted on every read. Only days
    and intakes dated ``lo``..``hi`` (when given) and outside ``gaps`` (merged, sorted:
    ``_merged_gaps``) count. Only months with a counted day or intake get an entry: ``_DAY_TALLY``
    and ``_OTHER_TALLY`` counts, ``class_days`` (every acute class of the catalogue),
    ``moh_days`` (every code of ``MOH_SUBTYPES``) and ``subform_days``.
    """
    acute_ids, moh_of = moh_classes(catalogue)
    acute_set = set(acute_ids)
    member_of = catalogue.recorded_member

    in_gap = in_gaps(gaps)

    def counted(d: date) -> bool:
        return (lo is None or lo <= d) and (hi is None or d <= hi) and not (gaps and in_gap(d))

    # Bucket once: the tracked days and intakes, by date.
    if not gaps and lo is not None and hi is not None:
        days_at = {d.date: d for d in days if lo <= d.date <= hi}  # no call per day
    else:
        days_at = {d.date: d for d in days if counted(d.date)}
    taken_at: dict[date, list[Intake]] = defaultdict(list)
    for intake in intakes:
        if counted(intake.date):
            taken_at[intake.date].append(intake)

    # Per month accumulators, filled from the buckets (never by rescanning).
    acc: dict[tuple[int, int], dict[str, Any]] = {}

    def bucket(d: date) -> dict[str, Any]:
        key = (d.year, d.month)
        if key not in acc:
            acc[key] = {
                "counts": defaultdict(int),
                "tally": [0] * len(_DAY_TALLY),
                "class_days": dict.fromkeys(acute_ids, 0),
                "moh_days": dict.fromkeys(MOH_SUBTYPES, 0),
                "subform_days": dict.fromkeys(SUBFORMS, 0),
            }
        return acc[key]

    last_key, tally = None, [0] * len(_DAY_TALLY)
    for d, day in days_at.items():  # in date order, so a month's days come together
        if day.severity == "none":  # an explicitly headache-free day
            if day.aura:  # ICHD-3 1.2.1.2 aura without headache: for 1.3 B only
                bucket(d)["counts"]["aura_only_days"] += 1
            continue
        verdict = classify_day(day, taken_at.get(d, ()), catalogue)
        if not verdict.headache:
            continue
        if (d.year, d.month) != last_key:
            last_key, tally = (d.year, d.month), bucket(d)["tally"]
        paths = verdict.paths
        tally[0] += 1
        tally[1] += verdict.migraine  # ICHD-3 1.3 C (C1 or C2 or C3)
        tally[2] += "C1" in paths
        tally[3] += "C2" in paths
        tally[4] += "C3" in paths
        tally[5] += verdict.probable  # ICHD-3 1.5
        tally[6] += verdict.debilitating  # EHF 2020
        tally[7] += day.severity in ("moderate", "severe")  # section 10 (payer)
        if day.hours is None:  # section 10: a day without a duration is unknown
            tally[9] += 1
        elif day.hours >= LONG_HEADACHE_HOURS:
            tally[8] += 1

    for d, taken in taken_at.items():
        b = bucket(d)
        b["counts"]["acute_medication_days"] += 1
        classes = {i.class_id for i in taken if i.class_id in acute_set}
        for class_id in classes:
            b["class_days"][class_id] += 1
        # ICHD-3 8.2: days of intake, never doses; a combination product counts
        # only under 8.2.5 because its intake carries the combination class.
        codes = {moh_of[c] for c in classes if c in moh_of}
        for code in codes:
            if code in b["moh_days"]:
                b["moh_days"][code] += 1
        if codes & _POOL_CODES:  # ICHD-3 8.2.6: the pooled classes
            b["moh_days"][POOL_SUBTYPE] += 1
        if ANALGESIC_SUBTYPE in codes:  # ICHD-3 8.2.3.1-8.2.3.3: which simple analgesics
            kinds: set[str] = set()
            for i in taken:
                if moh_of.get(i.class_id) == ANALGESIC_SUBTYPE:
                    member = member_of(i.medication, i.class_id)
                    if member is not None:
                        kinds.update(member.analgesics)
            for code, which in SUBFORMS.items():
                if which & kinds:
                    b["subform_days"][code] += 1

    result = {}
    for key in sorted(acc):
        b = acc[key]
        entry: dict[str, Any] = dict(zip(_DAY_TALLY, b["tally"], strict=True))
        for name in _OTHER_TALLY:
            entry[name] = b["counts"].get(name, 0)
        entry["class_days"] = b["class_days"]
        entry["moh_days"] = b["moh_days"]
        entry["subform_days"] = b["subform_days"]
        result[key] = entry
    return result


def therapy_key(name: str, class_id: str, catalogue: Catalogue) -> str:
    """A triptan's identity: the catalogue's generic name when the typed name resolves
    (so "Imitrex" and "sumatriptan" are one triptan), else the typed name ignoring case
    and spacing."""
    from migrainecli.errors import MigraineError

    try:
        name = catalogue.resolve(name, class_id=class_id).canonical
    except MigraineError:
        pass
    return " ".join(name.casefold().split())


def triptan_tally(intakes: Iterable[Intake], catalogue: Catalogue) -> dict[str, list[int]]:
    """Each triptan of ``intakes`` (a key of ``therapy_key``) with [intakes, intakes
    recorded as not relieved], in the order of first intake. The diary stores it per
    month (``models.MonthHistory.triptans`` adds the months up)."""
    counts: dict[str, list[int]] = {}
    keys: dict[str, str] = {}  # one catalogue lookup per name typed, not per intake
    for i in sorted(intakes, key=lambda i: i.date):
        if i.class_id != TRIPTAN_CLASS:
            continue
        key = keys.get(i.medication)
        if key is None:
            key = keys[i.medication] = therapy_key(i.medication, TRIPTAN_CLASS, catalogue)
        c = counts.setdefault(key, [0, 0])
        c[0] += 1
        c[1] += i.relieved is False
    return counts


def class_days(intakes: Iterable[Intake]) -> dict[str, int]:
    """Each class id of ``intakes`` with the number of days it was taken on. The diary
    stores it per month (``models.MonthHistory.class_days`` adds the months up)."""
    used: dict[str, set[date]] = {}
    for i in intakes:
        if i.class_id is not None:
            used.setdefault(i.class_id, set()).add(i.date)
    return {c: len(days) for c, days in used.items()}


def encode_tally(tally: dict[str, Any]) -> bytes:
    """A ``month_tallies`` entry as the bytes the diary stores: its counts (each a number
    of days of one month, 0 to 31) in the order of ``_DAY_TALLY``, ``_OTHER_TALLY``, then
    the values of ``class_days``, ``moh_days`` and ``subform_days``; ``decode_tally``
    reads it back. The keys of the dictionaries are the catalogue's, fixed by the
    release that counted (the stored counts are tagged with it: ``storage.tally_basis``).
    """
    return bytes(
        [
            *(tally[k] for k in _DAY_TALLY),
            *(tally[k] for k in _OTHER_TALLY),
            *tally["class_days"].values(),
            *tally["moh_days"].values(),
            *tally["subform_days"].values(),
        ]
    )


def decode_tally(values: bytes, acute_ids: Sequence[str]) -> dict[str, Any]:
    """The ``month_tallies`` entry that ``encode_tally`` stored as ``values``."""
    a = len(_DAY_TALLY) + len(_OTHER_TALLY)
    b = a + len(acute_ids)
    c = b + len(MOH_SUBTYPES)
    if len(values) != c + len(SUBFORMS):
        raise ValueError(f"a stored month tally has {len(values)} counts, not {c + len(SUBFORMS)}")
    entry: dict[str, Any] = dict(zip(_SCALAR_TALLY, values))  # noqa: B905 - first a
    entry["class_days"] = dict(zip(acute_ids, values[a:b]))  # noqa: B905 - lengths checked
    entry["moh_days"] = dict(zip(MOH_SUBTYPES, values[b:c]))  # noqa: B905
    entry["subform_days"] = dict(zip(SUBFORMS, values[c:]))  # noqa: B905
    return entry


def monthly_counts(
    data: DiaryData, as_of: date, catalogue: Catalogue | None = None
) -> list[MonthCounts]:
    """Every calendar month from the diary start's month to the as-of month, in order.

    ``catalogue`` gives the acute classes and their ICHD-3 8.2 subtypes; ``None``
    loads the packaged catalogue. Returns ``[]`` for a diary with no day and no
    start date, or one that starts after ``as_of``.
    """
    if catalogue is None:
        from migrainecli.catalogue import load_catalogue

        catalogue = load_catalogue()
    acute_ids, _ = moh_classes(catalogue)

    start = diary_start(data)
    if start is None or start > as_of:
        return []

    gaps = _merged_gaps(data.gaps, start, as_of)
    tallies = month_tallies(data.days, data.intakes, catalogue, gaps, start, as_of)
    history = data.history
    if history is not None:  # the stored counts of the months before history.since
        for key, tally in history.tallies.items():
            if key in tallies:  # pragma: no cover - storage reads rows only from `since`
                raise AssertionError(f"month {month_label(*key)} counted twice")
            tallies[key] = tally

    # Untracked days per month: before the start (in the start month) and in gaps.
    untracked: dict[tuple[int, int], int] = defaultdict(int)
    untracked[(start.year, start.month)] += start.day - 1
    for s, e in gaps:
        cursor = s
        while cursor <= e:
            last = min(e, month_end(cursor.year, cursor.month))
            untracked[(cursor.year, cursor.month)] += (last - cursor).days + 1
            cursor = last + timedelta(days=1)

    # A month_tallies entry names exactly the count fields of MonthCounts.
    empty = dict.fromkeys(_SCALAR_TALLY, 0)
    result = []
    year, month = start.year, start.month
    while (year, month) <= (as_of.year, as_of.month):
        days_in_month = days_in(year, month)
        complete = date(year, month, days_in_month) <= as_of
        elapsed = days_in_month if complete else as_of.day
        u = untracked.get((year, month), 0)
        counts = tallies.get((year, month)) or {
            **empty,
            "class_days": dict.fromkeys(acute_ids, 0),
            "moh_days": dict.fromkeys(MOH_SUBTYPES, 0),
            "subform_days": dict.fromkeys(SUBFORMS, 0),
        }
        result.append(
            MonthCounts(
                year=year,
                month=month,
                days_in_month=days_in_month,
                elapsed_days=elapsed,
                complete=complete,
                tracked_days=elapsed - u,
                untracked_days=u,
                **counts,
            )
        )
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return result


def window(months: Sequence[MonthCounts], as_of: date, n: int) -> list[MonthCounts]:
    """The ``n`` most recent complete calendar months on or before ``as_of``, oldest
    first. A month the diary does not cover (before its start) is entirely untracked.
    A month is complete when its last day is on or before ``as_of`` (so with an as-of
    date on a month's last day, that month is the latest of the window)."""
    class_ids = list(months[0].class_days) if months else []
    year, month = latest_complete_month(as_of)
    keys = [add_months(year, month, -i) for i in range(n - 1, -1, -1)]
    by_key: dict[tuple[int, int], MonthCounts] | None = None
    found = []
    for k in keys:
        # monthly_counts gives consecutive months: the month is found by its position,
        # without a dictionary of a long diary's months for every window
        i = (k[0] - months[0].year) * 12 + k[1] - months[0].month if months else -1
        m = months[i] if 0 <= i < len(months) and months[i].key == k else None
        if m is None:
            if by_key is None:
                by_key = {m.key: m for m in months}
            m = by_key.get(k)
        found.append(m or untracked_month(*k, as_of, class_ids))
    return found
