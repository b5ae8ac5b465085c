"""``period``: the first days of menstruation, for ICHD-3 A1.1 menstrual migraine
(docs/criteria.md section 9). Period dates are health data of their own: they are
exported only by ``export periods`` and shown in summaries only with --include-cycles.
"""

from typing import Annotated

import typer

from migrainecli.cli.common import (
    Json,
    note,
    open_diary,
    parse_date,
    print_json,
    read_diary,
    say,
    sub_app,
)

app = sub_app("Record the first day of each period (for the menstrual migraine criterion).")


@app.command("add")
def add(
    ctx: typer.Context,
    when: Annotated[
        str,
        typer.Argument(
            metavar="DATE", help="The first day of bleeding, e.g. 2026-11-03 or yesterday."
        ),
    ],
    text: Annotated[
        str | None, typer.Option("--note", "-n", metavar="TEXT", help="A note.")
    ] = None,
) -> None:
    """Record the first day of a period (one date, not a range).

    Withdrawal bleeding on combined oral contraceptives or cyclical HRT counts as a
    period, as ICHD-3 says. Dates in the future are refused.
    """
    from migrainecli.errors import InvalidValue
    from migrainecli.models import Period

    if ".." in when:
        raise InvalidValue(
            "period add takes one date, the first day of bleeding, not a range; record "
            "each period's first day on its own."
        )
    d = parse_date(when, option="DATE")
    with open_diary(ctx, write=True) as diary:
        for p in diary.periods():
            if p.date == d:
                raise InvalidValue(f"A period starting on {d} is already recorded (#{p.id}).")
        period_id = diary.add_period(Period(d, text))
    say(f"Recorded period #{period_id} starting {d}.")


@app.command("list")
def list_(
    ctx: typer.Context,
    as_json: Json = False,
) -> None:
    """List the recorded period starts, oldest first, with the days between them.

    Without a diary file it says so on stderr; --json then prints [].
    """

    periods = read_diary(ctx, as_json, lambda diary: diary.periods())
    if periods is None:
        return
    gaps = [None] + [(b.date - a.date).days for a, b in zip(periods, periods[1:], strict=False)]
    if as_json:
        print_json(
            [{"id": p.id, "date": p.date, "days_since_previous": g, "note": p.note}
             for p, g in zip(periods, gaps, strict=True)]
        )  # fmt: skip
        return
    if not periods:
        note("No periods recorded ('migrainecli period add DATE').")
        return
    from migrainecli.cli.listing import plain, print_table

    cells = [
        (str(p.id), p.date.isoformat(), "" if g is None else str(g), plain(p.note))
        for p, g in zip(periods, gaps, strict=True)
    ]
    print_table(("#", "first day", "days since previous", "note"), cells,
                right=(2,), wrappable=(3,))  # fmt: skip


@app.command("delete")
def delete(
    ctx: typer.Context,
    period_id: Annotated[
        int, typer.Argument(metavar="N", help="The period's number from 'period list'.")
    ],
) -> None:
    """Delete a recorded period start ('migrainecli undo' brings it back)."""
    with open_diary(ctx, write=True) as diary:
        p = diary.delete_period(period_id)
    say(f"Deleted period #{period_id} (starting {p.date}).")
