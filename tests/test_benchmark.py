"""benchmarks/run.py's pure helpers, so that the benchmark cannot rot unnoticed.

Nothing here times anything (speed is the benchmark's business, never a test's): the
rotation of the order, the median of per-round ratios, the table and the synthetic
diaries are checked on fixed numbers.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import sys
from datetime import date
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _load(name: str):
    spec = importlib.util.spec_from_file_location(
        f"bench_{name}", ROOT / "benchmarks" / f"{name}.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


run = _load("run")


def test_rotation_puts_every_command_once_in_every_place():
    assert run.rotation(3, 0) == [0, 1, 2]
    assert run.rotation(3, 1) == [1, 2, 0]
    assert run.rotation(3, 2) == [2, 0, 1]
    assert run.rotation(3, 3) == [0, 1, 2]
    assert run.rotation(2, 7) == [1, 0]
    assert run.rotation(1, 5) == [0]
    for n in (2, 3, 4, 6):
        places = [run.rotation(n, r) for r in range(n)]
        for k in range(n):
            assert sorted(order.index(k) for order in places) == list(range(n))


def test_a_ratio_is_the_median_of_the_per_round_ratios_not_a_ratio_of_medians():
    # Round 3 ran on a slow machine: both commands slow. A ratio of medians would
    # compare unrelated rounds; the per-round ratios are 1.1, 1.2, 1.1, 1.0, 1.2.
    num = [1.1, 2.4, 3.3, 1.0, 1.2]
    den = [1.0, 2.0, 3.0, 1.0, 1.0]
    assert run.per_round_ratios(num, den) == pytest.approx([1.1, 1.2, 1.1, 1.0, 1.2])
    r = run.Ratio.of(num, den)
    assert r.median == pytest.approx(1.1)
    assert (r.least, r.most) == pytest.approx((1.0, 1.2))
    assert r.least <= r.low <= r.median <= r.high <= r.most
    assert (r.low, r.high) == pytest.approx((1.1, 1.2))
    assert r.text() == "1.100 (1.10–1.20)"
    with pytest.raises(ValueError):
        run.per_round_ratios([1.0, 2.0], [1.0])


def test_quartiles_of_one_value_and_of_many():
    assert run.quartiles([0.5]) == (0.5, 0.5)
    assert run.quartiles([1, 2, 3, 4, 5]) == pytest.approx((2, 4))


def test_the_table_is_markdown_with_a_verdict_a_row():
    rows = [
        run.Figure("`status --json`", "1.05 (1.01–1.09)", "≤ 1.10", True).row(),
        run.Figure("a|b", "2", "≤ 1", False).row(),
        run.Figure("floor", "5.1", "—", None).row(),
    ]
    table = run.markdown_table(["figure", "measured", "target", "ok"], rows)
    assert table.splitlines() == [
        "| figure | measured | target | ok |",
        "| --- | --- | --- | --- |",
        "| `status --json` | 1.05 (1.01–1.09) | ≤ 1.10 | PASS |",
        "| a\\|b | 2 | ≤ 1 | FAIL |",
        "| floor | 5.1 | — | — |",
    ]


def test_a_ratio_figure_passes_at_its_limit_and_fails_above_it():
    month = run.Timing("1 month", [0.100, 0.200, 0.100], [20.0, 21.0, 20.5])
    years = run.Timing("20 years", [0.110, 0.230, 0.105], [25.0, 24.0, 24.5])
    fig = run.ratio_figure("status", years, month, 1.10)
    assert fig.ok is True and fig.target == "≤ 1.10"
    assert fig.measured.startswith("1.100 (")
    assert "110 ms, 25.0 MiB / 100 ms, 21.0 MiB" in fig.measured
    assert run.ratio_figure("status", years, month, 1.09).ok is False
    assert run.ratio_figure("floor", years, month, None).row()[2:] == ["—", "—"]


def test_the_heading_names_the_date_the_machine_and_the_rounds():
    line = run.machine_line(15, date(2026, 12, 2))
    assert line.startswith("2026-12-02 · ")
    assert "cores · Python " in line and "15 rounds" in line


def test_the_synthetic_diary_is_the_same_every_time_and_logs_every_day():
    a, b = run.synthetic_texts(400), run.synthetic_texts(400)
    assert a == b  # --keep reuses a diary whose CSVs are identical
    days = list(csv.reader(io.StringIO(a["days"])))
    assert days[0] == run.DAY_HEADER and len(days) == 401
    assert days[-1][0] == run.AS_OF.isoformat()
    assert run.synthetic_texts(400, seed=8) != a


def test_compare_uses_the_same_helpers():
    compare = _load("compare")
    assert compare.rotation(2, 1) == [1, 0]
    assert compare.Ratio.of([2.0, 3.0, 4.0], [1.0, 2.0, 2.0]).median == 2.0


def test_the_spawner_reports_each_child_s_own_peak_memory_and_its_failure():
    # A child's max RSS is its own, not that of the benchmark process that asked for it
    # (which holds 64 MiB here); a failing command stops the benchmark with its stderr.
    ballast = bytearray(64 << 20)
    for i in range(0, len(ballast), 4096):
        ballast[i] = 1
    env = run.bench_env()
    _, small = run.run_once([sys.executable, "-S", "-c", "pass"], env)
    big_code = "b = bytearray(96 << 20)\nfor i in range(0, len(b), 4096): b[i] = 1"
    _, big = run.run_once([sys.executable, "-S", "-c", big_code], env)
    assert small < 40 and big >= 96
    code = "import sys; sys.stderr.write('went ' + 'wrong'); sys.exit(3)"
    with pytest.raises(SystemExit, match="(?s)failed \\(3\\).*\nwent wrong"):
        run.run_once([sys.executable, "-S", "-c", code], env)
    with pytest.raises(SystemExit, match="(?s)failed \\(127\\).*cannot run /nonexistent"):
        run.run_once(["/nonexistent/migrainecli", "--version"], env)
    del ballast
