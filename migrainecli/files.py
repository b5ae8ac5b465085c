"""Private files: everything the tool writes is created mode 0600 and replaced atomically."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO


@contextmanager
def private_replacement(path: Path, *, suffix: str = ".tmp") -> Iterator[Path]:
    """A 0600 temporary file beside ``path``, renamed over it when the block succeeds.

    On failure the temporary file (and any SQLite -wal/-shm beside it) is removed and
    ``path`` is left as it was.
    """
    folder = path.parent if str(path.parent) else Path(".")
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=suffix, dir=folder)
    os.close(fd)
    tmp = Path(name)
    try:
        os.chmod(tmp, 0o600)
        yield tmp
        os.replace(tmp, path)
    except BaseException:
        for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
            leftover.unlink(missing_ok=True)
        raise


@contextmanager
def private_output(path: Path, *, binary: bool = False) -> Iterator[IO]:
    """Write ``path`` through a 0600 temporary file in the same folder, renamed on success."""
    with private_replacement(path.expanduser()) as tmp:
        if binary:
            with tmp.open("wb") as fh:
                yield fh
        else:
            with tmp.open("w", encoding="utf-8", newline="") as fh:
                yield fh
