"""Reading the dates a user types (interface.md "Dates").

Accepted: ISO dates (2026-11-03), ``today``, ``yesterday``, ``N days ago``
(also ``N weeks ago``), weekday names meaning the most recent such day (today if
today is that weekday), and whatever python-dateutil parses (``3 Nov 2026``,
``Nov 3``). A date written without a year is the most recent such date not in
the future. Numeric dates with slashes follow dateutil's month-first reading
(``03/11/2026`` is 11 March); ISO dates avoid the ambiguity.
"""

from __future__ import annotations

import re
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
_AGO = re.compile(r"^(\d+)\s+(day|days|week|weeks)\s+ago$")
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
EARLIEST = date(1900, 1, 1)
HINT = "use YYYY-MM-DD, 'today', 'yesterday', 'N days ago' or a weekday name"


def parse_date(text: str, *, today: date | None = None, allow_future: bool = False) -> date:
    """Read one date. Raises DateError with a sentence saying what to type instead."""
    today = today or date.today()
    raw = text
    text = " ".join(text.strip().lower().split())
    if not text:
        raise DateError(f"Missing date; {HINT}.")
    result = _parse(text, raw, today)
    if result < EARLIEST:
        raise DateError(f"{result.isoformat()} is too far in the past for a diary date.")
    if result > today and not allow_future:
        raise DateError(
            f"{result.isoformat()} is in the future; the diary only records days up to today "
            f"({today.isoformat()})."
        )
    return result


def _parse(text: str, raw: str, today: date) -> date:
    if text == "today":
        return today
    if text == "yesterday":
        return today - timedelta(days=1)
    if text in _WEEKDAYS:
        return today - timedelta(days=(today.weekday() - _WEEKDAYS[text]) % 7)
    m = _AGO.match(text)
    if m:
        n = int(m.group(1)) * (7 if m.group(2).startswith("week") else 1)
        try:
            return today - timedelta(days=n)
        except OverflowError:
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
    # No year written: the most recent such date not in the future.
    for year in range(today.year, today.year - 9, -1):
        try:
            candidate = date(year, a.month, a.day)
        except ValueError:  # 29 February in a non-leap year
            continue
        if candidate <= today:
            return candidate
    raise DateError(f"Could not read {raw!r} as a date; {HINT}.")  # pragma: no cover


def parse_range(
    text: str, *, today: date | None = None, allow_future: bool = False
) -> tuple[date, date]:
    """Read ``FROM..TO`` (inclusive) or a single date (a one-day range)."""
    if ".." in text:
        left, _, right = text.partition("..")
        start = parse_date(left, today=today, allow_future=allow_future)
        end = parse_date(right, today=today, allow_future=allow_future)
        if end < start:
            raise DateError(
                f"The range {text!r} ends before it starts; write it as FROM..TO, earliest first."
            )
        return start, end
    day = parse_date(text, today=today, allow_future=allow_future)
    return day, day


def iso(d: date | None) -> str | None:
    return d.isoformat() if d else None
