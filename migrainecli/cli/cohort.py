"""cohort: many diaries, read-only, as de-identified Parquet (or CSV) and a summary."""

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from migrainecli.cli.common import clean, err, note, out, parse_date, usage_error


class CohortFormat(str, Enum):
    parquet = "parquet"
    csv = "csv"


def cohort(
    places: Annotated[
        list[Path],
        typer.Argument(
            metavar="DIR_OR_FILES...",
            help="Diary files, or folders read for every *.db file in them.",
            show_default=False,
        ),
    ],
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", metavar="DIR", help="Folder to write (one dataset per table)."
        ),
    ] = None,
    fmt: Annotated[
        CohortFormat,
        typer.Option("--format", "-f", metavar="FORMAT", help="parquet or csv."),
    ] = CohortFormat.parquet,
    key_file: Annotated[
        Path | None,
        typer.Option(
            "--key-file",
            metavar="FILE",
            help="The clinic's secret key: pseudonyms are HMAC-SHA256 under it.",
        ),
    ] = None,
    pseudonyms: Annotated[
        Path | None,
        typer.Option(
            "--pseudonyms", metavar="FILE", help="Your own pseudonyms: a file,pseudonym CSV."
        ),
    ] = None,
    summary: Annotated[
        bool,
        typer.Option("--summary", help="Print a shareable summary (counts under 5 as <5)."),
    ] = False,
    jobs: Annotated[
        int | None,
        typer.Option("--jobs", "-j", metavar="N", min=1, help="Processes (default: CPU count)."),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", metavar="DATE", help="Evaluate as if today were DATE."),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace the --output folder a cohort wrote before.")
    ] = False,
) -> None:
    """Read many diaries, read-only, into one de-identified cohort dataset.

    Each diary becomes rows of complete months, trials, verdicts and scores under a
    pseudonym (docs/cohort.md lists the columns); names, birth dates, notes, reasons,
    doses and exact dates are never written. Diaries are never changed, not even
    upgraded. One that cannot be read is listed on stderr and left out; the exit code
    is then 1 (the files are still written for the others).
    Needs DuckDB: pip install 'migrainecli[cohort]'.
    """
    from datetime import date

    from migrainecli import cohort as core
    from migrainecli import cohort_output as files
    from migrainecli.catalogue import load_catalogue
    from migrainecli.errors import MigraineError

    if output is None and not summary:
        raise usage_error("Give --output DIR for the files, --summary for the table, or both.")
    if (key_file is None) == (pseudonyms is None):
        raise usage_error(
            "Give either --key-file (pseudonyms keyed from each diary) or --pseudonyms "
            "MAP.csv (your own), not both and not neither."
        )
    files.duckdb()  # says how to install it, before any work
    day = parse_date(as_of, option="--as-of") if as_of else date.today()
    if output is not None:
        output = output.expanduser()
        if not output.parent.is_dir():
            raise MigraineError(f"The folder {output.parent} does not exist; create it first.")
        if output.is_symlink() or (output.exists() and not force):
            raise MigraineError(f"{output} already exists; add --force to replace it.")
        if output.exists():
            files.check_replaceable(output)
    key = core.read_key(key_file.expanduser()) if key_file else None
    mapping = core.read_mapping(pseudonyms.expanduser()) if pseudonyms else None
    paths, skipped = core.find_diaries([p.expanduser() for p in places])
    if not paths and not skipped:
        raise MigraineError(
            f"There is no diary (*.db file) in {', '.join(str(p) for p in places)}; give "
            "diary files, or folders that hold them."
        )
    inputs = {p.resolve() for p in paths}
    if output is not None and output.resolve() in inputs:
        raise MigraineError(f"{output} is one of the diaries; give another output name.")

    import shutil

    catalogue = load_catalogue()
    folder = files.staging_folder(output.parent if output is not None else None)
    try:
        staging = files.Staging(folder, core.columns(catalogue))
        owners: dict[str, list[Path]] = {}
        jobs = max(1, min(jobs or core.default_jobs(), len(paths)))
        for outcome in _read(core, paths, day, jobs, key, mapping):
            if outcome.record is None:
                skipped.append((outcome.path, outcome.reason or "it could not be read"))
                continue
            owners.setdefault(outcome.record.pseudonym, []).append(outcome.path)
            staging.add(outcome.record)
        shared = {p: ps for p, ps in owners.items() if len(ps) > 1}
        for pseudonym, same in shared.items():
            for p in same:
                others = ", ".join(str(o) for o in same if o != p)
                skipped.append(
                    (p, f"it has the same pseudonym ({pseudonym}) as {others}: left out, as "
                     "is the other (combine them into one diary first)")
                )  # fmt: skip
        for p, why in skipped:
            note(f"Skipped {p}: {why}.")
        read = len(owners) - len(shared)
        if read == 0:
            raise MigraineError("No diary could be read; nothing was written.")
        db = staging.connect(set(shared), jobs)
        if output is not None:
            written = files.write_dataset(db, staging, output, fmt.value, force)
            note(
                f"Wrote {read} diar{'y' if read == 1 else 'ies'} ({written['months']} months, "
                f"{written['trials']} trials) to {output}"
                + (f"; {len(skipped)} skipped." if skipped else ".")
            )
        if summary:
            _print_summary(files.summary(db), catalogue)
        db.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if skipped:
        raise typer.Exit(1)


def _read(core, paths, day, jobs, key, mapping):
    """The outcomes, with a progress bar on stderr when it is a terminal."""
    console = err()
    if not console.is_terminal or len(paths) < 2:
        yield from core.read_all(paths, day, jobs, key=key, mapping=mapping)
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(
        TextColumn("Reading diaries"), BarColumn(), MofNCompleteColumn(),
        console=console, transient=True,
    ) as progress:  # fmt: skip
        task = progress.add_task("diaries", total=len(paths))
        yield from core.read_all(
            paths, day, jobs, key=key, mapping=mapping,
            on_done=lambda: progress.advance(task),
        )  # fmt: skip


def _print_summary(data: dict, catalogue) -> None:
    from rich.table import Table

    from migrainecli.rules.verdicts import SHORT_TITLES

    console = out()
    console.print(f"Cohort: {data['patients']} patients (counts under 5 are shown as <5).")
    console.print("\nPatients meeting each criterion")
    verdicts = Table()
    verdicts.add_column("criterion")
    verdicts.add_column("met", justify="right")
    verdicts.add_column("undetermined", justify="right")
    for row in data["criteria"]:
        verdicts.add_row(SHORT_TITLES[row["criterion"]], row["met"], row["undetermined"])
    console.print(verdicts)
    console.print("\nMean monthly migraine days (months tracked in full)")
    months = Table()
    months.add_column("month")
    months.add_column("patients", justify="right")
    months.add_column("mean", justify="right")
    for row in data["months"]:
        mean = "–" if row["mean"] is None else f"{row['mean']:.1f}"
        months.add_row(row["month"], row["patients"], mean)
    console.print(months)
    labels = {c.id: c.label for c in catalogue.classes.values()}
    console.print("\nPreventive classes tried (patients)")
    classes = Table()
    classes.add_column("class")
    for name in ("tried", "response known", "≥50% responders", "response rate"):
        classes.add_column(name, justify="right")
    for row in data["classes"]:
        rate = "–" if row["response_rate"] is None else f"{row['response_rate']}%"
        classes.add_row(
            clean(labels.get(row["class"], row["class"])), row["tried"], row["evaluated"],
            row["responders"] or "–", rate,
        )  # fmt: skip
    console.print(classes)
    from migrainecli.rules.verdicts import DISCLAIMER

    console.print(DISCLAIMER)
