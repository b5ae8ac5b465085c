"""The diary file: the one module that owns the ``sqlite_utils.Database``.

It finds the file (``--db``, ``MIGRAINECLI_DB``, platformdirs), refuses files
that are not migrainecli diaries without touching them, applies the schema
migrations, and offers the queries the rest of the program needs. Writes go
through :meth:`Diary.write`, one ``BEGIN IMMEDIATE`` transaction each, so two
terminals logging at the same moment queue behind the busy timeout instead
of failing.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from urllib.parse import quote

from migrainecli.errors import DiaryFileError, NotFound
from migrainecli.files import remove_stale
from migrainecli.models import (
    DAY_FIELDS,
    FEATURES,
    Day,
    DiaryData,
    Gap,
    Intake,
    MonthHistory,
    Period,
    Score,
    Trial,
)

# The schema steps, in order: defined in ``migrainecli.schema`` (a light import; it loads
# sqlite-utils only when a diary needs migrating).
from migrainecli.schema import MIGRATION_NAMES, MIGRATION_SET  # noqa: F401 - re-exported

# The settings and their checks live in ``migrainecli.settings`` (re-exported here).
from migrainecli.settings import KNOWN_SETTINGS, STEP_THERAPY_FAILURES  # noqa: F401
from migrainecli.settings import step_therapy_failures as _failures

APP_NAME = "migrainecli"
ENV_VAR = "MIGRAINECLI_DB"
SQLITE_MAGIC = b"SQLite format 3\x00"
_HEADER_SIZE = 100
BUSY_TIMEOUT_S = 30.0
# A write kept waiting this long says so (``on_wait``), then waits out the rest of the
# busy timeout.
WAIT_NOTICE_S = 1.0
JOURNAL_KEEP = 100  # changes kept for undo; older ones are dropped


def read_setting(path: Path, key: str) -> str | None:
    """One setting of the diary at ``path`` without opening it for use (None if absent)."""
    if not path.is_file() or path.stat().st_size == 0:
        return None
    try:
        with read_only(path) as conn:
            row = conn.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
    except sqlite3.Error:
        return None  # not a diary (yet): opening it says why
    return row[0] if row else None


def default_path() -> Path:
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False) / "diary.db"


def resolve_path(option: str | Path | None = None) -> Path:
    """Where the diary lives: ``--db``, else ``MIGRAINECLI_DB``, else platformdirs."""
    if option:
        return Path(option).expanduser()
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env).expanduser()
    return default_path()


def refuse_special(path: Path) -> None:
    """Refuse a path that exists and is not a regular file (a FIFO, a device, a socket).

    Opening a FIFO blocks until another program writes to it, so this is decided
    from ``stat`` before anything opens the path. Folders get their own sentence.
    """
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return
    except OSError:
        return  # the open that follows says what is wrong
    if stat.S_ISDIR(mode):
        raise DiaryFileError(f"{path} is a folder, not a diary file; give the path of a file.")
    if not stat.S_ISREG(mode):
        raise DiaryFileError(
            f"{path} is not a regular file (it is a {_kind_of(mode)}); give the path of a "
            "diary file with --db."
        )


DISK_FULL = "The disk is full: free space and run the command again; nothing was changed."


def disk_is_full(path: Path) -> bool:
    """Whether the file system holding ``path`` (or its folder) has no space left."""
    for place in (path, path.parent):
        try:
            fs = os.statvfs(place)
        except OSError:
            continue
        return fs.f_bavail * fs.f_frsize < 64 * 1024 or fs.f_favail == 0
    return False


def check_environment(path: Path, *, write: bool) -> None:
    """Refuse, with the real cause, a diary this user should not or cannot use.

    Another user's file or folder, or one others may change (group- or
    world-writable), is refused for privacy. For writing, a read-only diary or
    folder (decided from the mode bits too: root ignores them) and a full disk are
    named as such, never reported as damage.
    """
    folder = path.parent if str(path.parent) else Path(".")
    me = os.geteuid()
    try:
        st = os.stat(path)
    except OSError:
        st = None
    try:
        fst = os.stat(folder)
    except OSError:
        fst = None
    if st is not None and st.st_uid != me:
        raise DiaryFileError(
            f"The diary {path} belongs to another user (uid {st.st_uid}); run migrainecli as "
            "that user, or give your own diary with --db."
        )
    if fst is not None and st is not None and fst.st_uid != me:
        raise DiaryFileError(
            f"The folder {folder} belongs to another user (uid {fst.st_uid}), who could replace "
            "the diary; move the diary to a folder of your own and give it with --db."
        )
    if st is not None and stat.S_IMODE(st.st_mode) & 0o022:
        raise DiaryFileError(
            f"The diary {path} can be changed by other users (mode "
            f"{stat.S_IMODE(st.st_mode):04o}); run 'chmod 600 {path}' and try again."
        )
    if fst is not None and st is not None and stat.S_IMODE(fst.st_mode) & 0o022:
        raise DiaryFileError(
            f"The folder {folder} can be changed by other users (mode "
            f"{stat.S_IMODE(fst.st_mode):04o}); run 'chmod 700 {folder}' and try again."
        )
    if not write:
        return
    if fst is not None and (not fst.st_mode & stat.S_IWUSR or not os.access(folder, os.W_OK)):
        raise DiaryFileError(
            f"The folder {folder} is read-only, so the diary cannot be changed; make it "
            f"writable ('chmod 700 {folder}') and try again; nothing was changed."
        )
    if st is not None and (not st.st_mode & stat.S_IWUSR or not os.access(path, os.W_OK)):
        raise DiaryFileError(
            f"The diary {path} is read-only (mode {stat.S_IMODE(st.st_mode):04o}); run "
            f"'chmod 600 {path}' to change it, and try again; nothing was changed."
        )


def read_only_place(path: Path) -> bool:
    """Whether the diary or its folder may not be written (mode bits, or access)."""
    folder = path.parent if str(path.parent) else Path(".")
    try:
        st, fst = os.stat(path), os.stat(folder)
    except OSError:
        return False
    return (
        not st.st_mode & stat.S_IWUSR
        or not fst.st_mode & stat.S_IWUSR
        or not os.access(path, os.W_OK)
        or not os.access(folder, os.W_OK)
    )


def _frozen(path: Path) -> bool:
    """Whether to read ``path`` as an immutable file: nothing may be created beside a
    read-only diary (no -shm, no -wal), and with no -wal file the file itself holds
    every committed change."""
    return read_only_place(path) and not Path(f"{path}-wal").exists()


def _kind_of(mode: int) -> str:
    for test, name in ((stat.S_ISFIFO, "named pipe"), (stat.S_ISCHR, "character device"),
                       (stat.S_ISBLK, "block device"), (stat.S_ISSOCK, "socket")):  # fmt: skip
        if test(mode):
            return name
    return "special file"


def _damaged(path: Path, why: str) -> DiaryFileError:
    return DiaryFileError(
        f"{path} cannot be read as a diary ({why}); it may be damaged and was left as it was. "
        "Restore it from a backup ('migrainecli restore BACKUP') or give another path with --db."
    )


def _check_header(path: Path, header: bytes) -> None:
    """Refuse a file cut short (an interrupted copy, download or sync) before SQLite reads it.

    SQLite reads a missing tail of its last page as zeros and would carry on; a diary
    file is always a whole number of pages.
    """
    if len(header) < _HEADER_SIZE:
        raise _damaged(path, "the file is cut short")
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    if page_size < 512 or page_size & (page_size - 1):
        raise _damaged(path, "its header is not valid")
    for attempt in range(2):
        if path.stat().st_size % page_size == 0:
            return
        if attempt == 0:
            time.sleep(0.05)  # another program may be writing a page right now: look again
    raise _damaged(path, "the file is cut short")


@contextmanager
def read_only(path: Path) -> Iterator[sqlite3.Connection]:
    """A connection that cannot change ``path`` and leaves no files behind.

    A read-only SQLite connection to a WAL-mode file creates its -wal and -shm files
    and, unable to remove them, leaves them there. When no other program has the
    file open (there is no -wal file), a read-write connection limited to queries
    (``query_only``) is used instead: SQLite removes those files itself on close.
    """
    with path.open("rb") as fh:
        wal_mode = fh.read(_HEADER_SIZE)[18:20] == b"\x02\x02"
    uri = f"file:{quote(str(path.resolve()))}"
    if not wal_mode and _has_journal(path):
        _roll_back(path, uri)
    if _frozen(path):
        conn = sqlite3.connect(f"{uri}?immutable=1", uri=True, timeout=BUSY_TIMEOUT_S)
    elif wal_mode and not Path(f"{path}-wal").exists() and os.access(path, os.W_OK):
        conn = sqlite3.connect(f"{uri}?mode=rw", uri=True, timeout=BUSY_TIMEOUT_S)
        conn.execute("PRAGMA query_only = ON")
    else:
        conn = sqlite3.connect(f"{uri}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S)
    try:
        yield conn
    finally:
        conn.close()


def _has_journal(path: Path) -> bool:
    return os.path.lexists(f"{path}-journal")


def _roll_back(path: Path, uri: str) -> None:
    """Finish what a killed writer left in ``PATH-journal``: SQLite rolls it back.

    A read-only connection cannot do it and reports the intact file as damaged.
    The rollback runs under SQLite's write lock, which also tells a live writer's
    journal (left alone) from a dead one's.
    """
    journal = Path(f"{path}-journal")
    if not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK | os.X_OK)):
        raise DiaryFileError(
            f"{path} has an unfinished change in {journal} that SQLite must roll back, and "
            "that needs write access to the file and its folder; run the command as the "
            "diary's owner."
        )
    conn = sqlite3.connect(f"{uri}?mode=rw", uri=True, timeout=BUSY_TIMEOUT_S)
    try:
        conn.execute("BEGIN IMMEDIATE")  # reading the schema under the lock rolls it back
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        if journal.is_file() and conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete":
            # Still there under our lock, before we wrote anything: an empty (not hot)
            # journal of a writer killed while starting; SQLite would leave it for good.
            journal.unlink()
        conn.execute("ROLLBACK")
    finally:
        conn.close()


def drop_stale_journal(conn: sqlite3.Connection, path: Path) -> None:
    """Remove a ``-journal`` beside a WAL-mode diary (call under the write lock).

    SQLite never uses a rollback journal for a file in WAL mode, so one there was left
    by a writer killed while switching modes; a later switch would trust it.
    """
    journal = Path(f"{path}-journal")
    if journal.is_file() and conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal":
        journal.unlink(missing_ok=True)


def read_header(path: Path) -> bytes:
    """The first bytes of the SQLite file at ``path`` (empty for an empty file), read
    without opening it as a database; a special file or an unreadable one is refused."""
    refuse_special(path)
    try:
        with path.open("rb") as fh:
            return fh.read(_HEADER_SIZE)
    except OSError as err:
        raise DiaryFileError(f"Cannot read {path}: {err.strerror}.") from None


def inspect_file(path: Path, *, verify: bool = False) -> tuple[set[str], bool]:
    """Read-only look at an existing file: (applied migration names, has any table).

    Raises DiaryFileError for a file that is not SQLite, is cut short or damaged, or
    belongs to another application. With ``verify`` (before any write) SQLite's
    ``quick_check`` must pass too, so that nothing is ever written into a damaged
    file. Nothing is written, and no -wal or -shm file is left behind.
    """
    header = read_header(path)
    if not header:
        return set(), False  # an empty file: SQLite treats it as an empty database
    if header[: len(SQLITE_MAGIC)] != SQLITE_MAGIC:
        raise DiaryFileError(
            f"{path} is not a migrainecli diary (it is not an SQLite database); "
            "give another path with --db."
        )
    _check_header(path, header)
    try:
        with read_only(path) as conn:
            tables = {
                r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            }
            applied: set[str] = set()
            if "_sqlite_migrations" in tables:
                applied = {
                    r[0]
                    for r in conn.execute(
                        "SELECT name FROM _sqlite_migrations WHERE migration_set = ?",
                        [MIGRATION_SET],
                    )
                }
            problems = ["ok"]
            if verify and applied:
                # The structure only (about 1 ms for 20 years): evaluating every CHECK
                # constraint would take 20; SQLite enforces those on each write anyway.
                conn.execute("PRAGMA ignore_check_constraints = ON")
                problems = [r[0] for r in conn.execute("PRAGMA quick_check(1)")]
    except sqlite3.OperationalError as err:
        if is_locked(err):
            raise  # the CLI says the diary is busy in another program
        if "disk is full" in str(err) or disk_is_full(path):
            raise DiaryFileError(DISK_FULL) from None
        check_environment(path, write=True)  # a read-only place, not damage
        raise _damaged(path, str(err)) from None
    except sqlite3.DatabaseError as err:
        raise _damaged(path, str(err)) from None
    if tables and not applied:
        raise DiaryFileError(
            f"{path} is another application's SQLite database, not a migrainecli diary; "
            "give another path with --db."
        )
    if problems != ["ok"]:
        detail = problems[0].splitlines()[-1] if problems else "no answer"
        raise _damaged(path, f"SQLite's check found: {detail}")
    return applied, bool(tables)


def is_locked(err: BaseException) -> bool:
    """Whether an SQLite error says another connection holds the diary ("database is
    locked", "database table is locked", "busy"): the one test for it."""
    text = str(err)
    return "locked" in text or "busy" in text


def _use_wal(conn: sqlite3.Connection) -> None:
    """Put the file in WAL mode (kept in the file; done once, when it is created).

    Two processes creating the same diary at once can deadlock on the switch (each
    holds a shared lock and wants the exclusive one): SQLite then answers "database
    is locked" at once, without waiting on the busy timeout. Wait and look again.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    while True:
        try:
            if conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal":
                return
            if conn.execute("PRAGMA journal_mode = WAL").fetchone()[0] == "wal":
                return
        except sqlite3.OperationalError as err:
            if not is_locked(err) or time.monotonic() > deadline:
                raise
        if time.monotonic() > deadline:
            raise sqlite3.OperationalError("database is locked")
        time.sleep(0.01)


class Diary:
    """An open diary. Use :meth:`open`; close it with :meth:`close` or ``with``.

    Queries go straight to the ``sqlite3`` connection; the ``sqlite_utils.Database``
    over it (:attr:`db`) is made on first use, for migrations, so that everyday
    commands do not pay for importing sqlite-utils.
    """

    def __init__(self, conn: sqlite3.Connection, path: Path | None):
        self.conn = conn
        self.path = path
        self._db = None
        # Set by the command line to the command being run: its writes are then journaled
        # as one change that ``undo`` can revert (see :meth:`write`).
        self.command: str | None = None
        self._change_id: int | None = None
        self.created = False  # this open created the file
        self.on_wait: Callable[[], None] | None = None

    @property
    def db(self):
        """The ``sqlite_utils.Database`` over this diary's connection."""
        if self._db is None:
            from sqlite_utils import Database

            self._db = Database(self.conn, execute_plugins=False)
        return self._db

    # -- opening -----------------------------------------------------------------------
    @classmethod
    def open(cls, path: Path, *, write: bool, on_wait: Callable[[], None] | None = None) -> Diary:
        """Open (and, for ``write``, create) the diary at ``path``.

        A missing file is not created for reading: an empty in-memory diary stands in.
        A diary written by a newer version is opened for reading only. ``created`` on
        the result says whether this call created the file. ``on_wait`` is called once
        when a write has waited ``WAIT_NOTICE_S`` for another program's lock.
        """
        refuse_special(path)
        check_environment(path, write=write)
        created = False
        exists = path.exists()
        if not write and (not exists or (path.is_file() and path.stat().st_size == 0)):
            # Nothing to read (no file, or an empty one): an empty diary in memory stands
            # in, and the file is neither created nor written.
            diary = cls(sqlite3.connect(":memory:"), None)
            diary._migrate()
            return diary
        if exists:
            applied, _ = inspect_file(path, verify=write)
            newer = sorted(applied - set(MIGRATION_NAMES))
            if newer and write:
                raise DiaryFileError(
                    f"{path} was written by a newer version of migrainecli "
                    f"(it has schema step {newer[0]!r}); upgrade migrainecli to change it."
                )
            needs_migration = not newer and bool(set(MIGRATION_NAMES) - applied)
            if needs_migration and not write:
                inspect_file(path, verify=True)  # upgrading writes too: never into a damaged file
        else:
            created = cls._create_file(path)
            needs_migration = True

        try:
            if not write and _frozen(path):
                uri = f"file:{quote(str(path.resolve()))}?immutable=1"
                conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S)
            else:
                conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S)
        except sqlite3.Error as err:
            raise DiaryFileError(f"Cannot open {path}: {err}.") from None
        diary = cls(conn, path)
        diary.created, diary.on_wait = created, on_wait
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        if write:
            # Back to WAL if a killed restore left the file in rollback-journal mode.
            _use_wal(conn)
            if exists:
                with diary.write():  # under the write lock: no restore is half-way
                    drop_stale_journal(conn, path)
                    remove_stale(path)
        if needs_migration:
            diary._migrate()
        return diary

    @classmethod
    def snapshot(cls, path: Path) -> Diary:
        """A private copy in memory of the diary at ``path``, which is never changed.

        For reading many diaries (``cohort``): the file is read through
        :func:`read_only` (no -wal or -shm file left behind) and copied with SQLite's
        backup API in one step, which holds one read transaction, so a diary another
        program is writing is read as of one commit. A diary of an older schema is
        migrated in the copy, never in place. A diary with an unfinished change of a
        killed writer (a ``-journal`` beside a rollback-journal file) is refused rather
        than rolled back. ``path`` of the result is None: nothing can write back.
        """
        header = read_header(path)
        if not header:
            raise DiaryFileError(f"{path} is empty, not a diary.")
        if header[: len(SQLITE_MAGIC)] != SQLITE_MAGIC:
            raise DiaryFileError(f"{path} is not a migrainecli diary (not an SQLite database).")
        _check_header(path, header)
        if header[18:20] != b"\x02\x02" and _has_journal(path):
            raise DiaryFileError(
                f"{path} has an unfinished change in {path}-journal; open it once with "
                "migrainecli (any command) to finish it, then read it again."
            )
        memory = sqlite3.connect(":memory:")
        try:
            with read_only(path) as conn:
                conn.backup(memory)  # pages=-1: the whole file in one step, one read
            tables = {
                r[0] for r in memory.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            }
            if "_sqlite_migrations" not in tables:
                what = "another application's SQLite database" if tables else "an empty database"
                raise DiaryFileError(f"{path} is {what}, not a migrainecli diary.")
            applied = {
                r[0]
                for r in memory.execute(
                    "SELECT name FROM _sqlite_migrations WHERE migration_set = ?", [MIGRATION_SET]
                )
            }
            if not applied:
                raise DiaryFileError(f"{path} is another application's SQLite database.")
        except sqlite3.DatabaseError as err:
            memory.close()
            raise _damaged(path, str(err)) from None
        except BaseException:
            memory.close()
            raise
        diary = cls(memory, None)
        if not applied - set(MIGRATION_NAMES) and set(MIGRATION_NAMES) - applied:
            diary._migrate()  # the copy only
        return diary

    def created_at(self) -> str | None:
        """When the diary file was made (its first schema step's time, kept for good):
        a value that stays the same however the diary is later edited or copied."""
        row = self.conn.execute(
            "SELECT applied_at FROM _sqlite_migrations WHERE migration_set = ? AND name = ?",
            [MIGRATION_SET, MIGRATION_NAMES[0]],
        ).fetchone()
        return row[0] if row else None

    @staticmethod
    def _create_file(path: Path) -> bool:
        """Create the empty diary file (mode 0600); False when another process was first."""
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            # O_EXCL never follows a symlink: a planted (even dangling) link is refused.
            flags = os.O_CREAT | os.O_EXCL | os.O_WRONLY | os.O_NOFOLLOW
            fd = os.open(path, flags, 0o600)
            os.close(fd)
            return True
        except FileExistsError:
            if path.is_symlink():
                raise DiaryFileError(
                    f"{path} is a symbolic link to a file that does not exist; the diary is "
                    "never created through a link: remove it or give another path with --db."
                ) from None
            # otherwise another process created it first
            return False
        except OSError as err:
            raise DiaryFileError(f"Cannot create the diary at {path}: {err.strerror}.") from None

    def _migrate(self) -> None:
        from migrainecli import schema

        with self.write():
            if self.conn.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchone() is None:
                schema.create(self.conn)  # a new diary: no sqlite-utils to import
            else:
                schema.migrations.apply(self.db)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Diary:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def write(self) -> Iterator[Diary]:
        """One write transaction, taken with BEGIN IMMEDIATE (waits on the busy timeout).

        Nested use becomes a savepoint inside the outer transaction.
        """
        conn = self.conn
        if conn.in_transaction:
            conn.execute("SAVEPOINT nested_write")
            try:
                yield self
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK TO nested_write")
                    conn.execute("RELEASE nested_write")
                raise
            conn.execute("RELEASE nested_write")
            return
        self._begin_immediate()
        try:
            if self.command:
                self._open_change()
            yield self
            if self.command:
                self._close_change()
            self._recount()
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    # -- the journal behind undo ---------------------------------------------------------
    def _open_change(self) -> None:
        """Open this command's change row; triggers journal every row written while it is.

        Opened and closed inside each write transaction, so a kill leaves the change and
        its journal rows both committed or both absent. A command that writes in several
        transactions adds them all to one change.
        """
        conn = self.conn
        conn.execute("UPDATE changes SET open = 0 WHERE open = 1")  # none survive a commit
        if self._change_id is None:
            from datetime import datetime, timezone

            at = datetime.now(timezone.utc).isoformat(timespec="seconds")
            cur = conn.execute(
                "INSERT INTO changes (at, command) VALUES (?, ?)", [at, self.command]
            )
            self._change_id = int(cur.lastrowid)
        else:
            conn.execute("UPDATE changes SET open = 1 WHERE id = ?", [self._change_id])

    def _close_change(self) -> None:
        from migrainecli.journal import describe_rows

        conn, change_id = self.conn, self._change_id
        groups = self.change_groups(change_id)
        if not groups:
            conn.execute("DELETE FROM changes WHERE id = ?", [change_id])
            self._change_id = None
            return
        conn.execute(
            "UPDATE changes SET open = 0, summary = ? WHERE id = ?",
            [describe_rows(self, groups), change_id],
        )
        conn.execute(
            "DELETE FROM changes WHERE id NOT IN (SELECT id FROM changes ORDER BY id DESC LIMIT ?)",
            [JOURNAL_KEEP],
        )

    def change_rows(self, change_id: int | None) -> list[tuple[str, str, tuple, dict | None]]:
        """A change's journal rows in the order written: (table, op, key, old values)."""
        import json

        rows = self.conn.execute(
            "SELECT tbl, op, key, old FROM change_rows WHERE change_id = ? ORDER BY id",
            [change_id],
        )
        return [
            (t, op, tuple(json.loads(k)), json.loads(old) if old else None)
            for t, op, k, old in rows
        ]

    def change_groups(self, change_id: int | None) -> list[tuple[str, str, int, list, dict | None]]:
        """A change's journal rows grouped by table and operation, in the order first
        written: (table, op, count, [first key, last key] (all keys for settings), the old
        values of the first row)."""
        import json

        rows = self.conn.execute(
            "SELECT tbl, op, count(*), min(key), max(key), group_concat(key, '\x1f'), old "
            "FROM change_rows WHERE change_id = ? GROUP BY tbl, op ORDER BY min(id)",
            [change_id],
        )
        out = []
        for table, op, n, lo, hi, keys, old in rows:
            if table == "settings":
                bounds = [json.loads(k)[0] for k in keys.split("\x1f")]
            else:
                bounds = [json.loads(lo)[0], json.loads(hi)[0]]
            out.append((table, op, n, bounds, json.loads(old) if old else None))
        return out

    def changes(self, limit: int = JOURNAL_KEEP) -> list[tuple[int, str, str, str]]:
        """The recorded changes, newest first: (id, UTC time, command, summary)."""
        return self.conn.execute(
            "SELECT id, at, command, summary FROM changes WHERE open = 0 ORDER BY id DESC LIMIT ?",
            [limit],
        ).fetchall()

    def revert_change(self, change_id: int) -> None:
        """Put back the rows one change wrote, newest first, and forget the change."""
        from migrainecli.errors import MigraineError

        conn = self.conn
        with self.write():
            conn.execute("PRAGMA defer_foreign_keys = ON")  # intakes may return before days
            try:
                for table, op, key, old in reversed(self.change_rows(change_id)):
                    where = " AND ".join(f"{k} = ?" for k in _JOURNAL_KEYS[table])
                    if op == "insert":
                        conn.execute(f"DELETE FROM {table} WHERE {where}", list(key))
                    elif op == "update":
                        sets = ", ".join(f"{c} = ?" for c in old)
                        conn.execute(
                            f"UPDATE {table} SET {sets} WHERE {where}", [*old.values(), *key]
                        )
                    else:
                        cols = ", ".join(old)
                        marks = ", ".join("?" for _ in old)
                        conn.execute(
                            f"INSERT INTO {table} ({cols}) VALUES ({marks})", list(old.values())
                        )
                conn.execute("DELETE FROM changes WHERE id = ?", [change_id])
                if conn.execute("PRAGMA foreign_key_check").fetchone() is not None:
                    raise sqlite3.IntegrityError("foreign key")
            except sqlite3.IntegrityError:
                raise MigraineError(
                    "The diary was changed outside migrainecli after that change, so undo "
                    "cannot put it back exactly; nothing was undone."
                ) from None

    def _begin_immediate(self) -> None:
        """BEGIN IMMEDIATE within the busy timeout; after ``WAIT_NOTICE_S`` say we wait."""
        conn = self.conn
        if self.on_wait is None:
            conn.execute("BEGIN IMMEDIATE")
            return
        conn.execute(f"PRAGMA busy_timeout = {int(WAIT_NOTICE_S * 1000)}")
        try:
            try:
                conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as err:
                if not is_locked(err):
                    raise
            self.on_wait()
            self.on_wait = None  # once per command
            conn.execute(f"PRAGMA busy_timeout = {int((BUSY_TIMEOUT_S - WAIT_NOTICE_S) * 1000)}")
            conn.execute("BEGIN IMMEDIATE")
        finally:
            conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")

    # -- settings ----------------------------------------------------------------------
    def get_setting(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
        return row[0] if row else None

    def set_setting(self, key: str, value: str | None) -> None:
        with self.write():
            if value is None:
                self.conn.execute("DELETE FROM settings WHERE key = ?", [key])
            else:
                self.conn.execute(
                    "INSERT INTO settings (key, value) VALUES (?, ?) "
                    "ON CONFLICT(key) DO UPDATE SET value = excluded.value "
                    "WHERE value IS NOT excluded.value",  # the same value: no change to undo
                    [key, value],
                )

    def settings(self) -> dict[str, str]:
        return dict(self.conn.execute("SELECT key, value FROM settings ORDER BY key").fetchall())

    def first_logged(self) -> date | None:
        row = self.conn.execute("SELECT min(date) FROM days").fetchone()
        return date.fromisoformat(row[0]) if row and row[0] else None

    def start(self) -> date | None:
        """The diary start: the setting when earlier than the first entry, else the first entry."""
        first = self.first_logged()
        setting = self.get_setting("start")
        start = date.fromisoformat(setting) if setting else None
        if start and (first is None or start < first):
            return start
        return first

    # -- days --------------------------------------------------------------------------
    def get_day(self, d: date) -> Day | None:
        row = self.conn.execute(
            f"SELECT {_DAY_SELECT} FROM days WHERE date = ?", [d.isoformat()]
        ).fetchone()
        return _day(row) if row else None

    def last_headache_day(self, before: date) -> Day | None:
        """The most recent headache day before ``before`` (the guided log's defaults)."""
        row = self.conn.execute(
            f"SELECT {_DAY_SELECT} FROM days WHERE severity != 'none' AND date < ? "
            "ORDER BY date DESC LIMIT 1",
            [before.isoformat()],
        ).fetchone()
        return _day(row) if row else None

    def days(self, start: date | None = None, end: date | None = None) -> list[Day]:
        sql, params = _between(f"SELECT {_DAY_SELECT} FROM days", "date", start, end)
        return [_day(r) for r in self.conn.execute(sql + " ORDER BY date", params)]

    def nth_last_logged(self, n: int, start: date | None, end: date | None) -> date | None:
        """The date of the ``n``-th last logged day from ``start`` to ``end`` (None: open);
        None when fewer than ``n`` days are logged there (``days -n N``)."""
        sql, params = _between("SELECT date FROM days", "date", start, end)
        row = self.conn.execute(sql + " ORDER BY date DESC LIMIT 1 OFFSET ?", [*params, n - 1])
        found = row.fetchone()
        return date.fromisoformat(found[0]) if found else None

    def save_day(self, day: Day) -> None:
        """Insert or replace the whole row for ``day.date`` (its intakes are kept)."""
        with self.write():
            self.conn.execute(_DAY_UPSERT, list(_day_row(day).values()))

    def save_days(self, days: Iterable[Day]) -> None:
        """Insert or replace many days in one transaction (import).

        When none of the days is logged yet (a new diary, a new stretch of dates), the
        journal gets what its triggers would write, one ``insert`` row a day in order,
        from one statement, the triggers held off meanwhile (about 15 % of the write).
        """
        import json

        rows = [_day_values(d) for d in days]
        if not rows:
            return
        conn = self.conn
        with self.write():
            change = conn.execute("SELECT max(id) FROM changes WHERE open = 1").fetchone()[0]
            dates = [r[0] for r in rows]
            if change is None or len(set(dates)) != len(dates):
                conn.executemany(_DAY_UPSERT, rows)
                return
            listed = json.dumps(dates)
            logged = conn.execute(
                "SELECT 1 FROM days WHERE date IN (SELECT value FROM json_each(?)) LIMIT 1",
                [listed],
            ).fetchone()
            if logged:
                conn.executemany(_DAY_UPSERT, rows)
                return
            conn.execute("UPDATE changes SET open = 0 WHERE open = 1")
            conn.executemany(_DAY_UPSERT, rows)
            conn.execute("UPDATE changes SET open = 1 WHERE id = ?", [change])
            conn.execute(
                "INSERT INTO change_rows (change_id, tbl, op, key, old) "
                "SELECT ?, 'days', 'insert', json_array(value), NULL FROM json_each(?) "
                "ORDER BY key",
                [change, listed],
            )

    def delete_days(self, start: date, end: date) -> tuple[int, int]:
        """Delete every logged day from ``start`` to ``end`` with its intakes: (days, intakes)."""
        span = [start.isoformat(), end.isoformat()]
        with self.write():
            n = self.conn.execute(
                "SELECT count(*) FROM intakes WHERE date BETWEEN ? AND ?", span
            ).fetchone()[0]
            cur = self.conn.execute("DELETE FROM days WHERE date BETWEEN ? AND ?", span)
        return cur.rowcount, n

    def count_logged(self, start: date, end: date) -> tuple[int, int]:
        """How many days and intakes are logged from ``start`` to ``end``."""
        span = [start.isoformat(), end.isoformat()]
        days = self.conn.execute(
            "SELECT count(*) FROM days WHERE date BETWEEN ? AND ?", span
        ).fetchone()[0]
        intakes = self.conn.execute(
            "SELECT count(*) FROM intakes WHERE date BETWEEN ? AND ?", span
        ).fetchone()[0]
        return days, intakes

    def delete_day(self, d: date) -> int:
        """Delete a day and its intakes; returns the number of intakes deleted."""
        with self.write():
            n = self.conn.execute(
                "SELECT count(*) FROM intakes WHERE date = ?", [d.isoformat()]
            ).fetchone()[0]
            cur = self.conn.execute("DELETE FROM days WHERE date = ?", [d.isoformat()])
            if cur.rowcount == 0:
                raise NotFound(f"Nothing is logged on {d.isoformat()}.")
        return n

    # -- intakes -----------------------------------------------------------------------
    def add_intakes(self, intakes: Iterable[Intake]) -> None:
        rows = [
            (i.date.isoformat(), i.medication, i.dose, _int(i.relieved), i.class_id)
            for i in intakes
        ]
        with self.write():
            self.conn.executemany(
                "INSERT INTO intakes (date, medication, dose, relieved, class_id) "
                "VALUES (?, ?, ?, ?, ?)",
                rows,
            )

    def delete_intakes(self, d: date) -> int:
        with self.write():
            cur = self.conn.execute("DELETE FROM intakes WHERE date = ?", [d.isoformat()])
        return cur.rowcount

    def intakes(self, start: date | None = None, end: date | None = None) -> list[Intake]:
        sql, params = _between(
            "SELECT id, date, medication, dose, relieved, class_id FROM intakes", "date", start, end
        )
        return [_intake(r) for r in self.conn.execute(sql + " ORDER BY date, id", params)]

    # -- gaps --------------------------------------------------------------------------
    def add_gap(self, gap: Gap) -> int:
        with self.write():
            cur = self.conn.execute(
                "INSERT INTO gaps (start_date, end_date, reason) VALUES (?, ?, ?)",
                [gap.start.isoformat(), gap.end.isoformat(), gap.reason],
            )
        return int(cur.lastrowid)

    def record_gap(self, gap: Gap) -> tuple[Gap, list[Gap]]:
        """Record an untracked period, merged with the recorded gaps it overlaps.

        Returns the gap as stored (with its id) and the recorded gaps it overlapped (none
        when it overlaps nothing): overlapping gaps become one gap over all their days,
        numbered as the first of them, with their reasons joined, so that no day is in
        two gaps. A period wholly inside
        one recorded gap is refused (InvalidValue): it is already recorded.
        """
        from migrainecli.errors import InvalidValue

        with self.write():
            rows = self.conn.execute(
                "SELECT * FROM gaps WHERE start_date <= ? AND end_date >= ? "
                "ORDER BY start_date, end_date, id",
                [gap.end.isoformat(), gap.start.isoformat()],
            )
            overlapped = [_gap(r) for r in rows]
            for g in overlapped:
                if g.start <= gap.start and gap.end <= g.end:
                    raise InvalidValue(
                        f"That period is already recorded as gap #{g.id} ({g.start} to {g.end})."
                    )
            reasons: list[str] = []
            for text in [g.reason for g in overlapped] + [gap.reason]:
                if text and text not in reasons:
                    reasons.append(text)
            merged = Gap(
                min([gap.start, *(g.start for g in overlapped)]),
                max([gap.end, *(g.end for g in overlapped)]),
                "; ".join(reasons) or None,
            )
            values = [merged.start.isoformat(), merged.end.isoformat(), merged.reason]
            if not overlapped:
                cur = self.conn.execute(
                    "INSERT INTO gaps (start_date, end_date, reason) VALUES (?, ?, ?)", values
                )
                merged.id = int(cur.lastrowid)
            else:  # the first overlapped gap keeps its number and takes the others' days
                merged.id = overlapped[0].id
                for g in overlapped[1:]:
                    self.conn.execute("DELETE FROM gaps WHERE id = ?", [g.id])
                self.conn.execute(
                    "UPDATE gaps SET start_date = ?, end_date = ?, reason = ? WHERE id = ?",
                    [*values, merged.id],
                )
        return merged, overlapped

    def gaps(self) -> list[Gap]:
        rows = self.conn.execute("SELECT * FROM gaps ORDER BY start_date, end_date, id")
        return [_gap(r) for r in rows]

    def gap(self, gap_id: int) -> Gap:
        """The recorded gap with this number; NotFound if there is none."""
        row = None
        if _storable_id(gap_id):
            row = self.conn.execute("SELECT * FROM gaps WHERE id = ?", [gap_id]).fetchone()
        if row is None:
            raise NotFound(f"There is no gap #{gap_id}; 'migrainecli gap list' shows them.")
        return _gap(row)

    def delete_gap(self, gap_id: int) -> Gap:
        if not _storable_id(gap_id):
            raise NotFound(f"There is no gap #{gap_id}; 'migrainecli gap list' shows them.")
        with self.write():
            row = self.conn.execute("SELECT * FROM gaps WHERE id = ?", [gap_id]).fetchone()
            if row is None:
                raise NotFound(f"There is no gap #{gap_id}; 'migrainecli gap list' shows them.")
            self.conn.execute("DELETE FROM gaps WHERE id = ?", [gap_id])
        return _gap(row)

    # -- everything, for the rules -------------------------------------------------------
    def load(self, *, rows_from: Callable[[list[date]], date] | None = None) -> DiaryData:
        """The diary as plain data for the rules and reports, in a handful of queries.

        Days logged as explicitly headache-free are left out: the rules count them
        exactly as unlogged tracked days (docs/criteria.md section 1), and leaving
        them out halves the work on a long diary. ``start`` still counts them. An
        aura-only day (severity none with an aura, ICHD-3 1.2.1.2) is kept: it counts
        for ICHD-3 1.3 B and shows in the calendar.

        With ``rows_from`` (``rules.criteria.rows_from``: given the period starts, the
        first date whose rows the rules read one by one) and stored month counts that
        are up to date, only the days and intakes from that month on are read, and
        ``history`` holds the stored counts of the months before it: a read then costs
        about the same on a long diary as on a short one. Otherwise (``rows_from`` None,
        a diary with months still to recount, counts made by another release) every
        row is read and ``history`` is None; the verdicts are the same either way
        (``tests/test_month_counts.py``).
        """
        gaps = tuple(self.gaps())
        periods = tuple(self.periods())
        history = None
        if rows_from is not None:
            since = rows_from([p.date for p in periods]).replace(day=1)
            history = self._stored_history(since, gaps)
        where = "(severity != 'none' OR aura = 1)"
        params: list[str] = []
        if history is not None:
            where += " AND date >= ?"
            params.append(history.since.isoformat())
        sql = f"SELECT {_DAY_SELECT} FROM days WHERE {where} ORDER BY date"
        rows = self.conn.execute(sql, params)
        return DiaryData(
            days=tuple(_day(r) for r in rows),
            intakes=tuple(self.intakes(history.since if history else None)),
            gaps=gaps,
            trials=tuple(self.trials()),
            start=self.start(),
            step_therapy_failures=_failures(self.get_setting(STEP_THERAPY_FAILURES)),
            scores=tuple(self.scores()),
            periods=periods,
            history=history,
        )

    # -- the stored month counts (schema m006) -------------------------------------------
    def _stored_history(self, since: date, gaps: Iterable[Gap]) -> MonthHistory | None:
        """The stored counts of the months before ``since``; None unless every month is
        counted and the counts were made on the current basis (``tally_basis``)."""

        conn = self.conn
        month = since.isoformat()[:7]
        try:
            state = conn.execute("SELECT basis FROM month_counts_state").fetchone()
            if state is None or state[0] != tally_basis(gaps):
                return None
            # a month to recount before the ones read from their rows
            if conn.execute(
                "SELECT 1 FROM month_counts_stale WHERE month < ? LIMIT 1", [month]
            ).fetchone():
                return None
            counts = conn.execute(
                "SELECT month, counts FROM month_counts WHERE month < ? AND counts IS NOT NULL",
                [month],
            ).fetchall()
            # the months' triptans and classes added up, each triptan in the order of
            # its first intake (json_each.id follows the order of the stored object)
            triptans = conn.execute(
                "SELECT j.key, sum(json_extract(j.value, '$[0]')), "
                "sum(json_extract(j.value, '$[1]')) "
                "FROM month_counts AS m, json_each(m.triptans) AS j "
                "WHERE m.month < ? AND m.triptans IS NOT NULL "
                "GROUP BY j.key ORDER BY min(m.month || printf('%010d', j.id))",
                [month],
            ).fetchall()
            classes = conn.execute(
                "SELECT j.key, sum(j.value) FROM month_counts AS m, json_each(m.classes) AS j "
                "WHERE m.month < ? AND m.classes IS NOT NULL GROUP BY j.key",
                [month],
            ).fetchall()
        except sqlite3.OperationalError as err:
            if "no such table" in str(err):  # a diary opened read-only before m006
                return None
            raise
        from migrainecli.catalogue import load_catalogue
        from migrainecli.rules.months import decode_tally, moh_classes

        acute_ids, _ = moh_classes(load_catalogue())
        try:
            tallies = {(int(m[:4]), int(m[5:])): decode_tally(c, acute_ids) for m, c in counts}
        except (TypeError, ValueError):  # not what this counting stores: read the rows
            return None
        return MonthHistory(
            since,
            tallies,
            {key: [n, bad] for key, n, bad in triptans},
            dict(classes),
        )

    def _recount(self) -> None:
        """Recount, inside the write transaction about to commit, the months its writes
        touched (``month_counts_stale``), or every month when the stored counts were made
        on another basis (another counting, release or set of gaps).

        A month still running (today's, by the clock) stays marked: a read never takes
        the stored count of the month it is as of (``rules.criteria.rows_needed_from``
        counts that one from its rows), so an everyday ``log`` of today or of this
        month pays for no recount, and the first write of a later month recounts it.
        """
        conn = self.conn
        try:
            stale = [r[0] for r in conn.execute("SELECT DISTINCT month FROM month_counts_stale")]
            state = conn.execute("SELECT basis FROM month_counts_state").fetchone()
        except sqlite3.OperationalError as err:
            if "no such table" in str(err):  # a write before m006 (the upgrade itself)
                return
            raise
        current = running_month()
        ended = [m for m in stale if m < current]
        gaps = self.gaps()
        basis = tally_basis(gaps)
        same_basis = state is not None and state[0] == basis
        if same_basis and not ended:
            return
        counted = month_count_rows(self, gaps, ended if same_basis else None)
        if same_basis:
            conn.executemany("DELETE FROM month_counts WHERE month = ?", [[m] for m in ended])
            conn.execute("DELETE FROM month_counts_stale WHERE month < ?", [current])
        else:
            conn.execute("DELETE FROM month_counts")
            conn.execute("DELETE FROM month_counts_stale")
        conn.executemany("INSERT INTO month_counts VALUES (?, ?, ?, ?)", counted)
        conn.execute("INSERT OR REPLACE INTO month_counts_state VALUES (1, ?)", [basis])

    def recount_months(self) -> None:
        """Recount every month's stored counts from the rows (``check --recount``)."""
        with self.write():
            self.conn.execute("DELETE FROM month_counts_state")

    def stored_month_counts(self) -> list[tuple[str, bytes | None, str | None, str | None]] | None:
        """The ``month_counts`` rows as stored, by month (None before m006), for
        ``check``."""
        try:
            return self.conn.execute("SELECT * FROM month_counts ORDER BY month").fetchall()
        except sqlite3.OperationalError as err:
            if "no such table" in str(err):
                return None
            raise

    # -- disability scores (section 8) ---------------------------------------------------
    def scores(self) -> list[Score]:
        """Every MIDAS and HIT-6 score, by date (then as entered)."""
        rows = self.conn.execute(f"SELECT {_SCORE_SELECT} FROM scores ORDER BY date, id")
        return [_score(r) for r in rows]

    def add_score(self, score: Score) -> int:
        values = _score_row(score)
        cols = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        with self.write():
            cur = self.conn.execute(
                f"INSERT INTO scores ({cols}) VALUES ({marks})", list(values.values())
            )
        return int(cur.lastrowid)

    def delete_score(self, score_id: int) -> Score:
        return _score(self._delete_by_id("scores", _SCORE_SELECT, score_id, "score"))

    def _delete_by_id(self, table: str, select: str, row_id: int, noun: str) -> tuple:
        """Delete one row of ``table`` by its number, in one write, and return it as it was;
        a number that is not there is "There is no <noun> #N; '<noun> list' shows them"."""
        missing = f"There is no {noun} #{row_id}; 'migrainecli {noun} list' shows them."
        if not _storable_id(row_id):
            raise NotFound(missing)
        with self.write():
            row = self.conn.execute(
                f"SELECT {select} FROM {table} WHERE id = ?", [row_id]
            ).fetchone()
            if row is None:
                raise NotFound(missing)
            self.conn.execute(f"DELETE FROM {table} WHERE id = ?", [row_id])
        return row

    # -- periods (section 9) -------------------------------------------------------------
    def periods(self) -> list[Period]:
        """Every recorded first day of a period, by date."""
        rows = self.conn.execute("SELECT id, date, note FROM periods ORDER BY date")
        return [Period(date.fromisoformat(d), note, id_) for id_, d, note in rows]

    def add_period(self, period: Period) -> int:
        with self.write():
            cur = self.conn.execute(
                "INSERT INTO periods (date, note) VALUES (?, ?)",
                [period.date.isoformat(), period.note],
            )
        return int(cur.lastrowid)

    def delete_period(self, period_id: int) -> Period:
        id_, d, note = self._delete_by_id("periods", "id, date, note", period_id, "period")
        return Period(date.fromisoformat(d), note, id_)

    # -- trials ------------------------------------------------------------------------
    def trials(self) -> list[Trial]:
        rows = self.conn.execute(f"SELECT {_TRIAL_SELECT} FROM trials ORDER BY start_date, id")
        return [_trial(r) for r in rows]

    def get_trial(self, trial_id: int) -> Trial:
        row = None
        if _storable_id(trial_id):
            row = self.conn.execute(
                f"SELECT {_TRIAL_SELECT} FROM trials WHERE id = ?", [trial_id]
            ).fetchone()
        if row is None:
            raise NotFound(f"There is no trial #{trial_id}; 'migrainecli trial list' shows them.")
        return _trial(row)

    def save_trial(self, trial: Trial) -> int:
        """Insert (``trial.id`` None) or update a trial; returns its id."""
        values = _trial_row(trial)
        with self.write():
            if trial.id is None:
                cols = ", ".join(values)
                marks = ", ".join("?" for _ in values)
                cur = self.conn.execute(
                    f"INSERT INTO trials ({cols}) VALUES ({marks})", list(values.values())
                )
                return int(cur.lastrowid)
            sets = ", ".join(f"{c} = ?" for c in values)
            self.conn.execute(
                f"UPDATE trials SET {sets} WHERE id = ?", [*values.values(), trial.id]
            )
            return trial.id

    def delete_trial(self, trial_id: int) -> None:
        if not _storable_id(trial_id):
            raise NotFound(f"There is no trial #{trial_id}.")
        with self.write():
            cur = self.conn.execute("DELETE FROM trials WHERE id = ?", [trial_id])
            if cur.rowcount == 0:
                raise NotFound(f"There is no trial #{trial_id}.")


# The primary key of each journaled table (the journal stores it as a JSON array).
_JOURNAL_KEYS = {
    "days": ("date",),
    "intakes": ("id",),
    "gaps": ("id",),
    "trials": ("id",),
    "settings": ("key",),
    "scores": ("id",),  # m005
    "periods": ("id",),  # m005
}


def running_month() -> str:
    """Today's month, ``YYYY-MM``: the month still running, which a write leaves marked
    for the first write of a later month to recount (``Diary._recount``)."""
    return date.today().isoformat()[:7]


def tally_basis(gaps: Iterable[Gap]) -> str:
    """What stored month counts depend on besides each month's rows: the version of the
    counting, the release (its catalogue) and the gaps (a day in a gap is untracked).
    Not the diary start: no day is ever before it (``Diary.start``), and an intake needs
    its day."""
    from migrainecli import __version__
    from migrainecli.rules import TALLY_VERSION

    spans = ",".join(f"{g.start}..{g.end}" for g in sorted(gaps, key=lambda g: (g.start, g.end)))
    return f"counting {TALLY_VERSION}; migrainecli {__version__}; gaps {spans}"


def month_count_rows(
    diary: Diary, gaps: Iterable[Gap], months: Iterable[str] | None = None
) -> list[tuple[str, bytes | None, str | None, str | None]]:
    """The ``month_counts`` rows (month, counts, triptans, classes) of ``months``
    (``YYYY-MM``; None: every month with a day or intake), counted from the diary's rows
    by the rules' own functions: ``_recount`` stores them and ``check`` compares them
    with what is stored. A month with nothing to count has no row."""
    import json

    from migrainecli.catalogue import load_catalogue
    from migrainecli.rules.months import (
        _merged_gaps,
        class_days,
        encode_tally,
        month_tallies,
        triptan_tally,
    )

    catalogue = load_catalogue()
    lo = hi = wanted = None
    if months is not None:  # the rows from the first month to the last, of those months
        wanted = set(months)
        if not wanted:
            return []
        lo, hi = date.fromisoformat(f"{min(wanted)}-01"), _month_last(max(wanted))
    days = [
        d
        for d in diary.days(lo, hi)
        if (d.severity != "none" or d.aura) and (wanted is None or d.date.isoformat()[:7] in wanted)
    ]
    intakes = [
        i for i in diary.intakes(lo, hi) if wanted is None or i.date.isoformat()[:7] in wanted
    ]
    tallies = month_tallies(days, intakes, catalogue, _merged_gaps(list(gaps), date.min, date.max))
    by_month: dict[str, list[Intake]] = {}
    for i in intakes:
        by_month.setdefault(i.date.isoformat()[:7], []).append(i)
    keys = sorted({f"{y:04d}-{m:02d}" for y, m in tallies} | set(by_month))
    rows = []
    for key in keys:
        tally = tallies.get((int(key[:4]), int(key[5:])))
        taken = by_month.get(key, [])
        triptans = triptan_tally(taken, catalogue)
        classes = class_days(taken)
        rows.append(
            (
                key,
                encode_tally(tally) if tally else None,
                json.dumps(triptans, separators=(",", ":")) if triptans else None,
                json.dumps(classes, separators=(",", ":")) if classes else None,
            )
        )
    return rows


def _month_last(month: str) -> date:
    from migrainecli.rules.months import days_in

    year, m = int(month[:4]), int(month[5:])
    return date(year, m, days_in(year, m))


def _storable_id(n: int) -> bool:
    """Whether ``n`` fits SQLite's 64-bit integers (a larger one cannot name any row)."""
    return -(2**63) <= n < 2**63


def _between(sql: str, col: str, start: date | None, end: date | None) -> tuple[str, list[str]]:
    clauses, params = [], []
    if start:
        clauses.append(f"{col} >= ?")
        params.append(start.isoformat())
    if end:
        clauses.append(f"{col} <= ?")
        params.append(end.isoformat())
    if clauses:
        sql += " WHERE " + " AND ".join(clauses)
    return sql, params


def _int(value: bool | None) -> int | None:
    return None if value is None else int(value)


_DAY_COLUMNS = DAY_FIELDS
_DAY_SELECT = ", ".join(_DAY_COLUMNS)
# An upsert that would store the same values changes nothing (and journals nothing).
_DAY_DIFFERS = (
    "WHERE ("
    + ", ".join(_DAY_COLUMNS[1:])
    + ") IS NOT ("
    + ", ".join(f"excluded.{c}" for c in _DAY_COLUMNS[1:])
    + ")"
)
# Insert or replace a day (``_day_row`` gives its values in ``_DAY_COLUMNS`` order).
_DAY_UPSERT = (
    f"INSERT INTO days ({', '.join(_DAY_COLUMNS)}) "
    f"VALUES ({', '.join('?' for _ in _DAY_COLUMNS)}) "
    "ON CONFLICT(date) DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in _DAY_COLUMNS[1:])
    + f" {_DAY_DIFFERS}"
)


_BOOL = {None: None, 0: False, 1: True}


def _day(row: tuple) -> Day:
    """A ``days`` row (columns in ``_DAY_COLUMNS`` order, the order of Day's fields)."""
    d, severity, hours, u, p, a, n, v, ph, so, au, bm, impairment, note = row
    b = _BOOL
    return Day(
        date.fromisoformat(d), severity, hours,
        b[u], b[p], b[a], b[n], b[v], b[ph], b[so], b[au], b[bm], impairment, note,
    )  # fmt: skip


_INT = {None: None, False: 0, True: 1}


def _day_values(day: Day) -> tuple:
    """``_day_row(day)``'s values, made faster (import writes thousands)."""
    i = _INT
    return (
        day.date.isoformat(), day.severity, day.hours, i[day.unilateral], i[day.pulsating],
        i[day.activity], i[day.nausea], i[day.vomiting], i[day.photophobia],
        i[day.phonophobia], i[day.aura], i[day.believed_migraine], day.impairment, day.note,
    )  # fmt: skip


def _day_row(day: Day) -> dict[str, object]:
    return {
        "date": day.date.isoformat(),
        "severity": day.severity,
        "hours": day.hours,
        **{f: _int(getattr(day, f)) for f in (*FEATURES, "believed_migraine")},
        "impairment": day.impairment,
        "note": day.note,
    }


def _intake(row: tuple) -> Intake:
    id_, d, medication, dose, relieved, class_id = row
    return Intake(date.fromisoformat(d), medication, dose, _BOOL[relieved], class_id, id_)


def _gap(row: tuple) -> Gap:
    id_, start, end, reason = row
    return Gap(date.fromisoformat(start), date.fromisoformat(end), reason, id_)


_TRIAL_COLUMNS = (
    "therapy", "class_id", "kind", "start_date", "end_date", "dose", "outcome", "reason", "note",
    "start_approximate", "end_approximate",
)  # fmt: skip
_TRIAL_SELECT = "id, " + ", ".join(_TRIAL_COLUMNS)


def _trial(row: tuple) -> Trial:
    id_, therapy, class_id, kind, start, end, dose, outcome, reason, note, sa, ea = row
    return Trial(
        therapy=therapy,
        class_id=class_id,
        kind=kind,
        start=date.fromisoformat(start),
        end=date.fromisoformat(end) if end else None,
        dose=dose,
        outcome=outcome,
        reason=reason,
        note=note,
        id=id_,
        start_approximate=bool(sa),
        end_approximate=bool(ea),
    )


_SCORE_COLUMNS = (
    "date", "instrument", "total", "q1", "q2", "q3", "q4", "q5", "headache_days", "pain", "note",
)  # fmt: skip
_SCORE_SELECT = "id, " + ", ".join(_SCORE_COLUMNS)


def _score(row: tuple) -> Score:
    id_, d, instrument, total, q1, q2, q3, q4, q5, headache_days, pain, note = row
    return Score(
        date.fromisoformat(d), instrument, total, q1, q2, q3, q4, q5, headache_days, pain,
        note, id_,
    )  # fmt: skip


def _score_row(s: Score) -> dict[str, object]:
    return {c: (s.date.isoformat() if c == "date" else getattr(s, c)) for c in _SCORE_COLUMNS}


def _trial_row(t: Trial) -> dict[str, object]:
    return {
        "therapy": t.therapy,
        "class_id": t.class_id,
        "kind": t.kind,
        "start_date": t.start.isoformat(),
        "end_date": t.end.isoformat() if t.end else None,
        "dose": t.dose,
        "outcome": t.outcome,
        "reason": t.reason,
        "note": t.note,
        "start_approximate": int(t.start_approximate),
        "end_approximate": int(t.end_approximate),
    }
