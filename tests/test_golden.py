"""Exact output a user reads, pinned: ``status``, ``report`` and ``summary --format
text|csv|html`` on the demo diary at a fixed ``--as-of``, at 80 columns with
``NO_COLOR`` (house-style "Docs that cannot drift"), and ``status`` at 60 columns,
where the verdict tables are stacked instead of truncated (issue 12).

The files are in ``tests/golden/``. After a deliberate change of output, read the
diff this test prints, then refresh them with ``pytest tests/test_golden.py
--update-golden`` and commit them with the change.
"""

from __future__ import annotations

import re

import pytest

from migrainecli import __version__
from tests.golden_files import check_golden
from tests.verdict_diaries import demo

CASES = {
    "demo.status.txt": ("status",),
    "demo.report.txt": ("report",),
    "demo.summary.txt": ("summary", "--format", "text"),
    "demo.summary.csv": ("summary", "--format", "csv"),
    "demo.summary.html": ("summary", "--format", "html"),
    "demo.summary-payer.txt": ("summary", "--section", "payer"),
}


def normalise_html(page: str) -> str:
    """Whitespace collapsed, one tag per line, the version replaced: what a reader
    sees, independent of indentation and of the release number."""
    page = page.replace(f"migrainecli {__version__}", "migrainecli VERSION")
    page = re.sub(r"\s+", " ", page)
    page = re.sub(r">\s*<", ">\n<", page)
    return page.strip() + "\n"


@pytest.mark.parametrize("name", sorted(CASES))
def test_demo_output(name, db_path, run, request):
    as_of = demo(db_path).isoformat()
    result = run(*CASES[name], "--as-of", as_of, env={"COLUMNS": "80", "NO_COLOR": "1"})
    assert result.exit_code == 0, result.stderr
    text = result.stdout
    if name.endswith(".html"):
        text = normalise_html(text)
    check_golden(request, name, text)


def test_status_at_60_columns_is_stacked(db_path, run, request):
    as_of = demo(db_path).isoformat()
    result = run("status", "--as-of", as_of, env={"COLUMNS": "60", "NO_COLOR": "1"})
    assert result.exit_code == 0, result.stderr
    assert max(len(line.rstrip()) for line in result.stdout.splitlines()) <= 60
    assert "month is" not in result.stdout  # no table: one block per month
    check_golden(request, "demo.status.60.txt", result.stdout)
