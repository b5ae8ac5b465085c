"""SIGKILL ``migrainecli restore`` at random moments and check what it leaves (issue #11).

After every kill: ``check``, ``days``, ``status`` and a write command all work on the
diary, its contents are the ones before or after the restore, SQLite's integrity
check passes, every kept before-restore copy passes it and holds the diary as it
was, and the write command has removed the temporary files of the killed run.

The test suite runs a few dozen kills (``tests/test_hardening.py``); run this file
for more::

    python tests/kill_restore.py 250
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.test_reliability import child_env, content, make_diary  # noqa: E402

# A fork server: imports the app once, then forks one restore per request, so that a kill
# costs milliseconds instead of a Python start-up.
SERVER = r"""
import os, sys, time

import typer.main

from migrainecli.cli import app
import migrainecli.health, migrainecli.schema  # what restore imports, before the forks

db = sys.argv[1]
cli = typer.main.get_command(app)
print("ready", flush=True)
for line in sys.stdin:
    backup = line.strip()
    began = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
        try:
            code = cli.main(["--db", db, "restore", backup, "--yes"], prog_name="migrainecli",
                            standalone_mode=False)
        except BaseException:
            os._exit(3)
        os._exit(code or 0)
    print(f"pid {pid}", flush=True)
    _, status = os.waitpid(pid, 0)
    print(f"exit {status} {time.perf_counter() - began}", flush=True)
"""


def _integrity(path: Path) -> str:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


class _Server:
    def __init__(self, db: Path):
        self.proc = subprocess.Popen(
            [sys.executable, "-c", SERVER, str(db)], env=child_env(), text=True,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        assert self.proc.stdout.readline().strip() == "ready"

    def start(self, backup: Path) -> int:
        self.proc.stdin.write(f"{backup}\n")
        self.proc.stdin.flush()
        word, pid = self.proc.stdout.readline().split()
        assert word == "pid"
        return int(pid)

    def wait(self) -> tuple[int, float]:
        word, status, took = self.proc.stdout.readline().split()
        assert word == "exit"
        return int(status), float(took)

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(30)


ALL_READS = (("check",), ("days",), ("status",))


def run_kills(
    folder: Path, kills: int, *, seed: int = 11, reads: tuple[tuple[str, ...], ...] = ALL_READS
) -> dict[str, int]:
    """Kill ``kills`` restores in ``folder``; returns how often the diary was before/after.

    ``reads`` are the read commands run after each kill (the suite runs the slow
    ``days`` and ``status`` after the last kill only); a write command always runs.
    """
    from typer.testing import CliRunner

    from migrainecli.cli import app

    rng = random.Random(seed)
    runner = CliRunner()
    db = folder / "diary.db"
    states = {}
    for name, n_days in (("a", 300), ("b", 120)):
        made = make_diary(folder / f"made-{name}.db", n_days=n_days)
        backup = folder / f"backup-{name}.db"
        assert runner.invoke(app, ["--db", str(made), "backup", str(backup)]).exit_code == 0
        states[name] = (backup, content(backup))
    shutil.copy(states["a"][0], db)
    server = _Server(db)
    try:
        outcome = _kill_loop(server, folder, db, states, kills, rng, runner, app, reads)
    finally:
        server.close()
    for args in ALL_READS:
        result = runner.invoke(app, ["--db", str(db), *args])
        assert result.exit_code == 0, f"after the kills: {args}: {result.output}"
    return outcome


def _kill_loop(server, folder, db, states, kills, rng, runner, app, reads) -> dict[str, int]:
    # One whole restore, to know how long the window to kill in is.
    server.start(states["b"][0])
    status, took = server.wait()
    assert status == 0, status
    if os.environ.get("KILL_RESTORE_DEBUG"):
        print(f"a whole restore takes {took * 1000:.0f} ms")
    shutil.copy(states["a"][0], db)
    for p in folder.glob("diary.before-restore-*"):
        p.unlink()

    outcome = {"before": 0, "after": 0}
    for k in range(kills):
        now = "a" if content(db) == states["a"][1] else "b"
        other = "b" if now == "a" else "a"
        before, after = states[now][1], states[other][1]
        kept_before = set(folder.glob("diary.before-restore-*"))
        pid = server.start(states[other][0])
        time.sleep(rng.uniform(0, took * 1.1))
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        server.wait()
        where = f"kill {k}"
        for args in reads:
            result = runner.invoke(app, ["--db", str(db), *args])
            assert result.exit_code == 0, f"{where}: {args}: {result.output}"
        state = content(db)
        assert state in (before, after), f"{where}: a diary neither before nor after"
        assert _integrity(db) == "ok", where
        for kept in set(folder.glob("diary.before-restore-*")) - kept_before:
            if kept.name.endswith(("-wal", "-shm", "-journal")):
                continue
            assert _integrity(kept) == "ok", f"{where}: {kept.name}"
            assert content(kept) == before, f"{where}: {kept.name} is not the old diary"
        # A write command (setting the name it already has) cleans up the killed run.
        result = runner.invoke(app, ["--db", str(db), "config", "set", "name", "Test Patient"])
        assert result.exit_code == 0, f"{where}: config set: {result.output}"
        assert content(db) == state, where
        leftovers = [
            p.name for p in folder.iterdir()
            if p.name.startswith(".") or p.name.endswith("-journal")
        ]  # fmt: skip
        assert not leftovers, f"{where}: left behind {leftovers}"
        outcome["before" if state == before else "after"] += 1
    return outcome


if __name__ == "__main__":
    import tempfile

    n = int(sys.argv[1]) if len(sys.argv) > 1 else 250
    with tempfile.TemporaryDirectory() as tmp:
        began = time.monotonic()
        result = run_kills(Path(tmp), n, seed=int(time.time()))
        print(f"{n} kills in {time.monotonic() - began:.0f} s: {result}; every check passed")
