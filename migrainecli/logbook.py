"""Logging, editing and describing diary days (the core behind ``log``, ``edit``, ``show``)."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import date, timedelta

from migrainecli.errors import InvalidValue, MigraineError, NotFound
from migrainecli.models import FEATURES, IMPAIRMENTS, SEVERITIES, Day, Intake
from migrainecli.rules.day import DayVerdict, classify_day
from migrainecli.storage import Diary

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at start-up (fastlog)
if TYPE_CHECKING:  # pragma: no cover - typing only
    from typing import Any

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
    changed: tuple[str, ...] = ()  # for an updated day: "severity moderate → mild", ...


_RELIEF_WORDS = {
    "relieved": True, "helped": True, "yes": True,
    "not relieved": False, "unrelieved": False, "did not help": False, "didn't help": False,
    "no relief": False, "no": False,
}  # fmt: skip


def split_relief(text: str) -> tuple[str, bool | None]:
    """``"ibuprofen 400 mg: not relieved"`` → (``"ibuprofen 400 mg"``, False).

    The relief of one intake is written after a colon; without one it is not recorded.
    """
    if ":" not in text:
        return text, None
    name, _, tail = text.rpartition(":")
    word = " ".join(tail.lower().split())
    if word not in _RELIEF_WORDS:
        raise InvalidValue(
            f"After ':' in --med {text!r} write 'relieved' or 'not relieved' "
            "(whether that intake relieved the headache)."
        )
    return name.strip(), _RELIEF_WORDS[word]


def intake_text(intake: Intake) -> str:
    """The ``--med`` text that logs ``intake`` again: "sumatriptan 50 mg: relieved"."""
    text = intake.medication + (f" {intake.dose}" if intake.dose else "")
    if intake.relieved is not None:
        text += ": relieved" if intake.relieved else ": not relieved"
    return text


def resolve_meds(meds: list[str], day: date, relieved: bool | None = None) -> list[Intake]:
    """Resolve ``--med`` texts through the catalogue as acute intakes on ``day``.

    Each text may end in ``: relieved`` or ``: not relieved``; ``relieved`` (the
    ``--relieved`` flag, allowed with a single ``--med`` only) applies otherwise.
    """
    from migrainecli.catalogue import load_catalogue

    catalogue = load_catalogue()
    intakes = []
    for text in meds:
        name, own = split_relief(text)
        if own is not None and relieved is not None and own != relieved:
            raise InvalidValue(
                f"--med {text!r} and --{'' if relieved else 'not-'}relieved contradict each "
                "other; give one of them."
            )
        res = catalogue.resolve(name, kinds={"acute"})
        intakes.append(
            Intake(day, res.name, res.dose, own if own is not None else relieved, res.class_id)
        )
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
        # ICHD-3 1.2.1.2: an aura without headache is the one detail a day of severity
        # none can have (an aura-only day); headache details cannot.
        given = [f for f in (*HEADACHE_FEATURES, "hours") if changes.get(f)]
        if given:
            raise InvalidValue(
                "A headache-free day cannot have headache details "
                f"({', '.join('--' + g for g in given)}); drop --free or those options "
                "(--aura alone is allowed: an aura without headache)."
            )


# Every feature but the aura describes a headache (an aura-only day may have only --aura).
HEADACHE_FEATURES = tuple(f for f in FEATURES if f != "aura")


def aura_only_changes(changes: dict[str, Any]) -> bool:
    """Whether the options for a new date describe an aura without headache (ICHD-3
    1.2.1.2): ``--aura`` with no severity and no headache detail (``log --aura``)."""
    return (
        changes.get("severity") is None
        and changes.get("aura") is True
        and not any(changes.get(f) is not None for f in (*HEADACHE_FEATURES, "hours"))
    )


class NeedsConfirmation(MigraineError):
    """A plausible-looking entry that may be a typo; the user must confirm it (``--yes``)."""


START_MOVE_DAYS = 90  # moving the diary start back by more than this asks first


def check_plausible(diary: Diary, start: date) -> None:
    """Ask before an entry on ``start`` moves the diary start far back or predates birth.

    A typo in the year (2016 for 2026) would otherwise make years of headache-free
    days. Raises NeedsConfirmation with the sentence to show.
    """
    dob = diary.get_setting("dob")
    if dob and start < date.fromisoformat(dob):
        raise NeedsConfirmation(
            f"{start.isoformat()} is before the date of birth in the diary ({dob})."
        )
    current = diary.start()
    if current is not None and (current - start).days > START_MOVE_DAYS:
        free = (current - start).days - 1
        raise NeedsConfirmation(
            f"This moves the diary start from {current.isoformat()} back to "
            f"{start.isoformat()}: {free:,} days would count as headache-free."
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
    confirmed: bool = False,
) -> list[Logged]:
    """Create or update every date from ``start`` to ``end`` in one transaction.

    ``changes`` holds only the fields the user gave. A new date needs a severity
    (``none`` for an explicitly headache-free day). With ``create=False`` (``edit``)
    every date must already be logged. Unless ``confirmed``, an entry that moves the
    diary start back by more than 90 days or predates the birth date raises
    NeedsConfirmation and writes nothing.
    """
    if (end - start).days >= MAX_RANGE_DAYS:
        raise InvalidValue(
            f"A range can cover at most {MAX_RANGE_DAYS} days; split it into shorter ranges."
        )
    validate_changes(changes)
    if relieved is not None and len(meds) != 1:
        raise InvalidValue(  # the CLI reports this as a usage error before getting here
            "--relieved applies to a single --med; write the relief in each --med instead."
        )
    results = []
    with diary.write():
        if create and not confirmed and diary.get_day(start) is None:
            check_plausible(diary, start)
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
        if aura_only_changes(changes):  # `log --aura` on a new date: aura without headache
            changes = {**changes, "severity": "none"}
        if changes.get("severity") is None:
            raise InvalidValue(
                f"{d.isoformat()} is not logged yet: say how bad the headache was with "
                "--severity mild|moderate|severe, --free for a headache-free day, or --aura "
                "alone for an aura without headache."
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
            # Marking a day headache-free clears the headache details it had; an aura
            # given with it stays (an aura-only day, ICHD-3 1.2.1.2).
            cleared = dict.fromkeys(FEATURES)
            cleared["aura"] = changes.get("aura")
            day = replace(day, hours=None, **cleared)
    new_intakes = resolve_meds(meds, d, relieved) if meds else []
    if new_intakes and day.severity == "none":
        what = "an aura-only day (no headache)" if day.aura else "a headache-free day"
        raise InvalidValue(
            f"{d.isoformat()} is {what}; acute medication is logged on "
            "headache days (give --severity)."
        )
    if day.severity == "none" and existing is not None and not clear_meds:
        if diary.intakes(d, d):
            raise InvalidValue(
                f"{d.isoformat()} has acute-medication intakes, so it cannot be headache-free; "
                f"remove them with 'migrainecli edit {d.isoformat()} --free --clear-meds', "
                "or keep a severity."
            )
    diary.save_day(day)
    removed = diary.delete_intakes(d) if clear_meds else 0
    if new_intakes:
        diary.add_intakes(new_intakes)
    intakes = tuple(diary.intakes(d, d))
    changed = day_changes(existing, day, len(new_intakes), removed) if existing else ()
    return Logged(
        day, existing is None, intakes, len(new_intakes), classify_day(day, intakes), changed
    )


def _value(field: str, value: Any) -> str:
    if value is None:
        return "not recorded"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def day_changes(before: Day, after: Day, added: int, removed: int) -> tuple[str, ...]:
    """What an update changed, one phrase a field: ("severity moderate → mild", "+1 intake")."""
    out = []
    for name in DAY_FIELDS:
        old, new = getattr(before, name), getattr(after, name)
        if old == new:
            continue
        label = name.replace("_", " ")
        if name == "note":
            out.append("note added" if old is None else "note removed" if new is None
                       else "note changed")  # fmt: skip
        else:
            out.append(f"{label} {_value(name, old)} → {_value(name, new)}")
    if removed:
        out.append(f"-{removed} intake{'s' if removed != 1 else ''}")
    if added:
        out.append(f"+{added} intake{'s' if added != 1 else ''}")
    return tuple(out)


def describe(verdict: DayVerdict, *, detail: bool = False) -> str:
    """One plain sentence: what the day counts as (ICHD-3 1.3 / EHF 2020).

    The ``log`` confirmation gives one reason for a headache day that is not a migraine
    day: the first ICHD-3 1.3 C1 element that fails (the pain features, then the
    accompanying symptoms), since C2 and C3 are rarer and would only lengthen the line.
    ``show`` passes ``detail=True`` for the whole C1/C2/C3 explanation.
    """
    if verdict.aura_only:
        return (
            "aura-only day (typical aura without headache, ICHD-3 1.2.1.2): not a headache "
            "or migraine day; counts as an attack for ICHD-3 1.3 B"
        )
    if not verdict.headache:
        return "headache-free day"
    parts = ["headache day"]
    why = verdict.why_not if detail else _first_reason(verdict)
    if verdict.migraine:
        parts.append(f"migraine day (ICHD-3 1.3 {'+'.join(verdict.paths)})")
        if detail and verdict.c3_combination:
            parts.append(
                "C3 by a combination product containing a triptan or ergot (the project's "
                "reading of C3; the intake counts under ICHD-3 8.2.5 only)"
            )
    elif verdict.probable:
        parts.append(f"probable migraine only, not a migraine day ({why})")
    else:
        parts.append(f"not a migraine day ({why})")
    parts.append("debilitating" if verdict.debilitating else "not debilitating")
    return ", ".join(parts)


def _first_reason(verdict: DayVerdict) -> str:
    """The first ICHD-3 1.3 C1 element a non-migraine headache day misses, in one phrase."""
    n_pain = len(verdict.pain_features)
    if n_pain < 2:
        return (f"{n_pain} of the 4 pain features; C1 needs 2 of unilateral, pulsating, "
                "moderate/severe, worse with activity")  # fmt: skip
    return "no nausea/vomiting or photophobia with phonophobia, which C1 needs"


DayRow = tuple[Day, tuple[Intake, ...], DayVerdict]


def day_rows(diary: Diary, start: date | None, end: date | None) -> list[DayRow]:
    """Every logged day from ``start`` to ``end`` (None: open-ended) with its intakes and
    what it counts as."""
    by_date: dict[date, list[Intake]] = {}
    for i in diary.intakes(start, end):
        by_date.setdefault(i.date, []).append(i)
    return [
        (d, tuple(by_date.get(d.date, ())), classify_day(d, by_date.get(d.date, ())))
        for d in diary.days(start, end)
    ]


def show_days(diary: Diary, start: date, end: date) -> list[DayRow]:
    """:func:`day_rows` for ``show``: nothing logged there is an error."""
    rows = day_rows(diary, start, end)
    if not rows:
        where = start.isoformat() if start == end else f"from {start} to {end}"
        raise NotFound(f"Nothing is logged {'on ' if start == end else ''}{where}.")
    return rows


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
    data["aura_only"] = verdict.aura_only  # ICHD-3 1.2.1.2 aura without headache
    return data
