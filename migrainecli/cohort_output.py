"""The cohort's files: records staged as CSV, written as Parquet (or CSV) by DuckDB.

docs/cohort.md describes the layout. Records arrive one diary at a time and are
appended to private staging CSV files, so memory holds one record, never the cohort;
DuckDB then reads the staging files with the documented column types and writes each
table sorted by pseudonym (never in the order of the input files, whose names may
follow patients' names). Everything is written into a private temporary folder beside
the output and renamed into place at the end: a cohort is written whole or not at all.

DuckDB is an optional dependency (``pip install 'migrainecli[cohort]'``); ``duckdb()``
says how to install it when it is missing.
"""

from __future__ import annotations

import csv
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from migrainecli.cohort import SMALL_CELL, TABLES, CohortRecord, suppress, verdict_cells
from migrainecli.errors import MigraineError

# A table with more rows than this is written partitioned by its month column
# (months: month, trials: start_month, scores: month), one folder per month.
PARTITION_ROWS = 1_000_000
MONTH_COLUMN = {"months": "month", "trials": "start_month", "scores": "month"}
SORT = {
    "patients": "pseudonym",
    "months": "pseudonym, month",
    "trials": "pseudonym, trial",
    "verdicts": "pseudonym, criterion",
    "scores": "pseudonym, month, instrument, total",
}
INSTALL = "pip install 'migrainecli[cohort]'"
SUMMARY_MONTHS = 12
MEMORY_LIMIT = "1GB"  # DuckDB's, while it sorts and writes the tables


def duckdb():
    """The duckdb module, or one sentence saying how to install it."""
    try:
        import duckdb as module
    except ImportError:
        raise MigraineError(
            f"The cohort command writes its files with DuckDB, which is not installed; "
            f"install it with: {INSTALL}"
        ) from None
    return module


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    return value


class Staging:
    """Private staging CSV files, one per table, in a temporary folder (mode 0700)."""

    def __init__(self, folder: Path, columns: dict[str, tuple[tuple[str, str], ...]]):
        self.folder = folder
        self.columns = columns
        self.rows = dict.fromkeys(TABLES, 0)
        self._files = {}
        self._writers = {}
        for name in TABLES:
            fd = os.open(folder / f"{name}.csv", os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
            fh = os.fdopen(fd, "w", encoding="utf-8", newline="")
            self._files[name] = fh
            self._writers[name] = csv.writer(fh)
            self._writers[name].writerow([c for c, _ in columns[name]])

    def add(self, record: CohortRecord) -> None:
        for name in TABLES:
            rows = record.tables[name]
            self._writers[name].writerows([_cell(v) for v in row] for row in rows)
            self.rows[name] += len(rows)

    def close(self) -> None:
        for fh in self._files.values():
            fh.close()

    def connect(self, exclude: set[str], jobs: int):
        """A DuckDB connection with one view per table over the staging files, without
        the pseudonyms in ``exclude``."""
        self.close()
        db = duckdb().connect(":memory:")
        db.execute(f"SET threads = {max(1, jobs)}")
        db.execute("SET preserve_insertion_order = false")
        db.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")  # a larger sort spills to disk
        db.execute(f"SET temp_directory = '{_sql_text(str(self.folder / 'duckdb.tmp'))}'")
        dropped = ", ".join(f"'{_sql_text(p)}'" for p in sorted(exclude))
        where = f" WHERE pseudonym NOT IN ({dropped})" if dropped else ""
        for name in TABLES:
            types = ", ".join(f"'{c}': '{t}'" for c, t in self.columns[name])
            source = _sql_text(str(self.folder / f"{name}.csv"))
            db.execute(
                f"CREATE VIEW {name} AS SELECT * FROM read_csv('{source}', header = true, "
                f"columns = {{{types}}}, nullstr = '', auto_detect = false){where}"
            )
        return db


def _sql_text(text: str) -> str:
    return text.replace("'", "''")


def staging_folder(near: Path | None) -> Path:
    """A private temporary folder beside the output (same file system), else in TMPDIR."""
    folder = tempfile.mkdtemp(prefix=".migrainecli-cohort-", dir=near)
    return Path(folder)


def write_dataset(db, staging: Staging, output: Path, fmt: str, force: bool) -> dict[str, int]:
    """Write every table into ``output`` (a folder, replaced whole with ``force``):
    ``<table>/`` Parquet folders, or ``<table>.csv`` files. Returns the rows written."""
    tmp = Path(tempfile.mkdtemp(prefix=f".{output.name}.", dir=output.parent))
    written = {}
    old_umask = os.umask(0o077)
    try:
        for name in TABLES:
            n = db.execute(f"SELECT count(*) FROM {name}").fetchone()[0]
            written[name] = n
            query = f"SELECT * FROM {name} ORDER BY {SORT[name]}"
            if fmt == "csv":
                target = _sql_text(str(tmp / f"{name}.csv"))
                db.execute(f"COPY ({query}) TO '{target}' (FORMAT csv, HEADER true)")
                continue
            folder = tmp / name
            if n > PARTITION_ROWS and name in MONTH_COLUMN:
                target = _sql_text(str(folder))
                db.execute(
                    f"COPY ({query}) TO '{target}' "
                    f"(FORMAT parquet, PARTITION_BY ({MONTH_COLUMN[name]}))"
                )
            else:
                folder.mkdir(mode=0o700)
                target = _sql_text(str(folder / "data.parquet"))
                db.execute(f"COPY ({query}) TO '{target}' (FORMAT parquet)")
        if fmt == "csv":  # the folder describes itself (frictionless validate DIR/datapackage.json)
            _write_descriptor(tmp / "datapackage.json")
        _private_tree(tmp)
        _replace(tmp, output, force)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
        os.umask(old_umask)
    return written


def _write_descriptor(path: Path) -> None:
    """The shipped Data Package descriptor of the CSV tables (migrainecli.schemas)."""
    import json

    from migrainecli.schemas import cohort_datapackage

    text = json.dumps(cohort_datapackage(), indent=2, ensure_ascii=False) + "\n"
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)


def _private_tree(root: Path) -> None:
    """Folders 0700, files 0600, whatever the writer's umask did."""
    os.chmod(root, 0o700)
    for folder, dirs, files in os.walk(root):
        for d in dirs:
            os.chmod(Path(folder, d), 0o700)
        for f in files:
            os.chmod(Path(folder, f), 0o600)


def check_replaceable(output: Path) -> None:
    """Refuse to let ``--force`` replace anything but a cohort's own output folder: a
    folder that holds nothing but the tables cohort writes (``<table>/`` folders of
    Parquet files, or ``<table>.csv`` files and their ``datapackage.json``). A file
    (the clinic key, a diary) or a folder with anything else in it (the diaries being
    read, a clinic's folder that happens to hold a ``patients`` folder, a home folder)
    is never removed."""
    if not output.is_dir():
        raise MigraineError(
            f"{output} is a file, not a cohort folder; --force replaces only a cohort's "
            "own output folder."
        )
    if not _only_tables(output):
        raise MigraineError(
            f"{output} is not a folder cohort wrote (it holds more than the cohort's "
            "tables); --force replaces only a cohort's own output folder."
        )


def _only_tables(folder: Path) -> bool:
    """Whether ``folder`` holds only cohort tables: ``<table>.csv`` files and
    ``<table>/`` folders of ``.parquet`` files (Hive partitions ``<column>=<month>/``
    inside)."""
    for entry in folder.iterdir():
        name = entry.name
        if entry.is_symlink():
            return False
        if entry.is_file() and name.endswith(".csv") and name[:-4] in TABLES:
            continue
        if entry.is_file() and name == "datapackage.json":  # a CSV cohort's descriptor
            continue
        if not (entry.is_dir() and name in TABLES):
            return False
        for sub, dirs, names in os.walk(entry, followlinks=False):
            if any(not n.endswith(".parquet") for n in names):
                return False
            if any("=" not in d or Path(sub, d).is_symlink() for d in dirs):
                return False
    return True


def _replace(tmp: Path, output: Path, force: bool) -> None:
    """Rename the finished folder to ``output``; an existing one only with ``force``,
    and only when it is a cohort's output (``check_replaceable``)."""
    if output.is_symlink():
        raise MigraineError(f"{output} is a symbolic link; give another output name.")
    if not output.exists():
        os.rename(tmp, output)
        return
    if not force:
        raise MigraineError(f"{output} already exists; add --force to replace it.")
    check_replaceable(output)
    old = Path(tempfile.mkdtemp(prefix=f".{output.name}.old.", dir=output.parent))
    os.rename(output, old / output.name)
    try:
        os.rename(tmp, output)
    except BaseException:
        os.rename(old / output.name, output)
        raise
    shutil.rmtree(old, ignore_errors=True)


# -- cohort --summary ----------------------------------------------------------------------
def summary(db) -> dict[str, Any]:
    """The shareable cohort summary (docs/cohort.md): counts of people suppressed below
    ``SMALL_CELL``, means and rates only over at least that many people."""
    from migrainecli.rules.verdicts import TITLES

    patients = db.execute("SELECT count(*) FROM patients").fetchone()[0]
    counts = {
        k: (met, und)
        for k, met, und in db.execute(
            "SELECT criterion, count(*) FILTER (status = 'met'), "
            "count(*) FILTER (status = 'undetermined') FROM verdicts GROUP BY criterion"
        ).fetchall()
    }
    criteria = []
    for k in TITLES:
        met, undetermined = verdict_cells(patients, *counts.get(k, (0, 0)))
        criteria.append({"criterion": k, "met": met, "undetermined": undetermined})
    months = []
    for month, n, mean in db.execute(
        "SELECT month, count(*), avg(migraine_days) FROM months WHERE untracked_days = 0 "
        "GROUP BY month ORDER BY month DESC LIMIT ?",
        [SUMMARY_MONTHS],
    ).fetchall()[::-1]:
        shown = n >= SMALL_CELL
        months.append(
            {"month": month, "patients": suppress(n), "mean": round(mean, 1) if shown else None}
        )
    classes = []
    for cls, tried, evaluated, responders in db.execute(
        "SELECT class, count(*), count(*) FILTER (evaluated), count(*) FILTER (responded) "
        "FROM (SELECT pseudonym, class, bool_or(responder IS NOT NULL) AS evaluated, "
        "coalesce(bool_or(responder), false) AS responded FROM trials "
        "WHERE kind = 'preventive' AND outcome != 'unavailable' GROUP BY pseudonym, class) "
        "GROUP BY class ORDER BY count(*) DESC, class"
    ).fetchall():
        others = evaluated - responders
        # A rate over fewer than 5, or with 1 to 4 responders or non-responders, would let
        # a reader work out a small cell: it is left out, and so are the responders.
        small = evaluated < SMALL_CELL or 0 < responders < SMALL_CELL or 0 < others < SMALL_CELL
        classes.append(
            {
                "class": cls,
                "tried": suppress(tried),
                "evaluated": suppress(evaluated),
                "responders": None if small else str(responders),
                "response_rate": None if small else round(100 * responders / evaluated),
            }
        )
    return {
        "patients": suppress(patients),
        "criteria": criteria,
        "months": months,
        "classes": classes,
    }
