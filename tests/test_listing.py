"""Listings that scale and paste cleanly: days windows, notes, stacked layout, tables.

Issue 12 parts 4 and 5. Each test keeps a real diary in tmp_path and goes through the
CLI. ``COLUMNS`` is 100 in every test (conftest); ``env={"COLUMNS": None}`` removes it,
which is what a pipe without COLUMNS sees: no width limit.
"""

from __future__ import annotations

import calendar
import json
from datetime import date, timedelta

import pytest

PIPED = {"COLUMNS": None}
TODAY = date.today()


def months_ago(d: date, n: int) -> date:
    """The test's own 'same day n months ago' (the last day of a shorter month)."""
    month = d.month - n
    year = d.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


@pytest.fixture
def diary(run, db_path, copy_of):
    """Three days in 2025 (one with a note and two intakes) and two trials (logged
    through the CLI once a session; each test gets its own copy)."""
    copy_of("listing", lambda path: _log_listing_diary(run, path), db_path)
    return run


def _log_listing_diary(run, path) -> None:
    for args in (
        ("log", "2025-03-05", "-s", "severe", "--unilateral", "--nausea", "-i", "serious",
         "--med", "sumatriptan 50 mg: relieved", "--med", "ibuprofen 400 mg",
         "--note", "took a nap"),
        ("log", "2025-03-06", "--free"),
        ("log", "2025-04-10", "-s", "mild", "--aura"),
        ("trial", "add", "Topamax 50 mg", "--start", "2025-01-10", "--end", "2025-04-02",
         "--outcome", "not_tolerated", "--reason", "tingling, word-finding"),
        ("trial", "add", "Aimovig", "--start", "2025-06-01", "--dose", "140 mg monthly"),
    ):  # fmt: skip
        assert run("--db", str(path), *args).exit_code == 0, args


LEGEND = (
    "Features: U unilateral, P pulsating, A activity, N nausea, V vomiting, Ph photophobia, "
    "So phonophobia, Au aura. deb.: debilitating (EHF 2020)."
)
TABLE_TOP = (
    "date         severity  features  impairment  medication              counts as    deb.\n"
    "──────────────────────────────────────────────────────────────────────────────────────\n"
)


# -- the window ----------------------------------------------------------------------------
def test_default_is_the_last_three_months_with_a_header_line_on_stdout(diary):
    recent = TODAY - timedelta(days=3)
    diary("log", recent.isoformat(), "-s", "moderate", "--pulsating")
    r = diary("days", env=PIPED)
    assert r.exit_code == 0 and r.stderr == ""
    assert r.stdout == (
        f"Days logged from {months_ago(TODAY, 3)} to {TODAY} (1 of 4 logged days; --all lists "
        "every day, --month YYYY-MM one month).\n"
        "date        severity  features  impairment  medication  counts as  deb.\n"
        "───────────────────────────────────────────────────────────────────────\n"
        f"{recent}  moderate  P                                 probable\n"
        f"{LEGEND}\n"
    )


def test_default_window_with_only_older_days_says_how_to_see_them(diary):
    r = diary("days")
    assert r.exit_code == 0 and r.stdout == ""
    assert r.stderr == (
        f"No days logged from {months_ago(TODAY, 3)} to {TODAY}; 3 earlier ones: "
        "--all lists every day.\n"
    )


def test_all_lists_every_day_and_marks_the_day_with_a_note(diary):
    r = diary("days", "--all", env=PIPED)
    assert r.exit_code == 0
    assert r.stdout == (
        "All 3 logged days, from 2025-03-05 to 2025-04-10.\n"
        + TABLE_TOP
        + "2025-03-05*  severe    U N       serious     sumatriptan, ibuprofen  migraine C1  yes\n"
        "2025-03-06   none                                                    free\n"
        "2025-04-10   mild      Au                                            migraine C2\n"
        f"{LEGEND} * has a note (--notes shows it).\n"
    )


def test_month_lists_one_calendar_month_and_notes_prints_the_text(diary):
    r = diary("days", "--month", "2025-03", "--notes", env=PIPED)
    assert r.exit_code == 0
    assert r.stdout == (
        "Days logged from 2025-03-01 to 2025-03-31 (2 of 3 logged days).\n"
        + TABLE_TOP
        + "2025-03-05*  severe    U N       serious     sumatriptan, ibuprofen  migraine C1  yes\n"
        "  note: took a nap\n"
        "2025-03-06   none                                                    free\n"
        f"{LEGEND}\n"
    )
    assert (
        diary("days", "--month", "Mar 2025", env=PIPED).stdout
        == diary("days", "--month", "2025-03", env=PIPED).stdout
    )


def test_last_n_logged_days(diary):
    r = diary("days", "-n", "2", env=PIPED)
    assert r.stdout.splitlines()[0] == (
        "The last 2 logged days (2025-03-06 to 2025-04-10; 3 logged in all)."
    )
    assert [line[:10] for line in r.stdout.splitlines()[3:5]] == ["2025-03-06", "2025-04-10"]
    # -n keeps the last N of the window the other options give
    r = diary("days", "--month", "2025-03", "-n", "1", env=PIPED)
    assert r.stdout.splitlines()[3].startswith("2025-03-06 ")
    assert len(r.stdout.splitlines()) == 5
    # from/to keep working, open-ended too
    r = diary("days", "--from", "2025-03-06", env=PIPED)
    assert r.stdout.splitlines()[0] == (
        "Days logged from 2025-03-06 to 2025-04-10 (2 of 3 logged days)."
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("--all", "--month", "2025-03"),
            "--all lists every day, so it cannot be combined with --month; give one of them.",
        ),
        (("--all", "-n", "3"), "--all lists every day, so it cannot be combined with -n"),
        (("--all", "--from", "2025-01-01"), "cannot be combined with --from"),
        (("--month", "2025-03", "--to", "2025-03-10"), "--month and --to both say which days"),
        (("-n", "0"), "0"),
    ],
)
def test_contradictory_window_options_are_usage_errors(diary, args, message):
    r = diary("days", *args)
    assert r.exit_code == 2
    assert message in r.stderr and "Traceback" not in r.output
    assert r.stdout == ""


def test_month_needs_a_month(diary):
    r = diary("days", "--month", "2025-03-05")
    assert r.exit_code == 1
    assert r.stderr == (
        "Error: --month takes a month such as 2026-11 or 'Nov 2026', not '2025-03-05'.\n"
    )


def test_days_json_is_unchanged_and_lists_every_day_without_window_options(diary):
    data = json.loads(diary("days", "--json").stdout)
    assert [d["date"] for d in data] == ["2025-03-05", "2025-03-06", "2025-04-10"]
    assert data[0] == {
        "date": "2025-03-05", "severity": "severe", "hours": None, "unilateral": True,
        "pulsating": None, "activity": None, "nausea": True, "vomiting": None,
        "photophobia": None, "phonophobia": None, "aura": None, "believed_migraine": None,
        "impairment": "serious", "note": "took a nap",
        "intakes": [
            {"medication": "sumatriptan", "dose": "50 mg", "relieved": True,
             "class": "triptan"},
            {"medication": "ibuprofen", "dose": "400 mg", "relieved": None,
             "class": "simple_analgesic"},
        ],
        "headache_day": True, "migraine_day": True, "migraine_paths": ["C1"],
        "probable_migraine": False, "debilitating": True, "aura_only": False,
    }  # fmt: skip
    assert [d["date"] for d in json.loads(diary("days", "--json", "-n", "1").stdout)] == [
        "2025-04-10"
    ]


# -- the pager -------------------------------------------------------------------------------
def test_pager_only_on_a_terminal_for_a_listing_longer_than_the_screen():
    from migrainecli.cli.listing import use_pager

    assert use_pager(30, True, 24) is True
    assert use_pager(24, True, 24) is False  # fits the screen
    assert use_pager(30, False, 24) is False  # piped or redirected


def test_piped_output_never_pages(diary, tmp_path):
    marker = tmp_path / "paged"
    r = diary("days", "--all", env={"PAGER": f"touch {marker}", "LINES": "3"})
    assert r.exit_code == 0 and "2025-04-10" in r.stdout
    assert not marker.exists()


# -- narrow terminals: stacked blocks, no word cut ------------------------------------------
def test_days_below_70_columns_is_stacked(diary):
    r = diary("days", "--all", "--notes", env={"COLUMNS": "60"})
    assert r.stdout == (
        "All 3 logged days, from 2025-03-05 to 2025-04-10.\n"
        "2025-03-05*  severe  migraine C1  debilitating\n"
        "  features: unilateral, nausea\n"
        "  impairment: serious\n"
        "  medication: sumatriptan, ibuprofen\n"
        "  note: took a nap\n"
        "2025-03-06  none  free\n"
        "2025-04-10  mild  migraine C2\n"
        "  features: aura\n"
    )


def test_trial_list_below_70_columns_is_stacked(diary):
    r = diary("trial", "list", env={"COLUMNS": "60"})
    days = (TODAY - date(2025, 6, 1)).days + 1
    assert r.stdout == (
        "Treatment trials\n"
        "#1  Topamax [anticonvulsant]\n"
        "  dates: 2025-01-10 → 2025-04-02 (83 days)\n"
        "  dose: 50 mg\n"
        "  outcome: not_tolerated (tingling, word-finding)\n"
        "  adequate: yes\n"
        "#2  Aimovig [cgrp_mab]\n"
        f"  dates: 2025-06-01 → ongoing ({days} days)\n"
        "  dose: 140 mg monthly\n"
        "  outcome: ongoing\n"
        "  adequate: —\n"
    )


def test_a_wide_column_wraps_at_spaces_never_inside_a_word(diary):
    diary("log", "2025-05-01", "-s", "mild", "--med", "ibuprofen", "--med", "paracetamol",
          "--med", "aspirin", "--med", "naproxen")  # fmt: skip
    lines = diary("days", "--month", "2025-05", env={"COLUMNS": "75"}).stdout.splitlines()
    assert all(len(line) <= 75 for line in lines)
    body = "\n".join(lines)
    for word in ("ibuprofen,", "paracetamol,", "aspirin,", "naproxen"):
        assert word in body


# -- clean paste ------------------------------------------------------------------------------
@pytest.mark.parametrize("columns", [None, "100", "60"])
@pytest.mark.parametrize(
    "args",
    [("days", "--all"), ("days", "--all", "--notes"), ("trial", "list"), ("gap", "list"),
     ("therapies",), ("status",), ("untried",), ("show", "2025-03-05")],
)  # fmt: skip
def test_no_line_ends_in_a_space(diary, args, columns):
    diary("gap", "add", "2025-02-01..2025-02-03", "--reason", "holiday, no diary")
    r = diary(*args, env={"COLUMNS": columns})
    assert r.exit_code == 0 and r.stdout
    assert [line for line in r.stdout.splitlines() if line != line.rstrip()] == []
    assert "\x1b" not in r.stdout


def test_gap_list_uses_the_table_style(diary):
    diary("gap", "add", "2025-02-01..2025-02-14", "--reason", "holiday, no diary")
    assert diary("gap", "list").stdout == (
        "#  from        to          days  reason\n"
        "──────────────────────────────────────────────────\n"
        "1  2025-02-01  2025-02-14    14  holiday, no diary\n"
    )


def test_therapies_hides_misspellings_which_still_resolve(run):
    listing = run("therapies").stdout
    assert "sumatriptan (Imitrex, Imigran, Zembrace)" in listing
    assert "amitryptiline" not in listing and "sumatryptan" not in listing
    shown = json.loads(run("therapies", "--json").stdout)
    (suma,) = [m for c in shown for m in c["members"] if m["name"] == "sumatriptan"]
    assert "sumatryptan" in suma["misspellings"]
    r = run("log", "2025-03-05", "-s", "moderate", "--med", "sumatryptan 50 mg")
    assert r.exit_code == 0, r.output
    (day,) = json.loads(run("days", "--json").stdout)
    assert day["intakes"][0]["class"] == "triptan"


# -- the log confirmation -----------------------------------------------------------------------
def test_log_confirmation_gives_one_reason_and_show_keeps_the_detail(run):
    r = run("log", "2025-03-05", "-s", "mild")
    assert r.stdout == (
        "Logged 2025-03-05: headache day, not a migraine day (0 of the 4 pain features; C1 "
        "needs 2 of unilateral, pulsating, moderate/severe, worse with activity), "
        "not debilitating.\n"
    )
    r = run("log", "2025-03-06", "-s", "moderate", "--pulsating")
    assert r.stdout == (
        "Logged 2025-03-06: headache day, probable migraine only, not a migraine day (no "
        "nausea/vomiting or photophobia with phonophobia, which C1 needs), not debilitating.\n"
    )
    shown = " ".join(run("show", "2025-03-06").stdout.split())  # rich wraps it
    assert shown.endswith(
        "counts as headache day, probable migraine only, not a migraine day (C1: no "
        "nausea/vomiting or photophobia with phonophobia; no aura (C2); C3 needs a believed "
        "migraine relieved by a triptan or ergot), not debilitating"
    )


def test_confirmation_wraps_on_a_terminal_only():
    from migrainecli.dayoptions import confirmation

    text = "Logged 2025-03-05: headache day, not a migraine day (0 of the 4 pain features)."
    assert confirmation(text, False, 40) == text
    assert confirmation(text, True, 40) == (
        "Logged 2025-03-05: headache day, not a\n  migraine day (0 of the 4 pain\n  features)."
    )
