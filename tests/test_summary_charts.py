"""Issue 16: honest charts in the summary. The month so far is never drawn as a full
month (viewed on the 1st, a month of one day would look like a drop to zero): it is
left out of both charts and said in words; both charts cover the same months; month
labels read "Jan 2026"; pygal's "Pygal" title and tooltips are gone; each chart is an
image for screen readers with a title and a description of its figures.

The HTML is parsed (each chart's SVG as XML, the page with ``html.parser``), the text
summary's chart compared line by line."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date
from html.parser import HTMLParser

import pytest

from migrainecli.models import Day
from tests.test_report_diaries import write
from tests.verdict_diaries import pool_applies

SVG = "{http://www.w3.org/2000/svg}"
FIRST_OF_APRIL = date(2026, 4, 1)


def first_of_month_diary(path) -> str:
    """January to March 2026 with 18 migraine days each (``pool_applies``), viewed on
    1 April with that one day logged headache-free: one tracked day in April."""
    pool_applies(path)
    write(path, [Day(FIRST_OF_APRIL, "none")])
    return FIRST_OF_APRIL.isoformat()


def charts(page: str) -> dict[str, ET.Element]:
    """{"trend": svg, "acute": svg}: each inline SVG of the page, parsed as XML."""
    out = {}
    for svg in re.findall(r"<svg\b.*?</svg>", page, re.S):
        root = ET.fromstring(svg)
        out[root.get("id").removeprefix("chart-")] = root
    return out


def x_labels(svg: ET.Element) -> list[str]:
    axis = next(g for g in svg.iter(f"{SVG}g") if g.get("class", "").split() == ["axis", "x"])
    return [t.text for t in axis.iter(f"{SVG}text") if t.text]


def series_dots(svg: ET.Element, index: int) -> int:
    """The dots drawn for series ``index`` (pygal splits a series over several groups)."""
    groups = [g for g in svg.iter(f"{SVG}g") if f"serie-{index}" in g.get("class", "").split()]
    return sum(1 for g in groups for _ in g.iter(f"{SVG}circle"))


class _SoFar(HTMLParser):
    """The text of every ``p.so-far`` of the page."""

    def __init__(self) -> None:
        super().__init__()
        self.notes: list[str] = []
        self._open = False

    def handle_starttag(self, tag, attrs):
        if tag == "p" and "so-far" in (dict(attrs).get("class") or "").split():
            self._open = True
            self.notes.append("")

    def handle_endtag(self, tag):
        if tag == "p":
            self._open = False

    def handle_data(self, data):
        if self._open:
            self.notes[-1] += data


@pytest.fixture
def page(db_path, run) -> str:
    as_of = first_of_month_diary(db_path)
    result = run("summary", "--format", "html", "--as-of", as_of)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_viewed_on_the_1st_the_month_so_far_is_not_drawn_in_either_chart(page):
    svgs = charts(page)
    assert set(svgs) == {"trend", "acute"}
    for svg in svgs.values():
        assert x_labels(svg) == ["Jan 2026", "Feb 2026", "Mar 2026"]
        assert series_dots(svg, 0) == 3  # headache days (trend), triptans (acute): no April
    parser = _SoFar()
    parser.feed(page)
    assert parser.notes == [
        "Apr 2026 so far (1 of 30 days): 0 headache days, 0 migraine days; not drawn until the "
        "month is complete (see the table).",
        "Apr 2026 so far (1 of 30 days): Triptans 0, Simple analgesics 0; not drawn until "
        "the month is complete (see the table).",
    ]


def test_both_charts_cover_the_same_months_as_the_tables(db_path, run):
    from tests.verdict_diaries import demo

    as_of = demo(db_path).isoformat()
    page = run("summary", "--format", "html", "--as-of", as_of).stdout
    svgs = charts(page)
    expected = [
        f"{m} {y}"
        for y, months in ((2025, ["Dec"]), (2026, "Jan Feb Mar Apr May Jun Jul Aug Sep Oct"))
        for m in (months if isinstance(months, list) else months.split())
    ]
    assert x_labels(svgs["trend"]) == expected
    assert x_labels(svgs["acute"]) == expected
    for label in x_labels(svgs["trend"]):
        assert re.fullmatch(r"[A-Z][a-z]{2} \d{4}", label), label


def test_pygal_title_and_tooltips_are_gone(page):
    for name, svg in charts(page).items():
        titles = [t.text for t in svg.iter(f"{SVG}title")]
        descs = [d.get("id") for d in svg.iter(f"{SVG}desc")]
        assert len(titles) == 1 and "Pygal" not in titles[0], name
        assert descs == [f"{name}-desc"]  # pygal's per-dot value tooltips removed
        assert not [e for e in svg.iter() if "tooltip" in e.get("class", "")]
        style = "".join(s.text or "" for s in svg.iter(f"{SVG}style"))
        assert ".tooltip" not in style
        assert "Pygal" not in ET.tostring(svg, encoding="unicode")


def test_each_chart_has_a_text_alternative_for_screen_readers(page):
    svgs = charts(page)
    for name, svg in svgs.items():
        assert svg.get("role") == "img"
        ids = svg.get("aria-labelledby").split()
        found = {e.get("id"): (e.text or "") for e in svg.iter() if e.get("id") in ids}
        assert set(found) == set(ids) == {f"{name}-title", f"{name}-desc"}
        assert all(text.strip() for text in found.values())
    trend = {e.get("id"): e.text for e in svgs["trend"] if e.get("id")}
    assert trend["trend-title"] == "Headache and migraine days per month, Jan 2026 to Mar 2026"
    assert trend["trend-desc"].startswith(
        "Headache and migraine days: Jan 2026 18 and 18; Feb 2026 18 and 18; Mar 2026 18 and 18."
    )
    assert "Apr 2026 so far (1 of 30 days)" in trend["trend-desc"]
    acute = {e.get("id"): e.text for e in svgs["acute"] if e.get("id")}
    assert acute["acute-desc"].startswith("Jan 2026: Triptans 6, Simple analgesics 6;")


def test_text_chart_viewed_on_the_1st_leaves_the_month_so_far_out(db_path, run):
    as_of = first_of_month_diary(db_path)
    result = run("summary", "--as-of", as_of, env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    start = lines.index("Headache and migraine days per month, preventive trials below")
    chart = lines[start + 1 : lines.index("", start)]
    assert [line.rstrip() for line in chart[8:]] == [
        "   └────────────────",
        "     Jan  Feb  Mar",
        "     2026",
        "     █ headache days (left)  █ migraine days (right)  ━ preventive trial",
        "     Apr 2026 so far (1 of 30 days): 0 headache days, 0 migraine days; not drawn",
        "     until the month is complete.",
    ]
    bars = chart[:8]
    assert all(len(line.rstrip()) <= 5 + 3 * 5 for line in bars)  # 3 months, 5 columns each


def test_a_diary_with_no_complete_month_draws_no_empty_chart(db_path, run):
    """Started this month: no chart frame, no pygal "No data", the month so far in words
    (its untracked days included: 1 November is before the diary starts)."""
    write(db_path, [Day(date(2026, 11, 2), "severe"), Day(date(2026, 11, 3), "mild")])
    text = run("summary", "--as-of", "2026-11-05", env={"COLUMNS": "80"}).stdout.splitlines()
    start = text.index("Headache and migraine days per month, preventive trials below")
    assert text[start + 1 : text.index("", start)] == [
        "No complete month to draw yet.",
        "     Nov 2026 so far (5 of 30 days, 1 untracked): 2 headache days, 0 migraine",
        "     days; not drawn until the month is complete.",
    ]
    page = run("summary", "--format", "html", "--as-of", "2026-11-05").stdout
    assert charts(page) == {}
    parser = _SoFar()
    parser.feed(page)
    assert parser.notes == [
        "Nov 2026 so far (5 of 30 days, 1 untracked): 2 headache days, 0 migraine days; not "
        "drawn until the month is complete (see the table)."
    ]
    assert "No complete month to draw yet." in page
