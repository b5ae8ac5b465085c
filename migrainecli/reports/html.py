"""The clinician summary as one self-contained, printable HTML page.

Renders the dictionary of ``migrainecli.reports.data.build_summary``. The page has no
script, no external stylesheet, font or image: the CSS is inline, the charts are
pygal SVG inlined in the page (pygal's own script, comments, title and tooltips are
removed; each chart is ``role="img"`` with its own title and description), both over
the same complete months (the month so far is said in words under them), and
``@page`` / print CSS lay it out on A4 or Letter, whichever the printer uses.
"""

from __future__ import annotations

import calendar as _calendar
import re
from html import escape
from typing import Any

from migrainecli import __version__
from migrainecli.rules.verdicts import MARK_LEGEND, REACHED, SYMBOLS
from migrainecli.rules.verdicts import VERDICT_WORDS as VERDICT

FONT = (
    'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, '
    '"Liberation Sans", "DejaVu Sans", sans-serif'
)
HEADACHE_COLOUR = "#d97706"
MIGRAINE_COLOUR = "#b91c1c"
THRESHOLD_COLOUR = "#6b7280"
BAND_COLOURS = ("#2563eb", "#7c3aed", "#0d9488", "#db2777", "#4d7c0f", "#0891b2")
CLASS_COLOURS = ("#b91c1c", "#2563eb", "#d97706", "#7c3aed", "#0d9488", "#db2777", "#4b5563")
SOURCES = (
    "ICHD-3: Headache Classification Committee of the IHS, Cephalalgia 2018;38:1–211. "
    "EHF 2020: Sacco S et al., J Headache Pain 2020;21:76. "
    "AHS 2021: Ailani J et al., Headache 2021;61:1021–1039. "
    "Trial response: Tassorelli C et al., Cephalalgia 2018;38:815–832."
)

CSS = """
@page { margin: 11mm 11mm 12mm; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { font-family: $FONT; font-size: 9pt; line-height: 1.35; color: #111;
  margin: 0 auto; max-width: 188mm; padding: 8mm 4mm; background: #fff; }
@media print { body { max-width: none; padding: 0; } }
header { display: flex; justify-content: space-between; align-items: flex-start; gap: 8mm;
  border-bottom: 1.5pt solid #111; padding-bottom: 4pt; margin-bottom: 6pt; }
h1 { font-size: 15pt; margin: 0; }
header .who { font-size: 10pt; margin-top: 2pt; }
header .disclaimer { font-size: 8pt; font-weight: 600; margin-top: 2pt; }
header .meta { text-align: right; font-size: 8.5pt; color: #333; white-space: nowrap;
  flex-shrink: 0; }
h2 { font-size: 10.5pt; margin: 11pt 0 4pt; padding-bottom: 1.5pt;
  border-bottom: 0.75pt solid #9aa0a6; break-after: avoid; page-break-after: avoid; }
h3 { font-size: 9.5pt; margin: 7pt 0 3pt; break-after: avoid; page-break-after: avoid; }
p { margin: 2pt 0 4pt; }
.muted { color: #555; }
.small { font-size: 7.5pt; }
table { border-collapse: collapse; width: 100%; }
th, td { padding: 1.6pt 4pt; border-bottom: 0.5pt solid #d5d8dc; text-align: left;
  vertical-align: top; }
th { font-size: 7.8pt; font-weight: 600; color: #333; border-bottom: 0.75pt solid #888; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
td.n { white-space: nowrap; }
td.d { white-space: nowrap; font-variant-numeric: tabular-nums; }
tr { break-inside: avoid; page-break-inside: avoid; }
.payer-trials tr.pt td { border-bottom: none; }
.hit { font-weight: 700; color: #b91c1c; }
.badge { display: inline-block; padding: 0.5pt 4pt; border-radius: 2pt; font-size: 7.8pt;
  font-weight: 700; letter-spacing: 0.02em; white-space: nowrap; }
.v-met { background: #111; color: #fff; border: 0.75pt solid #111; }
.v-not_met { border: 0.75pt solid #111; color: #111; }
.v-undetermined { border: 0.75pt dashed #111; color: #111; font-style: italic; }
.verdicts td { padding-top: 2pt; padding-bottom: 2pt; }
.verdicts tbody.v { break-inside: avoid; page-break-inside: avoid; }
.verdicts tbody.has-why tr:first-child td { border-bottom: 0; padding-bottom: 0.5pt; }
.verdicts tr.why td { font-size: 8pt; padding-top: 0; padding-bottom: 3pt; }
.verdicts .ev { font-size: 8pt; font-variant-numeric: tabular-nums; }
#explanations p { font-size: 8pt; margin: 0 0 5pt; }
.chart { margin: 2pt 0; break-inside: avoid; page-break-inside: avoid; }
.chart svg { display: block; width: 100%; height: auto; }
.cal { table-layout: fixed; width: 100%; }
.cal th, .cal td { border: 0.75pt solid #fff; padding: 0; height: 10pt; text-align: center;
  font-size: 6.2pt; line-height: 10pt; font-weight: 700; }
.cal th { border-bottom: 0.75pt solid #fff; color: #555; font-weight: 400; }
.cal th.m, .cal td.m { width: 13mm; text-align: left; font-weight: 400; font-size: 7.5pt;
  color: #111; }
.s-none { background: #eceff1; }
.s-aura { background: #ddd6fe; color: #4c1d95; }
.s-mild { background: #fde68a; }
.s-moderate { background: #f59e0b; }
.s-severe { background: #b91c1c; color: #fff; }
.cal td.w { outline: 1pt solid #a3319f; outline-offset: -1pt; }
.s-untracked { background: repeating-linear-gradient(45deg, #fff 0 1.5pt, #b0b6bb 1.5pt 2.2pt);
  color: #555; }
.legend span.k { display: inline-block; width: 10pt; height: 8pt; vertical-align: -1pt;
  margin: 0 2pt 0 8pt; text-align: center; font-size: 6.2pt; font-weight: 700; line-height: 8pt; }
.legend span.k:first-child, .legend span.sw:first-child { margin-left: 0; }
.legend span.it { white-space: nowrap; }
.legend span.sw { display: inline-block; width: 14pt; height: 0; vertical-align: 2.5pt;
  margin: 0 3pt 0 9pt; border-top: 2.5pt solid var(--c); }
.legend span.sw.dash { border-top: 1.5pt dashed var(--c); }
dl.untried { display: grid; grid-template-columns: 34mm 1fr; gap: 1pt 6pt; margin: 2pt 0; }
dl.untried dt { font-weight: 600; }
dl.untried dd { margin: 0; }
footer { margin-top: 10pt; border-top: 0.75pt solid #111; padding-top: 4pt; font-size: 7.8pt; }
footer .disclaimer { font-size: 9pt; font-weight: 600; }
.keep { break-inside: avoid; page-break-inside: avoid; }
""".replace("$FONT", FONT)


def _e(value: Any) -> str:
    return escape("" if value is None else str(value))


def _num(n: int, m: dict[str, Any], name: str) -> str:
    """A month-table count with its mark (▲ reached, ? untracked days could reach it,
    – does not apply), as ``reports.data.month_marks`` gives it."""
    if name in m["at_threshold"]:
        return f'<td class="n hit">{n} {REACHED}</td>'
    if name in m["undetermined"]:
        return f'<td class="n">{n} {SYMBOLS["undetermined"]}</td>'
    if name in m["does_not_apply"]:
        return f'<td class="n">{n} {SYMBOLS["does_not_apply"]}</td>'
    return f'<td class="n">{n}</td>'


# -- charts (pygal) -------------------------------------------------------------------
def _style(colours: tuple[str, ...]):
    from pygal.style import Style

    return Style(
        background="#ffffff",
        plot_background="#ffffff",
        foreground="#333333",
        foreground_strong="#111111",
        foreground_subtle="#e5e7eb",
        colors=colours,
        font_family=FONT,
        label_font_family=FONT,
        major_label_font_family=FONT,
        legend_font_family=FONT,
        title_font_family=FONT,
        value_font_family=FONT,
        value_label_font_family=FONT,
        tooltip_font_family=FONT,
        label_font_size=11,
        major_label_font_size=11,
        legend_font_size=11,
        title_font_size=12,
        value_font_size=10,
        value_label_font_size=10,
        guide_stroke_color="#e5e7eb",
        major_guide_stroke_color="#d1d5db",
        guide_stroke_dasharray="none",
        major_guide_stroke_dasharray="none",
        stroke_width="inherit",  # so each series' stroke_style applies to its line
        stroke_width_hover="inherit",
        opacity="1",
        opacity_hover="1",
        transition="0ms",
    )


_TOOLTIP_CSS = re.compile(r"[^{}]*\.tooltip[^{}]*\{[^{}]*\}")


def _svg(chart, name: str, title: str, desc: str) -> str:
    """The chart as inline SVG: no XML declaration, no script, no comment, none of
    pygal's default "Pygal" title and tooltips (its ``title`` and ``desc`` elements and
    tooltip classes); instead ``role="img"`` labelled by our own ``title`` and ``desc``,
    the text a screen reader reads."""
    from pygal.etree import etree

    chart.uuid = name  # a stable element id instead of a random one
    root = chart.render_tree()
    for parent in list(root.iter()):
        for child in list(parent):
            tag = child.tag
            local = tag.rsplit("}", 1)[-1] if isinstance(tag, str) else None
            if local in (None, "script", "title", "desc"):
                parent.remove(child)  # comments, pygal's script, its title and tooltips
    for el in root.iter():
        if isinstance(el.tag, str) and el.tag.endswith("style") and el.text:
            el.text = _TOOLTIP_CSS.sub("", el.text)  # the rules of the tooltips removed
        classes = el.get("class")
        if classes and "tooltip" in classes:
            el.set("class", " ".join(c for c in classes.split() if "tooltip" not in c))
    ns = root.tag[: root.tag.index("}") + 1] if root.tag.startswith("{") else ""
    title_el = etree.Element(f"{ns}title", id=f"{name}-title")
    title_el.text = title
    desc_el = etree.Element(f"{ns}desc", id=f"{name}-desc")
    desc_el.text = desc
    root.insert(0, desc_el)
    root.insert(0, title_el)
    root.set("role", "img")
    root.set("aria-labelledby", f"{name}-title {name}-desc")
    svg = etree.tostring(root, encoding="unicode")
    return svg.replace(' xmlns:xlink="http://www.w3.org/1999/xlink"', "")


def _month_name(label: str) -> str:
    """ "2025-12" as "Dec 2025" (chart labels and their text alternatives)."""
    return f"{_calendar.month_abbr[int(label[5:7])]} {label[:4]}"


def _span(months: list[dict[str, Any]]) -> str:
    if not months:
        return "no complete month"
    first, last = _month_name(months[0]["month"]), _month_name(months[-1]["month"])
    return first if first == last else f"{first} to {last}"


def so_far_note(m: dict[str, Any], what: str) -> str:
    """The month so far in words, under a chart that leaves it out (a month with a few
    days drawn beside full ones would look like a drop)."""
    untracked = m["elapsed_days"] - m["tracked_days"]
    return (
        f"{_month_name(m['month'])} so far ({m['elapsed_days']} of {m['days_in_month']} days"
        + (f", {untracked} untracked" if untracked else "")
        + f"): {what}; not drawn until the month is complete (see the table)."
    )


NO_MONTH = "No complete month to draw yet."


def _headache_words(m: dict[str, Any]) -> str:
    """ "16 headache days, 1 migraine day"."""

    def n(count: int, noun: str) -> str:
        return f"{count} {noun}{'' if count == 1 else 's'}"

    return f"{n(m['headache_days'], 'headache day')}, {n(m['migraine_days'], 'migraine day')}"


def _config(**kwargs):
    base = {
        "disable_xml_declaration": True,
        "js": [],  # no pygal script: the page has no JavaScript at all
        "explicit_size": False,
        "width": 760,
        "height": 215,
        "show_legend": False,  # an HTML legend under the chart wraps and prints better
        "allow_interruptions": True,
        "dots_size": 2.5,
        "margin": 6,
        "margin_right": 28,  # room for the last month label ("Oct 2026")
        "spacing": 6,
        "show_x_guides": False,
        "show_y_guides": True,
        "truncate_label": -1,
        "tooltip_border_radius": 0,
    }
    base.update(kwargs)
    return base


def _legend(items: list[tuple[str, str, bool]]) -> str:
    """An HTML legend under a chart: (colour, text, dashed)."""
    spans = " ".join(
        f"<span class='it'><span class='sw{' dash' if dashed else ''}' style='--c:{colour}'>"
        f"</span>{_e(text)}</span>"
        for colour, text, dashed in items
    )
    return f"<p class='legend small'>{spans}</p>"


def trend_chart(chart: dict[str, Any]) -> str:
    """Monthly headache and migraine days, the 15/8 thresholds, and each preventive trial
    as a labelled band under the zero line across the months it ran (pygal Line), with
    its legend."""
    import pygal

    so_far = [m for m in chart["months"] if not m["complete"]]
    months = [m for m in chart["months"] if m["complete"]]
    if not months:
        return f"<p class='small muted'>{NO_MONTH}</p>" + _notes(
            [so_far_note(m, _headache_words(m)) for m in so_far]
        )
    labels = [m["month"] for m in months]
    bands = chart["bands"]
    lane = 4
    band_colours = [BAND_COLOURS[i % len(BAND_COLOURS)] for i in range(len(bands))]
    colours = (HEADACHE_COLOUR, MIGRAINE_COLOUR, THRESHOLD_COLOUR, THRESHOLD_COLOUR, *band_colours)
    line = pygal.Line(
        **_config(
            style=_style(colours),
            range=(-lane * (len(bands) + 1), 32),
            y_labels=[0, 5, 10, 15, 20, 25, 30],
            x_label_rotation=0 if len(months) <= 13 else 40,
            print_labels=True,
            print_values=False,
        )
    )
    line.x_labels = [_month_name(label) for label in labels]

    def value(m: dict[str, Any], key: str):
        return m[key] if m["tracked_days"] else None  # no line through untracked months

    solid = {"width": "2.5px"}
    dashed = {"width": "1.5px", "dasharray": "6px, 4px"}
    line.add("headache days", [value(m, "headache_days") for m in months], stroke_style=solid)
    line.add("migraine days", [value(m, "migraine_days") for m in months], stroke_style=solid)
    line.add("15", [15] * len(months), show_dots=False, stroke_style=dashed)
    line.add("8", [8] * len(months), show_dots=False, stroke_style=dashed)
    for k, band in enumerate(bands):
        y = -lane * (k + 1)
        active = set(band["months"])
        values: list[Any] = []
        for label in labels:
            if label not in active:
                values.append(None)
            elif any(v is not None for v in values):
                values.append(y)
            else:  # the band's first month carries its name
                values.append({"value": y, "label": band["therapy"]})
        line.add(
            band["therapy"], values, stroke_style={"width": "8px", "linecap": "butt"}, dots_size=4
        )
    legend = [
        (HEADACHE_COLOUR, "headache days", False),
        (MIGRAINE_COLOUR, "migraine days", False),
        (THRESHOLD_COLOUR, "15 headache / 8 migraine days (ICHD-3 1.3 A, C)", True),
    ]
    legend += [
        (colour, f"{b['therapy']} ({b['class']}) {b['start']} → {b['end'] or 'ongoing'}", False)
        for colour, b in zip(band_colours, bands, strict=True)
    ]

    def counts(m: dict[str, Any]) -> str:
        if not m["tracked_days"]:
            return f"{_month_name(m['month'])} not tracked"
        return f"{_month_name(m['month'])} {m['headache_days']} and {m['migraine_days']}"

    title = f"Headache and migraine days per month, {_span(months)}"
    desc = (
        "Headache and migraine days: " + "; ".join(counts(m) for m in months) + ". "
        "Thresholds 15 headache and 8 migraine days. "
        + " ".join(
            f"{b['therapy']} ({b['class']}) from {b['start']} to {b['end'] or 'ongoing'}."
            for b in bands
        )
    )
    notes = [so_far_note(m, _headache_words(m)) for m in so_far]
    desc += "".join(f" {n}" for n in notes)
    return _svg(line, "trend", title, desc.strip()) + _legend(legend) + _notes(notes)


def acute_chart(acute: dict[str, Any]) -> str:
    """Days of intake per month of each acute class used, with the ICHD-3 8.2 limits
    (pygal Line), and its legend."""
    import pygal

    so_far = [m for m in acute["months"] if not m["complete"]]
    months = [m for m in acute["months"] if m["complete"]]
    classes = acute["classes"]

    def days(m: dict[str, Any]) -> str:
        return ", ".join(f"{c['label']} {m['days'][c['class']]}" for c in classes)

    notes = [so_far_note(m, days(m)) for m in so_far]
    if not months:
        return f"<p class='small muted'>{NO_MONTH}</p>" + _notes(notes)
    limits = sorted({c["limit"] for c in classes if c["limit"]})
    class_colours = [CLASS_COLOURS[i % len(CLASS_COLOURS)] for i in range(len(classes))]
    colours = (*class_colours, *([THRESHOLD_COLOUR] * len(limits)))
    top = max([*(max(m["days"].values(), default=0) for m in months), *limits, 10]) + 2
    line = pygal.Line(
        **_config(
            style=_style(colours),
            height=190,
            range=(0, top),
            x_label_rotation=0 if len(months) <= 13 else 40,
        )
    )
    line.x_labels = [_month_name(m["month"]) for m in months]
    for c in classes:
        line.add(
            c["label"], [m["days"][c["class"]] for m in months], stroke_style={"width": "2.2px"}
        )
    dashed = {"width": "1.5px", "dasharray": "6px, 4px"}
    legend = [(colour, c["label"], False) for colour, c in zip(class_colours, classes, strict=True)]
    for limit in limits:
        codes = ", ".join(c["subtype"] for c in classes if c["limit"] == limit)
        line.add(f"limit {limit}", [limit] * len(months), show_dots=False, stroke_style=dashed)
        legend.append((THRESHOLD_COLOUR, f"limit {limit} days/month (ICHD-3 {codes})", True))

    title = f"Days of acute medication per month by class, {_span(months)}"
    limited = [f"{c['label']} {c['limit']} days ({c['subtype']})" for c in classes if c["limit"]]
    desc = (
        "; ".join(f"{_month_name(m['month'])}: {days(m)}" for m in months)
        + "."
        + (f" Limits: {', '.join(limited)}." if limited else "")
    )
    desc += "".join(f" {n}" for n in notes)
    return _svg(line, "acute", title, desc) + _legend(legend) + _notes(notes)


def _notes(notes: list[str]) -> str:
    return "".join(f"<p class='small muted so-far'>{_e(n)}</p>" for n in notes)


# -- sections -------------------------------------------------------------------------
def _header(s: dict[str, Any]) -> str:
    p, per = s["patient"], s["period"]
    who = []
    if p.get("name"):
        who.append(f"<b>{_e(p['name'])}</b>")
    if p.get("date_of_birth"):
        who.append(f"born {_e(p['date_of_birth'])}")
    if per["diary_start"] is None:
        period = f"The diary is empty (as of {_e(s['as_of'])})."
    else:
        last = per["last_months"]
        period = (
            f"Diary {_e(per['diary_start'])} to {_e(per['as_of'])}: "
            f"{per['tracked_days']} tracked days, {per['untracked_days']} untracked"
            + (
                f" ({per['completeness_percent']:g}% complete)"
                if per["completeness_percent"] is not None
                else ""
            )
        )
        if last["months"]:
            period += (
                f"; last {last['months']} months ({_e(last['from'])} to {_e(last['to'])}): "
                f"{last['completeness_percent']:g}% of days tracked"
            )
        period += "."
    return (
        "<header><div>"
        f"<h1>{_e(s['title'])}</h1>"
        + (f'<div class="who">{", ".join(who)}</div>' if who else "")
        + f"<p>{period}</p>"
        f"<p class='disclaimer'>{_e(s['disclaimer'])}</p></div>"
        f'<div class="meta">As of <b>{_e(s["as_of"])}</b><br>migrainecli {_e(__version__)}'
        "<br>patient-recorded diary</div></header>"
    )


def _evidence(v: dict[str, Any]) -> str:
    lines = []
    for e in v["evidence"]:
        checks = " · ".join(
            f"{_e(c['label'])} {c['count']} ({_e(c['bound'])}) {SYMBOLS[c['mark']]}"
            for c in e["checks"]
        )
        if not e["tracked_days"]:
            extra = ", not tracked (before the diary or a gap)"
        else:
            extra = f", {e['untracked_days']} untracked" if e["untracked_days"] else ""
        lines.append(f"<b>{_e(e['month'])}</b>{extra}: {checks}")
    return "<br>".join(lines)


def _verdicts(s: dict[str, Any]) -> str:
    """Every verdict with its source and the months behind it (the explanations follow
    later, in ``_explanations``)."""
    groups = []
    for v in s["verdicts"]:
        why = (
            f"<tr class='why'><td colspan='4'><b>Why:</b> {_e(v['reason'])}</td></tr>"
            if v["reason"]
            else ""
        )
        groups.append(
            f"<tbody class='v{' has-why' if why else ''}'><tr>"
            f"<td><b>{_e(v['title'])}</b></td><td class='muted d'>{_e(v['source'])}</td>"
            f"<td><span class='badge v-{_e(v['status'])}'>{VERDICT[v['status']]}</span></td>"
            f"<td class='ev'>{_evidence(v)}</td></tr>{why}</tbody>"
        )
    return (
        "<section id='verdicts'><h2>Verdicts according to the recorded diary</h2>"
        "<table class='verdicts'><colgroup><col style='width:22%'><col style='width:11%'>"
        "<col style='width:13%'><col></colgroup><thead><tr><th>Criterion</th><th>Source</th>"
        "<th>Verdict</th><th>Evidence: the complete months used "
        f"({MARK_LEGEND})</th></tr></thead>"
        f"{''.join(groups)}</table>"
        "<p class='small muted'>What decides each verdict, and what would change it, is "
        "explained at the end of this summary.</p></section>"
    )


def _explanations(s: dict[str, Any]) -> str:
    items = []
    for v in s["verdicts"]:
        why = " ".join(_e(x) for x in [*v["details"], v["explanation"]])
        items.append(
            f"<p class='keep'><b>{_e(v['heading'])}: "
            f"<span class='badge v-{_e(v['status'])}'>{VERDICT[v['status']]}</span></b> "
            f"{why}</p>"
        )
    return (
        f"<section id='explanations'><h2>What decides each verdict</h2>{''.join(items)}</section>"
    )


def _months(s: dict[str, Any]) -> str:
    t = s["thresholds"]
    rows = []
    for m in s["months"]:
        label = m["month"] + ("" if m["complete"] else " (so far)")
        rows.append(
            "<tr>"
            f"<td class='d'>{_e(label)}</td>"
            f"<td class='n'>{m['tracked_days']}/{m['elapsed_days']}</td>"
            + _num(m["headache_days"], m, "headache_days")
            + _num(m["migraine_days"], m, "migraine_days")
            + _num(m["debilitating_days"], m, "debilitating_days")
            + f"<td class='n'>{m['acute_medication_days']}</td>"
            f"<td>{_e(', '.join(m['active_preventives']))}</td>"
            "</tr>"
        )
    return (
        f"<section id='months' class='keep'><h2>The last {len(s['months'])} months</h2>"
        "<table><thead><tr><th>Month</th><th class='n'>Tracked days</th>"
        f"<th class='n'>Headache days ≥{t['headache_days']}</th>"
        f"<th class='n'>Migraine days ≥{t['migraine_days']}</th>"
        f"<th class='n'>Debilitating days ≥{t['debilitating_days']}</th>"
        "<th class='n'>Acute medication days</th><th>Preventives taken</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
        f"<p class='small muted'>{REACHED} threshold reached in that month (headache ≥15: "
        "ICHD-3 1.3 A and 8.2 A; migraine ≥8: 1.3 C; debilitating ≥8: EHF 2020). A verdict "
        "needs 3 consecutive complete months (refractory: 6). Untracked days are unknown, not "
        "headache-free: with untracked days the counts are lower bounds.</p></section>"
    )


def _calendar_table(s: dict[str, Any]) -> str:
    head = "".join(f"<th>{d if d in (1, 5, 10, 15, 20, 25, 30) else ''}</th>" for d in range(1, 32))
    rows = []
    for month in s["calendar"]:
        cells = []
        for cell in month["days"]:
            text = ("M" if cell["migraine"] else "") + ("+" if cell["acute_medication"] else "")
            if cell["state"] == "untracked":
                text = "×"
            elif cell["state"] == "aura":  # ICHD-3 1.2.1.2 aura without headache
                text = "a"
            title = f"{cell['date']}: {cell['state']}"
            window = ""
            if cell.get("window"):  # only with --include-cycles
                title += ", menstrual window"
                text += "○"
                window = " w"
            cells.append(f"<td class='s-{cell['state']}{window}' title='{_e(title)}'>{text}</td>")
        cells += ["<td></td>"] * (31 - len(month["days"]))
        rows.append(f"<tr><td class='m'>{_e(month['month'])}</td>{''.join(cells)}</tr>")
    legend = (
        "<p class='legend small'>"
        "<span class='k s-none'></span>no headache"
        "<span class='k s-mild'></span>mild"
        "<span class='k s-moderate'></span>moderate"
        "<span class='k s-severe'></span>severe"
        "<span class='k s-none'>M</span>migraine day"
        "<span class='k s-none'>+</span>acute medication"
        "<span class='k s-untracked'>×</span>untracked (gap or before the diary)"
        + (
            "<span class='k s-aura'>a</span>aura without headache (ICHD-3 1.2.1.2)"
            if any(c["state"] == "aura" for m in s["calendar"] for c in m["days"])
            else ""
        )
        + "</p>"
    )
    return (
        "<section id='calendar' class='keep'><h2>Calendar: one row per month, one cell per day"
        "</h2><table class='cal'><thead><tr><th class='m'></th>"
        f"{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>{legend}</section>"
    )


def _adequate_word(t: dict[str, Any]) -> str:
    """The adequacy words of the data (``rules.trials.adequacy_label``)."""
    return t["adequacy_label"]


def _dates(t: dict[str, Any]) -> str:
    return f"{_e(t['start'])}<br>→ {_e(t['stop'] or 'ongoing')}"


def _outcome(t: dict[str, Any]) -> str:
    text = f"<b>{_e(t['outcome'].replace('_', ' '))}</b>"
    if t["reason_stopped"]:
        text += f"<br><span class='muted'>{_e(t['reason_stopped'])}</span>"
    return text


def _preventives(s: dict[str, Any]) -> str:
    rows = []
    for t in s["preventive_history"]:
        rows.append(
            "<tr>"
            f"<td><b>{_e(t['agent'])}</b><br><span class='muted'>{_e(t['class_label'])}</span></td>"
            f"<td>{_e(t['dose'] or '—')}</td>"
            f"<td class='d'>{_dates(t)}</td>"
            f"<td>{_e(t['duration'])}</td>"
            f"<td>{_outcome(t)}</td>"
            f"<td><b>{_adequate_word(t)}</b><br><span class='muted small'>"
            f"{_e(t['adequacy'])}</span></td>"
            f"<td>{_e(t.get('response_text', ''))}</td>"
            "</tr>"
        )
    if not rows:
        body = "<p>No preventive trial recorded.</p>"
    else:
        body = (
            "<table class='pa'><colgroup><col style='width:14%'><col style='width:9%'>"
            "<col style='width:11%'><col style='width:9%'><col style='width:14%'>"
            "<col style='width:19%'><col></colgroup>"
            "<thead><tr><th>Agent (class)</th><th>Dose</th><th>Start → stop</th>"
            "<th>Duration</th><th>Outcome (reason stopped)</th><th>Adequate trial</th>"
            "<th>Response (migraine days per month, before → on it)</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>"
            "<p class='small muted'>Adequate: oral preventives 8 weeks (AHS 2021), "
            "onabotulinumtoxinA 2 cycles (24 weeks), CGRP antibodies and preventive gepants "
            "12 weeks; not tolerated or contraindicated counts at any duration. Response: "
            "mean monthly migraine days over the up to 3 complete months before the start "
            "month against the complete months from the second month after the start month "
            "to the month before the end; ≥50% fewer = responder (Tassorelli 2018). The "
            "target dose cannot be read from a diary; the recorded dose is shown.</p>"
        )
    other = ""
    if s["other_treatments"]:
        orows = []
        for t in s["other_treatments"]:
            orows.append(
                "<tr>"
                f"<td><b>{_e(t['agent'])}</b><br><span class='muted'>{_e(t['class_label'])}"
                f"</span></td><td>{_e(t['kind'])}</td><td>{_e(t['dose'] or '—')}</td>"
                f"<td class='d'>{_dates(t)}</td><td>{_e(t['duration'])}</td>"
                f"<td>{_outcome(t)}</td>"
                "</tr>"
            )
        other = (
            "<h2>Other treatments tried</h2><table class='pa'><colgroup>"
            "<col style='width:26%'><col style='width:11%'><col style='width:11%'>"
            "<col style='width:11%'><col style='width:14%'><col></colgroup>"
            "<thead><tr><th>Agent (class)</th><th>Kind</th><th>Dose</th><th>Start → stop</th>"
            "<th>Duration</th><th>Outcome (reason stopped)</th></tr></thead>"
            f"<tbody>{''.join(orows)}</tbody></table>"
        )
    return (
        "<section id='preventives'><h2>Preventive treatment history (prior authorisation)"
        f"</h2>{body}{other}</section>"
    )


def _acute(s: dict[str, Any]) -> str:
    acute = s["acute_medication"]
    if not acute["classes"]:
        return (
            "<section id='acute'><h2>Acute medication days per month</h2>"
            "<p>No acute medication logged in these months.</p></section>"
        )
    heads = "".join(
        f"<th class='n'>{_e(c['label'])}<br>"
        + (f"limit ≥{c['limit']} ({_e(c['subtype'])})" if c["limit"] else "no limit")
        + "</th>"
        for c in acute["classes"]
    )
    if acute["pool"]:
        heads += f"<th class='n'>Several together<br>limit ≥{acute['pool']['limit']} (8.2.6)</th>"
    rows = []
    for m in acute["months"]:
        cells = "".join(
            _num(m["days"][c["class"]], m, f"{c['class']}_days") for c in acute["classes"]
        )
        if acute["pool"]:
            cells += _num(m["pool_days"], m, "8.2.6")
        label = m["month"] + ("" if m["complete"] else " (so far)")
        rows.append(
            f"<tr><td class='d'>{_e(label)}</td>"
            + _num(m["headache_days"], m, "headache_days")
            + f"<td class='n'>{m['acute_medication_days']}</td>{cells}</tr>"
        )
    warning = ""
    if s.get("overuse_warning"):
        warning = f"<p><b>Warning:</b> {_e(s['overuse_warning'])}</p>"
    return (
        "<section id='acute'><h2>Acute medication days per month against the ICHD-3 8.2 "
        f"limits</h2><div class='chart'>{acute_chart(acute)}</div>"
        "<table><thead><tr><th>Month</th><th class='n'>Headache days<br>≥15 (8.2 A)</th>"
        f"<th class='n'>Any acute</th>{heads}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
        f"<p class='small muted'>{REACHED} at or over the limit in days of intake per month (never "
        "doses); – 8.2.6 does not apply (one class over its own limit, or fewer than 2 of "
        "its classes taken). Medication-overuse headache needs this in 3 consecutive complete "
        f"months together with 15 or more headache days.</p>{warning}</section>"
    )


def _scores(sc: dict[str, Any]) -> str:
    """Disability scores for payer forms: first, latest and change, each MIDAS item."""
    lines = "".join(f"<li>{_e(line)}</li>" for line in sc["lines"])
    items = ""
    if sc["midas_items"]:
        dates = sc["midas_dates"]
        rows = "".join(
            f"<tr><td>{_e(i['item'])}</td><td>{_e(i['label'])}</td>"
            f"<td class='n'>{i['first']}</td><td class='n'>{i['latest']}</td></tr>"
            for i in sc["midas_items"]
        )
        items = (
            "<table class='scores'><thead><tr><th>MIDAS item</th><th>days in the last 3 "
            f"months</th><th>first {_e(dates['first'])}</th><th>latest {_e(dates['latest'])}"
            f"</th></tr></thead><tbody>{rows}</tbody></table>"
        )
    return f"<div class='keep'><h3>Disability scores</h3><ul>{lines}</ul>{items}</div>"


def _cycles(s: dict[str, Any]) -> str:
    """The recorded cycles (only with --include-cycles)."""
    if s.get("cycles") is None:
        return ""
    entries = "".join(
        f"<li>period starting {_e(c['start'])}: window {_e(c['window']['from'])} to "
        f"{_e(c['window']['to'])}, {_e(c['window_status'].replace('_', ' '))}</li>"
        for c in s["cycles"]
    )
    entries = entries or "<li>none with an ended window</li>"
    return f"<section id='cycles' class='keep'><h2>Recorded cycles</h2><ul>{entries}</ul></section>"


def _payer_months(payer: dict[str, Any]) -> str:
    t = payer["thresholds"]
    hours = payer["long_headache_hours"]
    if not payer["months"]:
        return "<p>No complete month in these months.</p>"
    rows = "".join(
        f"<tr><td class='d'>{_e(m['month'])}</td><td class='n'>{m['untracked_days']}</td>"
        + _num(m["headache_days"], m, "headache_days")
        + _num(m["migraine_days"], m, "migraine_days")
        + f"<td class='n'>{m['moderate_severe_days']}</td>"
        f"<td class='n'>{m['acute_medication_days']}</td>"
        + _num(_e(m["long_headache_text"]), m, "long_headache_days")
        + "</tr>"
        for m in payer["months"]
    )
    return (
        "<table class='payer-months keep'><thead><tr><th>Month</th>"
        "<th class='n'>Untracked days</th>"
        f"<th class='n'>Headache days ≥{t['headache_days']}</th>"
        f"<th class='n'>Migraine days ≥{t['migraine_days']}</th>"
        "<th class='n'>Moderate or severe headache days</th>"
        "<th class='n'>Acute medication days</th>"
        f"<th class='n'>Headache ≥{hours} h, days ≥{t['long_headache_days']}</th>"
        f"</tr></thead><tbody>{rows}</tbody></table>"
        f"<p class='small muted'>{REACHED} reached, {SYMBOLS['undetermined']} untracked days "
        f"or days without a recorded duration decide. Headache ≥{hours} h: headache days "
        f"lasting {hours} hours or more; (+N unknown): headache days without a recorded "
        "duration. With untracked days the counts are lower bounds.</p>"
    )


def _payer_trials(payer: dict[str, Any]) -> str:
    """One block per preventive: the means before and on it with the change and the 50 %
    and 30 % marks, for migraine and headache days; under it the windows (or why there
    is no number)."""
    if not payer["trials"]:
        return "<p>No preventive trial recorded.</p>"
    blocks = []
    for p in payer["trials"]:
        name = (
            f"<td><b>{_e(p['therapy'])}</b> <span class='muted'>{_e(p['class'])}</span><br>"
            f"{_e(p['start'])} → {_e(p['end'] or 'ongoing')}</td>"
        )
        if not p["baseline_months"] and not p["treated_months"]:
            blocks.append(
                f"<tbody class='keep'><tr>{name}<td colspan='6'>{_e(p['not_computable'])}"
                "</td></tr></tbody>"
            )
            continue
        cells = ""
        for key in ("migraine_days", "headache_days"):
            c = p[key]
            cells += (
                f"<td class='n'>{_e(c['means'])}</td><td class='n'>{_e(c['change'])}</td>"
                f"<td class='d'>{_e(c['marks'])}</td>"
            )
        under = _e(p["windows"]) + (f"; {_e(p['not_computable'])}" if p["not_computable"] else "")
        blocks.append(
            f"<tbody class='keep'><tr class='pt'>{name}{cells}</tr>"
            f"<tr><td></td><td colspan='6' class='small muted'>{under}</td></tr></tbody>"
        )
    return (
        "<table class='payer-trials'><colgroup><col style='width:30%'><col><col><col><col>"
        "<col><col></colgroup><thead><tr><th>Preventive, start → stop</th>"
        "<th class='n'>Migraine days/month, before → on it</th><th class='n'>Change</th>"
        "<th>≥50% / ≥30% fewer</th><th class='n'>Headache days/month, before → on it</th>"
        "<th class='n'>Change</th><th>≥50% / ≥30% fewer</th></tr></thead>"
        f"{''.join(blocks)}</table>"
        "<p class='small muted'>Baseline: the up to 3 complete months before the start month; "
        "on it: the complete months from the second month after the start month to the month "
        "before the end (docs/criteria.md section 7). ≥50% fewer migraine days: responder "
        "(Tassorelli 2018); under 30% fewer headache days: non-responder to "
        "onabotulinumtoxinA (Bendtsen 2018).</p>"
    )


def payer_html(s: dict[str, Any]) -> str:
    """The payer section (``reports.payer``): month counts, trial response, scores."""
    payer = s["payer"]
    line = ""
    if payer["long_headache_line"]:
        line = f"<p>{_e(payer['long_headache_line'])}</p>"
    return (
        f"<section id='payer'><h2>{_e(payer['title'])} (complete months)</h2>"
        f"{_payer_months(payer)}{line}"
        "<h3>Preventive trials: migraine and headache days per month</h3>"
        f"{_payer_trials(payer)}{_scores(payer['scores'])}</section>"
    )


def _untried(s: dict[str, Any]) -> str:
    items = "".join(
        f"<dt>{_e(kind.capitalize())}</dt><dd>{_e(', '.join(e['label'] for e in entries))}</dd>"
        for kind, entries in s["untried"].items()
    )
    inadequate = "".join(
        f"<dt>Not adequately</dt><dd><b>{_e(e['label'])}</b>: {_e('; '.join(e['trials']))}</dd>"
        for e in s["inadequate"]
    )
    barred = "".join(
        f"<dt>Barred (unavailable)</dt><dd><b>{_e(e['label'])}</b>: "
        f"{_e('; '.join(e['trials']))}</dd>"
        for e in s.get("barred", [])
    )
    notes = "".join(f"<dt>Diary</dt><dd>{_e(line)}</dd>" for line in s.get("untried_notes", []))
    return (
        "<section id='untried'><h2>Therapy classes not tried yet</h2>"
        f"<dl class='untried'>{items}{inadequate}{barred}{notes}</dl></section>"
    )


def _methods(s: dict[str, Any]) -> str:
    rows = "".join(
        f"<p class='small'><b>{_e(v['heading'])}</b>: {_e(v['method'])}.</p>"
        for v in s["verdicts"]
        if v["method"]
    )
    return f"<section id='methods'><h2>How the verdicts are computed</h2>{rows}</section>"


def _css_string(text: str) -> str:
    """A CSS string literal (quotes, backslashes, newlines and ``<`` escaped)."""
    out = []
    for ch in text:
        if ch in '"\\<>' or ord(ch) < 32:
            out.append(f"\\{ord(ch):x} ")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _page_css(s: dict[str, Any]) -> str:
    """Running footer on printed pages: who, as of when, page n of N."""
    who = s["patient"].get("name")
    label = f"{who} — " if who else ""
    label += f"migraine diary summary as of {s['as_of']} — page "
    return (
        "@page { @bottom-right { content: "
        f'{_css_string(label)} counter(page) " of " counter(pages); '
        "font-size: 7pt; color: #555; font-family: " + FONT + "; } }"
    )


def render_html(s: dict[str, Any]) -> str:
    """The whole page."""
    title = s["title"] + (f" — {s['patient']['name']}" if s["patient"].get("name") else "")
    body = [_header(s), _verdicts(s)]
    if s["months"]:
        body.append(_months(s))
        body.append(
            "<section id='trend' class='keep'><h2>Headache and migraine days per month, with the "
            "preventive trials</h2>"
            f"<div class='chart'>{trend_chart(s['chart'])}</div>"
            "<p class='small muted'>Bands under the zero line: the months each preventive trial "
            "ran (as of the summary date).</p></section>"
        )
    body.append(_preventives(s))
    body.append(payer_html(s))
    if s["months"]:
        body.append(_acute(s))
        body.append(_calendar_table(s))
    body.append(_cycles(s))
    body.append(_untried(s))
    body.append(_explanations(s))
    body.append(_methods(s))
    body.append(
        f"<footer><p class='disclaimer'>{_e(s['disclaimer'])}</p>"
        f"<p class='muted'>Sources: {_e(SOURCES)} Untracked days count as unknown; months are "
        "calendar months and count once complete.</p></footer>"
    )
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{_e(title)} ({_e(s['as_of'])})</title><style>{CSS}{_page_css(s)}</style>"
        "</head>"
        f"<body>{''.join(body)}</body></html>\n"
    )


SECTION_HTML = {"payer": payer_html}


def render_section_html(s: dict[str, Any], section: str) -> str:
    """``summary --section NAME``: a page with the one section, who and as of when, and
    the disclaimer."""
    heading = s[section]["title"]
    title = f"{s['title']}: {heading[:1].lower()}{heading[1:]}"
    who = s["patient"].get("name")
    born = s["patient"].get("date_of_birth")
    person = ""
    if who or born:
        person = f"<p class='who'>{_e(who or '')}{_e(f', born {born}' if born else '')}</p>"
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{_e(title)}{_e(f' — {who}' if who else '')} ({_e(s['as_of'])})</title>"
        f"<style>{CSS}{_page_css(s)}</style></head><body>"
        f"<header><div><h1>{_e(title)}</h1>{person}</div>"
        f"<div class='meta'>as of {_e(s['as_of'])}</div></header>"
        f"{SECTION_HTML[section](s)}"
        f"<footer><p class='disclaimer'>{_e(s['disclaimer'])}</p></footer>"
        "</body></html>\n"
    )
