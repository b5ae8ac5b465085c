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


@dataclass(slots=True)
class DayVerdict:
    """What a day counts as, with the reasons, for counting and for explaining.

    Slotted rather than frozen: one is made per logged day, and frozen dataclasses
    are slow to create. Treat it as a value.
    """

    headache: bool
    migraine: bool
    paths: tuple[str, ...]  # subset of ("C1", "C2", "C3")
    probable: bool  # ICHD-3 1.5: exactly one C1 element missing (not a migraine day)
    debilitating: bool  # EHF 2020
    pain_features: tuple[str, ...]
    accompanying: tuple[str, ...]

    @property
    def why_not(self) -> str:
        """Why a headache day is not a migraine day (empty otherwise)."""
        if self.migraine or not self.headache:
            return ""
        parts = []
        if len(self.pain_features) < 2:
            parts.append(f"{len(self.pain_features)} of the 2 pain features it needs")
        if not self.accompanying:
            parts.append("no nausea/vomiting or photophobia with phonophobia")
        return (
            "C1: " + " and ".join(parts) + "; no aura (C2); C3 needs a believed migraine "
            "relieved by a triptan or ergot"
        )


_NOT_HEADACHE = DayVerdict(False, False, (), False, False, (), ())


def classify_day(day: Day, intakes: Iterable[Intake] = ()) -> DayVerdict:
    """Classify one day; ``intakes`` are that day's acute intakes (for ICHD-3 1.3 C3)."""
    severity = day.severity
    if severity not in HEADACHE_SEVERITIES:
        return _NOT_HEADACHE

    # ICHD-3 1.3 C1 = ICHD-3 1.1 C (2 of 4 pain features) and 1.1 D (1 of 2 symptom sets).
    pain: list[str] = []
    if day.unilateral:
        pain.append(PAIN_FEATURES[0])
    if day.pulsating:
        pain.append(PAIN_FEATURES[1])
    if severity != "mild":
        pain.append(PAIN_FEATURES[2])
    if day.activity:
        pain.append(PAIN_FEATURES[3])
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
    if c1 or c2 or c3:
        paths = tuple(p for p, ok in (("C1", c1), ("C2", c2), ("C3", c3)) if ok)
    else:
        paths = ()
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

    return DayVerdict(
        True, migraine, paths, probable, debilitating, tuple(pain), tuple(accompanying)
    )
