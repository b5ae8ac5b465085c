"""Resistant and refractory migraine — EHF 2020 (clinical-criteria.md section 4).

Source: Sacco S et al., "European Headache Federation consensus on the definition of
resistant and refractory migraine", J Headache Pain 2020;21:76,
doi:10.1186/s10194-020-01130-5.

As computed: *resistant* when >=3 EHF preventive classes failed, the triptan condition
holds and each of the 3 most recent complete months has >=8 debilitating days;
*refractory* when every class failed, the triptan condition holds and each of the 6
most recent complete months has >=8 debilitating days. Class failures are facts from
the trials (met / not_met); only the months can be undetermined. "Failed classes"
counts EHF groups (CGRP mAbs and preventive gepants are one). Triptan condition: >=2
distinct triptans (names compared ignoring case and spacing, brand names resolved
through the catalogue) with an acute trial ended ineffective, not tolerated or
contraindicated; one triptan trial ended ``contraindicated`` means the class is.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from migrainecli.models import Trial
from migrainecli.rules.evidence import (
    MonthEvidence,
    _check,
    _count,
    _evidence,
    _window_phrases,
)
from migrainecli.rules.months import (
    MET,
    NOT_MET,
    UNDETERMINED,
    MonthCounts,
    all_of,
    and3,
    fact,
    window,
)
from migrainecli.rules.trials import (
    Adequacy,
    adequacy,
    as_of_view,
    is_inadequate,
    trial_dict,
)
from migrainecli.rules.verdicts import Column, Verdict

if TYPE_CHECKING:  # pragma: no cover - typing only
    from migrainecli.catalogue import Catalogue

# EHF 2020
EHF_DEBILITATING_DAYS = 8
RESISTANT_CLASSES = 3
RESISTANT_MONTHS = 3
REFRACTORY_MONTHS = 6
TRIPTANS_REQUIRED = 2
TRIPTAN_CLASS = "triptan"
TRIPTAN_FAILURES = frozenset({"ineffective", "not_tolerated", "contraindicated"})


def _group_names(groups: Sequence[str], class_ids: Sequence[str]) -> list[str]:
    """EHF groups in words: a class id, or "CGRP pathway (cgrp_mab, gepant_preventive)"."""
    names = []
    for g in groups:
        members = [c for c in dict.fromkeys(class_ids) if c == g or _GROUP_OF.get(c) == g]
        if g == "cgrp_pathway":
            names.append(f"CGRP pathway ({', '.join(members) or 'cgrp_mab, gepant_preventive'})")
        else:
            names.append(g)
    return names


_GROUP_OF = {"cgrp_mab": "cgrp_pathway", "gepant_preventive": "cgrp_pathway"}


# -- EHF 2020 resistant and refractory migraine --------------------------------------
@dataclass(frozen=True)
class ClassRecord:
    """One EHF preventive class with its trials (as of the as-of date)."""

    class_id: str
    group: str
    failed: bool
    trials: tuple[tuple[Trial, Adequacy], ...]
    as_of: date

    def to_dict(self) -> dict[str, Any]:
        return {
            "class": self.class_id,
            "group": self.group,
            "failed": self.failed,
            "trials": [trial_dict(t, self.as_of, a) for t, a in self.trials],
        }


@dataclass(frozen=True)
class TriptanCondition:
    """EHF 2020: failure of at least 2 different triptans, unless contraindicated."""

    status: str  # met / not_met (a fact from trials)
    failed_triptans: tuple[str, ...]
    contraindicated: bool
    trials: tuple[tuple[Trial, Adequacy], ...]
    as_of: date

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "failed_triptans": list(self.failed_triptans),
            "required": TRIPTANS_REQUIRED,
            "contraindicated": self.contraindicated,
            "trials": [trial_dict(t, self.as_of, a) for t, a in self.trials],
        }


def _therapy_key(name: str, class_id: str, catalogue: Catalogue) -> str:
    """A triptan's identity: the catalogue's generic name when the typed name resolves
    (so "Imitrex" and "sumatriptan" are one triptan), else the typed name ignoring case
    and spacing."""
    from migrainecli.errors import MigraineError

    try:
        name = catalogue.resolve(name, class_id=class_id).canonical
    except MigraineError:
        pass
    return " ".join(name.casefold().split())


def triptan_condition(
    trials: Iterable[Trial], as_of: date, catalogue: Catalogue
) -> TriptanCondition:
    """EHF 2020: at least 2 distinct triptans failed (acute trials ended ineffective,
    not_tolerated or contraindicated), or the triptan class contraindicated (any
    triptan trial ended ``contraindicated``)."""
    counted: list[tuple[Trial, Adequacy]] = []
    names: dict[str, str] = {}
    contraindicated = False
    for trial in sorted(trials, key=lambda t: (t.start, t.id or 0)):
        view = as_of_view(trial, as_of)
        if view is None or view.class_id != TRIPTAN_CLASS:
            continue
        if view.outcome not in TRIPTAN_FAILURES:
            continue
        counted.append((trial, adequacy(trial, as_of, catalogue)))
        names.setdefault(_therapy_key(trial.therapy, trial.class_id, catalogue), trial.therapy)
        contraindicated = contraindicated or view.outcome == "contraindicated"
    ok = contraindicated or len(names) >= TRIPTANS_REQUIRED
    return TriptanCondition(fact(ok), tuple(names.values()), contraindicated, tuple(counted), as_of)


def ehf_classes(
    trials: Iterable[Trial], as_of: date, catalogue: Catalogue
) -> tuple[list[ClassRecord], dict[str, list[str]]]:
    """Every EHF 2020 preventive class (catalogue order) with its trials and whether
    it failed (clinical-criteria.md section 4), and the EHF groups {group: class ids}
    (CGRP mAbs and preventive gepants form one group, "cgrp_pathway")."""
    by_class: dict[str, list[Trial]] = {}
    for trial in sorted(trials, key=lambda t: (t.start, t.id or 0)):
        by_class.setdefault(trial.class_id, []).append(trial)
    records: list[ClassRecord] = []
    groups: dict[str, list[str]] = {}
    for cls in catalogue.classes.values():
        if not cls.ehf:
            continue
        group = cls.ehf_group or cls.id
        groups.setdefault(group, []).append(cls.id)
        judged = tuple(
            (t, adequacy(t, as_of, catalogue)) for t in by_class.get(cls.id, []) if t.start <= as_of
        )
        # EHF 2020: lack of efficacy (after an adequate trial) or of tolerability;
        # contraindication treated the same way (as EHF 2014 did).
        failed = any(a.failed for _, a in judged)
        records.append(ClassRecord(cls.id, group, failed, judged, as_of))
    return records, groups


@dataclass(frozen=True)
class EhfVerdict:
    """Resistant or refractory migraine (EHF 2020)."""

    tier: str  # "resistant" or "refractory"
    status: str
    failed_classes: tuple[str, ...]
    failed_groups: tuple[str, ...]
    groups_required: int
    groups_total: int
    failures: tuple[ClassRecord, ...]
    short_of_failure: tuple[ClassRecord, ...]
    triptans: TriptanCondition
    months: tuple[MonthEvidence, ...]
    explanation: str
    source: str = "EHF 2020"
    method: str = field(default="")

    def view(self) -> Verdict:
        """The verdict as every renderer shows it (``rules.verdicts``)."""
        columns = (Column("debilitating_days", "debilitating", EHF_DEBILITATING_DAYS),)
        lines = []
        for r in self.failures:
            trials = ", ".join(
                f"{d['therapy']} ({d['outcome']})"
                for t, a in r.trials
                if a.failed
                for d in [trial_dict(t, r.as_of, a)]
            )
            lines.append(f"Failed: {r.class_id} — {trials}")
        if self.short_of_failure:
            lines.append("Not failed yet: " + ", ".join(r.class_id for r in self.short_of_failure))
        return Verdict(
            key=f"{self.tier}_migraine",
            status=self.status,
            source=self.source,
            method=self.method,
            explanation=self.explanation,
            columns=columns,
            months=tuple(m.marks(columns) for m in self.months),
            evidence=tuple(lines),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "source": self.source,
            "method": self.method,
            "failed_classes": list(self.failed_classes),
            "failed_groups": list(self.failed_groups),
            "groups_required": self.groups_required,
            "groups_total": self.groups_total,
            "failures": [
                {
                    "class": r.class_id,
                    "group": r.group,
                    "trials": [trial_dict(t, r.as_of, a) for t, a in r.trials if a.failed],
                }
                for r in self.failures
            ],
            "short_of_failure": [r.to_dict() for r in self.short_of_failure],
            "triptan_condition": self.triptans.to_dict(),
            "months": [m.to_dict() for m in self.months],
            "explanation": self.explanation,
        }


def debilitating_month(m: MonthCounts) -> MonthEvidence:
    """One month for EHF 2020: at least 8 debilitating headache days."""
    check = _check(
        "debilitating_days",
        "debilitating days",
        m.debilitating_days,
        m.untracked_days,
        EHF_DEBILITATING_DAYS,
    )
    return _evidence(m, [check], check.status)


def _ehf(
    tier: str,
    months: Sequence[MonthCounts],
    trials: Sequence[Trial],
    as_of: date,
    catalogue: Catalogue,
) -> EhfVerdict:
    records, groups = ehf_classes(trials, as_of, catalogue)
    n_months = RESISTANT_MONTHS if tier == "resistant" else REFRACTORY_MONTHS
    required = RESISTANT_CLASSES if tier == "resistant" else len(groups)
    failed_groups = tuple(g for g in groups if any(r.failed for r in records if r.group == g))
    failed_classes = tuple(r.class_id for r in records if r.failed)
    short = tuple(r for r in records if r.group not in failed_groups)
    triptans = triptan_condition(trials, as_of, catalogue)

    win = window(months, as_of, n_months)
    evidence = tuple(debilitating_month(m) for m in win)
    months_status = all_of(e.status for e in evidence)
    # EHF 2020: failed classes AND triptan condition AND >=8 debilitating days/month.
    classes_status = fact(len(failed_groups) >= required)
    status = and3(classes_status, triptans.status, months_status)

    span = f"{evidence[0].month} to {evidence[-1].month}"
    done = [
        f"{_count(len(failed_groups), 'preventive class', 'es')} failed ({required} needed)"
        + (f": {', '.join(_group_names(failed_groups, failed_classes))}" if failed_classes else ""),
        (
            "triptans contraindicated"
            if triptans.contraindicated
            else f"{_count(len(triptans.failed_triptans), 'triptan', 's')} failed "
            f"({TRIPTANS_REQUIRED} needed)"
            + (f": {', '.join(triptans.failed_triptans)}" if triptans.failed_triptans else "")
        ),
    ]
    debil = ", ".join(f"{e.month}: {e.counts['debilitating_days']}" for e in evidence)
    if status == MET:
        explanation = (
            f"Met according to the recorded diary: {done[0]}; {done[1]}; at least "
            f"{EHF_DEBILITATING_DAYS} debilitating days in each month {span} ({debil})."
        )
    else:
        missing = []
        if classes_status != MET:
            k = required - len(failed_groups)
            still = _group_names(
                list(dict.fromkeys(r.group for r in short)), [r.class_id for r in short]
            )
            missing.append(
                (
                    "one more failed preventive class"
                    if k == 1
                    else f"{k} more failed preventive classes"
                )
                + f" (not yet failed: {', '.join(still)})"
            )
            inadequate = [
                f"{t.therapy} ({r.class_id}): {a.reason}"
                for r in short
                for t, a in r.trials
                if (a.adequate is None and not a.failed) or is_inadequate(t, a)
            ]
            if inadequate:
                missing.append("trials that do not count: " + "; ".join(inadequate))
        if triptans.status != MET:
            k = TRIPTANS_REQUIRED - len(triptans.failed_triptans)
            missing.append(
                ("one more failed triptan" if k == 1 else f"{k} failed triptans")
                + " (or triptans contraindicated)"
            )
        if months_status != MET:
            fails = _window_phrases(evidence, NOT_MET)
            opens = _window_phrases(evidence, UNDETERMINED)
            if fails:
                missing.append(
                    f"at least {EHF_DEBILITATING_DAYS} debilitating days in each month "
                    f"{span}: " + "; ".join(fails)
                )
            if opens:
                missing.append("untracked days: " + "; ".join(opens))
        head = "Not met" if status == NOT_MET else "Undetermined"
        explanation = (
            f"{head} according to the recorded diary: {done[0]}; {done[1]}; debilitating "
            f"days {debil}. What would change the verdict: " + "; ".join(missing) + "."
        )
    method = (
        f"{'at least 3' if tier == 'resistant' else 'all'} of the {len(groups)} EHF "
        "preventive classes failed (CGRP monoclonal antibodies and preventive gepants are "
        "one class; failure = ineffective after an adequate trial, not tolerated or "
        "contraindicated), at least 2 different triptans failed (unless contraindicated), "
        f"and at least 8 debilitating days in each of the {n_months} most recent complete "
        "calendar months. 'Intractable' (ICD-10-CM G43.x1) has no numeric definition; the "
        "tool maps it to the EHF resistant and refractory tiers"
    )
    return EhfVerdict(
        tier=tier,
        status=status,
        failed_classes=failed_classes,
        failed_groups=failed_groups,
        groups_required=required,
        groups_total=len(groups),
        failures=tuple(r for r in records if r.failed),
        short_of_failure=short,
        triptans=triptans,
        months=evidence,
        explanation=explanation,
        method=method,
    )


def resistant_migraine(
    months: Sequence[MonthCounts], trials: Sequence[Trial], as_of: date, catalogue: Catalogue
) -> EhfVerdict:
    """EHF 2020 resistant migraine (clinical-criteria.md section 4): >=3 failed EHF
    classes AND the triptan condition AND >=8 debilitating days in each of the 3 most
    recent complete months. Class failures are facts; the months are three-valued."""
    return _ehf("resistant", months, trials, as_of, catalogue)


def refractory_migraine(
    months: Sequence[MonthCounts], trials: Sequence[Trial], as_of: date, catalogue: Catalogue
) -> EhfVerdict:
    """EHF 2020 refractory migraine: every EHF class failed AND the triptan condition
    AND >=8 debilitating days in each of the 6 most recent complete months."""
    return _ehf("refractory", months, trials, as_of, catalogue)
