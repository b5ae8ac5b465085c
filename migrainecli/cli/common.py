"""Shared pieces of the command-line edge: consoles, the diary, dates, JSON, errors."""

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer

from migrainecli.errors import DateError, MigraineError
from migrainecli.safetext import visible


def choices(name: str, values: tuple[str, ...]) -> type[Enum]:
    """A string Enum for Typer from one of the vocabularies in ``migrainecli.models``."""
    return Enum(name, {v: v for v in values}, type=str)


# The --output and --force of every command that writes a file (export, summary).
OutputFile = Annotated[
    Path | None,
    typer.Option(
        "--output", "-o", metavar="FILE", help="File to write (mode 0600); stdout if omitted."
    ),
]
Force = Annotated[bool, typer.Option("--force", help="Replace the --output file if it exists.")]
# The --json of the read commands.
Json = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def option_set(command):
    """Let a command take a dataclass of options as one parameter.

    Typer builds a command's options from its parameters. A parameter annotated with a
    dataclass (``day: DayOptions``) stands in for that dataclass's fields: each field is
    an option (its annotation, such as ``Annotated[bool | None, typer.Option(...)]``, and
    its default), listed in the help where the parameter stands, and the command is
    called with the dataclass built from them. Commands that share options (``log`` and
    ``edit``) declare them once this way.
    """
    import dataclasses
    import functools
    import inspect
    import typing

    signature = inspect.signature(command)
    params: list[inspect.Parameter] = []
    sets: dict[str, tuple[type, tuple[str, ...]]] = {}
    for param in signature.parameters.values():
        if not dataclasses.is_dataclass(param.annotation):
            params.append(param)
            continue
        group = param.annotation
        hints = typing.get_type_hints(group, include_extras=True)
        fields = dataclasses.fields(group)
        sets[param.name] = (group, tuple(f.name for f in fields))
        params += [
            inspect.Parameter(f.name, param.kind, default=f.default, annotation=hints[f.name])
            for f in fields
        ]

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        for name, (group, names) in sets.items():
            kwargs[name] = group(**{n: kwargs.pop(n) for n in names})
        return command(*args, **kwargs)

    wrapper.__signature__ = signature.replace(parameters=params)  # type: ignore[attr-defined]
    return wrapper


def sub_app(help: str, **settings: Any) -> typer.Typer:
    """A command group (trial, gap, config, therapies) with the root app's settings."""
    return typer.Typer(help=help, rich_markup_mode=None, add_completion=False, **settings)


def complete_therapy(incomplete: str) -> list[str]:
    """Shell completion of a therapy name (run only when completing: loads the catalogue)."""
    from migrainecli.catalogue import load_catalogue

    names = sorted(load_catalogue().completion_names(), key=str.casefold)
    return [n for n in names if n.startswith(incomplete)]


def out():
    """Console for reports (stdout).

    rich meets a closed pipe with ``SystemExit(1)``; this console raises the
    BrokenPipeError instead, which the CLI turns into a quiet exit 0. rich pads table
    and panel lines to their width with spaces; this console drops the spaces that end a
    line, so that output pastes cleanly (an end-of-line space is never visible).
    """
    import re

    from rich.console import Console

    trailing = re.compile(r" +(?=\n)")

    class _Console(Console):
        def on_broken_pipe(self) -> None:
            self.quiet = True
            raise BrokenPipeError

        def _render_buffer(self, buffer) -> str:  # rich >= 13.7, the pinned minimum
            return trailing.sub("", super()._render_buffer(buffer))

    return _Console(highlight=False)


def err():
    """Console for messages and progress (stderr)."""
    from rich.console import Console

    return Console(stderr=True, highlight=False)


def fail(message: str) -> typer.Exit:
    """Print one sentence on stderr and return the exit to raise (code 1)."""
    typer.echo(visible(f"Error: {message}"), err=True)
    return typer.Exit(1)


def diary_path(ctx: typer.Context) -> Path:
    from migrainecli.storage import resolve_path

    obj = ctx.find_root().obj or {}
    return resolve_path(obj.get("db"))


def no_diary(ctx: typer.Context) -> bool:
    """True, after saying so on stderr, when there is no diary file yet.

    Read commands call it first. Their human output then stops there: exit 0 and
    nothing on stdout. Their ``--json`` output carries on against an empty diary and
    prints its empty JSON value (``[]``, the empty report...), so that a script reading
    stdout always gets valid JSON; the note on stderr still says why it is empty.
    """
    path = diary_path(ctx)
    if path.exists() or path.is_symlink():
        return False
    note(f"There is no diary at {path} yet.")
    return True


def read_diary(ctx: typer.Context, as_json: bool, read: Callable[[Any], Any]) -> Any:
    """What ``read(diary)`` takes from the diary for a read command; None to stop.

    Without a diary file ``no_diary`` says so, and then the human output stops (None,
    nothing on stdout) while ``--json`` reads the empty diary, so that it prints its
    empty JSON value.
    """
    if no_diary(ctx) and not as_json:
        return None
    with open_diary(ctx, write=False) as diary:
        return read(diary)


def started_new_diary(path: Path) -> None:
    """The one notice that a command created the diary file (stderr)."""
    from migrainecli.edge import started_new_diary as words

    note(words(path))


@contextmanager
def open_diary(ctx: typer.Context, *, write: bool) -> Iterator[Any]:
    from migrainecli.storage import Diary

    diary = Diary.open(diary_path(ctx), write=write, on_wait=_waiting)
    if diary.created:
        started_new_diary(diary.path)
    if write:
        # Every write of this command becomes one change that 'undo' can revert.
        diary.command = " ".join(ctx.command_path.split()[1:]) or "migrainecli"
    try:
        yield diary
    finally:
        diary.close()


def _waiting() -> None:
    from migrainecli.edge import WAITING

    note(WAITING)


# Typer's own click classes (Typer 0.28 ships a copy of click; earlier ones use click's):
# BadParameter is a UsageError in every click, and the context stack lives beside it.
UsageError = typer.BadParameter.__bases__[0]


def usage_error(message: str) -> Exception:
    """A usage error (exit code 2) with one sentence, for options that contradict each other."""
    return UsageError(message)


def db_option():
    """``--db PATH`` after the sub-command: the same as before it (``status --db x.db``)."""
    from typer.core import TyperOption

    return TyperOption(
        param_decls=["--db"],
        metavar="PATH",
        expose_value=False,
        callback=_db_after,
        help="Diary file to use (the same as --db before the command).",
    )


def _db_after(ctx: typer.Context, _param, value: str | None) -> None:
    if value is None:
        return
    root = ctx.find_root()
    if root.obj is None:
        root.obj = {}
    given = root.obj.get("db")
    if given is not None and given != value:
        raise usage_error(f"--db is given twice ({given} and {value}); give it once.")
    root.obj["db"] = value


def current_context() -> typer.Context | None:
    import importlib

    package = typer.Context.__mro__[1].__module__.rsplit(".", 1)[0]
    return importlib.import_module(f"{package}.globals").get_current_context(silent=True)


def date_order() -> str | None:
    """The diary's ``date-order`` setting, read only when a numeric date needs it."""
    from migrainecli.storage import read_setting

    ctx = current_context()
    return read_setting(diary_path(ctx), "date-order") if ctx is not None else None


def parse_date(text: str, *, option: str | None = None, allow_future: bool = False) -> date:
    from migrainecli import dates

    try:
        return dates.parse_date(text, allow_future=allow_future, order=date_order)
    except DateError as e:
        raise MigraineError(f"{option}: {e}" if option else str(e)) from None


def parse_month_or_date(text: str, *, option: str, allow_future: bool = False) -> tuple[date, bool]:
    """A trial date: a day, or a month (its first day, flagged approximate)."""
    from migrainecli import dates

    try:
        return dates.parse_month_or_date(text, allow_future=allow_future, order=date_order)
    except DateError as e:
        raise MigraineError(f"{option}: {e}") from None


def parse_range(text: str, *, allow_future: bool = False) -> tuple[date, date]:
    from migrainecli import dates

    return dates.parse_range(text, allow_future=allow_future, order=date_order)


def print_json(data: Any) -> None:
    """The one JSON writer: plain text on stdout, never through rich markup."""
    sys.stdout.write(json_text(data))


def print_json_items(items: Any) -> None:
    """A JSON list written one item at a time: the same text as ``print_json(list(items))``
    without holding the whole list (a 100-year ``days --json``)."""
    import json

    write = sys.stdout.write
    first = True
    for item in items:
        text = json.dumps(item, indent=2, ensure_ascii=False, default=_default)
        write(("[\n  " if first else ",\n  ") + text.replace("\n", "\n  "))
        first = False
    write("[]\n" if first else "\n]\n")


def json_text(data: Any) -> str:
    """Indented UTF-8 JSON with ISO dates, ending in a newline (stdout or a file)."""
    import json

    return json.dumps(data, indent=2, ensure_ascii=False, default=_default) + "\n"


def _default(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def yes_no(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


def say(message: str) -> None:
    """A one-line confirmation on stdout (plain text, never wrapped, controls shown)."""
    typer.echo(visible(message))


def note(message: str) -> None:
    """A one-line message on stderr (plain text, never wrapped, controls shown)."""
    typer.echo(visible(message), err=True)


def confirm(question: str) -> bool:
    """Ask on stderr; no answer (end of input, Ctrl-C) means no."""
    try:
        return typer.confirm(question, default=False, err=True)
    except (typer.Abort, EOFError, KeyboardInterrupt):
        typer.echo("", err=True)
        return False


def output_path(ctx: typer.Context, path: Path) -> Path:
    """Check a file to write: never the diary itself, and its folder must exist."""
    from migrainecli.errors import MigraineError

    path = path.expanduser()
    if path.is_dir():
        raise MigraineError(f"{path} is a folder; give a file name to write.")
    if not path.parent.is_dir():
        raise MigraineError(f"The folder {path.parent} does not exist; create it first.")
    try:
        if path.resolve() == diary_path(ctx).resolve():
            raise MigraineError(
                f"{path} is your diary; give another file name so the diary is not overwritten."
            )
    except OSError:
        pass
    return path


def clean(text: str) -> str:
    """User text for rich output: terminal controls shown visibly, markup escaped.

    The one output filter lives in :mod:`migrainecli.safetext`; :func:`say`,
    :func:`note` and :func:`fail` pass their plain lines through it too.
    """
    from migrainecli.safetext import clean as _clean

    return _clean(text)
