"""Shared pieces of the command-line edge: consoles, the diary, dates, JSON, errors."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from enum import Enum
from pathlib import Path
from typing import Any

import typer

from migrainecli import dates
from migrainecli.errors import DateError, MigraineError
from migrainecli.safetext import visible


def choices(name: str, values: tuple[str, ...]) -> type[Enum]:
    """A string Enum for Typer from one of the vocabularies in ``migrainecli.models``."""
    return Enum(name, {v: v for v in values}, type=str)


def out():
    """Console for reports (stdout)."""
    from rich.console import Console

    return Console(highlight=False)


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


@contextmanager
def open_diary(ctx: typer.Context, *, write: bool) -> Iterator[Any]:
    from migrainecli.storage import Diary

    diary = Diary.open(diary_path(ctx), write=write)
    try:
        yield diary
    finally:
        diary.close()


def today() -> date:
    return date.today()


def parse_date(text: str, *, option: str | None = None, allow_future: bool = False) -> date:
    try:
        return dates.parse_date(text, allow_future=allow_future)
    except DateError as e:
        raise MigraineError(f"{option}: {e}" if option else str(e)) from None


def parse_range(text: str, *, allow_future: bool = False) -> tuple[date, date]:
    return dates.parse_range(text, allow_future=allow_future)


def print_json(data: Any) -> None:
    """The one JSON writer: plain text on stdout, never through rich markup."""
    sys.stdout.write(json_text(data))


def json_text(data: Any) -> str:
    """Indented UTF-8 JSON with ISO dates, ending in a newline (stdout or a file)."""
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
