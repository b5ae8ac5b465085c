"""status (human and --json) and demo through the CLI, on real diaries."""

from __future__ import annotations

import json
from datetime import date, timedelta

from migrainecli.rules.months import add_months

AS_OF = "2026-05-10"


def _month_days(year: int, month: int, n: int) -> list[str]:
    return [date(year, month, d).isoformat() for d in range(1, n + 1)]


def _chronic_diary(run, headache_days: int = 16, migraine_days: int = 9) -> None:
    """Feb-Apr 2026: ``headache_days`` a month, the first ``migraine_days`` migraine (C1)."""
    rows = ["date,severity,unilateral,pulsating,nausea,impairment"]
    for month in (2, 3, 4):
        for k, d in enumerate(_month_days(2026, month, headache_days)):
            if k < migraine_days:
                rows.append(f"{d},severe,1,1,1,bedbound")
            else:
                rows.append(f"{d},mild,,,,none")
    rows.append("2026-01-31,none,,,,")  # diary start
    r = run("import", "days", "-", input="\n".join(rows) + "\n")
    assert r.exit_code == 0, r.output


def test_status_json_shape_and_chronic_met(run):
    _chronic_diary(run)
    r = run("status", "--as-of", AS_OF, "--json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert data["as_of"] == AS_OF
    assert data["diary"]["start"] == "2026-01-31"
    assert set(data["criteria"]) == {
        "chronic_migraine", "medication_overuse", "resistant_migraine",
        "refractory_migraine", "probable_refractory_migraine", "cgrp_step_therapy",
        "menstrual_migraine",
    }  # fmt: skip
    sources = {k: v["source"] for k, v in data["criteria"].items()}
    assert sources == {
        "chronic_migraine": "ICHD-3 1.3", "medication_overuse": "ICHD-3 8.2",
        "resistant_migraine": "EHF 2020", "refractory_migraine": "EHF 2020",
        "probable_refractory_migraine": "2025 consensus", "cgrp_step_therapy": "AHS 2021",
        "menstrual_migraine": "ICHD-3 A1.1",
    }  # fmt: skip
    cm = data["criteria"]["chronic_migraine"]
    assert cm["status"] == "met"
    assert [(m["month"], m["headache_days"], m["migraine_days"]) for m in cm["months"]] == [
        ("2026-02", 16, 9), ("2026-03", 16, 9), ("2026-04", 16, 9),
    ]  # fmt: skip
    assert data["criteria"]["medication_overuse"]["status"] == "not_met"
    assert data["criteria"]["medication_overuse"]["subtypes"] == []
    assert data["criteria"]["resistant_migraine"]["failed_classes"] == []
    assert data["criteria"]["resistant_migraine"]["status"] == "not_met"
    for c in data["criteria"].values():
        assert c["status"] in ("met", "not_met", "undetermined")
        assert c["explanation"]


def test_status_14_headache_days_is_not_met(run):
    _chronic_diary(run, headache_days=14)
    data = json.loads(run("status", "--as-of", AS_OF, "--json").stdout)
    assert data["criteria"]["chronic_migraine"]["status"] == "not_met"


def test_status_gap_makes_it_undetermined_and_says_why(run):
    _chronic_diary(run)  # 16 headache days a month
    run("gap", "add", "2026-03-10..2026-03-20")  # 7 logged days now unknown: 9 + 11 untracked
    data = json.loads(run("status", "--as-of", AS_OF, "--json").stdout)
    cm = data["criteria"]["chronic_migraine"]
    assert cm["status"] == "undetermined"
    assert "2026-03" in cm["explanation"]


def test_status_human_view(run):
    _chronic_diary(run)
    run("trial", "add", "propranolol", "--start", "2025-01-01", "--end", "2025-04-01",
        "--outcome", "ineffective")  # fmt: skip
    r = run("status", "--as-of", AS_OF)
    assert r.exit_code == 0
    out = r.stdout
    for title in (
        "Chronic migraine (ICHD-3 1.3): MET",
        "Medication-overuse headache (ICHD-3 8.2)",
        "Resistant migraine (EHF 2020)",
        "Refractory migraine (EHF 2020)",
        "Payer step therapy for CGRP-targeting preventives (AHS 2021 rule): ",
    ):
        # fmt: skip
        assert title in out
    assert "headache ≥15" in out and "16 ✓" in out
    assert "Failed: beta_blocker — propranolol (ineffective)" in out
    assert " ".join(out.split()).endswith("a clinician decides what they mean.")
    assert "not a diagnosis" in out
    assert max(len(line) for line in out.splitlines()) <= 100


def test_status_on_an_empty_diary_is_undetermined_and_creates_nothing(run, db_path):
    data = json.loads(run("status", "--json").stdout)
    assert {c["status"] for c in data["criteria"].values()} <= {"undetermined", "not_met"}
    assert data["criteria"]["chronic_migraine"]["status"] == "undetermined"
    db_path.touch()  # an empty file: read as an empty diary
    assert "The diary is empty" in run("status").stdout
    db_path.unlink()
    assert not db_path.exists()


def test_status_as_of_in_the_future_is_refused(run):
    r = run("status", "--as-of", "2999-01-01")
    assert r.exit_code == 1
    assert "in the future" in r.stderr


def test_demo_never_touches_the_users_diary(run, db_path, tmp_path):
    sample = tmp_path / "sample.db"
    r = run("demo", "--keep", str(sample))
    assert r.exit_code == 0, r.output
    assert not db_path.exists()
    out = r.stdout
    assert f"Sample diary (not yours), kept in: {sample}\n" in out
    assert "Chronic migraine (ICHD-3 1.3): MET" in out
    assert "Medication-overuse headache (ICHD-3 8.2): MET" in out
    assert "Resistant migraine (EHF 2020): MET" in out
    assert "Start your own diary" in out
    assert f"  migrainecli --db {sample} trial list\n" in out
    assert json.loads(run("--db", str(sample), "trial", "list", "--json").stdout)


def test_demo_without_keep_removes_its_temporary_folder(run, db_path, tmp_path, monkeypatch):
    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setenv("TMPDIR", str(temp))
    monkeypatch.setattr("tempfile.tempdir", None)  # read TMPDIR again
    r = run("demo")
    assert r.exit_code == 0, r.output
    assert "Sample diary (not yours): a temporary file, removed again.\n" in r.stdout
    assert "  migrainecli demo --keep demo.db\n" in r.stdout
    assert list(temp.iterdir()) == []
    assert not db_path.exists()
    assert r.stderr == ""


def test_demo_keep_never_replaces_a_file(run, tmp_path):
    sample = tmp_path / "sample.db"
    sample.write_bytes(b"mine")
    r = run("demo", "--keep", str(sample))
    assert r.exit_code == 1
    assert r.stderr == f"Error: {sample} already exists; give --keep the name of a new file.\n"
    assert sample.read_bytes() == b"mine"


def test_demo_covers_at_least_eight_months(run, tmp_path):
    today = date.today()
    sample = str(tmp_path / "sample.db")
    run("demo", "--keep", sample)
    days = json.loads(run("--db", sample, "days", "--json").stdout)
    first = date.fromisoformat(days[0]["date"])
    y, m = add_months(today.year, today.month, -8)
    assert first <= date(y, m, 1)
    assert date.fromisoformat(days[-1]["date"]) >= today - timedelta(days=10)


# -- ICHD-3 8.2.3 subforms through the CLI (issue 14 part 6) -------------------------------
def _analgesic_diary(run, first: str, second: str | None = None, n: int = 16) -> None:
    """Feb-Apr 2026 as in ``_chronic_diary``; ``first`` taken on days 1-8 and ``second``
    on days 9-16, or ``first`` on all ``n`` days."""
    _chronic_diary(run)
    rows = ["date,medication"]
    for month in (2, 3, 4):
        for k, d in enumerate(_month_days(2026, month, n)):
            rows.append(f"{d},{second if second and k >= 8 else first}")
    r = run("import", "intakes", "-", input="\n".join(rows) + "\n")
    assert r.exit_code == 0, r.output


def _overuse(run) -> dict:
    return json.loads(run("status", "--as-of", AS_OF, "--json").stdout)["criteria"][
        "medication_overuse"
    ]


def test_ichd3_8_2_3_1_paracetamol_through_status(run):
    _analgesic_diary(run, "Tylenol")
    moh = _overuse(run)
    assert (moh["status"], moh["subtypes"], moh["subforms"]) == ("met", ["8.2.3"], ["8.2.3.1"])
    assert moh["months"][0]["subform_days"]["8.2.3.1"] == 16
    text = " ".join(run("status", "--as-of", AS_OF).stdout.split())
    assert "8.2.3.1 paracetamol" in text


def test_ichd3_8_2_3_2_and_8_2_3_2_1_aspirin_through_status(run):
    _analgesic_diary(run, "aspirin")
    assert _overuse(run)["subforms"] == ["8.2.3.2", "8.2.3.2.1"]


def test_ichd3_8_2_3_3_metamizole_through_status(run):
    _analgesic_diary(run, "metamizole")
    assert _overuse(run)["subforms"] == ["8.2.3.3"]


def test_ichd3_8_2_3_ibuprofen_8_paracetamol_8_pooled_through_status_and_summary(run):
    _analgesic_diary(run, "ibuprofen", "paracetamol")
    moh = _overuse(run)
    assert (moh["subtypes"], moh["subforms"], moh["subforms_pooled"]) == (["8.2.3"], [], True)
    for args in (("status",), ("summary", "--format", "text")):
        text = " ".join(run(*args, "--as-of", AS_OF).stdout.split())
        assert "the days are pooled" in text, args
