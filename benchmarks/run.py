#!/usr/bin/env python3
"""migrainecli benchmarks: whole processes, as a user runs them.

    python benchmarks/run.py [--runs 5] [--keep DIR]

Builds synthetic diaries of 1 month, 1 year and 20 years through ``migrainecli
import`` (about every other day a headache, an intake on most headache days, 40
trials over the 20 years), then times each command as a separate process: one
warm-up run, then ``--runs`` timed runs, printing the median, the spread
(min-max) and the peak memory (max RSS of the child). In the same run it times
the peer a user could reach for instead, the ``sqlite-utils`` command-line
tool, and prints the ratios the performance targets are stated in, and the one
absolute target: ``days --all`` on 20 years in under a second.

Standard library only, plus the installed project (``migrainecli`` and the
``sqlite-utils`` command it depends on, found next to this Python).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

# The diaries end a month ago, so that `log` has unlogged days to write.
AS_OF = date.today() - timedelta(days=30)
SIZES = {"1 month": 31, "1 year": 365, "20 years": 20 * 365}
TRIAL_THERAPIES = [
    ("propranolol", "preventive"), ("topiramate", "preventive"), ("amitriptyline", "preventive"),
    ("flunarizine", "preventive"), ("candesartan", "preventive"), ("Botox", "preventive"),
    ("erenumab", "preventive"), ("atogepant", "preventive"), ("magnesium", "preventive"),
    ("sumatriptan", "acute"), ("rizatriptan", "acute"), ("CBT", "behavioural"),
    ("Cefaly", "neuromodulation"), ("greater occipital nerve block", "procedure"),
]  # fmt: skip
OUTCOMES = ["ineffective", "partial", "not_tolerated", "effective", "stopped_other"]


def tool(name: str) -> list[str]:
    """The installed command next to this Python (or on PATH)."""
    local = Path(sys.executable).parent / name
    if local.exists():
        return [str(local)]
    found = shutil.which(name)
    if not found:
        sys.exit(f"{name} is not installed; run: pip install .")
    return [found]


MIGRAINECLI = tool("migrainecli")
SQLITE_UTILS = tool("sqlite-utils")


def write_csv(path: Path, header: list[str], rows: list[list[object]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\r\n")
        w.writerow(header)
        w.writerows(rows)


def synthetic(folder: Path, n_days: int, seed: int = 7) -> dict[str, Path]:
    """CSV files for a diary of ``n_days`` ending at AS_OF."""
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
    files = {
        "days": folder / "days.csv",
        "intakes": folder / "intakes.csv",
        "trials": folder / "trials.csv",
    }
    write_csv(files["days"], ["date", "severity", "unilateral", "pulsating", "nausea",
                              "photophobia", "phonophobia", "impairment"], days)  # fmt: skip
    write_csv(files["intakes"], ["date", "medication", "dose", "relieved"], intakes)
    write_csv(files["trials"], ["therapy", "kind", "start", "end", "dose", "outcome"], trials)
    return files


def run_once(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(seconds, peak RSS in MiB) of one child process; fails loudly on a non-zero exit."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode() if proc.stderr else ""
    if proc.returncode != 0:
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{err}")
    return elapsed, usage.ru_maxrss / 1024  # ru_maxrss is KiB on Linux


class Result:
    def __init__(self, name: str, times: list[float], peak: float):
        self.name, self.times, self.peak = name, times, peak

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    def line(self) -> str:
        lo, hi = min(self.times), max(self.times)
        return (
            f"{self.name:<44} {self.median * 1000:8.0f} ms  "
            f"({lo * 1000:.0f}-{hi * 1000:.0f})  {self.peak:6.1f} MiB"
        )


def bench(cases: list[tuple], env: dict[str, str], runs: int) -> list[Result]:
    """Time several commands against each other, interleaved.

    ``cases`` holds ``(name, make_cmd, before)``: ``make_cmd(i)`` gives the i-th command,
    ``before(i)`` (or None) prepares it. Each case gets one warm-up run, then the cases
    take turns, ``runs`` rounds: a ratio between two cases is then not skewed by the
    machine getting faster or slower between them (a shared virtual machine drifts).
    """
    for _name, make_cmd, before in cases:
        if before:
            before(-1)
        run_once(make_cmd(-1), env)
    times: list[list[float]] = [[] for _ in cases]
    peaks = [0.0 for _ in cases]
    for i in range(runs):
        for k, (_name, make_cmd, before) in enumerate(cases):
            if before:
                before(i)
            seconds, mem = run_once(make_cmd(i), env)
            times[k].append(seconds)
            peaks[k] = max(peaks[k], mem)
    results = [Result(c[0], t, p) for c, t, p in zip(cases, times, peaks, strict=True)]
    for r in results:
        print(r.line(), flush=True)
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="timed runs per command (default 7)")
    parser.add_argument("--keep", type=Path, help="build the diaries here and keep them")
    args = parser.parse_args()
    if not 1 <= args.runs <= 25:
        parser.error("--runs must be between 1 and 25")
    root = args.keep or Path(tempfile.mkdtemp(prefix="migrainecli-bench-"))
    root.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "100"}
    env.pop("MIGRAINECLI_DB", None)
    print(f"migrainecli benchmarks — {args.runs} runs after a warm-up; as-of {AS_OF}")
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, files in {root}\n")

    diaries: dict[str, Path] = {}
    csvs: dict[str, dict[str, Path]] = {}
    for label, n in SIZES.items():
        folder = root / label.replace(" ", "-")
        folder.mkdir(exist_ok=True)
        files = synthetic(folder, n)
        db = folder / "diary.db"
        if db.exists():
            db.unlink()
        for kind in ("days", "intakes", "trials"):
            run_once([*MIGRAINECLI, "--db", str(db), "import", kind, str(files[kind])], env)
        diaries[label], csvs[label] = db, files
        rows = sum(1 for _ in files["days"].open()) - 1
        print(f"built the {label} diary: {rows} logged days")
    print()

    results: dict[str, Result] = {}
    as_of = ["--as-of", AS_OF.isoformat()]
    for key, extra in (
        ("status --json", ["status", "--json", *as_of]),
        ("report --json", ["report", "--json", *as_of]),
        ("summary --format html", ["summary", "--format", "html", *as_of]),
        ("export days", ["export", "days"]),
        ("days --all", ["days", "--all", "--no-pager"]),
    ):
        cases = [
            (f"{key} ({label})", lambda i, c=[*MIGRAINECLI, "--db", str(db), *extra]: c, None)
            for label, db in diaries.items()
        ]
        for r in bench(cases, env, args.runs):
            results[r.name] = r

    # log one day on the 20-year diary (a different unlogged day after its end each run)
    # against a one-row insert with the sqlite-utils command-line tool
    big = diaries["20 years"]
    peer_db = root / "peer.db"
    row = root / "row.json"
    row.write_text(json.dumps({"date": "2026-01-01", "severity": "mild"}))
    log_cmd = [*MIGRAINECLI, "--db", str(big), "log"]
    results["log"], results["peer insert"] = bench(
        [
            ("log one day (20 years)",
             lambda i: [*log_cmd, (AS_OF + timedelta(days=i + 2)).isoformat(), "-s", "mild"],
             None),
            ("peer: sqlite-utils insert (one row)",
             lambda i: [*SQLITE_UTILS, "insert", str(peer_db), "days", str(row)], None),
        ],
        env,
        args.runs,
    )  # fmt: skip

    # import days of the 20-year file into a fresh diary, against sqlite-utils --csv
    days_csv = csvs["20 years"]["days"]

    def fresh(target: Path):
        def remove(_i: int) -> None:
            for p in root.glob(f"{target.name}*"):
                p.unlink()

        return remove

    mine, theirs = root / "import-mine.db", root / "import-peer.db"
    results["import"], results["peer import"] = bench(
        [
            ("import days (20 years)",
             lambda i: [*MIGRAINECLI, "--db", str(mine), "import", "days", str(days_csv)],
             fresh(mine)),
            ("peer: sqlite-utils insert --csv (20 years)",
             lambda i: [*SQLITE_UTILS, "insert", str(theirs), "days", str(days_csv), "--csv"],
             fresh(theirs)),
        ],
        env,
        args.runs,
    )  # fmt: skip

    def ratio(a: str, b: str) -> float:
        return results[a].median / results[b].median

    checks = [
        ("log one day / sqlite-utils insert", ratio("log", "peer insert"), 1.0, 0.6),
        ("status --json: 20 years / 1 month",
         ratio("status --json (20 years)", "status --json (1 month)"), 1.25, None),
        ("report --json: 20 years / 1 month",
         ratio("report --json (20 years)", "report --json (1 month)"), 1.5, None),
        ("summary html: 20 years / 1 month",
         ratio("summary --format html (20 years)", "summary --format html (1 month)"), 1.5, None),
        ("import days / sqlite-utils insert --csv", ratio("import", "peer import"), 1.5, None),
    ]  # fmt: skip
    print("\ntargets (ratios of medians)")
    failed = 0
    for name, value, target, stretch in checks:
        ok = value <= target
        failed += not ok
        extra = f"  stretch {stretch:.2f}: {'yes' if value <= stretch else 'no'}" if stretch else ""
        print(f"  {name:<42} {value:5.2f}  target ≤ {target:.2f}  {'PASS' if ok else 'FAIL'}"
              f"{extra}")  # fmt: skip
    peak = results["status --json (20 years)"].peak
    ok = peak < 80
    failed += not ok
    print(f"  {'status --json (20 years) peak memory':<42} {peak:5.1f}  target < 80 MiB  "
          f"{'PASS' if ok else 'FAIL'}")  # fmt: skip
    # an absolute target: listing every day of 20 years (7,300 rows) in under a second
    seconds = results["days --all (20 years)"].median
    ok = seconds < 1.0
    failed += not ok
    print(f"  {'days --all (20 years), seconds':<42} {seconds:5.2f}  target < 1.00 s    "
          f"{'PASS' if ok else 'FAIL'}")  # fmt: skip
    if not args.keep:
        shutil.rmtree(root, ignore_errors=True)
    print(f"\n{'all targets hold' if not failed else f'{failed} target(s) missed'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
