"""trial add/stop/edit/delete/list, therapies, untried, and --med through the catalogue."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from tests.conftest import file_bytes, snapshot

TODAY = date.today()
D1 = (TODAY - timedelta(days=3)).isoformat()


def _trials(run):
    return json.loads(run("trial", "list", "--json").stdout)


def test_add_past_trial_with_brand_and_dose(run):
    r = run("trial", "add", "Topamax 50 mg", "--start", "2024-01-01", "--end", "2024-03-31",
            "--outcome", "ineffective", "--reason", "no change")  # fmt: skip
    assert r.exit_code == 0, r.output
    assert r.stdout == (
        "Recorded trial #1: Topamax (topiramate) [anticonvulsant], "
        "2024-01-01 to 2024-03-31, ineffective.\n"
    )
    (t,) = _trials(run)
    assert t["class"] == "anticonvulsant" and t["kind"] == "preventive"
    assert t["dose"] == "50 mg"
    assert t["duration_days"] == 91
    assert t["adequate"] is True and t["failed"] is True


@pytest.mark.parametrize(
    ("therapy", "days", "adequate"),
    [
        ("propranolol", 55, False),
        ("propranolol", 56, True),
        ("Botox", 167, False),
        ("Botox", 168, True),
        ("Aimovig", 83, False),
        ("Aimovig", 84, True),
    ],
)
def test_adequacy_boundaries_in_trial_list(run, therapy, days, adequate):
    start = date(2024, 1, 1)
    end = start + timedelta(days=days - 1)  # inclusive: `days` days on treatment
    run("trial", "add", therapy, "--start", start.isoformat(), "--end", end.isoformat(),
        "--outcome", "ineffective")  # fmt: skip
    (t,) = _trials(run)
    assert t["duration_days"] == days
    assert t["adequate"] is adequate
    assert t["failed"] is adequate


@pytest.mark.parametrize("outcome", ["not_tolerated", "contraindicated"])
def test_intolerance_counts_at_any_length(run, outcome):
    run("trial", "add", "propranolol", "--start", "2024-01-01", "--end", "2024-01-03",
        "--outcome", outcome)  # fmt: skip
    (t,) = _trials(run)
    assert t["failed"] is True


def test_ongoing_trial_then_stop_by_name(run):
    assert run("trial", "add", "Aimovig", "--start", "2025-01-01", "--dose", "70 mg").exit_code == 0
    assert _trials(run)[0]["outcome"] == "ongoing"
    r = run("trial", "stop", "erenumab", "--end", "2025-06-01", "--outcome", "effective")
    assert r.exit_code == 0, r.output
    assert r.stdout == "Trial #1 (Aimovig) stopped on 2025-06-01: effective.\n"
    r = run("trial", "stop", "1", "--end", "2025-06-02", "--outcome", "effective")
    assert r.exit_code == 1
    assert "already ended" in r.stderr


def test_edit_and_delete(run):
    run("trial", "add", "candesartan", "--start", "2024-01-01")
    assert run("trial", "edit", "1", "--dose", "16 mg", "--note", "titrated").exit_code == 0
    t = _trials(run)[0]
    assert (t["dose"], t["note"]) == ("16 mg", "titrated")
    assert run("trial", "delete", "candesartan", input="n\n").exit_code == 1
    assert run("trial", "delete", "#1", "--yes").exit_code == 0
    assert _trials(run) == []


def test_unknown_therapy_with_class(run):
    r = run("trial", "add", "Nerve tonic", "--start", "2024-01-01", "--class", "nutraceutical")
    assert r.exit_code == 0
    assert _trials(run)[0]["class"] == "nutraceutical"


def test_rimegepant_resolved_by_kind(run):
    r = run("trial", "add", "Nurtec ODT 75 mg", "--start", "2024-01-01", "--kind", "preventive")
    assert r.exit_code == 0, r.output
    assert _trials(run)[0]["class"] == "gepant_preventive"
    run("log", D1, "-s", "severe", "--med", "Nurtec")
    intake = json.loads(run("show", D1, "--json").stdout)["intakes"][0]
    assert intake["class"] == "gepant_acute"


def test_med_resolves_through_catalogue(run):
    r = run("log", D1, "-s", "severe", "--believed-migraine", "--med", "Imitrex 50 mg: relieved",
            "--med", "Advil: relieved")  # fmt: skip
    assert r.exit_code == 0
    assert "(+2 intakes)" in r.stdout
    assert "migraine day (ICHD-3 1.3 C3)" in r.stdout  # believed + relieved by a triptan
    intakes = json.loads(run("show", D1, "--json").stdout)["intakes"]
    assert intakes == [
        {"medication": "Imitrex", "dose": "50 mg", "relieved": True, "class": "triptan"},
        {"medication": "Advil", "dose": None, "relieved": True, "class": "simple_analgesic"},
    ]


def test_nsaid_relief_is_not_c3(run):
    r = run("log", D1, "-s", "mild", "--believed-migraine", "--med", "ibuprofen", "--relieved")
    assert "not a migraine day" in r.stdout


BAD = [
    (("trial", "add", "Aimovg", "--start", "2024-01-01"), "Did you mean Aimovig (erenumab)?"),
    (("trial", "add", "topiramate", "--start", "2999-01-01"), "in the future"),
    (
        (
            "trial",
            "add",
            "topiramate",
            "--start",
            "2024-02-01",
            "--end",
            "2024-01-01",
            "--outcome",
            "ineffective",
        ),
        "is before the start",
    ),  # fmt: skip
    (
        (
            "trial",
            "add",
            "topiramate",
            "--start",
            "2024-01-01",
            "--end",
            "2024-03-01",
            "--outcome",
            "ongoing",
        ),
        "its outcome is 'ongoing'",
    ),  # fmt: skip
    (
        ("trial", "add", "topiramate", "--start", "2024-01-01", "--end", "2024-03-01"),
        "needs --outcome",
    ),  # fmt: skip
    (
        ("trial", "add", "topiramate", "--start", "2024-01-01", "--outcome", "ineffective"),
        "needs an end date",
    ),  # fmt: skip
    (("trial", "add", "rimegepant", "--start", "2024-01-01"), "more than one class"),
    (
        ("trial", "add", "sumatriptan", "--start", "2024-01-01", "--kind", "preventive"),
        "not",
    ),  # fmt: skip
    (("trial", "add", "x-tonic", "--start", "2024-01-01", "--class", "nope"), "nope"),
    (("trial", "add", "propranolol", "--start", "2024-01-01"), "already recorded"),
    (
        ("trial", "stop", "Aimovig", "--end", "2025-01-01", "--outcome", "effective"),
        "No trial of 'Aimovig'",
    ),  # fmt: skip
    (("trial", "stop", "99", "--end", "2025-01-01", "--outcome", "effective"), "no trial #99"),
    (("trial", "edit", "1"), "Nothing to change"),
    (("log", D1, "-s", "mild", "--med", "topiramate"), "not an acute medication"),
    (("log", D1, "-s", "mild", "--med", "sumatriptn"), "Did you mean"),
    (("log", D1, "-s", "mild", "--med", "zzzzqqq"), "Unknown therapy 'zzzzqqq'"),
]


@pytest.mark.parametrize(("args", "message"), BAD, ids=[" ".join(a) for a, _ in BAD])
def test_bad_input_is_refused_and_changes_nothing(run, db_path, args, message):
    run("trial", "add", "propranolol", "--start", "2024-01-01")
    before, before_bytes = snapshot(db_path), file_bytes(db_path)
    r = run(*args)
    assert r.exit_code == 1, r.output
    assert message in r.stderr, r.stderr
    assert "Traceback" not in r.output
    assert snapshot(db_path) == before
    assert file_bytes(db_path) == before_bytes


def test_therapies_listing_and_show(run):
    data = json.loads(run("therapies", "--json").stdout)
    assert data[0]["class"] == "triptan"
    assert {c["kind"] for c in data} == {
        "acute", "preventive", "procedure", "neuromodulation", "behavioural", "lifestyle",
    }  # fmt: skip
    prev = json.loads(run("therapies", "--kind", "preventive", "--json").stdout)
    assert {c["kind"] for c in prev} == {"preventive"}
    shown = json.loads(run("therapies", "show", "Aimovig", "--json").stdout)
    assert [(s["generic"], s["class"]) for s in shown] == [("erenumab", "cgrp_mab")]
    assert "cgrp_mab" in run("therapies", "show", "aimovig").stdout
    r = run("therapies", "show", "aimovg")
    assert r.exit_code == 1 and "Did you mean Aimovig (erenumab)?" in r.stderr


def test_untried_partition_every_class_exactly_once(run):
    from migrainecli.catalogue import load_catalogue

    run("trial", "add", "propranolol", "--start", "2024-01-01", "--end", "2024-01-20",
        "--outcome", "ineffective")  # fmt: skip
    run("trial", "add", "Topamax", "--start", "2024-03-01", "--end", "2024-03-10",
        "--outcome", "not_tolerated")  # fmt: skip
    data = json.loads(run("untried", "--json").stdout)
    listed = [e["class"] for group in data.values() for e in group]
    assert sorted(listed) == sorted(load_catalogue().classes)
    assert [e["class"] for e in data["inadequate"]] == ["beta_blocker"]
    assert [e["class"] for e in data["tried"]] == ["anticonvulsant"]
    assert {"class": "cgrp_mab", "kind": "preventive"} in data["untried"]
    human = run("untried").stdout
    assert human.index("Preventive") < human.index("Acute")
    assert "Topamax" in human and "inadequate" in human


def test_trials_csv_round_trip_and_unknown_therapy_class(run, tmp_path):
    run("trial", "add", "Topamax 50 mg", "--start", "2024-01-01", "--end", "2024-03-31",
        "--outcome", "ineffective", "--reason", "no change, \"none\"")  # fmt: skip
    run("trial", "add", "Nerve tonic", "--start", "2024-05-01", "--class", "nutraceutical")
    first = run("export", "trials").stdout
    assert first.splitlines()[0] == (
        "therapy,kind,start,end,dose,outcome,reason,note,class,duration_days,adequate"
    )
    (tmp_path / "t.csv").write_text(first, newline="")
    fresh = str(tmp_path / "fresh.db")
    assert run("--db", fresh, "import", "trials", str(tmp_path / "t.csv")).exit_code == 0
    assert run("--db", fresh, "export", "trials").stdout == first
    r = run("--db", fresh, "import", "trials", str(tmp_path / "t.csv"))
    assert "2 already there" in r.stdout


def test_intakes_csv_round_trip(run, tmp_path):
    run("log", D1, "-s", "severe", "--med", "Imitrex 50 mg: relieved",
        "--med", "Excedrin: relieved")  # fmt: skip
    days, intakes = run("export", "days").stdout, run("export", "intakes").stdout
    assert intakes.splitlines() == [
        "date,medication,dose,relieved,class",
        f"{D1},Imitrex,50 mg,1,triptan",
        f"{D1},Excedrin,,1,combination_analgesic",
    ]
    (tmp_path / "d.csv").write_text(days, newline="")
    (tmp_path / "i.csv").write_text(intakes, newline="")
    fresh = str(tmp_path / "fresh.db")
    r = run("--db", fresh, "import", "intakes", str(tmp_path / "i.csv"))
    assert r.exit_code == 1 and "import the days file first" in r.stderr
    run("--db", fresh, "import", "days", str(tmp_path / "d.csv"))
    assert run("--db", fresh, "import", "intakes", str(tmp_path / "i.csv")).exit_code == 0
    assert run("--db", fresh, "export", "intakes").stdout == intakes
    # importing again replaces the intakes of those dates instead of doubling them
    assert run("--db", fresh, "import", "intakes", str(tmp_path / "i.csv")).exit_code == 0
    assert run("--db", fresh, "export", "intakes").stdout == intakes


def test_intakes_import_names_unknown_medication_line(run, tmp_path):
    run("log", D1, "-s", "severe")
    path = tmp_path / "i.csv"
    path.write_text(f"date,medication\r\n{D1},ibuprofen\r\n{D1},sumatriptn\r\n")
    r = run("import", "intakes", str(path))
    assert r.exit_code == 1
    assert "Line 3: Unknown therapy 'sumatriptn'. Did you mean" in r.stderr


def test_untried_says_when_an_untried_acute_class_is_taken(run):
    run("log", D1, "-s", "moderate", "--med", "ibuprofen 400 mg")
    data = json.loads(run("untried", "--json").stdout)
    entry = next(e for e in data["untried"] if e["class"] == "simple_analgesic")
    assert entry["intake_days"] == 1
    assert "Simple analgesics (taken on 1 day, no trial recorded)" in " ".join(
        run("untried", "--kind", "acute").stdout.split()
    )
