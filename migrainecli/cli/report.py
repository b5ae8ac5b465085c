"""``report`` (the last months in the terminal) and ``summary`` (the clinician page)."""

from datetime import date
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from migrainecli.cli.common import (
    Force,
    Json,
    OutputFile,
    note,
    open_diary,
    out,
    parse_date,
    print_json,
)

AsOf = Annotated[
    str | None, typer.Option("--as-of", metavar="DATE", help="Evaluate as if today were this date.")
]


class SummaryFormat(str, Enum):
    text = "text"
    csv = "csv"
    html = "html"


def _load(ctx: typer.Context, as_of: str | None, months: int, *, settings: bool = False):
    """(diary data, StatusReport, as-of date, catalogue, settings): one read, one pass.
    ``months``: how many months (the as-of month among them) are shown day by day."""
    from migrainecli.catalogue import load_catalogue
    from migrainecli.rules.criteria import evaluate, rows_from

    when = parse_date(as_of, option="--as-of") if as_of else date.today()
    with open_diary(ctx, write=False) as diary:
        data = diary.load(rows_from=rows_from(when, months))
        values = diary.settings() if settings else {}
    return data, evaluate(data, when), when, load_catalogue(), values


def report(
    ctx: typer.Context,
    months: Annotated[
        int,
        typer.Option(
            "--months", "-n", min=1, max=1200, metavar="N", help="How many months to show."
        ),
    ] = 12,
    as_of: AsOf = None,
    as_json: Json = False,
) -> None:
    """The last months at a glance, with each preventive's response.

    Month table, calendar, trend chart with the trials, trial response. Without a
    diary file it says so on stderr; --json then prints the report of an empty diary.
    """
    from migrainecli.cli.common import no_diary
    from migrainecli.reports.data import build_report

    if no_diary(ctx) and not as_json:
        return

    data, status, when, catalogue, _ = _load(ctx, as_of, months)
    if data.start is not None and when < data.start:
        from migrainecli.errors import MigraineError

        raise MigraineError(
            f"--as-of {when} is before the diary starts on {data.start}; give a date from "
            f"{data.start} on."
        )
    result = build_report(data, status, when, catalogue, months)
    if as_json:
        print_json(result)
        return
    from migrainecli.reports.terminal import render_report

    render_report(result, out())


def summary(
    ctx: typer.Context,
    fmt: Annotated[
        SummaryFormat | None,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            help="text, csv or html (default: from the --output extension, else text).",
            show_default=False,
        ),
    ] = None,
    output: OutputFile = None,
    force: Force = False,
    as_of: AsOf = None,
    include_cycles: Annotated[
        bool,
        typer.Option(
            "--include-cycles",
            help="Also show the recorded period starts and their windows (left out by "
            "default: the summary shows the menstrual migraine verdict only).",
        ),
    ] = False,
    section: Annotated[
        str | None,
        typer.Option(
            "--section",
            metavar="NAME",
            help="Only this section, in any format: payer (the complete months' counts, "
            "each preventive's response and the disability scores, for payer forms).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """The clinician summary, as text, CSV or HTML.

    Verdicts with evidence, the last 12 months, the preventive history for prior
    authorisation, the payer section (complete months' headache, migraine,
    moderate-to-severe, acute-medication and 4-hour headache days; each preventive's
    change in migraine and headache days; MIDAS and HIT-6), acute medication use, classes
    untried. --section payer prints that section alone. Without --format the format
    follows the --output extension (.txt, .csv, .html or .htm; no extension: text); any
    other extension is refused rather than guessed. An existing file needs --force; a
    symbolic link is never written through.
    """
    import sys

    from migrainecli.cli.common import no_diary, output_path
    from migrainecli.files import check_new_output
    from migrainecli.reports.data import SUMMARY_MONTHS, build_summary

    if section is not None:
        _check_section(section)
    if output is not None:
        output = output_path(ctx, output)
    if fmt is None:
        fmt = _format_from(output)
    if output is not None:
        check_new_output(output, force)
    if no_diary(ctx):
        return
    data, status, when, catalogue, settings = _load(ctx, as_of, SUMMARY_MONTHS, settings=True)
    result = build_summary(data, status, when, catalogue, settings, include_cycles=include_cycles)
    if fmt is SummaryFormat.text:
        if output is None:
            from migrainecli.reports.terminal import render_summary, render_summary_section

            if section is None:
                render_summary(result, out())
            else:
                render_summary_section(result, section, out())
            return
        from migrainecli.reports.terminal import summary_text

        text = summary_text(result, section=section)
    elif fmt is SummaryFormat.csv:
        from migrainecli.reports.longcsv import write_summary_csv

        if output is None:
            write_summary_csv(sys.stdout, result, section)
            return
        text = None
    else:
        from migrainecli.reports.html import render_html, render_section_html

        text = render_html(result) if section is None else render_section_html(result, section)
        if output is None:
            sys.stdout.write(text)
            return
    from migrainecli.files import private_output

    with private_output(output) as fh:
        if text is None:
            from migrainecli.reports.longcsv import write_summary_csv

            write_summary_csv(fh, result, section)
        else:
            fh.write(text)
    note(f"Wrote the {fmt.value} summary to {output}.")


def _check_section(name: str) -> None:
    """A usage error (exit 2) naming the closest section for an unknown --section."""
    from difflib import get_close_matches

    from migrainecli.cli.common import usage_error
    from migrainecli.reports.data import SUMMARY_SECTIONS

    if name in SUMMARY_SECTIONS:
        return
    close = get_close_matches(name.lower(), SUMMARY_SECTIONS, n=1, cutoff=0.5)
    hint = f" (did you mean {close[0]}?)" if close else ""
    raise usage_error(
        f"Unknown section {name!r}{hint}; the sections --section prints alone are: "
        f"{', '.join(SUMMARY_SECTIONS)}."
    )


_SUFFIX_FORMATS = {
    ".txt": SummaryFormat.text,
    ".text": SummaryFormat.text,
    "": SummaryFormat.text,
    ".csv": SummaryFormat.csv,
    ".html": SummaryFormat.html,
    ".htm": SummaryFormat.html,
}


def _format_from(output: Path | None) -> SummaryFormat:
    """The summary format an --output name asks for; an unknown extension is refused."""
    from migrainecli.errors import MigraineError

    if output is None:
        return SummaryFormat.text
    fmt = _SUFFIX_FORMATS.get(output.suffix.lower())
    if fmt is None:
        raise MigraineError(
            f"Cannot tell the summary format from {output.name!r}; name the file .txt, "
            ".csv or .html, or give --format text, csv or html."
        )
    return fmt
