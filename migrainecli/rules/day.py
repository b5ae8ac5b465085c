"""What one diary day counts as (clinical-criteria.md section 1, ICHD-3 1.3 C)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from migrainecli.models import Day, Intake

HEADACHE_SEVERITIES = frozenset({"mild", "moderate", "severe"})
# ICHD-3 1.3 C3: relief by a triptan or an ergot derivative. Combination products
# (Treximet, Cafergot) are deliberately not counted: their relief cannot be
# attributed to the triptan or ergot they contain. Documented in the README.
C3_RELIEF_CLASSES = frozenset({"triptan", "ergot"})
PAIN_FEATURES = (
    "unilateral",
    "pulsating",
    "moderate or severe intensity",
    "aggravated by activity",
)


@dataclass(frozen=True)
class DayVerdict:
    """What a day counts as, with the reasons, for counting and for explaining."""

    headache: bool
    migraine: bool
    paths: tuple[str, ...]  # subset of ("C1", "C2", "C3")
    probable: bool  # ICHD-3 1.5: exactly one C1 element missing (not a migraine day)
    debilitating: bool  # EHF 2020
    pain_features: tuple[str, ...]
    accompanying: tuple[str, ...]
    why_not: str  # empty when a migraine day (or not a headache day)


def classify_day(day: Day, intakes: Iterable[Intake] = ()) -> DayVerdict:
    """Classify one day; ``intakes`` are that day's acute intakes (for ICHD-3 1.3 C3)."""
    headache = day.severity in HEADACHE_SEVERITIES
    if not headache:
        return DayVerdict(False, False, (), False, False, (), (), "")

    # ICHD-3 1.3 C1 = ICHD-3 1.1 C (2 of 4 pain features) and 1.1 D (1 of 2 symptom sets).
    pain = tuple(
        name
        for name, present in zip(
            PAIN_FEATURES,
            (day.unilateral, day.pulsating, day.severity in ("moderate", "severe"), day.activity),
            strict=True,
        )
        if present
    )
    accompanying: list[str] = []
    if day.nausea or day.vomiting:
        accompanying.append("nausea/vomiting")
    if day.photophobia and day.phonophobia:
        accompanying.append("photophobia and phonophobia")
    c1 = len(pain) >= 2 and bool(accompanying)
    # ICHD-3 1.3 C2: aura (ICHD-3 1.2 B and C, as reported by the patient).
    c2 = bool(day.aura)
    # ICHD-3 1.3 C3: believed migraine at onset and relieved by a triptan or ergot.
    c3 = bool(day.believed_migraine) and any(
        i.relieved and i.class_id in C3_RELIEF_CLASSES for i in intakes
    )
    paths = tuple(p for p, ok in (("C1", c1), ("C2", c2), ("C3", c3)) if ok)
    migraine = bool(paths)

    # ICHD-3 1.5: a headache day missing exactly one element of C1.
    missing_pain = max(0, 2 - len(pain))
    missing_acc = 0 if accompanying else 1
    probable = not migraine and missing_pain + missing_acc == 1

    # EHF 2020 debilitating day: serious impairment; severe intensity when impairment
    # was not recorded.
    if day.impairment is None:
        debilitating = day.severity == "severe"
    else:
        debilitating = day.impairment in ("serious", "bedbound")

    why_not = ""
    if not migraine:
        parts = []
        if missing_pain:
            parts.append(f"{len(pain)} of the 2 pain features it needs")
        if missing_acc:
            parts.append("no nausea/vomiting or photophobia with phonophobia")
        why_not = "C1: " + " and ".join(parts) + "; no aura (C2) or triptan/ergot relief (C3)"
    return DayVerdict(
        True, migraine, paths, probable, debilitating, pain, tuple(accompanying), why_not
    )
