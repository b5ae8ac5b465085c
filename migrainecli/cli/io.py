"""Commands that move data in and out: export, import, backup, path."""

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from migrainecli.cli.common import (
    Force,
    OutputFile,
    choices,
    diary_path,
    err,
    note,
    open_diary,
    print_json,
    say,
)

# The kinds of file, as csvio defines them; monthly is export only.
ExportKind = choices(
    "ExportKind",
    ("days", "intakes", "trials", "gaps", "scores", "periods", "monthly", "fhir", "cohort-record"),
)
ImportKind = choices(
    "ImportKind", ("days", "intakes", "trials", "gaps", "scores", "periods", "migrainebuddy")
)
DateOrder = choices("DateOrder", ("dmy", "mdy", "ymd"))


class Format(str, Enum):
    csv = "csv"
    json = "json"


PROGRESS_MIN_BYTES = 64 * 1024


def export(
    ctx: typer.Context,
    kind: Annotated[
        ExportKind,
        typer.Argument(
            metavar="KIND",
            help="days, intakes, trials, gaps, scores, periods, monthly, fhir (a FHIR R4 "
            "Bundle) or cohort-record (de-identified, docs/cohort.md).",
            show_default=False,
        ),
    ],
    output: OutputFile = None,
    fmt: Annotated[
        Format, typer.Option("--format", "-f", metavar="FORMAT", help="csv or json.")
    ] = Format.csv,
    force: Force = False,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            metavar="DATE",
            help="fhir, cohort-record: evaluate as if today were DATE.",
        ),
    ] = None,
    pseudonym: Annotated[
        str | None,
        typer.Option(
            "--pseudonym", metavar="ID", help="cohort-record: the patient's study pseudonym."
        ),
    ] = None,
    schema: Annotated[
        bool,
        typer.Option(
            "--schema",
            help="Write the description of KIND's file instead: a Data Package descriptor "
            "(CSV) or a JSON Schema (--format json).",
        ),
    ] = False,
) -> None:
    """Export days, intakes, trials, gaps, scores, periods, monthly counts or FHIR R4.

    Period dates are written only by 'export periods', never inside another kind.
    CSV with the documented columns (stdout unless --output), or --format json.
    An existing --output file needs --force; a symbolic link is never written through.
    Without a diary file it says so on stderr and writes nothing, except that --format
    json on stdout prints [] so that scripts always read valid JSON. 'export fhir' writes
    one FHIR R4 Bundle (JSON) for a clinic's record system; docs/fhir.md describes it.
    'export cohort-record --pseudonym ID' writes the de-identified record a registry
    keeps (complete months, trials, verdicts, scores; no name, birth date, note or dose):
    a long CSV, or --format json; docs/cohort.md describes it.
    --schema writes, with no diary needed, the Frictionless Data Package descriptor of
    KIND.csv, or with --format json the JSON Schema of the JSON export.
    """
    from migrainecli import csvio
    from migrainecli.cli.common import usage_error

    if schema:
        return _export_schema(ctx, kind.value, fmt, output, force, as_of)
    if kind.value == "cohort-record":
        if pseudonym is None:
            raise usage_error("'export cohort-record' needs --pseudonym ID.")
        return _export_cohort_record(ctx, output, fmt, force, as_of, pseudonym)
    if pseudonym is not None:
        raise usage_error("--pseudonym applies to 'export cohort-record' only.")
    if kind.value == "fhir" or as_of is not None:
        from migrainecli.cli.fhir import export_fhir

        if kind.value != "fhir":
            raise usage_error("--as-of applies to 'export fhir' and 'cohort-record' only.")
        if fmt is not Format.csv:
            raise usage_error("'export fhir' writes FHIR JSON; leave out --format.")
        return export_fhir(ctx, output, force, as_of)
    from migrainecli.cli.common import no_diary, output_path
    from migrainecli.files import check_new_output

    if output is not None:
        output = output_path(ctx, output)
        check_new_output(output, force)
    if no_diary(ctx) and (output is not None or fmt is Format.csv):
        return
    with open_diary(ctx, write=False) as diary:
        columns, rows = csvio.FILE_KINDS[kind.value].export(diary)
    if fmt is Format.json:
        records = [dict(zip(columns, row, strict=True)) for row in rows]
        if output is None:
            print_json(records)
        else:
            from migrainecli.cli.common import json_text
            from migrainecli.files import private_output

            with private_output(output) as fh:
                fh.write(json_text(records))
            note(f"Wrote {len(records)} {_rows(kind.value, len(records))} to {output}.")
        return
    if output is None:
        csvio.write_csv(sys.stdout, columns, rows)
        return
    from migrainecli.files import private_output

    with private_output(output) as fh:
        n = csvio.write_csv(fh, columns, rows)
    note(f"Wrote {n} {_rows(kind.value, n)} to {output}.")


def _export_cohort_record(ctx, output, fmt, force, as_of, pseudonym: str) -> None:
    """``export cohort-record``: docs/cohort.md, the record ``cohort`` writes per diary."""
    from datetime import date

    from migrainecli import cohort, csvio
    from migrainecli.catalogue import load_catalogue
    from migrainecli.cli.common import json_text, output_path, parse_date
    from migrainecli.files import check_new_output, private_output

    cohort.check_pseudonym(pseudonym)
    day = parse_date(as_of, option="--as-of") if as_of else date.today()
    if output is not None:
        output = output_path(ctx, output)
        check_new_output(output, force)
    from migrainecli.cli.common import no_diary

    if no_diary(ctx) and (output is not None or fmt is Format.csv):
        return
    catalogue = load_catalogue()
    with open_diary(ctx, write=False) as diary:
        record = cohort.record_of(diary, pseudonym, day, catalogue)
    if fmt is Format.json:
        if output is None:
            print_json(record.to_dict(catalogue))
            return
        with private_output(output) as fh:
            fh.write(json_text(record.to_dict(catalogue)))
    else:
        rows = record.long_rows(catalogue)
        if output is None:
            csvio.write_csv(sys.stdout, cohort.LONG_COLUMNS, rows)
            return
        with private_output(output) as fh:
            csvio.write_csv(fh, cohort.LONG_COLUMNS, rows)
    n = len(record.tables["months"])
    note(
        f"Wrote the cohort record of {pseudonym} ({n} complete month{'s' * (n != 1)}) to {output}."
    )


def _export_schema(ctx, kind: str, fmt: Format, output, force: bool, as_of) -> None:
    """``export KIND --schema``: the shipped description of KIND's file (migrainecli.schemas)."""
    from migrainecli import schemas
    from migrainecli.cli.common import usage_error

    if kind == "fhir":
        raise usage_error(
            "'export fhir' writes FHIR R4, described by FHIR itself; see docs/fhir.md."
        )
    if kind not in schemas.EXPORT_KINDS:
        raise usage_error(f"--schema describes {', '.join(schemas.EXPORT_KINDS)}; not {kind}.")
    if as_of is not None:
        raise usage_error("--schema takes no --as-of: the description is the same on any date.")
    what = schemas.json_schema(kind) if fmt is Format.json else schemas.datapackage(kind)
    _write_descriptor(ctx, what, output, force)


def _write_descriptor(ctx, descriptor: dict, output, force: bool) -> None:
    """A schema as indented JSON on stdout, or into a new private --output file."""
    from migrainecli.cli.common import json_text

    if output is None:
        print_json(descriptor)
        return
    from migrainecli.cli.common import output_path
    from migrainecli.files import check_new_output, private_output

    output = output_path(ctx, output)
    check_new_output(output, force)
    with private_output(output) as fh:
        fh.write(json_text(descriptor))
    note(f"Wrote the schema to {output}.")


def _rows(kind: str, n: int) -> str:
    if kind == "monthly":
        return "month" if n == 1 else "months"
    return kind[:-1] if n == 1 else kind


def import_(
    ctx: typer.Context,
    kind: Annotated[
        ImportKind,
        typer.Argument(
            metavar="KIND",
            help="What the file holds: days, intakes, trials, gaps, scores, periods, or "
            "migrainebuddy (the Migraine Buddy app's CSV export).",
        ),
    ],
    file: Annotated[
        str, typer.Argument(metavar="FILE", help="CSV or JSON file to read ('-' for stdin).")
    ],
    fmt: Annotated[
        Format | None,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            help="csv or json (default: JSON when the file starts with '[', else CSV).",
            show_default=False,
        ),
    ] = None,
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="migrainebuddy: write (default: a dry run).")
    ] = False,
    order: Annotated[
        DateOrder | None,
        typer.Option(
            "--date-order",
            metavar="ORDER",
            help="migrainebuddy: how the phone wrote dates: dmy, mdy or ymd "
            "(default: the diary's date-order setting).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Import a CSV or JSON file, all or nothing.

    Reads what 'export' writes (CSV, or --format json), or a spreadsheet saved as CSV.
    JSON is checked by the same rules as CSV; messages then name the record number.
    'import migrainebuddy FILE' reads the Migraine Buddy app's CSV export: it shows what
    it would log and writes only with --yes.
    """
    from migrainecli import csvio
    from migrainecli.errors import MigraineError

    if kind.value == "migrainebuddy":
        from migrainecli.cli.migrainebuddy import import_migrainebuddy

        if fmt is not None:
            from migrainecli.cli.common import usage_error

            raise usage_error("'import migrainebuddy' reads the app's CSV; leave out --format.")
        return import_migrainebuddy(ctx, file, yes, order.value if order else None)
    if yes or order is not None:
        from migrainecli.cli.common import usage_error

        raise usage_error("--yes and --date-order apply to 'import migrainebuddy' only.")

    if file == "-":
        fh = sys.stdin.buffer
        size = 0
    else:
        path = Path(file).expanduser()
        if not path.is_file():
            raise MigraineError(f"There is no file {file!r} to import.")
        fh = path.open("rb")
        size = path.stat().st_size
    try:
        records = _parse_with_progress(csvio, kind.value, fh, size, fmt.value if fmt else None)
    finally:
        if fh is not sys.stdin.buffer:
            fh.close()
    with open_diary(ctx, write=True) as diary:
        counts = csvio.import_records(diary, kind.value, records)
    parts = [f"{counts['added']} added"]
    if counts["replaced"]:
        parts.append(f"{counts['replaced']} replaced")
    if counts["skipped"]:
        parts.append(f"{counts['skipped']} already there")
    say(f"Imported {kind.value} from {file}: {', '.join(parts)}.")
    if counts["start_moved"]:
        old, new = counts["start_moved"]
        note(
            f"The diary now starts on {new} instead of {old}: the unlogged days between "
            "count as headache-free unless you record them as a gap ('migrainecli gap add')."
        )


def _parse_with_progress(csvio, kind: str, fh, size: int, fmt: str | None) -> list:
    if size < PROGRESS_MIN_BYTES or not err().is_terminal:
        return csvio.parse_file(kind, fh, fmt=fmt)
    from rich.progress import BarColumn, Progress, TextColumn

    raw = fh
    with Progress(
        TextColumn("Reading {task.description}"), BarColumn(), console=err(), transient=True
    ) as progress:
        task = progress.add_task(kind, total=size)

        def advance(_line: int) -> None:
            progress.update(task, completed=raw.tell())

        return csvio.parse_file(kind, fh, advance, fmt=fmt)


def backup(
    ctx: typer.Context,
    dest: Annotated[
        Path, typer.Argument(metavar="FILE", help="Where to write the copy (mode 0600).")
    ],
    force: Annotated[
        bool, typer.Option("--force", help="Replace the backup file if it exists.")
    ] = False,
) -> None:
    """Write a consistent, private copy of the diary.

    An existing file needs --force; a symbolic link is never written through.
    """
    from migrainecli.backup import backup_diary

    src = diary_path(ctx)
    with open_diary(ctx, write=False) as diary:
        if diary.path is None:
            from migrainecli.errors import NotFound

            raise NotFound(f"There is no diary at {src} yet; nothing to back up.")
        written = backup_diary(diary, dest, force=force)
    say(f"Backed up {src} to {written}.")


def path(ctx: typer.Context) -> None:
    """Print where the diary is, as an absolute path.

    The file may not exist until the first entry.
    """
    import os

    typer.echo(os.path.abspath(diary_path(ctx)))
