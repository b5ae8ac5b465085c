"""``score``: MIDAS and HIT-6 disability scores (docs/criteria.md section 8).

Both questionnaires are copyrighted: the tool takes the numbers and shows short labels
of its own, never the questions' wording.
"""

from datetime import date
from typing import Annotated

import typer

from migrainecli.cli.common import Json, note, open_diary, parse_date, print_json, say, sub_app

app = sub_app(
    "Record MIDAS and HIT-6 disability scores (the numbers only; the questionnaires "
    "are not reproduced)."
)
add_app = sub_app("Add a MIDAS or HIT-6 score.")
app.add_typer(add_app, name="add")

_DATE_HELP = "The date the questionnaire was filled in (default: today)."


def _days(help_text: str):
    return typer.Option(metavar="N", help=f"{help_text} (days in the last 3 months, 0-90).")


def _save(ctx: typer.Context, score) -> None:
    from migrainecli.rules.scores import INSTRUMENT_NAMES, check_score, grade_text

    check_score(score)
    with open_diary(ctx, write=True) as diary:
        score_id = diary.add_score(score)
    say(
        f"Recorded score #{score_id}: {INSTRUMENT_NAMES[score.instrument]} {score.total} on "
        f"{score.date}, {grade_text(score)}."
    )


@add_app.command("midas")
def add_midas(
    ctx: typer.Context,
    when: Annotated[
        str | None, typer.Option("--date", "-d", metavar="DATE", help=_DATE_HELP)
    ] = None,
    q1: Annotated[int | None, _days("Days missed work or school")] = None,
    q2: Annotated[
        int | None, _days("Days work or school productivity halved, not counting q1's")
    ] = None,
    q3: Annotated[int | None, _days("Days no household work")] = None,
    q4: Annotated[
        int | None, _days("Days household productivity halved, not counting q3's")
    ] = None,
    q5: Annotated[int | None, _days("Days missed family, social or leisure activities")] = None,
    headache_days: Annotated[
        int | None,
        typer.Option(
            "--headache-days", metavar="N", help="Unscored: headache days in the last 3 months."
        ),
    ] = None,
    pain: Annotated[
        int | None, typer.Option("--pain", metavar="N", help="Unscored: average pain, 0-10.")
    ] = None,
    text: Annotated[
        str | None, typer.Option("--note", "-n", metavar="TEXT", help="A note.")
    ] = None,
) -> None:
    """Add a MIDAS score: the five scored items (q1 + q2 and q3 + q4 at most 90 each).

    The total and the grade (I 0-5, II 6-10, III 11-20, IV 21 or more) are computed.
    On a terminal, with no item given, it asks for each item by a short label.
    Off a terminal every item must be given.
    """
    from migrainecli.cli.common import usage_error
    from migrainecli.models import Score

    d = parse_date(when, option="--date") if when else date.today()
    items = [q1, q2, q3, q4, q5]
    if all(v is None for v in items) and headache_days is None and pain is None:
        from migrainecli.cli.guided import on_terminal

        if not on_terminal():
            raise usage_error(
                "give the five MIDAS items as --q1 N --q2 N --q3 N --q4 N --q5 N (on a "
                "terminal, with none of them, the command asks for each)."
            )
        items, headache_days, pain = _ask_midas()
    missing = [f"--q{k}" for k, v in enumerate(items, start=1) if v is None]
    if missing:
        raise usage_error(f"MIDAS needs all five items; missing {', '.join(missing)}.")
    _save(ctx, Score(d, "midas", None, *items, headache_days, pain, text))  # type: ignore[arg-type]


def _ask_midas() -> tuple[list[int], int | None, int | None]:
    """The five items and the two unscored answers, asked by their short labels."""
    from migrainecli.rules.scores import MIDAS_ITEMS, MIDAS_UNSCORED

    typer.echo("MIDAS, the last 3 months (numbers only; the questionnaire itself is not shown).",
               err=True)  # fmt: skip
    values: list[int] = []
    for name, label in MIDAS_ITEMS:
        values.append(_ask_number(f"{name}, {label} (0-90): ", 0, 90, required=True))
    extra = []
    for name, label in MIDAS_UNSCORED:
        hi = 10 if name == "pain" else 90
        extra.append(_ask_number(f"{name}, {label} [Enter to skip]: ", 0, hi, required=False))
    return values, extra[0], extra[1]


def _ask_number(prompt: str, lo: int, hi: int, *, required: bool) -> int | None:
    from migrainecli.cli.common import fail

    while True:
        try:
            text = input(prompt).strip()
        except (EOFError, KeyboardInterrupt):
            typer.echo("", err=True)
            raise fail("Nothing was recorded.") from None
        if not text and not required:
            return None
        if text.isdigit() and lo <= int(text) <= hi:
            return int(text)
        typer.echo(f"Type a whole number from {lo} to {hi}.", err=True)


@add_app.command("hit6")
def add_hit6(
    ctx: typer.Context,
    total: Annotated[int, typer.Option("--total", metavar="N", help="The HIT-6 total, 36-78.")],
    when: Annotated[
        str | None, typer.Option("--date", "-d", metavar="DATE", help=_DATE_HELP)
    ] = None,
    text: Annotated[
        str | None, typer.Option("--note", "-n", metavar="TEXT", help="A note.")
    ] = None,
) -> None:
    """Add a HIT-6 score (total 36-78).

    The impact category is computed: 49 or less little or none, 50-55 some, 56-59
    substantial, 60 or more severe.
    """
    from migrainecli.models import Score

    d = parse_date(when, option="--date") if when else date.today()
    _save(ctx, Score(d, "hit6", total, note=text))


@app.command("list")
def list_(
    ctx: typer.Context,
    as_json: Json = False,
) -> None:
    """List the recorded scores, oldest first.

    Without a diary file it says so on stderr; --json then prints [].
    """
    from migrainecli.cli.common import read_diary
    from migrainecli.rules.scores import INSTRUMENT_NAMES, score_dict

    scores = read_diary(ctx, as_json, lambda diary: diary.scores())
    if scores is None:
        return
    if as_json:
        print_json([score_dict(s) for s in scores])
        return
    if not scores:
        note("No scores recorded ('migrainecli score add midas' or 'score add hit6').")
        return
    from migrainecli.cli.listing import plain, print_table

    def items(s) -> str:
        if s.instrument != "midas":
            return ""
        return " ".join(f"{v}" for v in (s.q1, s.q2, s.q3, s.q4, s.q5))

    cells = [
        (str(s.id), s.date.isoformat(), INSTRUMENT_NAMES[s.instrument], str(s.total),
         score_dict(s)["text"], items(s), plain(s.note))
        for s in scores
    ]  # fmt: skip
    print_table(("#", "date", "instrument", "total", "grade", "q1-q5", "note"), cells,
                right=(3,), wrappable=(6,))  # fmt: skip


@app.command("delete")
def delete(
    ctx: typer.Context,
    score_id: Annotated[
        int, typer.Argument(metavar="N", help="The score's number from 'score list'.")
    ],
) -> None:
    """Delete a score ('migrainecli undo' brings it back)."""
    from migrainecli.rules.scores import INSTRUMENT_NAMES

    with open_diary(ctx, write=True) as diary:
        s = diary.delete_score(score_id)
    say(f"Deleted score #{score_id} ({INSTRUMENT_NAMES[s.instrument]} {s.total} on {s.date}).")
