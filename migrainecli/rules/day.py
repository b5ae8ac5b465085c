"""What one diary day counts as (docs/criteria.md section 1, ICHD-3 1.3 C)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from migrainecli.models import Day, Intake

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at start-up (fastlog)
if TYPE_CHECKING:  # pragma: no cover - typing only
    from migrainecli.catalogue import Catalogue

HEADACHE_SEVERITIES = frozenset({"mild", "moderate", "severe"})
# ICHD-3 1.3 C3: relief by a triptan or an ergot derivative. Any product that contains
# one counts, combination products included (Treximet, Cafergot): the catalogue member's
# ``contains`` says so (data, not names in code). The project's reading of C3, stated in
# the README and in ``show``; the intake itself still counts only under 8.2.5.
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

    Slotted rather than frozen, and the feature lists are worked out only when
    asked for: one verdict is made per logged day of a long diary. Treat it as a
    value.
    """

    headache: bool
    migraine: bool
    paths: tuple[str, ...]  # subset of ("C1", "C2", "C3")
    probable: bool  # ICHD-3 1.5: exactly one C1 element missing (not a migraine day)
    debilitating: bool  # EHF 2020
    day: Day | None = None
    # ICHD-3 1.2.1.2 typical aura without headache: severity none with an aura. Not a
    # headache day, not a migraine day; an attack of ICHD-3 1.3 B's history.
    aura_only: bool = False
    # ICHD-3 1.3 C3 decided by a combination product containing a triptan or ergot.
    c3_combination: bool = False

    @property
    def pain_features(self) -> tuple[str, ...]:
        """The ICHD-3 1.1 C pain features present."""
        d = self.day
        if d is None or not self.headache:
            return ()
        present = (d.unilateral, d.pulsating, d.severity != "mild", d.activity)
        return tuple(name for name, ok in zip(PAIN_FEATURES, present, strict=True) if ok)

    @property
    def accompanying(self) -> tuple[str, ...]:
        """The ICHD-3 1.1 D symptom sets present."""
        d = self.day
        if d is None or not self.headache:
            return ()
        out = []
        if d.nausea or d.vomiting:
            out.append("nausea/vomiting")
        if d.photophobia and d.phonophobia:
            out.append("photophobia and phonophobia")
        return tuple(out)

    @property
    def why_not(self) -> str:
        """Why a headache day is not a migraine day (empty otherwise)."""
        if self.migraine or not self.headache:
            return ""
        parts = []
        n_pain = len(self.pain_features)
        if n_pain < 2:
            parts.append(f"{n_pain} of the 2 pain features it needs")
        if not self.accompanying:
            parts.append("no nausea/vomiting or photophobia with phonophobia")
        return (
            "C1: " + " and ".join(parts) + "; no aura (C2); C3 needs a believed migraine "
            "relieved by a triptan or ergot"
        )


_NOT_HEADACHE = DayVerdict(False, False, (), False, False)
_AURA_ONLY = DayVerdict(False, False, (), False, False, aura_only=True)
_PATHS = {
    (c1, c2, c3): tuple(p for p, ok in (("C1", c1), ("C2", c2), ("C3", c3)) if ok)
    for c1 in (False, True)
    for c2 in (False, True)
    for c3 in (False, True)
}


def c3_relief(intake: Intake, catalogue: Catalogue | None = None) -> str | None:
    """How a relieving intake counts for ICHD-3 1.3 C3: "class" (a triptan or an ergot),
    "combination" (a product containing one, e.g. Cafergot, Treximet: the member's
    ``contains`` in the catalogue), or None. ``catalogue`` None loads the packaged one."""
    if not intake.relieved:
        return None
    if intake.class_id in C3_RELIEF_CLASSES:
        return "class"
    if intake.class_id is None:
        return None
    if catalogue is None:
        from migrainecli.catalogue import load_catalogue

        catalogue = load_catalogue()
    member = catalogue.recorded_member(intake.medication, intake.class_id)
    if member is not None and C3_RELIEF_CLASSES.intersection(member.contains):
        return "combination"
    return None


def is_aura_only(day: Day) -> bool:
    """ICHD-3 1.2.1.2 typical aura without headache: severity ``none`` with an aura."""
    return day.severity == "none" and bool(day.aura)


def classify_day(
    day: Day, intakes: Iterable[Intake] = (), catalogue: Catalogue | None = None
) -> DayVerdict:
    """Classify one day; ``intakes`` are that day's acute intakes (for ICHD-3 1.3 C3),
    ``catalogue`` tells which products contain a triptan or ergot (None: the packaged)."""
    severity = day.severity
    if severity not in HEADACHE_SEVERITIES:
        return _AURA_ONLY if is_aura_only(day) else _NOT_HEADACHE

    # ICHD-3 1.3 C1 = ICHD-3 1.1 C (2 of 4 pain features: unilateral, pulsating,
    # moderate or severe intensity, aggravated by activity) and 1.1 D (nausea and/or
    # vomiting, or photophobia and phonophobia together).
    n_pain = bool(day.unilateral) + bool(day.pulsating) + (severity != "mild") + bool(day.activity)
    accompanied = bool(day.nausea or day.vomiting or (day.photophobia and day.phonophobia))
    c1 = n_pain >= 2 and accompanied
    # ICHD-3 1.3 C2: aura (ICHD-3 1.2 B and C, as reported by the patient).
    c2 = bool(day.aura)
    # ICHD-3 1.3 C3: believed migraine at onset and relieved by a triptan or ergot, or
    # by a product containing one (the project's reading, docs/criteria.md section 1).
    c3 = c3_combination = False
    if day.believed_migraine:
        how = {c3_relief(i, catalogue) for i in intakes}
        c3 = "class" in how or "combination" in how
        c3_combination = c3 and "class" not in how
    migraine = c1 or c2 or c3
    # ICHD-3 1.5: a headache day missing exactly one element of C1.
    probable = not migraine and (max(0, 2 - n_pain) + (not accompanied)) == 1
    # EHF 2020 debilitating day: serious impairment; severe intensity when impairment
    # was not recorded.
    impairment = day.impairment
    if impairment is None:
        debilitating = severity == "severe"
    else:
        debilitating = impairment == "serious" or impairment == "bedbound"
    return DayVerdict(
        True, migraine, _PATHS[c1, c2, c3], probable, debilitating, day,
        c3_combination=c3_combination,
    )  # fmt: skip
