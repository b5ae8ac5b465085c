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
import shutil
import statistics
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import Ratio, bench_env, rotation, run_once  # noqa: E402 - benchmarks/run.py


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("old")
    parser.add_argument("new")
    parser.add_argument("--rounds", type=int, default=31)
    parser.add_argument("--diary", help="a diary file each build starts from (a copy each)")
    parser.add_argument("args", nargs="+")
    a = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="migrainecli-compare-"))
    env = bench_env()
    first = date.today() - timedelta(days=3 * a.rounds + 10)
    builds = {"old": a.old, "new": a.new}
    if a.diary:
        for which in builds:
            shutil.copyfile(a.diary, folder / f"{which}.db")
    times: dict[str, list[float]] = {"old": [], "new": []}
    for i in range(-1, a.rounds):  # round -1 is a warm-up
        order = [("old", "new")[k] for k in rotation(2, max(i, 0))]
        this: dict[str, float] = {}
        for which in order:
            when = (first + timedelta(days=i + 1)).isoformat()
            args = [s.replace("{date}", when) for s in a.args]
            env["MIGRAINECLI_DB"] = str(folder / f"{which}.db")
            this[which] = run_once([builds[which], *args], env)[0]
        if i >= 0:
            for which in builds:
                times[which].append(this[which])
    shutil.rmtree(folder, ignore_errors=True)
    for which in builds:
        print(f"{which}: median {statistics.median(times[which]) * 1000:.1f} ms")
    r = Ratio.of(times["new"], times["old"])
    print(
        f"new / old, median of {a.rounds} per-round ratios: {r.median:.3f} "
        f"(quartiles {r.low:.3f}-{r.high:.3f})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
