"""De-identified cohort records: one patient's diary as the rows a registry keeps.

docs/cohort.md describes the columns (``SCHEMA_VERSION``), the pseudonyms and what is
left out. A record is built from what the rest of the program already computes: the
month counts of ``evaluate_all``'s one ``monthly_counts`` pass (through
``reports.data.monthly_rows``, the rows of ``export monthly``), the verdicts'
``Verdict`` views, trial adequacy and response (``rules.trials``), the AHS 2021 option
(``rules.step_therapy.ahs_option``). Nothing is counted a second time here.

What a record never holds: the name or date of birth settings (only the birth year),
notes, reasons, doses, therapy or medication names as typed, gap reasons, period dates,
or any date finer than a month. Only complete calendar months are kept (the as-of month
so far is left out), so every month row is final.

This module is a service: ``record_of`` reads a diary (``storage.Diary``),
``read_diary`` is the work one process does for ``cohort``, and ``read_all`` spreads it
over processes with a bounded number of diaries in flight.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from migrainecli.errors import MigraineError

if TYPE_CHECKING:  # pragma: no cover - typing only
    from migrainecli.catalogue import Catalogue
    from migrainecli.models import DiaryData

SCHEMA_VERSION = 1
TABLES = ("patients", "months", "trials", "verdicts", "scores")
# A pseudonym: letters, digits, '.', '_' or '-', starting with a letter or digit.
PSEUDONYM = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
# ... and never holding a full date (a birth date as a study number): a record never
# holds a date finer than a month, and its JSON Schema checks that of every string.
FULL_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
PSEUDONYM_HEX = 16  # 64 bits of HMAC-SHA256: no collision to expect below 10^8 diaries
KEY_MIN_BYTES = 16
# Small-cell suppression of cohort --summary (docs/cohort.md): a count of 1 to 4 people.
SMALL_CELL = 5
SUPPRESSED = "<5"

# (column, DuckDB type) of each table, before the per-class columns of ``months``.
_COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    "patients": (
        ("birth_year", "INTEGER"),
        ("as_of_month", "VARCHAR"),
        ("first_month", "VARCHAR"),
        ("complete_months", "INTEGER"),
    ),
    "months": (
        ("month", "VARCHAR"),
        ("tracked_days", "INTEGER"),
        ("untracked_days", "INTEGER"),
        ("headache_days", "INTEGER"),
        ("migraine_days", "INTEGER"),
        ("moderate_severe_days", "INTEGER"),
        ("debilitating_days", "INTEGER"),
        ("acute_medication_days", "INTEGER"),
    ),
    "trials": (
        ("trial", "INTEGER"),
        ("kind", "VARCHAR"),
        ("class", "VARCHAR"),
        ("ahs_option", "VARCHAR"),
        ("start_month", "VARCHAR"),
        ("duration_days", "INTEGER"),
        ("outcome", "VARCHAR"),
        ("adequate", "BOOLEAN"),
        ("responder", "BOOLEAN"),
        ("reduction_percent", "DOUBLE"),
    ),
    "verdicts": (
        ("as_of_month", "VARCHAR"),
        ("criterion", "VARCHAR"),
        ("status", "VARCHAR"),
        ("source", "VARCHAR"),
    ),
    "scores": (("month", "VARCHAR"), ("instrument", "VARCHAR"), ("total", "INTEGER")),
}
_KEY = (("schema_version", "INTEGER"), ("pseudonym", "VARCHAR"))


def columns(catalogue: Catalogue) -> dict[str, tuple[tuple[str, str], ...]]:
    """Every table's (column, DuckDB type), in order; ``months`` ends with one
    ``<class>_days`` column per acute class of the catalogue (as ``export monthly``)."""
    from migrainecli.reports.data import acute_classes

    out = {name: _KEY + cols for name, cols in _COLUMNS.items()}
    out["months"] += tuple((f"{c}_days", "INTEGER") for c in acute_classes(catalogue))
    return out


def check_pseudonym(text: str) -> str:
    if not PSEUDONYM.fullmatch(text):
        raise MigraineError(
            f"The pseudonym {text!r} is not usable: give 1 to 64 letters, digits, '.', '_' "
            "or '-', starting with a letter or digit (never a name)."
        )
    if FULL_DATE.search(text):
        raise MigraineError(
            f"The pseudonym {text!r} is not usable: it holds a date (YYYY-MM-DD), and a "
            "cohort record never holds a date finer than a month."
        )
    return text


@dataclass
class CohortRecord:
    """One patient's tables: {table: rows}, each row in the order of ``columns``."""

    pseudonym: str
    birth_year: int | None
    as_of_month: str
    tables: dict[str, list[list[Any]]] = field(default_factory=dict)

    def to_dict(self, catalogue: Catalogue) -> dict[str, Any]:
        """The JSON record (``export cohort-record --format json``)."""
        cols = columns(catalogue)
        out: dict[str, Any] = {
            "schema_version": SCHEMA_VERSION,
            "pseudonym": self.pseudonym,
            "birth_year": self.birth_year,
            "as_of_month": self.as_of_month,
        }
        for name in TABLES[1:]:
            names = [c for c, _ in cols[name]][2:]
            out[name] = [dict(zip(names, row[2:], strict=True)) for row in self.tables[name]]
        return out

    def long_rows(self, catalogue: Catalogue) -> list[list[Any]]:
        """The long CSV (``LONG_COLUMNS``): one row per value."""
        cols = columns(catalogue)
        out: list[list[Any]] = []
        base = [SCHEMA_VERSION, self.pseudonym]
        for name in TABLES:
            names = [c for c, _ in cols[name]]
            for row in self.tables[name]:
                values = dict(zip(names, row, strict=True))
                month, item, skip = _long_key(name, values)
                for col in names[2:]:
                    if col not in skip:
                        out.append([*base, name, month, item, col, values[col]])
        return out


LONG_COLUMNS = ("schema_version", "pseudonym", "table", "month", "item", "measure", "value")


def _long_key(table: str, v: dict[str, Any]) -> tuple[str | None, Any, set[str]]:
    """(month, item, columns not repeated as measures) of one row in the long CSV."""
    if table == "patients":
        return v["as_of_month"], None, {"as_of_month"}
    if table == "months":
        return v["month"], None, {"month"}
    if table == "trials":
        return v["start_month"], v["trial"], {"trial"}
    if table == "verdicts":
        return v["as_of_month"], v["criterion"], {"as_of_month", "criterion"}
    return v["month"], v["instrument"], {"month", "instrument"}


def build_record(
    data: DiaryData,
    pseudonym: str,
    as_of: date,
    catalogue: Catalogue,
    birth_year: int | None = None,
) -> CohortRecord:
    """The de-identified record of one diary as of ``as_of`` (pure: no database)."""
    from migrainecli.reports.data import monthly_rows, months_for
    from migrainecli.rules.criteria import evaluate_all
    from migrainecli.rules.months import month_label
    from migrainecli.rules.step_therapy import ahs_option
    from migrainecli.rules.trials import adequacy, as_of_view, is_unavailable, trial_response
    from migrainecli.rules.verdicts import TITLES

    report = evaluate_all(data, as_of, catalogue)
    months = report.months
    key = [SCHEMA_VERSION, pseudonym]
    as_of_month = month_label(as_of.year, as_of.month)

    names, rows = monthly_rows(months, data, as_of, catalogue)
    wanted = [c for c, _ in columns(catalogue)["months"][2:]]
    month_rows = []
    for m, row in zip(months, rows, strict=True):
        if not m.complete:
            continue
        v = dict(zip(names, row, strict=True))  # export monthly's row of this month
        v["moderate_severe_days"] = m.moderate_severe_days
        month_rows.append([*key, *(v[c] for c in wanted)])

    trial_rows = []
    views = [as_of_view(t, as_of) for t in sorted(data.trials, key=lambda t: (t.start, t.id or 0))]
    for n, view in enumerate((v for v in views if v is not None), start=1):
        a = adequacy(view, as_of, catalogue)
        responder = reduction = None
        if view.kind == "preventive" and not is_unavailable(view, as_of):
            r = trial_response(view, months_for(view, months))
            responder, reduction = r.responder, r.reduction_percent
        trial_rows.append(
            [*key, n, view.kind, view.class_id, ahs_option(view, catalogue),
             month_label(view.start.year, view.start.month), a.duration_days, view.outcome,
             a.adequate, responder, reduction]
        )  # fmt: skip

    # The status of ``status --json`` (met, not_met, undetermined) and its source.
    verdict_rows = [
        [*key, as_of_month, k, getattr(report, k).status, getattr(report, k).source] for k in TITLES
    ]
    score_rows = [
        [*key, month_label(s.date.year, s.date.month), s.instrument, s.total]
        for s in data.scores
        if s.date <= as_of
    ]
    complete = [r[2] for r in month_rows]
    patient = [
        *key, birth_year, as_of_month, complete[0] if complete else None, len(complete)
    ]  # fmt: skip
    return CohortRecord(
        pseudonym,
        birth_year,
        as_of_month,
        {
            "patients": [patient],
            "months": month_rows,
            "trials": trial_rows,
            "verdicts": verdict_rows,
            "scores": score_rows,
        },
    )


def birth_year(diary) -> int | None:
    """The year of the ``dob`` setting (the only part of it a record keeps)."""
    dob = diary.get_setting("dob")
    try:
        return date.fromisoformat(dob).year if dob else None
    except ValueError:
        return None


def record_of(diary, pseudonym: str, as_of: date, catalogue: Catalogue) -> CohortRecord:
    """The record of an open diary."""
    return build_record(diary.load(), pseudonym, as_of, catalogue, birth_year(diary))


# -- pseudonyms --------------------------------------------------------------------------
def keyed_pseudonym(key: bytes, stamp: str) -> str:
    """HMAC-SHA256 of the diary's creation stamp under the clinic's key (docs/cohort.md)."""
    digest = hmac.new(key, f"migrainecli-diary:{stamp}".encode(), hashlib.sha256)
    return digest.hexdigest()[:PSEUDONYM_HEX]


def read_key(path: Path) -> bytes:
    """The clinic key: a private file of at least ``KEY_MIN_BYTES`` bytes."""
    import stat

    try:
        st = path.stat()
        key = path.read_bytes()
    except OSError as err:
        raise MigraineError(f"Cannot read the key file {path}: {err.strerror}.") from None
    if stat.S_IMODE(st.st_mode) & 0o077:
        raise MigraineError(
            f"The key file {path} can be read by other users; run 'chmod 600 {path}' "
            "(whoever has the key can link pseudonyms to diaries)."
        )
    if len(key.strip()) < KEY_MIN_BYTES:
        raise MigraineError(
            f"The key file {path} holds fewer than {KEY_MIN_BYTES} bytes; make one with "
            f"'head -c 32 /dev/urandom > {path}'."
        )
    return key.strip()


def read_mapping(path: Path) -> dict[Path, str]:
    """A clinician's ``file,pseudonym`` CSV: {resolved diary path: pseudonym}. A relative
    file name is read from the mapping file's folder."""
    import csv

    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as err:
        raise MigraineError(f"Cannot read the pseudonym map {path}: {err.strerror}.") from None
    except UnicodeDecodeError as err:
        raise MigraineError(
            f"Cannot read the pseudonym map {path}: it is not UTF-8 text (byte "
            f"0x{err.object[err.start]:02x} at position {err.start})."
        ) from None
    rows = list(csv.reader(text.splitlines()))
    if not rows or [c.strip() for c in rows[0]] != ["file", "pseudonym"]:
        raise MigraineError(
            f"The pseudonym map {path} must start with the header 'file,pseudonym'."
        )
    out: dict[Path, str] = {}
    for line, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        if len(row) != 2:
            raise MigraineError(f"{path} line {line}: give a file and a pseudonym.")
        name, pseudonym = row[0].strip(), row[1].strip()
        try:
            check_pseudonym(pseudonym)
        except MigraineError as err:
            raise MigraineError(f"{path} line {line}: {err}") from None
        file = Path(name).expanduser()
        if not file.is_absolute():
            file = path.parent / file
        resolved = file.resolve()
        if resolved in out:
            raise MigraineError(f"{path} line {line}: {name} is mapped twice.")
        out[resolved] = pseudonym
    return out


# -- finding and reading many diaries ---------------------------------------------------
_LINK_TO_NOTHING = "it is a symbolic link to nothing (a missing file or a loop of links)"


def find_diaries(places: Sequence[Path]) -> tuple[list[Path], list[tuple[Path, str]]]:
    """(the diary files, [(place, why it was skipped)]): a folder stands for every
    ``*.db`` file in it and its subfolders; a file is taken whatever its name. Each
    file once, in path order."""
    found: dict[Path, Path] = {}
    missing = []
    for place in places:
        if place.is_dir():
            for p in sorted(place.rglob("*.db")):
                if p.is_file():
                    found.setdefault(p.resolve(), p)
                elif p.is_symlink() and not p.exists():
                    # a diary on a share that is not mounted: listed, never quietly left out
                    missing.append((p, _LINK_TO_NOTHING))
                elif p.exists() and not p.is_dir():
                    found.setdefault(p.resolve(), p)  # a named pipe: reading says what it is
        elif place.exists():
            found.setdefault(place.resolve(), place)
        elif place.is_symlink():
            missing.append((place, _LINK_TO_NOTHING))
        else:
            missing.append((place, "there is no such file or folder"))
    return [found[k] for k in sorted(found, key=str)], missing


@dataclass(frozen=True)
class Outcome:
    """What reading one diary gave: a record, or why it was skipped."""

    path: Path
    record: CohortRecord | None = None
    reason: str | None = None


def read_diary(path: Path, as_of: date, pseudonym: str | None, key: bytes | None) -> Outcome:
    """Read one diary read-only (``Diary.snapshot``) into its record; never raises for a
    diary that cannot be read (the reason is in the outcome). ``pseudonym`` is the
    mapped one, else it is keyed from ``key``."""
    import sqlite3

    from migrainecli.catalogue import load_catalogue
    from migrainecli.storage import Diary

    try:
        diary = Diary.snapshot(path)
        try:
            stamp = diary.created_at()
            if pseudonym is None:
                if not stamp:
                    return Outcome(path, reason="it has no creation stamp to key a pseudonym")
                pseudonym = keyed_pseudonym(key or b"", stamp)
            record = record_of(diary, pseudonym, as_of, load_catalogue())
        finally:
            diary.close()
    except MigraineError as err:
        return Outcome(path, reason=_reason(str(err), path))
    except sqlite3.Error as err:
        return Outcome(path, reason=f"SQLite could not read it ({err})")
    except (OSError, ValueError) as err:
        return Outcome(path, reason=f"it could not be read ({err})")
    except Exception as err:  # one odd diary must not stop a cohort of a thousand
        return Outcome(path, reason=f"it could not be read ({type(err).__name__}: {err})")
    return Outcome(path, record=record)


# The storage's advice to give another diary "with --db": cohort has no --db option.
_DB_ADVICE = re.compile(r"(?:;|,)? (?:or )?give [^.;]*? with --db")


def _reason(message: str, path: Path) -> str:
    """A storage message without the path it starts with (the listing names the file),
    and without its advice to use ``--db``, an option cohort does not have."""
    text = _DB_ADVICE.sub("", message.rstrip("."))
    if text.startswith(f"{path} "):
        text = "it " + text.removeprefix(f"{path} ")
    return text[0].lower() + text[1:] if text else message


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - macOS, Windows
        return max(1, os.cpu_count() or 1)


def read_all(
    paths: Sequence[Path],
    as_of: date,
    jobs: int,
    *,
    key: bytes | None = None,
    mapping: dict[Path, str] | None = None,
    on_done: Callable[[], None] | None = None,
) -> Iterator[Outcome]:
    """Every diary's outcome, in the order of ``paths``. With ``jobs`` > 1 the diaries
    are read in that many processes, at most ``2 * jobs`` in flight, so that memory holds
    a few records, never the cohort."""
    tasks = []
    for p in paths:
        mapped = None
        if mapping is not None:
            mapped = mapping.get(p.resolve())
            if mapped is None:
                tasks.append((p, None))
                continue
        tasks.append((p, mapped))

    def skip_unmapped(p: Path) -> Outcome:
        return Outcome(p, reason="it is not in the pseudonym map (--pseudonyms)")

    if jobs <= 1:
        for p, mapped in tasks:
            if mapping is not None and mapped is None:
                yield skip_unmapped(p)
            else:
                yield read_diary(p, as_of, mapped, key)
            if on_done:
                on_done()
        return

    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    # forkserver/spawn, not fork: the parent may hold threads (rich's progress bar).
    method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    context = multiprocessing.get_context(method)
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        pending: deque = deque()
        todo = iter(tasks)

        def submit() -> bool:
            for p, mapped in todo:
                if mapping is not None and mapped is None:
                    pending.append(skip_unmapped(p))
                else:
                    pending.append(pool.submit(read_diary, p, as_of, mapped, key))
                return True
            return False

        for _ in range(2 * jobs):
            if not submit():
                break
        while pending:
            head = pending.popleft()
            try:
                outcome = head if isinstance(head, Outcome) else head.result()
            except BrokenProcessPool:
                raise MigraineError(
                    "A process reading the diaries was stopped (out of memory?); try again "
                    "with fewer --jobs. Nothing was written."
                ) from None
            submit()
            if on_done:
                on_done()
            yield outcome


WITHHELD = "–"


def verdict_cells(patients: int, met: int, undetermined: int) -> tuple[str, str]:
    """The met and undetermined cells of one criterion in ``cohort --summary``.

    Counts of 1 to 4 are suppressed (``suppress``). "Not met" is not shown, but it is
    the patients less the other two: when it is 1 to 4 and both other cells are exact,
    the larger of them is withheld too ("–"), so that it cannot be worked out.
    """
    cells = [suppress(met), suppress(undetermined)]
    not_met = patients - met - undetermined
    if 0 < not_met < SMALL_CELL and SUPPRESSED not in cells:
        cells[0 if met >= undetermined else 1] = WITHHELD
    return cells[0], cells[1]


def suppress(n: int) -> str:
    """A count of people as a shareable summary shows it: 1 to 4 as "<5" (0 is shown:
    it names no one)."""
    return SUPPRESSED if 0 < n < SMALL_CELL else str(n)
