"""``status``: the verdicts of clinical-criteria.md read from the diary, with evidence."""

from datetime import date
from typing import Annotated, Any

import typer

from migrainecli.cli.common import clean, open_diary, out, parse_date, print_json

VERDICT = {"met": "MET", "not_met": "NOT MET", "undetermined": "UNDETERMINED"}
STYLE = {"met": "bold red", "not_met": "bold green", "undetermined": "bold yellow"}
MARK = {"met": "✓", "not_met": "✗", "undetermined": "?"}


def evaluate(data, as_of: date):
    """The StatusReport for diary data (``Diary.load()``), shared with demo and reports."""
    from migrainecli.catalogue import load_catalogue
    from migrainecli.rules.criteria import evaluate_all

    return evaluate_all(data, as_of, load_catalogue())


def status(
    ctx: typer.Context,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", metavar="DATE", help="Evaluate as if today were this date."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Which published criteria the diary meets, with evidence.

    Chronic migraine (ICHD-3 1.3), medication overuse (ICHD-3 8.2), resistant and
    refractory migraine (EHF 2020), CGRP step therapy (AHS 2021).

    Without a diary file it says so on stderr; --json still prints the verdicts of an
    empty diary (all undetermined), so that scripts always read valid JSON.
    """
    from migrainecli.cli.common import no_diary

    when = parse_date(as_of, option="--as-of") if as_of else date.today()
    if no_diary(ctx) and not as_json:
        return
    with open_diary(ctx, write=False) as diary:
        report = evaluate(diary.load(), when)
    data = report.to_dict()
    if as_json:
        print_json(data)
        return
    render_status(data, out())


def render_status(data: dict[str, Any], console) -> None:
    """The human status report: one block per criterion, then the disclaimer."""
    from rich.padding import Padding

    from migrainecli.rules.criteria import DISCLAIMER, TITLES

    d = data["diary"]
    if d["start"] is None:
        console.print(
            f"The diary is empty (as of {data['as_of']}): every verdict is undetermined. "
            "Log headache days with 'migrainecli log'."
        )
    else:
        console.print(
            f"[b]Diary[/b] from {d['start']} to {data['as_of']}: {d['tracked_days']} tracked "
            f"days, {d['untracked_days']} untracked."
        )
    for key, title in TITLES.items():
        c = data["criteria"][key]
        console.print()
        console.print(
            f"[b]{title}[/b] ({c['source']}): [{STYLE[c['status']]}]{VERDICT[c['status']]}[/]"
        )
        table = _month_table(key, c)
        if table is not None:
            console.print(table)
        for line in [*_extra_lines(key, c), c["explanation"]]:
            console.print(Padding(clean(line), (0, 0, 0, 2)))
    console.print()
    console.print(f"[i]{DISCLAIMER}[/i]")


def _cell(n: int, status: str) -> str:
    return f"{n} {MARK.get(status, '')}".strip()


def _month_table(key: str, c: dict[str, Any]):
    """The months a verdict used, each count marked ✓ meets / ✗ cannot meet / ? unknown."""
    from rich import box
    from rich.table import Table

    months = c.get("months") or []
    if not months:
        return None
    if key == "chronic_migraine":
        columns = [("headache_days", "headache ≥15"), ("migraine_days", "migraine ≥8")]
    elif key == "medication_overuse":
        used = [
            code
            for code in months[0]["medication_days"]
            if any(m["medication_days"].get(code) for m in months)
        ]
        columns = [("headache_days", "headache ≥15")] + [
            (code, f"{code} ≥{months[0]['thresholds'][code]}") for code in used
        ]
    elif "debilitating_days" in months[0]:
        columns = [("debilitating_days", "debilitating ≥8")]
    else:
        return None
    table = Table(box=box.SIMPLE, pad_edge=False, padding=(0, 1), show_edge=False)
    table.add_column("  month")
    table.add_column("untracked", justify="right")
    for _, header in columns:
        table.add_column(header, justify="right")
    table.add_column("month is")
    for m in months:
        cells = []
        for field, _ in columns:
            n = m[field] if field in m else m["medication_days"][field]
            if _pool_excluded(m, field):
                cells.append(f"{n} –")
            else:
                cells.append(_cell(n, m["checks"][field]))
        table.add_row(
            "  " + m["month"], str(m["untracked_days"]), *cells, VERDICT[m["status"]].lower()
        )
    return table


def _pool_excluded(m: dict[str, Any], field: str) -> bool:
    """ICHD-3 8.2.6 reached in days but excluded because one class is overused alone."""
    return (
        field == "8.2.6"
        and m["medication_days"]["8.2.6"] >= m["thresholds"]["8.2.6"]
        and m["checks"]["8.2.6"] != "met"
    )


def _extra_lines(key: str, c: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    if key == "chronic_migraine":
        b = c.get("criterion_b") or {}
        if b:
            lines.append(
                f"Criterion B (≥{b['required']} attacks in the history): "
                f"{b['recorded_migraine_days']} migraine "
                f"day{'s' if b['recorded_migraine_days'] != 1 else ''} recorded, "
                f"{b['status'].replace('_', ' ')}. Criterion D: {c['criterion_d']}."
            )
    elif key == "medication_overuse":
        if any(_pool_excluded(m, "8.2.6") for m in c.get("months", [])):
            lines.append(
                "– 8.2.6 does not apply in that month: one class is already overused on its "
                "own (ICHD-3 8.2.6 needs none overused alone)."
            )
        if c.get("subtypes"):
            lines.append("Subtypes in every month: " + ", ".join(c["subtypes"]) + ".")
    elif key in ("resistant_migraine", "refractory_migraine"):
        for f in c.get("failures", []):
            trials = ", ".join(f"{t['therapy']} ({t['outcome']})" for t in f["trials"])
            lines.append(f"Failed: {f['class']} — {trials}")
        short = [s["class"] for s in c.get("short_of_failure", [])]
        if short:
            lines.append("Not failed yet: " + ", ".join(short))
    elif key == "cgrp_step_therapy":
        for e in c.get("evidence", []):
            lines.append(
                f"{e['agent']} [{e['class']}] {e['dose'] or 'dose not recorded'}, "
                f"{e['start']} to {e['stop'] or 'ongoing'} ({e['duration_days']} days): "
                f"{e['outcome']}" + (f" — {e['reason']}" if e.get("reason") else "")
            )
    return lines
