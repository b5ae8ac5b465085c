"""FHIR R4 export: the diary as one ``Bundle`` (type ``collection``), plain JSON.

A renderer (docs/architecture.md "Adding a renderer"): it formats the month counts of
``rules.months``, the trials with their ``rules.trials.adequacy`` and the ``Verdict``
views of ``StatusReport.verdicts()``; it never decides a verdict. Written with the
standard library only; ``tests/test_fhir.py`` validates every resource with the
``fhir.resources`` package (a test dependency). docs/fhir.md describes the bundle.

Codes: the only external code systems used are FHIR's own (observation-category
``survey``) and UCUM (``d``, days), both part of the FHIR R4 specification. No LOINC or
SNOMED CT code is used: none could be verified while this was written, so every
clinical concept is coded in the project's code systems under :data:`CODE_BASE`
(documented in docs/fhir.md), with a human-readable ``text`` beside each code.

Deterministic: every id is a UUID version 5 of the patient's pseudonym and what the
resource stands for ("month 2026-01 headache-days"), and nothing depends on the clock
beyond the as-of date, so the same diary and as-of date give the same bytes, and a
later export gives the same ids to the same months, trials and verdicts.
"""

from __future__ import annotations

import hashlib
import html
import json
import uuid
from calendar import monthrange
from datetime import date
from typing import Any

from migrainecli.models import DiaryData, trial_date

CODE_BASE = "https://migrainecli.example/fhir/CodeSystem"
MEASURE_SYSTEM = f"{CODE_BASE}/diary-measure"
CRITERION_SYSTEM = f"{CODE_BASE}/criterion"
VERDICT_SYSTEM = f"{CODE_BASE}/verdict-status"
THERAPY_SYSTEM = f"{CODE_BASE}/therapy"
THERAPY_CLASS_SYSTEM = f"{CODE_BASE}/therapy-class"
OUTCOME_SYSTEM = f"{CODE_BASE}/trial-outcome"
SCORE_SYSTEM = f"{CODE_BASE}/score"
PSEUDONYM_SYSTEM = "https://migrainecli.example/fhir/NamingSystem/diary-pseudonym"
CATEGORY_SYSTEM = "http://terminology.hl7.org/CodeSystem/observation-category"
UCUM = "http://unitsofmeasure.org"
# A fixed namespace for the UUIDs of the resources (uuid5 of the project's URL).
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://migrainecli.example/fhir")

NOT_A_DIAGNOSIS = "criteria read from the patient-recorded diary, not a diagnosis"

# The monthly measures: MonthCounts attribute, code, display.
MONTH_MEASURES = (
    ("headache_days", "headache-days", "Headache days in the month"),
    ("migraine_days", "migraine-days", "Migraine days in the month"),
    ("acute_medication_days", "acute-medication-days", "Acute-medication days in the month"),
)

# Trial outcome -> MedicationStatement.status (FHIR R4 value set medication-statement-status).
STATUS_OF_OUTCOME = {
    "effective": "completed",
    "partial": "completed",
    "ineffective": "stopped",
    "not_tolerated": "stopped",
    "stopped_other": "stopped",
    "contraindicated": "not-taken",
    "unavailable": "not-taken",
    "paused": "on-hold",
}
OUTCOME_WORDS = {
    "ongoing": "ongoing",
    "effective": "effective",
    "partial": "partly effective",
    "ineffective": "not effective",
    "not_tolerated": "not tolerated",
    "contraindicated": "contraindicated",
    "stopped_other": "stopped for another reason",
    "paused": "paused (planned)",
    "unavailable": "unavailable (could not be obtained)",
}
# Trials of these kinds are medicines and become MedicationStatements.
MEDICATION_KINDS = ("preventive", "acute", "procedure")
SCORE_NAMES = {"midas": ("midas-total", "MIDAS total"), "hit6": ("hit6-total", "HIT-6 total")}


def pseudonym(data: DiaryData) -> str:
    """A stable pseudonymous identifier: a hash of the diary start, no name or birth date."""
    start = data.start.isoformat() if data.start else "empty"
    return "mc-" + hashlib.sha256(f"migrainecli diary|{start}".encode()).hexdigest()[:16]


def _uid(seed: str, what: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{seed}|{what}"))


def _coding(system: str, code: str, display: str | None = None) -> dict[str, str]:
    c = {"system": system, "code": code}
    if display:
        c["display"] = display
    return c


def _concept(system: str, code: str, display: str, text: str | None = None) -> dict:
    return {"coding": [_coding(system, code, display)], "text": text or display}


def _narrative(*paragraphs: str) -> dict[str, str]:
    body = "".join(f"<p>{html.escape(p, quote=False)}</p>" for p in paragraphs if p)
    return {"status": "generated", "div": f'<div xmlns="http://www.w3.org/1999/xhtml">{body}</div>'}


SURVEY = [{"coding": [_coding(CATEGORY_SYSTEM, "survey", "Survey")], "text": "Survey"}]


def _days(n: int) -> dict[str, Any]:
    return {"value": n, "unit": "days", "system": UCUM, "code": "d"}


def build_bundle(
    data: DiaryData,
    status,
    as_of: date,
    catalogue,
    settings: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The Bundle as a dictionary. ``status`` is ``rules.criteria.evaluate_all``'s report;
    ``settings`` the diary's (``name`` and ``dob`` name the patient when set)."""
    from migrainecli.rules.trials import adequacy

    settings = settings or {}
    seed = pseudonym(data)
    entries: list[dict[str, Any]] = []

    def add(kind: str, what: str, resource: dict[str, Any]) -> str:
        rid = _uid(seed, what)
        url = f"urn:uuid:{rid}"
        entries.append({"fullUrl": url, "resource": {"resourceType": kind, "id": rid, **resource}})
        return url

    # -- Patient ---------------------------------------------------------------------
    patient: dict[str, Any] = {
        "identifier": [{"system": PSEUDONYM_SYSTEM, "value": seed}],
    }
    name = (settings.get("name") or "").strip()
    if name:
        patient["name"] = [{"text": name}]
    dob = _iso_date(settings.get("dob"))
    if dob:
        patient["birthDate"] = dob
    if not name and not dob:
        patient["text"] = _narrative(
            f"Pseudonymous patient {seed} (no name or birth date set in migrainecli config)."
        )
    subject = {"reference": add("Patient", "patient", patient)}

    # -- monthly counts of complete months ------------------------------------------
    for m in status.months:
        if not m.complete:
            continue
        first = date(m.year, m.month, 1)
        last = date(m.year, m.month, monthrange(m.year, m.month)[1])
        for attr, code, display in MONTH_MEASURES:
            n = getattr(m, attr)
            notes = [
                f"{m.tracked_days} tracked and {m.untracked_days} untracked days in {m.label}."
            ]
            if m.untracked_days:
                notes.append("Untracked days are unknown: the count is a lower bound.")
            add(
                "Observation",
                f"month {m.label} {code}",
                {
                    "status": "final",
                    "category": SURVEY,
                    "code": _concept(MEASURE_SYSTEM, code, display),
                    "subject": subject,
                    "effectivePeriod": {"start": first.isoformat(), "end": last.isoformat()},
                    "valueQuantity": _days(n),
                    "component": [
                        {
                            "code": _concept(MEASURE_SYSTEM, "tracked-days", "Tracked days"),
                            "valueQuantity": _days(m.tracked_days),
                        },
                        {
                            "code": _concept(MEASURE_SYSTEM, "untracked-days", "Untracked days"),
                            "valueQuantity": _days(m.untracked_days),
                        },
                    ],
                    "note": [{"text": t} for t in notes],
                },
            )

    # -- trials ------------------------------------------------------------------------
    for t in data.trials:
        if t.kind not in MEDICATION_KINDS:
            continue
        cls = catalogue.classes.get(t.class_id)
        label = cls.label if cls is not None else t.class_id
        a = adequacy(t, as_of, catalogue)
        period: dict[str, str] = {"start": trial_date(t.start, t.start_approximate) or ""}
        if t.end is not None:
            period["end"] = trial_date(t.end, t.end_approximate) or ""
        state = (
            ("active" if t.end is None else "completed")
            if t.outcome == "ongoing"
            else STATUS_OF_OUTCOME.get(t.outcome, "unknown")
        )
        outcome = OUTCOME_WORDS.get(t.outcome, t.outcome.replace("_", " "))
        notes = [f"Outcome: {outcome}" + (f" ({t.reason})" if t.reason else "") + "."]
        notes.append(f"Trial length: {a.reason}.")
        if t.note:
            notes.append(t.note)
        statement: dict[str, Any] = {
            "status": state,
            "category": _concept(THERAPY_CLASS_SYSTEM, t.class_id, label),
            "medicationCodeableConcept": {
                "coding": [_coding(THERAPY_SYSTEM, _code(t.therapy), t.therapy)],
                "text": t.therapy,
            },
            "subject": subject,
            "effectivePeriod": period,
            "note": [{"text": n} for n in notes],
        }
        if t.outcome != "ongoing":
            statement["statusReason"] = [
                _concept(OUTCOME_SYSTEM, t.outcome, outcome, t.reason or outcome)
            ]
        if t.dose:
            statement["dosage"] = [{"text": t.dose}]
        when = trial_date(t.start, t.start_approximate)
        add("MedicationStatement", f"trial {t.therapy} {t.class_id} {when}", statement)

    # -- disability scores -------------------------------------------------------------
    for s in data.scores:
        code, display = SCORE_NAMES.get(s.instrument, (f"{s.instrument}-total", s.instrument))
        items = [
            {
                "code": _concept(SCORE_SYSTEM, f"{s.instrument}-q{i}", f"{display[:-6]} item {i}"),
                "valueInteger": v,
            }
            for i in range(1, 6)
            if (v := getattr(s, f"q{i}", None)) is not None
        ]
        obs: dict[str, Any] = {
            "status": "final",
            "category": SURVEY,
            "code": _concept(SCORE_SYSTEM, code, display),
            "subject": subject,
            "effectiveDateTime": s.date.isoformat(),
            "valueInteger": s.total,
        }
        if items:
            obs["component"] = items
        if s.note:
            obs["note"] = [{"text": s.note}]
        add("Observation", f"score {s.instrument} {s.date.isoformat()}", obs)

    # -- verdicts ------------------------------------------------------------------------
    for v in status.verdicts():
        headline = f"{v.heading}: {v.words} as of {as_of.isoformat()}"
        obs = {
            "text": _narrative(f"{headline}: {NOT_A_DIAGNOSIS}.", v.explanation, *v.details),
            "status": "final",
            "category": SURVEY,
            "code": _concept(CRITERION_SYSTEM, v.key, v.title, v.heading),
            "subject": subject,
            "effectiveDateTime": as_of.isoformat(),
            "valueCodeableConcept": _concept(
                VERDICT_SYSTEM, v.status, v.words.lower(), f"{v.words}: {NOT_A_DIAGNOSIS}"
            ),
            "method": {"text": v.method},
            "note": [{"text": f"{NOT_A_DIAGNOSIS[0].upper()}{NOT_A_DIAGNOSIS[1:]}."}]
            + [{"text": t} for t in (v.explanation, *v.details, *v.evidence) if t],
        }
        add("Observation", f"verdict {v.key}", obs)

    return {
        "resourceType": "Bundle",
        "id": _uid(seed, f"bundle {as_of.isoformat()}"),
        "meta": {"tag": [_coding(f"{CODE_BASE}/export", "as-of", as_of.isoformat())]},
        "type": "collection",
        "entry": entries,
    }


def _code(text: str) -> str:
    """A code without spaces at either end (FHIR's code type): the name, squashed."""
    return " ".join(text.split()) or "unnamed"


def _iso_date(text: str | None) -> str | None:
    """A config ``dob`` as FHIR date, or None when it is not an ISO date."""
    if not text:
        return None
    try:
        return date.fromisoformat(text.strip()).isoformat()
    except ValueError:
        return None


def bundle_json(bundle: dict[str, Any]) -> str:
    """The bundle as indented UTF-8 JSON ending in a newline (keys in build order)."""
    return json.dumps(bundle, indent=2, ensure_ascii=False) + "\n"
