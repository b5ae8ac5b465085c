"""Reading the dates a user types (docs/interface.md "Dates").

Accepted: ISO dates (2026-11-03), ``today``, ``yesterday``, ``N days ago``
(also ``N weeks ago``), weekday names meaning the most recent such day (today if
today is that weekday), and whatever python-dateutil parses (``3 Nov 2026``,
``Nov 3``). A date written without a year is the most recent such date not in
the future. Also ``tomorrow`` and ``next friday`` (refused as in the future where
the diary needs a past date, like any future date), ``last monday`` (the one before
today), ``a week ago``, ``N months ago``.

Numeric dates (``05/11/2026``, ``5.11.26``) are read without guessing: a date
whose day and month could be swapped is refused, naming both readings, unless the
diary's ``date-order`` setting (``dmy``, ``mdy`` or ``ymd``) says how to read it;
one that can only be read one way (``20/11/2026``) is read that way. A two-digit
year is the most recent such year not after this one.

Trial dates may name only a month (:func:`parse_month_or_date`): ``2025-01``,
``Jan 2025``, ``01/2025`` mean the first of that month, flagged as approximate.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, timedelta

from migrainecli.errors import DateError

_WEEKDAYS = {
    name: i
    for i, names in enumerate(
        (
            ("monday", "mon"),
            ("tuesday", "tue", "tues"),
            ("wednesday", "wed"),
            ("thursday", "thu", "thur", "thurs"),
            ("friday", "fri"),
            ("saturday", "sat"),
            ("sunday", "sun"),
        )
    )
    for name in names
}
_AGO = re.compile(r"^(\d+|a|an|one)\s+(day|week|month|year)s?\s+ago$")
_NUMERIC = re.compile(r"^(\d{1,4})[/.\-](\d{1,2})(?:[/.\-](\d{1,4}))?$")
_MONTH_ONLY = re.compile(r"^(\d{4})[-/.](\d{1,2})$|^(\d{1,2})[-/.](\d{4})$")
DATE_ORDERS = ("dmy", "mdy", "ymd")
_MONTH_NAMES = (
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december",
)  # fmt: skip
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
EARLIEST = date(1900, 1, 1)
HINT = "use YYYY-MM-DD, 'today', 'yesterday', 'N days ago' or a weekday name"

# The date order, or a function that looks it up (read from the diary only when a
# numeric date needs it).
Order = str | None | Callable[[], str | None]


def parse_date(
    text: str, *, today: date | None = None, allow_future: bool = False, order: Order = None
) -> date:
    """Read one date. Raises DateError with a sentence saying what to type instead."""
    today = today or date.today()
    raw = text
    text = " ".join(text.strip().lower().split())
    if not text:
        raise DateError(f"Missing date; {HINT}.")
    if ".." in text:
        raise DateError(
            f"{raw!r} is a range, but this takes one date; give a single date such as "
            f"{text.partition('..')[0].strip() or 'today'!r}."
        )
    result = _numeric(text, raw, today, order)
    if result is None:
        result = _parse(text, raw, today)
    if result < EARLIEST:
        raise DateError(f"{result.isoformat()} is too far in the past for a diary date.")
    if result > today and not allow_future:
        raise DateError(
            f"{result.isoformat()} is in the future; the diary only records days up to today "
            f"({today.isoformat()})."
        )
    return result


def _numeric(text: str, raw: str, today: date, order: Order) -> date | None:
    """A date written in numbers only (not ISO), read without guessing; None if not one."""
    m = _NUMERIC.match(text)
    if not m or _ISO.match(text):
        return None
    a, b, c = m.group(1), m.group(2), m.group(3)
    if c is None:  # "5/11": day and month, no year
        if len(a) > 2:
            return None
        readings = {"dmy": (None, int(b), int(a)), "mdy": (None, int(a), int(b))}
    elif len(a) == 4:  # 2026/11/05 and 2026.11.05 are always year-month-day
        readings = {"ymd": (int(a), int(b), int(c))}
    else:
        readings = {
            "dmy": (_year(c, today), int(b), int(a)),
            "mdy": (_year(c, today), int(a), int(b)),
            "ymd": (_year(a, today), int(b), int(c)) if len(c) <= 2 else None,
        }
    valid = {}
    for name, ymd in readings.items():
        if ymd is None:
            continue
        y, mo, d = ymd
        try:
            valid[name] = _dated(y, mo, d, today)
        except (ValueError, DateError):
            continue
    chosen = order() if callable(order) else order
    if chosen in readings:
        if chosen not in valid:
            raise DateError(
                f"{raw!r} is not a real date when read as {_ORDER_WORDS[chosen]} (your "
                "date-order setting); write it as YYYY-MM-DD."
            )
        return valid[chosen]
    # A year first is only read so when the setting says so (26.11.05 is not guessed).
    distinct = sorted({d for name, d in valid.items() if name != "ymd" or len(a) == 4})
    if not distinct:
        raise DateError(f"{raw!r} is not a real calendar date; write it as YYYY-MM-DD.")
    if len(distinct) > 1:
        both = " or ".join(d.strftime("%-d %B %Y") for d in distinct)
        raise DateError(
            f"{raw!r} could be {both}; write it as YYYY-MM-DD, or say how you write dates "
            "with 'migrainecli config set date-order dmy' (or mdy)."
        )
    return distinct[0]


_ORDER_WORDS = {"dmy": "day/month/year", "mdy": "month/day/year", "ymd": "year/month/day"}


def _year(text: str, today: date) -> int:
    """A written year; two digits mean the most recent such year not after this one."""
    year = int(text)
    if len(text) > 2:
        return year
    century = today.year - today.year % 100
    return century + year if century + year <= today.year else century - 100 + year


def _dated(year: int | None, month: int, day: int, today: date) -> date:
    if year is not None:
        return date(year, month, day)
    for y in range(today.year, today.year - 9, -1):  # the most recent such date
        try:
            candidate = date(y, month, day)
        except ValueError:  # 29 February in a non-leap year
            continue
        if candidate <= today:
            return candidate
    raise ValueError("no such date")


def _parse(text: str, raw: str, today: date) -> date:
    if text == "today":
        return today
    if text == "yesterday":
        return today - timedelta(days=1)
    if text == "tomorrow":
        return today + timedelta(days=1)
    if text in _WEEKDAYS:
        return today - timedelta(days=(today.weekday() - _WEEKDAYS[text]) % 7)
    first, _, rest = text.partition(" ")
    if first in ("last", "next") and rest in _WEEKDAYS:
        delta = (today.weekday() - _WEEKDAYS[rest]) % 7 or 7
        if first == "last":
            return today - timedelta(days=delta)
        return today + timedelta(days=(_WEEKDAYS[rest] - today.weekday()) % 7 or 7)
    m = _AGO.match(text)
    if m:
        n = 1 if m.group(1) in ("a", "an", "one") else int(m.group(1))
        unit = m.group(2)
        try:
            if unit in ("month", "year"):
                from dateutil.relativedelta import relativedelta

                months = n * (12 if unit == "year" else 1)
                return today - relativedelta(months=months)
            return today - timedelta(days=n * (7 if unit == "week" else 1))
        except (OverflowError, ValueError):
            raise DateError(f"{raw!r} is too far in the past.") from None
    if _ISO.match(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise DateError(f"{raw!r} is not a real calendar date.") from None
    return _parse_free(text, raw, today)


def _parse_free(text: str, raw: str, today: date) -> date:
    from dateutil import parser

    # Parse twice with different defaults: a field that changes with the default
    # was not written by the user.
    try:
        a = parser.parse(text, default=datetime(2000, 1, 1))
        b = parser.parse(text, default=datetime(2004, 3, 2))
    except (ValueError, OverflowError, parser.ParserError):
        raise DateError(f"Could not read {raw!r} as a date; {HINT}.") from None
    if a.month != b.month or a.day != b.day:
        raise DateError(f"{raw!r} does not name a day; {HINT}.")
    if a.year == b.year:
        return a.date()
    try:  # no year written: the most recent such date not in the future
        return _dated(None, a.month, a.day, today)
    except ValueError:  # pragma: no cover - every day and month occurs within 8 years
        raise DateError(f"Could not read {raw!r} as a date; {HINT}.") from None


def parse_month_or_date(
    text: str, *, today: date | None = None, allow_future: bool = False, order: Order = None
) -> tuple[date, bool]:
    """A trial date: a day, or only a month (``2025-01``, ``Jan 2025``, ``01/2025``).

    A month means its first day; the second value says the day is approximate.
    """
    today = today or date.today()
    words = " ".join(text.strip().lower().replace(",", " ").split())
    year = month = None
    m = _MONTH_ONLY.match(words)
    if m:
        year, month = (
            (int(m.group(1)), int(m.group(2))) if m.group(1) else (int(m.group(4)), int(m.group(3)))
        )
    else:
        parts = words.split()
        if len(parts) == 2 and parts[1].isdigit() and len(parts[1]) == 4:
            name = parts[0].rstrip(".")
            found = [i for i, full in enumerate(_MONTH_NAMES, 1) if len(name) >= 3
                     and full.startswith(name)]  # fmt: skip
            if len(found) == 1:
                year, month = int(parts[1]), found[0]
    if year is None:
        return parse_date(text, today=today, allow_future=allow_future, order=order), False
    if not 1 <= month <= 12:
        raise DateError(f"{text!r} names month {month}, which does not exist; write YYYY-MM.")
    first = date(year, month, 1)
    if first < EARLIEST:
        raise DateError(f"{first.isoformat()} is too far in the past for a diary date.")
    if first > today and not allow_future:
        raise DateError(f"{text!r} is in the future.")
    return first, True


def parse_range(
    text: str, *, today: date | None = None, allow_future: bool = False, order: Order = None
) -> tuple[date, date]:
    """Read ``FROM..TO`` (inclusive) or a single date (a one-day range)."""
    if ".." in text:
        left, _, right = text.partition("..")
        if ".." in right:
            raise DateError(f"{text!r} is not a range; write FROM..TO with one '..'.")
        start = parse_date(left, today=today, allow_future=allow_future, order=order)
        end = parse_date(right, today=today, allow_future=allow_future, order=order)
        if end < start:
            raise DateError(
                f"The range {text!r} ends before it starts; write it as FROM..TO, earliest first."
            )
        return start, end
    day = parse_date(text, today=today, allow_future=allow_future, order=order)
    return day, day
