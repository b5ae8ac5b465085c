"""``export fhir``: one FHIR R4 Bundle, every resource validated with fhir.resources, and
its month counts read back against the diary's own CSV exports (issue 16 part 5)."""

from __future__ import annotations

import csv
import importlib
import io
import json
import stat
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

fhir_resources = pytest.importorskip("fhir.resources")
# fhir.resources 7+ (the test extra): the R4B models, whose Bundle, Patient, Observation
# and MedicationStatement are R4's; fhir.resources 6.1 (pydantic 1) is R4 4.0.1 itself.
R4 = getattr(fhir_resources, "__fhir_version__", "") == "4.0.1"

from migrainecli.fhir import (  # noqa: E402
    MEASURE_SYSTEM,
    NOT_A_DIAGNOSIS,
    VERDICT_SYSTEM,
    build_bundle,
)

AS_OF = "2026-11-25"
# FHIR R4 required value sets fhir.resources does not check (it checks the code type only).
OBSERVATION_STATUS = {"registered", "preliminary", "final", "amended", "corrected",
                      "cancelled", "entered-in-error", "unknown"}  # fmt: skip
STATEMENT_STATUS = {"active", "completed", "entered-in-error", "intended", "stopped",
                    "on-hold", "unknown", "not-taken"}  # fmt: skip


def _check(resource_type: str, resource: dict) -> None:
    if R4:
        fhir_resources.construct_fhir_element(resource_type, resource)
        return
    module = importlib.import_module(f"fhir.resources.R4B.{resource_type.lower()}")
    getattr(module, resource_type).model_validate(resource)


def validate(bundle: dict) -> None:
    """The Bundle and each of its resources parse as FHIR R4 (R4B models: the same
    Bundle, Patient, Observation and MedicationStatement as R4)."""
    _check("Bundle", bundle)
    for entry in bundle["entry"]:
        resource = entry["resource"]
        _check(resource["resourceType"], resource)
        assert entry["fullUrl"] == f"urn:uuid:{resource['id']}"
        if resource["resourceType"] == "Observation":
            assert resource["status"] in OBSERVATION_STATUS
        if resource["resourceType"] == "MedicationStatement":
            assert resource["status"] in STATEMENT_STATUS


@pytest.fixture
def demo(tmp_path: Path, run, copy_of) -> Path:
    """The demo diary at AS_OF (built once a session; each test gets its own copy)."""

    def build(path: Path) -> None:
        result = run("demo", "--as-of", AS_OF, "--keep", str(path))
        assert result.exit_code == 0, result.stderr

    return copy_of("demo-fhir", build, tmp_path / "demo.db")


def export(run, db: Path, *args: str) -> dict:
    result = run("--db", str(db), "export", "fhir", "--as-of", AS_OF, *args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def of_type(bundle: dict, kind: str) -> list[dict]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def test_demo_bundle_validates_and_has_every_part(run, demo):
    bundle = export(run, demo)
    assert bundle["resourceType"] == "Bundle" and bundle["type"] == "collection"
    validate(bundle)
    kinds = Counter(e["resource"]["resourceType"] for e in bundle["entry"])
    assert kinds["Patient"] == 1
    assert kinds["MedicationStatement"] >= 1
    patient = of_type(bundle, "Patient")[0]
    assert "name" not in patient and "birthDate" not in patient
    assert patient["identifier"][0]["value"].startswith("mc-")
    # Every subject points at the one Patient of the bundle.
    url = next(e["fullUrl"] for e in bundle["entry"] if e["resource"] is patient)
    for e in bundle["entry"][1:]:
        assert e["resource"]["subject"] == {"reference": url}


def _monthly_observations(bundle: dict) -> dict[tuple[str, str], dict]:
    found = {}
    for obs in of_type(bundle, "Observation"):
        coding = obs["code"]["coding"][0]
        if coding["system"] == MEASURE_SYSTEM:
            assert obs["category"][0]["coding"][0]["code"] == "survey"
            found[(obs["effectivePeriod"]["start"][:7], coding["code"])] = obs
    return found


def test_month_counts_round_trip_against_the_diary(run, demo):
    bundle = export(run, demo)
    found = _monthly_observations(bundle)
    # Read the diary back through its own CSV exports.
    days = list(csv.DictReader(io.StringIO(run("--db", str(demo), "export", "days").stdout)))
    intakes = list(csv.DictReader(io.StringIO(run("--db", str(demo), "export", "intakes").stdout)))
    headache, migraine, acute = Counter(), Counter(), Counter()
    for d in days:
        if d["severity"] != "none":
            headache[d["date"][:7]] += 1
        if d["migraine_day"] == "1":
            migraine[d["date"][:7]] += 1
    for day in {i["date"] for i in intakes}:
        acute[day[:7]] += 1
    months = sorted({m for m, _ in found})
    # Every complete month from the diary start to October 2026, and not November
    # (incomplete on the as-of date).
    assert months[0] == min(d["date"][:7] for d in days)
    assert months[-1] == "2026-10" and len(months) == 12
    for month in months:
        assert found[(month, "headache-days")]["valueQuantity"]["value"] == headache[month]
        assert found[(month, "migraine-days")]["valueQuantity"]["value"] == migraine[month]
        assert found[(month, "acute-medication-days")]["valueQuantity"]["value"] == acute[month]
        period = found[(month, "headache-days")]["effectivePeriod"]
        y, m = map(int, month.split("-"))
        assert period["start"] == date(y, m, 1).isoformat()
        assert period["end"][:7] == month and period["end"] > period["start"]
        assert found[(month, "headache-days")]["valueQuantity"]["code"] == "d"
    # The same months as 'export monthly' (the CSV of the same counts).
    monthly = {
        r["month"]: r
        for r in csv.DictReader(io.StringIO(run("--db", str(demo), "export", "monthly").stdout))
    }
    for month in months:
        assert int(monthly[month]["headache_days"]) == headache[month]
        assert int(monthly[month]["migraine_days"]) == migraine[month]
        assert int(monthly[month]["acute_medication_days"]) == acute[month]


def test_one_verdict_observation_per_criterion_with_the_disclaimer(run, demo):
    bundle = export(run, demo)
    status = json.loads(run("--db", str(demo), "status", "--json", "--as-of", AS_OF).stdout)
    verdicts = {}
    for obs in of_type(bundle, "Observation"):
        value = obs.get("valueCodeableConcept")
        if value and value["coding"][0]["system"] == VERDICT_SYSTEM:
            verdicts[obs["code"]["coding"][0]["code"]] = obs
    assert set(verdicts) == set(status["criteria"])
    for key, obs in verdicts.items():
        assert obs["valueCodeableConcept"]["coding"][0]["code"] == status["criteria"][key]["status"]
        assert NOT_A_DIAGNOSIS in obs["text"]["div"]
        assert NOT_A_DIAGNOSIS in obs["valueCodeableConcept"]["text"]
        assert obs["effectiveDateTime"] == AS_OF


def test_trials_become_medication_statements(run, demo):
    bundle = export(run, demo)
    trials = list(csv.DictReader(io.StringIO(run("--db", str(demo), "export", "trials").stdout)))
    statements = of_type(bundle, "MedicationStatement")
    assert len(statements) == sum(t["kind"] in ("preventive", "acute", "procedure") for t in trials)
    by_name = {s["medicationCodeableConcept"]["text"]: s for s in statements}
    for t in trials:
        if t["kind"] not in ("preventive", "acute", "procedure"):
            assert t["therapy"] not in by_name  # non-drug trials: docs/fhir.md
            continue
        s = by_name[t["therapy"]]
        assert s["effectivePeriod"]["start"] == t["start"]
        assert s["effectivePeriod"].get("end", "") == t["end"]
        assert s["category"]["coding"][0]["code"] == t["class"]
        if t["outcome"] == "ongoing":
            assert "statusReason" not in s
        else:
            assert s["statusReason"][0]["coding"][0]["code"] == t["outcome"]
        if t["dose"]:
            assert s["dosage"] == [{"text": t["dose"]}]
        if t["outcome"] in ("ineffective", "not_tolerated"):
            assert s["status"] == "stopped"


def test_same_diary_same_bytes_and_private_file(run, demo, tmp_path):
    a = run("--db", str(demo), "export", "fhir", "--as-of", AS_OF).stdout
    b = run("--db", str(demo), "export", "fhir", "--as-of", AS_OF).stdout
    assert a == b
    out = tmp_path / "bundle.json"
    result = run("--db", str(demo), "export", "fhir", "--as-of", AS_OF, "--output", str(out))
    assert result.exit_code == 0 and "FHIR R4 Bundle" in result.stderr
    assert out.read_text() == a
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    again = run("--db", str(demo), "export", "fhir", "--output", str(out))
    assert again.exit_code == 1 and "--force" in again.stderr
    forced = run("--db", str(demo), "export", "fhir", "--as-of", AS_OF, "-o", str(out), "--force")
    assert forced.exit_code == 0


def test_name_and_birth_date_only_when_set(run, demo):
    assert run("--db", str(demo), "config", "set", "name", "Ada Example").exit_code == 0
    assert run("--db", str(demo), "config", "set", "dob", "1980-02-03").exit_code == 0
    bundle = export(run, demo)
    validate(bundle)
    patient = of_type(bundle, "Patient")[0]
    assert patient["name"] == [{"text": "Ada Example"}]
    assert patient["birthDate"] == "1980-02-03"


def test_as_of_and_format_are_refused_where_they_do_not_apply(run, demo):
    assert run("--db", str(demo), "export", "days", "--as-of", AS_OF).exit_code == 2
    assert run("--db", str(demo), "export", "fhir", "--format", "json").exit_code == 2


def test_no_diary_writes_nothing(run, tmp_path):
    result = run("--db", str(tmp_path / "none.db"), "export", "fhir")
    assert result.exit_code == 0 and result.stdout == ""


def test_scores_become_observations_generically():
    from migrainecli.catalogue import load_catalogue
    from migrainecli.models import Day, DiaryData, Score
    from migrainecli.rules.criteria import evaluate_all

    data = DiaryData(
        days=(Day(date(2026, 9, 3), "severe"),),
        start=date(2026, 9, 1),
        scores=(
            Score(date(2026, 9, 30), "midas", 23, q1=5, q2=6, q3=4, q4=3, q5=5),
            Score(date(2026, 10, 1), "hit6", 62),
        ),
    )
    as_of = date(2026, 11, 2)
    catalogue = load_catalogue()
    bundle = build_bundle(data, evaluate_all(data, as_of, catalogue), as_of, catalogue)
    validate(bundle)
    scores = {
        o["code"]["coding"][0]["code"]: o
        for o in of_type(bundle, "Observation")
        if o["code"]["coding"][0]["code"].endswith("-total")
    }
    assert scores["midas-total"]["valueInteger"] == 23
    assert [c["valueInteger"] for c in scores["midas-total"]["component"]] == [5, 6, 4, 3, 5]
    assert scores["hit6-total"]["valueInteger"] == 62
    assert "component" not in scores["hit6-total"]
    # September and October are complete: 2 months x 3 measures.
    assert len(_monthly_observations(bundle)) == 6


def test_month_only_trial_dates_and_untracked_days(run, db_path):
    assert run("log", "2026-08-03", "--severity", "severe", "--nausea").exit_code == 0
    assert run("gap", "add", "2026-09-10..2026-09-12").exit_code == 0
    result = run(
        "trial", "add", "propranolol 80 mg", "--start", "2026-01", "--end", "2026-06",
        "--outcome", "not_tolerated", "--reason", "fatigue",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    bundle = export(run, db_path)
    validate(bundle)
    (statement,) = of_type(bundle, "MedicationStatement")
    assert statement["effectivePeriod"] == {"start": "2026-01", "end": "2026-06"}
    assert statement["status"] == "stopped"
    assert statement["statusReason"][0]["text"] == "fatigue"
    found = _monthly_observations(bundle)
    september = found[("2026-09", "headache-days")]
    assert september["component"][1]["valueQuantity"]["value"] == 3
    assert any("lower bound" in n["text"] for n in september["note"])
    assert found[("2026-08", "headache-days")]["valueQuantity"]["value"] == 1
