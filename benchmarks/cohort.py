#!/usr/bin/env python3
"""Benchmark of ``migrainecli cohort``: many diaries, read in parallel, to Parquet.

    python benchmarks/cohort.py [--one-year 1000] [--twenty-years 100] [--jobs 2]
                                [--keep DIR]

Builds ``--one-year`` diaries of 365 days and ``--twenty-years`` diaries of 7,300 days
(about 45 % headache days, an intake on most of them, 2 trials a year up to 40), each
its own diary file with its own creation stamp (so its own pseudonym), then runs the
installed ``migrainecli cohort DIR --key-file K --output OUT --jobs N`` once per set as
a separate process and prints the wall time, the time per diary and the peak memory:
the largest resident set of any one process (``ru_maxrss`` of the children) and the
largest sum over the whole process tree, sampled every 50 ms. Target (issue 18): 1,000
one-year diaries in at most 60 s on 2 cores, memory bounded (it must not grow with the
number of diaries). Standard library only, plus the installed project with its cohort
extra (``pip install '.[cohort]'``). The diaries are made here with plain SQL in copies of
an empty diary, not with ``benchmarks/run.py``'s generator (which goes through
``migrainecli import``, a few processes per diary: minutes for 1,100 diaries).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path

AS_OF = date.today() - timedelta(days=1)
TRIALS = [
    ("propranolol", "beta_blocker"), ("topiramate", "anticonvulsant"),
    ("amitriptyline", "antidepressant"), ("flunarizine", "calcium_channel_blocker"),
    ("candesartan", "angiotensin_blocker"), ("erenumab", "cgrp_mab"),
    ("atogepant", "gepant_preventive"), ("magnesium", "nutraceutical"),
]  # fmt: skip
OUTCOMES = ["ineffective", "partial", "not_tolerated", "effective", "stopped_other"]
MEDS = [("sumatriptan", "triptan"), ("ibuprofen", "simple_analgesic"),
        ("paracetamol", "simple_analgesic")]  # fmt: skip


def template(folder: Path) -> Path:
    """An empty diary made by migrainecli itself (its schema, WAL mode, mode 0600)."""
    from migrainecli.storage import Diary

    path = folder / "template.db"
    Diary.open(path, write=True).close()
    return path


def make_diary(path: Path, empty: Path, n_days: int, seed: int) -> None:
    """A diary of ``n_days`` ending at AS_OF, written with plain SQL into a copy of the
    empty diary; its creation stamp is made unique (it keys the pseudonym)."""
    rng = random.Random(seed)
    shutil.copyfile(empty, path)
    os.chmod(path, 0o600)
    start = AS_OF - timedelta(days=n_days - 1)
    days, intakes = [], []
    for k in range(n_days):
        d = (start + timedelta(days=k)).isoformat()
        if rng.random() < 0.45:
            migraine = rng.random() < 0.6
            sev = rng.choice(["moderate", "severe"]) if migraine else "mild"
            days.append((d, sev, int(migraine), int(migraine), int(migraine), int(migraine)))
            if rng.random() < 0.7:
                med, cls = MEDS[0] if migraine else rng.choice(MEDS[1:])
                intakes.append((d, med, cls))
    trials = []
    n_trials = min(40, max(1, n_days // 180))
    for k in range(n_trials):
        therapy, cls = TRIALS[(k + seed) % len(TRIALS)]
        t_start = start + timedelta(days=int(k * n_days / n_trials))
        t_end = t_start + timedelta(days=rng.randint(20, 200))
        if t_end >= AS_OF:
            trials.append((therapy, cls, t_start.isoformat(), None, "ongoing"))
        else:
            trials.append((therapy, cls, t_start.isoformat(), t_end.isoformat(),
                           rng.choice(OUTCOMES)))  # fmt: skip
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN")
    conn.execute(
        "UPDATE _sqlite_migrations SET applied_at = ? WHERE name = 'm001_diary'",
        [f"2020-01-01 00:00:00.{seed:06d}+00:00 bench {seed}"],
    )
    conn.execute("INSERT INTO settings (key, value) VALUES ('start', ?)", [start.isoformat()])
    conn.executemany(
        "INSERT INTO days (date, severity, unilateral, pulsating, nausea, photophobia) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        days,
    )
    conn.executemany("INSERT INTO intakes (date, medication, class_id) VALUES (?, ?, ?)", intakes)
    conn.executemany(
        "INSERT INTO trials (therapy, class_id, kind, start_date, end_date, outcome) "
        "VALUES (?, ?, 'preventive', ?, ?, ?)",
        trials,
    )
    conn.execute("COMMIT")
    conn.close()


def tree_rss_kib(pid: int) -> int:
    """Resident memory of ``pid`` and all its descendants (Linux /proc), in KiB."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry)] = int(fields[1])
        rss[int(entry)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE") // 1024
    family, grew = {pid}, True
    while grew:
        grew = False
        for child, parent in parents.items():
            if parent in family and child not in family:
                family.add(child)
                grew = True
    return sum(rss.get(p, 0) for p in family)


def time_cohort(folder: Path, key: Path, out: Path, jobs: int) -> tuple[float, int, int]:
    """(wall seconds, peak RSS of one process in KiB, peak RSS of the tree in KiB)."""
    exe = Path(sys.executable).parent / "migrainecli"
    cmd = [str(exe if exe.exists() else "migrainecli"), "cohort", str(folder),
           "--key-file", str(key), "--output", str(out), "--jobs", str(jobs),
           "--as-of", AS_OF.isoformat()]  # fmt: skip
    peak = 0
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, tree_rss_kib(proc.pid))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample)
    sampler.start()
    stderr = proc.stderr.read() if proc.stderr else ""
    # wait4: this run's own usage, its worker processes included (ru_maxrss: the largest)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    done.set()
    sampler.join()
    if proc.returncode != 0:
        sys.exit(f"cohort failed ({proc.returncode}): {stderr}")
    return elapsed, usage.ru_maxrss, peak


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--one-year", type=int, default=1000)
    parser.add_argument("--twenty-years", type=int, default=100)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--keep", type=Path, help="build the diaries in this folder")
    args = parser.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="migrainecli-cohort-bench-"))
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(root, 0o700)
    key = root / "clinic.key"
    key.write_bytes(os.urandom(32))
    os.chmod(key, 0o600)
    empty = template(root)
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}, "
          f"{os.cpu_count()} CPUs, --jobs {args.jobs}")  # fmt: skip
    try:
        for label, count, n_days in (("1 year", args.one_year, 365),
                                     ("20 years", args.twenty_years, 20 * 365)):  # fmt: skip
            if count == 0:
                continue
            folder = root / label.replace(" ", "-")
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(mode=0o700)
            t0 = time.perf_counter()
            for i in range(count):
                make_diary(folder / f"d{i:05d}.db", empty, n_days, seed=i + n_days)
            built = time.perf_counter() - t0
            out = root / f"{folder.name}.parquet"
            shutil.rmtree(out, ignore_errors=True)
            wall, one, tree = time_cohort(folder, key, out, args.jobs)
            print(
                f"{count} diaries of {label}: built in {built:.1f} s; cohort {wall:.1f} s "
                f"({1000 * wall / count:.1f} ms per diary), peak memory {one / 1024:.0f} MiB "
                f"per process, {tree / 1024:.0f} MiB for all processes"
            )
    finally:
        print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
