"""MIDAS and HIT-6 disability scores (docs/criteria.md section 8) through the CLI on
real diaries; the boundary tests are named after the grade or category edge they pin."""

from __future__ import annotations

import json
import os
import sys
from datetime import date, timedelta

import pexpect
import pytest

from migrainecli.rules.scores import MIDAS_GRADES, hit6_category, midas_grade


def midas(run, q: tuple[int, int, int, int, int], *extra: str):
    args = ["score", "add", "midas"]
    for k, v in enumerate(q, start=1):
        args += [f"--q{k}", str(v)]
    return run(*args, *extra)


def listed(run) -> list[dict]:
    r = run("score", "list", "--json")
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


@pytest.mark.parametrize(
    ("total", "grade"),
    [(5, "I"), (6, "II"), (10, "II"), (11, "III"), (20, "III"), (21, "IV")],
    ids=["midas-5-grade-I", "midas-6-grade-II", "midas-10-grade-II", "midas-11-grade-III",
         "midas-20-grade-III", "midas-21-grade-IV"],
)  # fmt: skip
def test_midas_grade_edges_5_6_10_11_20_21(run, total, grade):
    q5 = total - 0  # all on q5 (family, social, leisure days), within 0-90
    r = midas(run, (0, 0, 0, 0, q5))
    assert r.exit_code == 0, r.output
    assert f"MIDAS {total} " in r.stdout and f"grade {grade} " in r.stdout
    s = listed(run)[-1]
    assert (s["total"], s["grade"]) == (total, grade)
    assert midas_grade(total)[0] == grade


def test_midas_total_is_the_sum_of_the_five_items(run):
    r = midas(run, (10, 2, 0, 5, 3), "--pain", "7", "--headache-days", "30")
    assert r.exit_code == 0
    s = listed(run)[0]
    assert s["total"] == 20 and s["items"] == {"q1": 10, "q2": 2, "q3": 0, "q4": 5, "q5": 3}
    assert (s["pain"], s["headache_days"]) == (7, 30)


@pytest.mark.parametrize(
    ("total", "category"),
    [(49, "little or no impact"), (50, "some impact"), (55, "some impact"),
     (56, "substantial impact"), (59, "substantial impact"), (60, "severe impact")],
    ids=["hit6-49", "hit6-50", "hit6-55", "hit6-56", "hit6-59", "hit6-60"],
)  # fmt: skip
def test_hit6_category_edges_49_50_55_56_59_60(run, total, category):
    r = run("score", "add", "hit6", "--total", str(total))
    assert r.exit_code == 0, r.output
    assert r.stdout.strip().endswith(f"HIT-6 {total} on {date.today()}, {category}.")
    assert listed(run)[-1]["category"] == category == hit6_category(total)


@pytest.mark.parametrize("total", [35, 79], ids=["hit6-35-refused", "hit6-79-refused"])
def test_hit6_out_of_range_refused_naming_field_and_range(run, db_path, total):
    r = run("score", "add", "hit6", "--total", str(total))
    assert r.exit_code == 1
    assert "total must be a whole number from 36 to 78" in r.stderr
    assert listed(run) == []


@pytest.mark.parametrize(
    ("items", "message"),
    [((91, 0, 0, 0, 0), "q1 must be a whole number from 0 to 90"),
     ((0, 0, 0, 0, -1), "q5 must be a whole number from 0 to 90"),
     ((50, 41, 0, 0, 0), "q1 + q2 must be at most 90"),
     ((0, 0, 45, 46, 0), "q3 + q4 must be at most 90")],
    ids=["q1-91", "q5-negative", "q1-plus-q2-91", "q3-plus-q4-91"],
)  # fmt: skip
def test_midas_items_out_of_range_refused(run, items, message):
    r = midas(run, items)
    assert r.exit_code == 1, r.output
    assert message in r.stderr
    assert listed(run) == []


def test_midas_pain_and_headache_days_ranges(run):
    r = midas(run, (0, 0, 0, 0, 0), "--pain", "11")
    assert r.exit_code == 1 and "pain must be a whole number from 0 to 10" in r.stderr
    r = midas(run, (0, 0, 0, 0, 0), "--headache-days", "91")
    assert r.exit_code == 1 and "headache_days must be a whole number from 0 to 90" in r.stderr


def test_midas_off_a_terminal_without_values_is_a_usage_error(run):
    r = run("score", "add", "midas")
    assert r.exit_code == 2
    assert "--q1 N" in r.stderr
    r = run("score", "add", "midas", "--q1", "3")
    assert r.exit_code == 2 and "missing --q2, --q3, --q4, --q5" in r.stderr


def test_the_database_refuses_out_of_range_scores_too(db_path, run):
    import sqlite3

    assert midas(run, (1, 1, 1, 1, 1)).exit_code == 0
    conn = sqlite3.connect(db_path)
    try:
        for sql in (
            "INSERT INTO scores (date, instrument, total) VALUES ('2026-01-01', 'hit6', 35)",
            "INSERT INTO scores (date, instrument, total, q1, q2, q3, q4, q5) "
            "VALUES ('2026-01-01', 'midas', 92, 50, 41, 1, 0, 0)",
            "INSERT INTO scores (date, instrument, total, q1, q2, q3, q4, q5) "
            "VALUES ('2026-01-01', 'midas', 9, 1, 1, 1, 1, 1)",  # total not the sum
        ):
            with pytest.raises(sqlite3.IntegrityError):
                conn.execute(sql)
    finally:
        conn.close()


# Phrases of the copyrighted questionnaires that must never be printed.
QUESTION_WORDING = ("On how many days", "did you miss work or school because of your headaches",
                    "When you have headaches, how often")  # fmt: skip


def test_guided_midas_on_a_terminal_asks_by_short_labels(run, db_path):
    child = pexpect.spawn(
        sys.executable, ["-m", "migrainecli", "score", "add", "midas", "--date", "2026-11-01"],
        env={**os.environ, "TERM": "dumb"}, encoding="utf-8", timeout=20, dimensions=(40, 200),
    )  # fmt: skip
    for prompt, answer in (
        ("q1, days missed work or school (0-90): ", "95"),
        ("Type a whole number from 0 to 90.", None),
        ("q1, days missed work or school (0-90): ", "4"),
        ("q2, days work or school productivity halved (0-90): ", "3"),
        ("q3, days no household work (0-90): ", "2"),
        ("q4, days household productivity halved (0-90): ", "1"),
        ("q5, days missed family, social or leisure activities (0-90): ", "1"),
        ("headache_days, headache days in the last 3 months [Enter to skip]: ", "20"),
        ("pain, average pain, 0-10 [Enter to skip]: ", ""),
    ):
        child.expect_exact(prompt)
        if answer is not None:
            child.sendline(answer)
    child.expect(pexpect.EOF)
    child.close()
    output = child.before
    assert child.exitstatus == 0, output
    assert "Recorded score #1: MIDAS 11 on 2026-11-01, grade III (moderate disability)." in output
    s = listed(run)[0]
    assert (s["headache_days"], s["pain"]) == (20, None)
    for phrase in QUESTION_WORDING:
        assert phrase.lower() not in output.lower()


def test_score_list_delete_and_undo(run):
    assert midas(run, (1, 1, 1, 1, 1), "--date", "2026-01-05", "--note", "at clinic").exit_code == 0
    assert run("score", "add", "hit6", "--total", "60", "--date", "2026-01-05").exit_code == 0
    text = run("score", "list").stdout
    assert "MIDAS" in text and "grade I (little or no disability)" in text and "at clinic" in text
    r = run("score", "delete", "1")
    assert r.exit_code == 0 and "Deleted score #1 (MIDAS 5 on 2026-01-05)." in r.stdout
    assert [s["id"] for s in listed(run)] == [2]
    r = run("undo", "--yes")
    assert r.exit_code == 0, r.output
    assert [s["id"] for s in listed(run)] == [1, 2]  # the same row, the same id
    assert run("undo", "--yes").exit_code == 0  # undoes the hit6 add
    assert [s["id"] for s in listed(run)] == [1]
    r = run("score", "delete", "7")
    assert (r.exit_code, r.stderr) == (
        1, "Error: There is no score #7; 'migrainecli score list' shows them.\n"
    )  # fmt: skip
    assert [s["id"] for s in listed(run)] == [1]


def test_scores_export_import_round_trip(run, tmp_path):
    assert midas(run, (10, 2, 0, 5, 3), "--date", "2026-02-01", "--pain", "7",
                 "--note", '=odd, "quoted"').exit_code == 0  # fmt: skip
    assert run("score", "add", "hit6", "--total", "62", "--date", "2026-02-01").exit_code == 0
    exported = run("export", "scores").stdout
    assert exported.splitlines()[0] == (
        "date,instrument,total,q1,q2,q3,q4,q5,headache_days,pain,note"
    )
    assert exported.splitlines()[2] == "2026-02-01,hit6,62,,,,,,,,"
    f = tmp_path / "s.csv"
    f.write_text(exported)
    other = tmp_path / "other.db"
    assert run("--db", str(other), "import", "scores", str(f)).exit_code == 0
    assert run("--db", str(other), "export", "scores").stdout == exported
    again = run("--db", str(other), "import", "scores", str(f))
    assert "2 already there" in again.stdout  # importing twice changes nothing
    j = tmp_path / "s.json"
    j.write_text(run("export", "scores", "--format", "json").stdout)
    third = tmp_path / "third.db"
    assert run("--db", str(third), "import", "scores", str(j)).exit_code == 0
    assert run("--db", str(third), "export", "scores").stdout == exported


@pytest.mark.parametrize(
    ("row", "message"),
    [("2026-02-02,hit6,79,,,,,,,,", "Line 3: total must be a whole number from 36 to 78"),
     ("2026-02-02,midas,9,1,1,1,1,1,,,", "Line 3: total 9 is not the sum of q1 to q5 (5)"),
     ("2026-02-02,hit6,50,1,,,,,,,", "Line 3: HIT-6 has only a total; q1 must be empty"),
     ("2026-02-02,midas,,1,1,1,1,,,,", "Line 3: MIDAS needs q5"),
     ("2026-02-02,phq9,5,,,,,,,,", "Line 3: instrument must be one of midas, hit6")],
    ids=["hit6-79", "midas-total-not-sum", "hit6-with-items", "midas-missing-item",
         "unknown-instrument"],
)  # fmt: skip
def test_scores_import_is_all_or_nothing(run, tmp_path, row, message):
    f = tmp_path / "s.csv"
    f.write_text(
        "date,instrument,total,q1,q2,q3,q4,q5,headache_days,pain,note\n"
        f"2026-02-01,midas,,1,1,1,1,1,,,\n{row}\n"
    )
    r = run("import", "scores", str(f))
    assert r.exit_code == 1
    assert message in r.stderr
    assert listed(run) == []


def test_status_shows_the_latest_scores_with_grade_and_date(run):
    today = date.today()
    assert midas(run, (20, 10, 10, 5, 5), "--date", str(today - timedelta(days=200))).exit_code == 0
    assert midas(run, (2, 2, 2, 2, 4), "--date", str(today - timedelta(days=90))).exit_code == 0
    assert run("score", "add", "hit6", "--total", "51", "--date",
               str(today - timedelta(days=91))).exit_code == 0  # fmt: skip
    assert run("log", str(today), "--severity", "mild").exit_code == 0
    text = run("status").stdout
    assert (
        f"MIDAS 12, grade III (moderate disability), {today - timedelta(days=90)}; HIT-6 51, "
        f"some impact, {today - timedelta(days=91)} (91 days old: older than 90 days)"
    ) in " ".join(text.split())
    scores = json.loads(run("status", "--json").stdout)["scores"]
    assert scores["midas"]["latest"]["current"] is True  # 90 days: still current
    assert scores["hit6"]["latest"]["current"] is False  # 91 days: too old for AHS arm (a)
    assert (scores["midas"]["first"]["total"], scores["midas"]["change"]) == (50, -38)


def test_diary_load_fills_scores_and_periods_by_date(db_path, run):
    from migrainecli.storage import Diary

    assert run("score", "add", "hit6", "--total", "60", "--date", "2026-03-01").exit_code == 0
    assert midas(run, (1, 0, 0, 0, 0), "--date", "2026-01-01").exit_code == 0
    assert run("period", "add", "2026-02-10").exit_code == 0
    assert run("period", "add", "2026-01-12").exit_code == 0
    with Diary.open(db_path, write=False) as diary:
        data = diary.load()
    assert [(s.date.isoformat(), s.instrument, s.total) for s in data.scores] == [
        ("2026-01-01", "midas", 1), ("2026-03-01", "hit6", 60),
    ]  # fmt: skip
    assert [p.date.isoformat() for p in data.periods] == ["2026-01-12", "2026-02-10"]


def test_report_and_summary_show_first_latest_change_and_each_midas_item(run):
    assert run("log", "2026-01-02", "--severity", "severe").exit_code == 0
    assert midas(run, (12, 9, 15, 6, 6), "--date", "2026-01-05").exit_code == 0
    assert midas(run, (5, 4, 6, 3, 2), "--date", "2026-03-05").exit_code == 0
    assert run("score", "add", "hit6", "--total", "66", "--date", "2026-01-05").exit_code == 0
    report = " ".join(run("report", "--as-of", "2026-03-31").stdout.split())
    assert (
        "MIDAS: first 48, grade IV (severe disability), 2026-01-05; latest 20, grade III "
        "(moderate disability), 2026-03-05; change −28"
    ) in report
    assert "HIT-6: first 66, severe impact, 2026-01-05; latest 66, severe impact, " in report
    assert "one score so far" in report
    summary = run("summary", "--as-of", "2026-03-31").stdout
    assert "q3 days no household work: 15 → 6" in summary
    assert "For payer forms" in summary and "\nDisability scores\n" in summary
    csv = run("summary", "--format", "csv", "--as-of", "2026-03-31").stdout
    assert "scores,midas/latest/q1,5,diary" in csv
    assert "scores,midas/change,'-28,diary" in csv  # the formula guard's quote
    html = run("summary", "--format", "html", "--as-of", "2026-03-31").stdout
    assert "<td>q1</td><td>days missed work or school</td><td class='n'>12</td>" in html


def test_grades_are_data_citing_section_8():
    import migrainecli.rules.scores as scores

    assert "section 8" in scores.__doc__
    assert [g[1] for g in MIDAS_GRADES] == ["I", "II", "III", "IV"]
