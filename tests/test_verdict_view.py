"""One verdict, one reading: every mark of every verdict month reads the same in
``status``, the text, CSV and HTML ``summary`` and (for ICHD-3 8.2.6) the ``report``
month table, on diaries where 8.2.6 applies, does not apply and is undetermined.

The marks come from ``rules.verdicts``; the renderers only format them. The report's
month table shows one month against a threshold, not a verdict: ▲ where the verdict
shows ✓, ? and – as the verdict does, and nothing where it shows ✗.
"""

from __future__ import annotations

import csv
import io
import re

import pytest

from migrainecli.rules.verdicts import CSV_MARKS, SYMBOLS, TITLES
from tests.verdict_diaries import DIARIES

WIDE = {"COLUMNS": "140"}
TITLE_KEYS = {title: key for key, title in TITLES.items()}
TITLE = re.compile(r"^(?P<heading>[A-Z][^:]*?): (MET|NOT MET|UNDETERMINED)")
ROW = re.compile(r"^\s+(\d{4}-\d{2})\s+\d+\s+(.*?)\s+(met|not met|undetermined)\s*$")
CELL = re.compile(r"(\d+) ([✓✗?–])")
HEADER = re.compile(r"([\w.]+) (?:≥\d+|(\d+)–(\d+))")  # a threshold, or a range (AHS 2021)

EXPECTED_POOL = {
    "pool-applies": "✓",
    "pool-does-not-apply": "–",
    "pool-undetermined": "?",
    "demo": "–",
}


def _key_of(heading: str) -> str | None:
    """The verdict a heading names: "Title (source)", or the title alone when it names its
    source itself."""
    for title, key in TITLE_KEYS.items():
        if heading == title or heading.startswith(f"{title} ("):
            return key
    return None


def text_marks(text: str) -> dict[tuple[str, str, str], str]:
    """{(verdict key, month, threshold name): "count mark"} from the verdict tables."""
    out: dict[tuple[str, str, str], str] = {}
    key = None
    headers: list[str] = []
    for line in text.splitlines():
        m = TITLE.match(line)
        found = m and _key_of(m["heading"])
        if found:
            key, headers = found, []
            continue
        if not line.strip():
            key = None
            continue
        if key is None:
            continue
        if "month is" in line:
            headers = [_name(h, lo, hi) for h, lo, hi in HEADER.findall(line)]
            continue
        row = ROW.match(line)
        if row and headers:
            cells = CELL.findall(row[2])
            assert len(cells) == len(headers), line
            for name, (count, mark) in zip(headers, cells, strict=True):
                out[(key, row[1], name)] = f"{count} {mark}"
    return out


def _name(label: str, lo: str = "", hi: str = "") -> str:
    if lo:
        return f"{label}_days_{lo}_{hi}"
    return label if label[0].isdigit() else f"{label}_days"


FROM_CSV = {word: mark for mark, word in CSV_MARKS.items()}


def csv_marks(text: str) -> dict[tuple[str, str, str], str]:
    rows = list(csv.DictReader(io.StringIO(text)))
    counts = {}
    marks = {}
    for r in rows:
        if r["section"] != "evidence":
            continue
        parts = r["item"].split("/")
        if len(parts) == 3 and parts[2] not in ("status", "untracked_days"):
            counts[tuple(parts)] = r["value"]
        elif len(parts) == 4 and parts[3] == "check":
            marks[tuple(parts[:3])] = SYMBOLS[FROM_CSV[r["value"]]]
    return {k: f"{counts[k]} {marks[k]}" for k in marks}


def html_marks(page: str) -> dict[tuple[str, str, str], str]:
    out = {}
    for row in re.findall(r"<tr><td><b>(.*?)</b></td>(.*?)</tr>", page, re.S):
        key = TITLE_KEYS.get(row[0])
        if key is None:
            continue
        for month, checks in re.findall(r"<b>(\d{4}-\d{2})</b>[^:]*: (.*?)(?:<br>|</td>)", row[1]):
            found = re.findall(r"([\w.]+) (\d+) \((?:≥\d+|(\d+)–(\d+))\) ([✓✗?–])", checks)
            for label, count, lo, hi, mark in found:
                out[(key, month, _name(label, lo, hi))] = f"{count} {mark}"
    return out


def report_pool_marks(text: str, months: set[str]) -> dict[str, str]:
    """The 8.2.6 ("several") cell of the report's month table, by month."""
    out = {}
    for line in text.splitlines():
        m = re.match(r"^(\d{4}-\d{2})\s.*?(\d+)(?: ([▲?–]))?\s*$", line)
        if m and m[1] in months and "several" in text:
            out[m[1]] = f"{m[2]} {m[3] or ''}".strip()
    return out


@pytest.mark.parametrize("name", sorted(EXPECTED_POOL))
def test_every_mark_reads_the_same_in_every_renderer(name, db_path, run):
    as_of = DIARIES[name](db_path).isoformat()
    outputs = {}
    for label, args in {
        "status": ("status",),
        "summary": ("summary",),
        "csv": ("summary", "--format", "csv"),
        "html": ("summary", "--format", "html"),
        "report": ("report",),
    }.items():
        result = run(*args, "--as-of", as_of, env=WIDE)
        assert result.exit_code == 0, result.stderr
        outputs[label] = result.stdout

    status = text_marks(outputs["status"])
    assert status, "no verdict table found in status"
    assert text_marks(outputs["summary"]) == status
    assert csv_marks(outputs["csv"]) == status
    assert html_marks(outputs["html"]) == status

    pool = {month: cell for (key, month, n), cell in status.items() if n == "8.2.6"}
    assert pool, "8.2.6 is shown"
    assert {cell.split()[1] for cell in pool.values()} == {EXPECTED_POOL[name]}
    # the report's month table: ▲ for ✓, the same ? and –
    report = report_pool_marks(outputs["report"], set(pool))
    as_report = {"✓": "▲", "✗": "", "?": "?", "–": "–"}
    assert report == {
        m: f"{c.split()[0]} {as_report[c.split()[1]]}".strip() for m, c in pool.items()
    }


def test_the_8_2_6_cell_says_why(db_path, run):
    """The line under the table gives the reason for – and ? (ICHD-3 8.2.6)."""
    from tests.verdict_diaries import pool_undetermined

    as_of = pool_undetermined(db_path).isoformat()
    out = run("status", "--as-of", as_of, env=WIDE).stdout
    assert "untracked days decide whether one class alone reaches its own limit" in out
    assert "does not apply" not in out.split("Resistant")[0].split("Medication")[1]


def test_status_json_is_built_by_one_function():
    """``StatusReport.to_dict`` is the only producer of ``status --json``; the view is
    never serialised into it (docs/interface.md)."""
    import inspect

    from migrainecli.cli import status

    assert "to_dict()" in inspect.getsource(status.status)


def test_marks_and_titles_are_defined_once():
    """No renderer keeps its own table of verdict words, marks or titles."""
    from pathlib import Path

    import migrainecli

    root = Path(migrainecli.__file__).parent
    owners = []
    for path in root.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        words = re.search(r'"not_met":\s*"(✗|NOT MET)"', text)
        if words or '"Medication-overuse headache"' in text:
            owners.append(path.relative_to(root).as_posix())
    assert owners == ["rules/verdicts.py"]


# -- the reason line (issue 16): page 1 of the HTML, the text summary, the CSV ----------
TREATMENT_VERDICTS = (
    "resistant_migraine",
    "refractory_migraine",
    "probable_refractory_migraine",
    "cgrp_step_therapy",
)


def text_reasons(text: str) -> dict[str, str]:
    """{verdict key: reason} from the "Why:" line under each verdict heading (the
    console is wide enough that it does not wrap)."""
    out: dict[str, str] = {}
    lines = text.splitlines()
    heading = re.compile(r"^(?P<heading>[A-Z][^:]*?): (MET|NOT MET|UNDETERMINED|NOT ASSESSED)$")
    for line, after in zip(lines, lines[1:], strict=False):
        m = heading.match(line)
        key = m and _key_of(m["heading"])
        if key and after.startswith("  Why: "):
            out[key] = after.removeprefix("  Why: ")
    return out


def csv_reasons(text: str) -> dict[str, str]:
    return {
        r["item"].removesuffix("/reason"): r["value"]
        for r in csv.DictReader(io.StringIO(text))
        if r["section"] == "verdict" and r["item"].endswith("/reason")
    }


def html_reasons(page: str) -> dict[str, str]:
    """{verdict key: reason} from the verdict table of page 1: each verdict is a
    ``tbody``, its reason the row under it."""
    from html import unescape

    out = {}
    table = page.split("<section id='verdicts'>", 1)[1].split("</section>", 1)[0]
    for body in re.findall(r"<tbody class='v[^']*'>(.*?)</tbody>", table, re.S):
        title = re.match(r"<tr><td><b>(.*?)</b>", body)
        why = re.search(r"<tr class='why'><td colspan='4'><b>Why:</b> (.*?)</td></tr>", body)
        assert title, body
        if why:
            out[TITLE_KEYS[unescape(title[1])]] = unescape(why[1])
    return out


@pytest.mark.parametrize("name", sorted(EXPECTED_POOL))
def test_every_reason_reads_the_same_in_every_summary(name, db_path, run):
    """The reason is the view's, word for word, in the text summary (under the heading),
    the CSV (``verdict,<key>/reason``) and page 1 of the HTML; every treatment verdict
    has one; ``status`` does not repeat it (its explanation says it at length)."""

    as_of = DIARIES[name](db_path).isoformat()
    very_wide = {"COLUMNS": "2000"}
    out = {
        label: run(*args, "--as-of", as_of, env=very_wide)
        for label, args in {
            "text": ("summary",),
            "csv": ("summary", "--format", "csv"),
            "html": ("summary", "--format", "html"),
            "status": ("status",),
        }.items()
    }
    assert all(r.exit_code == 0 for r in out.values()), [r.stderr for r in out.values()]
    text = text_reasons(out["text"].stdout)
    assert set(TREATMENT_VERDICTS) <= set(text)
    assert all(text[k] for k in TREATMENT_VERDICTS)
    assert csv_reasons(out["csv"].stdout) == text
    assert html_reasons(out["html"].stdout) == text
    assert "Why: " not in out["status"].stdout
    payer = text["cgrp_step_therapy"]
    assert "N = " in payer and "step-therapy-failures" in payer and "AHS 2024" in payer
