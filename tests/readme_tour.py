"""Re-run the README's examples and compare their output with the README (or rewrite it).

Every indented block of README.md whose first line starts with ``$ migrainecli`` is a
transcript: each ``$`` line (with ``\\`` continuation lines) is run, in document order,
in one fresh diary, and what it printed (stdout and stderr, as a terminal shows them)
must be the lines under it. The clock is pinned at :data:`TOUR_NOW` (UTC), the
terminal is 80 columns wide without colour, and the home folder is a temporary one
written ``~`` in the README.

A block whose output asks the guided ``log`` questions (a line starting with "How bad
was the headache") is run in a real pseudo-terminal: the text after each question is
typed as the answer. That run cannot pin the clock, so its command names its date.

    python tests/readme_tour.py           # compare; exit 1 with a diff when they differ
    python tests/readme_tour.py --update  # rewrite README.md's outputs from a fresh run

``tests/test_readme.py`` runs the comparison in the suite.
"""

import difflib
import os
import re
import shlex
import sys
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
TOUR_NOW = "2026-12-01 18:30:00+00:00"
COLUMNS = 80
_GUIDED = "How bad was the headache"
_ANSWER = re.compile(r"\[y/N\]: (\S+)$")  # a confirmation answered in the transcript
_PROMPT = re.compile(r"^(.*?[\])]:)(?: (.*))?$")  # "...? (y/n) [y]:" then the answer typed


@dataclass
class Example:
    """One ``$`` command of the README and the output lines printed under it."""

    command: str  # as written, continuation lines joined
    first: int  # index of its ``$`` line in the README's lines
    last: int  # index after its last output line
    output: list[str] = field(default_factory=list)


def examples(lines: list[str]) -> list[Example]:
    """The ``$ migrainecli`` commands of every transcript block, in order."""
    found: list[Example] = []
    i = 0
    while i < len(lines):
        if not (lines[i].startswith("    $ migrainecli") and (i == 0 or not lines[i - 1].strip())):
            i += 1
            continue
        end = i
        while end < len(lines) and (lines[end].startswith("    ") or not lines[end].strip()):
            end += 1
        while end > i and not lines[end - 1].strip():
            end -= 1
        j = i
        while j < end:
            start = j
            command = lines[j][6:]
            while command.endswith("\\"):
                j += 1
                command = command[:-1].rstrip() + " " + lines[j].strip()
            j += 1
            out_start = j
            while j < end and not lines[j].startswith("    $ "):
                j += 1
            stop = j
            while stop > out_start and not lines[stop - 1].strip():
                stop -= 1
            output = [line[4:] for line in lines[out_start:stop]]
            found.append(Example(command, start, stop, output))
        i = end
    return found


def run_tour(found: list[Example]) -> list[list[str]]:
    """Run every example in one fresh diary; the output lines of each."""
    import time_machine

    results = []
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        (home / "backups").mkdir(parents=True)
        env = {
            "HOME": str(home), "COLUMNS": str(COLUMNS), "NO_COLOR": "1", "TZ": "UTC",
            "MIGRAINECLI_DB": None, "XDG_DATA_HOME": None, "FORCE_COLOR": None,
        }  # fmt: skip
        with _environment(env), time_machine.travel(TOUR_NOW, tick=False):
            for example in found:
                text = _run(example, home)
                text = text.replace(str(home), "~")
                results.append([line.rstrip() for line in text.rstrip("\n").split("\n")])
    return results


@contextmanager
def _environment(values: dict[str, str | None]):
    """``os.environ`` with ``values`` set (None: removed), put back afterwards; the time
    zone is re-read both times (TZ)."""
    import time

    saved = {k: os.environ.get(k) for k in values}

    def apply(items: dict[str, str | None]) -> None:
        for k, v in items.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        time.tzset()

    apply(values)
    try:
        yield
    finally:
        apply(saved)


def _run(example: Example, home: Path) -> str:
    args = [os.path.expanduser(a) for a in shlex.split(example.command)][1:]
    if any(line.startswith(_GUIDED) for line in example.output):
        return _run_in_terminal(args, example.output)
    from typer.testing import CliRunner

    from migrainecli.cli import app

    answers = [m.group(1) for m in map(_ANSWER.search, example.output) if m]
    result = CliRunner().invoke(
        app, args, prog_name="migrainecli", catch_exceptions=False,
        input="".join(f"{a}\n" for a in answers) or None,
    )  # fmt: skip
    return result.output


def _run_in_terminal(args: list[str], transcript: list[str]) -> str:
    """A guided session: answer each question with the text after it in the README."""
    import io

    import pexpect

    seen = io.StringIO()
    child = pexpect.spawn(
        sys.executable, ["-m", "migrainecli", *args],
        env={**os.environ, "TERM": "dumb"}, encoding="utf-8", timeout=30,
        dimensions=(24, 400),  # no line of the session is cut by readline (COLUMNS stays 80)
    )  # fmt: skip
    child.logfile_read = seen  # everything the terminal shows, echoed answers included
    for line in transcript:
        if line.startswith(("Logged ", "Updated ", "Error: ")):
            break  # the questions are over: what follows is the program's answer
        match = _PROMPT.match(line)
        if match is None:
            continue
        child.expect_exact(match.group(1))
        child.sendline(match.group(2) or "")
    child.expect(pexpect.EOF)
    child.close()
    return seen.getvalue().replace("\r\n", "\n")


def rewritten(lines: list[str], found: list[Example], outputs: list[list[str]]) -> list[str]:
    """README lines with each example's output replaced by ``outputs``."""
    new = list(lines)
    for example, output in sorted(
        zip(found, outputs, strict=True), key=lambda pair: -pair[0].first
    ):
        head = example.first
        while not new[head].startswith("    $ "):
            head += 1
        body_start = head + 1
        while new[body_start - 1].rstrip().endswith("\\"):
            body_start += 1
        new[body_start : example.last] = [f"    {line}".rstrip() for line in output]
    return new


def compare() -> str:
    """The diff between the README and a fresh run ("" when they agree)."""
    lines = README.read_text(encoding="utf-8").split("\n")
    found = examples(lines)
    fresh = rewritten(lines, found, run_tour(found))
    return "".join(
        difflib.unified_diff(
            [f"{line}\n" for line in lines], [f"{line}\n" for line in fresh],
            "README.md", "fresh run",
        )
    )  # fmt: skip


def main(argv: list[str]) -> int:
    if argv == ["--update"]:
        lines = README.read_text(encoding="utf-8").split("\n")
        found = examples(lines)
        README.write_text("\n".join(rewritten(lines, found, run_tour(found))), encoding="utf-8")
        print(f"README.md: {len(found)} examples re-run and written.")
        return 0
    diff = compare()
    sys.stdout.write(diff or "README.md agrees with a fresh run.\n")
    return 1 if diff else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
