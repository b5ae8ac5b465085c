"""CSV export and import with the columns of interface.md.

Export writes RFC 4180 CSV (csv module), booleans as 1/0, empty cells for "not
recorded", and neutralises cells a spreadsheet would run as a formula by
prefixing a ``'``; import undoes exactly that, so export → import → export is
byte-identical. Import validates the whole file first and writes it in one
transaction: one bad row rejects the file, naming its line and the reason.

Import semantics (documented in the README): days are created or replaced by
date; intakes replace the intakes already logged on the dates the file
covers; gaps and trials already recorded identically are skipped. Importing
the same file twice therefore leaves the diary as importing it once.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import IO, Any

from migrainecli.errors import CsvImportError, MigraineError, UnknownTherapy
from migrainecli.models import (
    FEATURES,
    IMPAIRMENTS,
    KINDS,
    OUTCOMES,
    SEVERITIES,
    Day,
    Gap,
    Intake,
    Trial,
)
from migrainecli.rules.day import classify_day

DAY_COLUMNS = (
    "date", "severity", "hours", *FEATURES, "believed_migraine", "impairment", "note",
)  # fmt: skip
DAY_DERIVED = ("migraine_day", "debilitating")
INTAKE_COLUMNS = ("date", "medication", "dose", "relieved")
INTAKE_DERIVED = ("class",)
GAP_COLUMNS = ("start", "end", "reason")
TRIAL_COLUMNS = ("therapy", "kind", "start", "end", "dose", "outcome", "reason", "note")
TRIAL_DERIVED = ("class", "duration_days", "adequate")

_FORMULA = re.compile(r"^'*[=+\-@\t\r]")
_ESCAPED = re.compile(r"^'+[=+\-@\t\r]")


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


# -- export --------------------------------------------------------------------------------
def export_days(diary) -> tuple[tuple[str, ...], list[list[Any]]]:
    by_date: dict[date, list[Intake]] = {}
    for i in diary.intakes():
        by_date.setdefault(i.date, []).append(i)
    rows = []
    for d in diary.days():
        v = classify_day(d, by_date.get(d.date, ()))
        rows.append([getattr(d, c) for c in DAY_COLUMNS] + [v.migraine, v.debilitating])
    return DAY_COLUMNS + DAY_DERIVED, rows


def export_intakes(diary) -> tuple[tuple[str, ...], list[list[Any]]]:
    rows = [[i.date, i.medication, i.dose, i.relieved, i.class_id] for i in diary.intakes()]
    return INTAKE_COLUMNS + INTAKE_DERIVED, rows


def export_gaps(diary) -> tuple[tuple[str, ...], list[list[Any]]]:
    return GAP_COLUMNS, [[g.start, g.end, g.reason] for g in diary.gaps()]


def export_trials(diary) -> tuple[tuple[str, ...], list[list[Any]]]:
    from migrainecli.catalogue import load_catalogue
    from migrainecli.rules.trials import adequacy

    catalogue, today = load_catalogue(), date.today()
    rows = []
    for t in diary.trials():
        a = adequacy(t, today, catalogue)
        rows.append(
            [t.therapy, t.kind, t.start, t.end, t.dose, t.outcome, t.reason, t.note,
             t.class_id, a.duration_days, a.adequate]
        )  # fmt: skip
    return TRIAL_COLUMNS + TRIAL_DERIVED, rows


# -- import --------------------------------------------------------------------------------
@dataclass
class Row:
    line: int
    values: dict[str, str]

    def error(self, message: str) -> CsvImportError:
        return CsvImportError(f"Line {self.line}: {message}")

    def text(self, col: str) -> str | None:
        value = restore(self.values.get(col, "") or "")
        return value if value.strip() else None

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
            d = date.fromisoformat(value.strip())
        except ValueError:
            raise self.error(f"{col} {value!r} is not a date written YYYY-MM-DD.") from None
        if d > date.today():
            raise self.error(f"{col} {d} is in the future.")
        return d

    def boolean(self, col: str) -> bool | None:
        value = (self.text(col) or "").strip().lower()
        if value == "":
            return None
        if value in ("1", "true", "yes"):
            return True
        if value in ("0", "false", "no"):
            return False
        raise self.error(f"{col} must be 1, 0 or empty, not {value!r}.")

    def choice(self, col: str, choices: tuple[str, ...], *, required: bool) -> str | None:
        value = self.required(col) if required else self.text(col)
        if value is None:
            return None
        value = value.strip().lower()
        if value not in choices:
            raise self.error(f"{col} must be one of {', '.join(choices)}, not {value!r}.")
        return value


def read_rows(
    fh: IO[bytes], columns: tuple[str, ...], derived: tuple[str, ...], required: tuple[str, ...]
) -> Iterator[Row]:
    """Read CSV rows (UTF-8, BOM allowed), checking the header against the columns."""
    try:
        text = io.TextIOWrapper(fh, encoding="utf-8-sig", newline="")
        reader = csv.reader(text)
        try:
            header = next(reader)
        except StopIteration:
            raise CsvImportError(
                "The file is empty; it needs a header row and data rows."
            ) from None
        header = [h.strip() for h in header]
        if len(header) == 1 and ";" in header[0]:
            raise CsvImportError(
                "The file is separated by semicolons; save it as comma-separated CSV."
            )
        known = set(columns) | set(derived)
        unknown = [h for h in header if h not in known]
        if unknown:
            raise CsvImportError(
                f"Unknown column{'s' * (len(unknown) > 1)} {', '.join(map(repr, unknown))}; "
                f"the columns are {', '.join(columns)}."
            )
        dupes = sorted({h for h in header if header.count(h) > 1})
        if dupes:
            raise CsvImportError(f"Column {dupes[0]!r} appears twice in the header.")
        missing = [c for c in required if c not in header]
        if missing:
            raise CsvImportError(f"Missing required column(s): {', '.join(missing)}.")
        for values in reader:
            line = reader.line_num
            if not any(v.strip() for v in values):
                continue
            if len(values) != len(header):
                raise CsvImportError(
                    f"Line {line}: {len(values)} cells where the header has {len(header)}."
                )
            yield Row(line, dict(zip(header, values, strict=True)))
    except UnicodeDecodeError:
        raise CsvImportError(
            "The file is not UTF-8 text; save it as 'CSV UTF-8' (e.g. from your spreadsheet)."
        ) from None
    except csv.Error as e:
        raise CsvImportError(f"The file is not valid CSV ({e}).") from None


def parse_day(row: Row) -> Day:
    hours_text = row.text("hours")
    hours = None
    if hours_text is not None:
        try:
            hours = float(hours_text)
        except ValueError:
            raise row.error(f"hours must be a number, not {hours_text!r}.") from None
        if not 0 < hours <= 24:
            raise row.error(f"hours must be more than 0 and at most 24, not {hours_text}.")
    day = Day(
        date=row.date("date"),
        severity=row.choice("severity", SEVERITIES, required=True),
        hours=hours,
        impairment=row.choice("impairment", IMPAIRMENTS, required=False),
        note=row.text("note"),
        **{f: row.boolean(f) for f in (*FEATURES, "believed_migraine")},
    )
    if day.severity == "none" and (hours or any(getattr(day, f) for f in FEATURES)):
        raise row.error("a headache-free day (severity none) cannot have headache features.")
    return day


def parse_intake(row: Row) -> Intake:
    from migrainecli.catalogue import load_catalogue

    d = row.date("date")
    text = row.required("medication")
    try:
        res = load_catalogue().resolve(text, kinds={"acute"})
    except MigraineError as e:
        raise row.error(str(e)) from None
    dose = row.text("dose")
    if dose is None:
        dose = res.dose
    return Intake(d, res.name, dose, row.boolean("relieved"), res.class_id)


def parse_gap(row: Row) -> Gap:
    start, end = row.date("start"), row.date("end")
    if end < start:
        raise row.error(f"end {end} is before start {start}.")
    return Gap(start, end, row.text("reason"))


def parse_trial(row: Row) -> Trial:
    """A trial row. ``class`` is derived for catalogue therapies and ignored; for a
    therapy the catalogue does not know it is the class the user recorded it under."""
    from migrainecli.treatments import check_trial, resolve_therapy

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
    end = row.date("end", required=False)
    outcome = row.choice("outcome", OUTCOMES, required=False) or (
        "ongoing" if end is None else None
    )
    if outcome is None:
        raise row.error("an ended trial needs an outcome.")
    dose = row.text("dose")
    trial = Trial(
        therapy=res.name,
        class_id=res.class_id,
        kind=res.kind,
        start=row.date("start"),
        end=end,
        dose=dose if dose is not None else res.dose,
        outcome=outcome,
        reason=row.text("reason"),
        note=row.text("note"),
    )
    try:
        check_trial(trial)
    except MigraineError as e:
        raise row.error(str(e)) from None
    return trial


@dataclass(frozen=True)
class FileKind:
    columns: tuple[str, ...]
    derived: tuple[str, ...]
    required: tuple[str, ...]
    export: Callable[[Any], tuple[tuple[str, ...], list[list[Any]]]]
    parse: Callable[[Row], Any] | None


FILE_KINDS: dict[str, FileKind] = {
    "days": FileKind(DAY_COLUMNS, DAY_DERIVED, ("date", "severity"), export_days, parse_day),
    "intakes": FileKind(
        INTAKE_COLUMNS, INTAKE_DERIVED, ("date", "medication"), export_intakes, parse_intake
    ),
    "gaps": FileKind(GAP_COLUMNS, (), ("start", "end"), export_gaps, parse_gap),
    "trials": FileKind(
        TRIAL_COLUMNS, TRIAL_DERIVED, ("therapy", "start"), export_trials, parse_trial
    ),
}


def parse_file(kind: str, fh: IO[bytes], progress: Callable[[int], None] | None = None) -> list:
    """Validate a whole file; returns the records or raises CsvImportError."""
    spec = FILE_KINDS[kind]
    assert spec.parse is not None
    records, seen = [], {}
    for row in read_rows(fh, spec.columns, spec.derived, spec.required):
        record = spec.parse(row)
        if kind == "days":
            if record.date in seen:
                raise row.error(f"{record.date} appears twice (also on line {seen[record.date]}).")
            seen[record.date] = row.line
        records.append((row.line, record))
        if progress:
            progress(row.line)
    return records


def import_records(diary, kind: str, records: list) -> dict[str, int]:
    """Write validated records in one transaction. Returns counts for the message."""
    counts = {"added": 0, "replaced": 0, "skipped": 0}
    with diary.write():
        if kind == "days":
            existing = {d.date for d in diary.days()}
            for _, day in records:
                counts["replaced" if day.date in existing else "added"] += 1
            diary.save_days([d for _, d in records])
        elif kind == "intakes":
            logged = {d.date for d in diary.days()}
            for line, intake in records:
                if intake.date not in logged:
                    raise CsvImportError(
                        f"Line {line}: no day is logged on {intake.date}; "
                        "import the days file first (intakes belong to logged days)."
                    )
            dates = sorted({i.date for _, i in records})
            for d in dates:
                counts["replaced"] += diary.delete_intakes(d)
            diary.add_intakes(i for _, i in records)
            counts["added"] = len(records)
        elif kind == "gaps":
            have = {(g.start, g.end, g.reason) for g in diary.gaps()}
            for _, g in records:
                if (g.start, g.end, g.reason) in have:
                    counts["skipped"] += 1
                else:
                    have.add((g.start, g.end, g.reason))
                    diary.add_gap(g)
                    counts["added"] += 1
        elif kind == "trials":
            from migrainecli.treatments import same_trial

            have = diary.trials()
            for _, t in records:
                if any(same_trial(t, other) for other in have):
                    counts["skipped"] += 1
                else:
                    have.append(t)
                    diary.save_trial(t)
                    counts["added"] += 1
        else:  # pragma: no cover
            raise ValueError(kind)
    return counts
