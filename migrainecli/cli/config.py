"""Settings: the diary start date and the optional header of the clinician summary."""

from typing import Annotated

import typer

from migrainecli.cli.common import clean, open_diary, out, parse_date, print_json, say, sub_app

app = sub_app("Diary start date, and a name and birth date for summaries.")


def _check_key(key: str) -> None:
    from migrainecli.errors import InvalidValue
    from migrainecli.storage import KNOWN_SETTINGS

    if key not in KNOWN_SETTINGS:
        import difflib

        close = difflib.get_close_matches(key.lower(), KNOWN_SETTINGS, n=1, cutoff=0.5)
        hint = f" (did you mean {close[0]}?)" if close else ""
        raise InvalidValue(
            f"Unknown setting {key!r}{hint}; the settings are {', '.join(KNOWN_SETTINGS)}."
        )


def _complete_key(incomplete: str) -> list[tuple[str, str]]:
    from migrainecli.storage import KNOWN_SETTINGS

    return [(k, help_) for k, help_ in KNOWN_SETTINGS.items() if k.startswith(incomplete)]


Key = Annotated[
    str,
    typer.Argument(
        metavar="KEY", help="start, name, dob or date-order.", autocompletion=_complete_key
    ),
]


@app.command("set")
def set_(
    ctx: typer.Context,
    key: Key,
    value: Annotated[
        str,
        typer.Argument(
            metavar="VALUE", help="The value (a date for start and dob; dmy, mdy or ymd)."
        ),
    ],
) -> None:
    """Set a setting.

    For example 'config set start 2025-01-01' when tracking began before the first entry.
    """
    from migrainecli.errors import InvalidValue

    _check_key(key)
    if key in ("start", "dob"):
        value = parse_date(value).isoformat()
    if key == "date-order":
        from migrainecli.dates import DATE_ORDERS

        value = value.strip().lower()
        if value not in DATE_ORDERS:
            raise InvalidValue(
                f"date-order must be dmy (day first: 5/11 is 5 November), mdy (month first) "
                f"or ymd, not {value!r}."
            )
    with open_diary(ctx, write=True) as diary:
        if key == "start":
            first = diary.first_logged()
            if first is not None and value > first.isoformat():
                raise InvalidValue(
                    f"The diary start cannot be after the first logged day ({first}); "
                    "the diary starts at its first entry unless you set an earlier date."
                )
        diary.set_setting(key, value.strip())
    say(f"{key} = {value.strip()}")


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
