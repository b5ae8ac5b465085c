"""``demo``: a sample diary in a temporary file, and what the tool reads from it."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from migrainecli.cli.common import out


def demo(
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of", metavar="DATE", help="Build the sample as if today were this date."
        ),
    ] = None,
) -> None:
    """Show what the tool does, on a sample diary.

    The sample is written to a temporary file; your own diary is not touched.
    """
    import tempfile
    from pathlib import Path

    from rich.markup import escape

    from migrainecli.cli.common import parse_date
    from migrainecli.cli.status import evaluate, render_status
    from migrainecli.demo import build_demo

    when = parse_date(as_of, option="--as-of") if as_of else date.today()
    folder = Path(tempfile.mkdtemp(prefix="migrainecli-demo-"))
    path = folder / "demo-diary.db"
    console = out()
    diary = build_demo(path, when)
    from migrainecli.cli.common import started_new_diary

    started_new_diary(path)
    try:
        data = diary.load()
        logged = len(diary.days())
        report = evaluate(data, when)
    finally:
        diary.close()
    console.print(
        "[b]migrainecli demo[/b] — a made-up patient: a year of diary "
        f"({logged} logged days, {len(data.intakes)} acute-medication intakes, "
        f"{len(data.trials)} treatment trials, {len(data.scores)} MIDAS and HIT-6 scores, "
        f"{len(data.periods)} period starts, one untracked holiday week)."
    )
    console.print(f"Sample diary (not yours): {escape(str(path))}")
    console.print()
    render_status(report, console)
    console.print()
    console.print("[b]Explore the sample[/b]")
    db = f"--db {path}"
    for cmd in ("days --from '14 days ago'", "trial list", "untried --kind preventive",
                "score list", "report", "status --json"):  # fmt: skip
        console.print(escape(f"  migrainecli {db} {cmd}"), soft_wrap=True)
    console.print("[b]Start your own diary[/b]")
    console.print('  migrainecli log --severity severe --nausea --photophobia --phonophobia '
                  '--med "sumatriptan 50 mg"', soft_wrap=True)  # fmt: skip
    console.print('  migrainecli trial add "Topamax 50 mg" --start 2025-01-10 --end 2025-04-02 '
                  "--outcome ineffective", soft_wrap=True)  # fmt: skip
    console.print("  migrainecli status")
