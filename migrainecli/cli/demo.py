"""``demo``: a sample diary in a temporary file, and what the tool reads from it."""

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from migrainecli.cli.common import out


def demo(
    ctx: typer.Context,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of", metavar="DATE", help="Build the sample as if today were this date."
        ),
    ] = None,
    keep: Annotated[
        Path | None,
        typer.Option(
            "--keep",
            metavar="FILE",
            help="Keep the sample diary in this new file, to explore it with --db FILE.",
        ),
    ] = None,
) -> None:
    """Show what the tool does, on a sample diary.

    The sample is written to a temporary file that is removed at the end (or to the
    --keep file); your own diary is not touched.
    """
    import shutil
    import tempfile

    from rich.markup import escape

    from migrainecli.cli.common import output_path, parse_date, started_new_diary
    from migrainecli.demo import build_demo
    from migrainecli.reports.terminal import render_status
    from migrainecli.rules.criteria import evaluate

    when = parse_date(as_of, option="--as-of") if as_of else date.today()
    folder = None
    if keep is not None:
        path = output_path(ctx, keep)
        if path.exists() or path.is_symlink():
            from migrainecli.errors import MigraineError

            raise MigraineError(f"{path} already exists; give --keep the name of a new file.")
    else:
        folder = Path(tempfile.mkdtemp(prefix="migrainecli-demo-"))
        path = folder / "demo-diary.db"
    try:
        diary = build_demo(path, when)
        if keep is not None:
            started_new_diary(path)
        try:
            data = diary.load()
            logged = len(diary.days())
            report = evaluate(data, when)
        finally:
            diary.close()
    finally:
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
    console = out()
    console.print(
        "[b]migrainecli demo[/b] — a made-up patient: a year of diary "
        f"({logged} logged days, {len(data.intakes)} acute-medication intakes, "
        f"{len(data.trials)} treatment trials, {len(data.scores)} MIDAS and HIT-6 scores, "
        f"{len(data.periods)} period starts, one untracked holiday week)."
    )
    if keep is not None:
        console.print(f"Sample diary (not yours), kept in: {escape(str(path))}", soft_wrap=True)
    else:
        console.print("Sample diary (not yours): a temporary file, removed again.")
    console.print()
    render_status(report, console)
    console.print()
    if keep is None:
        console.print("[b]Explore the sample[/b] (kept with --keep)")
        console.print("  migrainecli demo --keep demo.db")
        db = "--db demo.db"
    else:
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
