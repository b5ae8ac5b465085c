"""The clinician summary as long-format CSV: ``section,item,value,source``.

One figure per row so another program can read every number of the summary. Items
are slash-separated paths (``chronic_migraine/2026-08/headache_days``); ``source``
names where the value comes from: the criterion (``ICHD-3 1.3``), the ``diary``, the
``settings``, or the rule document. Written with the csv module through
``csvformat.write_csv`` (RFC 4180, formula-looking cells neutralised, booleans 1/0).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

from migrainecli.reports.data import RESPONSE_SOURCE
from migrainecli.rules.verdicts import CSV_MARKS

COLUMNS = ("section", "item", "value", "source")
ADEQUACY_SOURCE = "docs/criteria.md section 6"
MONTH_FIELDS = (
    "complete",
    "tracked_days",
    "untracked_days",
    "headache_days",
    "migraine_days",
    "probable_migraine_days",
    "debilitating_days",
    "acute_medication_days",
)
TRIAL_FIELDS = (
    "agent",
    "class",
    "kind",
    "dose",
    "start",
    "stop",
    "duration_days",
    "outcome",
    "reason_stopped",
)
RESPONSE_FIELDS = (
    "baseline_migraine_days",
    "treated_migraine_days",
    "reduction_percent",
    "responder",
    "note",
)

Row = tuple[str, str, Any, str]


SCORE_SOURCES = {"midas": "MIDAS (Stewart 2001)", "hit6": "HIT-6 (Kosinski 2003)"}


def summary_rows(s: dict[str, Any]) -> Iterator[Row]:
    """Every figure of the summary as (section, item, value, source)."""
    yield ("summary", "title", s["title"], "")
    yield ("summary", "as_of", s["as_of"], "")
    for key, value in s["patient"].items():
        yield ("summary", f"patient_{key}", value, "settings")
    per = s["period"]
    for key in ("diary_start", "tracked_days", "untracked_days", "completeness_percent"):
        yield ("summary", key, per[key], "diary")
    for key, value in per["last_months"].items():
        yield ("summary", f"last_months/{key}", value, "diary")

    for v in s["verdicts"]:
        key, src = v["key"], v["source"]
        yield ("verdict", key, v["status"], src)
        yield ("verdict", f"{key}/title", v["title"], src)
        if v["reason"]:
            yield ("verdict", f"{key}/reason", v["reason"], src)
        yield ("verdict", f"{key}/explanation", v["explanation"], src)
        for i, line in enumerate(v["details"], 1):
            yield ("verdict", f"{key}/detail/{i}", line, src)
        yield ("verdict", f"{key}/method", v["method"], src)
        for e in v["evidence"]:
            base = f"{key}/{e['month']}"
            yield ("evidence", f"{base}/status", e["status"], src)
            yield ("evidence", f"{base}/untracked_days", e["untracked_days"], "diary")
            for c in e["checks"]:
                yield ("evidence", f"{base}/{c['name']}", c["count"], "diary")
                yield ("evidence", f"{base}/{c['name']}/threshold", c["threshold"], src)
                if c.get("upper") is not None:
                    yield ("evidence", f"{base}/{c['name']}/upper", c["upper"], src)
                yield ("evidence", f"{base}/{c['name']}/check", CSV_MARKS[c["mark"]], src)
    if s.get("overuse_warning"):
        yield ("verdict", "medication_overuse/warning", s["overuse_warning"], "ICHD-3 8.2")

    for m in s["months"]:
        for key in MONTH_FIELDS:
            yield ("month", f"{m['month']}/{key}", m[key], "diary")
        yield (
            "month",
            f"{m['month']}/active_preventives",
            "; ".join(m["active_preventives"]),
            "diary",
        )
        yield ("month", f"{m['month']}/at_threshold", "; ".join(m["at_threshold"]), "diary")

    for n, t in enumerate(s["preventive_history"], 1):
        yield from _trial_rows("preventive_trial", n, t)
        r = t.get("response")
        if r is not None:
            for key in RESPONSE_FIELDS:
                yield ("preventive_trial", f"{n}/response/{key}", r[key], RESPONSE_SOURCE)
            yield (
                "preventive_trial",
                f"{n}/response/baseline_months",
                "; ".join(r["baseline_months"]),
                RESPONSE_SOURCE,
            )
            yield (
                "preventive_trial",
                f"{n}/response/treated_months",
                "; ".join(r["treated_months"]),
                RESPONSE_SOURCE,
            )
    for n, t in enumerate(s["other_treatments"], 1):
        yield from _trial_rows("other_treatment", n, t)

    yield from payer_rows(s)

    acute = s["acute_medication"]
    for c in acute["classes"]:
        source = f"ICHD-3 {c['subtype']}" if c["subtype"] else ""
        yield ("acute_medication", f"{c['class']}/limit", c["limit"], source)
    if acute["pool"]:
        yield ("acute_medication", "several_classes/limit", acute["pool"]["limit"], "ICHD-3 8.2.6")
    for m in acute["months"]:
        for c in acute["classes"]:
            days = m["days"][c["class"]]
            yield ("acute_medication", f"{m['month']}/{c['class']}_days", days, "diary")
            if c["limit"]:
                yield (
                    "acute_medication",
                    f"{m['month']}/{c['class']}_days/at_limit",
                    f"{c['class']}_days" in m["at_threshold"],
                    f"ICHD-3 {c['subtype']}",
                )
        if acute["pool"]:
            yield (
                "acute_medication",
                f"{m['month']}/several_classes_days",
                m["pool_days"],
                "diary",
            )

    for n, c in enumerate(s.get("cycles") or (), 1):
        yield ("cycles", f"{n}/start", c["start"], "diary")
        yield ("cycles", f"{n}/window_status", c["window_status"], "ICHD-3 A1.1")

    yield from untried_rows(s)
    yield ("disclaimer", "text", s["disclaimer"], "")


def untried_rows(s: dict[str, Any]) -> Iterator[Row]:
    """Classes not tried yet, in the words of ``untried`` (``reports.data.untried_lists``)."""
    for kind, entries in s["untried"].items():
        for e in entries:
            yield ("untried", f"{kind}/{e['class']}", e["label"], "therapy catalogue")
            if e.get("intake_days"):
                yield ("untried", f"{kind}/{e['class']}/intake_days", e["intake_days"], "diary")
    for e in s["inadequate"]:
        yield ("inadequate", f"{e['kind']}/{e['class']}", "; ".join(e["trials"]), ADEQUACY_SOURCE)
    for e in s.get("barred", []):
        yield ("barred", f"{e['kind']}/{e['class']}", "; ".join(e["trials"]), "2025 consensus")
    for n, line in enumerate(s.get("untried_notes", []), 1):
        yield ("untried", f"diary/{n}", line, "EHF 2020")


PAYER_MONTH_FIELDS = (
    "tracked_days",
    "untracked_days",
    "headache_days",
    "migraine_days",
    "moderate_severe_days",
    "acute_medication_days",
    "long_headache_days",
    "long_headache_unknown_days",
)
PAYER_CHANGE_FIELDS = ("baseline", "treated", "reduction_percent", "at_least_50", "at_least_30")


def payer_rows(s: dict[str, Any]) -> Iterator[Row]:
    """The payer section (``reports.payer``): the complete months, each preventive's
    change in migraine and headache days, and the disability scores (section ``scores``)."""
    from migrainecli.reports.payer import LONG_HEADACHE_SOURCE
    from migrainecli.reports.payer import RESPONSE_SOURCE as PAYER_RESPONSE_SOURCE

    payer = s["payer"]
    for m in payer["months"]:
        for key in PAYER_MONTH_FIELDS:
            yield ("payer", f"month/{m['month']}/{key}", m[key], "diary")
        yield (
            "payer",
            f"month/{m['month']}/long_headache_days/check",
            CSV_MARKS[m["marks"]["long_headache_days"]],
            LONG_HEADACHE_SOURCE,
        )
    if payer["long_headache_line"]:
        yield ("payer", "long_headache/3_months", payer["long_headache_line"], LONG_HEADACHE_SOURCE)
    for n, p in enumerate(payer["trials"], 1):
        base = f"trial/{n}"
        for key in ("therapy", "class", "start", "end"):
            yield ("payer", f"{base}/{key}", p[key], "diary")
        yield ("payer", f"{base}/baseline_months", "; ".join(p["baseline_months"]), "diary")
        yield ("payer", f"{base}/treated_months", "; ".join(p["treated_months"]), "diary")
        for measure in ("migraine_days", "headache_days"):
            for key in PAYER_CHANGE_FIELDS:
                yield (
                    "payer",
                    f"{base}/{measure}/{key}",
                    p[measure][key],
                    PAYER_RESPONSE_SOURCE,
                )
        if p["not_computable"]:
            yield ("payer", f"{base}/not_computable", p["not_computable"], PAYER_RESPONSE_SOURCE)
    sc = payer["scores"]
    for key, entry in sc["by_instrument"].items():
        if entry is None:
            continue
        for which in ("first", "latest"):
            score = entry[which]
            yield ("scores", f"{key}/{which}/date", score["date"], "diary")
            yield ("scores", f"{key}/{which}/total", score["total"], "diary")
            yield ("scores", f"{key}/{which}/grade", score["text"], SCORE_SOURCES[key])
        yield ("scores", f"{key}/change", entry["change"], "diary")
    for item in sc["midas_items"]:
        for which in ("first", "latest"):
            yield ("scores", f"midas/{which}/{item['item']}", item[which], "diary")


def _trial_rows(section: str, n: int, t: dict[str, Any]) -> Iterator[Row]:
    for key in TRIAL_FIELDS:
        yield (section, f"{n}/{key}", t[key], "diary")
    yield (section, f"{n}/adequate", t["adequate"], ADEQUACY_SOURCE)
    # the words the text and HTML print beside the trial (section 6: never a bare yes)
    yield (section, f"{n}/adequacy_label", t["adequacy_label"], ADEQUACY_SOURCE)
    yield (section, f"{n}/adequacy", t["adequacy"], ADEQUACY_SOURCE)
    yield (section, f"{n}/failed", t["failed"], ADEQUACY_SOURCE)


def section_rows(s: dict[str, Any], section: str) -> Iterator[Row]:
    """``summary --section NAME``: the summary's title, date and patient rows, the
    section's rows, the disclaimer."""
    yield ("summary", "title", s["title"], "")
    yield ("summary", "as_of", s["as_of"], "")
    for key, value in s["patient"].items():
        yield ("summary", f"patient_{key}", value, "settings")
    yield from SECTION_ROWS[section](s)
    yield ("disclaimer", "text", s["disclaimer"], "")


SECTION_ROWS = {"payer": payer_rows}


def write_summary_csv(fh: IO[str], s: dict[str, Any], section: str | None = None) -> int:
    """Write the long CSV (one ``section`` of it when given); returns the number of data
    rows."""
    from migrainecli.csvformat import write_csv

    rows = summary_rows(s) if section is None else section_rows(s, section)
    return write_csv(fh, COLUMNS, rows)
