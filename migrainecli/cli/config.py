"""Settings: the diary start date and the optional header of the clinician summary."""

from typing import Annotated

import typer

from migrainecli.cli.common import Json, open_diary, parse_date, print_json, say, sub_app

app = sub_app(
    "Diary start date, a name and birth date for summaries, and the payer's step-therapy N."
)


def _check_key(key: str) -> None:
    from migrainecli.settings import check_key

    check_key(key)


def _complete_key(incomplete: str) -> list[tuple[str, str]]:
    from migrainecli.settings import KNOWN_SETTINGS

    return [(k, help_) for k, help_ in KNOWN_SETTINGS.items() if k.startswith(incomplete)]


Key = Annotated[
    str,
    typer.Argument(
        metavar="KEY",
        help="start, name, dob, date-order or step-therapy-failures.",
        autocompletion=_complete_key,
    ),
]


@app.command("set")
def set_(
    ctx: typer.Context,
    key: Key,
    value: Annotated[
        str,
        typer.Argument(
            metavar="VALUE",
            help="The value (a date for start and dob; dmy, mdy or ymd; a number from 1 to 6).",
        ),
    ],
) -> None:
    """Set a setting.

    For example 'config set start 2025-01-01' when tracking began before the first
    entry, or 'config set step-therapy-failures 3' for a payer that asks for 3 failed
    options.
    """
    from migrainecli.settings import check_start, validate_setting

    value = validate_setting(key, value, parse_date)
    with open_diary(ctx, write=True) as diary:
        if key == "start":
            check_start(value, diary.first_logged())
        diary.set_setting(key, value)
    say(f"{key} = {value}")


@app.command("unset")
def unset(ctx: typer.Context, key: Key) -> None:
    """Remove a setting."""
    _check_key(key)
    with open_diary(ctx, write=True) as diary:
        diary.set_setting(key, None)
    say(f"{key} removed.")


@app.command("get")
def get(ctx: typer.Context, key: Key) -> None:
    """Print the value of one setting.

    A setting that is not set is an error (exit 1), so that scripts can tell. Without a
    diary file it says so on stderr and exits 0 with nothing on stdout.
    """
    from migrainecli.cli.common import fail, no_diary

    _check_key(key)
    if no_diary(ctx):
        return
    with open_diary(ctx, write=False) as diary:
        value = diary.settings().get(key)
    if value is None:
        raise fail(f"{key} is not set; 'migrainecli config set {key} VALUE' sets it.")
    say(value)


@app.command("show")
def show(
    ctx: typer.Context,
    as_json: Json = False,
) -> None:
    """Show the settings and the diary start.

    Without a diary file it says so on stderr; --json then prints the empty settings.
    """

    from migrainecli.cli.common import clean, out, read_diary

    read = read_diary(ctx, as_json, lambda diary: (diary.settings(), diary.start()))
    if read is None:
        return
    values, start = read
    if as_json:
        print_json({"settings": values, "diary_start": start})
        return
    console = out()
    for k, v in values.items():
        console.print(clean(f"{k} = {v}"))
    console.print(f"diary starts {start.isoformat() if start else '(nothing logged yet)'}")
