#!/usr/bin/env python3
"""Compare the start-up of two migrainecli builds, hyperfine-style.

    python benchmarks/compare.py OLD_MIGRAINECLI NEW_MIGRAINECLI [--rounds 31] -- ARGS...

Each round runs both builds once with ARGS (the order alternates from round to round, so
that neither build always runs on a warmer machine) and takes the ratio new / old; the
result is the median of those per-round ratios, which a shared machine drifting between
rounds does not skew. ``{date}`` in ARGS becomes a different unlogged date each run, so
that ``log {date} -s mild`` always writes. Each build gets its own diary: an empty one, or
a copy of ``--diary FILE``.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path


def run(cmd: list[str], env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - t0
    if proc.returncode != 0:
        sys.exit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stderr.decode()}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("old")
    parser.add_argument("new")
    parser.add_argument("--rounds", type=int, default=31)
    parser.add_argument("--diary", help="a diary file each build starts from (a copy each)")
    parser.add_argument("args", nargs="+")
    a = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="migrainecli-compare-"))
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "100"}
    first = date.today() - timedelta(days=3 * a.rounds + 10)
    builds = {"old": a.old, "new": a.new}
    if a.diary:
        for which in builds:
            shutil.copyfile(a.diary, folder / f"{which}.db")
    times: dict[str, list[float]] = {"old": [], "new": []}
    ratios = []
    for i in range(-1, a.rounds):  # round -1 is a warm-up
        order = ["old", "new"] if i % 2 == 0 else ["new", "old"]
        this: dict[str, float] = {}
        for which in order:
            when = (first + timedelta(days=i + 1)).isoformat()
            args = [s.replace("{date}", when) for s in a.args]
            env["MIGRAINECLI_DB"] = str(folder / f"{which}.db")
            this[which] = run([builds[which], *args], env)
        if i >= 0:
            for which in builds:
                times[which].append(this[which])
            ratios.append(this["new"] / this["old"])
    shutil.rmtree(folder, ignore_errors=True)
    for which in builds:
        print(f"{which}: median {statistics.median(times[which]) * 1000:.1f} ms")
    q = statistics.quantiles(ratios, n=4)
    print(
        f"new / old, median of {a.rounds} per-round ratios: {statistics.median(ratios):.3f} "
        f"(quartiles {q[0]:.3f}-{q[2]:.3f})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
