"""The machine-readable description of what migrainecli writes (docs/interface.md).

Static files shipped with the package: a JSON Schema (draft 2020-12) for each
``export KIND --format json`` and for ``status --json`` and ``untried --json``
(``<name>.schema.json``), one Frictionless Data Package descriptor for the CSV
kinds of a diary (``datapackage.json``, one resource per kind, its path the file name
``KIND.csv``), one for the de-identified ``cohort-record.csv``
(``cohort-record.datapackage.json``) and one for the tables of ``cohort --format csv``
(``cohort.datapackage.json``, which that command writes into its folder as
``datapackage.json``). ``export KIND --schema``, ``status --schema`` and ``untried
--schema`` print them; ``tests/test_schemas.py`` and ``tests/test_cohort_schema.py``
validate real exports against them.

The schemas pin the keys the interface names, their types and vocabularies; an object
may carry more keys (new keys are additions, docs/interface.md). The ``FHIR`` export
is described by FHIR R4 itself (docs/fhir.md), not here.

The cohort record has a descriptor of its own rather than a resource in
``datapackage.json``: that package describes one folder of a diary's own exports (with
notes and dates, ``intakes.date`` a foreign key to ``days.date``), and validating it
needs every file it names; a cohort record is sent instead of those files, not beside
them, so listing it there would make a folder of diary exports fail without it.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

# The kinds of a diary's own exports (a resource each in datapackage.json), every export
# kind described here (a JSON Schema and a Data Package descriptor each), then every JSON
# output with a schema: those kinds and the --json of status and untried.
DIARY_KINDS = ("days", "intakes", "trials", "gaps", "scores", "periods", "monthly")
COHORT_RECORD = "cohort-record"
EXPORT_KINDS = (*DIARY_KINDS, COHORT_RECORD)
JSON_SCHEMAS = (*EXPORT_KINDS, "status", "untried")


def _load(filename: str) -> dict[str, Any]:
    return json.loads(resources.files(__name__).joinpath(filename).read_text(encoding="utf-8"))


def json_schema(name: str) -> dict[str, Any]:
    """The JSON Schema of ``export NAME --format json`` (or of ``status``/``untried --json``)."""
    if name not in JSON_SCHEMAS:
        raise KeyError(name)
    return _load(f"{name}.schema.json")


def datapackage(kind: str | None = None) -> dict[str, Any]:
    """The Data Package descriptor of a diary's CSV exports, or of one kind's file alone.

    ``cohort-record`` is its own descriptor (``cohort-record.datapackage.json``). One
    diary kind alone is a complete descriptor of ``KIND.csv`` in the same folder; a
    foreign key to another kind's file (intakes.date -> days.date) is left out of it,
    since that file need not be there."""
    if kind == COHORT_RECORD:
        return _load(f"{COHORT_RECORD}.datapackage.json")
    package = _load("datapackage.json")
    if kind is None:
        return package
    (resource,) = (r for r in package["resources"] if r["name"] == kind)
    resource["schema"].pop("foreignKeys", None)
    rest = {k: v for k, v in package.items() if k not in ("id", "resources")}
    return {**rest, "name": f"migrainecli-{kind}", "resources": [resource]}


def cohort_datapackage() -> dict[str, Any]:
    """The Data Package descriptor of the tables ``cohort --format csv`` writes
    (``patients.csv``, ``months.csv``, ... in one folder; docs/cohort.md)."""
    return _load("cohort.datapackage.json")
