"""The command-line interface: a thin shell that parses, calls the core and prints.

Domain errors (``MigraineError``) become one sentence on stderr and exit code 1,
wherever they are raised; tracebacks never reach the user and never show locals.
"""

from __future__ import annotations

import sqlite3
import sys
from typing import Annotated

import typer
from typer.core import TyperGroup

from migrainecli import __version__
from migrainecli.errors import MigraineError

HELP = """Track headache days and treatments; read the diary against ICHD-3, EHF and AHS criteria.

The verdicts are criteria read from your diary, not a diagnosis.

\b
Examples:
  migrainecli log --severity severe --nausea --photophobia --phonophobia \\
      --med "sumatriptan 50 mg"
  migrainecli log yesterday --free
  migrainecli log "3 days ago" --severity moderate --impairment serious
  migrainecli gap add 2026-08-01..2026-08-14 --reason "holiday, no diary"
  migrainecli trial add "Topamax 50 mg" --start 2025-01-10 --end 2025-04-02 \\
      --outcome ineffective
  migrainecli status
  migrainecli summary --format html --output summary.html
  migrainecli demo
"""


class _Group(TyperGroup):
    """Root group: turns domain and file errors into one sentence and exit 1."""

    def invoke(self, ctx):  # type: ignore[override]
        from migrainecli.cli.common import fail

        try:
            result = super().invoke(ctx)
            # Flush here, not at interpreter exit, so that a reader that stopped early
            # (``| head``) is met by the BrokenPipeError branch below.
            sys.stdout.flush()
            return result
        except MigraineError as err:
            raise fail(str(err)) from None
        except sqlite3.OperationalError as err:
            from migrainecli.storage import DISK_FULL

            if "disk is full" in str(err):
                raise fail(DISK_FULL) from None
            if "locked" in str(err) or "busy" in str(err):
                raise fail(
                    "The diary is busy in another program and stayed locked; try again."
                ) from None
            raise fail(f"The diary could not be changed ({err}).") from None
        except sqlite3.DatabaseError as err:
            raise fail(
                f"The diary file cannot be used ({err}); it may be damaged. "
                "'migrainecli check' reports what is wrong."
            ) from None
        except BrokenPipeError:
            # stdout closed early (e.g. piped into `head`): the reader has what it wanted,
            # so stop quietly with success, as `cat` and `grep` do.
            _silence_stdout()
            raise typer.Exit(0) from None
        except OSError as err:
            import errno

            if err.errno in (errno.ENOSPC, errno.EDQUOT):
                from migrainecli.storage import DISK_FULL

                raise fail(DISK_FULL) from None
            if err.errno == errno.EROFS:
                raise fail(
                    f"The folder of {err.filename or 'the file'} is read-only (a "
                    "read-only file system); nothing was changed."
                ) from None
            name = f" {err.filename}" if err.filename else ""
            raise fail(f"Cannot use{name}: {err.strerror or err}.") from None


def _silence_stdout() -> None:
    """Point stdout at /dev/null so that the flush at interpreter exit cannot fail."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # stdout already closed or not a real file
        pass


def command_named(argv: list[str]) -> str | None:
    """The sub-command a command line names (``--db PATH`` may come first), else None."""
    args = iter(argv)
    for token in args:
        if token == "--db":
            next(args, None)
        elif token.startswith("--db="):
            continue
        elif token.startswith("-"):
            return None  # --help, --version...: the whole app
        else:
            return token
    return None


class _App(typer.Typer):
    """Builds only the sub-command being run.

    Typer turns every command's signature into a click command on each run; for a
    one-day ``log`` that was about a sixth of the process. Help, version and unknown
    names still get the whole app (and its suggestions). Tests invoke the whole app.
    """

    def __call__(self, *args, **kwargs):
        try:
            return self._call(*args, **kwargs)
        finally:
            # Output still buffered when click exits (a usage error, an Exit) is flushed
            # here; a reader gone away must not turn into "Exception ignored" at exit.
            try:
                sys.stdout.flush()
            except BrokenPipeError:
                _silence_stdout()
            except (OSError, ValueError):
                pass

    def _call(self, *args, **kwargs):
        import copy

        from typer.main import get_command_name

        name = command_named(sys.argv[1:])
        commands = [
            c
            for c in self.registered_commands
            if (c.name or get_command_name(c.callback.__name__)) == name
        ]
        groups = [g for g in self.registered_groups if g.name == name]
        if not commands and not groups:
            return super().__call__(*args, **kwargs)
        only = copy.copy(self)
        only.registered_commands, only.registered_groups = commands, groups
        return typer.Typer.__call__(only, *args, **kwargs)


app = _App(
    cls=_Group,
    help=HELP,
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_show_locals=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"migrainecli {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            help="Diary file to use (default: $MIGRAINECLI_DB, else the user data folder).",
            metavar="PATH",
        ),
    ] = None,
    version: Annotated[
        bool | None,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = None,
) -> None:
    """Track headache days and treatments; read the diary against published criteria."""
    ctx.obj = {"db": db}


from migrainecli.cli import (  # noqa: E402
    config,
    days,
    demo,
    gaps,
    io,
    maintenance,
    periods,
    report,
    scores,
    status,
    therapies,
    trials,
    undo,
)

days.register(app)
app.add_typer(trials.app, name="trial")
therapies.register(app)
app.add_typer(gaps.app, name="gap")
app.add_typer(scores.app, name="score")
app.add_typer(periods.app, name="period")
app.add_typer(config.app, name="config")
io.register(app)
status.register(app)
app.command()(demo.demo)
report.register(app)
maintenance.register(app)
undo.register(app)
