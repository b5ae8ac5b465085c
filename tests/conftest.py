"""Every test gets its own diary in tmp_path: no test can touch a real diary."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from migrainecli.cli import app


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="Rewrite the expected files in tests/golden/ from the current output.",
    )


def _temporary_files_in_memory() -> None:
    """Put the tests' ``tmp_path`` folders in memory (``/dev/shm``) where there is room.

    The diaries stay real SQLite files in each test's own folder, with their locks, WAL
    and journal files; only the disk's journaling and ``fsync`` (which no test can
    observe: a killed process leaves its writes in the page cache either way) are
    skipped, which saves about a third of the in-process tests' time. A ``TMPDIR`` (or
    ``PYTEST_DEBUG_TEMPROOT``, or ``--basetemp``) given by whoever runs the tests wins;
    without 1 GiB free in ``/dev/shm`` (a container's is often 64 MiB) the files stay
    where they were. pyproject's ``tmp_path_retention_policy = "failed"`` keeps only
    the folders of failed tests, so no memory is held after a passing run.
    """
    if any(os.environ.get(v) for v in ("PYTEST_DEBUG_TEMPROOT", "TMPDIR", "TEMP", "TMP")):
        return
    try:
        free = os.statvfs("/dev/shm")
    except (OSError, AttributeError):
        return
    if os.access("/dev/shm", os.W_OK) and free.f_bavail * free.f_frsize >= 1 << 30:
        os.environ["PYTEST_DEBUG_TEMPROOT"] = "/dev/shm"


_temporary_files_in_memory()


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int | None:
    """How many workers ``-n auto`` (pyproject's addopts) starts: one a core for the
    whole suite, none (one process, no start-up of workers) for a run that names tests.

    Every test is safe beside any other: its diary, home and data folder are in its own
    ``tmp_path``, its environment is set through ``monkeypatch`` (one worker's process),
    and no test writes a file of the repository (except ``--update-golden``, one golden
    file a test). ``PYTEST_XDIST_AUTO_NUM_WORKERS`` and ``-n N`` still decide when given.
    """
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return None  # xdist's own reading of it
    root, here = config.rootpath, config.invocation_params.dir
    whole = {str(root), *(os.path.normpath(root / p) for p in config.getini("testpaths"))}
    named = [a for a in config.args if os.path.normpath(here / a) not in whole]
    if named:
        return 0
    return min(len(os.sched_getaffinity(0)), 8) if hasattr(os, "sched_getaffinity") else None


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


def _build_once() -> None:
    """Build the click command from the Typer app once for the whole test run.

    ``typer.testing.CliRunner.invoke`` builds the command from the app on each call. The
    root group is cheap to build since its sub-commands load lazily, but the sub-command
    (about 4 ms for ``log``) would be rebuilt on every in-process invocation: about 5% of
    the CPU time of the in-process tests (it was two thirds before the sub-commands loaded
    lazily, when every invoke built the whole app). The built command keeps no state between
    invocations (the diary path is worked out on every call), so one root group, with the
    sub-commands it has loaded, serves every test. Only the test runner's builder is
    cached: the app, the diary and the entry point are the real ones
    (``tests/test_help.py`` calls ``app([...])`` and runs the installed command).
    """
    import typer.main
    import typer.testing

    built: dict[int, object] = {}

    def get_command(typer_app):
        if id(typer_app) not in built:
            built[id(typer_app)] = typer.main.get_command(typer_app)
        return built[id(typer_app)]

    typer.testing._get_command = get_command


_build_once()


class Run:
    """Invoke the app in-process; stdout and stderr kept apart."""

    def __init__(self) -> None:
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None, env: dict | None = None):
        return self.runner.invoke(app, list(args), input=input, env=env, catch_exceptions=False)


@pytest.fixture
def run() -> Run:
    return Run()


@pytest.fixture(scope="session")
def _templates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return {}


@pytest.fixture
def copy_of(_templates: dict[str, Path], tmp_path_factory: pytest.TempPathFactory):
    """``copy_of(name, build, dest)``: a copy at ``dest`` of the diary ``build(path)``
    makes, built once a session (a worker's) and copied for each test that asks.

    The copy is a real diary file of its own (with its ``-wal`` file, if any, and its
    mode), so a test may change it freely; building the same diary through the CLI
    for every test only repeated work that its own tests check.
    """
    import shutil

    def copy_of(name: str, build, dest: Path) -> Path:
        if name not in _templates:
            path = tmp_path_factory.mktemp("template") / f"{name}.db"
            build(path)
            _templates[name] = path
        src = _templates[name]
        for suffix in ("", "-wal"):
            if Path(f"{src}{suffix}").exists():
                shutil.copy(f"{src}{suffix}", f"{dest}{suffix}")
        return dest

    return copy_of


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
            t: sorted(conn.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr)
            for t in tables
            if t != "_sqlite_migrations"
        }
    finally:
        conn.close()
