"""Commands for diary days: log, edit, show, days, delete."""

from dataclasses import dataclass
from datetime import date
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
    option_set,
    out,
    parse_date,
    parse_month_or_date,
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
Free = Annotated[
    bool,
    typer.Option(
        "--free", help="An explicitly headache-free day (with --aura: an aura without headache)."
    ),
]
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
Aura = Annotated[
    bool | None,
    _flag(
        "aura",
        "A typical aura (visual, sensory or speech). Alone on a new date: an aura without "
        "headache (ICHD-3 1.2.1.2).",
    ),
]
Believed = Annotated[
    bool | None, _flag("believed-migraine", "You believed it was a migraine when it began.")
]
Impair = Annotated[
    Impairment | None,
    typer.Option(
        "--impairment",
        "-i",
        metavar="LEVEL",
        help="How much it limited your day despite medication: none, mild, serious or bedbound.",
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
        "Repeat for each intake; say whether each one helped after a colon: "
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


@dataclass(frozen=True)
class DayOptions:
    """The options that describe a day, shared by ``log`` and ``edit`` (``option_set``)."""

    severity: Sev = None
    free: Free = False
    hours: Hours = None
    unilateral: Unilateral = None
    pulsating: Pulsating = None
    activity: Activity = None
    nausea: Nausea = None
    vomiting: Vomiting = None
    photophobia: Photo = None
    phonophobia: Phono = None
    aura: Aura = None
    believed_migraine: Believed = None
    impairment: Impair = None
    med: Meds = None
    relieved: Relieved = None
    note: Note = None

    def changes(self) -> dict[str, Any]:
        """The day's fields the options set (--med and --relieved aside)."""
        from migrainecli.dayoptions import FLAGS, changes

        return changes(
            severity=self.severity.value if self.severity is not None else None,
            free=self.free,
            hours=self.hours,
            impairment=self.impairment.value if self.impairment is not None else None,
            note=self.note,
            flags={f: getattr(self, f) for f in FLAGS},
        )


def _report(results, verb_new: str) -> None:
    from migrainecli.dayoptions import printed, report

    for line in report(results, verb_new):
        typer.echo(printed(line))


def _relief_usage(med: list[str] | None, relieved: bool | None) -> None:
    """--relieved must say which intake it is about: exactly one --med."""
    from migrainecli.dayoptions import relief_usage

    message = relief_usage(med, relieved)
    if message is not None:
        raise usage_error(message)


def _log_confirmed(diary, yes: bool, **kwargs):
    """Log, asking first (or needing --yes off a terminal) when the entry looks like a typo."""
    import sys

    from migrainecli.dayoptions import NOTHING_LOGGED, add_yes, is_that_right
    from migrainecli.logbook import NeedsConfirmation, log_days

    try:
        return log_days(diary, confirmed=yes, **kwargs)
    except NeedsConfirmation as question:
        if not sys.stdin.isatty():
            raise fail(add_yes(str(question))) from None
        if not confirm(is_that_right(str(question))):
            raise fail(NOTHING_LOGGED) from None
        return log_days(diary, confirmed=True, **kwargs)


def _warn_in_gap(results, gaps) -> None:
    from migrainecli.dayoptions import gap_notes

    for line in gap_notes(results, gaps):
        note(line)


@option_set
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
    day: DayOptions = DayOptions(),  # the options themselves (option_set)
    like: Annotated[
        str | None,
        typer.Option(
            "--like",
            metavar="DATE",
            help="Copy another day's severity, hours, features, limit and intakes (not its "
            "note); the other options given change the copy, and --med replaces its intakes.",
        ),
    ] = None,
    yes: Annotated[
        bool,
        typer.Option(
            "--yes", "-y", help="Log even a date that moves the diary start back a long way."
        ),
    ] = False,
) -> None:
    """Log a headache day, a headache-free day, or an aura alone.

    --aura alone on a date not yet logged (or --free --aura) records an aura without
    headache (ICHD-3 1.2.1.2, severity none): not a headache or migraine day, but an
    attack for chronic migraine's criterion B.

    With no option but the date, on a terminal, it asks a few questions instead
    (Enter takes the answer of the last headache day; Ctrl-C stores nothing). Logging
    a date that is already logged changes only the options given, adds the intakes
    and says what changed. A date that moves the diary start back by more than 90
    days, or one before the date of birth, is asked about first (--yes off a
    terminal).
    """
    from migrainecli.dayoptions import asks_questions

    _relief_usage(day.med, day.relieved)
    start, end = parse_range(when)
    changes = day.changes()
    meds = day.med or []
    if like is not None:
        changes, meds = _like(ctx, like, start, end, changes, day.med, day.free)
    elif asks_questions(changes, meds, day.relieved, start, end):
        from migrainecli.cli.guided import ask_day, on_terminal

        if on_terminal():
            answers = ask_day(ctx, start)
            changes, meds = answers.changes, answers.meds
    with open_diary(ctx, write=True) as diary:
        results = _log_confirmed(
            diary, yes, start=start, end=end, changes=changes, meds=meds, relieved=day.relieved
        )
        gaps = diary.gaps()
    _report(results, "Logged")
    _warn_in_gap(results, gaps)


def _like(ctx, like: str, start, end, changes: dict[str, Any], med, free: bool):
    """``--like DATE``: the options the copied day stands for, overridden by those given.

    The copy takes everything that describes the attack (severity, hours, the eight
    features, believed migraine, impairment) and the intakes with their doses and
    relief, but not the note: a note is about its own day. ``--med`` replaces the
    copied intakes rather than adding to them, so a different medication can be
    logged. It only makes new days: a date already logged is changed with ``edit``.
    """
    from migrainecli.logbook import DAY_FIELDS, intake_text

    if free:
        raise usage_error("--like copies a headache day's details, so it cannot go with --free.")
    source = parse_date(like, option="--like")
    with open_diary(ctx, write=False) as diary:
        copied = diary.get_day(source)
        if copied is None:
            raise fail(f"--like {source}: nothing is logged on {source} to copy.")
        logged = [d.date for d in diary.days(start, end)]
        if logged:
            raise fail(
                f"{logged[0]} is already logged; --like only makes new days "
                f"('migrainecli edit {logged[0]} ...' changes it)."
            )
        intakes = diary.intakes(source, source)
    base = {f: getattr(copied, f) for f in DAY_FIELDS if f != "note"}
    base = {k: v for k, v in base.items() if v is not None}
    base.update(changes)
    return base, (med if med else [intake_text(i) for i in intakes])


@option_set
def edit(
    ctx: typer.Context,
    when: Annotated[
        str, typer.Argument(metavar="WHEN", help="The logged date (or FROM..TO range) to change.")
    ],
    day: DayOptions = DayOptions(),  # the options themselves (option_set)
    clear_meds: Annotated[
        bool, typer.Option("--clear-meds", help="Remove the intakes logged on the date first.")
    ] = False,
) -> None:
    """Change a logged day; only the options given change."""
    from migrainecli.logbook import log_days

    _relief_usage(day.med, day.relieved)
    start, end = parse_range(when)
    changes = day.changes()
    if not changes and not day.med and day.relieved is None and not clear_meds:
        # Nothing typed to change is a usage error (exit 2), like a missing argument.
        raise typer.BadParameter(
            "Nothing to change; give at least one option, e.g. --severity mild or "
            "--note TEXT (see 'migrainecli edit --help').",
            ctx=ctx,
            param_hint="options",
        )
    with open_diary(ctx, write=True) as diary:
        results = log_days(
            diary,
            start,
            end,
            changes,
            day.med or [],
            day.relieved,
            create=False,
            clear_meds=clear_meds,
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
        table.add_row("counts as", describe(verdict, detail=True))
        console.print(table)


_SHORT = {
    "unilateral": "U", "pulsating": "P", "activity": "A", "nausea": "N",
    "vomiting": "V", "photophobia": "Ph", "phonophobia": "So", "aura": "Au",
}  # fmt: skip
LEGEND = (
    "Features: U unilateral, P pulsating, A activity, N nausea, V vomiting, "
    "Ph photophobia, So phonophobia, Au aura. deb.: debilitating (EHF 2020)."
)
NOTE_MARK = "*"
DEFAULT_MONTHS = 3  # the default window: from the same day 3 months ago to today


def months_before(d: date, months: int) -> date:
    """The same day ``months`` calendar months before ``d`` (the month's last day if shorter)."""
    import calendar

    y, m = divmod(d.year * 12 + d.month - 1 - months, 12)
    return date(y, m + 1, min(d.day, calendar.monthrange(y, m + 1)[1]))


def _month(text: str) -> tuple[date, date]:
    import calendar

    first, approximate = parse_month_or_date(text, option="--month", allow_future=True)
    if not approximate:
        raise fail(f"--month takes a month such as 2026-11 or 'Nov 2026', not {text!r}.")
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    return first, last


def _window(
    from_: str | None,
    to: str | None,
    month: str | None,
    last: int | None,
    all_: bool,
    as_json: bool,
) -> tuple[date | None, date | None, bool]:
    """(start, end, default) of the days to list; None is open-ended.

    --all lists every day and combines with nothing else; --month names one calendar
    month and does not combine with --from/--to; -n N keeps the last N logged days of
    whatever window the others give. Contradictions are usage errors (exit 2). With no
    window option the listing is the last 3 months, from the same day 3 months ago to
    today (``default`` is then True) -- except with --json, which then lists every day,
    as it always has, so that scripts keep working.
    """
    if all_:
        given = [o for o, v in (("--from", from_), ("--to", to), ("--month", month),
                                ("-n", last)) if v is not None]  # fmt: skip
        if given:
            raise usage_error(
                f"--all lists every day, so it cannot be combined with {given[0]}; "
                "give one of them."
            )
        return None, None, False
    if month is not None:
        if from_ is not None or to is not None:
            opt = "--from" if from_ is not None else "--to"
            raise usage_error(
                f"--month and {opt} both say which days to list; give --month alone, "
                "or --from and --to."
            )
        start, end = _month(month)
        return start, end, False
    start = parse_date(from_, option="--from") if from_ else None
    end = parse_date(to, option="--to", allow_future=True) if to else None
    if start and end and end < start:
        raise fail(f"--to {end} is before --from {start}; give the earlier date with --from.")
    if start is None and end is None and last is None and not as_json:
        t = date.today()
        return months_before(t, DEFAULT_MONTHS), t, True
    return start, end, False


def _counts(verdict) -> str:
    if verdict.aura_only:  # ICHD-3 1.2.1.2 aura without headache: not a headache day
        return "aura only"
    if not verdict.headache:
        return "free"
    if verdict.migraine:
        return "migraine " + "+".join(verdict.paths)
    return "probable" if verdict.probable else "headache"


def _header(rows, start, end, default: bool, total: int, last: int | None) -> str:
    """The first line of ``days``: which days are listed, and how many are logged."""
    first_d, last_d = rows[0][0].date, rows[-1][0].date
    n = len(rows)
    if last is not None:
        what = f"The last {n:,} logged day{'s' * (n != 1)}"
        return f"{what} ({first_d} to {last_d}; {total:,} logged in all)."
    if start is None and end is None:
        return f"All {total:,} logged days, from {first_d} to {last_d}."
    span = f"from {start or first_d} to {end or last_d}"
    hint = "; --all lists every day, --month YYYY-MM one month" if default else ""
    return f"Days logged {span} ({n:,} of {total:,} logged days{hint})."


def day_lines(rows, *, width: int | None, notes: bool) -> list[str]:
    """The ``days`` listing without its first line: a table, or stacked blocks below
    70 columns (see :mod:`migrainecli.cli.listing`), then the legend."""
    from migrainecli.cli.listing import is_narrow, table, wrap
    from migrainecli.cli.listing import plain as _plain

    marked = any(day.note for day, _, _ in rows)
    if is_narrow(width):
        assert width is not None
        lines: list[str] = []
        for day, intakes, verdict in rows:
            head = [
                day.date.isoformat() + (NOTE_MARK if day.note else ""),
                day.severity,
                _counts(verdict),
            ] + (["debilitating"] if verdict.debilitating else [])
            lines += wrap("  ".join(head), width, "    ")
            feats = ", ".join(f for f in FEATURES if getattr(day, f))
            for label, value in (
                ("features", feats), ("impairment", day.impairment or ""),
                ("medication", _plain(", ".join(i.medication for i in intakes))),
                ("note", _plain(day.note or "") if notes else ""),
            ):  # fmt: skip
                if value:
                    lines += wrap(f"  {label}: {value}", width, "    ")
        if marked and not notes:
            lines += wrap(f"{NOTE_MARK} has a note (--notes shows it).", width)
        return lines
    headers = ("date", "severity", "features", "impairment", "medication", "counts as", "deb.")
    cells = []
    for day, intakes, verdict in rows:
        feats = " ".join(_SHORT[f] for f in FEATURES if getattr(day, f))
        cells.append((
            day.date.isoformat() + (NOTE_MARK if day.note else ""), day.severity, feats,
            day.impairment or "", _plain(", ".join(i.medication for i in intakes)),
            _counts(verdict), "yes" if verdict.debilitating else "",
        ))  # fmt: skip
    after = [f"note: {_plain(d.note)}" if d.note else None for d, _, _ in rows] if notes else None
    lines = table(headers, cells, width=width, wrappable=(4,), after=after)
    legend = LEGEND + (f" {NOTE_MARK} has a note (--notes shows it)." if marked and not notes
                       else "")  # fmt: skip
    lines += wrap(legend, width) if width else [legend]
    return lines


def days(
    ctx: typer.Context,
    from_: Annotated[
        str | None, typer.Option("--from", metavar="DATE", help="First date to list.")
    ] = None,
    to: Annotated[
        str | None, typer.Option("--to", metavar="DATE", help="Last date to list.")
    ] = None,
    month: Annotated[
        str | None,
        typer.Option("--month", metavar="MONTH", help="List one calendar month (YYYY-MM)."),
    ] = None,
    last: Annotated[
        int | None,
        typer.Option("--last", "-n", metavar="N", min=1, help="Only the last N logged days."),
    ] = None,
    all_: Annotated[bool, typer.Option("--all", help="List every logged day.")] = False,
    notes: Annotated[bool, typer.Option("--notes", help="Print each day's note under it.")] = False,
    pager: Annotated[
        bool,
        typer.Option(
            "--pager/--no-pager",
            help="On a terminal, show a listing longer than the screen through $PAGER.",
        ),
    ] = True,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print JSON (every day unless a window is given).")
    ] = False,
) -> None:
    """List logged days with what each counts as.

    By default the last 3 months: from the same day 3 months ago to today. --month
    YYYY-MM lists one month, -n N the last N logged days (of the window the other
    options give), --all every day; --from/--to give any window. --all with any other
    window option, or --month with --from/--to, is a usage error. The first line (on
    stdout, so that it pastes with the table) says which days are listed and how many
    are logged in all. A day with a note is marked * after its date; --notes prints
    the note under it. Below 70 columns (the terminal's width, or $COLUMNS) each day
    is a small block instead of a table row. On a terminal a listing longer than the
    screen goes through $PAGER (--no-pager: never); piped output never does.

    --json without window options lists every day, as before this window existed, so
    that scripts keep working. Without a diary file it says so on stderr; --json then
    prints [].
    """
    from migrainecli.cli.common import no_diary
    from migrainecli.cli.listing import output_width, write_lines
    from migrainecli.logbook import day_dict, day_rows

    start, end, default = _window(from_, to, month, last, all_, as_json)
    if no_diary(ctx) and not as_json:
        return
    with open_diary(ctx, write=False) as diary:
        if last is not None:
            cut = diary.nth_last_logged(last, start, end)
            if cut is not None:
                start = cut
        rows = day_rows(diary, start, end)
        total = diary.count_logged(date.min, date.max)[0] if not as_json else 0
    if as_json:
        print_json_items(day_dict(*r) for r in rows)
        return
    if not rows:
        if default and total:
            note(f"No days logged from {start} to {end}; {total:,} earlier ones: "
                 "--all lists every day.")  # fmt: skip
        else:
            note("No days logged in that period. Log one with 'migrainecli log'.")
        return
    from migrainecli.cli.listing import wrap

    width = output_width()
    head = _header(rows, start, end, default, total, last)
    lines = (wrap(head, width) if width else [head]) + day_lines(rows, width=width, notes=notes)
    write_lines(lines, pager=pager)


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
