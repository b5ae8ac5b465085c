"""The shipped descriptions of ``export cohort-record`` (docs/cohort.md, schema_version 1)
hold for real records: ``--format json`` validates against cohort-record.schema.json
(draft 2020-12) and the long CSV against cohort-record.datapackage.json (Frictionless:
header = the fields in order, types, enums, patterns), on the demo diary, an empty
diary, a diary with approximate (YYYY-MM) trial dates, a diary with a date of birth
and a worsening preventive trial, and no diary file at all. A mutated record fails, so
each check can fail; in particular a full date (YYYY-MM-DD), which a record never
holds, fails wherever it is put.
"""

from __future__ import annotations

import copy
import csv
import json
import re
from pathlib import Path

import frictionless
import pytest
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError

from migrainecli import cohort, schemas
from migrainecli.catalogue import load_catalogue
from migrainecli.models import INSTRUMENTS, KINDS, OUTCOMES
from tests.conftest import Run
from tests.test_schemas import _drop, _set, approximate
from tests.verdict_diaries import demo, empty

AS_OF = "2026-11-25"  # the demo diary's as-of date
KIND = "cohort-record"


def with_birth_date(path: Path) -> None:
    """A dob setting (the record keeps 1980 only), three baseline months of two migraine
    days, then a preventive in whose months there are four (a negative reduction), and
    both scores."""
    run = Run()
    migraine = ("--severity", "severe", "--unilateral", "--pulsating", "--nausea")
    steps = [("config", "set", "dob", "1980-04-12")]
    for month in ("2026-05", "2026-06", "2026-07"):
        steps += [("log", f"{month}-{d}", *migraine) for d in ("03", "17")]
    steps.append(("trial", "add", "propranolol", "--start", "2026-08-01"))
    for month in ("2026-08", "2026-09", "2026-10"):
        steps += [("log", f"{month}-{d}", *migraine) for d in ("02", "09", "16", "23")]
    steps += [
        ("score", "add", "hit6", "--total", "62", "--date", "2026-06-30"),
        ("score", "add", "midas", "--date", "2026-10-30", "--q1", "3", "--q2", "2",
         "--q3", "1", "--q4", "0", "--q5", "4"),
    ]  # fmt: skip
    for args in steps:
        # --yes: a date before the diary start moves it (the first month is May).
        result = run("--db", str(path), *args, *(("--yes",) if args[0] == "log" else ()))
        assert result.exit_code == 0, (args, result.stderr)


DIARIES = {"demo": demo, "empty": empty, "approximate": approximate, "dob": with_birth_date}


@pytest.fixture(scope="module")
def diaries(tmp_path_factory) -> dict[str, Path]:
    """Each diary built once for the module; "missing" is a path with no file."""
    folder = tmp_path_factory.mktemp("cohort-schema")
    paths = {}
    with pytest.MonkeyPatch.context() as env:
        env.setenv("HOME", str(folder / "home"))
        env.setenv("XDG_DATA_HOME", str(folder / "xdg-data"))
        env.setenv("MIGRAINECLI_DB", str(folder / "unused.db"))
        for name, build in DIARIES.items():
            paths[name] = folder / f"{name}.db"
            build(paths[name])
    paths["missing"] = folder / "missing.db"
    return paths


def record(db: Path, *args: str) -> dict:
    result = Run()("--db", str(db), "export", KIND, "--pseudonym", "P001", "--as-of", AS_OF, *args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def json_record(db: Path) -> dict:
    return record(db, "--format", "json")


def validator() -> Draft202012Validator:
    return Draft202012Validator(schemas.json_schema(KIND), format_checker=FormatChecker())


def _fields() -> list[dict]:
    (resource,) = schemas.datapackage(KIND)["resources"]
    return resource["schema"]["fields"]


# -- the JSON Schema ----------------------------------------------------------------------
@pytest.mark.parametrize("diary", [*DIARIES, "missing"])
def test_the_json_record_of_each_diary_validates_against_its_schema(diaries, diary):
    data = json_record(diaries[diary])
    validator().validate(data)
    assert data["pseudonym"] == "P001" and data["as_of_month"] == "2026-11"
    assert len(data["verdicts"]) == 7
    if diary in ("demo", "dob"):
        assert data["months"] and data["trials"] and data["scores"]
    if diary in ("empty", "missing"):
        assert (data["months"], data["trials"], data["scores"]) == ([], [], [])


def test_the_birth_year_is_a_year_and_the_worsening_trial_a_negative_reduction(diaries):
    data = json_record(diaries["dob"])
    assert data["birth_year"] == 1980
    assert [(t["class"], t["responder"], t["reduction_percent"]) for t in data["trials"]] == [
        ("beta_blocker", False, -100.0)
    ]
    assert [(s["month"], s["instrument"], s["total"]) for s in data["scores"]] == [
        ("2026-06", "hit6", 62),
        ("2026-10", "midas", 10),
    ]
    assert json_record(diaries["demo"])["birth_year"] is None


def test_the_record_keys_are_the_documented_columns_in_order(diaries):
    data = json_record(diaries["demo"])
    schema = schemas.json_schema(KIND)
    assert list(data) == schema["required"]
    columns = cohort.columns(load_catalogue())
    for table in cohort.TABLES[1:]:
        names = [c for c, _ in columns[table]][2:]
        assert list(data[table][0]) == names, table
        required = schema["properties"][table]["items"]["required"]
        if table == "months":  # then one <class>_days key per acute class
            assert names[: len(required)] == required
            assert all(re.search(r"^[a-z][A-Za-z0-9_]*_days$", n) for n in names[len(required) :])
        else:
            assert names == required


def test_the_schema_vocabularies_are_the_ones_the_record_uses():
    schema = schemas.json_schema(KIND)
    trial = schema["properties"]["trials"]["items"]["properties"]
    assert tuple(trial["kind"]["enum"]) == KINDS
    assert tuple(trial["outcome"]["enum"]) == OUTCOMES
    score = schema["properties"]["scores"]["items"]["properties"]
    assert tuple(score["instrument"]["enum"]) == INSTRUMENTS
    assert schema["properties"]["schema_version"]["const"] == cohort.SCHEMA_VERSION
    assert schema["properties"]["pseudonym"]["pattern"] == f"^{cohort.PSEUDONYM.pattern}$"
    # The criteria and their sources are the ones status --json pins.
    status = schemas.json_schema("status")["properties"]["criteria"]["properties"]
    pinned = {
        c["contains"]["properties"]["criterion"]["const"]: c["contains"]["properties"]["source"][
            "const"
        ]
        for c in schema["properties"]["verdicts"]["allOf"]
    }
    assert pinned == {k: v["properties"]["source"]["const"] for k, v in status.items()}


def _drop_verdict(criterion: str):
    def mutate(data):
        data["verdicts"] = [v for v in data["verdicts"] if v["criterion"] != criterion]

    return mutate


MUTATIONS = {
    "a full date as the as-of month": _set(("as_of_month",), "2026-11-25"),
    "a full date as a month": _set(("months", 0, "month"), "2025-11-02"),
    "a full date as a trial's start month": _set(("trials", 0, "start_month"), "2022-11-14"),
    "a full date as a verdict's month": _set(("verdicts", 0, "as_of_month"), "2026-11-25"),
    "a full date as a score's month": _set(("scores", 0, "month"), "2025-12-01"),
    "a full date in an added key": _set(("visit",), "2026-11-25"),
    "a full date in an added key of a trial": _set(("trials", 0, "ended"), "on 2024-01-31"),
    "a full date as an added key": _set(("months", 0, "2025-11-02"), 1),
    "a date of birth for the birth year": _set(("birth_year",), "1980-04-12"),
    "schema_version 2": _set(("schema_version",), 2),
    "schema_version as text": _set(("schema_version",), "1"),
    "a pseudonym with a space": _set(("pseudonym",), "Jane Doe"),
    "a birth date as the pseudonym": _set(("pseudonym",), "1980-04-12"),
    "month 13": _set(("months", 0, "month"), "2025-13"),
    "an outcome outside the vocabulary": _set(("trials", 0, "outcome"), "failed"),
    "a kind outside the vocabulary": _set(("trials", 0, "kind"), "rescue"),
    "a class not an id": _set(("trials", 0, "class"), "Beta blocker"),
    "trial 0": _set(("trials", 0, "trial"), 0),
    "a status outside the vocabulary": _set(("verdicts", 0, "status"), "probable"),
    "a source changed": _set(("verdicts", 0, "source"), "ICHD-4"),
    "a criterion missing": _drop_verdict("menstrual_migraine"),
    "a hit6 total of 80": _set(("scores", 1, "total"), 80),
    "an instrument outside the vocabulary": _set(("scores", 0, "instrument"), "phq9"),
    "32 migraine days": _set(("months", 0, "migraine_days"), 32),
    "class days negative": _set(("months", 0, "triptan_days"), -1),
    "a reduction over 100 %": _set(("trials", 0, "reduction_percent"), 120.0),
    "missing months": _drop(("months",)),
    "missing birth_year": _drop(("birth_year",)),
    "a month without migraine_days": _drop(("months", 0, "migraine_days")),
    "a trial without outcome": _drop(("trials", 0, "outcome")),
    "a score without total": _drop(("scores", 0, "total")),
}


@pytest.mark.parametrize("mutation", MUTATIONS)
def test_a_mutated_record_fails_validation(diaries, mutation):
    data = json_record(diaries["demo"])
    validator().validate(data)  # the real record is valid ...
    changed = copy.deepcopy(data)
    MUTATIONS[mutation](changed)
    with pytest.raises(ValidationError):  # ... and the change is caught
        validator().validate(changed)


def test_documented_additions_stay_valid(diaries):
    """New keys, and a new criterion, are additions (docs/cohort.md)."""
    data = json_record(diaries["demo"])
    data["sex"] = "f"
    data["months"][0]["aura_days"] = 3
    data["trials"][0]["route"] = "oral"
    data["verdicts"].append(
        {"as_of_month": "2026-11", "criterion": "new_criterion", "status": "met", "source": "X 1"}
    )
    validator().validate(data)


# -- the Data Package of the long CSV -----------------------------------------------------
def test_the_descriptor_is_a_valid_frictionless_package_of_one_resource():
    package = schemas.datapackage(KIND)
    assert list(frictionless.Package.metadata_validate(package)) == []
    (resource,) = package["resources"]
    assert (resource["name"], resource["path"]) == (KIND, f"{KIND}.csv")
    assert package["id"] == "https://migrainecli.example/schemas/cohort-record.datapackage.json"
    assert [f["name"] for f in _fields()] == list(cohort.LONG_COLUMNS)


def export_folder(db: Path, folder: Path) -> Path:
    """The long CSV as --output writes it, next to the shipped descriptor."""
    folder.mkdir()
    result = Run()(
        "--db", str(db), "export", KIND, "--pseudonym", "P001", "--as-of", AS_OF,
        "--output", str(folder / f"{KIND}.csv"),
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    (folder / "datapackage.json").write_text(json.dumps(schemas.datapackage(KIND)))
    return folder


def errors(folder: Path) -> list[tuple[str, str]]:
    report = frictionless.validate(str(folder / "datapackage.json"))
    return [(e.type, e.message) for task in report.tasks for e in task.errors]


@pytest.mark.parametrize("diary", DIARIES)
def test_the_csv_record_of_each_diary_validates_against_the_datapackage(diaries, diary, tmp_path):
    folder = export_folder(diaries[diary], tmp_path / diary)
    with open(folder / f"{KIND}.csv", newline="", encoding="utf-8") as fh:
        header, *rows = list(csv.reader(fh))
    assert header == [f["name"] for f in _fields()]
    assert rows
    assert errors(folder) == []


def test_the_measures_are_the_columns_the_record_writes(diaries, tmp_path):
    """The measure enum is every column of docs/cohort.md a value is written for: those
    of the demo record, which has rows in every table (the acute classes included)."""
    folder = export_folder(diaries["demo"], tmp_path / "demo")
    with open(folder / f"{KIND}.csv", newline="", encoding="utf-8") as fh:
        seen = {row["measure"] for row in csv.DictReader(fh)}
    (measure,) = (f for f in _fields() if f["name"] == "measure")
    assert set(measure["constraints"]["enum"]) == seen
    assert {f["name"]: f["constraints"].get("enum") for f in _fields()}["table"] == list(
        cohort.TABLES
    )


def test_the_values_read_as_the_types_the_record_holds(diaries, tmp_path):
    folder = export_folder(diaries["dob"], tmp_path / "dob")
    with open(folder / f"{KIND}.csv", newline="", encoding="utf-8") as fh:
        values = {(r["table"], r["item"], r["measure"]): r["value"] for r in csv.DictReader(fh)}
    assert values[("patients", "", "birth_year")] == "1980"
    assert values[("trials", "1", "reduction_percent")] == "-100"
    assert values[("trials", "1", "responder")] == "0"
    assert values[("verdicts", "chronic_migraine", "source")] == "ICHD-3 1.3"
    assert values[("patients", "", "first_month")] == "2026-05"


CSV_MUTATIONS = {
    "a full date in the month column": (",2025-11,,tracked_days,", ",2025-11-02,,tracked_days,",
                                        "type-error"),
    "a full date as a value": (",first_month,2025-11", ",first_month,2025-11-01",
                               "constraint-error"),
    "a date of birth as a value": (",birth_year,\r", ",birth_year,1980-04-12\r",
                                   "constraint-error"),
    "schema_version 2": ("1,P001,patients,", "2,P001,patients,", "constraint-error"),
    "an unknown table": ("1,P001,patients,", "1,P001,people,", "constraint-error"),
    "an unknown measure": (",tracked_days,", ",tracked_hours,", "constraint-error"),
    "a pseudonym with a space": ("1,P001,patients,", "1,P 001,patients,", "constraint-error"),
    "a note as a value": (",outcome,paused", ",outcome,Paused (moved abroad)",
                          "constraint-error"),
    "a column renamed": ("table,month,item", "table,month,row", "incorrect-label"),
}  # fmt: skip


@pytest.mark.parametrize("mutation", CSV_MUTATIONS)
def test_a_mutated_csv_record_fails_the_datapackage(diaries, mutation, tmp_path):
    old, new, error = CSV_MUTATIONS[mutation]
    folder = export_folder(diaries["demo"], tmp_path / "export")
    path = folder / f"{KIND}.csv"
    text = path.read_bytes().decode("utf-8")
    assert old in text
    path.write_bytes(text.replace(old, new, 1).encode("utf-8"))
    assert error in {e[0] for e in errors(folder)}


# -- getting them ----------------------------------------------------------------------
def test_export_cohort_record_schema_needs_no_pseudonym_nor_diary(run, db_path):
    result = run("export", KIND, "--schema")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == schemas.datapackage(KIND)
    result = run("export", KIND, "--schema", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == schemas.json_schema(KIND)
    assert not db_path.exists()


def test_export_schema_with_as_of_is_a_usage_error(run):
    result = run("export", KIND, "--schema", "--as-of", AS_OF)
    assert result.exit_code == 2
    assert "--schema takes no --as-of: the description is the same on any date." in (result.stderr)
    assert result.stdout == ""


# -- the tables of cohort --format csv ----------------------------------------------------
@pytest.fixture(scope="module")
def cohort_csv(diaries, tmp_path_factory) -> Path:
    """``cohort --format csv`` of the demo, dob, approximate and empty diaries."""
    pytest.importorskip("duckdb")
    folder = tmp_path_factory.mktemp("cohort-csv")
    names = ("demo", "dob", "approximate", "empty")
    (folder / "map.csv").write_text(
        "file,pseudonym\n" + "".join(f"{diaries[n]},P-{n}\n" for n in names)
    )
    out = folder / "out"
    result = Run()(
        "cohort", *(str(diaries[n]) for n in names), "--pseudonyms", str(folder / "map.csv"),
        "--output", str(out), "--format", "csv", "--as-of", AS_OF, "--jobs", "1",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    return out


def test_the_cohort_descriptor_is_a_valid_package_of_the_cohort_tables():
    package = schemas.cohort_datapackage()
    assert list(frictionless.Package.metadata_validate(package)) == []
    columns = cohort.columns(load_catalogue())
    assert [r["name"] for r in package["resources"]] == list(cohort.TABLES)
    for resource in package["resources"]:
        assert resource["path"] == f"{resource['name']}.csv"
        names = [f["name"] for f in resource["schema"]["fields"]]
        assert names == [c for c, _ in columns[resource["name"]]]


def test_cohort_csv_writes_its_descriptor_and_the_tables_validate(cohort_csv):
    descriptor = cohort_csv / "datapackage.json"
    assert json.loads(descriptor.read_text()) == schemas.cohort_datapackage()
    assert descriptor.stat().st_mode & 0o777 == 0o600
    for resource in schemas.cohort_datapackage()["resources"]:
        with open(cohort_csv / resource["path"], newline="", encoding="utf-8") as fh:
            header, *rows = list(csv.reader(fh))
        assert header == [f["name"] for f in resource["schema"]["fields"]]
        assert rows, resource["name"]
    assert errors(cohort_csv) == []


def test_the_cohort_tables_read_as_their_types(cohort_csv):
    package = frictionless.Package(str(cohort_csv / "datapackage.json"))
    patients = {r["pseudonym"]: r for r in package.get_resource("patients").read_rows()}
    assert patients["P-dob"]["birth_year"] == 1980
    assert patients["P-demo"]["birth_year"] is None
    assert str(patients["P-dob"]["first_month"]) == "yearmonth(year=2026, month=5)"
    trials = package.get_resource("trials").read_rows()
    dob = [(t["trial"], t["responder"], t["reduction_percent"]) for t in trials
           if t["pseudonym"] == "P-dob"]  # fmt: skip
    assert dob == [(1, False, -100)]


COHORT_MUTATIONS = {
    "a full date as a month": ("months.csv", ",2025-11,", ",2025-11-02,", "type-error"),
    "a second row of a month": ("months.csv", "1,P-demo,2025-12,", "1,P-demo,2025-11,",
                                "primary-key"),
    "a pseudonym not in patients": ("verdicts.csv", "1,P-demo,", "1,P-gone,", "foreign-key"),
    "a status outside the vocabulary": ("verdicts.csv", ",met,", ",probable,",
                                        "constraint-error"),
    "a boolean written 1": ("trials.csv", ",paused,true,", ",paused,1,", "type-error"),
}  # fmt: skip


@pytest.mark.parametrize("mutation", COHORT_MUTATIONS)
def test_a_mutated_cohort_table_fails_the_datapackage(cohort_csv, mutation, tmp_path):
    import shutil

    file, old, new, error = COHORT_MUTATIONS[mutation]
    folder = tmp_path / "copy"
    shutil.copytree(cohort_csv, folder)
    text = (folder / file).read_text(encoding="utf-8")
    assert old in text
    (folder / file).write_text(text.replace(old, new, 1), encoding="utf-8")
    assert error in {e[0] for e in errors(folder)}


def test_the_descriptors_vocabularies_are_the_ones_the_record_uses():
    record = {f["name"]: f for f in _fields()}
    assert record["pseudonym"]["constraints"]["pattern"] == cohort.PSEUDONYM.pattern
    assert record["schema_version"]["constraints"]["enum"] == [cohort.SCHEMA_VERSION]
    tables = {
        r["name"]: {f["name"]: f for f in r["schema"]["fields"]}
        for r in schemas.cohort_datapackage()["resources"]
    }
    for fields in tables.values():
        assert fields["pseudonym"]["constraints"]["pattern"] == cohort.PSEUDONYM.pattern
        assert fields["schema_version"]["constraints"]["enum"] == [cohort.SCHEMA_VERSION]
    assert tuple(tables["trials"]["kind"]["constraints"]["enum"]) == KINDS
    assert tuple(tables["trials"]["outcome"]["constraints"]["enum"]) == OUTCOMES
    assert tuple(tables["scores"]["instrument"]["constraints"]["enum"]) == INSTRUMENTS


def test_a_pseudonym_holding_a_date_is_refused_in_a_map_too(diaries, tmp_path):
    """A birth date as a study number would put a full date in every row."""
    pytest.importorskip("duckdb")
    (tmp_path / "map.csv").write_text(f"file,pseudonym\n{diaries['demo']},1980-04-12\n")
    result = Run()(
        "cohort", str(diaries["demo"]), "--pseudonyms", str(tmp_path / "map.csv"),
        "--output", str(tmp_path / "out"), "--format", "csv",
    )  # fmt: skip
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {tmp_path / 'map.csv'} line 2: The pseudonym '1980-04-12' is not usable: it "
        "holds a date (YYYY-MM-DD), and a cohort record never holds a date finer than a "
        "month.\n"
    )
    assert not (tmp_path / "out").exists()
