"""Terminal rendering of ``report`` and of the text ``summary`` (rich).

Renders the dictionaries of ``migrainecli.reports.data`` only. Readable without
colour: every highlight also has a character (``▲`` a threshold reached, ``M`` a
migraine day, ``+`` acute medication, ``×`` untracked), and every line fits the
console width (80 columns is the design width).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from migrainecli.reports.data import short_response_note
from migrainecli.rules.verdicts import (
    DISCLAIMER,
    MARK_LEGEND,
    REACHED,
    SHORT_TITLES,
    SYMBOLS,
    VERDICT_STYLES,
    VERDICT_WORDS,
)
from migrainecli.safetext import visible_tree

STACK_BELOW = 70  # columns: narrower consoles get the verdict months stacked
SHORT = {
    "triptan": "triptan",
    "ergot": "ergot",
    "simple_analgesic": "simple",
    "combination_analgesic": "combo",
    "opioid": "opioid",
    "gepant_acute": "gepant",
    "ditan": "ditan",
    "antiemetic": "antiem.",
}
GLYPH = {"none": "·", "aura": "a", "mild": "░", "moderate": "▒", "severe": "▓", "untracked": "×"}
SEVERITY_STYLE = {
    "none": "bright_black",
    "aura": "magenta",  # ICHD-3 1.2.1.2 aura without headache
    "mild": "yellow",
    "moderate": "dark_orange",
    "severe": "red",
    "untracked": "bright_black",
}
BLOCKS = " ▁▂▃▄▅▆▇█"
HEADACHE_STYLE = "yellow"
MIGRAINE_STYLE = "red"
BAND_STYLES = ("cyan", "magenta", "green", "blue", "bright_cyan", "bright_magenta")
CHART_ROWS = 8
CHART_STEP = 4  # days per row: 8 rows of 4 days = 32, eighth blocks give half-days
AXIS = 5  # "32 ┤"


def _n(count: int, noun: str) -> str:
    return f"{count} {noun if count == 1 else noun + 's'}"


def _marked(n: int, m: dict[str, Any], name: str):
    """A month-table count with its mark: ▲ reached, ? untracked days could reach it,
    – does not apply (ICHD-3 8.2.6), nothing when it cannot be reached."""
    from rich.text import Text

    if name in m["at_threshold"]:
        return Text(f"{n} {REACHED}", style="bold red")
    if name in m["undetermined"]:
        return Text(f"{n} {SYMBOLS['undetermined']}")
    if name in m["does_not_apply"]:
        return Text(f"{n} {SYMBOLS['does_not_apply']}")
    return Text(f"{n}  ")


def _month_label(m: dict[str, Any]) -> str:
    return m["month"] + ("" if m["complete"] else "*")


# -- the month table ------------------------------------------------------------------
def _plain_len(value: Any) -> int:
    return value.cell_len if hasattr(value, "cell_len") else len(str(value))


def _tables(rows: Sequence[dict[str, Any]], fixed: list, extra: list, width: int) -> list:
    """Tables of ``rows`` with the ``fixed`` columns then the ``extra`` ones; when they do
    not fit ``width``, the extra columns go to further tables led by the first column.
    A column is (header, justify, cell function)."""
    from rich import box
    from rich.table import Table

    def measure(col) -> int:
        header, _, cell = col
        return max([*(len(h) for h in header.split("\n")), *(_plain_len(cell(r)) for r in rows)])

    def table(cols) -> Table:
        t = Table(
            box=box.SIMPLE_HEAD,
            pad_edge=False,
            show_edge=False,
            padding=(0, 1),
            collapse_padding=True,
        )
        for header, justify, _ in cols:
            t.add_column(header, justify=justify, no_wrap=True)
        for r in rows:
            t.add_row(*(cell(r) for _, _, cell in cols))
        return t

    gap = 2  # the column divider and one space of padding
    if sum(measure(c) + gap for c in fixed + extra) - gap <= width:
        return [table(fixed + extra)]
    out = [table(fixed)]
    lead = fixed[0]
    group: list = []
    used = measure(lead)
    for col in extra:
        w = measure(col) + gap
        if group and used + w > width:
            out.append(table([lead, *group]))
            group, used = [], measure(lead)
        group.append(col)
        used += w
    if group:
        out.append(table([lead, *group]))
    return out


def _pool_used(months: Sequence[dict[str, Any]]) -> bool:
    """Whether the ICHD-3 8.2.6 pool is worth a column: several of its classes taken."""
    codes = ("8.2.1", "8.2.2", "8.2.3", "8.2.4", "8.2.5")
    return any(
        "8.2.6" in m["at_threshold"] or sum(1 for c in codes if m["moh_days"].get(c)) >= 2
        for m in months
    )


def month_tables(
    months: Sequence[dict[str, Any]], thresholds: dict[str, Any], width: int = 80
) -> list:
    """Tracked, headache, migraine, debilitating and acute-medication days per month,
    then the acute classes used, each with its ICHD-3 8.2 limit (▲ reached); the class
    columns move to a table of their own when they do not fit."""
    limits = thresholds["acute_classes"]
    used = [
        c
        for c in (months[0]["class_days"] if months else {})
        if c in limits and any(m["class_days"].get(c) for m in months)
    ]

    def counted(name: str):
        return lambda m: _marked(m[name], m, name)

    fixed = [
        ("month", "left", _month_label),
        ("tracked", "right", lambda m: f"{m['tracked_days']}/{m['elapsed_days']}"),
        (f"headache\n≥{thresholds['headache_days']}", "right", counted("headache_days")),
        (f"migraine\n≥{thresholds['migraine_days']}", "right", counted("migraine_days")),
        (f"debilit.\n≥{thresholds['debilitating_days']}", "right", counted("debilitating_days")),
        ("acute\nmed", "right", lambda m: str(m["acute_medication_days"])),
    ]
    extra = [
        (
            f"{SHORT.get(c, c[:7])}\n≥{limits[c]['days']}",
            "right",
            lambda m, c=c: _marked(m["class_days"][c], m, f"{c}_days"),
        )
        for c in used
    ]
    if _pool_used(months):
        extra.append(
            (
                f"several\n≥{thresholds['8.2.6']}",
                "right",
                lambda m: _marked(m["moh_days"].get("8.2.6", 0), m, "8.2.6"),
            )
        )
    return _tables(months, fixed, extra, width)


def month_table_notes(months: Sequence[dict[str, Any]], as_of: str) -> list[str]:
    notes = [
        f"{REACHED} threshold reached: headache ≥15 (ICHD-3 1.3 A, 8.2 A), migraine ≥8 "
        "(1.3 C), debilitating ≥8 (EHF 2020), acute classes at their ICHD-3 8.2 limit in "
        "days of intake. One month is not a verdict: the criteria need 3 (or 6) months."
    ]
    if any(m["moh_days"].get("8.2.6", 0) for m in months):
        notes.append(
            "several = days with any ergot, triptan, simple or combination analgesic or "
            "opioid (ICHD-3 8.2.6: – does not apply when one class is over its own limit or "
            "fewer than 2 of them were taken)."
        )
    if any(m["untracked_days"] for m in months):
        notes.append(
            "tracked = tracked days / days of the month; with untracked days the counts are "
            "lower bounds (? untracked days could reach the threshold)."
        )
    if months and not months[-1]["complete"]:
        notes.append(f"* month so far, to {as_of}.")
    return notes


# -- the calendar heatmap -------------------------------------------------------------
def heatmap_lines(calendar: Sequence[dict[str, Any]]) -> list:
    """One line per month, two characters per day: the severity (or ``M`` for a migraine
    day) and ``+`` when acute medication was taken."""
    from rich.text import Text

    header = Text(" " * 8, style="bright_black")
    row = [" "] * 62
    for d in (1, 5, 10, 15, 20, 25, 30):
        label = str(d)
        pos = (d - 1) * 2
        row[pos : pos + len(label)] = list(label)
    header.append("".join(row).rstrip())
    lines = [header]
    for month in calendar:
        line = Text(month["month"] + " ")
        for cell in month["days"]:
            state = cell["state"]
            style = SEVERITY_STYLE[state]
            if cell["migraine"]:
                line.append("M", style=f"bold {style}")
            else:
                line.append(GLYPH[state], style=style)
            if cell.get("window"):
                line.append("⊕" if cell["acute_medication"] else "○", style="bold magenta")
            else:
                line.append("+" if cell["acute_medication"] else " ", style="bold cyan")
        line.rstrip()
        lines.append(line)
    return lines


def heatmap_legend(aura: bool = False, windows: bool = False) -> list:
    """The calendar's legend; ``aura`` adds the aura-only glyph (when the calendar has one),
    ``windows`` the menstrual window marks."""
    from rich.text import Text

    first = Text("")
    for state, name in (
        ("none", "no headache"),
        ("mild", "mild"),
        ("moderate", "moderate"),
        ("severe", "severe"),
    ):
        first.append(GLYPH[state], style=SEVERITY_STYLE[state])
        first.append(f" {name}  ")
    first.append("M", style="bold red")
    first.append(" migraine day (colour: severity)")
    second = Text("")
    second.append("+", style="bold cyan")
    second.append(" acute medication taken  ")
    second.append("×", style=SEVERITY_STYLE["untracked"])
    second.append(" untracked (before the diary start or in a gap)")
    lines = [first, second]
    if aura:
        third = Text("")
        third.append(GLYPH["aura"], style=SEVERITY_STYLE["aura"])
        third.append(" aura without headache (ICHD-3 1.2.1.2; not a headache day)")
        lines.append(third)
    if windows:
        fourth = Text("")
        fourth.append("○", style="bold magenta")
        fourth.append(" menstrual window day (−2 to +3 of a period), ")
        fourth.append("⊕", style="bold magenta")
        fourth.append(" with acute medication")
        lines.append(fourth)
    return lines


def score_lines(scores: dict[str, Any]) -> list[str]:
    """First (baseline), latest and change of each instrument (section 8)."""
    from migrainecli.rules.scores import INSTRUMENT_NAMES, change_line

    lines = []
    for key, name in INSTRUMENT_NAMES.items():
        entry = scores.get(key)
        lines.append(f"{name}: none recorded" if entry is None else change_line(entry, name))
    return lines


# -- the trend chart ------------------------------------------------------------------
def _bar(value: float, row: int) -> str:
    fill = min(max(value - row * CHART_STEP, 0), CHART_STEP)
    return BLOCKS[round(fill / CHART_STEP * 8)]


def month_name(label: str) -> str:
    """ "2025-12" as "Dec 2025": a chart label nobody reads as a day or a year."""
    import calendar

    return f"{calendar.month_abbr[int(label[5:7])]} {label[:4]}"


def so_far_line(m: dict[str, Any]) -> str:
    """The month so far in words, for under a chart that leaves it out: a month with
    a few days is not comparable with a full one (drawn, it would look like a drop)."""
    untracked = m["elapsed_days"] - m["tracked_days"]
    return (
        f"{month_name(m['month'])} so far ({m['elapsed_days']} of {m['days_in_month']} days"
        + (f", {untracked} untracked" if untracked else "")
        + f"): {_n(m['headache_days'], 'headache day')}, "
        f"{_n(m['migraine_days'], 'migraine day')}; not "
        "drawn until the month is complete."
    )


def _place(row: list[str], pos: int, label: str) -> None:
    """Write ``label`` into ``row`` at ``pos`` if it and a space either side are free."""
    free = row[max(pos - 1, 0) : pos + len(label) + 1]
    if pos + len(label) <= len(row) and all(c == " " for c in free):
        row[pos : pos + len(label)] = list(label)


def trend_lines(
    months: Sequence[dict[str, Any]], bands: Sequence[dict[str, Any]], width: int
) -> list:
    """Monthly headache (left bar) and migraine days (right bar), 8 rows of 4 days with
    eighth blocks, and the preventive trials as bands under the months they ran. Only
    complete months are drawn; the month so far is said in words under the chart.
    Months are labelled "Dec" with the full year under the first month and each
    January."""
    import textwrap

    from rich.text import Text

    so_far = [m for m in months if not m["complete"]]
    months = [m for m in months if m["complete"]]
    notes = [
        Text(" " * AXIS + part, style="bright_black")
        for m in so_far  # the caller prints every line uncut, so wrapped here
        for part in textwrap.wrap(so_far_line(m), max(width - AXIS, 20))
    ]
    if not months:
        return [Text("No complete month to draw yet."), *notes]
    room = max(width - AXIS - 1, 2)
    lines = []
    col = next((c for c in (5, 4, 3) if len(months) * c <= room), 2)
    if len(months) * col > room:
        months = months[-(room // 2) :]
        lines.append(Text(f"(the last {len(months)} months)", style="bright_black"))
    gap = " " * (col - 2)
    for row in range(CHART_ROWS - 1, -1, -1):
        top = (row + 1) * CHART_STEP
        line = Text(f"{top:>2} ┤" if row % 2 else "   │", style="bright_black")
        line.append(" ")
        for m in months:
            line.append(_bar(m["headache_days"], row), style=HEADACHE_STYLE)
            line.append(_bar(m["migraine_days"], row), style=MIGRAINE_STYLE)
            line.append(gap)
        line.rstrip()
        lines.append(line)
    lines.append(Text("   └" + "─" * (len(months) * col + 1), style="bright_black"))
    size = len(months) * col + AXIS + 5
    names, years = [" "] * size, [" "] * size
    for i, m in enumerate(months):
        _place(names, AXIS + i * col, month_name(m["month"])[:3])
    for i, m in reversed(list(enumerate(months))):  # Januaries first, then the first month
        if i == 0 or m["month"].endswith("-01"):
            _place(years, AXIS + i * col, m["month"][:4])
    lines.append(Text("".join(names).rstrip()))
    lines.append(Text("".join(years).rstrip()))
    index = {m["month"]: i for i, m in enumerate(months)}
    for k, band in enumerate(bands):
        cols = [index[label] for label in band["months"] if label in index]
        if not cols:
            continue
        style = BAND_STYLES[k % len(BAND_STYLES)]
        first, last = min(cols), max(cols)
        line = Text(" " * (AXIS + first * col))
        line.append("━" * ((last - first + 1) * col - (col - 2)), style=style)
        name = band["therapy"]
        end = AXIS + (last + 1) * col - (col - 2)
        if end + 1 + len(name) <= width:
            line.append(" " + name, style=style)
        elif AXIS + first * col - len(name) - 1 >= 0:
            start = AXIS + first * col - len(name) - 1
            line = Text(" " * start)
            line.append(name + " ", style=style)
            line.append("━" * ((last - first + 1) * col - (col - 2)), style=style)
        else:
            line.append(" " + name[: max(width - end - 2, 1)] + "…", style=style)
        lines.append(line)
    legend = Text(" " * AXIS)
    legend.append("█", style=HEADACHE_STYLE)
    legend.append(" headache days (left)  ")
    legend.append("█", style=MIGRAINE_STYLE)
    legend.append(" migraine days (right)  ")
    legend.append("━", style=BAND_STYLES[0])
    legend.append(" preventive trial")
    lines.append(legend)
    return lines + notes


# -- trial response -------------------------------------------------------------------
def _num(value: float | None) -> str:
    return "—" if value is None else f"{value:g}"


def _change(reduction: float | None) -> str:
    if reduction is None:
        return "—"
    change = -reduction
    sign = "+" if change > 0 else ("−" if change < 0 else "±")
    return f"{sign}{abs(change):g}%"


def trial_table(trials: Sequence[dict[str, Any]], diary_start: str | None = None):
    """Baseline and on-treatment migraine days per month for each preventive trial."""
    from rich import box
    from rich.markup import escape
    from rich.table import Table

    table = Table(
        box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False, padding=(0, 1), collapse_padding=True
    )
    table.add_column("preventive", overflow="fold", min_width=12)
    table.add_column("dates", no_wrap=True)
    table.add_column("baseline\n/month", justify="right", no_wrap=True)
    table.add_column("treated\n/month", justify="right", no_wrap=True)
    table.add_column("change", justify="right", no_wrap=True)
    table.add_column("≥50%\nfewer", no_wrap=True)
    notes = []
    for t in trials:
        mark = ""
        why = short_response_note(t, diary_start)
        if why:
            mark = f" [{len(notes) + 1}]"
            notes.append(f"[{len(notes) + 1}] {t['therapy']}: {why}")
        responder = {True: "yes", False: "no", None: "—"}[t["responder"]]
        table.add_row(
            escape(t["therapy"] + mark) + f"\n[bright_black]{escape(t['class'])}[/]",
            f"{t['start']}\n→ {t['end'] or 'ongoing'}",
            _num(t["baseline_migraine_days"]),
            _num(t["treated_migraine_days"]),
            _change(t["reduction_percent"]),
            responder,
        )
    return table, notes


# -- report ---------------------------------------------------------------------------
def verdict_line(verdicts: dict[str, Any]):
    from rich.text import Text

    line = Text("Verdicts: ", style="bold")
    for i, (key, v) in enumerate(verdicts.items()):
        if i:
            line.append(" · ")
        line.append(f"{SHORT_TITLES.get(key, key)} ")
        line.append(VERDICT_WORDS[v["status"]], style=VERDICT_STYLES[v["status"]])
        if v.get("subtypes"):
            line.append(f" ({', '.join(v['subtypes'])})")
    line.append(" — details: migrainecli status", style="bright_black")
    return line


def render_report(r: dict[str, Any], console) -> None:
    """``report`` for humans: month table, calendar, trend with trial bands, responses."""
    from rich.markup import escape
    from rich.padding import Padding
    from rich.text import Text

    r = visible_tree(r)  # stored text shows its control characters, never obeys them
    width = min(console.width, 120)
    d = r["diary"]
    if d["start"] is None or not r["months"]:
        console.print(
            f"The diary is empty (as of {r['as_of']}): nothing to report yet. Log headache "
            "days with 'migrainecli log'."
        )
        return
    period = r["period"]
    console.print(
        f"[b]Report {period['from']} to {period['to']}[/b] (as of {r['as_of']}). Diary from "
        f"{d['start']}: {_n(d['tracked_days'], 'tracked day')}, "
        f"{d['untracked_days']} untracked."
    )
    console.print(verdict_line(r["verdicts"]))
    for v in r["verdicts"].values():
        if v.get("guidance"):
            console.print(Text(v["guidance"], style="bright_black"))
    if r.get("overuse_warning"):
        console.print(Text("Warning: " + r["overuse_warning"], style="bold yellow"))

    console.print()
    console.print("[b]Month by month[/b]")
    for table in month_tables(r["months"], r["thresholds"], width):
        console.print(table)
    for line in month_table_notes(r["months"], r["as_of"]):
        console.print(Text(line, style="bright_black"))

    console.print()
    console.print("[b]Calendar[/b] (one line per month, one cell per day)")
    for line in heatmap_lines(r["calendar"]):
        console.print(line, no_wrap=True, overflow="crop")
    aura = any(c["state"] == "aura" for m in r["calendar"] for c in m["days"])
    windows = any(c.get("window") for m in r["calendar"] for c in m["days"])
    for line in heatmap_legend(aura, windows):
        console.print(line)

    scores = r.get("scores") or {}
    if any(scores.values()):
        console.print()
        console.print("[b]Disability scores[/b] (first = baseline, latest, change)")
        for line in score_lines(scores):
            console.print(Padding(escape(line), (0, 0, 0, 2)))

    console.print()
    console.print("[b]Headache and migraine days per month[/b], preventive trials below")
    for line in trend_lines(r["months"], r["bands"], width):
        console.print(line, no_wrap=True, overflow="crop")

    console.print()
    console.print(
        "[b]Preventive trials[/b]: mean migraine days per month, baseline = the 3 months "
        "before, treated = from the 3rd month on it (≥50% fewer = responder, IHS)"
    )
    if not r["trials"]:
        console.print("No preventive trial recorded ('migrainecli trial add').")
        return
    table, notes = trial_table(r["trials"], d["start"])
    console.print(table)
    for line in notes:
        console.print(escape(line), style="bright_black")


# -- summary --------------------------------------------------------------------------
def verdict_months(v: dict[str, Any], width: int = 80) -> list:
    """A verdict's months, each count with its mark (✓ meets, ✗ cannot meet, ? untracked
    days decide, – does not apply): a table, or below ``STACK_BELOW`` columns one block
    per month so that no word is cut."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    evidence = v["evidence"]
    columns: dict[str, str] = {}
    for e in evidence:
        for c in e["checks"]:
            columns.setdefault(c["name"], f"{c['label']} {c['bound']}")
    cells = [
        {c["name"]: f"{c['count']} {SYMBOLS[c['mark']]}" for c in e["checks"]} for e in evidence
    ]
    if width < STACK_BELOW:
        lines = []
        for e, row in zip(evidence, cells, strict=True):
            lines.append(
                Text(
                    f"  {e['month']}: {VERDICT_WORDS[e['status']].lower()}, "
                    f"{_n(e['untracked_days'], 'untracked day')}"
                )
            )
            for name, header in columns.items():
                if name in row:
                    lines.append(Text(f"    {header}: {row[name]}"))
        return lines
    table = Table(box=box.SIMPLE, pad_edge=False, show_edge=False, padding=(0, 1))
    table.add_column("  month", no_wrap=True)
    table.add_column("untracked", justify="right")
    for header in columns.values():
        table.add_column(header, justify="right")
    table.add_column("month is")
    for e, row in zip(evidence, cells, strict=True):
        table.add_row(
            "  " + e["month"],
            str(e["untracked_days"]),
            *(row.get(name, "") for name in columns),
            VERDICT_WORDS[e["status"]].lower(),
        )
    return [table]


def render_verdict(
    v: dict[str, Any], console, *, evidence: bool = False, reason: bool = False
) -> None:
    """One verdict: title, source and verdict, its reason (the summary's, under the
    heading), its months, its lines, its explanation. ``status`` also lists the trials
    behind it (``evidence``) and leaves out the reason, which its explanation says at
    length."""
    from rich.markup import escape
    from rich.padding import Padding
    from rich.text import Text

    line = Text(f"{v['heading']}: ", style="bold")
    line.append(VERDICT_WORDS[v["status"]], style=VERDICT_STYLES[v["status"]])
    console.print(line)
    if reason and v["reason"]:
        console.print(Padding(escape(f"Why: {v['reason']}"), (0, 0, 0, 2)))
    if v["evidence"]:
        for part in verdict_months(v, console.width):
            console.print(part)
    lines = [*v["details"], *(v.get("evidence_lines", ()) if evidence else ()), v["explanation"]]
    for text in lines:
        console.print(Padding(escape(text), (0, 0, 0, 2)))


def status_view(report) -> dict[str, Any]:
    """What ``status`` shows, from a ``StatusReport``: the diary line's figures and
    every verdict's view (with the trials behind it)."""
    data = report.to_dict()
    verdicts = []
    for v in report.verdicts():
        d = v.to_dict()
        d["evidence_lines"] = list(v.evidence)
        verdicts.append(d)
    return {
        "as_of": data["as_of"],
        "diary": data["diary"],
        "scores": data["scores"],
        "verdicts": verdicts,
    }


def render_status(report, console) -> None:
    """The human status report: one block per criterion, then the disclaimer."""
    from rich.text import Text

    s = visible_tree(status_view(report))  # stored text shows its control characters
    d = s["diary"]
    if d["start"] is None:
        console.print(
            f"The diary is empty (as of {s['as_of']}): every verdict is undetermined. "
            "Log headache days with 'migrainecli log'."
        )
    else:
        line = Text("Diary", style="bold")
        line.append(
            f" from {d['start']} to {s['as_of']}: {d['tracked_days']} tracked "
            f"days, {d['untracked_days']} untracked."
        )
        console.print(line)
    scores = s.get("scores") or {}
    if any(scores.values()):
        from migrainecli.rules.scores import INSTRUMENT_NAMES, latest_line

        latest = Text("Latest scores", style="bold")
        latest.append(
            ": "
            + "; ".join(latest_line(scores.get(k), n) for k, n in INSTRUMENT_NAMES.items())
            + "."
        )
        console.print(latest)
    console.print(Text(f"Marks: {MARK_LEGEND}.", style="bright_black"))
    for v in s["verdicts"]:
        console.print()
        render_verdict(v, console, evidence=True)
    console.print()
    console.print(Text(DISCLAIMER, style="italic"))


def render_summary(s: dict[str, Any], console) -> None:
    """The clinician summary as text (the terminal version of the HTML page)."""
    from rich.markup import escape
    from rich.padding import Padding
    from rich.text import Text

    s = visible_tree(s)  # stored text shows its control characters, never obeys them
    width = min(console.width, 120)
    console.print(Text(s["title"], style="bold"))
    p = s["patient"]
    if p:
        who = []
        if p.get("name"):
            who.append(f"Patient: {p['name']}")
        if p.get("date_of_birth"):
            who.append(f"born {p['date_of_birth']}")
        console.print(escape(", ".join(who)))
    per = s["period"]
    if per["diary_start"] is None:
        console.print(f"The diary is empty (as of {s['as_of']}).")
    else:
        last = per["last_months"]
        console.print(
            f"Diary {per['diary_start']} to {per['as_of']}: {per['tracked_days']} tracked days, "
            f"{per['untracked_days']} untracked ({per['completeness_percent']:g}% complete). "
            f"Last {_n(last['months'], 'month')} ({last['from']} to {last['to']}): "
            f"{last['completeness_percent']:g}% of days tracked."
            if last["months"]
            else f"Diary {per['diary_start']} to {per['as_of']}."
        )

    console.print()
    console.print("[b]Verdicts[/b] (according to the recorded diary)")
    console.print(Text(f"Marks: {MARK_LEGEND}.", style="bright_black"))
    for v in s["verdicts"]:
        console.print()
        render_verdict(v, console, reason=True)
    months = s["months"]
    if months:
        console.print()
        console.print(f"[b]The last {_n(len(months), 'month')}[/b]")
        for table in month_tables(months, s["thresholds"], width):
            console.print(table)
        for line in month_table_notes(months, s["as_of"]):
            console.print(Text(line, style="bright_black"))
        console.print()
        console.print("[b]Headache and migraine days per month[/b], preventive trials below")
        for line in trend_lines(s["chart"]["months"], s["chart"]["bands"], width):
            console.print(line, no_wrap=True, overflow="crop")

    console.print()
    console.print("[b]Preventive treatment history[/b] (for prior authorisation)")
    if not s["preventive_history"]:
        console.print("  No preventive trial recorded.")
    for t in s["preventive_history"]:
        console.print(_trial_block(t, response=True))
    if s["other_treatments"]:
        console.print()
        console.print("[b]Other treatments tried[/b] (acute, procedures, devices, behavioural)")
        for t in s["other_treatments"]:
            console.print(_trial_block(t, response=False))

    render_payer(s, console, width)

    acute = s["acute_medication"]
    console.print()
    console.print("[b]Acute medication days per month[/b] against the ICHD-3 8.2 limits")
    if not acute["classes"]:
        console.print("  No acute medication logged in these months.")
    else:
        for table in acute_tables(acute, width):
            console.print(table)
        console.print(
            Text(
                f"{REACHED} at or over the limit in days of intake (ICHD-3 8.2); overuse "
                "needs 3 consecutive months with 15 or more headache days.",
                style="bright_black",
            )
        )

    if s.get("cycles") is not None:
        console.print()
        console.print("[b]Recorded cycles[/b] (shown with --include-cycles)")
        if not s["cycles"]:
            console.print("  No cycle with an ended window recorded.")
        for c in s["cycles"]:
            console.print(
                Padding(
                    f"period starting {c['start']}: window {c['window']['from']} to "
                    f"{c['window']['to']}, {c['window_status'].replace('_', ' ')}",
                    (0, 0, 0, 2),
                )
            )

    render_untried(s, console)
    console.print()
    console.print(Text(s["disclaimer"], style="italic"))


def render_untried(s: dict[str, Any], console) -> None:
    """Classes not tried yet, in the words of ``untried`` (``reports.data.untried_lists``)."""
    from rich.markup import escape
    from rich.padding import Padding

    console.print()
    console.print("[b]Classes not tried yet[/b]")
    for kind, entries in s["untried"].items():
        console.print(
            Padding(escape(f"{kind}: " + ", ".join(e["label"] for e in entries)), (0, 0, 0, 2))
        )
    for e in s["inadequate"]:
        console.print(
            Padding(
                escape(f"tried, not adequately — {e['label']}: " + "; ".join(e["trials"])),
                (0, 0, 0, 2),
            )
        )
    for e in s.get("barred", []):
        console.print(
            Padding(
                escape(f"barred (unavailable) — {e['label']}: " + "; ".join(e["trials"])),
                (0, 0, 0, 2),
            )
        )
    for line in s.get("untried_notes", []):
        console.print(Padding(escape(f"diary — {line}"), (0, 0, 0, 2)))


# -- the payer section -------------------------------------------------------------------
def payer_tables(payer: dict[str, Any], width: int = 80) -> list:
    """The complete months: headache, migraine, moderate-to-severe, acute-medication
    days and days with a headache of 4 hours or more (▲ reached, ? unknown days decide)."""
    t = payer["thresholds"]
    fixed = [
        ("month", "left", lambda m: m["month"]),
        ("untracked", "right", lambda m: str(m["untracked_days"])),
        (f"headache\n≥{t['headache_days']}", "right",
         lambda m: _marked(m["headache_days"], m, "headache_days")),
        (f"migraine\n≥{t['migraine_days']}", "right",
         lambda m: _marked(m["migraine_days"], m, "migraine_days")),
        ("moderate\nor severe", "right", lambda m: str(m["moderate_severe_days"])),
        ("acute\nmed", "right", lambda m: str(m["acute_medication_days"])),
        (f"≥{payer['long_headache_hours']} h\n≥{t['long_headache_days']}", "right",
         lambda m: _marked(m["long_headache_text"], m, "long_headache_days")),
    ]  # fmt: skip
    return _tables(payer["months"], fixed, [], width)


def render_payer(s: dict[str, Any], console, width: int = 80) -> None:
    """The payer section (``reports.payer``): month counts, trial response, scores."""
    from rich.markup import escape
    from rich.padding import Padding
    from rich.text import Text

    payer = s["payer"]
    console.print()
    console.print(f"[b]{escape(payer['title'])}[/b] (complete months; first score = baseline)")
    if payer["months"]:
        for table in payer_tables(payer, width):
            console.print(table)
        console.print(
            Text(
                f"{REACHED} reached, ? untracked days or days without a recorded duration "
                f"decide. ≥{payer['long_headache_hours']} h: headache days lasting "
                f"{payer['long_headache_hours']} hours or more; (+N unknown) headache days "
                "without a recorded duration. With untracked days the counts are lower "
                "bounds.",
                style="bright_black",
            )
        )
    else:
        console.print("  No complete month in these months.")
    if payer["long_headache_line"]:
        console.print(Padding(escape(payer["long_headache_line"]), (0, 0, 0, 2)))
    console.print("Preventive trials: migraine and headache days per month, before → on it")
    if not payer["trials"]:
        console.print("  No preventive trial recorded.")
    for p in payer["trials"]:
        console.print(
            Padding(escape(f"{p['therapy']} [{p['class']}], {p['start']} → "
                           f"{p['end'] or 'ongoing'}"), (0, 0, 0, 2))
        )  # fmt: skip
        for line in p["lines"]:
            console.print(Padding(escape(line), (0, 0, 0, 4)))
    sc = payer["scores"]
    console.print("Disability scores")
    for line in sc["lines"]:
        console.print(Padding(escape(line), (0, 0, 0, 2)))
    if sc["midas_items"]:
        dates = sc["midas_dates"]
        console.print(
            Padding(f"MIDAS items (days), first {dates['first']} → latest "
                    f"{dates['latest']}:", (0, 0, 0, 2))
        )  # fmt: skip
        for item in sc["midas_items"]:
            console.print(
                Padding(
                    escape(f"{item['item']} {item['label']}: {item['first']} → "
                           f"{item['latest']}"),
                    (0, 0, 0, 4),
                )
            )  # fmt: skip


def _trial_block(t: dict[str, Any], *, response: bool):
    from rich.console import Group
    from rich.padding import Padding
    from rich.text import Text

    text = Text("• ", overflow="fold")
    text.append(t["agent"], style="bold")
    text.append(f" — {t['class_label']} [{t['class']}]")
    if t["dose"]:
        text.append(f", {t['dose']}")
    rest = Text("", overflow="fold")
    rest.append(f"{t['start']} → {t['stop'] or 'ongoing'}, {t['duration']}; {t['outcome']}")
    if t["reason_stopped"]:
        rest.append(f" ({t['reason_stopped']})")
    rest.append(f"\nadequate trial: {t['adequacy_label']} — {t['adequacy']}")
    if response and "response_text" in t:
        rest.append(f"\nresponse: {t['response_text']}")
    return Group(Padding(text, (0, 0, 0, 2)), Padding(rest, (0, 0, 0, 4)))


def acute_tables(acute: dict[str, Any], width: int = 80) -> list:
    """Days of intake per month of each acute class used, against its ICHD-3 8.2 limit."""
    fixed = [
        ("month", "left", _month_label),
        (
            "headache\n≥15",
            "right",
            lambda m: _marked(m["headache_days"], m, "headache_days"),
        ),
        ("any acute", "right", lambda m: str(m["acute_medication_days"])),
    ]
    extra = []
    for c in acute["classes"]:
        limit = f"≥{c['limit']}" if c["limit"] else "no limit"
        extra.append(
            (
                f"{SHORT.get(c['class'], c['class'][:7])}\n{limit}",
                "right",
                lambda m, c=c["class"]: _marked(m["days"][c], m, f"{c}_days"),
            )
        )
    if acute["pool"]:
        extra.append(
            (
                f"several\n≥{acute['pool']['limit']}",
                "right",
                lambda m: _marked(m["pool_days"], m, "8.2.6"),
            )
        )
    return _tables(acute["months"], fixed, extra, width)


def render_summary_section(s: dict[str, Any], section: str, console) -> None:
    """``summary --section NAME``: the title, who and as of when, the one section, the
    disclaimer."""
    from rich.markup import escape
    from rich.text import Text

    s = visible_tree(s)
    heading = s[section]["title"]
    console.print(Text(f"{s['title']}: {heading[:1].lower()}{heading[1:]}", style="bold"))
    who = [f"Patient: {s['patient']['name']}"] if s["patient"].get("name") else []
    if s["patient"].get("date_of_birth"):
        who.append(f"born {s['patient']['date_of_birth']}")
    console.print(escape(", ".join([*who, f"as of {s['as_of']}"])))
    SECTION_RENDERERS[section](s, console, min(console.width, 120))
    console.print()
    console.print(Text(s["disclaimer"], style="italic"))


SECTION_RENDERERS = {"payer": render_payer}


def summary_text(s: dict[str, Any], width: int = 80, section: str | None = None) -> str:
    """The text summary (or one ``section`` of it) as plain text (no colour, no terminal
    codes) for a file."""
    import io

    from rich.console import Console

    buffer = io.StringIO()
    console = Console(
        file=buffer, width=width, no_color=True, color_system=None, highlight=False, emoji=False
    )
    if section is None:
        render_summary(s, console)
    else:
        render_summary_section(s, section, console)
    return "".join(line.rstrip() + "\n" for line in buffer.getvalue().splitlines())
