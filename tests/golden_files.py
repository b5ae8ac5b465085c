"""Exact expected output files in ``tests/golden/``.

``check_golden`` compares an output with its file; ``pytest --update-golden`` rewrites
the files instead (on purpose, after reading the diff), see ``conftest.py``.
"""

from __future__ import annotations

import difflib
from pathlib import Path

GOLDEN = Path(__file__).parent / "golden"


def check_golden(request, name: str, actual: str) -> None:
    path = GOLDEN / name
    if request.config.getoption("--update-golden"):
        path.write_text(actual, encoding="utf-8")
        return
    assert path.exists(), f"no golden file {name}: run pytest --update-golden"
    expected = path.read_text(encoding="utf-8")
    if actual != expected:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(keepends=True),
                actual.splitlines(keepends=True),
                f"golden/{name}",
                "actual",
            )
        )
        raise AssertionError(f"{name} differs (pytest --update-golden to accept):\n{diff}")
