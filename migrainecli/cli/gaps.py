"""Commands for untracked periods (gaps): days in a gap are unknown, not headache-free."""

from typing import Annotated

import typer

from migrainecli.cli.common import (
    Json,
    note,
    open_diary,
    parse_range,
    print_json,
    read_diary,
    say,
    sub_app,
)

app = sub_app("Record periods you did not keep the diary.")


@app.command("add")
def add(
    ctx: typer.Context,
    period: Annotated[
        str,
        typer.Argument(metavar="WHEN", help="FROM..TO, e.g. 2026-08-01..2026-08-14 (or one date)."),
    ],
    reason: Annotated[
        str | None, typer.Option("--reason", "-r", metavar="TEXT", help="Why.")
    ] = None,
) -> None:
    """Record a period you did not track.

    A period that overlaps recorded gaps is merged with them into one gap, and says so.
    """
    from migrainecli.models import Gap

    start, end = parse_range(period)
    with open_diary(ctx, write=True) as diary:
        gap, replaced = diary.record_gap(Gap(start, end, reason))
        inside = diary.days(gap.start, gap.end)
    n = (gap.end - gap.start).days + 1
    merged = ""
    if replaced:
        listed = " and ".join(f"gap #{g.id} ({g.start} to {g.end})" for g in replaced)
        merged = (
            f" It overlapped {listed}, so {'they are' if len(replaced) > 1 else 'it is'} "
            "merged into this one."
        )
    say(
        f"Recorded gap #{gap.id}: {gap.start} to {gap.end} "
        f"({n} untracked day{'s' * (n != 1)}).{merged}"
    )
    if inside:
        note(
            f"Note: {len(inside)} logged day(s) fall inside this gap and are treated as "
            "untracked; delete the gap or the days if that is not what you meant."
        )


@app.command("list")
def list_(
    ctx: typer.Context,
    as_json: Json = False,
) -> None:
    """List the untracked periods.

    Without a diary file it says so on stderr; --json then prints [].
    """

    gaps = read_diary(ctx, as_json, lambda diary: diary.gaps())
    if gaps is None:
        return
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
    from migrainecli.cli.listing import plain, print_table

    cells = [
        (str(g.id), g.start.isoformat(), g.end.isoformat(), f"{(g.end - g.start).days + 1:,}",
         plain(g.reason))
        for g in gaps
    ]  # fmt: skip
    # The table style of every listing (cli.listing); the reason wraps, words uncut.
    print_table(("#", "from", "to", "days", "reason"), cells, right=(3,), wrappable=(4,))


@app.command("delete")
def delete(
    ctx: typer.Context,
    gap_id: Annotated[int, typer.Argument(metavar="N", help="The gap's number from 'gap list'.")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Delete an untracked period (asks first)."""
    from migrainecli.cli.common import confirm, fail

    with open_diary(ctx, write=True) as diary:
        g = diary.gap(gap_id)
        n = (g.end - g.start).days + 1
        question = (
            f"Delete gap #{g.id} ({g.start} to {g.end})? Its {n} day{'s' * (n != 1)} will "
            "count as tracked again."
        )
        if not yes and not confirm(question):
            raise fail("Nothing deleted.")
        diary.delete_gap(g.id)
    say(f"Deleted gap #{gap_id} ({g.start} to {g.end}).")
