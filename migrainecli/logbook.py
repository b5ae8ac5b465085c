"""Logging, editing and describing diary days (the core behind ``log``, ``edit``, ``show``)."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import date, timedelta
from typing import Any

from migrainecli.errors import InvalidValue, NotFound
from migrainecli.models import FEATURES, IMPAIRMENTS, SEVERITIES, Day, Intake
from migrainecli.rules.day import DayVerdict, classify_day
from migrainecli.storage import Diary

DAY_FIELDS = tuple(f.name for f in fields(Day) if f.name != "date")
MAX_RANGE_DAYS = 366


@dataclass(frozen=True)
class Logged:
    """The outcome of logging one date."""

    day: Day
    created: bool
    intakes: tuple[Intake, ...]  # every intake on the date after the change
    added: int
    verdict: DayVerdict


def resolve_meds(meds: list[str], day: date, relieved: bool | None) -> list[Intake]:
    """Resolve ``--med`` texts through the catalogue as acute intakes on ``day``."""
    from migrainecli.catalogue import load_catalogue

    catalogue = load_catalogue()
    intakes = []
    for text in meds:
        res = catalogue.resolve(text, kinds={"acute"})
        intakes.append(Intake(day, res.name, res.dose, relieved, res.class_id))
    return intakes


def validate_changes(changes: dict[str, Any]) -> None:
    unknown = set(changes) - set(DAY_FIELDS)
    if unknown:  # pragma: no cover - a programming error, not user input
        raise ValueError(f"unknown day fields {sorted(unknown)}")
    sev = changes.get("severity")
    if sev is not None and sev not in SEVERITIES:
        raise InvalidValue(f"Severity must be one of {', '.join(SEVERITIES)}, not {sev!r}.")
    imp = changes.get("impairment")
    if imp is not None and imp not in IMPAIRMENTS:
        raise InvalidValue(f"Impairment must be one of {', '.join(IMPAIRMENTS)}, not {imp!r}.")
    hours = changes.get("hours")
    if hours is not None and not 0 < hours <= 24:
        raise InvalidValue(f"Hours must be more than 0 and at most 24, not {hours:g}.")
    if changes.get("severity") == "none":
        given = [f for f in (*FEATURES, "hours") if changes.get(f)]
        if given:
            raise InvalidValue(
                "A headache-free day cannot have headache details "
                f"({', '.join('--' + g for g in given)}); drop --free or those options."
            )


def log_days(
    diary: Diary,
    start: date,
    end: date,
    changes: dict[str, Any],
    meds: list[str],
    relieved: bool | None = None,
    *,
    create: bool = True,
    clear_meds: bool = False,
) -> list[Logged]:
    """Create or update every date from ``start`` to ``end`` in one transaction.

    ``changes`` holds only the fields the user gave. A new date needs a severity
    (``none`` for an explicitly headache-free day). With ``create=False`` (``edit``)
    every date must already be logged.
    """
    if (end - start).days >= MAX_RANGE_DAYS:
        raise InvalidValue(
            f"A range can cover at most {MAX_RANGE_DAYS} days; split it into shorter ranges."
        )
    validate_changes(changes)
    results = []
    with diary.write():
        d = start
        while d <= end:
            results.append(_log_one(diary, d, changes, meds, relieved, create, clear_meds))
            d += timedelta(days=1)
    return results


def _log_one(
    diary: Diary,
    d: date,
    changes: dict[str, Any],
    meds: list[str],
    relieved: bool | None,
    create: bool,
    clear_meds: bool,
) -> Logged:
    existing = diary.get_day(d)
    if existing is None:
        if not create:
            raise NotFound(f"Nothing is logged on {d.isoformat()}; use 'migrainecli log' first.")
        if changes.get("severity") is None:
            raise InvalidValue(
                f"{d.isoformat()} is not logged yet: say how bad the headache was with "
                "--severity mild|moderate|severe, or --free for a headache-free day."
            )
        day = Day(date=d, **changes)
    else:
        if not (changes or meds or relieved is not None or clear_meds):
            raise InvalidValue(
                f"{d.isoformat()} is already logged and no option was given to change it; "
                f"'migrainecli show {d.isoformat()}' shows it."
            )
        day = replace(existing, **changes)
        if changes.get("severity") == "none":
            # Marking a day headache-free clears the headache details it had.
            day = replace(day, hours=None, **dict.fromkeys(FEATURES))
    new_intakes = resolve_meds(meds, d, relieved) if meds else []
    if new_intakes and day.severity == "none":
        raise InvalidValue(
            f"{d.isoformat()} is a headache-free day; acute medication is logged on "
            "headache days (give --severity)."
        )
    if day.severity == "none" and existing is not None and not clear_meds:
        if diary.intakes(d, d):
            raise InvalidValue(
                f"{d.isoformat()} has acute-medication intakes, so it cannot be headache-free; "
                "add --clear-meds to remove them, or keep a severity."
            )
    diary.save_day(day)
    if clear_meds:
        diary.delete_intakes(d)
    if new_intakes:
        diary.add_intakes(new_intakes)
    elif relieved is not None and not clear_meds:
        diary.set_relieved(d, relieved)
    intakes = tuple(diary.intakes(d, d))
    return Logged(day, existing is None, intakes, len(new_intakes), classify_day(day, intakes))


def describe(verdict: DayVerdict) -> str:
    """One plain sentence: what the day counts as (ICHD-3 1.3 / EHF 2020)."""
    if not verdict.headache:
        return "headache-free day"
    parts = ["headache day"]
    if verdict.migraine:
        parts.append(f"migraine day (ICHD-3 1.3 {'+'.join(verdict.paths)})")
    elif verdict.probable:
        parts.append(f"probable migraine only, not a migraine day ({verdict.why_not})")
    else:
        parts.append(f"not a migraine day ({verdict.why_not})")
    parts.append("debilitating" if verdict.debilitating else "not debilitating")
    return ", ".join(parts)


def show_day(diary: Diary, d: date) -> tuple[Day, tuple[Intake, ...], DayVerdict]:
    day = diary.get_day(d)
    if day is None:
        raise NotFound(f"Nothing is logged on {d.isoformat()}.")
    intakes = tuple(diary.intakes(d, d))
    return day, intakes, classify_day(day, intakes)


def day_dict(day: Day, intakes: tuple[Intake, ...], verdict: DayVerdict) -> dict[str, Any]:
    """A day as JSON: the recorded fields, its intakes and what it counts as."""
    data: dict[str, Any] = {"date": day.date.isoformat()}
    data.update({name: getattr(day, name) for name in DAY_FIELDS})
    data["intakes"] = [
        {"medication": i.medication, "dose": i.dose, "relieved": i.relieved, "class": i.class_id}
        for i in intakes
    ]
    data["headache_day"] = verdict.headache
    data["migraine_day"] = verdict.migraine
    data["migraine_paths"] = list(verdict.paths)
    data["probable_migraine"] = verdict.probable
    data["debilitating"] = verdict.debilitating
    return data
