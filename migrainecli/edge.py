"""The plain pieces of the command-line edge, without Typer or click.

Both the Typer app (:mod:`migrainecli.cli`) and the fast path of everyday ``log``
(:mod:`migrainecli.fastlog`) take their words and their error sentences from here, so
that the two print the same bytes; this module imports nothing heavier than the
standard library's ``sqlite3``, which every command loads anyway.
"""

import sqlite3
import sys

from migrainecli.errors import MigraineError
from migrainecli.safetext import visible

WAITING = "Waiting for another migrainecli (or program) using the diary..."


def started_new_diary(path) -> str:
    """The one notice that a command created the diary file (stderr)."""
    return f"Started a new diary at {path}."


def error_sentence(err: BaseException) -> str | None:
    """The one sentence (after ``Error:``) for an error that reached the command line;
    None for one that is not the user's to read (a bug, which keeps its traceback).

    Domain errors say what to do; the database's and the file system's are named in
    plain words: a full disk, a diary locked by another program, a damaged file, a
    read-only folder.
    """
    if isinstance(err, MigraineError):
        return str(err)
    if isinstance(err, sqlite3.OperationalError):
        from migrainecli.storage import DISK_FULL, is_locked

        if "disk is full" in str(err):
            return DISK_FULL
        if is_locked(err):
            return "The diary is busy in another program and stayed locked; try again."
        return f"The diary could not be changed ({err})."
    if isinstance(err, sqlite3.DatabaseError):
        return (
            f"The diary file cannot be used ({err}); it may be damaged. "
            "'migrainecli check' reports what is wrong."
        )
    if isinstance(err, OSError) and not isinstance(err, BrokenPipeError):
        import errno

        if err.errno in (errno.ENOSPC, errno.EDQUOT):
            from migrainecli.storage import DISK_FULL

            return DISK_FULL
        if err.errno == errno.EROFS:
            return (
                f"The folder of {err.filename or 'the file'} is read-only (a "
                "read-only file system); nothing was changed."
            )
        name = f" {err.filename}" if err.filename else ""
        return f"Cannot use{name}: {err.strerror or err}."
    return None


# The exceptions :func:`error_sentence` has a sentence for (BrokenPipeError aside: a
# reader that went away ends the command quietly, see :func:`silence_stdout`).
USER_ERRORS = (MigraineError, sqlite3.DatabaseError, OSError)


def silence_stdout() -> None:
    """Point stdout at /dev/null so that the flush at interpreter exit cannot fail."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # stdout already closed or not a real file
        pass


def on_terminal() -> bool:
    """Questions are asked only when a person is at both ends: a script never sees them."""
    try:
        return sys.stdin.isatty() and sys.stdout.isatty()
    except (AttributeError, ValueError):  # closed or replaced streams
        return False


def wrap(text: str, width: int, indent: str = "") -> list[str]:
    """``text`` wrapped at spaces to ``width`` (words are never cut), later lines indented."""
    import textwrap

    return textwrap.wrap(
        text, width, subsequent_indent=indent, break_long_words=False, break_on_hyphens=False
    ) or [""]


def echo(message: str, *, err: bool = False) -> None:
    """One line on stdout (or stderr), flushed: what ``typer.echo`` writes for the plain
    text this program prints (the fast path checks first that the streams are UTF-8)."""
    stream = sys.stderr if err else sys.stdout
    stream.write(message + "\n")
    stream.flush()


def note(message: str) -> None:
    """A one-line message on stderr (plain text, never wrapped, controls shown)."""
    echo(visible(message), err=True)


def error(message: str) -> None:
    """``Error: <message>`` on stderr, the one form of every error sentence."""
    note(f"Error: {message}")
