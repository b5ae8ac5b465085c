"""The therapy catalogue and the classes still untried."""

from datetime import date
from typing import Annotated

import typer

from migrainecli.cli.common import Json, clean, complete_therapy, out, print_json, sub_app
from migrainecli.cli.trials import Kind

app = sub_app("The therapy catalogue: classes, names and brands.", invoke_without_command=True)


@app.callback()
def therapies(
    ctx: typer.Context,
    kind: Annotated[
        Kind | None, typer.Option("--kind", metavar="KIND", help="Only classes of this kind.")
    ] = None,
    as_json: Json = False,
) -> None:
    """List the therapy catalogue (or 'therapies show NAME')."""
    if ctx.invoked_subcommand is not None:
        return
    from migrainecli.catalogue import load_catalogue

    classes = [c for c in load_catalogue().classes.values() if kind is None or c.kind == kind.value]
    if as_json:
        print_json(
            [
                {
                    "class": c.id, "kind": c.kind, "label": c.label, "moh": c.moh,
                    "ehf": c.ehf, "oral": c.oral, "min_adequate_days": c.min_adequate_days,
                    "members": [{"name": m.name, "aliases": list(m.aliases),
                                 "misspellings": list(m.misspellings)} for m in c.members],
                }
                for c in classes
            ]
        )  # fmt: skip
        return
    from migrainecli.cli.listing import fits, is_narrow, output_width, table, wrap, write_lines

    # The table style of every listing (cli.listing). Misspellings ("amitryptiline") are
    # marked in the data file and left out here; they still resolve when typed.
    width = output_width(piped=80)
    lines = ["Therapy catalogue"]
    rows = [(c.id, c.kind, "; ".join(_member_text(m) for m in c.members)) for c in classes]
    listing = (
        []
        if is_narrow(width)
        else table(("class", "kind", "members (brands)"), rows, width=width, wrappable=(2,))
    )
    if listing and fits(listing, width):
        lines += listing
    else:  # stacked, one block per class, when a table would not fit
        for class_id, kind_, members in rows:
            lines += [f"{class_id}  {kind_}", *wrap("  " + members, width or 80, "    ")]
    write_lines(lines, pager=False)


def _member_text(m) -> str:
    """A member and up to three of its other names, misspellings left out."""
    shown = [a for a in m.aliases if a not in m.misspellings][:3]
    return m.name + (f" ({', '.join(shown)})" if shown else "")


@app.command("show")
def show(
    name: Annotated[
        str,
        typer.Argument(
            metavar="NAME",
            help="A therapy or medication name, brand or generic.",
            autocompletion=complete_therapy,
        ),
    ],
    as_json: Json = False,
) -> None:
    """Tell what a name resolves to in the catalogue."""
    from migrainecli.catalogue import load_catalogue
    from migrainecli.errors import AmbiguousTherapy

    catalogue = load_catalogue()
    try:
        res = catalogue.resolve(name)
        bare, dose, members = res.name, res.dose, [res.member]
    except AmbiguousTherapy as err:
        bare, dose, members = err.name, None, catalogue.lookup(err.name)
    data = []
    for m in members:
        c = catalogue.classes[m.class_id]
        data.append(
            {
                "name": bare, "generic": m.name, "class": c.id, "label": c.label,
                "kind": c.kind, "moh": c.moh, "ehf": c.ehf, "oral": c.oral,
                "min_adequate_days": c.min_adequate_days, "dose": dose,
            }
        )  # fmt: skip
    if as_json:
        print_json(data)
        return

    console = out()
    for d in data:
        console.print(
            clean(f"{d['name']} → {d['generic']}: {d['label']} [{d['class']}], {d['kind']}")
        )
        facts = []
        if d["moh"]:
            facts.append(f"overuse counted under ICHD-3 {d['moh']}")
        if d["ehf"]:
            facts.append("an EHF 2020 preventive class")
        if d["oral"]:
            facts.append("an AHS 2021 established oral preventive")
        if d["min_adequate_days"]:
            facts.append(f"adequate trial: at least {d['min_adequate_days']} days")
        if facts:
            console.print("  " + "; ".join(facts))
    if len(data) > 1:
        from rich.padding import Padding

        console.print(
            Padding(
                "This name is in more than one class: an intake on a diary day is acute; "
                "a trial takes --kind or --class.",
                (0, 0, 0, 2),
            )
        )


def untried(
    ctx: typer.Context,
    kind: Annotated[
        Kind | None, typer.Option("--kind", metavar="KIND", help="Only classes of this kind.")
    ] = None,
    as_json: Json = False,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", metavar="DATE", help="Evaluate as if today were this date."),
    ] = None,
    schema: Annotated[
        bool, typer.Option("--schema", help="Print the JSON Schema of --json instead.")
    ] = False,
) -> None:
    """Which therapy classes are untried, tried inadequately, or barred.

    Every catalogue class is listed once: untried, tried only inadequately, tried, or
    barred (its only records are 'unavailable': not covered, not marketed, age).
    Without a diary file it says so on stderr; --json then lists every class untried.
    """
    if schema:
        from migrainecli.schemas import json_schema

        return print_json(json_schema("untried"))
    from migrainecli.catalogue import load_catalogue
    from migrainecli.cli.common import no_diary, open_diary, parse_date
    from migrainecli.rules.untried import untried_classes

    when = parse_date(as_of, option="--as-of") if as_of else date.today()
    if no_diary(ctx) and not as_json:
        return
    catalogue = load_catalogue()
    from migrainecli.rules.criteria import rows_from

    with open_diary(ctx, write=False) as diary:
        diary_data = diary.load(rows_from=rows_from(when))
    data = untried_classes(
        diary_data.trials, diary_data.intakes, when, catalogue, diary_data.history
    )
    if kind is not None:
        data = {k: [e for e in v if e["kind"] == kind.value] for k, v in data.items()}
    if as_json:
        print_json(data)
        return
    _print_untried(data, catalogue)


KIND_ORDER = ("preventive", "acute", "procedure", "neuromodulation", "behavioural", "lifestyle")


def _print_untried(data: dict, catalogue) -> None:
    from rich.table import Table

    from migrainecli.rules.untried import (
        barred_trial,
        diary_notes,
        inadequate_trial,
        tried_trial,
        untried_name,
    )

    console = out()
    labels = {c.id: c.label for c in catalogue.classes.values()}
    for kind in KIND_ORDER:
        entries = {k: [e for e in v if e["kind"] == kind] for k, v in data.items()}
        if not any(entries.values()):
            continue
        table = Table(box=None, show_header=False, pad_edge=False, title_justify="left")
        table.title = f"[b]{kind.capitalize()}[/b]"
        table.add_column(style="bold", no_wrap=True)
        table.add_column(overflow="fold")
        if entries["untried"]:
            names = ", ".join(untried_name(e, labels) for e in entries["untried"])
            table.add_row("untried", names)
        for e in entries["inadequate"]:
            why = "; ".join(inadequate_trial(t) for t in e.get("trials", []))
            table.add_row("inadequate", f"{labels.get(e['class'], e['class'])} — {clean(why)}")
        for e in entries["tried"]:
            trials = "; ".join(tried_trial(t) for t in e.get("trials", []))
            table.add_row("tried", f"{labels.get(e['class'], e['class'])} — {clean(trials)}")
        for e in entries.get("barred", []):
            why = "; ".join(barred_trial(t) for t in e.get("trials", []))
            table.add_row("barred", f"{labels.get(e['class'], e['class'])} — {clean(why)}")
        for line in diary_notes(e for v in entries.values() for e in v):
            table.add_row("diary", clean(line))
        console.print(table)
        console.print()
    n = {k: len(v) for k, v in data.items()}
    console.print(
        f"{n['untried']} classes untried, {n['inadequate']} tried only inadequately, "
        f"{n['tried']} tried, {n.get('barred', 0)} barred (unavailable to the patient)."
    )
