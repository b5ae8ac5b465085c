"""``summary`` in html, csv and text, on real diaries; the HTML read by an HTML parser."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from html.parser import HTMLParser

import pytest

from tests.test_report_diaries import RESPONSE_AS_OF, response_diary

AS_OF = RESPONSE_AS_OF.isoformat()
VERDICT_TITLES = (
    "Chronic migraine",
    "Medication-overuse headache",
    "Resistant migraine",
    "Refractory migraine",
    "Payer step therapy for CGRP-targeting preventives (AHS 2021 rule)",
)
EXTERNAL = ("script", "link", "img", "iframe", "object", "embed", "base", "image", "use")


class Page(HTMLParser):
    """Tags, attributes and text of a page, with the text of each section by id."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str, str | None]] = []
        self.text: list[str] = []
        self.sections: dict[str, list[str]] = {}
        self._open: list[str] = []
        self.styles: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += [(tag, k, v) for k, v in attrs]
        if tag == "section":
            sid = dict(attrs).get("id", "")
            self._open.append(sid)
            self.sections.setdefault(sid, [])
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        if tag == "section" and self._open:
            self._open.pop()
        if tag == "style":
            self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.styles.append(data)
            return
        self.text.append(data)
        for sid in self._open:
            self.sections[sid].append(data)

    def section(self, sid: str) -> str:
        return " ".join(" ".join(self.sections[sid]).split())


def _page(html: str) -> Page:
    page = Page()
    page.feed(html)
    page.close()
    return page


@pytest.fixture
def diary(db_path, run):
    response_diary(db_path)
    assert run("config", "set", "name", "Jane Example").exit_code == 0
    assert run("config", "set", "dob", "1984-03-02").exit_code == 0
    return db_path


def test_summary_html_is_self_contained_and_has_everything(run, diary):
    r = run("summary", "--format", "html", "--as-of", AS_OF)
    assert r.exit_code == 0, r.output
    html = r.stdout
    page = _page(html)
    assert page.tags[0] == "html" and html.startswith("<!DOCTYPE html>")
    # no script, no external stylesheet, font, image or frame; no URL but the SVG namespace
    assert not [t for t in page.tags if t in EXTERNAL]
    assert not [a for a in page.attrs if a[1] in ("src", "href", "xlink:href")]
    assert "<script" not in html.lower()
    assert set(re.findall(r"https?://[^\s\"'<>)]+", html)) <= {"http://www.w3.org/2000/svg"}
    assert "@import" not in html and "url(" not in html
    # printable on A4 and Letter
    style = "".join(page.styles)
    assert "@page" in style and "print" in style
    # the charts, drawn by pygal and inlined as SVG
    assert page.tags.count("svg") >= 1
    assert "pygal-chart" in html
    # header from settings, period and completeness
    text = " ".join(" ".join(page.text).split())
    assert "Jane Example" in text and "1984-03-02" in text
    assert "Diary 2025-01-01 to 2026-03-31" in text and "% complete" in text
    # every verdict with its source and status
    verdicts = page.section("verdicts")
    for title in VERDICT_TITLES:
        assert title in verdicts
    for source in ("ICHD-3 1.3", "ICHD-3 8.2", "EHF 2020", "AHS 2021"):
        assert source in verdicts
    assert "NOT MET" in verdicts
    assert re.search(r"2026-03\s*: headache 3 \(≥15\) ✗ · migraine 3 \(≥8\) ✗", verdicts)
    # the last 12 months
    months = page.section("months")
    assert "2025-04" in months and "2026-03" in months and "2025-03" not in months
    # preventive history for prior authorisation, with the response
    prev = page.section("preventives")
    for name in ("amitriptyline", "topiramate", "candesartan"):
        assert name in prev
    assert "10 → 4 migraine days/month, −60%, responder" in prev
    assert "4 → 3 migraine days/month, −25%, not a responder" in prev
    assert "not tolerated" in prev and "drowsy" in prev  # outcome and reason stopped
    assert "sumatriptan" in prev  # other treatments tried
    # classes untried, calendar, disclaimer
    assert "Calcium-channel blockers" in page.section("untried")
    assert "one cell per day" in page.section("calendar")
    assert "not a diagnosis" in text


def test_summary_html_to_a_file_is_private(run, diary, tmp_path):
    out = tmp_path / "summary.html"
    r = run("summary", "--format", "html", "--output", str(out), "--as-of", AS_OF)
    assert r.exit_code == 0, r.output
    assert r.stdout == ""
    assert out.stat().st_mode & 0o777 == 0o600
    assert "Wrote the html summary" in r.stderr
    assert _page(out.read_text()).tags.count("svg") >= 1


def test_summary_html_escapes_what_the_user_typed(run, diary):
    run("config", "set", "name", '</style><script>alert("x")</script>')
    html = run("summary", "--format", "html", "--as-of", AS_OF).stdout
    assert "<script" not in html
    assert "&lt;script&gt;" in html


def test_summary_csv_reads_back(run, diary, tmp_path):
    r = run("summary", "--format", "csv", "--as-of", AS_OF)
    assert r.exit_code == 0, r.output
    rows = list(csv.reader(io.StringIO(r.stdout)))
    assert rows[0] == ["section", "item", "value", "source"]
    assert all(len(row) == 4 for row in rows)
    got = {(s, i): (v, src) for s, i, v, src in rows[1:]}
    assert got[("summary", "patient_name")] == ("Jane Example", "settings")
    assert got[("summary", "diary_start")] == ("2025-01-01", "diary")
    assert got[("verdict", "chronic_migraine")] == ("not_met", "ICHD-3 1.3")
    assert got[("verdict", "cgrp_step_therapy")][1] == "AHS 2021"
    assert got[("evidence", "chronic_migraine/2026-03/headache_days")] == ("3", "diary")
    assert got[("evidence", "chronic_migraine/2026-03/headache_days/threshold")][0] == "15"
    assert got[("month", "2025-06/migraine_days")] == ("4", "diary")
    assert got[("month", "2025-06/active_preventives")] == ("topiramate", "diary")
    trials = {i: v for (s, i), (v, _) in got.items() if s == "preventive_trial"}
    n = next(i.split("/")[0] for i, v in trials.items() if v == "topiramate")
    assert trials[f"{n}/response/baseline_migraine_days"] == "10"
    assert trials[f"{n}/response/treated_migraine_days"] == "4"
    assert trials[f"{n}/response/reduction_percent"] == "60"
    assert trials[f"{n}/response/responder"] == "1"
    assert trials[f"{n}/adequate"] == "1"
    assert ("untried", "preventive/calcium_channel_blocker") in got
    assert "not a diagnosis" in got[("disclaimer", "text")][0]


def test_summary_csv_neutralises_formulas(run, diary):
    run("config", "set", "name", "=HYPERLINK(1)")
    rows = list(csv.reader(io.StringIO(run("summary", "--format", "csv").stdout)))
    assert ["summary", "patient_name", "'=HYPERLINK(1)", "settings"] in rows


def test_summary_csv_to_a_file_is_private(run, diary, tmp_path):
    out = tmp_path / "summary.csv"
    r = run("summary", "-f", "csv", "-o", str(out), "--as-of", AS_OF)
    assert r.exit_code == 0, r.output
    assert out.stat().st_mode & 0o777 == 0o600
    with out.open(newline="") as fh:
        assert next(csv.reader(fh)) == ["section", "item", "value", "source"]


def test_summary_text_in_the_terminal_and_in_a_file(run, diary, tmp_path):
    r = run("summary", "--as-of", AS_OF, env={"COLUMNS": "80", "NO_COLOR": "1"})
    assert r.exit_code == 0, r.output
    for line in r.stdout.splitlines():
        assert len(line) <= 80
    assert "\x1b[" not in r.stdout
    for title in VERDICT_TITLES:
        assert title in r.stdout
    assert "Patient: Jane Example, born 1984-03-02" in r.stdout
    assert "Preventive treatment history" in r.stdout
    assert "10 → 4 migraine days/month, −60%, responder" in r.stdout
    assert "not a diagnosis" in r.stdout
    out = tmp_path / "summary.txt"
    r = run("summary", "--output", str(out), "--as-of", AS_OF)
    assert r.exit_code == 0
    assert out.stat().st_mode & 0o777 == 0o600
    text = out.read_text()
    assert "\x1b[" not in text and "Migraine diary summary" in text
    assert all(len(line) <= 80 and line == line.rstrip() for line in text.splitlines())


@pytest.mark.parametrize("fmt", ["text", "csv", "html"])
def test_summary_of_an_empty_diary(run, db_path, fmt):
    r = run("summary", "--format", fmt)
    assert r.exit_code == 0
    assert r.stdout == "" and r.stderr == f"There is no diary at {db_path} yet.\n"
    db_path.touch()  # an empty file: read as an empty diary
    r = run("summary", "--format", fmt)
    assert r.exit_code == 0, r.output
    assert "not a diagnosis" in r.stdout
    assert db_path.stat().st_size == 0


def test_summary_of_the_demo_diary(run, db_path):
    from migrainecli.demo import build_demo

    build_demo(db_path, date(2026, 11, 25)).close()
    html = run("summary", "-f", "html", "--as-of", "2026-11-25").stdout
    page = _page(html)
    assert page.tags.count("svg") == 2  # the trend and the acute-medication chart
    assert "Aimovig" in page.section("preventives")
    assert "MET" in page.section("verdicts")


def test_end_to_end_installed_command_writes_a_private_html_file(tmp_path, db_path):
    """The installed command in a subprocess, as a user runs it."""
    import os
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    response_diary(db_path)
    exe = shutil.which("migrainecli")
    cmd = [exe] if exe and Path(exe).parent == Path(sys.executable).parent else [
        sys.executable, "-m", "migrainecli",
    ]  # fmt: skip
    out = tmp_path / "summary.html"
    env = {**os.environ, "MIGRAINECLI_DB": str(db_path), "NO_COLOR": "1", "COLUMNS": "80"}
    r = subprocess.run(
        [*cmd, "summary", "-f", "html", "-o", str(out), "--as-of", AS_OF],
        capture_output=True, text=True, env=env, timeout=60,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert out.stat().st_mode & 0o777 == 0o600
    assert _page(out.read_text()).tags.count("svg") >= 1
    r = subprocess.run(
        [*cmd, "report", "--as-of", AS_OF], capture_output=True, text=True, env=env, timeout=60
    )
    assert r.returncode == 0, r.stderr
    assert max(len(line) for line in r.stdout.splitlines()) <= 80


@pytest.mark.parametrize(
    ("outcome", "days", "words"),
    [
        ("not_tolerated", 20, "counts as failed: not tolerated (no minimum length)"),
        ("ineffective", 30, "8 weeks or more: no"),
        ("ineffective", 90, "8 weeks or more: yes"),
    ],
)
def test_summary_csv_gives_each_trials_adequacy_in_the_words_of_the_text(
    run, db_path, outcome, days, words
):
    # docs/criteria.md section 6: next to a trial stopped for intolerance the adequacy
    # reads "counts as failed: ...", never a bare yes; the CSV's 1 is not enough alone.
    start = date(2026, 1, 5)
    end = date.fromordinal(start.toordinal() + days - 1)
    assert run("log", "2026-01-02", "--severity", "mild").exit_code == 0
    r = run("trial", "add", "topiramate 50 mg", "--start", start.isoformat(), "--end",
            end.isoformat(), "--outcome", outcome)  # fmt: skip
    assert r.exit_code == 0, r.output
    text = run("summary", "--as-of", "2026-06-30", env={"COLUMNS": "200"}).stdout
    assert f"adequate trial: {words} — " in text
    rows = list(
        csv.reader(io.StringIO(run("summary", "-f", "csv", "--as-of", "2026-06-30").stdout))
    )
    got = {i: v for s, i, v, _ in rows[1:] if s == "preventive_trial"}
    assert got["1/adequacy_label"] == words
