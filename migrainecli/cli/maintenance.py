"""Looking after the diary file: ``check`` and ``restore``."""

from pathlib import Path
from typing import Annotated

import typer

from migrainecli.cli.common import Json, confirm, diary_path, fail, print_json, say

_LABEL = {"ok": "ok", "note": "note", "problem": "PROBLEM"}


def check(
    ctx: typer.Context,
    as_json: Json = False,
    recount: Annotated[
        bool,
        typer.Option("--recount", help="First make the stored month counts again from the days."),
    ] = False,
) -> None:
    """Check the diary file for damage, without changing it.

    SQLite's integrity and foreign-key checks, the schema, the file permissions and the
    month counts the diary stores (against a recount of its days). Without a diary file
    it says so on stderr and exits 0; --json then prints an object with "kind":
    "missing", "healthy": true and no checks. --recount changes the diary: it makes the
    stored month counts again, then checks.
    """
    from migrainecli.cli.common import no_diary
    from migrainecli.health import check_diary

    if recount and not no_diary(ctx):
        from migrainecli.cli.common import open_diary

        with open_diary(ctx, write=True) as diary:
            diary.recount_months()
    if no_diary(ctx):
        if as_json:
            print_json(
                {"path": str(diary_path(ctx)), "healthy": True, "kind": "missing",
                 "size_bytes": 0, "rows": {}, "last_entry": None, "checks": []}
            )  # fmt: skip
        return
    health = check_diary(diary_path(ctx))
    if as_json:
        print_json(health.to_dict())
    else:
        say(f"Diary {health.path} ({_size(health.size)}; {health.describe_rows()})")
        for finding in health.findings:
            say(f"  {_LABEL[finding.status]:<8} {finding.name}: {finding.summary}")
            for line in finding.details:
                say(f"             {line}")
        if health.healthy:
            say("The diary is healthy.")
    if not health.healthy:
        raise fail(health.sentence())


def restore(
    ctx: typer.Context,
    backup: Annotated[
        Path, typer.Argument(help="The backup file to put in the diary's place.", metavar="FILE")
    ],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Restore into a symlinked diary's target, or over a read-only (0400) diary.",
        ),
    ] = False,
) -> None:
    """Replace the diary with a checked backup.

    The replaced diary is kept beside it, so a restore can be undone.
    """
    from migrainecli.health import plan_restore, restore_diary

    plan = plan_restore(backup, diary_path(ctx), force=force)
    incoming = f"{plan.backup} ({plan.incoming.describe_rows()})"
    if plan.current is None:
        question = f"Restore {incoming} as the diary at {plan.target}?"
    else:
        state = plan.current.describe_rows() if plan.current.kind == "diary" else plan.current.kind
        question = (
            f"Replace the diary at {plan.target} ({state}) with {incoming}? "
            f"The current diary is kept as {plan.keep_as}."
        )
    if not yes and not confirm(question):
        raise fail("Nothing restored.")
    result = restore_diary(plan)
    kept = (
        f" The previous diary is kept as {plan.keep_as}; 'undo' does not revert a restore, "
        "restore that file to go back."
        if plan.keep_as
        else ""
    )
    say(f"Restored {plan.target} from {plan.backup} ({result.describe_rows()}).{kept}")


def _size(n: int) -> str:
    if n < 1024:
        return f"{n} bytes"
    if n < 1024 * 1024:
        return f"{n / 1024:.0f} KB"
    return f"{n / 1024 / 1024:.1f} MB"
