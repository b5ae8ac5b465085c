"""Commands for untracked periods (gaps): days in a gap are unknown, not headache-free."""


from typing import Annotated

import typer

from migrainecli.cli.common import clean, note, open_diary, out, parse_range, print_json, say

app = typer.Typer(help="Record periods you did not keep the diary.", rich_markup_mode=None)


@app.command("add")
def add(
    ctx: typer.Context,
    period: Annotated[str, typer.Argument(help="FROM..TO, e.g. 2026-08-01..2026-08-14.")],
    reason: Annotated[str | None, typer.Option("--reason", "-r", help="Why.")] = None,
) -> None:
    """Record a period you did not track."""
    from migrainecli.errors import InvalidValue
    from migrainecli.models import Gap

    start, end = parse_range(period)
    with open_diary(ctx, write=True) as diary:
        for g in diary.gaps():
            if (g.start, g.end) == (start, end):
                raise InvalidValue(f"That gap is already recorded (#{g.id}).")
        gap_id = diary.add_gap(Gap(start, end, reason))
        inside = diary.days(start, end)
    n = (end - start).days + 1
    say(f"Recorded gap #{gap_id}: {start} to {end} ({n} untracked day{'s' * (n != 1)}).")
    if inside:
        note(
            f"Note: {len(inside)} logged day(s) fall inside this gap and are treated as "
            "untracked; delete the gap or the days if that is not what you meant."
        )


@app.command("list")
def list_(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List the untracked periods.

    Without a diary file it says so on stderr; --json then prints [].
    """
    from migrainecli.cli.common import no_diary

    if no_diary(ctx) and not as_json:
        return
    with open_diary(ctx, write=False) as diary:
        gaps = diary.gaps()
    if as_json:
        print_json(
            [
                {"id": g.id, "start": g.start, "end": g.end, "days": (g.end - g.start).days + 1,
                 "reason": g.reason}
                for g in gaps
            ]
        )  # fmt: skip
        return
    if not gaps:
        note("No untracked periods recorded.")
        return
    from rich.table import Table

    table = Table()
    for col in ("#", "from", "to", "days", "reason"):
        table.add_column(col)
    for g in gaps:
        table.add_row(
            str(g.id), g.start.isoformat(), g.end.isoformat(), str((g.end - g.start).days + 1),
            clean(g.reason or ""),
        )  # fmt: skip
    out().print(table)


@app.command("delete")
def delete(
    ctx: typer.Context,
    gap_id: Annotated[int, typer.Argument(help="The gap's number from 'gap list'.")],
) -> None:
    """Delete an untracked period."""
    with open_diary(ctx, write=True) as diary:
        g = diary.delete_gap(gap_id)
    say(f"Deleted gap #{gap_id} ({g.start} to {g.end}).")
