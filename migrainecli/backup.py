"""A consistent copy of the diary through SQLite's online backup API."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from migrainecli.errors import MigraineError


def backup_diary(diary, dest: Path) -> Path:
    """Copy the open diary to ``dest`` (a new file, mode 0600), consistent even mid-write."""
    dest = dest.expanduser()
    if dest.is_dir():
        dest = dest / "diary-backup.db"
    if diary.path is not None and dest.resolve() == Path(diary.path).resolve():
        raise MigraineError("The backup cannot overwrite the diary itself; give another path.")
    if not dest.parent.is_dir():
        raise MigraineError(f"The folder {dest.parent} does not exist; create it first.")
    tmp = dest.with_name(f".{dest.name}.tmp")
    fd = os.open(tmp, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, 0o600)
    os.close(fd)
    try:
        target = sqlite3.connect(tmp)
        try:
            diary.conn.backup(target)
            target.execute("PRAGMA journal_mode = DELETE")
        finally:
            target.close()
        os.chmod(tmp, 0o600)
        os.replace(tmp, dest)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return dest
