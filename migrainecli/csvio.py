"""CSV export and import over the diary, with the columns of docs/interface.md.

The file format (columns, quoting, formula guard, parsing) is ``csvformat``; this module
reads the diary for ``export`` and writes validated records for ``import``. Import
validates the whole file first and writes it in one transaction: one bad row rejects
the file, naming its line and the reason.

Import semantics (documented in the README): days are created or replaced by
date; intakes replace the intakes already logged on the dates the file
covers; gaps, trials and scores already recorded identically, and periods already
recorded on the same date, are skipped. Importing
the same file twice therefore leaves the diary as importing it once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import IO, Any

from migrainecli.csvformat import (  # noqa: F401 - the format names, re-exported
    DAY_COLUMNS,
    DAY_DERIVED,
    GAP_COLUMNS,
    INTAKE_COLUMNS,
    INTAKE_DERIVED,
    MAX_CELL_CHARS,
    MONTHLY_COLUMNS,
    PERIOD_COLUMNS,
    SCORE_COLUMNS,
    TRIAL_COLUMNS,
    TRIAL_DERIVED,
    Row,
    cell,
    looks_like_json,
    neutralise,
    parse_day,
    parse_gap,
    parse_intake,
    parse_period,
    parse_score,
    parse_trial,
    read_json_rows,
    read_rows,
    restore,
    write_csv,
)
from migrainecli.errors import CsvImportError
from migrainecli.models import Intake, trial_date
from migrainecli.rules.day import classify_day


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
            [t.therapy, t.kind, trial_date(t.start, t.start_approximate),
             trial_date(t.end, t.end_approximate), t.dose, t.outcome, t.reason, t.note,
             t.class_id, a.duration_days, a.adequate]
        )  # fmt: skip
    return TRIAL_COLUMNS + TRIAL_DERIVED, rows


def export_scores(diary) -> tuple[tuple[str, ...], list[list[Any]]]:
    rows = [[getattr(s, c) for c in SCORE_COLUMNS] for s in diary.scores()]
    return SCORE_COLUMNS, rows


def export_periods(diary) -> tuple[tuple[str, ...], list[list[Any]]]:
    """Period dates are exported only by this kind, never inside another (section 9)."""
    return PERIOD_COLUMNS, [[p.date, p.note] for p in diary.periods()]


def export_monthly(diary) -> tuple[tuple[str, ...], list[list[Any]]]:
    """Export only: one row per calendar month (``reports.data.monthly_table``)."""
    from migrainecli.reports.data import export_monthly as monthly

    return monthly(diary)


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
    "scores": FileKind(SCORE_COLUMNS, (), ("date", "instrument"), export_scores, parse_score),
    "periods": FileKind(PERIOD_COLUMNS, (), ("date",), export_periods, parse_period),
    "monthly": FileKind(MONTHLY_COLUMNS, (), (), export_monthly, None),  # export only
}


def parse_file(
    kind: str,
    fh: IO[bytes],
    progress: Callable[[int], None] | None = None,
    fmt: str | None = None,
) -> list:
    """Validate a whole file; returns ``(where, record)`` pairs or raises CsvImportError.

    ``fmt`` is "csv" or "json"; None decides by content (JSON starts with ``[``).
    ``where`` names the row for later messages: "Line 3" or "Record 3".
    """
    spec = FILE_KINDS[kind]
    assert spec.parse is not None
    if fmt is None:
        fmt = "json" if looks_like_json(fh) else "csv"
    reader = read_json_rows if fmt == "json" else read_rows
    records, seen = [], {}
    for row in reader(fh, spec.columns, spec.derived, spec.required):
        record = spec.parse(row)
        if kind == "days":
            if record.date in seen:
                first = seen[record.date]
                also = f"on line {first}" if row.label == "Line" else f"in record {first}"
                raise row.error(f"{record.date} appears twice (also {also}).")
            seen[record.date] = row.line
        records.append((row.where, record))
        if progress:
            progress(row.line)
    return records


def _logged_dates(diary) -> set[date]:
    """The dates logged, without building a Day for each (20 years: 7,300)."""
    return {date.fromisoformat(r[0]) for r in diary.conn.execute("SELECT date FROM days")}


def _score_key(s) -> tuple:
    return tuple(getattr(s, c) for c in SCORE_COLUMNS)


def import_records(diary, kind: str, records: list) -> dict[str, int]:
    """Write validated records in one transaction. Returns counts for the message, and
    ``start_moved`` (old start, new start) when the import moved the diary start."""
    counts: dict[str, Any] = {"added": 0, "replaced": 0, "skipped": 0, "start_moved": None}
    with diary.write():
        start_before = diary.start()
        if kind == "days":
            existing = _logged_dates(diary)
            for _, day in records:
                counts["replaced" if day.date in existing else "added"] += 1
            diary.save_days([d for _, d in records])
        elif kind == "intakes":
            logged = _logged_dates(diary)
            for where, intake in records:
                if intake.date not in logged:
                    raise CsvImportError(
                        f"{where}: no day is logged on {intake.date}; "
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
        elif kind == "scores":
            # A score already recorded with the same values is skipped.
            have = {_score_key(s) for s in diary.scores()}
            for _, s in records:
                if _score_key(s) in have:
                    counts["skipped"] += 1
                else:
                    have.add(_score_key(s))
                    diary.add_score(s)
                    counts["added"] += 1
        elif kind == "periods":
            have = {p.date for p in diary.periods()}
            for _, p in records:
                if p.date in have:
                    counts["skipped"] += 1
                else:
                    have.add(p.date)
                    diary.add_period(p)
                    counts["added"] += 1
        else:  # pragma: no cover
            raise ValueError(kind)
        start_after = diary.start()
        if start_before is not None and start_after != start_before:
            counts["start_moved"] = (start_before, start_after)
    return counts
