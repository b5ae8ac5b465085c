"""The data of the reports: plain, JSON-shaped dictionaries, no printing, no database.

Everything here is computed from what ``evaluate_all`` already has: the month counts of
its one ``monthly_counts`` pass, the trials and the verdicts. Trial response is
``rules.trials.trial_response`` (docs/criteria.md section 7), adequacy is
``rules.trials.adequacy`` (section 6); nothing clinical is re-implemented here.

Choices made here (also in the README):

- A report covers the ``N`` calendar months up to the as-of month, never earlier than
  the diary start month; the as-of month is included "so far" (``complete`` false).
- A preventive trial is active in a month when it ran on at least one day of it (as of
  the as-of date: an ongoing trial runs to the as-of date). Only trials of kind
  ``preventive`` count as preventives (not procedures, devices or behavioural therapy).
- ``at_threshold`` names what reached a threshold in a month: ``headache_days`` (>=15,
  ICHD-3 1.3 A / 8.2 A), ``migraine_days`` (>=8, ICHD-3 1.3 C), ``debilitating_days``
  (>=8, EHF 2020), ``<class>_days`` for an acute class at or over its ICHD-3 8.2 limit
  in days of intake, ``8.2.6`` (>=10 days of several 8.2.1-8.2.5 classes together) and
  ``8.2.8`` (>=10 days of gepants and ditans together when both were taken). A month
  at a threshold is not a verdict: the verdicts need 3 (or 6) months.
- Calendar days: ``untracked`` (before the diary start or inside a gap), ``none`` (a
  tracked day without headache, logged or not), ``aura`` (an aura without headache,
  ICHD-3 1.2.1.2: not a headache day), else the logged severity; ``migraine``
  and ``acute_medication`` mark the day's classification and any acute intake.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from migrainecli.models import KINDS, DiaryData, Trial
from migrainecli.reports.payer import payer_section, signed_percent
from migrainecli.rules.chronic import CM_HEADACHE_DAYS, CM_MIGRAINE_DAYS
from migrainecli.rules.day import classify_day
from migrainecli.rules.ehf import EHF_DEBILITATING_DAYS
from migrainecli.rules.months import (
    POOL_SUBTYPE,
    SINGLE_CLASS_SUBTYPES,
    MonthCounts,
    add_months,
    diary_start,
    month_label,
    monthly_counts,
    threshold_status,
)
from migrainecli.rules.overuse import MOH_THRESHOLDS, subtype_mark
from migrainecli.rules.trials import (
    adequacy,
    adequacy_label,
    as_of_view,
    is_unavailable,
    trial_response,
)
from migrainecli.rules.verdicts import DISCLAIMER, Mark

if TYPE_CHECKING:  # pragma: no cover - typing only
    from migrainecli.catalogue import Catalogue
    from migrainecli.rules.criteria import StatusReport

SUMMARY_MONTHS = 12
# Both charts of the summary cover the months of its tables; only the complete ones are
# drawn (the month so far is said in words: drawn, a few days would look like a drop).
CHART_MONTHS = SUMMARY_MONTHS
# The summary sections ``summary --section NAME`` prints alone (each renderer has one
# function per name: terminal.SECTION_RENDERERS, longcsv.SECTION_ROWS, html.SECTION_HTML).
SUMMARY_SECTIONS = ("payer",)
RESPONSE_SOURCE = "Tassorelli et al., Cephalalgia 2018 (docs/criteria.md section 7)"
THRESHOLDS = {
    "headache_days": CM_HEADACHE_DAYS,  # ICHD-3 1.3 A and 8.2 A
    "migraine_days": CM_MIGRAINE_DAYS,  # ICHD-3 1.3 C
    "debilitating_days": EHF_DEBILITATING_DAYS,  # EHF 2020
}


# -- small pieces ---------------------------------------------------------------------
def acute_classes(catalogue: Catalogue) -> list[str]:
    """Every acute class id, in catalogue order (the ``<class>_days`` columns)."""
    return [c.id for c in catalogue.classes.values() if c.kind == "acute"]


def class_limits(catalogue: Catalogue) -> dict[str, tuple[str, int]]:
    """{acute class id: (ICHD-3 8.2 subtype, limit in days of intake per month)}."""
    return {
        c.id: (c.moh, MOH_THRESHOLDS[c.moh])
        for c in catalogue.classes.values()
        if c.kind == "acute" and c.moh in MOH_THRESHOLDS
    }


def class_labels(catalogue: Catalogue) -> dict[str, str]:
    return {c.id: c.label for c in catalogue.classes.values()}


def preventive_views(trials: Iterable[Trial], as_of: date) -> list[Trial]:
    """Preventive trials as they stood on ``as_of`` (started by then), oldest first.
    ``unavailable`` records are left out: the therapy was never taken (no band, no
    response; docs/criteria.md section 4b)."""
    views = []
    for t in sorted(trials, key=lambda t: (t.start, t.id or 0)):
        if t.kind != "preventive" or is_unavailable(t, as_of):
            continue
        view = as_of_view(t, as_of)
        if view is not None:
            views.append(view)
    return views


def _months_between(first: tuple[int, int], last: tuple[int, int]) -> list[tuple[int, int]]:
    keys = []
    key = first
    while key <= last:
        keys.append(key)
        key = add_months(*key, 1)
    return keys


def active_by_month(
    views: Sequence[Trial], first: tuple[int, int], last: tuple[int, int], as_of: date
) -> dict[tuple[int, int], list[str]]:
    """{month key: names of the preventive trials that ran on a day of that month},
    for the months ``first..last``. Each trial walks only its own months."""
    out: dict[tuple[int, int], list[str]] = {}
    for t in views:
        end = t.end or as_of
        lo = max((t.start.year, t.start.month), first)
        hi = min((end.year, end.month), last)
        for key in _months_between(lo, hi):
            names = out.setdefault(key, [])
            if t.therapy not in names:
                names.append(t.therapy)
    return out


def month_marks(m: MonthCounts, limits: dict[str, tuple[str, int]]) -> dict[str, Mark]:
    """Every threshold of month ``m`` with its mark, by the verdicts' three-valued rule
    (``threshold_status``; ICHD-3 8.2.6 through the overuse verdict's own
    ``applicability``). Keys as in ``at_threshold`` (see the module docstring)."""
    u = m.untracked_days
    out = {name: Mark(threshold_status(getattr(m, name), u, t)) for name, t in THRESHOLDS.items()}
    for class_id, (_code, limit) in limits.items():  # ICHD-3 8.2: days of intake
        out[f"{class_id}_days"] = Mark(threshold_status(m.class_days.get(class_id, 0), u, limit))
    out[POOL_SUBTYPE] = subtype_mark(POOL_SUBTYPE, m)
    other = [c for c, (code, _) in limits.items() if code == "8.2.8" and m.class_days.get(c)]
    if len(other) >= 2:  # ICHD-3 8.2.8, gepants and ditans together
        pooled = m.moh_days.get("8.2.8", 0)
        out["8.2.8"] = Mark(threshold_status(pooled, u, MOH_THRESHOLDS["8.2.8"]))
    return out


def at_threshold(m: MonthCounts, limits: dict[str, tuple[str, int]]) -> list[str]:
    """What reached a threshold in month ``m`` (see the module docstring)."""
    return [name for name, mark in month_marks(m, limits).items() if mark is Mark.MET]


def _mark_lists(marks: dict[str, Mark]) -> dict[str, list[str]]:
    """``at_threshold`` (▲), ``undetermined`` (? untracked days could reach it) and
    ``does_not_apply`` (– ICHD-3 8.2.6 ruled out by its own condition)."""
    return {
        "at_threshold": [n for n, mark in marks.items() if mark is Mark.MET],
        "undetermined": [n for n, mark in marks.items() if mark is Mark.UNDETERMINED],
        "does_not_apply": [n for n, mark in marks.items() if mark is Mark.DOES_NOT_APPLY],
    }


def month_head(m: MonthCounts) -> dict[str, Any]:
    """What every month of a report or chart says first: which month, how much of it
    is tracked, its headache and migraine days."""
    return {
        "month": m.label,
        "complete": m.complete,
        "days_in_month": m.days_in_month,
        "elapsed_days": m.elapsed_days,
        "tracked_days": m.tracked_days,
        "untracked_days": m.untracked_days,
        "headache_days": m.headache_days,
        "migraine_days": m.migraine_days,
    }


def month_dict(
    m: MonthCounts,
    acute_ids: Sequence[str],
    limits: dict[str, tuple[str, int]],
    preventives: dict[tuple[int, int], list[str]],
) -> dict[str, Any]:
    """One month of the report."""
    return {
        **month_head(m),
        "probable_migraine_days": m.probable_migraine_days,
        "debilitating_days": m.debilitating_days,
        "acute_medication_days": m.acute_medication_days,
        "class_days": {c: m.class_days.get(c, 0) for c in acute_ids},
        "moh_days": dict(m.moh_days),
        "active_preventives": list(preventives.get(m.key, ())),
        **_mark_lists(month_marks(m, limits)),
    }


def shown_months(months: Sequence[MonthCounts], as_of: date, n: int) -> list[MonthCounts]:
    """The last ``n`` calendar months up to the as-of month (never before the diary)."""
    first = add_months(as_of.year, as_of.month, -(n - 1))
    return [m for m in months if m.key >= first]


# -- export monthly (docs/interface.md monthly.csv) ------------------------------------------
def monthly_columns(acute_ids: Sequence[str]) -> tuple[str, ...]:
    from migrainecli.csvformat import MONTHLY_COLUMNS  # the file format; not for status

    return (*MONTHLY_COLUMNS, *(f"{c}_days" for c in acute_ids), "active_preventives")


def monthly_table(
    data: DiaryData, as_of: date, catalogue: Catalogue
) -> tuple[tuple[str, ...], list[list[Any]]]:
    """docs/interface.md ``monthly.csv``: one row per calendar month from the diary start
    month to the as-of month (the last row is that month so far)."""
    return monthly_rows(monthly_counts(data, as_of, catalogue), data, as_of, catalogue)


def monthly_rows(
    months: Sequence[MonthCounts], data: DiaryData, as_of: date, catalogue: Catalogue
) -> tuple[tuple[str, ...], list[list[Any]]]:
    """``monthly_table`` over month counts already made (``StatusReport.months``), so that
    a caller that evaluates the diary too (the cohort record) counts it once."""
    acute_ids = acute_classes(catalogue)
    columns = monthly_columns(acute_ids)
    if not months:
        return columns, []
    active = active_by_month(
        preventive_views(data.trials, as_of), months[0].key, months[-1].key, as_of
    )
    rows = []
    for m in months:
        rows.append(
            [
                m.label,
                m.tracked_days,
                m.untracked_days,
                m.headache_days,
                m.migraine_days,
                m.debilitating_days,
                m.acute_medication_days,
                *(m.class_days.get(c, 0) for c in acute_ids),
                "; ".join(active.get(m.key, ())),
            ]
        )
    return columns, rows


def export_monthly(diary) -> tuple[tuple[str, ...], list[list[Any]]]:
    """``export monthly`` (``csvio.FILE_KINDS``, which imports this module; this module
    imports only the format layer, ``csvformat``): the diary as of today."""
    from migrainecli.catalogue import load_catalogue

    return monthly_table(diary.load(), date.today(), load_catalogue())


# -- calendar heatmap -----------------------------------------------------------------
def calendar(
    data: DiaryData,
    months: Sequence[MonthCounts],
    as_of: date,
    catalogue: Catalogue | None = None,
    *,
    cycles: bool = False,
) -> list[dict]:
    """One entry per month of ``months``, one cell per elapsed day (to ``as_of``).

    With ``cycles`` a cell in a menstrual window (days −2 to +3 of a recorded period,
    ICHD-3 A1.1) has ``window`` true; without it no cell says anything of periods."""
    if not months:
        return []
    first = date(months[0].year, months[0].month, 1)
    start = diary_start(data) or first
    gaps = [(g.start, g.end) for g in data.gaps if g.end >= first and g.start <= as_of]
    days = {d.date: d for d in data.days if first <= d.date <= as_of}
    intakes: dict[date, list] = defaultdict(list)
    for i in data.intakes:
        if first <= i.date <= as_of:
            intakes[i.date].append(i)
    windows: set[date] = set()
    if cycles:
        from migrainecli.rules.menstrual import window_dates

        windows = window_dates([p.date for p in data.periods], as_of)
    out = []
    for m in months:
        cells = []
        for n in range(1, m.elapsed_days + 1):
            d = date(m.year, m.month, n)
            if d < start or any(s <= d <= e for s, e in gaps):
                cells.append(
                    {
                        "date": d.isoformat(),
                        "state": "untracked",
                        "migraine": False,
                        "acute_medication": False,
                    }
                )
                if cycles:
                    cells[-1]["window"] = d in windows
                continue
            day = days.get(d)
            taken = intakes.get(d, ())
            state, migraine = "none", False
            if day is not None:
                verdict = classify_day(day, taken, catalogue)
                if verdict.headache:
                    state, migraine = day.severity, verdict.migraine
                elif verdict.aura_only:  # ICHD-3 1.2.1.2: aura without headache
                    state = "aura"
            cells.append(
                {
                    "date": d.isoformat(),
                    "state": state,
                    "migraine": migraine,
                    "acute_medication": bool(taken),
                }
            )
            if cycles:
                cells[-1]["window"] = d in windows
        out.append({"month": m.label, "days": cells})
    return out


# -- trials ---------------------------------------------------------------------------
def _duration_text(days: int) -> str:
    weeks, rest = divmod(days, 7)
    if weeks == 0:
        return f"{days} day{'s' if days != 1 else ''}"
    return f"{days} days ({weeks} wk{f' {rest} d' if rest else ''})"


def months_for(trial: Trial, months: Sequence[MonthCounts]) -> Sequence[MonthCounts]:
    """The slice of ``months`` (consecutive, oldest first) that ``trial_response`` reads
    for ``trial``: from 3 months before its start month to its end month, or to the
    last month for an ongoing trial. Gives the same response as the whole list at a
    cost that does not grow with the length of the diary."""
    if not months:
        return months
    first = months[0].year * 12 + months[0].month - 1

    def index(year: int, month: int) -> int:
        return year * 12 + month - 1 - first

    lo = max(0, index(*add_months(trial.start.year, trial.start.month, -3)))
    if trial.end is None:
        return months[lo:]
    return months[lo : max(lo, index(trial.end.year, trial.end.month) + 1)]


def trial_responses(
    views: Sequence[Trial], months: Sequence[MonthCounts], as_of: date, catalogue: Catalogue
) -> list[dict[str, Any]]:
    """docs/criteria.md section 7 for every preventive trial (``trial_response``),
    with the trial's dose, outcome, duration and adequacy as of ``as_of``."""
    out = []
    for view in views:
        r = trial_response(view, months_for(view, months)).to_dict()
        a = adequacy(view, as_of, catalogue)
        r.update(
            {
                "kind": view.kind,
                "dose": view.dose,
                "outcome": view.outcome,
                "reason_stopped": view.reason,
                "duration_days": a.duration_days,
                "adequate": a.adequate,
            }
        )
        out.append(r)
    return out


def bands(
    views: Sequence[Trial], shown: Sequence[MonthCounts], as_of: date
) -> list[dict[str, Any]]:
    """The preventive trials that ran during the months shown, with those months."""
    if not shown:
        return []
    first, last = shown[0].key, shown[-1].key
    out = []
    for t in views:
        end = t.end or as_of
        lo = max((t.start.year, t.start.month), first)
        hi = min((end.year, end.month), last)
        if lo > hi:
            continue
        out.append(
            {
                "therapy": t.therapy,
                "class": t.class_id,
                "start": t.start.isoformat(),
                "end": t.end.isoformat() if t.end else None,
                "months": [month_label(*k) for k in _months_between(lo, hi)],
            }
        )
    return out


# -- report ---------------------------------------------------------------------------
def verdict_brief(criteria: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for key, c in criteria.items():
        brief = {"status": c["status"], "source": c["source"]}
        if c.get("assessed") is False:
            brief["status"] = "not_assessed"
        if "subtypes" in c:
            brief["subtypes"] = c["subtypes"]
        if "guidance" in c:  # the payer step rule carries the AHS 2024 line everywhere
            brief["guidance"] = c["guidance"]
        if c.get("subtype"):
            brief["subtypes"] = [c["subtype"]]
        out[key] = brief
    return out


def build_report(
    data: DiaryData,
    status: StatusReport,
    as_of: date,
    catalogue: Catalogue,
    n_months: int = 12,
    status_dict: dict[str, Any] | None = None,
    *,
    cycles: bool = True,
) -> dict[str, Any]:
    """Everything ``report`` shows (and ``report --json`` prints). ``cycles`` False
    leaves the menstrual windows out of the calendar (the summary without
    --include-cycles)."""
    sd = status_dict if status_dict is not None else status.to_dict()
    months = list(status.months)
    shown = shown_months(months, as_of, n_months)
    acute_ids = acute_classes(catalogue)
    limits = class_limits(catalogue)
    views = preventive_views(data.trials, as_of)
    active = active_by_month(views, shown[0].key, shown[-1].key, as_of) if shown else {}
    overuse = sd["criteria"]["medication_overuse"]
    return {
        "as_of": as_of.isoformat(),
        "months_requested": n_months,
        "period": {
            "from": shown[0].label if shown else None,
            "to": shown[-1].label if shown else None,
        },
        "diary": sd["diary"],
        "thresholds": {
            **THRESHOLDS,
            "acute_classes": {c: {"subtype": code, "days": t} for c, (code, t) in limits.items()},
            "8.2.6": MOH_THRESHOLDS[POOL_SUBTYPE],
            "8.2.8": MOH_THRESHOLDS["8.2.8"],
        },
        "verdicts": verdict_brief(sd["criteria"]),
        "overuse_warning": overuse.get("warning"),
        "months": [month_dict(m, acute_ids, limits, active) for m in shown],
        "calendar": calendar(data, shown, as_of, catalogue, cycles=cycles and bool(data.periods)),
        "bands": bands(views, shown, as_of),
        "trials": trial_responses(views, months, as_of, catalogue),
        "scores": sd["scores"],
    }


# -- summary --------------------------------------------------------------------------
def short_response_note(r: dict[str, Any], diary_start: str | None = None) -> str:
    """Why a trial response has no number, in a few words (``note`` has it in full)."""
    if diary_start and r["end"] and r["end"] < diary_start:
        return "ended before the diary started"
    parts = []
    if not r["baseline_months"]:
        parts.append("no diary month in the 3 months before the start month")
    if not r["treated_months"]:
        parts.append(
            "no complete month on it yet (counted from the 3rd month)"
            if r["end"] is None
            else "no complete diary month on it (from its 3rd month to the month before the end)"
        )
    elif r["baseline_months"] and r["reduction_percent"] is None:
        parts.append("a baseline of 0 migraine days: no reduction to compute")
    if "lower bound" in (r["note"] or ""):
        parts.append("months with untracked days: counts are lower bounds")
    return "; ".join(parts)


def _response_text(r: dict[str, Any], diary_start: str | None = None) -> str:
    b, t = r["baseline_migraine_days"], r["treated_migraine_days"]
    if b is None or t is None:
        known = ""
        if b is not None:
            known = f"baseline {b:g} migraine days/month; "
        elif t is not None:
            known = f"on it {t:g} migraine days/month; "
        return known + "not computable: " + short_response_note(r, diary_start)
    text = f"{b:g} → {t:g} migraine days/month"
    if r["reduction_percent"] is not None:
        text += f", {signed_percent(r['reduction_percent'])}"
        text += ", responder" if r["responder"] else ", not a responder"
    return text


def _trial_row(
    t: Trial, as_of: date, catalogue: Catalogue, labels: dict[str, str]
) -> dict[str, Any]:
    view = as_of_view(t, as_of) or t
    a = adequacy(t, as_of, catalogue)
    return {
        "agent": t.therapy,
        "class": t.class_id,
        "class_label": labels.get(t.class_id, t.class_id),
        "kind": t.kind,
        "dose": t.dose,
        "start": t.start.isoformat(),
        "stop": view.end.isoformat() if view.end else None,
        "duration_days": a.duration_days,
        "duration": _duration_text(a.duration_days),
        "outcome": view.outcome,
        "reason_stopped": t.reason,
        "adequate": a.adequate,
        # False for an unavailable record: never taken, so adequacy does not apply
        "adequacy_applies": not is_unavailable(t, as_of),
        "adequacy_label": adequacy_label(a, view.outcome, not is_unavailable(t, as_of)),
        "adequacy": a.reason,
        "failed": a.failed,
    }


def _completeness(tracked: int, untracked: int) -> float | None:
    total = tracked + untracked
    return round(100 * tracked / total, 1) if total else None


def build_summary(
    data: DiaryData,
    status: StatusReport,
    as_of: date,
    catalogue: Catalogue,
    settings: dict[str, str] | None = None,
    *,
    include_cycles: bool = False,
) -> dict[str, Any]:
    """Everything the clinician summary shows, in every format.

    Period dates are health data of their own (docs/criteria.md section 9): the
    summary shows the menstrual migraine verdict only, and the cycles (period starts and
    windows) only with ``include_cycles``."""
    settings = settings or {}
    sd = status.to_dict()
    report = build_report(data, status, as_of, catalogue, SUMMARY_MONTHS, sd, cycles=include_cycles)
    labels = class_labels(catalogue)
    limits = class_limits(catalogue)
    months = report["months"]

    # The trend chart: up to CHART_MONTHS months, with the preventive bands.
    chart_shown = shown_months(status.months, as_of, CHART_MONTHS)
    views = preventive_views(data.trials, as_of)
    chart = {
        "months": [month_head(m) for m in chart_shown],
        "bands": bands(views, chart_shown, as_of),
    }

    responses = iter(report["trials"])  # one per preventive view, in the same order
    preventive, other = [], []
    for t in sorted(data.trials, key=lambda t: (t.start, t.id or 0)):
        if t.start > as_of:
            continue
        row = _trial_row(t, as_of, catalogue, labels)
        if t.kind == "preventive":
            r = None if is_unavailable(t, as_of) else next(responses, None)
            if r is not None:
                row["response"] = {
                    k: r[k]
                    for k in (
                        "baseline_migraine_days",
                        "treated_migraine_days",
                        "reduction_percent",
                        "responder",
                        "baseline_months",
                        "treated_months",
                        "note",
                    )
                }
                row["response_text"] = _response_text(r, sd["diary"]["start"])
            preventive.append(row)
        else:
            other.append(row)

    used = [c for c in acute_classes(catalogue) if any(m["class_days"].get(c, 0) for m in months)]
    show_pool = any(POOL_SUBTYPE in m["at_threshold"] for m in months) or any(
        sum(1 for code in SINGLE_CLASS_SUBTYPES if m["moh_days"].get(code, 0)) >= 2 for m in months
    )
    acute = {
        "classes": [
            {
                "class": c,
                "label": labels.get(c, c),
                "subtype": limits[c][0] if c in limits else None,
                "limit": limits[c][1] if c in limits else None,
            }
            for c in used
        ],
        "pool": (
            {"subtype": POOL_SUBTYPE, "limit": MOH_THRESHOLDS[POOL_SUBTYPE]} if show_pool else None
        ),
        "months": [
            {
                "month": m["month"],
                "complete": m["complete"],
                "days_in_month": m["days_in_month"],
                "elapsed_days": m["elapsed_days"],
                "tracked_days": m["tracked_days"],
                "headache_days": m["headache_days"],
                "acute_medication_days": m["acute_medication_days"],
                "days": {c: m["class_days"].get(c, 0) for c in used},
                "pool_days": m["moh_days"].get(POOL_SUBTYPE, 0),
                "at_threshold": m["at_threshold"],
                "undetermined": m["undetermined"],
                "does_not_apply": m["does_not_apply"],
            }
            for m in months
        ],
    }

    untried, inadequate, barred, untried_notes = untried_lists(data, as_of, catalogue)
    shown = shown_months(status.months, as_of, SUMMARY_MONTHS)
    payer = payer_section(
        status.months,
        shown,
        as_of,
        report["trials"],
        [short_response_note(r, sd["diary"]["start"]) for r in report["trials"]],
        summary_scores(sd["scores"]),
    )

    diary = sd["diary"]
    tracked_12 = sum(m["tracked_days"] for m in months)
    untracked_12 = sum(m["untracked_days"] for m in months)
    start = status.start
    if start is not None and months and months[0]["month"] == month_label(start.year, start.month):
        untracked_12 -= start.day - 1  # days before the diary start are not missing days
    patient = {}
    if settings.get("name"):
        patient["name"] = settings["name"]
    if settings.get("dob"):
        patient["date_of_birth"] = settings["dob"]
    verdicts = [v.to_dict() for v in status.verdicts()]
    return {
        "title": "Migraine diary summary",
        "as_of": as_of.isoformat(),
        "patient": patient,
        "period": {
            "diary_start": diary["start"],
            "as_of": as_of.isoformat(),
            "tracked_days": diary["tracked_days"],
            "untracked_days": diary["untracked_days"],
            "completeness_percent": _completeness(diary["tracked_days"], diary["untracked_days"]),
            "last_months": {
                "from": report["period"]["from"],
                "to": report["period"]["to"],
                "months": len(months),
                "tracked_days": tracked_12,
                "untracked_days": untracked_12,
                "completeness_percent": _completeness(tracked_12, untracked_12),
            },
        },
        "verdicts": verdicts,
        "overuse_warning": report["overuse_warning"],
        "months": months,
        "calendar": report["calendar"],
        "chart": chart,
        "preventive_history": preventive,
        "other_treatments": other,
        "acute_medication": acute,
        "payer": payer.to_dict(),
        "untried": untried,
        "barred": barred,
        "inadequate": inadequate,
        "untried_notes": untried_notes,
        "thresholds": report["thresholds"],
        "scores": payer.scores,
        "cycles": (
            [
                {"start": c["start"], "window": c["window"], "window_status": c["window_status"]}
                for c in sd["criteria"]["menstrual_migraine"]["cycles"]
            ]
            if include_cycles
            else None
        ),
        "disclaimer": DISCLAIMER,
    }


def untried_lists(
    data: DiaryData, as_of: date, catalogue: Catalogue
) -> tuple[dict[str, list[dict[str, Any]]], list[dict[str, Any]], list[dict[str, Any]], list[str]]:
    """The summary's "classes not tried yet": ``rules.untried.untried_classes``, the core
    of ``untried``, in the same words (an acute class taken without a trial says on how
    many days). Returns (untried by kind, inadequate, barred, the diary notes)."""
    from migrainecli.rules.untried import (
        barred_trial,
        diary_notes,
        inadequate_trial,
        untried_classes,
        untried_name,
    )

    core = untried_classes(data.trials, data.intakes, as_of, catalogue, data.history)
    labels = class_labels(catalogue)
    untried: dict[str, list[dict[str, Any]]] = {}
    for e in sorted(core["untried"], key=lambda e: KINDS.index(e["kind"])):
        untried.setdefault(e["kind"], []).append(
            {
                "class": e["class"],
                "label": untried_name(e, labels),
                "intake_days": e.get("intake_days", 0),
            }
        )

    def listed(key: str, line) -> list[dict[str, Any]]:
        return [
            {
                "class": e["class"],
                "label": labels.get(e["class"], e["class"]),
                "kind": e["kind"],
                "trials": [line(t) for t in e["trials"]],
            }
            for e in core[key]
        ]

    notes = diary_notes(e for v in core.values() for e in v)
    return untried, listed("inadequate", inadequate_trial), listed("barred", barred_trial), notes


def summary_scores(scores: dict[str, Any]) -> dict[str, Any]:
    """The disability scores of the summary's payer section: per instrument the first,
    latest and change lines, and each MIDAS item of the first and latest score (payers
    ask for each item, e.g. for onabotulinumtoxinA renewals)."""
    from migrainecli.rules.scores import INSTRUMENT_NAMES, MIDAS_ITEMS, change_line

    out: dict[str, Any] = {"lines": [], "midas_items": []}
    for key, name in INSTRUMENT_NAMES.items():
        entry = scores.get(key)
        if entry is None:
            out["lines"].append(f"{name}: none recorded")
            continue
        out["lines"].append(change_line(entry, name))
    midas = scores.get("midas")
    if midas is not None:
        first, latest = midas["first"], midas["latest"]
        for name, label in MIDAS_ITEMS:
            out["midas_items"].append(
                {
                    "item": name,
                    "label": label,
                    "first": first["items"][name],
                    "latest": latest["items"][name],
                }
            )
        out["midas_dates"] = {"first": first["date"], "latest": latest["date"]}
    out["by_instrument"] = scores
    return out
