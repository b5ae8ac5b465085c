"""The guided ``log`` on a terminal: the questions of :mod:`migrainecli.guided`, asked with
``input()`` and readline (Tab completes medication names from the catalogue)."""

import sys
from datetime import date

import typer

from migrainecli.cli.common import diary_path, fail, note, open_diary
from migrainecli.edge import on_terminal  # noqa: F401 - log and score ask it here
from migrainecli.guided import Answers, Interview


def ask_day(ctx: typer.Context, when: date) -> Answers:
    """Ask the questions for ``when``; nothing is written here."""
    previous = None
    if diary_path(ctx).exists():  # a read: asking must not create the diary
        with open_diary(ctx, write=False) as diary:
            if diary.get_day(when) is not None:
                raise fail(
                    f"{when} is already logged; 'migrainecli show {when}' shows it, and "
                    f"'migrainecli edit {when} --severity ...' (or log with options) changes it."
                )
            prev = diary.last_headache_day(when)
            if prev is not None:
                previous = (prev, tuple(diary.intakes(prev.date, prev.date)))
    from migrainecli.catalogue import load_catalogue

    catalogue = load_catalogue()
    note("Answer each question; Enter takes the answer in [brackets], - skips, "
         "Ctrl-C stops without logging anything.")  # fmt: skip
    restore = _complete_with(catalogue.completion_names({"acute"}))
    interview = Interview(
        ask=input,
        tell=note,
        when=when,
        previous=previous,
        check_med=lambda name: catalogue.resolve(name, kinds={"acute"}),
    )
    try:
        return interview.run()
    except (KeyboardInterrupt, EOFError):
        sys.stdout.write("\n")
        raise fail("Nothing logged: the questions were left before the end.") from None
    finally:
        restore()


def _complete_with(names: list[str]):
    """Tab-complete ``names`` (whole line, case-insensitive) while the questions are asked;
    returns the function that puts readline back as it was. No history file is written."""
    try:
        import readline
    except ImportError:  # no readline on this platform: questions work without Tab
        return lambda: None
    old_completer, old_delims = readline.get_completer(), readline.get_completer_delims()
    folded = sorted((n.casefold(), n) for n in names)

    def complete(text: str, state: int) -> str | None:
        start = text.casefold()
        matches = [n for key, n in folded if key.startswith(start)] if start else []
        return matches[state] if state < len(matches) else None

    readline.set_completer(complete)
    readline.set_completer_delims("")
    readline.parse_and_bind("tab: complete")

    def restore() -> None:
        readline.set_completer(old_completer)
        readline.set_completer_delims(old_delims)

    return restore
