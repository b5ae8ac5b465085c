"""``undo``: revert the newest recorded change, or list the recent ones."""

from typing import Annotated

import typer

from migrainecli.cli.common import clean, confirm, fail, note, open_diary, out, print_json, say


def undo(
    ctx: typer.Context,
    list_: Annotated[
        bool, typer.Option("--list", "-l", help="List the recent changes instead.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="With --list: print JSON.")] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Undo the last change to the diary (asks first); --list shows the recent changes.

    Every log, edit, delete, import, trial, gap and config change can be undone, newest
    first; the diary keeps the last 100. A restore from a backup is not undone here:
    restore keeps the replaced diary beside it.
    """
    from migrainecli import journal
    from migrainecli.cli.common import no_diary

    if no_diary(ctx):  # nothing to list or undo, and undo never creates a diary
        if list_ and as_json:
            print_json([])
        return
    if list_:
        with open_diary(ctx, write=False) as diary:
            changes = journal.recent(diary, 100)
        if as_json:
            print_json(
                [{"id": c.id, "at": c.at.isoformat(), "command": c.command,
                  "summary": c.summary} for c in changes]
            )  # fmt: skip
            return
        if not changes:
            note("No changes recorded yet.")
            return
        console = out()
        for c in changes:
            console.print(clean(f"#{c.id}  {c.sentence()}"))
        return
    with open_diary(ctx, write=True) as diary:
        diary.command = None  # undoing is not itself a change to undo
        change = journal.last(diary)
        if not yes and not confirm(clean(f"Undo the last change, {change.sentence()}?")):
            raise fail("Nothing undone.")
        journal.undo(diary, change)
    say(clean(f"Undone: {change.sentence()}."))
