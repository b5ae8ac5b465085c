"""The ``migrainecli`` command (and ``python -m migrainecli``): the answers that need no
Typer, then the Typer app.

``migrainecli --version`` is answered here, before Typer, click or any command is
imported; an everyday ``migrainecli log ...`` goes to the fast path
(:mod:`migrainecli.fastlog`), which leaves what it does not fully read to the app.
Everything else is the Typer app's (``migrainecli.cli:app``) exactly as before. Shell
completion (``_MIGRAINECLI_COMPLETE`` set, as Typer names it from the program's name)
is always the app's. ``MIGRAINECLI_NO_FAST_PATH`` set to anything non-empty sends every
command line to the app (the tests compare the two paths with it).
"""

import os
import sys

from migrainecli import __version__


def main(args: list[str] | None = None, prog_name: str | None = None) -> None:
    """Run the command line ``args`` (None: ``sys.argv[1:]``); ``prog_name`` as in
    ``app(prog_name=...)`` (None: the name the program was run by, as click finds it)."""
    argv = sys.argv[1:] if args is None else list(args)
    name = prog_name or os.path.basename(sys.argv[0])
    complete_var = f"_{name}_COMPLETE".replace("-", "_").upper()
    if not os.environ.get(complete_var) and not os.environ.get("MIGRAINECLI_NO_FAST_PATH"):
        if argv == ["--version"]:
            _version()
            return
        if "log" in argv:
            from migrainecli.fastlog import run

            code = run(argv)
            if code is not None:
                sys.exit(code)
    from migrainecli.cli import app

    app(args, prog_name=prog_name)


def _version() -> None:
    """What the app's ``--version`` prints."""
    try:
        sys.stdout.write(f"migrainecli {__version__}\n")
        sys.stdout.flush()
    except BrokenPipeError:
        from migrainecli.edge import silence_stdout

        silence_stdout()
