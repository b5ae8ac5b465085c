"""``status``: the verdicts of docs/criteria.md read from the diary, with evidence."""

from datetime import date
from typing import Annotated

import typer

from migrainecli.cli.common import Json, open_diary, out, parse_date, print_json


def status(
    ctx: typer.Context,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", metavar="DATE", help="Evaluate as if today were this date."),
    ] = None,
    as_json: Json = False,
    schema: Annotated[
        bool, typer.Option("--schema", help="Print the JSON Schema of --json instead.")
    ] = False,
) -> None:
    """Which published criteria the diary meets, with evidence.

    Chronic migraine (ICHD-3 1.3), medication overuse (ICHD-3 8.2), resistant and
    refractory migraine (EHF 2020), CGRP step therapy (AHS 2021).

    Without a diary file it says so on stderr; --json still prints the verdicts of an
    empty diary (all undetermined), so that scripts always read valid JSON.
    """
    if schema:
        from migrainecli.schemas import json_schema

        return print_json(json_schema("status"))
    from migrainecli.cli.common import no_diary

    when = parse_date(as_of, option="--as-of") if as_of else date.today()
    if no_diary(ctx) and not as_json:
        return
    from migrainecli.rules.criteria import evaluate, rows_from

    with open_diary(ctx, write=False) as diary:
        report = evaluate(diary.load(rows_from=rows_from(when)), when)
    if as_json:
        print_json(report.to_dict())
        return
    from migrainecli.reports.terminal import render_status

    render_status(report, out())
