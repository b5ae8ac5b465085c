"""docs/interface.md "Dates": every accepted form, and the refusals."""

from datetime import date

import pytest

from migrainecli.dates import parse_date, parse_range
from migrainecli.errors import DateError

TODAY = date(2026, 11, 25)  # a Wednesday


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-03", date(2026, 11, 3)),
        (" 2026-11-03 ", date(2026, 11, 3)),
        ("today", TODAY),
        ("TODAY", TODAY),
        ("yesterday", date(2026, 11, 24)),
        ("3 days ago", date(2026, 11, 22)),
        ("1 day ago", date(2026, 11, 24)),
        ("0 days ago", TODAY),
        ("2 weeks ago", date(2026, 11, 11)),
        ("wednesday", TODAY),  # today is Wednesday: "wednesday" means today
        ("monday", date(2026, 11, 23)),
        ("thursday", date(2026, 11, 19)),
        ("sun", date(2026, 11, 22)),
        ("3 Nov 2026", date(2026, 11, 3)),
        ("Nov 3", date(2026, 11, 3)),
        ("Nov 30", date(2025, 11, 30)),  # no year: the most recent such date, not the future
        ("25 November", TODAY),
        ("December 1", date(2025, 12, 1)),
        ("Feb 29", date(2024, 2, 29)),  # the most recent 29 February
        ("March 3, 2024", date(2024, 3, 3)),
    ],
)
def test_accepted_forms(text, expected):
    assert parse_date(text, today=TODAY) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2026-11-26", "in the future"),
        ("tomorrow", "is in the future"),
        ("2026-02-30", "not a real calendar date"),
        ("", "Missing date"),
        ("November", "does not name a day"),
        ("banana", "Could not read"),
        ("3 Nov 2027", "in the future"),
        ("99999 days ago", "too far in the past"),
        ("9999999 days ago", "too far in the past"),
    ],
)
def test_refused(text, message):
    with pytest.raises(DateError, match=message):
        parse_date(text, today=TODAY)


def test_future_allowed_when_asked():
    assert parse_date("2027-01-01", today=TODAY, allow_future=True) == date(2027, 1, 1)


def test_range_inclusive_and_ordered():
    assert parse_range("2026-11-01..2026-11-03", today=TODAY) == (
        date(2026, 11, 1),
        date(2026, 11, 3),
    )
    assert parse_range("3 days ago..yesterday", today=TODAY) == (
        date(2026, 11, 22),
        date(2026, 11, 24),
    )
    assert parse_range("today", today=TODAY) == (TODAY, TODAY)
    with pytest.raises(DateError, match="ends before it starts"):
        parse_range("2026-11-03..2026-11-01", today=TODAY)
    with pytest.raises(DateError, match="in the future"):
        parse_range("2026-11-20..2026-11-30", today=TODAY)
