"""What the options of ``log`` and ``edit`` mean, and what ``log`` says, without Typer.

The Typer commands (:mod:`migrainecli.cli.days`) declare the options and their help;
this module turns their values into the day's fields, holds the rules between them
(``--free`` against ``--severity``, ``--relieved`` needing one ``--med``) and writes
the confirmations. The fast path of everyday ``log`` (:mod:`migrainecli.fastlog`)
uses the same functions, so that both say the same thing in the same words.
"""

from __future__ import annotations

from migrainecli.errors import InvalidValue
from migrainecli.models import FEATURES

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at start-up (fastlog)
if TYPE_CHECKING:  # pragma: no cover - typing only
    from typing import Any

# The yes/no options of a day, each --NAME/--no-NAME (``believed_migraine`` is
# --believed-migraine): a field of the day each.
FLAGS = (*FEATURES, "believed_migraine")
LONG_RANGE_DAYS = 7  # a longer range is confirmed in one summary line, not a line a day


def changes(
    *,
    severity: str | None,
    free: bool,
    hours: float | None,
    impairment: str | None,
    note: str | None,
    flags: dict[str, bool | None],
) -> dict[str, Any]:
    """The day's fields the options set (--med and --relieved aside)."""
    if free and severity is not None:
        raise InvalidValue("--free and --severity contradict each other; give one of them.")
    out: dict[str, Any] = {}
    if free:
        out["severity"] = "none"
    elif severity is not None:
        out["severity"] = severity
    if hours is not None:
        out["hours"] = hours
    if impairment is not None:
        out["impairment"] = impairment
    if note is not None:
        out["note"] = note or None
    out.update({k: v for k, v in flags.items() if v is not None})
    return out


def relief_usage(med: list[str] | None, relieved: bool | None) -> str | None:
    """The usage error of --relieved / --not-relieved (exit 2), None when it is fine:
    it must say which intake it is about, so it needs exactly one --med."""
    if relieved is None:
        return None
    flag = "--relieved" if relieved else "--not-relieved"
    word = "relieved" if relieved else "not relieved"
    if not med:
        return f'{flag} needs the medication it is about: --med "sumatriptan 50 mg: {word}".'
    if len(med) > 1:
        return (
            f"{flag} with {len(med)} --med options does not say which intake it is about; "
            f'write it in each one: --med "{med[0]}: {word}" --med "{med[1]}: relieved".'
        )
    return None


def asks_questions(changes: dict[str, Any], meds: list[str], relieved: bool | None,
                   start, end) -> bool:  # fmt: skip
    """Whether ``log`` was given nothing but one date: on a terminal it then asks the
    questions of the guided log instead."""
    return not changes and not meds and relieved is None and start == end


def add_yes(question: str) -> str:
    """The error for an entry that needs confirming, off a terminal."""
    return f"{question} Add --yes if that is right."


def is_that_right(question: str) -> str:
    """The question asked on a terminal for an entry that needs confirming."""
    return f"{question} Is that right?"


NOTHING_LOGGED = "Nothing logged."


def report(results, verb_new: str) -> list[str]:
    """The confirmations of ``log`` / ``edit``: a line a date, or one summary line for a
    range longer than :data:`LONG_RANGE_DAYS` (unwrapped; see :func:`confirmation`)."""
    from migrainecli.logbook import describe

    if len(results) > LONG_RANGE_DAYS:
        created = sum(r.created for r in results)
        counts = [
            f"{created:,} new", f"{len(results) - created:,} updated",
            f"{sum(r.verdict.headache for r in results):,} headache days",
            f"{sum(r.verdict.migraine for r in results):,} migraine days",
            f"{sum(r.added for r in results):,} intakes added",
        ]  # fmt: skip
        first, last = results[0].day.date, results[-1].day.date
        return [f"{verb_new} {len(results):,} days ({first} to {last}): {', '.join(counts)}."]
    lines = []
    for r in results:
        if r.created:
            meds = f" (+{r.added} intake{'s' if r.added != 1 else ''})" if r.added else ""
            lines.append(f"{verb_new} {r.day.date.isoformat()}{meds}: {describe(r.verdict)}.")
        else:
            what = ", ".join(r.changed) or "no change"
            lines.append(f"Updated {r.day.date.isoformat()} ({what}): {describe(r.verdict)}.")
    return lines


def confirmation(text: str, tty: bool, width: int) -> str:
    """A ``log`` / ``edit`` confirmation as printed: on a terminal wrapped at spaces to its
    width (later lines indented two spaces); piped, one line, so that a script or grep
    reads one line per day."""
    if not tty:
        return text
    from migrainecli.edge import wrap

    return "\n".join(wrap(text, max(width, 20), "  "))


def printed(text: str) -> str:
    """:func:`confirmation` for this process's stdout."""
    import sys

    tty = sys.stdout.isatty()
    if not tty:
        return text
    import shutil

    return confirmation(text, tty, shutil.get_terminal_size().columns)


def gap_notes(results, gaps) -> list[str]:
    """The notes (stderr) for logged dates inside an untracked period, one a period."""
    notes = []
    for g in gaps:
        inside = [r.day.date for r in results if g.start <= r.day.date <= g.end]
        if inside:
            notes.append(
                f"Note: {inside[0]} is inside the untracked period #{g.id} ({g.start} to "
                f"{g.end}), so it is not counted; 'migrainecli gap delete {g.id}' counts it."
            )
    return notes
