"""Private files: everything the tool writes is created mode 0600 and replaced atomically.

Every temporary file is made beside its target and named
``.NAME.migrainecli-tmp-XXXXXXXX[SUFFIX]`` (:data:`TEMP_MARK`). While it is being
written its maker holds an ``flock`` on it; a kill releases the lock, so the next
run (:func:`remove_stale`) can tell a leftover from a file still being written and
removes it, with any SQLite -journal/-wal/-shm beside it.
"""

from __future__ import annotations

import fcntl
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at start-up (fastlog)
if TYPE_CHECKING:  # pragma: no cover - typing only
    from typing import IO

TEMP_MARK = ".migrainecli-tmp-"
_SIDE_FILES = ("-journal", "-wal", "-shm")


def temp_prefix(path: Path) -> str:
    """The documented prefix of every temporary file made for ``path``."""
    return f".{path.name}{TEMP_MARK}"


def claimed_temp(path: Path, suffix: str = "") -> tuple[int, Path]:
    """A new 0600 temporary file beside ``path``, locked (flock) while its maker lives.

    Returns the open descriptor (close it when done; that releases the claim) and the path.
    """
    import tempfile  # here, not at the top: every command imports this module, few write files

    folder = path.parent if str(path.parent) else Path(".")
    fd, name = tempfile.mkstemp(prefix=temp_prefix(path), suffix=suffix, dir=folder)
    try:
        os.fchmod(fd, 0o600)
        fcntl.flock(fd, fcntl.LOCK_EX)
    except BaseException:
        os.close(fd)
        os.unlink(name)
        raise
    return fd, Path(name)


# Temporary files of versions before the documented prefix: ".NAME.XXXXXXXX.tmp/.restore".
_LEGACY = re.compile(r"\.[A-Za-z0-9_]{8}\.(?:tmp|restore)")


def remove_stale(path: Path) -> list[Path]:
    """Remove temporary files left beside ``path`` by killed runs; returns what went.

    A file whose maker still runs is locked and kept. Never raises for a file that
    cannot be removed (another user's folder): it is simply left.
    """
    folder = path.parent if str(path.parent) else Path(".")
    head = f".{path.name}"
    removed = []
    try:
        names = [n.name for n in os.scandir(folder) if n.name.startswith(head)]
    except OSError:
        return removed
    for name in names:
        rest = name[len(head) :]
        if not (rest.startswith(TEMP_MARK) or _LEGACY.fullmatch(rest)):
            continue
        if rest.endswith(_SIDE_FILES):
            continue  # removed with the file they belong to
        stale = folder / name
        try:
            fd = os.open(stale, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            continue  # still being written by a running command
        try:
            for leftover in (stale, *(Path(f"{stale}{s}") for s in _SIDE_FILES)):
                try:
                    leftover.unlink()
                except FileNotFoundError:
                    pass
            removed.append(stale)
        except OSError:
            pass
        finally:
            os.close(fd)
    return removed


@contextmanager
def private_replacement(path: Path, *, suffix: str = ".tmp") -> Iterator[Path]:
    """A 0600 temporary file beside ``path``, renamed over it when the block succeeds.

    The file is named with :func:`temp_prefix` and flushed (fsync) before the rename;
    stale temporary files of killed runs beside ``path`` are removed first. On failure
    the temporary file (and any SQLite side file beside it) is removed and ``path`` is
    left as it was.
    """
    remove_stale(path)
    fd, tmp = claimed_temp(path, suffix)
    try:
        yield tmp
        _fsync(tmp)
        os.replace(tmp, path)
        _fsync(path.parent if str(path.parent) else Path("."))
    except BaseException:
        for leftover in (tmp, *(Path(f"{tmp}{s}") for s in _SIDE_FILES)):
            leftover.unlink(missing_ok=True)
        raise
    finally:
        os.close(fd)


def _fsync(path: Path) -> None:
    """Flush ``path`` (a file or a folder) to the disk before it is relied on."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


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
