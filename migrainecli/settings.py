"""The diary's settings (``config set``): which keys exist and what each accepts.

The one place a setting's value is checked and normalised before it is stored; the
shell (``cli/config.py``) only parses the command line and prints. The rules read the
stored values through ``Diary.load()`` (``DiaryData``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from migrainecli.errors import InvalidValue

KNOWN_SETTINGS = {
    "start": "the diary start date (YYYY-MM-DD), when tracking began before the first entry",
    "name": "patient name for the clinician summary header (optional)",
    "dob": "patient date of birth for the clinician summary header (optional)",
    "date-order": "how you write numeric dates: dmy (5/11 = 5 November), mdy or ymd",
    # Shell completion shows these; fish breaks a line longer than about 80 characters.
    "step-therapy-failures": "failed AHS 2021 options a payer requires first (default 2)",
}

STEP_THERAPY_FAILURES = "step-therapy-failures"
# 1 to the number of AHS 2021 options (data/ahs_options.json; a test keeps them equal).
STEP_THERAPY_FAILURES_MAX = 6


def check_key(key: str) -> None:
    """InvalidValue naming the closest setting ("did you mean") for an unknown key."""
    if key not in KNOWN_SETTINGS:
        import difflib

        close = difflib.get_close_matches(key.lower(), KNOWN_SETTINGS, n=1, cutoff=0.5)
        hint = f" (did you mean {close[0]}?)" if close else ""
        raise InvalidValue(
            f"Unknown setting {key!r}{hint}; the settings are {', '.join(KNOWN_SETTINGS)}."
        )


def check_start(value: str, first_logged: date | None) -> None:
    """The diary start may only move back: not after the first logged day."""
    if first_logged is not None and value > first_logged.isoformat():
        raise InvalidValue(
            f"The diary start cannot be after the first logged day ({first_logged}); "
            "the diary starts at its first entry unless you set an earlier date."
        )


def validate_setting(key: str, value: str, parse_date: Callable[[str], date]) -> str:
    """The value to store for ``key``, or InvalidValue with one sentence saying why not.
    ``parse_date`` reads a date the way the user writes them (date-order)."""
    check_key(key)
    if key in ("start", "dob"):
        return parse_date(value).isoformat()
    if key == "date-order":
        from migrainecli.dates import DATE_ORDERS

        order = value.strip().lower()
        if order not in DATE_ORDERS:
            raise InvalidValue(
                f"date-order must be dmy (day first: 5/11 is 5 November), mdy (month first) "
                f"or ymd, not {value!r}."
            )
        return order
    if key == STEP_THERAPY_FAILURES:
        n = step_therapy_failures(value)
        if n is None:
            raise InvalidValue(
                f"step-therapy-failures must be a whole number from 1 to "
                f"{STEP_THERAPY_FAILURES_MAX} (the AHS 2021 options), not {value!r}."
            )
        return str(n)
    return value.strip()


def step_therapy_failures(value: str | None) -> int | None:
    """A stored ``step-therapy-failures`` value as a number; None when unset or unusable
    (the rule then uses its default, 2)."""
    text = (value or "").strip()
    if not text.isascii() or not text.isdigit():
        return None
    n = int(text)
    return n if 1 <= n <= STEP_THERAPY_FAILURES_MAX else None
