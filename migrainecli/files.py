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


def check_new_output(path: Path, force: bool) -> None:
    """Refuse to clobber: an existing ``path`` needs ``force``, and a symlink is never used.

    A symbolic link at ``path`` is refused even with ``force``: writing through it would
    change a file somewhere else, and replacing it would silently drop the link. (Writes
    go through :func:`private_replacement`, whose rename replaces a directory entry and
    never writes into a link's target, so a link made after this check is not followed
    either.)
    """
    from migrainecli.errors import MigraineError

    if path.is_symlink():
        raise MigraineError(
            f"{path} is a symbolic link; migrainecli never writes through links, "
            "so give the path of a regular file instead (even --force does not)."
        )
    if path.exists() and not force:
        raise MigraineError(f"{path} already exists; add --force to replace it.")
