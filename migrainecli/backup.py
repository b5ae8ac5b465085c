"""A consistent copy of the diary through SQLite's online backup API."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from migrainecli.errors import MigraineError
from migrainecli.files import check_new_output, private_replacement


def backup_diary(diary, dest: Path, *, force: bool = False) -> Path:
    """Copy the open diary to ``dest`` (a new file, mode 0600), consistent even mid-write.

    An existing ``dest`` is replaced only with ``force``; a symbolic link never is.
    """
    dest = dest.expanduser()
    if dest.is_dir():
        dest = dest / "diary-backup.db"
    if diary.path is not None and dest.resolve() == Path(diary.path).resolve():
        raise MigraineError("The backup cannot overwrite the diary itself; give another path.")
    if not dest.parent.is_dir():
        raise MigraineError(f"The folder {dest.parent} does not exist; create it first.")
    check_new_output(dest, force)
    with private_replacement(dest) as tmp:
        target = sqlite3.connect(tmp)
        try:
            diary.conn.backup(target)
            target.execute("PRAGMA journal_mode = DELETE")
        finally:
            target.close()
    return dest
