"""Probable refractory migraine — 2025 international consensus (docs/criteria.md 4b).

Source: Robblee J et al., "Reaching international consensus on the definition of
refractory migraine using the Delphi method", Cephalalgia 2025,
doi:10.1177/03331024251367767. It keeps EHF 2020's refractory and resistant tiers and
adds *probable refractory* for patients whom access barriers (coverage, availability,
age) kept from trying some classes.

As computed: an EHF class is *barred* when its only records are trials ended
``unavailable`` (``rules.ehf.barred_groups``; the reason says why). ``met`` when
refractory (EHF 2020) is not met, at least one class is barred, every class is failed
or barred, and refractory's triptan condition and 6-month debilitating-day condition
hold. The paper's own thresholds are not reproduced: everything but the barrier follows
EHF 2020, and the output says so. OnabotulinumtoxinA is one of "every class" under the
same rule as refractory (only in chronic migraine: the project's reading); a barred
Botox counts as a barrier only where Botox is required.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from migrainecli.rules.ehf import (
    _GROUP_OF,
    BOTOX_CLASS,
    EHF_DEBILITATING_DAYS,
    REFRACTORY_MONTHS,
    ClassRecord,
    EhfVerdict,
    _group_names,
    barred_groups,
    ehf_classes,
    group_label,
    months_reason,
)
from migrainecli.rules.evidence import _count
from migrainecli.rules.months import MET, NOT_MET, all_of, and3, fact, not3, or3
from migrainecli.rules.verdicts import Column, Verdict

SOURCE = "2025 consensus"
THRESHOLDS_NOTE = (
    "the thresholds otherwise follow EHF 2020 (every class failed, at least 2 triptans "
    "failed, at least 8 debilitating days in each of the 6 most recent complete months); "
    "the 2025 consensus's own thresholds are not reproduced"
)
THRESHOLDS_SENTENCE = THRESHOLDS_NOTE[0].upper() + THRESHOLDS_NOTE[1:] + "."


@dataclass(frozen=True)
class ProbableRefractory:
    """Probable refractory migraine (2025 consensus) over EHF 2020's refractory verdict."""

    status: str
    barred: tuple[ClassRecord, ...]  # the barred classes, with their unavailable records
    barred_groups: tuple[str, ...]
    open_classes: tuple[str, ...]  # required classes neither failed nor barred
    refractory: EhfVerdict
    explanation: str
    as_of: date
    source: str = SOURCE
    method: str = (
        "refractory migraine (EHF 2020) not met, at least one EHF preventive class barred "
        "(its only records are 'unavailable': not covered, not marketed, age), every class "
        "failed or barred, and refractory's triptan and 6-month conditions met; "
        + THRESHOLDS_NOTE
        + ". Robblee et al., Cephalalgia 2025, doi:10.1177/03331024251367767"
    )

    @property
    def barred_classes(self) -> tuple[str, ...]:
        return tuple(r.class_id for r in self.barred)

    def barred_lines(self) -> tuple[str, ...]:
        return tuple(f"Barred: {r.class_id} — {', '.join(r.barriers)}" for r in self.barred)

    def reason(self) -> str:
        """Why, in one or two lines (``Verdict.reason``): the barred classes and why, the
        failed ones with their trials, and what is still missing."""
        ref = self.refractory
        if ref.status == MET:
            return "Refractory migraine (EHF 2020) is met, so the probable tier does not apply."
        barred = (
            f"{_count(len(self.barred), 'class', 'es')} barred: "
            + "; ".join(f"{r.class_id} ({', '.join(r.barriers)})" for r in self.barred)
            if self.barred
            else "no class barred (no trial recorded as unavailable)"
        )
        # the failed classes by name: refractory's reason, just above, gives their trials
        failed = [group_label(g) for g in ref.counted_groups()]
        parts = [
            barred,
            f"{_count(len(failed), 'class', 'es')} failed"
            + (f": {', '.join(failed)}" if failed else ""),
        ]
        if self.open_classes:
            groups = list(dict.fromkeys(_GROUP_OF.get(c, c) for c in self.open_classes))
            parts.append("needs these failed or barred: " + ", ".join(map(group_label, groups)))
        if ref.triptans.status != MET:
            parts.append("needs refractory's triptan condition (2 triptans failed)")
        if any(m.status != MET for m in ref.months):
            parts.append(months_reason(ref.months))
        return "; ".join(parts) + "."

    def view(self) -> Verdict:
        columns = (Column("debilitating_days", "debilitating", EHF_DEBILITATING_DAYS),)
        details = [*self.barred_lines()]
        botox = self.refractory.botox
        if botox is not None and botox.status != MET:  # where the Botox rule decides
            details.append(botox.sentence())
        if (diary := self.refractory.triptans.diary_line()) is not None:
            details.append(diary)
        return Verdict(
            key="probable_refractory_migraine",
            status=self.status,
            source=self.source,
            method=self.method,
            explanation=self.explanation,
            columns=columns,
            months=tuple(m.marks(columns) for m in self.refractory.months),
            details=tuple(details),
            evidence=(),  # the trials are listed under refractory migraine
            reason=self.reason(),
        )

    def to_dict(self) -> dict[str, Any]:
        ref = self.refractory
        return {
            "status": self.status,
            "source": self.source,
            "method": self.method,
            "refractory_migraine": ref.status,
            "barred_classes": list(self.barred_classes),
            "barred_groups": list(self.barred_groups),
            "barred": [
                {
                    "class": r.class_id,
                    "group": r.group,
                    "trials": [
                        {"therapy": t.therapy, "start": t.start.isoformat(), "reason": t.reason}
                        for t, _ in r.trials
                    ],
                }
                for r in self.barred
            ],
            "failed_classes": list(ref.failed_classes),
            "neither_failed_nor_barred": list(self.open_classes),
            "triptan_condition": ref.triptans.to_dict(),
            "onabotulinumtoxinA_required": ref.botox.to_dict() if ref.botox else None,
            "months": [m.to_dict() for m in ref.months],
            "thresholds": THRESHOLDS_NOTE,
            "explanation": self.explanation,
        }


def probable_refractory_migraine(
    refractory: EhfVerdict, trials, as_of: date, catalogue
) -> ProbableRefractory:
    """docs/criteria.md section 4b, three-valued:
    NOT refractory AND some class barred AND every class failed or barred AND the
    triptan condition AND >=8 debilitating days in each of the 6 months of refractory.
    OnabotulinumtoxinA counts only as refractory counts it (``refractory.botox``)."""
    records, groups = ehf_classes(trials, as_of, catalogue)
    failed = set(refractory.failed_groups)
    barred = set(barred_groups(records)) - failed
    botox_req = refractory.botox.status if refractory.botox is not None else MET
    others = [g for g in groups if g != BOTOX_CLASS]
    has_botox = BOTOX_CLASS in groups

    covered = fact(all(g in failed or g in barred for g in others))
    botox_covered = fact(not has_botox or BOTOX_CLASS in failed or BOTOX_CLASS in barred)
    every_class = and3(covered, or3(botox_covered, not3(botox_req)))
    some_barred = or3(
        fact(any(g in barred for g in others)),
        and3(fact(has_botox and BOTOX_CLASS in barred), botox_req),
    )
    months_status = all_of(m.status for m in refractory.months)
    status = and3(
        not3(refractory.status), some_barred, every_class, refractory.triptans.status,
        months_status,
    )  # fmt: skip

    wanted = others if botox_req == NOT_MET else list(groups)
    barred_records = tuple(r for r in records if r.group in barred and r.barred)
    if botox_req == NOT_MET:
        barred_records = tuple(r for r in barred_records if r.class_id != BOTOX_CLASS)
    open_records = [r for r in records if r.group in wanted and r.group not in failed | barred]
    open_classes = tuple(r.class_id for r in open_records)

    shown = [g for g in barred if g in wanted]
    facts = [
        f"{_count(len([g for g in failed if g in wanted]), 'class', 'es')} failed",
        f"{_count(len(shown), 'class', 'es')} barred"
        + (
            ": " + "; ".join(f"{r.class_id} ({'; '.join(r.barriers)})" for r in barred_records)
            if barred_records
            else ""
        ),
        f"refractory migraine: {refractory.status.replace('_', ' ')}",
        f"triptan condition: {refractory.triptans.status.replace('_', ' ')}",
        f"at least {EHF_DEBILITATING_DAYS} debilitating days in each of the "
        f"{REFRACTORY_MONTHS} months: " + months_status.replace("_", " "),
    ]
    head = {MET: "Met", NOT_MET: "Not met"}.get(status, "Undetermined")
    explanation = f"{head} according to the recorded diary: " + "; ".join(facts) + "."
    if status != MET:
        missing = []
        if refractory.status == MET:
            explanation += " Refractory migraine is met, so the probable tier does not apply."
        elif refractory.status != NOT_MET:
            missing.append("refractory migraine not met")
        if refractory.status == MET:
            pass
        elif open_records:
            names = _group_names(
                list(dict.fromkeys(r.group for r in open_records)), list(open_classes)
            )
            missing.append("each of these classes failed or barred: " + ", ".join(names))
        elif every_class != MET and botox_req != NOT_MET:
            missing.append("whether onabotulinumtoxinA is required (chronic migraine decides)")
        if some_barred != MET and refractory.status != MET:
            missing.append("at least one class barred (a trial recorded as unavailable)")
        if refractory.triptans.status != MET and refractory.status != MET:
            missing.append("refractory's triptan condition")
        if months_status != MET and refractory.status != MET:
            missing.append(f"refractory's {REFRACTORY_MONTHS}-month condition")
        if missing:
            explanation += " What would change the verdict: " + "; ".join(missing) + "."
    explanation += " " + THRESHOLDS_SENTENCE
    return ProbableRefractory(
        status=status,
        barred=barred_records,
        barred_groups=tuple(g for g in groups if g in barred and g in wanted),
        open_classes=open_classes,
        refractory=refractory,
        explanation=explanation,
        as_of=as_of,
    )
