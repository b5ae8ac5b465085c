"""Every test gets its own diary in tmp_path: no test can touch a real diary."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from migrainecli.cli import app


@pytest.fixture(autouse=True)
def isolated_diary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    db = tmp_path / "diary.db"
    monkeypatch.setenv("MIGRAINECLI_DB", str(db))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    return db


@pytest.fixture
def db_path(isolated_diary: Path) -> Path:
    return isolated_diary


class Run:
    """Invoke the app in-process; stdout and stderr kept apart."""

    def __init__(self) -> None:
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None, env: dict | None = None):
        return self.runner.invoke(app, list(args), input=input, env=env, catch_exceptions=False)


@pytest.fixture
def run() -> Run:
    return Run()


def file_bytes(path: Path) -> bytes | None:
    """The diary's bytes (None when absent), for 'left exactly as it was' checks."""
    return path.read_bytes() if path.exists() else None


def snapshot(path: Path) -> dict:
    """Everything in a diary, table by table, for 'unchanged' checks across WAL states."""
    import sqlite3

    if not path.exists():
        return {}
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]
        return {
            t: conn.execute(f'SELECT * FROM "{t}" ORDER BY 1, 2').fetchall()
            for t in tables
            if t != "_sqlite_migrations"
        }
    finally:
        conn.close()

