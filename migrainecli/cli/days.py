"""Commands for diary days: log, edit, show, days, delete."""

from typing import Annotated, Any

import typer

from migrainecli.cli.common import (
    choices,
    clean,
    complete_therapy,
    confirm,
    fail,
    note,
    open_diary,
    out,
    parse_date,
    parse_range,
    print_json,
    print_json_items,
    say,
    usage_error,
    yes_no,
)
from migrainecli.models import FEATURES, IMPAIRMENTS, SEVERITIES

Severity = choices("Severity", tuple(s for s in SEVERITIES if s != "none"))
Impairment = choices("Impairment", IMPAIRMENTS)


def _flag(name: str, help_: str):
    return typer.Option(f"--{name}/--no-{name}", help=help_, show_default=False)


Sev = Annotated[
    Severity | None,
    typer.Option(
        "--severity", "-s", metavar="LEVEL", help="Headache intensity: mild, moderate or severe."
    ),
]
Free = Annotated[bool, typer.Option("--free", help="An explicitly headache-free day.")]
Hours = Annotated[
    float | None, typer.Option("--hours", metavar="N", help="How many hours it lasted.")
]
Unilateral = Annotated[bool | None, _flag("unilateral", "One-sided pain.")]
Pulsating = Annotated[bool | None, _flag("pulsating", "Pulsating or throbbing pain.")]
Activity = Annotated[
    bool | None, _flag("activity", "Worse with, or made you avoid, routine physical activity.")
]
Nausea = Annotated[bool | None, _flag("nausea", "Nausea.")]
Vomiting = Annotated[bool | None, _flag("vomiting", "Vomiting.")]
Photo = Annotated[bool | None, _flag("photophobia", "Bothered by light.")]
Phono = Annotated[bool | None, _flag("phonophobia", "Bothered by sound.")]
Aura = Annotated[bool | None, _flag("aura", "A typical aura (visual, sensory or speech).")]
Believed = Annotated[
    bool | None, _flag("believed-migraine", "You believed it was a migraine when it began.")
]
Impair = Annotated[
    Impairment | None,
    typer.Option(
        "--impairment",
        "-i",
        metavar="LEVEL",
        help="How much it limited your day despite medication: none, mild, serious or "
        "bedbound.",
    ),
]
Meds = Annotated[
    list[str] | None,
    typer.Option(
        "--med",
        "-m",
        metavar="NAME",
        autocompletion=complete_therapy,
        help='Acute medication taken that day, dose allowed: --med "sumatriptan 50 mg". '
        'Repeat for each intake; say whether each one helped after a colon: '
        '--med "ibuprofen 400 mg: not relieved" --med "Imitrex 100 mg: relieved".',
    ),
]
Relieved = Annotated[
    bool | None,
    typer.Option(
        "--relieved/--not-relieved",
        help="Whether the one --med given relieved the headache (with several, write "
        "': relieved' or ': not relieved' in each --med).",
    ),
]
Note = Annotated[str | None, typer.Option("--note", "-n", metavar="TEXT", help="A free-text note.")]


def _changes(
    severity: Severity | None,
    free: bool,
    hours: float | None,
    impairment: Impairment | None,
    note: str | None,
    **flags: bool | None,
) -> dict[str, Any]:
    if free and severity is not None:
        raise fail("--free and --severity contradict each other; give one of them.")
    changes: dict[str, Any] = {}
    if free:
        changes["severity"] = "none"
    elif severity is not None:
        changes["severity"] = severity.value
    if hours is not None:
        changes["hours"] = hours
    if impairment is not None:
        changes["impairment"] = impairment.value
    if note is not None:
        changes["note"] = note or None
    changes.update({k: v for k, v in flags.items() if v is not None})
    return changes


LONG_RANGE_DAYS = 7  # a longer range is confirmed in one summary line, not a line a day


def _report(results, verb_new: str) -> None:
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
        typer.echo(f"{verb_new} {len(results):,} days ({first} to {last}): {', '.join(counts)}.")
        return
    for r in results:
        if r.created:
            meds = f" (+{r.added} intake{'s' if r.added != 1 else ''})" if r.added else ""
            typer.echo(f"{verb_new} {r.day.date.isoformat()}{meds}: {describe(r.verdict)}.")
        else:
            what = ", ".join(r.changed) or "no change"
            typer.echo(f"Updated {r.day.date.isoformat()} ({what}): {describe(r.verdict)}.")


def _relief_usage(med: list[str] | None, relieved: bool | None) -> None:
    """--relieved must say which intake it is about: exactly one --med."""
    if relieved is None:
        return
    flag = "--relieved" if relieved else "--not-relieved"
    word = "relieved" if relieved else "not relieved"
    if not med:
        raise usage_error(
            f'{flag} needs the medication it is about: --med "sumatriptan 50 mg: {word}".'
        )
    if len(med) > 1:
        raise usage_error(
            f"{flag} with {len(med)} --med options does not say which intake it is about; "
            f'write it in each one: --med "{med[0]}: {word}" --med "{med[1]}: relieved".'
        )


def _log_confirmed(diary, yes: bool, **kwargs):
    """Log, asking first (or needing --yes off a terminal) when the entry looks like a typo."""
    import sys

    from migrainecli.logbook import NeedsConfirmation, log_days

    try:
        return log_days(diary, confirmed=yes, **kwargs)
    except NeedsConfirmation as question:
        if not sys.stdin.isatty():
            raise fail(f"{question} Add --yes if that is right.") from None
        if not confirm(f"{question} Is that right?"):
            raise fail("Nothing logged.") from None
        return log_days(diary, confirmed=True, **kwargs)


def _warn_in_gap(results, gaps) -> None:
    for g in gaps:
        inside = [r.day.date for r in results if g.start <= r.day.date <= g.end]
        if inside:
            note(
                f"Note: {inside[0]} is inside the untracked period #{g.id} ({g.start} to "
                f"{g.end}), so it is not counted; 'migrainecli gap delete {g.id}' counts it."
            )


def log(
    ctx: typer.Context,
    when: Annotated[
        str,
        typer.Argument(
            metavar="WHEN",
            help="Date or FROM..TO range: 2026-11-03, today, yesterday, '3 days ago', monday.",
            show_default=True,
        ),
    ] = "today",
    severity: Sev = None,
    free: Free = False,
    hours: Hours = None,
    unilateral: Unilateral = None,
    pulsating: Pulsating = None,
    activity: Activity = None,
    nausea: Nausea = None,
    vomiting: Vomiting = None,
    photophobia: Photo = None,
    phonophobia: Phono = None,
    aura: Aura = None,
    believed_migraine: Believed = None,
    impairment: Impair = None,
    med: Meds = None,
    relieved: Relieved = None,
    note: Note = None,
    yes: Annotated[
        bool,
        typer.Option(
            "--yes", "-y", help="Log even a date that moves the diary start back a long way."
        ),
    ] = False,
) -> None:
    """Log a headache day, or a headache-free day.

    Logging a date that is already logged changes only the options given, adds the
    intakes and says what changed. A date that moves the diary start back by more
    than 90 days, or one before the date of birth, is asked about first (--yes off a
    terminal).
    """
    _relief_usage(med, relieved)
    start, end = parse_range(when)
    changes = _changes(
        severity, free, hours, impairment, note,
        unilateral=unilateral, pulsating=pulsating, activity=activity, nausea=nausea,
        vomiting=vomiting, photophobia=photophobia, phonophobia=phonophobia, aura=aura,
        believed_migraine=believed_migraine,
    )  # fmt: skip
    with open_diary(ctx, write=True) as diary:
        results = _log_confirmed(
            diary, yes, start=start, end=end, changes=changes, meds=med or [], relieved=relieved
        )
        gaps = diary.gaps()
    _report(results, "Logged")
    _warn_in_gap(results, gaps)


def edit(
    ctx: typer.Context,
    when: Annotated[
        str, typer.Argument(metavar="WHEN", help="The logged date (or FROM..TO range) to change.")
    ],
    severity: Sev = None,
    free: Free = False,
    hours: Hours = None,
    unilateral: Unilateral = None,
    pulsating: Pulsating = None,
    activity: Activity = None,
    nausea: Nausea = None,
    vomiting: Vomiting = None,
    photophobia: Photo = None,
    phonophobia: Phono = None,
    aura: Aura = None,
    believed_migraine: Believed = None,
    impairment: Impair = None,
    med: Meds = None,
    relieved: Relieved = None,
    note: Note = None,
    clear_meds: Annotated[
        bool, typer.Option("--clear-meds", help="Remove the intakes logged on the date first.")
    ] = False,
) -> None:
    """Change a logged day; only the options given change."""
    from migrainecli.logbook import log_days

    _relief_usage(med, relieved)
    start, end = parse_range(when)
    changes = _changes(
        severity, free, hours, impairment, note,
        unilateral=unilateral, pulsating=pulsating, activity=activity, nausea=nausea,
        vomiting=vomiting, photophobia=photophobia, phonophobia=phonophobia, aura=aura,
        believed_migraine=believed_migraine,
    )  # fmt: skip
    if not changes and not med and relieved is None and not clear_meds:
        # Nothing typed to change is a usage error (exit 2), like a missing argument.
        raise typer.BadParameter(
            "Nothing to change; give at least one option, e.g. --severity mild or "
            "--note TEXT (see 'migrainecli edit --help').",
            ctx=ctx,
            param_hint="options",
        )
    with open_diary(ctx, write=True) as diary:
        results = log_days(
            diary, start, end, changes, med or [], relieved, create=False, clear_meds=clear_meds
        )
    _report(results, "Logged")


def show(
    ctx: typer.Context,
    when: Annotated[
        str, typer.Argument(metavar="WHEN", help="The date, or a FROM..TO range, to show.")
    ],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print JSON (a list of days for a range).")
    ] = False,
) -> None:
    """Show a logged day, or each logged day of a range, and what it counts as.

    Everything logged on the date is shown. Without a diary file it says so on stderr
    and exits 0; --json then prints null.
    """
    from migrainecli.cli.common import no_diary
    from migrainecli.logbook import day_dict, describe, show_days

    start, end = parse_range(when)
    if no_diary(ctx):
        if as_json:
            print_json(None)
        return
    with open_diary(ctx, write=False) as diary:
        shown = show_days(diary, start, end)
    if as_json:
        dicts = [day_dict(*row) for row in shown]
        print_json(dicts[0] if start == end else dicts)
        return
    from rich.table import Table

    console = out()
    for n, (day, intakes, verdict) in enumerate(shown):
        if n:
            console.print()
        table = Table(show_header=False, box=None, pad_edge=False)
        table.add_row("date", day.date.strftime("%Y-%m-%d (%A)"))
        table.add_row("severity", day.severity)
        if day.hours is not None:
            table.add_row("hours", f"{day.hours:g}")
        present = [f for f in FEATURES if getattr(day, f)]
        absent = [f for f in FEATURES if getattr(day, f) is False]
        table.add_row("features", ", ".join(present) or "none recorded")
        if absent:
            table.add_row("recorded absent", ", ".join(absent))
        if day.believed_migraine is not None:
            table.add_row("believed migraine", yes_no(day.believed_migraine))
        table.add_row("impairment", day.impairment or "not recorded")
        for i in intakes:
            rel = {True: ", relieved", False: ", not relieved", None: ""}[i.relieved]
            dose = f" {i.dose}" if i.dose else ""
            table.add_row("medication", clean(f"{i.medication}{dose} [{i.class_id or '?'}]{rel}"))
        if day.note:
            table.add_row("note", clean(day.note))
        table.add_row("counts as", describe(verdict))
        console.print(table)


TABLE_CHUNK = 1000  # rows per table in a long `days` listing

_SHORT = {
    "unilateral": "U", "pulsating": "P", "activity": "A", "nausea": "N",
    "vomiting": "V", "photophobia": "Ph", "phonophobia": "So", "aura": "Au",
}  # fmt: skip


def days(
    ctx: typer.Context,
    from_: Annotated[
        str | None, typer.Option("--from", metavar="DATE", help="First date to list.")
    ] = None,
    to: Annotated[
        str | None, typer.Option("--to", metavar="DATE", help="Last date to list.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List logged days with what each counts as.

    Without a diary file it says so on stderr; --json then prints [].
    """
    from migrainecli.cli.common import no_diary
    from migrainecli.logbook import day_dict, day_rows

    start = parse_date(from_, option="--from") if from_ else None
    end = parse_date(to, option="--to", allow_future=True) if to else None
    if start and end and end < start:
        raise fail(f"--to {end} is before --from {start}; give the earlier date with --from.")
    if no_diary(ctx) and not as_json:
        return
    with open_diary(ctx, write=False) as diary:
        rows = day_rows(diary, start, end)
    if as_json:
        print_json_items(day_dict(*r) for r in rows)
        return
    if not rows:
        note("No days logged in that period. Log one with 'migrainecli log'.")
        return
    from rich import box
    from rich.table import Table

    headers = ("date", "severity", "features", "impairment", "medication", "counts as", "deb.")
    cells = []
    for day, intakes, verdict in rows:
        feats = " ".join(_SHORT[f] for f in FEATURES if getattr(day, f))
        meds = clean(", ".join(i.medication for i in intakes))
        if not verdict.headache:
            counts = "free"
        elif verdict.migraine:
            counts = "migraine " + "+".join(verdict.paths)
        else:
            counts = "probable" if verdict.probable else "headache"
        cells.append((
            day.date.isoformat(), day.severity, feats, day.impairment or "", meds, counts,
            "yes" if verdict.debilitating else "",
        ))  # fmt: skip
    # A long listing is printed as tables of TABLE_CHUNK rows that share every column's
    # width (the widest cell of the whole listing), so they line up as one table; one
    # rich table of 36,500 rows took 20 s and 190 MB.
    widths = None
    if len(cells) > TABLE_CHUNK:
        widths = [max(len(h), *(len(c[k]) for c in cells)) for k, h in enumerate(headers)]
    console = out()
    for first in range(0, len(cells), TABLE_CHUNK if widths else len(cells)):
        table = Table(
            box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False, show_header=first == 0
        )
        for k, col in enumerate(headers):
            table.add_column(
                col, no_wrap=col in ("date", "deb."), min_width=widths[k] if widths else None
            )
        for row in cells[first : first + (TABLE_CHUNK if widths else len(cells))]:
            table.add_row(*row)
        console.print(table)
    console.print(
        "Features: U unilateral, P pulsating, A activity, N nausea, V vomiting, "
        "Ph photophobia, So phonophobia, Au aura. deb.: debilitating (EHF 2020)."
    )


def delete(
    ctx: typer.Context,
    when: Annotated[
        str, typer.Argument(metavar="WHEN", help="The date, or a FROM..TO range, to delete.")
    ],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Delete logged days and their intakes (asks first).

    A date or a FROM..TO range; the question says how many days and intakes go.
    """
    start, end = parse_range(when)
    with open_diary(ctx, write=True) as diary:
        n_days, n_intakes = diary.count_logged(start, end)
        if n_days == 0:
            where = f"on {start}" if start == end else f"from {start} to {end}"
            raise fail(f"Nothing is logged {where}.")
        intakes = f"{n_intakes} intake{'s' if n_intakes != 1 else ''}"
        if start == end:
            what = f"{start}" + (f" and its {intakes}" if n_intakes else "")
        else:
            what = f"{n_days} logged day{'s' if n_days != 1 else ''} ({start} to {end})" + (
                f" and their {intakes}" if n_intakes else ""
            )
        if not yes and not confirm(f"Delete {what}?"):
            raise fail("Nothing deleted.")
        diary.delete_days(start, end)
    say(f"Deleted {what}.")
