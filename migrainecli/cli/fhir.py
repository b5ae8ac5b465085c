"""``export fhir``: the diary as one FHIR R4 Bundle (``migrainecli.fhir``)."""

import sys
from datetime import date
from pathlib import Path

import typer

from migrainecli.cli.common import no_diary, note, open_diary, parse_date


def export_fhir(ctx: typer.Context, output: Path | None, force: bool, as_of: str | None) -> None:
    """Write the Bundle to ``output`` (mode 0600, --force to replace) or stdout."""
    from migrainecli.catalogue import load_catalogue
    from migrainecli.cli.common import output_path
    from migrainecli.fhir import build_bundle, bundle_json
    from migrainecli.files import check_new_output, private_output
    from migrainecli.rules.criteria import evaluate_all

    when = parse_date(as_of, option="--as-of") if as_of else date.today()
    if output is not None:
        output = output_path(ctx, output)
        check_new_output(output, force)
    if no_diary(ctx):
        return
    with open_diary(ctx, write=False) as diary:
        data = diary.load()
        settings = diary.settings()
    catalogue = load_catalogue()
    bundle = build_bundle(data, evaluate_all(data, when, catalogue), when, catalogue, settings)
    text = bundle_json(bundle)
    if output is None:
        sys.stdout.write(text)
        return
    with private_output(output) as fh:
        fh.write(text)
    n = len(bundle["entry"])
    note(f"Wrote a FHIR R4 Bundle of {n} resource{'s' if n != 1 else ''} to {output}.")
