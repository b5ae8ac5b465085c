"""Checking a diary file and restoring one from a backup (the core of ``check``, ``restore``).

``check_diary`` reads the file through a connection that cannot change it and
answers in plain words: SQLite's ``integrity_check`` (damage, and rows breaking
the diary's CHECK constraints), ``foreign_key_check`` (intakes whose day is
missing), the record of schema steps against what this version knows, the
tables those steps create, and who may read the file. Nothing here prints.

``plan_restore`` / ``restore_diary`` put a backup in the diary's place: the
backup must pass the same check, the copy is made next to the diary (mode
0600) and renamed over it in one step, and the diary it replaces is kept
beside it, so a restore can itself be undone.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from migrainecli.errors import DiaryFileError, MigraineError, NotFound
from migrainecli.files import claimed_temp, private_replacement
from migrainecli.storage import (
    MIGRATION_NAMES,
    MIGRATION_SET,
    check_environment,
    drop_stale_journal,
    inspect_file,
    is_locked,
    read_only,
    refuse_special,
)

OK, NOTE, PROBLEM = "ok", "note", "problem"
MAX_DETAILS = 20  # detail lines kept per finding
TABLES = ("days", "intakes", "gaps", "trials", "settings")


@dataclass(frozen=True)
class Finding:
    """One aspect of the file: ``ok``, a ``note`` worth knowing, or a ``problem``."""

    name: str
    status: str
    summary: str
    details: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "status": self.status,
            "summary": self.summary,
            "details": list(self.details),
        }


@dataclass(frozen=True)
class Health:
    """What ``check_diary`` found."""

    path: Path
    kind: str  # "diary", "empty", "damaged", "foreign" (not a diary) or "unreadable"
    size: int
    findings: tuple[Finding, ...]
    rows: dict[str, int] = field(default_factory=dict)
    last_entry: str | None = None

    @property
    def healthy(self) -> bool:
        return all(f.status != PROBLEM for f in self.findings)

    @property
    def problems(self) -> list[Finding]:
        return [f for f in self.findings if f.status == PROBLEM]

    def sentence(self) -> str:
        """One sentence saying what is wrong and what to do (for stderr)."""
        what = "; ".join(_lower_first(f.summary.rstrip(".")) for f in self.problems)
        if self.kind in ("foreign", "unreadable"):
            return f"{self.path}: {what}. It was not changed; give the diary's path with --db."
        if all(f.name == "month counts" for f in self.problems):  # what to do is said
            return f"The diary at {self.path} has a problem: {what}."
        return (
            f"The diary at {self.path} has problems: {what}. It was not changed; restore it "
            "from a backup with 'migrainecli restore BACKUP'."
        )

    def describe_rows(self) -> str:
        parts = [
            f"{self.rows[t]:,} {t if self.rows[t] != 1 else t[:-1]}"
            for t in TABLES
            if t in self.rows and t != "settings"
        ]
        if not parts:
            return {"diary": "entries could not be counted", "empty": "no entries"}.get(
                self.kind, "not readable as a diary"
            )
        text = ", ".join(parts)
        if self.last_entry:
            text += f"; last entry {self.last_entry}"
        return text

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "healthy": self.healthy,
            "kind": self.kind,
            "size_bytes": self.size,
            "rows": dict(self.rows),
            "last_entry": self.last_entry,
            "checks": [f.to_dict() for f in self.findings],
        }


def _lower_first(text: str) -> str:
    return "the " + text[4:] if text.startswith("The ") else text


def _cap(lines: list[str]) -> tuple[str, ...]:
    if len(lines) <= MAX_DETAILS:
        return tuple(lines)
    return (*lines[:MAX_DETAILS], f"... and {len(lines) - MAX_DETAILS:,} more")


def check_diary(path: Path) -> Health:
    """Check the diary file at ``path`` without changing it (nor leaving -wal/-shm files)."""
    path = path.expanduser()
    if not path.exists():
        raise NotFound(f"There is no diary at {path} yet; nothing to check.")
    refuse_special(path)
    check_environment(path, write=False)  # another user's or others-writable: its cause
    size = path.stat().st_size
    findings = [_permissions(path)]
    try:
        _, has_tables = inspect_file(path)
    except DiaryFileError as err:
        message = str(err)
        findings.insert(0, Finding("file", PROBLEM, _first_clause(message, path)))
        # storage's messages: "... it may be damaged ..." / "... not a migrainecli diary ..."
        if "may be damaged" in message:
            integrity = _integrity_of_unreadable(path)
            if integrity.status == PROBLEM:  # (a file cut short may pass SQLite's check)
                findings.append(integrity)
            return Health(path, "damaged", size, tuple(findings))
        kind = "foreign" if "not a migrainecli diary" in message else "unreadable"
        return Health(path, kind, size, tuple(findings[:1]))
    if not has_tables:
        findings.insert(0, Finding("file", NOTE, "The file is empty: a diary with no entries."))
        return Health(path, "empty", size, tuple(findings))
    findings.insert(0, Finding("file", OK, "An SQLite database holding a migrainecli diary."))
    rows: dict[str, int] = {}
    last = None
    with read_only(path) as conn:
        findings.append(_integrity(conn))
        steps = (
            ("foreign keys", _foreign_keys),
            ("schema", _schema),
            ("entries", _entries),
            ("month counts", _month_counts),
        )
        for name, step in steps:
            try:
                findings.append(step(conn))
            except sqlite3.DatabaseError as err:
                findings.append(Finding(name, PROBLEM, f"The {name} check could not run ({err})."))
        try:
            tables = _tables(conn)
            for table in TABLES:
                if table in tables:
                    rows[table] = conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
            if "days" in tables:
                last = conn.execute("SELECT max(date) FROM days").fetchone()[0]
        except sqlite3.DatabaseError:
            pass  # the integrity finding already says the file is damaged
    return Health(path, "diary", size, tuple(findings), rows, last)


def _first_clause(message: str, path: Path) -> str:
    """What a DiaryFileError says is wrong, about "the file", without the advice."""
    if message.startswith(f"{path} "):
        message = "The file " + message[len(f"{path} ") :]
    return message.split("; give another path", 1)[0].split("; it may be damaged", 1)[0] + "."


def _permissions(path: Path) -> Finding:
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        return Finding(
            "permissions",
            NOTE,
            f"Other users of this computer may read the file (mode {mode:04o}); "
            f"'chmod 600 {path}' makes it yours alone.",
        )
    return Finding("permissions", OK, "Readable and writable by you only.")


def _integrity(conn: sqlite3.Connection) -> Finding:
    lines: list[str] = []
    try:
        rows = conn.execute("PRAGMA integrity_check(100)").fetchall()
    except sqlite3.DatabaseError:
        try:  # the full check gave up on the damage; the structural one may say where
            rows = conn.execute("PRAGMA quick_check(100)").fetchall()
        except sqlite3.DatabaseError as err:
            return Finding(
                "integrity",
                PROBLEM,
                "SQLite's integrity check found damage it cannot read past.",
                (str(err),),
            )
    for (text,) in rows:
        lines.extend(x for x in str(text).splitlines() if not x.startswith("*** in database"))
    if lines == ["ok"]:
        return Finding("integrity", OK, "SQLite's integrity check found no damage.")
    return Finding(
        "integrity",
        PROBLEM,
        f"SQLite's integrity check found damage ({len(lines):,} message{'s' * (len(lines) != 1)}).",
        _cap(lines),
    )


def _integrity_of_unreadable(path: Path) -> Finding:
    """What SQLite says about a file that cannot be read as a diary at all."""
    try:
        with read_only(path) as conn:
            return _integrity(conn)
    except sqlite3.DatabaseError as err:
        return Finding("integrity", PROBLEM, "SQLite could not read the file.", (str(err),))


def _foreign_keys(conn: sqlite3.Connection) -> Finding:
    rows = conn.execute("PRAGMA foreign_key_check").fetchall()
    if not rows:
        return Finding("foreign keys", OK, "Every medication intake belongs to a logged day.")
    lines = []
    for table, rowid, parent, _ in rows:
        where = ""
        if table == "intakes":
            found = conn.execute("SELECT date FROM intakes WHERE rowid = ?", [rowid]).fetchone()
            where = f" (dated {found[0]})" if found else ""
        lines.append(f"{table} row {rowid}{where} refers to a missing row of {parent}")
    return Finding(
        "foreign keys",
        PROBLEM,
        f"{len(rows):,} {'row refers' if len(rows) == 1 else 'rows refer'} to entries that "
        "are missing.",
        _cap(lines),
    )


def _entries(conn: sqlite3.Connection) -> Finding:
    """Entries that look mistyped: days before the date of birth, intakes of a class the
    catalogue does not know. A note, not damage: they are counted as recorded."""
    from migrainecli.catalogue import load_catalogue

    lines = []
    dob = conn.execute("SELECT value FROM settings WHERE key = 'dob'").fetchone()
    if dob:
        n, first = conn.execute(
            "SELECT count(*), min(date) FROM days WHERE date < ?", [dob[0]]
        ).fetchone()
        if n:
            lines.append(
                f"{n:,} logged day{'s' * (n != 1)} before the date of birth ({dob[0]}), "
                f"the first on {first}"
            )
    known = load_catalogue().classes
    for class_id, n in conn.execute(
        "SELECT class_id, count(*) FROM intakes GROUP BY class_id ORDER BY class_id"
    ):
        if class_id not in known:
            lines.append(
                f"{n:,} intake{'s' * (n != 1)} under class {class_id!r}, which the catalogue "
                "does not know"
            )
    if not lines:
        return Finding(
            "entries", OK, "No day before the date of birth; every intake's class is known."
        )
    return Finding(
        "entries", NOTE, "Some entries look mistyped; they are counted as recorded.", _cap(lines)
    )


def _month_counts(conn: sqlite3.Connection) -> Finding:
    """The month counts the diary stores (schema m006) against a recount of its days and
    intakes by this version's rules."""
    from migrainecli.storage import Diary, month_count_rows, running_month, tally_basis

    name = "month counts"
    if "month_counts" not in _tables(conn):
        return Finding(name, NOTE, "Not stored yet: they are made when the diary is upgraded.")
    diary = Diary(conn, None)
    gaps = diary.gaps()
    state = conn.execute("SELECT basis FROM month_counts_state").fetchone()
    # the month still running is recounted by the first write of a later month
    running = {r[0] for r in conn.execute("SELECT DISTINCT month FROM month_counts_stale")}
    ended = {m for m in running if m < running_month()}
    if state is None or state[0] != tally_basis(gaps) or ended:
        return Finding(
            name,
            NOTE,
            "Made by another version of migrainecli or not finished: they are recounted at the "
            "next change to the diary, and until then every report counts from the days.",
        )
    stored = [r for r in diary.stored_month_counts() or [] if r[0] not in running]
    fresh = [r for r in month_count_rows(diary, gaps) if r[0] not in running]
    if stored == fresh:
        n = len(stored)
        if not n:
            return Finding(name, OK, "None to compare yet: this month is counted from its days.")
        return Finding(
            name, OK, f"The stored counts of {n:,} month{'s' * (n != 1)} match a recount."
        )
    differ = sorted({r[0] for r in set(stored) ^ set(fresh)})
    return Finding(
        name,
        PROBLEM,
        f"The stored counts of {len(differ):,} month{'s' * (len(differ) != 1)} differ from a "
        "recount of their days; 'migrainecli check --recount' makes them again.",
        _cap(differ),
    )


def _tables(conn: sqlite3.Connection) -> set[str]:
    return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def _columns(conn: sqlite3.Connection, table: str) -> set[str]:
    return {r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')}


def _schema(conn: sqlite3.Connection) -> Finding:
    """The record of schema steps against this version's, and the tables they create."""
    applied = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM _sqlite_migrations WHERE migration_set = ? ORDER BY id",
            [MIGRATION_SET],
        )
    ]
    known = [n for n in applied if n in MIGRATION_NAMES]
    newer = [n for n in applied if n not in MIGRATION_NAMES]
    if sorted(known) != sorted(MIGRATION_NAMES[: len(known)]):
        return Finding(
            "schema",
            PROBLEM,
            "The record of schema steps has a step missing.",
            (f"recorded: {', '.join(applied)}", f"expected: {', '.join(MIGRATION_NAMES)}"),
        )
    if newer:
        return Finding(
            "schema",
            NOTE,
            f"Written by a newer version of migrainecli (schema step {newer[0]!r}); this "
            "version can read it but not change it.",
        )
    missing = _missing_layout(conn, known)
    if missing:
        return Finding(
            "schema",
            PROBLEM,
            "Tables or columns the recorded schema steps create are missing.",
            _cap(missing),
        )
    pending = MIGRATION_NAMES[len(known) :]
    if pending:
        return Finding(
            "schema",
            NOTE,
            f"An earlier layout (up to {known[-1]}); migrainecli upgrades it the next time "
            f"it is used ({', '.join(pending)}).",
        )
    return Finding("schema", OK, f"Up to date ({', '.join(known)}).")


def _missing_layout(conn: sqlite3.Connection, steps: list[str]) -> list[str]:
    """Tables and columns the applied ``steps`` create that the file lacks."""
    from sqlite_utils import Database

    from migrainecli.schema import migrations

    reference = Database(memory=True)
    try:
        migrations.apply(reference, stop_before=list(MIGRATION_NAMES[len(steps) :]) or None)
        have = _tables(conn)
        missing = []
        for table in sorted(_tables(reference.conn) - {"_sqlite_migrations"}):
            if table not in have:
                missing.append(f"table {table} is missing")
                continue
            lacking = _columns(reference.conn, table) - _columns(conn, table)
            missing.extend(f"column {table}.{c} is missing" for c in sorted(lacking))
        return missing
    finally:
        reference.close()


# -- restore -----------------------------------------------------------------------------
@dataclass(frozen=True)
class RestorePlan:
    """A checked backup and the diary it would replace."""

    backup: Path
    target: Path
    incoming: Health
    current: Health | None  # None: there is no diary at the target yet
    keep_as: Path | None  # where the replaced diary is kept


def plan_restore(
    backup: Path, target: Path, *, now: datetime | None = None, force: bool = False
) -> RestorePlan:
    """Check that ``backup`` can replace the diary at ``target``; change nothing.

    Only a regular file (or nothing) is replaced. A symlinked diary, or one the user
    made read-only, is refused unless ``force``; with it a link's target is restored
    and the link itself is kept.
    """
    backup, target = backup.expanduser(), target.expanduser()
    if target.is_symlink():
        aim = target.resolve()
        if not force:
            raise MigraineError(
                f"The diary {target} is a symbolic link to {aim}; restore will not replace it "
                f"unless you give --force, which restores into {aim} and keeps the link."
            )
        target = aim
    refuse_special(target)
    if target.exists() and not target.stat().st_mode & stat.S_IWUSR and not force:
        raise MigraineError(
            f"The diary {target} is read-only (mode {stat.S_IMODE(target.stat().st_mode):04o}), "
            "as if kept from changes on purpose; give --force to replace it anyway."
        )
    if not backup.exists():
        raise NotFound(f"There is no file {backup} to restore.")
    if backup.is_dir():
        raise MigraineError(f"{backup} is a folder; give the backup file.")
    if target.exists() and backup.resolve() == target.resolve():
        raise MigraineError(f"{backup} is the diary itself; give the backup file to restore.")
    incoming = check_diary(backup)
    if not incoming.healthy:
        what = "; ".join(_lower_first(f.summary.rstrip(".")) for f in incoming.problems)
        raise DiaryFileError(
            f"{backup} cannot be restored: {what}. Nothing was changed; "
            f"'migrainecli --db {backup} check' shows the details."
        )
    if not incoming.rows:
        raise DiaryFileError(f"{backup} is an empty file, not a diary backup; nothing was changed.")
    if any(f.name == "schema" and "newer version" in f.summary for f in incoming.findings):
        raise DiaryFileError(
            f"{backup} was written by a newer version of migrainecli; upgrade migrainecli to "
            "restore it. Nothing was changed."
        )
    current, keep_as = None, None
    if target.exists():
        current = check_diary(target)
        if current.kind in ("foreign", "unreadable"):
            raise DiaryFileError(
                f"{target} is not a migrainecli diary, so restore will not replace it; "
                "give the diary's path with --db."
            )
        stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
        keep_as = target.with_name(f"{target.stem}.before-restore-{stamp}{target.suffix}")
        n = 1
        while keep_as.exists():  # two restores within a second: never overwrite a kept diary
            n += 1
            keep_as = target.with_name(f"{target.stem}.before-restore-{stamp}-{n}{target.suffix}")
    return RestorePlan(backup, target, incoming, current, keep_as)


def restore_diary(plan: RestorePlan) -> Health:
    """Put the backup in the diary's place in one rename; returns the check of the result.

    The copy is made with SQLite's backup API into a 0600 file in the diary's folder
    (switched to WAL, like every diary) and must pass SQLite's integrity check before
    the rename, which is atomic. An existing diary is first checkpointed and taken out
    of WAL mode, which SQLite refuses while any other program has it open: the restore
    then stops with nothing changed. The replaced diary is copied to ``plan.keep_as``
    first, under a temporary name renamed last, so a kill never leaves a torn copy
    under that name. A rollback journal is never left beside (or carried into) the
    restored file: the restore stops if one appears.
    """
    target = plan.target
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    with private_replacement(target, suffix=".restore") as tmp:
        with read_only(plan.backup) as src:
            dst = sqlite3.connect(tmp)
            try:
                src.backup(dst)
                if dst.execute("PRAGMA journal_mode = WAL").fetchone()[0] != "wal":
                    raise MigraineError(f"Could not prepare the copy of {plan.backup}.")
                verdict = dst.execute("PRAGMA integrity_check(1)").fetchone()[0]
                if verdict != "ok":
                    raise DiaryFileError(
                        f"The copy of {plan.backup} failed SQLite's integrity check ({verdict}); "
                        "nothing was changed."
                    )
            finally:
                dst.close()
        if target.exists():
            assert plan.keep_as is not None
            current = plan.current
            if current is not None and current.kind == "diary" and current.healthy:
                _release(target)
            if Path(f"{target}-journal").exists():
                raise MigraineError(
                    f"The diary at {target} has an unfinished change ({target}-journal); "
                    "run 'migrainecli check' to finish it, then restore again. "
                    "Nothing was changed."
                )
            _copy_private(target, plan.keep_as)  # a damaged diary is kept byte for byte
            for suffix in ("-wal", "-shm"):  # kept with it: they belong to the old file
                side = Path(f"{target}{suffix}")
                if side.exists():
                    os.replace(side, Path(f"{plan.keep_as}{suffix}"))
    result = check_diary(target)
    if not result.healthy:  # pragma: no cover - the copy was checked before the rename
        raise DiaryFileError(
            f"The restored diary at {target} does not pass the check; the previous diary is "
            f"kept as {plan.keep_as}."
        )
    return result


def _release(target: Path) -> None:
    """Fold the diary's WAL into the file and leave WAL mode, proving nobody has it open."""
    try:
        conn = sqlite3.connect(target, timeout=1.0)
    except sqlite3.Error:
        return  # unreadable: nothing to fold in; its side files are moved aside
    try:
        conn.execute("BEGIN IMMEDIATE")
        drop_stale_journal(conn, target)  # never carried into the restored file
        conn.execute("COMMIT")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        mode = conn.execute("PRAGMA journal_mode = DELETE").fetchone()[0]
    except sqlite3.OperationalError as err:
        if is_locked(err):
            raise MigraineError(
                f"The diary at {target} is open in another program (another migrainecli, "
                "Datasette, sqlite3...); close it and try again. Nothing was changed."
            ) from None
        return  # a damaged diary: it is kept as it is
    except sqlite3.DatabaseError:
        return
    finally:
        conn.close()
    if mode != "delete":  # pragma: no cover - SQLite answers 'delete' or raises
        raise MigraineError(f"The diary at {target} could not be released; nothing was changed.")


def _copy_private(src: Path, dest: Path) -> None:
    """Copy ``src`` to a new ``dest`` (0600): written under a temporary name, linked last.

    The temporary file carries ``src``'s prefix, so the next command on the diary
    removes it if a kill leaves it behind.
    """
    fd, tmp = claimed_temp(src, ".keep")
    try:
        with open(fd, "wb", closefd=False) as out, src.open("rb") as inp:
            while chunk := inp.read(1 << 20):
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        os.link(tmp, dest)  # never replaces an existing file
    finally:
        tmp.unlink(missing_ok=True)
        os.close(fd)
