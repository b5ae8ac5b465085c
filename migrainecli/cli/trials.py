"""Commands for treatment trials: trial add / stop / edit / delete / list."""

from datetime import date
from typing import Annotated

import typer

from migrainecli.cli.common import (
    Json,
    choices,
    complete_therapy,
    confirm,
    fail,
    note,
    open_diary,
    parse_month_or_date,
    print_json,
    read_diary,
    say,
    sub_app,
)
from migrainecli.cli.listing import plain
from migrainecli.models import KINDS, OUTCOMES, trial_date

app = sub_app("Record the treatments you have tried: dates, doses, outcomes.")


Kind = choices("Kind", KINDS)
Outcome = choices("Outcome", OUTCOMES)


TrialRef = Annotated[
    str, typer.Argument(metavar="TRIAL", help="The trial's number (from 'trial list') or name.")
]
ClassOpt = Annotated[
    str | None,
    typer.Option(
        "--class", metavar="ID", help="Class id, for a therapy the catalogue does not know."
    ),
]
DoseOpt = Annotated[
    str | None, typer.Option("--dose", metavar="TEXT", help='Dose, e.g. "50 mg twice daily".')
]
ReasonOpt = Annotated[
    str | None,
    typer.Option(
        "--reason", metavar="TEXT", help='Why it was stopped, or why unavailable ("not covered").'
    ),
]
NoteOpt = Annotated[str | None, typer.Option("--note", metavar="TEXT", help="A free-text note.")]


@app.command("add")
def add(
    ctx: typer.Context,
    therapy: Annotated[
        str,
        typer.Argument(
            metavar="THERAPY",
            help='Name as on the box: "Topamax 50 mg", Aimovig.',
            autocompletion=complete_therapy,
        ),
    ],
    start: Annotated[str, typer.Option("--start", metavar="DATE", help="When it started.")],
    end: Annotated[
        str | None, typer.Option("--end", metavar="DATE", help="When it stopped.")
    ] = None,
    dose: DoseOpt = None,
    outcome: Annotated[
        Outcome | None,
        typer.Option(
            "--outcome",
            metavar="OUTCOME",
            help="ongoing (no --end), effective, partial, ineffective, not_tolerated, "
            "contraindicated, stopped_other, paused (a planned pause) or unavailable (could "
            "not be had; --reason says why; --start alone is the date it was refused).",
        ),
    ] = None,
    reason: ReasonOpt = None,
    kind: Annotated[
        Kind | None,
        typer.Option(
            "--kind",
            metavar="KIND",
            help="preventive, acute, procedure, neuromodulation, behavioural or lifestyle "
            "(default: the class's kind).",
        ),
    ] = None,
    class_id: ClassOpt = None,
    note_: NoteOpt = None,
) -> None:
    """Record a trial of a therapy (past trials with both --start and --end)."""
    from migrainecli.treatments import (
        add_trial,
        check_trial,
        resolve_therapy,
        trial_of,
        with_default_end,
    )

    res = resolve_therapy(therapy, kind=kind.value if kind else None, class_id=class_id)
    start_d, start_approx = parse_month_or_date(start, option="--start", allow_future=True)
    end_d, end_approx = (
        parse_month_or_date(end, option="--end", allow_future=True) if end else (None, False)
    )
    # Without --outcome a trial is ongoing; one with --end then needs an outcome, which
    # the core's check_trial says (treatments.check_trial, the one place for it).
    trial = trial_of(
        res,
        start_d,
        end_d,
        dose=dose,
        outcome=outcome.value if outcome is not None else "ongoing",
        reason=reason,
        note=note_,
        start_approximate=start_approx,
        end_approximate=end_approx,
    )
    check_trial(with_default_end(trial))  # before the diary is opened (or created)
    with open_diary(ctx, write=True) as diary:
        trial_id = add_trial(diary, trial)
    trial = with_default_end(trial)
    say(f"Recorded trial #{trial_id}: {_label(res.name, res.canonical)} [{res.class_id}], "
        f"{_span(trial)}, {trial.outcome}.")  # fmt: skip


def _label(name: str, canonical: str) -> str:
    return name if name.lower() == canonical.lower() else f"{name} ({canonical})"


def _span(t) -> str:
    start, end = trial_date(t.start, t.start_approximate), trial_date(t.end, t.end_approximate)
    return f"{start} to {end}" if end else f"since {start}"


@app.command("stop")
def stop(
    ctx: typer.Context,
    trial: TrialRef,
    end: Annotated[str, typer.Option("--end", metavar="DATE", help="When it stopped.")],
    outcome: Annotated[Outcome, typer.Option("--outcome", metavar="OUTCOME", help="How it went.")],
    reason: ReasonOpt = None,
) -> None:
    """Record that an ongoing trial stopped, and how it went."""
    from migrainecli.treatments import find_trial, stop_trial

    end_d, approx = parse_month_or_date(end, option="--end")
    with open_diary(ctx, write=True) as diary:
        t = stop_trial(diary, find_trial(diary, trial), end_d, outcome.value, reason, approx)
    say(f"Trial #{t.id} ({t.therapy}) stopped on {trial_date(t.end, approx)}: {t.outcome}.")


@app.command("edit")
def edit(
    ctx: typer.Context,
    trial: TrialRef,
    start: Annotated[
        str | None, typer.Option("--start", metavar="DATE", help="New start date.")
    ] = None,
    end: Annotated[
        str | None,
        typer.Option("--end", metavar="DATE", help="New end date ('none' makes it ongoing)."),
    ] = None,
    dose: DoseOpt = None,
    outcome: Annotated[
        Outcome | None, typer.Option("--outcome", metavar="OUTCOME", help="New outcome.")
    ] = None,
    reason: ReasonOpt = None,
    note_: NoteOpt = None,
) -> None:
    """Change a recorded trial; only the options given change."""
    from migrainecli.treatments import edit_trial, find_trial

    changes: dict = {}
    if start is not None:
        changes["start"], changes["start_approximate"] = parse_month_or_date(
            start, option="--start", allow_future=True
        )
    if end is not None:
        if end.lower() == "none":
            changes["end"], changes["end_approximate"] = None, False
        else:
            changes["end"], changes["end_approximate"] = parse_month_or_date(
                end, option="--end", allow_future=True
            )
    for key, value in (("dose", dose), ("reason", reason), ("note", note_)):
        if value is not None:
            changes[key] = value or None
    if outcome is not None:
        changes["outcome"] = outcome.value
    if not changes:
        raise fail("Nothing to change; give at least one option (see 'trial edit --help').")
    with open_diary(ctx, write=True) as diary:
        t = edit_trial(diary, find_trial(diary, trial), **changes)
    say(f"Updated trial #{t.id}: {t.therapy}, {_span(t)}, {t.outcome}.")


@app.command("delete")
def delete(
    ctx: typer.Context,
    trial: TrialRef,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Delete a recorded trial (asks first)."""
    from migrainecli.treatments import find_trial

    with open_diary(ctx, write=True) as diary:
        t = find_trial(diary, trial)
        if not yes and not confirm(f"Delete trial #{t.id} ({t.therapy}, {_span(t)})?"):
            raise fail("Nothing deleted.")
        diary.delete_trial(t.id)
    say(f"Deleted trial #{t.id} ({t.therapy}).")


@app.command("list")
def list_(
    ctx: typer.Context,
    kind: Annotated[
        Kind | None, typer.Option("--kind", metavar="KIND", help="Only trials of this kind.")
    ] = None,
    as_json: Json = False,
) -> None:
    """List trials with duration, outcome and whether each was an adequate trial.

    Without a diary file it says so on stderr; --json then prints [].
    """
    from migrainecli.catalogue import load_catalogue
    from migrainecli.rules.trials import adequacy

    catalogue = load_catalogue()
    today = date.today()
    stored = read_diary(ctx, as_json, lambda diary: diary.trials())
    if stored is None:
        return
    trials = [t for t in stored if kind is None or t.kind == kind.value]
    rows = []
    for t in trials:
        a = adequacy(t, today, catalogue)
        rows.append(
            {
                "id": t.id, "therapy": t.therapy, "class": t.class_id, "kind": t.kind,
                "dose": t.dose, "start": trial_date(t.start, t.start_approximate),
                "end": trial_date(t.end, t.end_approximate),
                "duration_days": a.duration_days, "outcome": t.outcome, "reason": t.reason,
                "note": t.note, "adequate": a.adequate, "failed": a.failed,
                "adequacy": a.reason,
            }
        )  # fmt: skip
    if as_json:
        print_json(rows)
        return
    if not rows:
        note("No trials recorded. Add one with 'migrainecli trial add'.")
        return
    from migrainecli.cli.listing import output_width, write_lines

    width = output_width()
    lines = ["Treatment trials", *trial_lines(rows, width)]
    for r in rows:
        if r["adequate"] is False:
            lines += _wrapped(plain(f"Not adequate: #{r['id']} {r['therapy']}: {r['adequacy']}"),
                              width)  # fmt: skip
    if any(t.start_approximate or t.end_approximate for t in trials):
        lines += _wrapped(
            "A date written YYYY-MM names only the month; the trial counts from the 1st.", width
        )
    write_lines(lines, pager=False)


def _wrapped(text: str, width: int | None, indent: str = "") -> list[str]:
    from migrainecli.cli.listing import wrap

    return wrap(text, width, indent) if width else [text]


def trial_lines(rows: list[dict], width: int | None) -> list[str]:
    """``trial list`` as a table in the style of every listing (:mod:`cli.listing`), or
    below 70 columns one block per trial, so that no word is cut."""
    from migrainecli.cli.listing import fits, is_narrow, table

    adequate = {True: "yes", False: "no", None: "—"}
    if not is_narrow(width):
        headers = ("#", "therapy / class", "dose", "dates", "days", "outcome", "adequate")
        cells = [
            (
                str(r["id"]), f"{plain(r['therapy'])}\n{r['class']}", plain(r["dose"]),
                f"{r['start']}\n→ {r['end'] or 'ongoing'}", str(r["duration_days"]),
                r["outcome"] + (f" ({plain(r['reason'])})" if r["reason"] else ""),
                adequate[r["adequate"]],
            )
            for r in rows
        ]  # fmt: skip
        lines = table(headers, cells, width=width, right=(4,), wrappable=(2, 5))
        if fits(lines, width):
            return lines
    lines = []
    for r in rows:
        lines += _wrapped(f"#{r['id']}  {plain(r['therapy'])} [{r['class']}]", width, "    ")
        dates = (f"{r['start']} → {r['end'] or 'ongoing'} ({r['duration_days']} "
                 f"day{'s' * (r['duration_days'] != 1)})")  # fmt: skip
        outcome = r["outcome"] + (f" ({plain(r['reason'])})" if r["reason"] else "")
        for label, value in (("dates", dates), ("dose", plain(r["dose"])), ("outcome", outcome),
                             ("adequate", adequate[r["adequate"]])):  # fmt: skip
            if value:
                lines += _wrapped(f"  {label}: {value}", width, "    ")
    return lines
