"""``import migrainebuddy FILE``: a dry-run table of what the Migraine Buddy file holds,
written to the diary only with --yes (``migrainecli.migrainebuddy``)."""

import sys
from pathlib import Path

import typer

from migrainecli.cli.common import clean, date_order, open_diary, out, say


def import_migrainebuddy(ctx: typer.Context, file: str, yes: bool, order: str | None) -> None:
    from migrainecli.catalogue import load_catalogue
    from migrainecli.errors import MigraineError
    from migrainecli.migrainebuddy import apply_plan, plan_import

    if file == "-":
        data = sys.stdin.buffer
    else:
        path = Path(file).expanduser()
        if not path.is_file():
            raise MigraineError(f"There is no file {file!r} to import.")
        data = path.open("rb")
    try:
        plan = plan_import(data, load_catalogue(), order=order or date_order)
    finally:
        if data is not sys.stdin.buffer:
            data.close()
    if not plan.days:
        say(f"{file} holds no attacks; nothing to import.")
        return
    if not yes:
        _table(ctx, plan)
        say(
            f"Dry run: {_n(plan.attack_count, 'attack')} -> {_n(len(plan.days), 'day')} and "
            f"{_n(len(plan.intakes), 'intake')}; nothing was written. Add --yes to import them."
        )
        return
    with open_diary(ctx, write=True) as diary:
        counts = apply_plan(diary, plan)
    parts = [f"{_n(counts['added'], 'day')} added"]
    if counts["replaced"]:
        parts.append(f"{counts['replaced']} replaced")
    parts.append(_n(counts["intakes"], "intake"))
    say(f"Imported Migraine Buddy file {file}: {', '.join(parts)}.")
    from migrainecli.cli.common import note

    for g, n in counts["in_gaps"]:
        note(
            f"Note: {_n(n, 'imported day')} {'is' if n == 1 else 'are'} inside the untracked "
            f"period #{g.id} ({g.start} to {g.end}), so not counted; "
            f"'migrainecli gap delete {g.id}' counts {'it' if n == 1 else 'them'}."
        )
    if counts["start_moved"]:
        old, new = counts["start_moved"]
        note(
            f"The diary now starts on {new} instead of {old}: the unlogged days between "
            "count as headache-free unless you record them as a gap ('migrainecli gap add')."
        )


def _table(ctx: typer.Context, plan) -> None:
    from rich.table import Table

    from migrainecli.cli.common import diary_path

    existing: set = set()
    if diary_path(ctx).exists():
        with open_diary(ctx, write=False) as diary:
            existing = {d.date for d in diary.days()}
    meds: dict = {}
    for i in plan.intakes:
        word = {True: "relieved", False: "not relieved", None: "relief ?"}[i.relieved]
        meds.setdefault(i.date, []).append(
            f"{i.medication}{' ' + i.dose if i.dose else ''} ({word})"
        )
    table = Table(title="Migraine Buddy import (dry run)", title_justify="left")
    for col in ("date", "attack", "severity", "hours", "features", "medication", "diary"):
        table.add_column(col, overflow="fold")
    for d in sorted(plan.days):
        day = plan.days[d]
        features = [
            f for f in ("unilateral", "pulsating", "activity", "nausea", "vomiting",
                        "photophobia", "phonophobia", "aura") if getattr(day, f)
        ]  # fmt: skip
        if day.believed_migraine:
            features.append("believed migraine")
        table.add_row(
            d.isoformat(),
            clean(", ".join(plan.attacks[d])),
            day.severity,
            "" if day.hours is None else f"{day.hours:g}",
            ", ".join(features),
            clean("; ".join(meds.get(d, []))),
            "replaces" if d in existing else "new",
        )
    out().print(table)
    say(
        "Pain 1-3 mild, 4-6 moderate, 7-10 severe; 'Somewhat helpful' and 'Unsure' "
        "medications are logged with relief not recorded; location is not imported."
    )
    if plan.ignored_columns:
        say(f"Columns not read: {', '.join(plan.ignored_columns)}.")


def _n(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"
