"""The shipped descriptions of the exports (migrainecli/schemas, docs/interface.md
"Schemas") hold for real exports: every ``--format json`` export, ``status --json`` and
``untried --json`` validate against their JSON Schema (draft 2020-12, dates checked as
dates), and the CSV files of every kind against the Frictionless Data Package
``datapackage.json`` (header = the Table Schema's fields in order, types, enums,
primary and foreign keys), on the demo diary, an empty diary, a diary with approximate
(YYYY-MM) trial dates and no diary file at all. A mutated export fails, so each check
can fail.
"""

from __future__ import annotations

import copy
import csv
import json
from datetime import date
from pathlib import Path

import frictionless
import pytest
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError

from migrainecli import schemas
from migrainecli.cli.io import ExportKind
from migrainecli.csvio import FILE_KINDS
from migrainecli.models import IMPAIRMENTS, KINDS, OUTCOMES, SEVERITIES
from tests.conftest import Run
from tests.verdict_diaries import demo, empty

# Export kinds whose format another document describes; every other kind export offers
# needs a JSON Schema and a Data Package descriptor.
DESCRIBED_ELSEWHERE = {"fhir": "FHIR R4, docs/fhir.md"}
EXPORTS = tuple(k.value for k in ExportKind if k.value not in DESCRIBED_ELSEWHERE)
# A diary's own exports, datapackage.json's resources; the cohort record has its own
# descriptor and tests (tests/test_cohort_schema.py).
CSV_KINDS = tuple(k for k in EXPORTS if k != schemas.COHORT_RECORD)
COMMANDS = {"status": ("status", "--json"), "untried": ("untried", "--json")}
NAMESPACE = "https://migrainecli.example/schemas/"


def approximate(path: Path) -> None:
    """Trials known to the month only (shown and exported as YYYY-MM), one ongoing, one of
    a therapy the catalogue does not know, a day with an intake and an aura-only day."""
    run = Run()
    for args in (
        ("trial", "add", "Topamax 50 mg", "--start", "2024-01", "--end", "2024-05",
         "--outcome", "ineffective"),
        ("trial", "add", "propranolol", "--start", "2025-02", "--end", "2025-03-20",
         "--outcome", "not_tolerated", "--reason", "tired"),
        ("trial", "add", "Aimovig", "--start", "2025-06"),
        ("trial", "add", "Zorbex", "--class", "other_preventive", "--start", "2023-03",
         "--end", "2023-04", "--outcome", "stopped_other"),
        ("log", "2025-07-01", "--severity", "moderate", "--hours", "2.5", "--med",
         "sumatriptan 50 mg", "--note", "=SUM(A1)"),
        ("log", "2025-07-03", "--aura"),  # an aura without headache: severity none, aura 1
    ):  # fmt: skip
        result = run("--db", str(path), *args)
        assert result.exit_code == 0, result.stderr


DIARIES = {"demo": demo, "empty": empty, "approximate": approximate}


@pytest.fixture(scope="module")
def diaries(tmp_path_factory) -> dict[str, Path]:
    """Each diary built once for the module; "missing" is a path with no file. Built
    before the per-test isolation (conftest.isolated_diary), so isolated here too."""
    folder = tmp_path_factory.mktemp("diaries")
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


def json_output(db: Path, *args: str):
    result = Run()("--db", str(db), *args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def validator(name: str) -> Draft202012Validator:
    return Draft202012Validator(schemas.json_schema(name), format_checker=FormatChecker())


def _table_schema(kind: str) -> dict:
    (resource,) = (r for r in schemas.datapackage()["resources"] if r["name"] == kind)
    return resource["schema"]


# -- the JSON Schemas ---------------------------------------------------------------------
@pytest.mark.parametrize("name", schemas.JSON_SCHEMAS)
def test_each_json_schema_is_a_valid_2020_12_schema_under_the_project_namespace(name):
    schema = schemas.json_schema(name)
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == f"{NAMESPACE}{name}.schema.json"
    assert schema["description"]


def test_there_is_a_json_schema_for_every_json_export_and_documented_json_output():
    assert schemas.EXPORT_KINDS == EXPORTS
    assert schemas.DIARY_KINDS == CSV_KINDS
    assert schemas.JSON_SCHEMAS == (*EXPORTS, *COMMANDS)


@pytest.mark.parametrize("diary", [*DIARIES, "missing"])
@pytest.mark.parametrize("kind", CSV_KINDS)
def test_json_export_of_each_kind_validates_against_its_schema(diaries, diary, kind):
    records = json_output(diaries[diary], "export", kind, "--format", "json")
    if diary == "demo":
        assert records  # the demo diary has rows of every kind
    if diary in ("empty", "missing"):
        assert records == []
    validator(kind).validate(records)


@pytest.mark.parametrize("diary", [*DIARIES, "missing"])
@pytest.mark.parametrize("name", COMMANDS)
def test_status_and_untried_json_validate_against_their_schema(diaries, diary, name):
    validator(name).validate(json_output(diaries[diary], *COMMANDS[name]))


def test_the_approximate_trial_dates_are_months_and_validate(diaries):
    records = json_output(diaries["approximate"], "export", "trials", "--format", "json")
    starts = {r["therapy"]: r["start"] for r in records}
    assert starts == {
        "Zorbex": "2023-03",
        "Topamax": "2024-01",
        "propranolol": "2025-02",
        "Aimovig": "2025-06",
    }
    validator("trials").validate(records)


def test_the_record_keys_are_the_documented_columns_in_order(diaries):
    for kind, spec in FILE_KINDS.items():
        records = json_output(diaries["demo"], "export", kind, "--format", "json")
        required = schemas.json_schema(kind)["items"]["required"]
        if kind == "monthly":  # then one <class>_days key per acute class: the CSV columns
            columns = [f["name"] for f in _table_schema("monthly")["fields"]]
            assert list(records[0]) == columns
            assert columns[:7] == required[:7] and columns[-1] == required[-1]
        else:
            assert list(records[0]) == required == [*spec.columns, *spec.derived]


def test_the_schema_vocabularies_are_the_ones_the_diary_accepts():
    day = schemas.json_schema("days")["items"]["properties"]
    assert tuple(day["severity"]["enum"]) == SEVERITIES
    assert tuple(day["impairment"]["enum"]) == (*IMPAIRMENTS, None)
    trial = schemas.json_schema("trials")["items"]["properties"]
    assert tuple(trial["kind"]["enum"]) == KINDS
    assert tuple(trial["outcome"]["enum"]) == OUTCOMES
    untried = schemas.json_schema("untried")["$defs"]["list"]["items"]["properties"]
    assert tuple(untried["kind"]["enum"]) == KINDS


def test_every_catalogue_class_id_matches_the_class_id_pattern():
    import re

    from migrainecli.catalogue import load_catalogue

    pattern = schemas.json_schema("intakes")["$defs"]["class_id"]["pattern"]
    assert all(re.search(pattern, c) for c in load_catalogue().classes)


def _set(path: tuple, value):
    def mutate(data):
        target = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return mutate


def _drop(path: tuple):
    def mutate(data):
        target = data
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]

    return mutate


def _none_day_with(key: str, value):
    """A headache-free day (severity none) given a headache's hours or feature."""

    def mutate(days):
        (day,) = [d for d in days if d["severity"] == "none"][:1]
        day[key] = value

    return mutate


MUTATIONS = {
    "days severity outside the vocabulary": ("days", _set((0, "severity"), "terrible")),
    "days date not a date": ("days", _set((0, "date"), "2025-02-30")),
    "days hours 0": ("days", _set((0, "hours"), 0)),
    "days missing date": ("days", _drop((0, "date"))),
    "days feature as 1, not true": ("days", _set((0, "nausea"), 1)),
    "days headache-free with nausea": ("days", _none_day_with("nausea", True)),
    "days headache-free with hours": ("days", _none_day_with("hours", 2.0)),
    "intakes missing class": ("intakes", _drop((0, "class"))),
    "trials outcome outside the vocabulary": ("trials", _set((0, "outcome"), "failed")),
    "trials start month 13": ("trials", _set((0, "start"), "2025-13")),
    "trials kind outside the vocabulary": ("trials", _set((0, "kind"), "rescue")),
    "scores hit6 with an item": ("scores", _set((1, "q1"), 3)),
    "scores hit6 total 80": ("scores", _set((1, "total"), 80)),
    "monthly month as a date": ("monthly", _set((0, "month"), "2025-11-01")),
    "monthly class days negative": ("monthly", _set((0, "triptan_days"), -1)),
    "gaps missing end": ("gaps", _drop((0, "end"))),
    "periods date as a month": ("periods", _set((0, "date"), "2025-11")),
    "status status outside the vocabulary": (
        "status", _set(("criteria", "chronic_migraine", "status"), "probable"),
    ),
    "status missing a criterion": ("status", _drop(("criteria", "menstrual_migraine"))),
    "status source changed": (
        "status", _set(("criteria", "medication_overuse", "source"), "ICHD-4"),
    ),
    "status subtype not an ICHD-3 code": (
        "status", _set(("criteria", "medication_overuse", "subtypes"), ["overuse"]),
    ),
    "status new criterion without status": ("status", _set(("criteria", "new"), {})),
    "untried missing barred": ("untried", _drop(("barred",))),
}  # fmt: skip


@pytest.mark.parametrize("mutation", MUTATIONS)
def test_a_mutated_export_fails_validation(diaries, mutation):
    name, mutate = MUTATIONS[mutation]
    args = COMMANDS.get(name, ("export", name, "--format", "json"))
    data = json_output(diaries["demo"], *args)
    validator(name).validate(data)  # the real export is valid ...
    changed = copy.deepcopy(data)
    mutate(changed)
    with pytest.raises(ValidationError):  # ... and the change is caught
        validator(name).validate(changed)


def test_documented_additions_stay_valid(diaries):
    """docs/interface.md: new keys are additions, so a record with one more key passes."""
    data = json_output(diaries["demo"], "export", "days", "--format", "json")
    data[0]["headache_hours_since"] = 3
    validator("days").validate(data)
    status = json_output(diaries["demo"], "status", "--json")
    status["criteria"]["new_criterion"] = {"status": "met", "source": "ICHD-4 1.9"}
    status["criteria"]["chronic_migraine"]["new_evidence"] = [1, 2]
    validator("status").validate(status)


# -- the Data Package of the CSV kinds ----------------------------------------------------
def test_every_csv_kind_has_a_resource_named_by_its_file_and_every_resource_is_a_kind():
    package = schemas.datapackage()
    names = [r["name"] for r in package["resources"]]
    assert names == list(CSV_KINDS)
    assert set(names) == set(FILE_KINDS)  # every kind export writes, no resource too many
    assert [r["path"] for r in package["resources"]] == [f"{k}.csv" for k in CSV_KINDS]


def test_the_datapackage_is_a_valid_frictionless_descriptor():
    assert list(frictionless.Package.metadata_validate(schemas.datapackage())) == []


def test_the_table_schema_vocabularies_are_the_ones_the_diary_accepts():
    fields = {
        r["name"]: {f["name"]: f for f in r["schema"]["fields"]}
        for r in schemas.datapackage()["resources"]
    }
    assert tuple(fields["days"]["severity"]["constraints"]["enum"]) == SEVERITIES
    assert tuple(fields["days"]["impairment"]["constraints"]["enum"]) == IMPAIRMENTS
    assert tuple(fields["trials"]["kind"]["constraints"]["enum"]) == KINDS
    assert tuple(fields["trials"]["outcome"]["constraints"]["enum"]) == OUTCOMES


def export_folder(db: Path, folder: Path) -> Path:
    """Every CSV kind exported next to a copy of the shipped datapackage.json."""
    folder.mkdir()
    for kind in CSV_KINDS:
        result = Run()("--db", str(db), "export", kind, "--output", str(folder / f"{kind}.csv"))
        assert result.exit_code == 0, result.stderr
    (folder / "datapackage.json").write_text(json.dumps(schemas.datapackage()))
    return folder


def errors(folder: Path) -> list[tuple[str, str, str]]:
    report = frictionless.validate(str(folder / "datapackage.json"))
    return [(task.name, e.type, e.message) for task in report.tasks for e in task.errors]


@pytest.mark.parametrize("diary", DIARIES)
def test_csv_exports_of_every_kind_validate_against_the_datapackage(diaries, diary, tmp_path):
    folder = export_folder(diaries[diary], tmp_path / diary)
    for resource in schemas.datapackage()["resources"]:
        with open(folder / resource["path"], newline="", encoding="utf-8") as fh:
            header = next(csv.reader(fh))
        assert header == [f["name"] for f in resource["schema"]["fields"]], resource["name"]
    assert errors(folder) == []


CSV_MUTATIONS = {
    "an unknown severity": ("days.csv", ",moderate,", ",terrible,", "constraint-error"),
    "a trial month 13": ("trials.csv", "2024-01,", "2024-13,", "constraint-error"),
    "a boolean written no": ("days.csv", "'=SUM(A1),0,", "'=SUM(A1),no,", "type-error"),
    "a column renamed": ("gaps.csv", "start,end", "begin,end", "incorrect-label"),
    "hours -1": ("days.csv", ",moderate,2.5,", ",moderate,-1,", "constraint-error"),
    "an intake on an unlogged date": ("days.csv", "2025-07-01,", "2025-07-02,", "foreign-key"),
}  # fmt: skip


@pytest.mark.parametrize("mutation", CSV_MUTATIONS)
def test_a_mutated_csv_export_fails_the_datapackage(diaries, mutation, tmp_path):
    file, old, new, error = CSV_MUTATIONS[mutation]
    folder = export_folder(diaries["approximate"], tmp_path / "export")
    path = folder / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    assert error in {e[1] for e in errors(folder)}


def test_the_formula_guard_and_a_decimal_pass_as_the_strings_and_numbers_they_are(
    diaries, tmp_path
):
    folder = export_folder(diaries["approximate"], tmp_path / "export")
    rows = frictionless.Resource(
        str(folder / "days.csv"), schema=frictionless.Schema(_table_schema("days"))
    ).read_rows()
    assert [(r["date"], r["severity"], r["hours"], r["aura"], r["note"]) for r in rows] == [
        (date(2025, 7, 1), "moderate", 2.5, None, "'=SUM(A1)"),
        (date(2025, 7, 3), "none", None, True, None),
    ]


# -- getting them: export KIND --schema, status --schema, untried --schema ---------------
@pytest.mark.parametrize("kind", EXPORTS)
def test_export_schema_prints_the_shipped_descriptors(run, kind, db_path):
    result = run("export", kind, "--schema")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == schemas.datapackage(kind)
    result = run("export", kind, "--schema", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == schemas.json_schema(kind)
    assert not db_path.exists()  # no diary is created or needed


@pytest.mark.parametrize("name", COMMANDS)
def test_status_and_untried_schema_print_the_shipped_json_schema(run, name, db_path):
    result = run(name, "--schema")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == schemas.json_schema(name)
    assert not db_path.exists()  # no diary is created or needed


def test_the_descriptor_of_one_kind_validates_that_file_alone(diaries, tmp_path, run):
    """intakes.csv without days.csv: the foreign key is left out of the one-kind descriptor."""
    for kind in ("intakes", "trials"):
        folder = tmp_path / kind
        folder.mkdir()
        data = run("--db", str(diaries["approximate"]), "export", kind)
        (folder / f"{kind}.csv").write_text(data.stdout, newline="")
        result = run("export", kind, "--schema", "--output", str(folder / "datapackage.json"))
        assert result.exit_code == 0, result.stderr
        assert (folder / "datapackage.json").stat().st_mode & 0o777 == 0o600
        assert errors(folder) == []


def test_export_schema_keeps_an_existing_file_without_force(run, tmp_path):
    target = tmp_path / "days.schema.json"
    target.write_text("mine")
    result = run("export", "days", "--schema", "--format", "json", "--output", str(target))
    assert result.exit_code == 1
    assert result.stderr == f"Error: {target} already exists; add --force to replace it.\n"
    assert target.read_text() == "mine"
    result = run("export", "days", "-f", "json", "--schema", "-o", str(target), "--force")
    assert result.exit_code == 0, result.stderr
    assert json.loads(target.read_text()) == schemas.json_schema("days")


def test_export_fhir_schema_is_a_usage_error(run):
    result = run("export", "fhir", "--schema")
    assert result.exit_code == 2
    assert "'export fhir' writes FHIR R4, described by FHIR itself; see docs/fhir.md." in (
        result.stderr
    )
    assert result.stdout == ""


def test_the_schema_files_are_the_ones_the_module_names_and_pyproject_ships():
    folder = Path(schemas.__file__).parent
    names = {p.name for p in folder.glob("*.json")}
    packages = {"datapackage.json", "cohort-record.datapackage.json", "cohort.datapackage.json"}
    assert names == {f"{n}.schema.json" for n in schemas.JSON_SCHEMAS} | packages
    pyproject = (Path(__file__).parents[1] / "pyproject.toml").read_text()
    assert 'migrainecli = ["data/*.json", "schemas/*.json"]' in pyproject
