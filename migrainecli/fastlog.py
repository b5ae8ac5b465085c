"""The fast path of everyday ``log``: the command line read without Typer.

``migrainecli log 2026-11-11 -s mild --nausea`` is the command a patient types most,
and loading Typer and click would take most of its time. The launcher
(:mod:`migrainecli.launch`) hands such a command line to :func:`run`, which reads it
the way click reads the Typer command (``--opt value``, ``--opt=value``, ``-s value``,
``-svalue``, options and the date in any order, the last of a repeated option winning,
``--med`` repeatable) and calls the same core as the Typer command: the dates of
:mod:`migrainecli.dates`, the option rules and the words of
:mod:`migrainecli.dayoptions` and :mod:`migrainecli.edge`, and
:func:`migrainecli.logbook.log_days` through :class:`migrainecli.storage.Diary`.

Whatever it does not read completely it leaves to the Typer app, before it has
written or printed anything, so that the output and the exit code are those of the
Typer command byte for byte: ``--help``, ``--like``, an unknown or malformed option,
a value Typer would refuse (a usage error, exit 2), ``--relieved`` without exactly
one ``--med``, no option but the date on a terminal (the guided questions), an entry
that needs confirming on a terminal (the question), streams that are not UTF-8, and
anything after ``--``. :data:`FALLS_BACK` lists the options left to Typer and why;
``tests/test_fastlog.py`` checks that every option of the Typer command is either
read here or listed there.
"""

import re
import sys

from migrainecli.dayoptions import FLAGS
from migrainecli.models import IMPAIRMENTS, SEVERITIES

# The options that take a value: option -> the field it sets.
VALUES = {
    "--severity": "severity", "-s": "severity",
    "--hours": "hours",
    "--impairment": "impairment", "-i": "impairment",
    "--med": "med", "-m": "med",
    "--note": "note", "-n": "note",
    "--db": "db",
}  # fmt: skip
# The options that take none: option -> (the field it sets, its value).
SWITCHES = {
    "--free": ("free", True),
    "--yes": ("yes", True), "-y": ("yes", True),
    "--relieved": ("relieved", True), "--not-relieved": ("relieved", False),
    **{f"--{f.replace('_', '-')}": (f, True) for f in FLAGS},
    **{f"--no-{f.replace('_', '-')}": (f, False) for f in FLAGS},
}  # fmt: skip
# The options of the Typer command left to it, and why.
FALLS_BACK = {
    "--like": "copies another day (read, then logged): the Typer command does it",
    "--help": "help is Typer's",
    "-h": "help is Typer's",
}
# What Typer accepts for the choices (exactly these words) and for --hours (a decimal
# number: the rest of what ``float()`` reads, such as 1e1 or nan, is left to Typer).
CHOICES = {
    "severity": tuple(s for s in SEVERITIES if s != "none"),
    "impairment": IMPAIRMENTS,
}
_NUMBER = re.compile(r"[0-9]+(\.[0-9]*)?|\.[0-9]+")


class Request:
    """A ``log`` command line as read: the values given (absent: not given)."""

    def __init__(self) -> None:
        self.when = "today"
        self.root_db: str | None = None  # --db before ``log``
        self.values: dict[str, object] = {}
        self.meds: list[str] = []

    def get(self, name: str, default=None):
        return self.values.get(name, default)


def parse(args: list[str]) -> Request | None:
    """The ``log`` command line ``args`` (``sys.argv[1:]``) as read by click, or None
    for one to leave to Typer."""
    req = Request()
    i = 0
    while i < len(args) and args[i] != "log":  # the root options: --db only
        if args[i] == "--db" and i + 1 < len(args):
            req.root_db = args[i + 1]
            i += 2
        elif args[i].startswith("--db="):
            req.root_db = args[i][len("--db=") :]
            i += 1
        else:
            return None
    rest = args[i + 1 :]
    if i == len(args):
        return None
    given_when = False
    j = 0
    while j < len(rest):
        arg = rest[j]
        j += 1
        if arg == "--" or arg == "-":
            return None
        if not arg.startswith("-"):
            if given_when:  # a second date: click's "unexpected extra argument"
                return None
            req.when, given_when = arg, True
            continue
        if arg.startswith("--"):
            name, eq, value = arg.partition("=")
            attached = value if eq else None
        else:  # -s mild, -smild (the rest of the word is the value)
            name, attached = arg[:2], arg[2:] or None
        if name in SWITCHES:
            if attached is not None:  # --free=x; -yX (short options run together)
                return None
            field, on = SWITCHES[name]
            req.values[field] = on
            continue
        if name not in VALUES:
            return None
        if attached is None:
            if j == len(rest):  # "requires an argument"
                return None
            attached = rest[j]
            j += 1
        field = VALUES[name]
        if field == "med":
            req.meds.append(attached)
        elif field in CHOICES:
            if attached not in CHOICES[field]:
                return None
            req.values[field] = attached
        elif field == "hours":
            if not _NUMBER.fullmatch(attached):
                return None
            req.values[field] = float(attached)
        else:
            req.values[field] = attached
    db = req.get("db")
    if db is not None and req.root_db is not None and db != req.root_db:
        return None  # "--db is given twice": a usage error
    return req


class _FallBack(Exception):
    """Leave this command to the Typer app (nothing written or printed yet)."""


def run(args: list[str]) -> int | None:
    """Log as ``migrainecli log`` would and return the exit code; None to leave the
    command line to the Typer app."""
    req = parse(args)
    if req is None or not _utf8(sys.stdout) or not _utf8(sys.stderr):
        return None
    from migrainecli import edge

    try:
        return _log(req)
    except _FallBack:
        return None
    except BrokenPipeError:
        edge.silence_stdout()
        return 0
    except edge.USER_ERRORS as err:
        edge.error(edge.error_sentence(err))
        return 1
    except KeyboardInterrupt:
        return 130  # as Typer: quietly


def _utf8(stream) -> bool:
    encoding = getattr(stream, "encoding", None) or ""
    return encoding.lower().replace("-", "").replace("_", "") == "utf8"


def _log(req: Request) -> int:
    """The Typer ``log`` command's steps, in its order (migrainecli/cli/days.py)."""
    from migrainecli import dayoptions, edge
    from migrainecli.dates import parse_range
    from migrainecli.storage import Diary, read_setting, resolve_path

    relieved = req.get("relieved")
    if dayoptions.relief_usage(req.meds, relieved) is not None:
        raise _FallBack  # a usage error, with Typer's usage line
    db = req.get("db", req.root_db)
    path = resolve_path(db)
    start, end = parse_range(req.when, order=lambda: read_setting(path, "date-order"))
    changes = dayoptions.changes(
        severity=req.get("severity"),
        free=req.get("free", False),
        hours=req.get("hours"),
        impairment=req.get("impairment"),
        note=req.get("note"),
        flags={f: req.get(f) for f in FLAGS},
    )
    if dayoptions.asks_questions(changes, req.meds, relieved, start, end) and edge.on_terminal():
        raise _FallBack  # the guided questions
    from migrainecli.logbook import NeedsConfirmation, log_days

    diary = Diary.open(path, write=True, on_wait=lambda: edge.note(edge.WAITING))
    try:
        if diary.created:
            edge.note(edge.started_new_diary(diary.path))
        diary.command = "log"  # one change for undo, as the Typer command names it
        try:
            results = log_days(
                diary,
                confirmed=bool(req.get("yes")),
                start=start,
                end=end,
                changes=changes,
                meds=req.meds,
                relieved=relieved,
            )
        except NeedsConfirmation as question:
            if sys.stdin.isatty():
                raise _FallBack from None  # nothing written: Typer asks the question
            edge.error(dayoptions.add_yes(str(question)))
            return 1
        gaps = diary.gaps()
    finally:
        diary.close()
    for line in dayoptions.report(results, "Logged"):
        edge.echo(dayoptions.printed(line))
    for line in dayoptions.gap_notes(results, gaps):
        edge.note(line)
    return 0
