"""The command-line interface: a thin shell that parses, calls the core and prints.

Domain errors (``MigraineError``) become one sentence on stderr and exit code 1,
wherever they are raised; tracebacks never reach the user and never show locals.
"""

import sys
from typing import Annotated

import typer
from typer.core import TyperGroup

from migrainecli import __version__
from migrainecli.edge import USER_ERRORS, error_sentence, silence_stdout

HELP = """Track headache days and treatments; read the diary against ICHD-3, EHF and AHS criteria.

The verdicts are criteria read from your diary, not a diagnosis.

\b
Examples:
  migrainecli log      (on a terminal: asks how bad, how long, which features)
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
    """Root group: loads only the sub-command run, and turns domain and file errors into
    one sentence and exit 1."""

    def invoke(self, ctx):  # type: ignore[override]
        from migrainecli.cli.common import fail

        try:
            result = super().invoke(ctx)
            # Flush here, not at interpreter exit, so that a reader that stopped early
            # (``| head``) is met by the BrokenPipeError branch below.
            sys.stdout.flush()
            return result
        except BrokenPipeError:
            # stdout closed early (e.g. piped into `head`): the reader has what it wanted,
            # so stop quietly with success, as `cat` and `grep` do.
            silence_stdout()
            raise typer.Exit(0) from None
        except USER_ERRORS as err:
            raise fail(error_sentence(err)) from None

    def list_commands(self, ctx) -> list[str]:  # type: ignore[override]
        return list(LAZY_COMMANDS)

    def get_command(self, ctx, cmd_name: str):  # type: ignore[override]
        if cmd_name not in self.commands and cmd_name in LAZY_COMMANDS:
            self.commands[cmd_name] = load_command(cmd_name)
        return self.commands.get(cmd_name)

    def resolve_command(self, ctx, args):  # type: ignore[override]
        from difflib import get_close_matches

        from migrainecli.cli.common import UsageError

        try:
            return super().resolve_command(ctx, args)
        except UsageError as e:
            if args and "Did you mean" not in e.message:
                matches = get_close_matches(args[0], list(LAZY_COMMANDS))
                if matches:
                    e.message = (
                        f"{e.message.rstrip('.')}. Did you mean "
                        f"{', '.join(repr(m) for m in matches)}?"
                    )
            raise

    def format_commands(self, ctx, formatter) -> None:  # type: ignore[override]
        """The commands in sections (Diary, Treatments...), each with its first sentence."""
        width = max(len(name) for name in LAZY_COMMANDS)  # one column across the sections
        for title, names in SECTIONS.items():
            rows = []
            for name in names:
                command = self.get_command(ctx, name)
                if command is not None and not command.hidden:
                    rows.append((name.ljust(width), command.get_short_help_str(limit=1000)))
            with formatter.section(title):
                formatter.write_dl(rows)

    def main(self, *args, **kwargs):  # type: ignore[override]
        try:
            return super().main(*args, **kwargs)
        finally:
            # Output still buffered when click exits (a usage error, an Exit) is flushed
            # here; a reader gone away must not turn into "Exception ignored" at exit.
            try:
                sys.stdout.flush()
            except BrokenPipeError:
                silence_stdout()
            except (OSError, ValueError):
                pass


# The sub-commands, in the order and sections of the main --help, each loaded only when
# it is run, completed or listed: click's LazyGroup pattern (docs/complex.md in click).
# "module:attribute" names a command function or a sub-app (typer.Typer).
SECTIONS: dict[str, dict[str, str]] = {
    "Diary": {
        "log": "days:log", "edit": "days:edit", "delete": "days:delete", "show": "days:show",
        "days": "days:days", "gap": "gaps:app", "score": "scores:app",
        "period": "periods:app",
    },
    "Treatments": {
        "trial": "trials:app", "therapies": "therapies:app", "untried": "therapies:untried",
    },
    "Verdicts and reports": {
        "status": "status:status", "report": "report:report", "summary": "report:summary",
    },
    "Data": {
        "export": "io:export", "import": "io:import_", "backup": "io:backup",
        "restore": "maintenance:restore", "check": "maintenance:check", "undo": "undo:undo",
        "cohort": "cohort:cohort",
    },
    "Setup": {"config": "config:app", "path": "io:path", "demo": "demo:demo"},
}  # fmt: skip
LAZY_COMMANDS = {name: target for section in SECTIONS.values() for name, target in section.items()}


def load_command(name: str):
    """Build the click command of one sub-command from its Typer function or sub-app."""
    import importlib

    import typer.main

    module, attribute = LAZY_COMMANDS[name].split(":")
    obj = getattr(importlib.import_module(f"migrainecli.cli.{module}"), attribute)
    if not isinstance(obj, typer.Typer):
        one = typer.Typer(rich_markup_mode=None, add_completion=False)
        one.command(name)(obj)
        obj = one
    command = typer.main.get_command(obj)
    command.name = name
    _finish(command)
    return command


# Commands that read no diary of their own (cohort reads the files it is given), so
# ``--db`` after them would be an option they ignore.
NO_DIARY = frozenset({"cohort"})


def _finish(command) -> None:
    """Every command's help gets its whole first sentence as its short help, and takes
    ``--db`` after the sub-command too (except the NO_DIARY ones)."""
    from migrainecli.cli.common import db_option

    command.short_help = command.short_help or first_sentence(command.help or "")
    if command.name not in NO_DIARY:
        command.params.append(db_option())
    for sub in getattr(command, "commands", {}).values():
        _finish(sub)


def first_sentence(text: str) -> str:
    """The first sentence of a help text (its first paragraph when that has no full stop)."""
    paragraph = " ".join(text.split("\n\n")[0].split())
    end = paragraph.find(". ")
    return paragraph[: end + 1] if end >= 0 else paragraph


app = typer.Typer(
    cls=_Group,
    help=HELP,
    no_args_is_help=True,
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
