#!/usr/bin/env python3
"""migrainecli benchmarks: whole processes, as a user runs them, against their peers.

    python benchmarks/run.py [--rounds 15] [--keep DIR] [--only NAME[,NAME]] [--scaling]

Builds synthetic diaries of 1 month, 1 year, 20 years and 100 years through
``migrainecli import`` (about every other day a headache, an intake on most headache
days, every day logged: 7,300 rows for 20 years; trials spread over the diary). With
``--keep DIR`` the diaries are built in DIR and kept; a later run reuses a diary there
whose CSV files are identical to the ones it would write (and which the same build of
migrainecli made), so re-runs start at once.

Every group of commands compared with each other runs interleaved: one warm-up round,
then ``--rounds`` rounds (at least 11 for a run the README may quote), each command
once a round, the order rotated from round to round so that no command always runs
first, on a colder or warmer machine. A ratio is the MEDIAN OF THE PER-ROUND RATIOS
(the two commands of one round ran seconds apart), shown with its interquartile range;
a shared machine drifting between rounds skews neither. Each command's median time and
peak memory (the child's max RSS, from ``os.wait4``) are printed on stderr as the run
goes. stdout gets ONE markdown table, headed with the date, the machine and the rounds,
that the README's Performance section copies verbatim: every target of issue 17 with
PASS or FAIL. The exit status is 1 when a target is missed.

``--scaling`` instead prints the time and peak memory of ``status --json`` against the
length of the diary (1 month, 1, 5, 20, 50 and 100 years), interleaved the same way.
``--only status,import`` runs just those figures (see ``--help`` for the names).

Standard library only, plus the installed project (``migrainecli`` and the
``sqlite-utils`` command it depends on, found next to this Python).
"""

from __future__ import annotations

import argparse
import atexit
import csv
import io
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

# The diaries end a month ago, so that `log` has unlogged days to write.
AS_OF = date.today() - timedelta(days=30)
YEAR = 365
SIZES = {
    "1 month": 31,
    "1 year": YEAR,
    "5 years": 5 * YEAR,
    "20 years": 20 * YEAR,
    "50 years": 50 * YEAR,
    "100 years": 100 * YEAR,
}
MAIN_SIZES = ("1 month", "1 year", "20 years", "100 years")
SCALING_SIZES = ("1 month", "1 year", "5 years", "20 years", "50 years", "100 years")
DEFAULT_ROUNDS = 15
MIN_ROUNDS = 11  # fewer: the table says it is not a run to quote
TRIAL_THERAPIES = [
    ("propranolol", "preventive"), ("topiramate", "preventive"), ("amitriptyline", "preventive"),
    ("flunarizine", "preventive"), ("candesartan", "preventive"), ("Botox", "preventive"),
    ("erenumab", "preventive"), ("atogepant", "preventive"), ("magnesium", "preventive"),
    ("sumatriptan", "acute"), ("rizatriptan", "acute"), ("CBT", "behavioural"),
    ("Cefaly", "neuromodulation"), ("greater occipital nerve block", "procedure"),
]  # fmt: skip
OUTCOMES = ["ineffective", "partial", "not_tolerated", "effective", "stopped_other"]
KINDS = ("days", "intakes", "trials")
DAY_HEADER = ["date", "severity", "unilateral", "pulsating", "nausea", "photophobia",
              "phonophobia", "impairment"]  # fmt: skip

# The floor of `log`: a Python that opens SQLite and writes one row, nothing else.
FLOOR_SCRIPT = (
    "import sqlite3,sys;c=sqlite3.connect(sys.argv[1]);"
    "c.execute('CREATE TABLE IF NOT EXISTS days (date TEXT PRIMARY KEY, severity TEXT)');"
    "c.execute('INSERT OR REPLACE INTO days VALUES (?, ?)', (sys.argv[2], 'mild'));"
    "c.commit()"
)


# -- pure helpers (tests/test_benchmark.py runs these) -------------------------------------
def rotation(n: int, round_no: int) -> list[int]:
    """The order the ``n`` commands of a group run in, in round ``round_no``: rotated by
    one each round, so that over ``n`` rounds every command runs once in every place."""
    shift = round_no % n if n else 0
    return [(shift + k) % n for k in range(n)]


def per_round_ratios(num: Sequence[float], den: Sequence[float]) -> list[float]:
    """``num[r] / den[r]`` for every round ``r`` (the two timed in the same round)."""
    if len(num) != len(den):
        raise ValueError("the two commands were not timed in the same rounds")
    return [a / b for a, b in zip(num, den, strict=True)]


def quartiles(values: Sequence[float]) -> tuple[float, float]:
    """The first and third quartiles (the inclusive method: within min and max)."""
    if len(values) < 2:
        return values[0], values[0]
    q = statistics.quantiles(values, n=4, method="inclusive")
    return q[0], q[2]


@dataclass(frozen=True)
class Ratio:
    median: float
    low: float  # first quartile
    high: float  # third quartile
    least: float
    most: float

    @classmethod
    def of(cls, num: Sequence[float], den: Sequence[float]) -> Ratio:
        ratios = per_round_ratios(num, den)
        lo, hi = quartiles(ratios)
        return cls(statistics.median(ratios), lo, hi, min(ratios), max(ratios))

    def text(self) -> str:
        """The median to three places (1.102 is above a target of 1.10), the quartiles."""
        return f"{self.median:.3f} ({self.low:.2f}–{self.high:.2f})"


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A markdown table; ``|`` inside a cell is escaped."""

    def line(cells: Sequence[str]) -> str:
        return "| " + " | ".join(str(c).replace("|", "\\|") for c in cells) + " |"

    out = [line(header), "| " + " | ".join("---" for _ in header) + " |"]
    out += [line(r) for r in rows]
    return "\n".join(out)


def verdict(ok: bool | None) -> str:
    return "—" if ok is None else ("PASS" if ok else "FAIL")


def machine_line(rounds: int, today: date | None = None) -> str:
    """The heading of a table: the date, the machine and the rounds."""
    today = today or date.today()
    py = platform.python_version()
    plat = platform.platform(terse=True)
    return (
        f"{today.isoformat()} · {os.cpu_count()} cores · Python {py} · {plat} · "
        f"{rounds} rounds after one warm-up, the order rotated each round; a ratio is the "
        "median of the per-round ratios (interquartile range)"
    )


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


# -- synthetic diaries ---------------------------------------------------------------------
def csv_text(header: list[str], rows: list[list[object]]) -> str:
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue()


def synthetic_texts(n_days: int, seed: int = 7) -> dict[str, str]:
    """The CSV files (days, intakes, trials) of a diary of ``n_days`` ending at AS_OF."""
    rng = random.Random(seed)
    start = AS_OF - timedelta(days=n_days - 1)
    days, intakes = [], []
    for k in range(n_days):
        d = start + timedelta(days=k)
        if rng.random() < 0.5:  # about every other day a headache
            migraine = rng.random() < 0.5
            sev = rng.choice(["moderate", "severe"]) if migraine else "mild"
            days.append([d.isoformat(), sev, 1 if migraine else "", 1 if migraine else "",
                         1 if migraine else 0, 1 if migraine else "", 1 if migraine else "",
                         rng.choice(["serious", "mild", ""])])  # fmt: skip
            if rng.random() < 0.8:
                med = "sumatriptan" if migraine else rng.choice(["ibuprofen", "paracetamol"])
                intakes.append([d.isoformat(), med, "50 mg", rng.choice([1, 0, ""])])
        else:  # every day is logged: a 20-year file has 7,300 rows
            days.append([d.isoformat(), "none", "", "", "", "", "", ""])
    trials = []
    n_trials = 40 if n_days > 3650 else max(1, n_days // 180)
    for k in range(n_trials):
        therapy, kind = TRIAL_THERAPIES[k % len(TRIAL_THERAPIES)]
        t_start = start + timedelta(days=int(k * n_days / n_trials))
        length = rng.randint(20, 200)
        t_end = t_start + timedelta(days=length)
        if t_end >= AS_OF:
            trials.append([therapy, kind, t_start.isoformat(), "", "", "ongoing"])
        else:
            trials.append([therapy, kind, t_start.isoformat(), t_end.isoformat(), "",
                           rng.choice(OUTCOMES)])  # fmt: skip
    return {
        "days": csv_text(DAY_HEADER, days),
        "intakes": csv_text(["date", "medication", "dose", "relieved"], intakes),
        "trials": csv_text(["therapy", "kind", "start", "end", "dose", "outcome"], trials),
    }


def synthetic(folder: Path, n_days: int, seed: int = 7) -> dict[str, Path]:
    """Write the CSV files of a diary of ``n_days`` into ``folder``; their paths."""
    files = {}
    for kind, text in synthetic_texts(n_days, seed).items():
        files[kind] = folder / f"{kind}.csv"
        files[kind].write_bytes(text.encode("utf-8"))
    return files


# -- running commands ----------------------------------------------------------------------
def tool(name: str) -> list[str]:
    """The installed command next to this Python (or on PATH)."""
    local = Path(sys.executable).parent / name
    if local.exists():
        return [str(local)]
    found = shutil.which(name)
    if not found:
        sys.exit(f"{name} is not installed; run: pip install .")
    return [found]


def bench_env() -> dict[str, str]:
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "100"}
    env.pop("MIGRAINECLI_DB", None)
    return env


# The children are started by a small Python of their own (``python -S``, 8 MiB), never
# by this process: a child's max RSS counts the memory of the process that spawned it
# (Linux records the spawner's at exec), so a spawner grown by the synthetic diaries
# would show every command at 30 MiB. The spawner times each child (posix_spawn to
# wait4) and reports its seconds, max RSS and exit status.
_SPAWNER = r"""
import os, sys, time
for line in sys.stdin:
    argv, env, err = eval(line)
    actions = [
        (os.POSIX_SPAWN_OPEN, 0, "/dev/null", os.O_RDONLY, 0),
        (os.POSIX_SPAWN_OPEN, 1, "/dev/null", os.O_WRONLY, 0),
        (os.POSIX_SPAWN_OPEN, 2, err, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600),
    ]
    t0 = time.perf_counter()
    try:
        pid = os.posix_spawnp(argv[0], argv, env, file_actions=actions)
    except OSError as e:
        with open(err, "w") as fh:
            fh.write(f"cannot run {argv[0]}: {e.strerror}")
        print(0.0, 0, 127, flush=True)
        continue
    _, status, usage = os.wait4(pid, 0)
    seconds = time.perf_counter() - t0
    print(repr(seconds), usage.ru_maxrss, os.waitstatus_to_exitcode(status), flush=True)
"""


class Spawner:
    """The process that starts every timed command (see ``_SPAWNER``)."""

    _running: Spawner | None = None

    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-S", "-c", _SPAWNER],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            bufsize=1,
        )
        fd, name = tempfile.mkstemp(prefix="migrainecli-bench-", suffix=".stderr")
        os.close(fd)
        self.stderr = Path(name)

    @classmethod
    def get(cls) -> Spawner:
        if cls._running is None or cls._running.proc.poll() is not None:
            cls._running = cls()
            atexit.register(cls._running.close)
        return cls._running

    def run(self, cmd: list[str], env: dict[str, str]) -> tuple[float, float, int]:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(repr((list(cmd), dict(env), str(self.stderr))) + "\n")
        self.proc.stdin.flush()
        answer = self.proc.stdout.readline().split()
        if len(answer) != 3:
            raise SystemExit(f"the benchmark's spawner failed on: {' '.join(cmd)}")
        return float(answer[0]), int(answer[1]) / 1024, int(answer[2])  # KiB on Linux

    def close(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        self.proc.wait()
        self.stderr.unlink(missing_ok=True)


def run_once(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(seconds, peak RSS in MiB) of one child process, stdin and stdout /dev/null; fails
    loudly on a non-zero exit."""
    spawner = Spawner.get()
    seconds, peak, code = spawner.run(cmd, env)
    if code != 0:
        err = spawner.stderr.read_text(errors="replace")
        raise SystemExit(f"failed ({code}): {' '.join(cmd)}\n{err}")
    return seconds, peak


@dataclass
class Command:
    """One command of a group: ``argv(r)`` is its command line in round ``r`` (-1: the
    warm-up); ``before(r)``, when given, prepares it (not timed)."""

    label: str
    argv: Callable[[int], list[str]]
    before: Callable[[int], None] | None = None


@dataclass
class Timing:
    label: str
    times: list[float] = field(default_factory=list)  # one a round, in round order
    peaks: list[float] = field(default_factory=list)  # MiB

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def peak(self) -> float:
        return max(self.peaks)

    def line(self) -> str:
        lo, hi = min(self.times), max(self.times)
        return (
            f"  {self.label:<48} {self.median * 1000:7.0f} ms  "
            f"({lo * 1000:.0f}–{hi * 1000:.0f})  {self.peak:6.1f} MiB"
        )


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def run_group(commands: list[Command], rounds: int, env: dict[str, str]) -> list[Timing]:
    """Time the commands against each other: a warm-up round, then ``rounds`` rounds, each
    command once a round in the order :func:`rotation` gives."""
    timings = [Timing(c.label) for c in commands]
    for r in range(-1, rounds):
        for k in rotation(len(commands), max(r, 0)):
            c = commands[k]
            if c.before:
                c.before(r)
            seconds, peak = run_once(c.argv(r), env)
            if r >= 0:
                timings[k].times.append(seconds)
                timings[k].peaks.append(peak)
    for t in timings:
        log(t.line())
    return timings


# -- building the diaries ------------------------------------------------------------------
def build_diary(
    root: Path, label: str, env: dict[str, str], migrainecli: list[str], build: str
) -> Path:
    """The diary of ``label`` in ``root``: reused when its CSV files are unchanged and the
    same build of migrainecli (``build``: its command and version) made it."""
    folder = root / label.replace(" ", "-")
    folder.mkdir(parents=True, exist_ok=True)
    texts = synthetic_texts(SIZES[label])
    db, stamp = folder / "diary.db", folder / "built-by.txt"
    same = all(
        (folder / f"{k}.csv").is_file()
        and (folder / f"{k}.csv").read_bytes() == texts[k].encode("utf-8")
        for k in KINDS
    )
    if same and db.is_file() and stamp.is_file() and stamp.read_text() == build:
        log(f"reused the {label} diary in {folder}")
        return db
    for k in KINDS:
        (folder / f"{k}.csv").write_bytes(texts[k].encode("utf-8"))
    building = folder / "building.db"
    for p in (db, building):
        remove_db(p)
    t0 = time.perf_counter()
    for k in KINDS:
        run_once([*migrainecli, "--db", str(building), "import", k, str(folder / f"{k}.csv")], env)
    os.replace(building, db)  # only a complete diary is ever named diary.db
    stamp.write_text(build)
    log(f"built the {label} diary ({SIZES[label]:,} days) in {time.perf_counter() - t0:.1f} s")
    return db


def remove_db(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


# -- the figures ---------------------------------------------------------------------------
@dataclass
class Figure:
    name: str
    measured: str
    target: str
    ok: bool | None  # None: shown, not a target

    def row(self) -> list[str]:
        return [self.name, self.measured, self.target, verdict(self.ok)]


def ratio_figure(name: str, num: Timing, den: Timing, limit: float | None) -> Figure:
    r = Ratio.of(num.times, den.times)
    measured = (
        f"{r.text()}; {ms(num.median)}, {num.peak:.1f} MiB / {ms(den.median)}, {den.peak:.1f} MiB"
    )
    if limit is None:
        return Figure(name, measured, "—", None)
    return Figure(name, measured, f"≤ {limit:.2f}", r.median <= limit)


class Bench:
    def __init__(self, root: Path, rounds: int):
        self.root, self.rounds = root, rounds
        self.env = bench_env()
        self.migrainecli = tool("migrainecli")
        self.sqlite_utils = tool("sqlite-utils")
        self.diaries: dict[str, Path] = {}
        version = subprocess.run(
            [*self.migrainecli, "--version"], env=self.env, capture_output=True, text=True
        ).stdout.strip()
        self.build = f"{self.migrainecli[0]}: {version}\n"

    def diary(self, label: str) -> Path:
        if label not in self.diaries:
            self.diaries[label] = build_diary(
                self.root, label, self.env, self.migrainecli, self.build
            )
        return self.diaries[label]

    def group(self, title: str, commands: list[Command]) -> list[Timing]:
        log(f"{title}:")
        return run_group(commands, self.rounds, self.env)

    def fixed(self, label: str, argv: list[str]) -> Command:
        return Command(label, lambda _r: argv)

    def on(self, size: str, *args: str) -> list[str]:
        return [*self.migrainecli, "--db", str(self.diary(size)), *args]

    # Each figure group returns its rows of the table.
    def status(self) -> list[Figure]:
        args = ("status", "--json", "--as-of", AS_OF.isoformat())
        t = self.group(
            "status --json",
            [self.fixed(f"status --json ({s})", self.on(s, *args)) for s in MAIN_SIZES],
        )
        by = dict(zip(MAIN_SIZES, t, strict=True))
        peak = by["100 years"].peak
        return [
            ratio_figure("`status --json`, 1 year / 1 month", by["1 year"], by["1 month"],
                         None),
            ratio_figure("`status --json`, 20 years / 1 month", by["20 years"], by["1 month"],
                         1.10),
            ratio_figure("`status --json`, 100 years / 1 month", by["100 years"], by["1 month"],
                         1.30),
            Figure("peak memory, `status --json` on 100 years", f"{peak:.1f} MiB", "≤ 40 MiB",
                   peak <= 40),
        ]  # fmt: skip

    def _twenty_over_month(self, title: str, args: tuple[str, ...], limit: float) -> Figure:
        sizes = ("1 month", "20 years")
        t = self.group(title, [self.fixed(f"{title} ({s})", self.on(s, *args)) for s in sizes])
        return ratio_figure(f"`{title}`, 20 years / 1 month", t[1], t[0], limit)

    def report(self) -> list[Figure]:
        args = ("report", "--json", "--as-of", AS_OF.isoformat())
        return [self._twenty_over_month("report --json", args, 1.15)]

    def summary(self) -> list[Figure]:
        args = ("summary", "--format", "html", "--as-of", AS_OF.isoformat())
        return [self._twenty_over_month("summary --format html", args, 1.15)]

    def log(self) -> list[Figure]:
        # `log` writes one day into a fresh copy of the 20-year diary each round (copied
        # before the round's command, not timed): today, the everyday entry, and a day of
        # a month that has ended (after the diary's end, a month ago), whose month count
        # the write transaction recounts (a write in the month still running leaves that
        # to the first write of a later month: docs/architecture.md). sqlite-utils inserts
        # one row into a small database, the floor one row with sqlite3.
        work = self.root / "log-work"
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir()
        source = self.diary("20 years")
        today, past = work / "today.db", work / "past.db"
        peer, floor = work / "peer.db", work / "floor.db"
        row = work / "row.json"
        row.write_text(json.dumps({"date": AS_OF.isoformat(), "severity": "mild"}))

        def fresh(target: Path) -> Callable[[int], None]:
            def copy(_r: int) -> None:
                for extra in (Path(f"{target}-wal"), Path(f"{target}-shm")):
                    extra.unlink(missing_ok=True)
                shutil.copyfile(source, target)

            return copy

        def day(r: int) -> str:  # the floor's row
            return (AS_OF + timedelta(days=r + 2)).isoformat()

        last_month = (date.today().replace(day=1) - timedelta(days=1)).isoformat()
        mig, su = self.migrainecli, self.sqlite_utils
        lg, lp, ins, fl = self.group(
            "log one day",
            [
                Command("log today (20 years)",
                        lambda r: [*mig, "--db", str(today), "log", "today", "-s", "mild"],
                        fresh(today)),
                Command("log a day of last month (20 years)",
                        lambda r: [*mig, "--db", str(past), "log", last_month, "-s", "mild"],
                        fresh(past)),
                self.fixed("sqlite-utils insert (one row)",
                           [*su, "insert", str(peer), "days", str(row)]),
                Command("floor: python -c, sqlite3, one row",
                        lambda r: [sys.executable, "-c", FLOOR_SCRIPT, str(floor), day(r)]),
            ],
        )  # fmt: skip
        shutil.rmtree(work, ignore_errors=True)
        return [
            ratio_figure("`log` today / `sqlite-utils insert` one row", lg, ins, 0.45),
            ratio_figure(
                "`log` a day of last month (its month recounted) / `sqlite-utils insert`",
                lp,
                ins,
                None,
            ),  # fmt: skip
            ratio_figure("`log` today / floor (`python -c`: sqlite3, one row)", lg, fl, None),
        ]

    def version(self) -> list[Figure]:
        v, t = self.group(
            "--version",
            [
                self.fixed("migrainecli --version", [*self.migrainecli, "--version"]),
                self.fixed('python -c "import typer"', [sys.executable, "-c", "import typer"]),
            ],
        )
        return [ratio_figure('`--version` / `python -c "import typer"`', v, t, 1.10)]

    def days(self) -> list[Figure]:
        (t,) = self.group(
            "days --all",
            [self.fixed("days --all --no-pager (20 years)",
                        self.on("20 years", "days", "--all", "--no-pager"))],
        )  # fmt: skip
        lo, hi = quartiles(t.times)
        return [
            Figure("`days --all` on 20 years (7,300 rows, `--no-pager`, to /dev/null)",
                   f"{t.median:.2f} s ({lo:.2f}–{hi:.2f}); {t.peak:.1f} MiB", "< 1 s",
                   t.median < 1.0),
        ]  # fmt: skip

    def import_(self) -> list[Figure]:
        days_csv = self.diary("20 years").parent / "days.csv"
        work = self.root / "import-work"
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir()
        mine, theirs = work / "mine.db", work / "peer.db"
        mig, su = self.migrainecli, self.sqlite_utils
        m, p = self.group(
            "import days",
            [
                Command("import days, 7,300 rows, fresh diary",
                        lambda _r: [*mig, "--db", str(mine), "import", "days", str(days_csv)],
                        lambda _r: remove_db(mine)),
                Command("sqlite-utils insert --csv, 7,300 rows",
                        lambda _r: [*su, "insert", str(theirs), "days", str(days_csv), "--csv"],
                        lambda _r: remove_db(theirs)),
            ],
        )  # fmt: skip
        shutil.rmtree(work, ignore_errors=True)
        return [
            ratio_figure("`import days` (7,300 rows, fresh diary) / `sqlite-utils insert --csv`",
                         m, p, 0.8),
        ]  # fmt: skip

    def scaling(self) -> str:
        args = ("status", "--json", "--as-of", AS_OF.isoformat())
        t = self.group(
            "status --json against diary length",
            [self.fixed(f"status --json ({s})", self.on(s, *args)) for s in SCALING_SIZES],
        )
        base = t[0]
        rows = []
        for size, timing in zip(SCALING_SIZES, t, strict=True):
            rel = "1" if timing is base else Ratio.of(timing.times, base.times).text()
            rows.append([size, f"{SIZES[size]:,}", ms(timing.median), rel,
                         f"{timing.peak:.1f} MiB"])  # fmt: skip
        return markdown_table(
            ["diary", "days logged", "`status --json`", "× 1 month", "peak memory"], rows
        )


FIGURES: dict[str, Callable[[Bench], list[Figure]]] = {
    "status": Bench.status,
    "report": Bench.report,
    "summary": Bench.summary,
    "log": Bench.log,
    "version": Bench.version,
    "days": Bench.days,
    "import": Bench.import_,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--rounds",
        type=int,
        default=DEFAULT_ROUNDS,
        help=f"timed rounds after the warm-up (default {DEFAULT_ROUNDS}; a run to quote "
        f"has at least {MIN_ROUNDS})",
    )
    parser.add_argument("--keep", type=Path, help="build the diaries here, keep and reuse them")
    parser.add_argument(
        "--only", help=f"run only these figures, comma-separated: {', '.join(FIGURES)}"
    )
    parser.add_argument(
        "--scaling", action="store_true", help="time status --json against diary length instead"
    )
    args = parser.parse_args(argv)
    if not 1 <= args.rounds <= 200:
        parser.error("--rounds must be between 1 and 200")
    names = list(FIGURES)
    if args.only:
        names = [n.strip() for n in args.only.split(",") if n.strip()]
        unknown = [n for n in names if n not in FIGURES]
        if unknown or not names:
            parser.error(f"--only takes {', '.join(FIGURES)} (not {', '.join(unknown)})")
    root = args.keep or Path(tempfile.mkdtemp(prefix="migrainecli-bench-"))
    root.mkdir(parents=True, exist_ok=True)
    try:
        bench = Bench(root, args.rounds)
        log(f"migrainecli benchmarks: {args.rounds} rounds; as-of {AS_OF}; files in {root}")
        heading = machine_line(args.rounds)
        if args.rounds < MIN_ROUNDS:
            heading += f" — fewer than {MIN_ROUNDS} rounds: not a run to quote"
        if args.scaling:
            table = bench.scaling()
            print(f"{heading}\n\n{table}")
            return 0
        figures = []
        for name in names:
            figures += FIGURES[name](bench)
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    print(f"{heading}\n")
    print(markdown_table(["figure", "measured", "target", "ok"], [f.row() for f in figures]))
    missed = [f.name for f in figures if f.ok is False]
    log(f"\n{len(missed)} target(s) missed" if missed else "\nall targets hold")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
