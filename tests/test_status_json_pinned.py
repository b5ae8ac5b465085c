"""``status --json`` (docs/interface.md) pinned byte for byte on the demo diary and edge
diaries, recorded before the verdict view was introduced: the view must not change it.

Refresh on purpose only: ``pytest --update-golden`` (see conftest.py).
"""

from __future__ import annotations

import json

import pytest

from tests.golden_files import check_golden
from tests.verdict_diaries import DIARIES


@pytest.mark.parametrize("name", sorted(DIARIES))
def test_status_json_unchanged(name, db_path, run, request):
    as_of = DIARIES[name](db_path)
    result = run("status", "--json", "--as-of", as_of.isoformat())
    assert result.exit_code == 0, result.stderr
    json.loads(result.stdout)
    check_golden(request, f"{name}.status.json", result.stdout)
