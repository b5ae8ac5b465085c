"""The diary schema, created and evolved only through sqlite-utils' migrations.

Never edit a migration that has shipped; append a new one to ``STEPS``, whose function
names are ``MIGRATION_NAMES`` (the one list of them: storage and health read it). The
sqlite-utils ``migrations`` object is built on first use (``schema.migrations``), so that
everyday commands do not pay for importing sqlite-utils. A new, empty diary is made by
:func:`create`: the same steps, run in order without importing sqlite-utils, recorded in
the ``_sqlite_migrations`` table exactly as sqlite-utils records them.
"""

from __future__ import annotations

import sqlite3

from migrainecli.models import FEATURES, KINDS

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at start-up (fastlog)
if TYPE_CHECKING:  # pragma: no cover - typing only
    from sqlite_utils import Database
    from sqlite_utils.migrations import Migrations

MIGRATION_SET = "migrainecli"

# A real calendar date written YYYY-MM-DD (date(..., '+0 days') normalises 2026-02-30).
_ISO_CHECK = (
    "{col} GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' AND date({col}, '+0 days') IS {col}"
)


def _iso(col: str) -> str:
    return _ISO_CHECK.format(col=col)


def _bool(col: str) -> str:
    return f"{col} INTEGER CHECK ({col} IN (0, 1))"


def _script(db: Database, sql: str) -> None:
    """Run the statements of ``sql`` inside the migration's transaction.

    What ``db.executescript`` does (inside a transaction it runs one statement at a time,
    since ``sqlite3.executescript`` would commit first), but sqlite-utils 4 finds the ends
    of the statements by asking ``sqlite3.complete_statement`` about every prefix of the
    script, one character longer each time: 85 % of the time of creating a diary. A
    statement can only end at a ``;``, so only the prefixes that end in one are asked.
    The statements run are the same, in the same order.
    """
    if not db.conn.in_transaction:
        db.conn.executescript(sql)
        return
    cursor = db.conn.cursor()
    start = 0
    for end, char in enumerate(sql):
        if char == ";" and sqlite3.complete_statement(sql[start : end + 1]):
            cursor.execute(sql[start : end + 1].strip())
            start = end + 1
    if sql[start:].strip():
        cursor.execute(sql[start:].strip())


def m001_diary(db: Database) -> None:
    """Logged days, acute-medication intakes, untracked gaps and settings."""
    features = ",\n  ".join(_bool(f) for f in (*FEATURES, "believed_migraine"))
    _script(
        db,
        f"""
CREATE TABLE days (
  date TEXT PRIMARY KEY CHECK ({_iso("date")}),
  severity TEXT NOT NULL CHECK (severity IN ('none', 'mild', 'moderate', 'severe')),
  hours REAL CHECK (hours > 0 AND hours <= 24),
  {features},
  impairment TEXT CHECK (impairment IN ('none', 'mild', 'serious', 'bedbound')),
  note TEXT
);
CREATE TABLE intakes (
  id INTEGER PRIMARY KEY,
  date TEXT NOT NULL REFERENCES days(date) ON DELETE CASCADE ON UPDATE CASCADE,
  medication TEXT NOT NULL CHECK (length(trim(medication)) > 0),
  dose TEXT,
  {_bool("relieved")},
  class_id TEXT
);
CREATE INDEX intakes_date ON intakes(date);
CREATE TABLE gaps (
  id INTEGER PRIMARY KEY,
  start_date TEXT NOT NULL CHECK ({_iso("start_date")}),
  end_date TEXT NOT NULL CHECK ({_iso("end_date")}),
  reason TEXT,
  CHECK (end_date >= start_date)
);
CREATE INDEX gaps_dates ON gaps(start_date, end_date);
CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
""",
    )


# The outcomes as m002 shipped them (frozen: a shipped migration never changes).
M002_OUTCOMES = (
    "ongoing",
    "effective",
    "partial",
    "ineffective",
    "not_tolerated",
    "contraindicated",
    "stopped_other",
)
# m004 adds ``paused`` (EHF 2022) and ``unavailable`` (2025 consensus, access barriers).
M004_OUTCOMES = (*M002_OUTCOMES, "paused", "unavailable")


def m002_trials(db: Database) -> None:
    """Therapy trials: one row per trial of a therapy, ended or ongoing."""
    kinds = ", ".join(f"'{k}'" for k in KINDS)
    outcomes = ", ".join(f"'{o}'" for o in M002_OUTCOMES)
    _script(
        db,
        f"""
CREATE TABLE trials (
  id INTEGER PRIMARY KEY,
  therapy TEXT NOT NULL CHECK (length(trim(therapy)) > 0),
  class_id TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ({kinds})),
  start_date TEXT NOT NULL CHECK ({_iso("start_date")}),
  end_date TEXT CHECK ({_iso("end_date")}),
  dose TEXT,
  outcome TEXT NOT NULL CHECK (outcome IN ({outcomes})),
  reason TEXT,
  note TEXT,
  CHECK (end_date IS NULL OR end_date >= start_date),
  CHECK ((end_date IS NULL) = (outcome = 'ongoing'))
);
CREATE INDEX trials_class ON trials(class_id, start_date);
""",
    )


# The journal behind ``undo`` (m003): each command that writes opens one ``changes`` row;
# triggers copy every row it inserts, updates or deletes into ``change_rows`` (the old
# values as JSON), in the same transaction as the change itself.
JOURNALED = {
    "days": (
        ("date",),
        ("date", "severity", "hours", *FEATURES, "believed_migraine", "impairment", "note"),
    ),
    "intakes": (("id",), ("id", "date", "medication", "dose", "relieved", "class_id")),
    "gaps": (("id",), ("id", "start_date", "end_date", "reason")),
    "trials": (
        ("id",),
        (
            "id",
            "therapy",
            "class_id",
            "kind",
            "start_date",
            "end_date",
            "dose",
            "outcome",
            "reason",
            "note",
            "start_approximate",
            "end_approximate",
        ),
    ),  # fmt: skip
    "settings": (("key",), ("key", "value")),
}


def journal_triggers(table: str, key: tuple[str, ...], columns: tuple[str, ...]) -> str:
    """The three triggers that journal ``table`` while a change is open."""
    open_change = "(SELECT max(id) FROM changes WHERE open = 1)"

    def key_of(row: str) -> str:
        return "json_array(" + ", ".join(f"{row}.{k}" for k in key) + ")"

    def old_row() -> str:
        return "json_object(" + ", ".join(f"'{c}', OLD.{c}" for c in columns) + ")"

    statements = []
    for op, keyed, old in (
        ("insert", key_of("NEW"), "NULL"),
        ("update", key_of("NEW"), old_row()),
        ("delete", key_of("OLD"), old_row()),
    ):
        statements.append(
            f"CREATE TRIGGER {table}_journal_{op} AFTER {op.upper()} ON {table}\n"
            f"WHEN EXISTS (SELECT 1 FROM changes WHERE open = 1)\n"
            f"BEGIN\n"
            f"  INSERT INTO change_rows (change_id, tbl, op, key, old)\n"
            f"  VALUES ({open_change}, '{table}', '{op}', {keyed}, {old});\n"
            f"END;"
        )
    return "\n".join(statements)


def m003_journal(db: Database) -> None:
    """Month-only trial dates, and the journal of changes that ``undo`` reverts."""
    _script(
        db,
        """
ALTER TABLE trials ADD COLUMN start_approximate INTEGER NOT NULL DEFAULT 0
  CHECK (start_approximate IN (0, 1));
ALTER TABLE trials ADD COLUMN end_approximate INTEGER NOT NULL DEFAULT 0
  CHECK (end_approximate IN (0, 1));
CREATE TABLE changes (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  command TEXT NOT NULL,
  summary TEXT NOT NULL DEFAULT '',
  open INTEGER NOT NULL DEFAULT 1 CHECK (open IN (0, 1))
);
CREATE TABLE change_rows (
  id INTEGER PRIMARY KEY,
  change_id INTEGER NOT NULL REFERENCES changes(id) ON DELETE CASCADE,
  tbl TEXT NOT NULL,
  op TEXT NOT NULL CHECK (op IN ('insert', 'update', 'delete')),
  key TEXT NOT NULL,
  old TEXT
);
CREATE INDEX change_rows_change ON change_rows(change_id);
""",
    )
    _script(db, "\n".join(journal_triggers(t, key, cols) for t, (key, cols) in JOURNALED.items()))


def m004_outcomes(db: Database) -> None:
    """Trial outcomes ``paused`` and ``unavailable``: ``trials`` rebuilt with the wider
    CHECK (SQLite cannot alter a CHECK), every row and id kept, its index and its three
    journal triggers made again.

    The old table is renamed away first so that the new one is stored with its own
    ``CREATE TABLE trials`` text (a renamed table would read ``CREATE TABLE "trials"``).
    Its triggers and index are dropped before the rename (a rename would carry them to
    the old table). Runs inside the migration's transaction: all or nothing.
    """
    kinds = ", ".join(f"'{k}'" for k in KINDS)
    outcomes = ", ".join(f"'{o}'" for o in M004_OUTCOMES)
    key, columns = JOURNALED["trials"]
    cols = ", ".join(columns)
    drops = "\n".join(f"DROP TRIGGER trials_journal_{op};" for op in ("insert", "update", "delete"))
    _script(
        db,
        f"""
{drops}
DROP INDEX trials_class;
ALTER TABLE trials RENAME TO trials_m003;
CREATE TABLE trials (
  id INTEGER PRIMARY KEY,
  therapy TEXT NOT NULL CHECK (length(trim(therapy)) > 0),
  class_id TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ({kinds})),
  start_date TEXT NOT NULL CHECK ({_iso("start_date")}),
  end_date TEXT CHECK ({_iso("end_date")}),
  dose TEXT,
  outcome TEXT NOT NULL CHECK (outcome IN ({outcomes})),
  reason TEXT,
  note TEXT,
  start_approximate INTEGER NOT NULL DEFAULT 0 CHECK (start_approximate IN (0, 1)),
  end_approximate INTEGER NOT NULL DEFAULT 0 CHECK (end_approximate IN (0, 1)),
  CHECK (end_date IS NULL OR end_date >= start_date),
  CHECK ((end_date IS NULL) = (outcome = 'ongoing'))
);
INSERT INTO trials ({cols}) SELECT {cols} FROM trials_m003;
DROP TABLE trials_m003;
CREATE INDEX trials_class ON trials(class_id, start_date);
""",
    )
    _script(db, journal_triggers("trials", key, columns))


# m005 (section 8 and 9 of docs/criteria.md): disability scores and period starts,
# journaled like the m003 tables so that ``undo`` reverts them.
JOURNALED_M005 = {
    "scores": (
        ("id",),
        (
            "id",
            "date",
            "instrument",
            "total",
            "q1",
            "q2",
            "q3",
            "q4",
            "q5",
            "headache_days",
            "pain",
            "note",
        ),
    ),  # fmt: skip
    "periods": (("id",), ("id", "date", "note")),
}


def _days_item(col: str) -> str:
    return f"{col} INTEGER CHECK ({col} BETWEEN 0 AND 90)"


def m005_scores_periods(db: Database) -> None:
    """MIDAS and HIT-6 scores (section 8) and the first days of periods (section 9)."""
    items = ",\n  ".join(_days_item(f"q{k}") for k in range(1, 6))
    _script(
        db,
        f"""
CREATE TABLE scores (
  id INTEGER PRIMARY KEY,
  date TEXT NOT NULL CHECK ({_iso("date")}),
  instrument TEXT NOT NULL CHECK (instrument IN ('midas', 'hit6')),
  total INTEGER NOT NULL,
  {items},
  {_days_item("headache_days")},
  pain INTEGER CHECK (pain BETWEEN 0 AND 10),
  note TEXT,
  CHECK (instrument != 'midas' OR (
    q1 IS NOT NULL AND q2 IS NOT NULL AND q3 IS NOT NULL AND q4 IS NOT NULL
    AND q5 IS NOT NULL AND q1 + q2 <= 90 AND q3 + q4 <= 90
    AND total = q1 + q2 + q3 + q4 + q5)),
  CHECK (instrument != 'hit6' OR (
    total BETWEEN 36 AND 78 AND q1 IS NULL AND q2 IS NULL AND q3 IS NULL AND q4 IS NULL
    AND q5 IS NULL AND headache_days IS NULL AND pain IS NULL))
);
CREATE INDEX scores_date ON scores(date, instrument);
CREATE TABLE periods (
  id INTEGER PRIMARY KEY,
  date TEXT NOT NULL UNIQUE CHECK ({_iso("date")}),
  note TEXT
);
""",
    )
    _script(
        db, "\n".join(journal_triggers(t, key, cols) for t, (key, cols) in JOURNALED_M005.items())
    )


def m006_month_counts(db: Database) -> None:
    """What each month's days and intakes count, stored (``storage.Diary.load``).

    ``month_counts`` holds, per month ``YYYY-MM``, the ``rules.months.encode_tally`` bytes
    of ``month_tallies`` (NULL when the month counts no tracked day or intake), its
    ``triptan_tally`` and its ``class_days`` (JSON; NULL when empty); never journaled, it
    is remade from the rows. Triggers on ``days`` and ``intakes`` put each month a write
    touches into ``month_counts_stale`` (once per row written: no key, so that
    no outer ``ON CONFLICT`` applies to it); ``storage.Diary.write`` recounts those months
    before it commits, and every month when ``month_counts_state.basis`` (the counting's
    version, the release and the gaps) is not the current one. The counts are made at
    the end of this step's own transaction.
    """
    triggers = []
    for table in ("days", "intakes"):
        for op, rows in (("insert", ("NEW",)), ("update", ("OLD", "NEW")), ("delete", ("OLD",))):
            marks = "\n".join(
                f"  INSERT INTO month_counts_stale VALUES (substr({r}.date, 1, 7));" for r in rows
            )
            triggers.append(
                f"CREATE TRIGGER {table}_month_counts_{op} AFTER {op.upper()} ON {table}\n"
                f"BEGIN\n{marks}\nEND;"
            )
    _script(
        db,
        """
CREATE TABLE month_counts (
  month TEXT PRIMARY KEY CHECK (month GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]'),
  counts BLOB,
  triptans TEXT,
  classes TEXT
);
CREATE TABLE month_counts_stale (
  month TEXT NOT NULL
);
CREATE TABLE month_counts_state (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  basis TEXT NOT NULL
);
"""
        + "\n".join(triggers),
    )


# The schema steps, in order (sqlite-utils records each by its function name).
STEPS = (
    m001_diary,
    m002_trials,
    m003_journal,
    m004_outcomes,
    m005_scores_periods,
    m006_month_counts,
)
MIGRATION_NAMES = tuple(step.__name__ for step in STEPS)

# The table (and its index) in which sqlite-utils' Migrations records the steps applied,
# as sqlite-utils 4 creates them (tests/test_upgrades.py compares the two).
MIGRATIONS_TABLE_SQL = (
    'CREATE TABLE "_sqlite_migrations" (\n'
    '   "id" INTEGER PRIMARY KEY,\n'
    '   "migration_set" TEXT,\n'
    '   "name" TEXT,\n'
    '   "applied_at" TEXT\n'
    ")"
)
MIGRATIONS_INDEX_SQL = (
    'CREATE UNIQUE INDEX "idx__sqlite_migrations_migration_set_name"\n'
    '    ON "_sqlite_migrations" ("migration_set", "name")'
)


class _Steps:
    """What a step is given when :func:`create` runs it: the connection (``db.conn``,
    all that ``_script`` uses). Anything else a step asks for comes from a real
    ``sqlite_utils.Database`` over the same connection, made on first use."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def __getattr__(self, name: str):
        db = self.__dict__.get("_db")
        if db is None:
            from sqlite_utils import Database

            db = self.__dict__["_db"] = Database(self.conn, execute_plugins=False)
        return getattr(db, name)

    def __getitem__(self, name: str):
        return self.__getattr__("table")(name)


def create(conn: sqlite3.Connection) -> None:
    """Make the schema of a new diary in ``conn``, which holds nothing yet, inside the
    caller's write transaction: what ``migrations.apply`` does to an empty database (the
    migrations table first, then every step in order, each recorded with the time it
    was applied), without importing sqlite-utils (60 ms). The statements are the steps'
    own, so the schema is the one every migrated diary has, byte for byte.
    """
    from datetime import datetime, timezone

    assert conn.in_transaction, "create runs inside a write transaction"
    conn.execute(MIGRATIONS_TABLE_SQL)
    conn.execute(MIGRATIONS_INDEX_SQL)
    db = _Steps(conn)
    for step in STEPS:  # a step that fails rolls the caller's transaction back: no diary
        step(db)  # type: ignore[arg-type]
        conn.execute(
            "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES (?, ?, ?)",
            [MIGRATION_SET, step.__name__, str(datetime.now(timezone.utc))],
        )


def __getattr__(name: str) -> Migrations:
    """``schema.migrations``: sqlite-utils' Migrations of ``STEPS``, built once."""
    if name != "migrations":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from sqlite_utils.migrations import Migrations

    built = Migrations(MIGRATION_SET)
    for step in STEPS:
        built()(step)
    globals()["migrations"] = built
    return built
