"""CSV and JSON as files: the columns of docs/interface.md, quoting, the formula guard and
parsing rows into records. No diary: ``csvio`` exports from and imports into one.

Export writes RFC 4180 CSV (csv module), booleans as 1/0, empty cells for "not
recorded", and neutralises cells a spreadsheet would run as a formula by prefixing a
``'``; reading undoes exactly that, so export -> import -> export is byte-identical.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import IO, Any

from migrainecli.dates import EARLIEST
from migrainecli.errors import CsvImportError, MigraineError, UnknownTherapy
from migrainecli.models import (
    DAY_FIELDS,
    FEATURES,
    IMPAIRMENTS,
    KINDS,
    OUTCOMES,
    SEVERITIES,
    Day,
    Gap,
    Intake,
    Period,
    Score,
    Trial,
)

DAY_COLUMNS = DAY_FIELDS  # docs/interface.md days.csv
DAY_DERIVED = ("migraine_day", "debilitating")
INTAKE_COLUMNS = ("date", "medication", "dose", "relieved")
INTAKE_DERIVED = ("class",)
GAP_COLUMNS = ("start", "end", "reason")
TRIAL_COLUMNS = ("therapy", "kind", "start", "end", "dose", "outcome", "reason", "note")
TRIAL_DERIVED = ("class", "duration_days", "adequate")
# scores.csv: ``total`` is written on export; on import empty or the sum (MIDAS).
SCORE_COLUMNS = (
    "date", "instrument", "total", "q1", "q2", "q3", "q4", "q5", "headache_days", "pain", "note",
)  # fmt: skip
PERIOD_COLUMNS = ("date", "note")
# monthly.csv (export only): then one <class>_days column per acute class, active_preventives
MONTHLY_COLUMNS = (
    "month", "tracked_days", "untracked_days", "headache_days", "migraine_days",
    "debilitating_days", "acute_medication_days",
)  # fmt: skip

_FORMULA = re.compile(r"^'*[=+\-@\t\r]")
_ESCAPED = re.compile(r"^'+[=+\-@\t\r]")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# Plain decimals; a negative exponent only as export writes tiny values (5e-324).
_DECIMAL = re.compile(r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:e-[0-9]+)?")

# The longest cell import reads: far more than any note typed on a command line (at most
# 131,072 bytes on Linux); a longer cell is refused, naming its line.
MAX_CELL_CHARS = 1_000_000
# Files people pick by mistake, told apart by their first bytes.
_NOT_CSV = (
    (b"PK\x03\x04", "a spreadsheet workbook (.xlsx or .ods) or another zip file"),
    (b"\xd0\xcf\x11\xe0", "an Excel 97-2003 workbook (.xls)"),
    (b"\xff\xfe", "UTF-16 text"),
    (b"\xfe\xff", "UTF-16 text"),
    (b"SQLite format 3\x00", "an SQLite database"),
)


def neutralise(cell: str) -> str:
    """Prefix ``'`` to a cell a spreadsheet would run as a formula (reversible)."""
    return "'" + cell if _FORMULA.match(cell) else cell


def restore(cell: str) -> str:
    """Undo :func:`neutralise`."""
    return cell[1:] if _ESCAPED.match(cell) else cell


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return f"{value:g}" if value == int(value) else repr(value)
    if isinstance(value, date):
        return value.isoformat()
    return neutralise(str(value))


def write_csv(fh: IO[str], columns: Iterable[str], rows: Iterable[Iterable[Any]]) -> int:
    writer = csv.writer(fh, lineterminator="\r\n")
    writer.writerow(columns)
    n = 0
    for row in rows:
        writer.writerow([cell(v) for v in row])
        n += 1
    return n


# -- import --------------------------------------------------------------------------------
@dataclass
class Row:
    line: int
    values: dict[str, str]
    label: str = "Line"  # "Record" for a JSON file: ``line`` is then the record number

    @property
    def where(self) -> str:
        """Where the row is, for messages: "Line 3" (CSV) or "Record 3" (JSON)."""
        return f"{self.label} {self.line}"

    def error(self, message: str) -> CsvImportError:
        if len(message) > 300:  # a hostile cell quoted in full would flood the terminal
            message = message[:200] + "…" + message[-90:]
        return CsvImportError(f"{self.where}: {message}")

    def text(self, col: str) -> str | None:
        value = restore(self.values.get(col, "") or "")
        return value if value.strip() else None

    def free_text(self, col: str) -> str | None:
        """A note, reason or dose exactly as written (only an empty cell is "not recorded")."""
        return restore(self.values.get(col, "") or "") or None

    def required(self, col: str) -> str:
        value = self.text(col)
        if value is None:
            raise self.error(f"the {col!r} column is empty; it is required.")
        return value.strip()

    def date(self, col: str, *, required: bool = True) -> date | None:
        value = self.required(col) if required else self.text(col)
        if value is None:
            return None
        try:
            if not _ISO_DATE.fullmatch(value.strip()):
                raise ValueError(value)  # fromisoformat also takes 20240101 and 2024-W01-1
            d = date.fromisoformat(value.strip())
        except ValueError:
            raise self.error(f"{col} {_show(value)} is not a date written YYYY-MM-DD.") from None
        if d > date.today():
            raise self.error(f"{col} {d} is in the future.")
        if d < EARLIEST:  # the floor of dates.parse_date, so import takes what log takes
            raise self.error(f"{col} {d} is too far in the past for a diary date.")
        return d

    def month_or_date(self, col: str, *, required: bool = True) -> tuple[date | None, bool]:
        """A trial date: YYYY-MM-DD, or YYYY-MM when only the month is known."""
        value = self.required(col) if required else self.text(col)
        if value is None:
            return None, False
        if re.fullmatch(r"\d{4}-\d{2}", value.strip()):
            try:
                first = date.fromisoformat(value.strip() + "-01")
            except ValueError:
                raise self.error(f"{col} {_show(value)} is not a month written YYYY-MM.") from None
            if first > date.today():
                raise self.error(f"{col} {value.strip()} is in the future.")
            return first, True
        return self.date(col, required=required), False

    def boolean(self, col: str) -> bool | None:
        value = (self.text(col) or "").strip().lower()
        if value == "":
            return None
        if value in ("1", "true", "yes"):
            return True
        if value in ("0", "false", "no"):
            return False
        raise self.error(
            f"{col} must be 1, 0 (or yes/no, true/false) or empty, not {_show(value)}."
        )

    def choice(self, col: str, choices: tuple[str, ...], *, required: bool) -> str | None:
        value = self.required(col) if required else self.text(col)
        if value is None:
            return None
        value = value.strip().lower()
        if value not in choices:
            raise self.error(f"{col} must be one of {', '.join(choices)}, not {_show(value)}.")
        return value


def _show(value: str, limit: int = 40) -> str:
    """A value quoted for a message, shortened when long."""
    return repr(value if len(value) <= limit else value[:limit] + "…")


def _head(fh: IO[bytes], n: int) -> bytes:
    """The first ``n`` bytes of a file without consuming them."""
    if hasattr(fh, "peek"):
        return fh.peek(n)[:n]
    if fh.seekable():
        pos = fh.tell()
        head = fh.read(n)
        fh.seek(pos)
        return head
    return b""  # pragma: no cover - every stream import reads has one of the two


def _refuse_not_csv(fh: IO[bytes]) -> None:
    """A workbook, UTF-16 text or a database picked by mistake: say what it is."""
    head = _head(fh, 16)
    for magic, what in _NOT_CSV:
        if head.startswith(magic):
            raise CsvImportError(
                f"The file is {what}, not CSV text; save it from your spreadsheet as "
                "'CSV UTF-8' and import that file."
            )


def _lines(first: str, rest: IO[str]) -> Iterator[str]:
    """The file's lines for the csv reader, refusing NUL characters (binary data)."""
    for line in itertools.chain((first,), rest):
        if "\x00" in line:
            raise CsvImportError(
                "The file contains NUL characters: it is binary data or UTF-16 text, not CSV; "
                "save it as 'CSV UTF-8'."
            )
        yield line


def read_rows(
    fh: IO[bytes], columns: tuple[str, ...], derived: tuple[str, ...], required: tuple[str, ...]
) -> Iterator[Row]:
    """Read CSV rows (UTF-8, BOM allowed), checking the header against the columns.

    The separator is a comma, or a semicolon as spreadsheets set to a European
    language write it: the column names hold neither, so the header line tells.
    Columns with an empty name (spreadsheets add them) are ignored while empty.
    Column names match whatever their case and surrounding spaces (``" Date "``).
    """
    _TODAY[0] = date.min  # today is asked again for each file (a clock may be moved)
    _refuse_not_csv(fh)
    old_limit = csv.field_size_limit(MAX_CELL_CHARS)
    reader, row_start = None, 1
    try:
        text = io.TextIOWrapper(fh, encoding="utf-8-sig", newline="")
        first = text.readline()
        if not first:
            raise CsvImportError("The file is empty; it needs a header row and data rows.")
        delimiter = ";" if first.count(";") > first.count(",") else ","
        # strict: a quote left open is an error, not the rest of the file read as one cell
        reader = csv.reader(_lines(first, text), delimiter=delimiter, strict=True)
        names = [h.strip() for h in next(reader)]
        header = [h.lower() for h in names]
        known = set(columns) | set(derived)
        unknown = [n for n, h in zip(names, header, strict=True) if h and h not in known]
        if unknown:
            shown = ", ".join(_show(h) for h in unknown[:5])
            more = f" and {len(unknown) - 5:,} more" if len(unknown) > 5 else ""
            raise CsvImportError(
                f"Unknown column{'s' * (len(unknown) > 1)} {shown}{more}; "
                f"the columns are {', '.join(columns)}."
            )
        dupes = sorted(h for h, n in Counter(h for h in header if h).items() if n > 1)
        if dupes:
            raise CsvImportError(f"Column {_show(dupes[0])} appears twice in the header.")
        missing = [c for c in required if c not in header]
        if missing:
            raise CsvImportError(f"Missing required column(s): {', '.join(missing)}.")
        unnamed = [i for i, h in enumerate(header) if not h]
        row_start = reader.line_num + 1
        for values in reader:
            line, row_start = row_start, reader.line_num + 1
            if not any(v.strip() for v in values):
                continue
            if len(values) != len(header):
                raise CsvImportError(
                    f"Line {line}: {len(values):,} cells where the header has {len(header):,}."
                )
            for i in unnamed:
                if values[i].strip():
                    raise CsvImportError(
                        f"Line {line}: column {i + 1} has a value but no name in the header; "
                        "name the column or delete it."
                    )
            yield Row(line, {h: v for h, v in zip(header, values, strict=True) if h})
    except UnicodeDecodeError:
        raise CsvImportError(
            "The file is not UTF-8 text; save it as 'CSV UTF-8' (e.g. from your spreadsheet)."
        ) from None
    except csv.Error as e:
        line = reader.line_num if reader is not None else 1
        if "unexpected end of data" in str(e):
            raise CsvImportError(
                f"Line {row_start}: a quoted cell is never closed (a '\"' is missing), so the "
                "rest of the file would be read as one cell."
            ) from None
        if "field larger than field limit" in str(e):
            raise CsvImportError(
                f"Line {line}: a cell is longer than {MAX_CELL_CHARS:,} characters, the most "
                "import reads; is this the right file?"
            ) from None
        raise CsvImportError(f"Line {line}: the file is not valid CSV ({e}).") from None
    finally:
        csv.field_size_limit(old_limit)


def looks_like_json(fh: IO[bytes]) -> bool:
    """Whether a file is JSON, by content: its first non-space character is ``[``."""
    head = _head(fh, 4096)
    return head.removeprefix(b"\xef\xbb\xbf").lstrip()[:1] == b"["


class _Object(dict):
    """A JSON object that keeps its pairs as written, so a repeated key can be named."""

    def __init__(self, pairs: list[tuple[str, Any]]):
        super().__init__(pairs)
        self.pairs = pairs


def _json_cell(value: Any) -> str | None:
    """A JSON value as the CSV cell export would write for it (None: not a plain value)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | float):
        return cell(value)
    if isinstance(value, str):
        # Export writes JSON strings as they are, unlike CSV cells: neutralise them the
        # way CSV export would, so that Row's restore() gives the exact string back.
        return neutralise(value)
    return None


def read_json_rows(
    fh: IO[bytes], columns: tuple[str, ...], derived: tuple[str, ...], required: tuple[str, ...]
) -> Iterator[Row]:
    """Read what ``export KIND --format json`` writes: a list of objects, one per row.

    Each record becomes the :class:`Row` the CSV path validates, so the rules are the
    same; messages name the record ("Record 3: ...", counting from 1). Field names
    match like CSV column names: whatever their case and surrounding spaces.
    """
    _TODAY[0] = date.min  # today is asked again for each file (a clock may be moved)
    try:
        text = fh.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CsvImportError("The file is not UTF-8 text; save it as UTF-8 JSON.") from None
    try:
        data = json.loads(text, object_pairs_hook=_Object)
    except json.JSONDecodeError as e:
        raise CsvImportError(
            f"The file is not valid JSON (line {e.lineno}, column {e.colno}: {e.msg})."
        ) from None
    except RecursionError:
        raise CsvImportError("The file is not valid JSON (it is nested too deeply).") from None
    if not isinstance(data, list):
        raise CsvImportError(
            "The JSON file is not a list of records; import reads what "
            "'migrainecli export KIND --format json' writes."
        )
    known = set(columns) | set(derived)
    for n, record in enumerate(data, start=1):
        if not isinstance(record, dict):
            raise CsvImportError(
                f"Record {n}: not an object of fields (found {type(record).__name__})."
            )
        values: dict[str, str] = {}
        for key, value in getattr(record, "pairs", record.items()):
            name = key.strip().lower()
            if name not in known:
                raise CsvImportError(
                    f"Record {n}: unknown field {_show(key)}; the fields are {', '.join(columns)}."
                )
            if name in values:
                raise CsvImportError(f"Record {n}: the field {_show(name)} appears twice.")
            text_value = _json_cell(value)
            if text_value is None:
                raise CsvImportError(
                    f"Record {n}: {name} must be text, a number, true/false or null, "
                    f"not {type(value).__name__}."
                )
            if len(text_value) > MAX_CELL_CHARS:
                raise CsvImportError(
                    f"Record {n}: {name} is longer than {MAX_CELL_CHARS:,} characters, the "
                    "most import reads; is this the right file?"
                )
            values[name] = text_value
        missing = [c for c in required if c not in values]
        if missing:
            raise CsvImportError(f"Record {n}: missing required field(s): {', '.join(missing)}.")
        yield Row(n, values, "Record")


# parse_day reads the cells export writes (and a spreadsheet keeps) straight from the row:
# an empty cell, 1 or 0, a severity or impairment in lower case, a date YYYY-MM-DD. Any
# other cell (spaces around it, another case, yes/no, a formula guard, a bad value) goes
# through the Row method, which gives the same value or the same error, in the same order.
_PLAIN_BOOLEAN = {"": None, "1": True, "0": False}
_PLAIN_SEVERITY = frozenset(SEVERITIES)
_PLAIN_IMPAIRMENT = {"": None, **{i: i for i in IMPAIRMENTS}}
_DAY_FLAGS = (*FEATURES, "believed_migraine")
_HEADACHE_FLAGS = tuple(i for i, f in enumerate(_DAY_FLAGS) if f in FEATURES and f != "aura")
# Day is built positionally: its fields must be date, severity, hours, the flags, impairment
# and note, in that order (DAY_FIELDS, which storage reads rows in, is that order too).
assert Day.__slots__ == DAY_FIELDS == ("date", "severity", "hours", *_DAY_FLAGS, "impairment",
                                       "note")  # fmt: skip


_TODAY = [date.min]  # a day that is today or earlier: date.today() costs 1.7 us a row


def _plain_date(value: str) -> date | None:
    """A date written plainly YYYY-MM-DD, from 1900 up to today; None for anything else."""
    if len(value) != 10 or not _ISO_DATE.fullmatch(value):
        return None
    try:
        d = date.fromisoformat(value)
    except ValueError:
        return None
    if d > _TODAY[0]:
        _TODAY[0] = date.today()
        if d > _TODAY[0]:
            return None
    return d if d >= EARLIEST else None


def _hours(row: Row) -> float | None:
    hours_text = row.text("hours")
    if hours_text is None:
        return None
    number = hours_text.strip()
    if re.fullmatch(r"\d+,\d+", number):  # a decimal comma (European spreadsheets)
        number = number.replace(",", ".")
    try:
        if not _DECIMAL.fullmatch(number):
            raise ValueError(number)  # float() also takes 1_0, inf, nan and 1e1
        hours = float(number)
    except ValueError:
        raise row.error(f"hours must be a number, not {_show(hours_text)}.") from None
    if not 0 < hours <= 24:
        raise row.error(f"hours must be more than 0 and at most 24, not {hours_text}.")
    return hours


def parse_day(row: Row) -> Day:
    get = row.values.get
    hours = None if not get("hours") else _hours(row)
    value = get("date") or ""
    when = _plain_date(value) or row.date("date")
    value = get("severity") or ""
    severity = value if value in _PLAIN_SEVERITY else row.choice("severity", SEVERITIES,
                                                                 required=True)  # fmt: skip
    value = get("impairment") or ""
    if value in _PLAIN_IMPAIRMENT:
        impairment = _PLAIN_IMPAIRMENT[value]
    else:
        impairment = row.choice("impairment", IMPAIRMENTS, required=False)
    note = row.free_text("note") if get("note") else None
    flags = [
        _PLAIN_BOOLEAN[v] if (v := get(f) or "") in _PLAIN_BOOLEAN else row.boolean(f)
        for f in _DAY_FLAGS
    ]
    # ICHD-3 1.2.1.2: severity none with aura 1 is an aura-only day (aura without
    # headache); every other feature, and hours, describe a headache.
    if severity == "none" and (hours or any(flags[i] for i in _HEADACHE_FLAGS)):
        raise row.error(
            "a headache-free day (severity none) cannot have headache features (aura 1 "
            "alone is allowed: an aura without headache)."
        )
    return Day(when, severity, hours, *flags, impairment, note)


def parse_intake(row: Row) -> Intake:
    from migrainecli.catalogue import load_catalogue

    d = row.date("date")
    text = row.required("medication")
    try:
        res = load_catalogue().resolve(text, kinds={"acute"})
    except MigraineError as e:
        raise row.error(str(e)) from None
    dose = row.free_text("dose")
    if dose is None:
        dose = res.dose
    return Intake(d, res.name, dose, row.boolean("relieved"), res.class_id)


def parse_gap(row: Row) -> Gap:
    start, end = row.date("start"), row.date("end")
    if end < start:
        raise row.error(f"end {end} is before start {start}.")
    return Gap(start, end, row.free_text("reason"))


def parse_trial(row: Row) -> Trial:
    """A trial row. ``class`` is derived for catalogue therapies and ignored; for a
    therapy the catalogue does not know it is the class the user recorded it under."""
    from migrainecli.treatments import check_trial, resolve_therapy, trial_of, with_default_end

    name = row.required("therapy")
    kind = row.choice("kind", KINDS, required=False)
    try:
        res = resolve_therapy(name, kind=kind)
    except UnknownTherapy:
        class_id = row.text("class")
        if class_id is None:
            raise row.error(
                f"unknown therapy {name!r}; fill the class column to record it under a class."
            ) from None
        try:
            res = resolve_therapy(name, kind=kind, class_id=class_id.strip())
        except MigraineError as e:
            raise row.error(str(e)) from None
    except MigraineError as e:
        raise row.error(str(e)) from None
    end, end_approx = row.month_or_date("end", required=False)
    start, start_approx = row.month_or_date("start")
    outcome = row.choice("outcome", OUTCOMES, required=False) or (
        "ongoing" if end is None else None
    )
    if outcome is None:
        raise row.error("an ended trial needs an outcome.")
    trial = trial_of(
        res,
        start,
        end,
        dose=row.free_text("dose"),
        outcome=outcome,
        reason=row.free_text("reason"),
        note=row.free_text("note"),
        start_approximate=start_approx,
        end_approximate=end_approx,
    )
    trial = with_default_end(trial)  # an unavailable record: end = start when empty
    try:
        check_trial(trial)
    except MigraineError as e:
        raise row.error(str(e)) from None
    return trial


def _whole(row: Row, col: str) -> int | None:
    value = row.text(col)
    if value is None:
        return None
    if not re.fullmatch(r"[0-9]+", value.strip()):
        raise row.error(f"{col} must be a whole number, not {_show(value)}.")
    return int(value.strip())


def parse_score(row: Row) -> Score:
    """A scores.csv row, checked by the rules of docs/criteria.md section 8."""
    from migrainecli.rules.scores import check_score

    instrument = row.choice("instrument", ("midas", "hit6"), required=True)
    numbers = {c: _whole(row, c) for c in SCORE_COLUMNS[2:-1]}
    score = Score(row.date("date"), instrument, note=row.free_text("note"), **numbers)
    try:
        return check_score(score)
    except MigraineError as e:
        raise row.error(str(e)) from None


def parse_period(row: Row) -> Period:
    return Period(row.date("date"), row.free_text("note"))
