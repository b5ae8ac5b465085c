"""Resistant and refractory migraine — EHF 2020 (docs/criteria.md section 4).

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

OnabotulinumtoxinA belongs to refractory's "every class" only when chronic migraine
(ICHD-3 1.3, ``rules.chronic``) is met as of the date or the diary shows a past chronic
run: the project's reading, stated in the output (Botox's evidence is from the PREEMPT
trials in chronic migraine). Whether it is required is itself three-valued: with chronic
migraine undetermined and Botox the class that decides, refractory is undetermined.
A failed Botox trial still counts as a failed class for resistant migraine.

Trials ended ``unavailable`` (section 4b) are never failures; an EHF class whose only
records are ``unavailable`` is *barred* (``ClassRecord.barred``), which
``rules.probable_refractory`` reads. Where the triptan condition is not met, triptans
taken on diary days and recorded as not relieved on most of them are pointed out
(``DiaryTriptan``), never counted.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from migrainecli.models import Intake, Trial
from migrainecli.rules.chronic import ChronicMigraine, chronic_migraine
from migrainecli.rules.evidence import (
    MonthEvidence,
    _check,
    _count,
    _evidence,
    _window_phrases,
)
from migrainecli.rules.months import (  # noqa: F401 - TRIPTAN_CLASS re-exported
    MET,
    NOT_MET,
    TRIPTAN_CLASS,
    UNDETERMINED,
    MonthCounts,
    all_of,
    and3,
    fact,
    not3,
    or3,
    therapy_key,
    triptan_tally,
    window,
)
from migrainecli.rules.trials import (
    Adequacy,
    adequacy,
    as_of_view,
    is_inadequate,
    is_unavailable,
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
TRIPTAN_FAILURES = frozenset({"ineffective", "not_tolerated", "contraindicated"})
BOTOX_CLASS = "onabotulinumtoxinA"
# The project's reading of EHF 2020, said wherever the Botox rule decides.
BOTOX_READING = (
    "requiring onabotulinumtoxinA only in chronic migraine is the project's reading of "
    "EHF 2020 (its evidence is from the PREEMPT trials in chronic migraine)"
)


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


def group_label(group: str) -> str:
    """An EHF group in a short line: a class id, or "CGRP pathway"."""
    return "CGRP pathway" if group == "cgrp_pathway" else group


def failed_with_trials(records: Sequence[ClassRecord]) -> list[str]:
    """The failed EHF groups with the trials behind them, for a reason line:
    "beta_blocker (propranolol)", "CGRP pathway (Aimovig, Qulipta)"."""
    out: dict[str, list[str]] = {}
    for r in records:
        if r.failed:
            names = out.setdefault(r.group, [])
            names += [t.therapy for t, a in r.trials if a.failed and t.therapy not in names]
    return [f"{group_label(g)} ({', '.join(names)})" for g, names in out.items()]


def months_reason(months: Sequence[MonthEvidence]) -> str:
    """EHF 2020's debilitating-day condition in a short line: met in each month, or the
    months that fail it or that untracked days decide, with their counts."""
    if not months:
        return "no month to count"
    span = f"{months[0].month} to {months[-1].month}"
    statuses = [m.status for m in months]
    if all(s == MET for s in statuses):
        return f"≥{EHF_DEBILITATING_DAYS} debilitating days each month {span}"
    parts = []
    short = [m for m in months if m.status == NOT_MET]
    if short:
        parts.append(
            f"fewer than {EHF_DEBILITATING_DAYS} debilitating days in "
            + ", ".join(f"{m.month} ({m.counts['debilitating_days']})" for m in short)
        )
    open_ = [m for m in months if m.status == UNDETERMINED]
    if open_:
        parts.append(
            "untracked days decide "
            + ", ".join(
                f"{m.month} ({m.counts['debilitating_days']} + {m.untracked_days} untracked)"
                for m in open_
            )
        )
    return f"{span}: " + "; ".join(parts)


# -- EHF 2020 resistant and refractory migraine --------------------------------------
@dataclass(frozen=True)
class ClassRecord:
    """One EHF preventive class with its trials (as of the as-of date)."""

    class_id: str
    group: str
    failed: bool
    trials: tuple[tuple[Trial, Adequacy], ...]
    as_of: date
    barred: bool = False  # its only records are ``unavailable`` (section 4b)

    def to_dict(self) -> dict[str, Any]:
        return {
            "class": self.class_id,
            "group": self.group,
            "failed": self.failed,
            "barred": self.barred,
            "trials": [trial_dict(t, self.as_of, a) for t, a in self.trials],
        }

    @property
    def barriers(self) -> list[str]:
        """The unavailable records in words: "Vyepti: not covered"."""
        return [
            t.therapy + (f": {t.reason}" if t.reason else ": unavailable")
            for t, _ in self.trials
            if is_unavailable(t, self.as_of)
        ]


@dataclass(frozen=True)
class DiaryTriptan:
    """A triptan taken on diary days, not relieved on most of them, with no failed trial
    recorded: pointed out where the triptan condition is not met, never counted."""

    name: str
    intakes: int
    not_relieved: int

    def sentence(self) -> str:
        return (
            f"{self.name}: {_count(self.intakes, 'intake', 's')}, {self.not_relieved} not "
            "relieved — record a trial to count it"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "therapy": self.name,
            "intakes": self.intakes,
            "not_relieved": self.not_relieved,
            "note": self.sentence(),
        }


@dataclass(frozen=True)
class TriptanCondition:
    """EHF 2020: failure of at least 2 different triptans, unless contraindicated."""

    status: str  # met / not_met (a fact from trials)
    failed_triptans: tuple[str, ...]
    contraindicated: bool
    trials: tuple[tuple[Trial, Adequacy], ...]
    as_of: date
    diary: tuple[DiaryTriptan, ...] = ()  # only where the condition is not met

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "failed_triptans": list(self.failed_triptans),
            "required": TRIPTANS_REQUIRED,
            "contraindicated": self.contraindicated,
            "trials": [trial_dict(t, self.as_of, a) for t, a in self.trials],
            "diary_intakes_not_counted": [d.to_dict() for d in self.diary],
        }

    def diary_line(self) -> str | None:
        """The triptans of the diary a trial would count, in one line (or None)."""
        if not self.diary:
            return None
        return (
            "Triptans in the diary, not relieved on most intakes, with no trial recorded: "
            + "; ".join(d.sentence() for d in self.diary)
            + "."
        )


def diary_triptans(
    intakes: Iterable[Intake],
    as_of: date,
    catalogue: Catalogue,
    exclude: Iterable[str] = (),
    earlier: Mapping[str, Sequence[int]] | None = None,
) -> tuple[DiaryTriptan, ...]:
    """Triptans taken on diary days up to ``as_of`` whose intakes were recorded as not
    relieved on most of them (more than half of the intakes), leaving out the triptans
    in ``exclude`` (keys of ``therapy_key``, e.g. those a failed trial already counts).
    Ordered by first intake. EHF 2020 counts trials; these are only pointed out.
    ``earlier`` is the ``triptan_tally`` of the intakes before those of ``intakes``
    (``models.MonthHistory.triptans``), when the diary was read without them."""
    skip = set(exclude)
    counts = {k: [n, bad] for k, (n, bad) in (earlier or {}).items()}
    recent = triptan_tally((i for i in intakes if i.date <= as_of), catalogue)
    for key, (n, bad) in recent.items():
        c = counts.setdefault(key, [0, 0])
        c[0] += n
        c[1] += bad
    return tuple(
        DiaryTriptan(k, n, bad) for k, (n, bad) in counts.items() if k not in skip and 2 * bad > n
    )


def triptan_condition(
    trials: Iterable[Trial],
    as_of: date,
    catalogue: Catalogue,
    intakes: Iterable[Intake] = (),
    earlier: Mapping[str, Sequence[int]] | None = None,
) -> TriptanCondition:
    """EHF 2020: at least 2 distinct triptans failed (acute trials ended ineffective,
    not_tolerated or contraindicated), or the triptan class contraindicated (any
    triptan trial ended ``contraindicated``). Where it is not met, ``diary`` lists the
    triptans of ``intakes`` (and ``earlier``) not relieved on most intakes
    (``diary_triptans``)."""
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
        names.setdefault(therapy_key(trial.therapy, trial.class_id, catalogue), trial.therapy)
        contraindicated = contraindicated or view.outcome == "contraindicated"
    ok = contraindicated or len(names) >= TRIPTANS_REQUIRED
    diary = () if ok else diary_triptans(intakes, as_of, catalogue, names, earlier)
    return TriptanCondition(
        fact(ok), tuple(names.values()), contraindicated, tuple(counted), as_of, diary
    )


def ehf_classes(
    trials: Iterable[Trial], as_of: date, catalogue: Catalogue
) -> tuple[list[ClassRecord], dict[str, list[str]]]:
    """Every EHF 2020 preventive class (catalogue order) with its trials and whether
    it failed (docs/criteria.md section 4), and the EHF groups {group: class ids}
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
        # contraindication treated the same way (as EHF 2014 did). ``unavailable`` is
        # never a failure (section 4b).
        failed = any(a.failed for _, a in judged)
        barred = bool(judged) and all(is_unavailable(t, as_of) for t, _ in judged)
        records.append(ClassRecord(cls.id, group, failed, judged, as_of, barred))
    return records, groups


def barred_groups(records: Sequence[ClassRecord]) -> tuple[str, ...]:
    """EHF groups whose only records are ``unavailable`` (docs/criteria.md 4b): the
    group's classes together have records, and every one of them is unavailable."""
    out = []
    for g in dict.fromkeys(r.group for r in records):
        members = [r for r in records if r.group == g]
        if any(r.trials for r in members) and all(r.barred or not r.trials for r in members):
            out.append(g)
    return tuple(out)


@dataclass(frozen=True)
class BotoxRequirement:
    """Whether onabotulinumtoxinA is part of refractory's "every class" (the project's
    reading, docs/criteria.md section 4): met (required) when chronic migraine is met
    as of the date or the diary shows a past chronic run, not_met when neither can be,
    else undetermined."""

    status: str
    chronic_status: str
    past_runs: tuple[str, ...]
    as_of: date

    def sentence(self) -> str:
        when = self.as_of.isoformat()
        runs = (
            f"the diary shows a past chronic run ({', '.join(self.past_runs)})"
            if self.past_runs
            else "the diary shows no past chronic run"
        )
        chronic = f"chronic migraine is {self.chronic_status.replace('_', ' ')} as of {when}"
        if self.status == MET:
            head = "OnabotulinumtoxinA is required"
        elif self.status == NOT_MET:
            head = "OnabotulinumtoxinA is not required"
        else:
            head = "Whether onabotulinumtoxinA is required is undetermined"
        return f"{head}: {chronic} and {runs}; {BOTOX_READING}."

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "chronic_migraine": self.chronic_status,
            "past_chronic_runs": list(self.past_runs),
            "explanation": self.sentence(),
        }


def botox_requirement(chronic: ChronicMigraine, as_of: date) -> BotoxRequirement:
    """docs/criteria.md section 4: chronic migraine met as of the date, OR a past
    chronic run in the diary (three-valued OR)."""
    runs = tuple(f"{r.start} to {r.end}" for r in chronic.history)
    status = or3(chronic.status, fact(bool(runs)))
    return BotoxRequirement(status, chronic.status, runs, as_of)


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
    botox: BotoxRequirement | None = None  # refractory only

    def details(self) -> tuple[str, ...]:
        lines = [self.botox.sentence()] if self.botox is not None else []
        if (diary := self.triptans.diary_line()) is not None:
            lines.append(diary)
        return tuple(lines)

    def counted_groups(self) -> tuple[str, ...]:
        """The failed groups that count towards ``groups_required`` (refractory leaves
        out onabotulinumtoxinA where it is not required)."""
        skip = BOTOX_CLASS if self.botox is not None and self.botox.status == NOT_MET else None
        return tuple(g for g in self.failed_groups if g != skip)

    def reason(self) -> str:
        """Why, in one or two lines (``Verdict.reason``): the failed classes with their
        trials, the triptans, the debilitating days, and what is still missing."""
        counted = self.counted_groups()
        n = len(counted)
        failed = failed_with_trials([r for r in self.failures if r.group in counted])
        classes = f"{_count(n, 'class', 'es')} failed ({self.groups_required} needed)" + (
            f": {', '.join(failed)}" if failed else ""
        )
        uncounted = failed_with_trials([r for r in self.failures if r.group not in counted])
        if uncounted:  # onabotulinumtoxinA where it is not required (section 4)
            classes += (
                f"; {', '.join(uncounted)} failed too, not counted (required only in "
                "chronic migraine)"
            )
        t = self.triptans
        if t.contraindicated:
            triptans = "triptans contraindicated (" + ", ".join(t.failed_triptans) + ")"
        else:
            k = len(t.failed_triptans)
            needed = "" if t.status == MET else f" ({TRIPTANS_REQUIRED} needed)"
            triptans = f"{_count(k, 'triptan', 's')} failed{needed}" + (
                f": {', '.join(t.failed_triptans)}" if t.failed_triptans else ""
            )
        parts = [classes]
        if n < self.groups_required:
            still = list(dict.fromkeys(r.group for r in self.short_of_failure))
            barred = set(barred_groups(self.short_of_failure))
            maybe = self.botox is not None and self.botox.status == UNDETERMINED
            names = [
                group_label(g)
                + (" (barred)" if g in barred else "")
                + (
                    " (if required: chronic migraine undetermined)"
                    if maybe and g == BOTOX_CLASS
                    else ""
                )
                for g in still
            ]
            k = self.groups_required - n
            if self.tier == "resistant":
                need = f"needs {_count(k, 'more failed class', 'es')} among: "
            else:
                need = f"needs {_count(k, 'more failed class', 'es')}: "
            parts.append(need + ", ".join(names))
        parts.append(triptans)
        if t.status != MET:
            k = TRIPTANS_REQUIRED - len(t.failed_triptans)
            parts.append(f"needs {_count(k, 'more failed triptan', 's')}")
        parts.append(months_reason(self.months))
        return "; ".join(parts) + "."

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
        return Verdict.of(
            self,
            f"{self.tier}_migraine",
            columns=columns,
            months=tuple(m.marks(columns) for m in self.months),
            details=self.details(),
            evidence=tuple(lines),
            reason=self.reason(),
        )

    def to_dict(self) -> dict[str, Any]:
        extra = {"onabotulinumtoxinA_required": self.botox.to_dict()} if self.botox else {}
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
            **extra,
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
    chronic: ChronicMigraine | None = None,
    intakes: Sequence[Intake] = (),
    earlier: Mapping[str, Sequence[int]] | None = None,
) -> EhfVerdict:
    records, groups = ehf_classes(trials, as_of, catalogue)
    n_months = RESISTANT_MONTHS if tier == "resistant" else REFRACTORY_MONTHS
    failed_groups = tuple(g for g in groups if any(r.failed for r in records if r.group == g))
    failed_classes = tuple(r.class_id for r in records if r.failed)
    triptans = triptan_condition(trials, as_of, catalogue, intakes, earlier)

    botox: BotoxRequirement | None = None
    if tier == "resistant":
        required = RESISTANT_CLASSES
        # EHF 2020: failed classes AND triptan condition AND >=8 debilitating days/month.
        classes_status = fact(len(failed_groups) >= required)
        wanted = list(groups)
    else:
        # EHF 2020 "all available classes"; onabotulinumtoxinA only when required (the
        # project's reading, docs/criteria.md section 4), itself three-valued.
        botox = botox_requirement(chronic or chronic_migraine(months, as_of), as_of)
        others = [g for g in groups if g != BOTOX_CLASS]
        botox_ok = fact(BOTOX_CLASS not in groups or BOTOX_CLASS in failed_groups)
        classes_status = and3(
            fact(all(g in failed_groups for g in others)), or3(botox_ok, not3(botox.status))
        )
        wanted = others if botox.status == NOT_MET else list(groups)
        required = len(wanted)
    short = tuple(r for r in records if r.group not in failed_groups and r.group in wanted)

    win = window(months, as_of, n_months)
    evidence = tuple(debilitating_month(m) for m in win)
    months_status = all_of(e.status for e in evidence)
    status = and3(classes_status, triptans.status, months_status)

    span = f"{evidence[0].month} to {evidence[-1].month}"
    counted = [g for g in failed_groups if g in wanted]
    n_failed = len(counted)
    # onabotulinumtoxinA where it is not required: failed, named, but not counted
    uncounted = "" if len(counted) == len(failed_groups) else (
        f" ({', '.join(g for g in failed_groups if g not in wanted)} failed too, not "
        "counted: required only in chronic migraine)"
    )  # fmt: skip
    counted_classes = [r.class_id for r in records if r.failed and r.group in wanted]
    done = [
        f"{_count(n_failed, 'preventive class', 'es')} failed ({required} needed)"
        + (f": {', '.join(_group_names(counted, counted_classes))}" if counted_classes else "")
        + uncounted,
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
            still_groups = list(dict.fromkeys(r.group for r in short))
            undecided = classes_status == UNDETERMINED  # only Botox's requirement decides
            k = len(still_groups) if tier == "refractory" else required - len(failed_groups)
            still = _group_names(still_groups, [r.class_id for r in short])
            if undecided:
                missing.append(
                    "onabotulinumtoxinA decides: it is required only if chronic migraine is "
                    f"met as of {as_of.isoformat()} (or the diary shows a past chronic run), "
                    "and that is undetermined"
                )
            else:
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
    if tier == "resistant":
        classes = f"at least 3 of the {len(groups)}"
    else:
        classes = (
            f"all of the {len(groups)}"
            " (onabotulinumtoxinA only in chronic migraine: met as of the date or a past "
            "chronic run in the diary, the project's reading of the PREEMPT evidence)"
        )
    method = (
        f"{classes} EHF preventive classes failed (CGRP monoclonal antibodies and "
        "preventive gepants are one class; failure = ineffective after an adequate trial, "
        "not tolerated or contraindicated; paused and unavailable are never failures), at "
        "least 2 different triptans failed (unless contraindicated), and at least 8 "
        f"debilitating days in each of the {n_months} most recent complete calendar "
        "months. 'Intractable' (ICD-10-CM G43.x1) has no numeric definition; the tool maps "
        "it to the EHF resistant and refractory tiers"
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
        botox=botox,
    )


def resistant_migraine(
    months: Sequence[MonthCounts],
    trials: Sequence[Trial],
    as_of: date,
    catalogue: Catalogue,
    intakes: Sequence[Intake] = (),
    earlier: Mapping[str, Sequence[int]] | None = None,
) -> EhfVerdict:
    """EHF 2020 resistant migraine (docs/criteria.md section 4): >=3 failed EHF
    classes AND the triptan condition AND >=8 debilitating days in each of the 3 most
    recent complete months. Class failures are facts; the months are three-valued."""
    return _ehf("resistant", months, trials, as_of, catalogue, None, intakes, earlier)


def refractory_migraine(
    months: Sequence[MonthCounts],
    trials: Sequence[Trial],
    as_of: date,
    catalogue: Catalogue,
    chronic: ChronicMigraine | None = None,
    intakes: Sequence[Intake] = (),
    earlier: Mapping[str, Sequence[int]] | None = None,
) -> EhfVerdict:
    """EHF 2020 refractory migraine: every EHF class failed AND the triptan condition
    AND >=8 debilitating days in each of the 6 most recent complete months.
    OnabotulinumtoxinA is one of "every class" only when ``botox_requirement`` is met
    (chronic migraine met as of the date, or a past chronic run); undetermined when that
    is undetermined and Botox decides. ``chronic`` defaults to ICHD-3 1.3 over
    ``months``."""
    return _ehf("refractory", months, trials, as_of, catalogue, chronic, intakes, earlier)
