"""Settings: the diary start date and the optional header of the clinician summary."""

from __future__ import annotations

from typing import Annotated

import typer

from migrainecli.cli.common import clean, open_diary, out, parse_date, print_json, say

app = typer.Typer(
    help="Diary start date, a name and birth date for summaries, and the payer's step-therapy N."
)


def _check_key(key: str) -> None:
    from migrainecli.settings import check_key

    check_key(key)


@app.command("set")
def set_(
    ctx: typer.Context,
    key: Annotated[
        str, typer.Argument(help="start, name, dob, date-order or step-therapy-failures.")
    ],
    value: Annotated[
        str,
        typer.Argument(
            help="The value (a date for start and dob; dmy, mdy or ymd; a number from 1 to 6)."
        ),
    ],
) -> None:
    """Set a setting, e.g. 'config set start 2025-01-01' when tracking began before the
    first entry, or 'config set step-therapy-failures 3' for a payer that asks for 3
    failed options."""
    from migrainecli.errors import InvalidValue
    from migrainecli.settings import validate_setting

    value = validate_setting(key, value, parse_date)
    with open_diary(ctx, write=True) as diary:
        if key == "start":
            first = diary.first_logged()
            if first is not None and value > first.isoformat():
                raise InvalidValue(
                    f"The diary start cannot be after the first logged day ({first}); "
                    "the diary starts at its first entry unless you set an earlier date."
                )
        diary.set_setting(key, value)
    say(f"{key} = {value}")


@app.command("unset")
def unset(ctx: typer.Context, key: Annotated[str, typer.Argument(help="The setting.")]) -> None:
    """Remove a setting."""
    _check_key(key)
    with open_diary(ctx, write=True) as diary:
        diary.set_setting(key, None)
    say(f"{key} removed.")


@app.command("show")
def show(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show the settings and the diary start.

    Without a diary file it says so on stderr; --json then prints the empty settings.
    """
    from migrainecli.cli.common import no_diary

    if no_diary(ctx) and not as_json:
        return
    with open_diary(ctx, write=False) as diary:
        values = diary.settings()
        start = diary.start()
    if as_json:
        print_json({"settings": values, "diary_start": start})
        return
    console = out()
    for k, v in values.items():
        console.print(clean(f"{k} = {v}"))
    console.print(f"diary starts {start.isoformat() if start else '(nothing logged yet)'}")
