"""The verdict view: what ``status``, ``report`` and ``summary`` (text, CSV, HTML) format.

The rules decide; this module only names and holds what they decided, once:

- ``Mark``: one month's count against one threshold — meets ✓, cannot meet ✗ (even if
  every untracked day counted), undetermined ? (untracked days decide) and does not
  apply – (the subtype's own condition rules it out whatever the count, e.g. ICHD-3
  8.2.6 when one class is already overused alone or only one class was taken).
- ``REACHED`` ▲: a count at or over a threshold in the month tables of ``report`` and
  ``summary`` (one month, which may be the current incomplete one: not a verdict).
- the verdict titles and words, their colours, and the disclaimer.
- ``Verdict``, ``MonthMarks`` and ``ThresholdMark``: a criterion's status, source,
  months with their marks, the columns to show, the lines that go with it, its
  explanation and its ``reason`` (the why in one or two lines, for page 1). Every
  rule's verdict object has a ``view()`` that returns one.

No renderer decides whether a month meets, a subtype applies or a class failed: it
reads ``mark``, ``status`` and the lines given here. ``status --json`` is not built
from the view but from the rules' ``to_dict()`` (docs/interface.md, unchanged).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Mark(str, Enum):
    """One month against one threshold, as every renderer shows it."""

    MET = "met"
    CANNOT_MEET = "not_met"
    UNDETERMINED = "undetermined"
    DOES_NOT_APPLY = "does_not_apply"

    @property
    def symbol(self) -> str:
        return SYMBOLS[self.value]

    @property
    def words(self) -> str:
        return MARK_WORDS[self.value]


SYMBOLS = {"met": "✓", "not_met": "✗", "undetermined": "?", "does_not_apply": "–"}
# The marks as the summary CSV writes them (a spreadsheet reads words): "does not apply" is
# not_applicable there, never not_met.
CSV_MARKS = {
    "met": "met",
    "not_met": "not_met",
    "undetermined": "undetermined",
    "does_not_apply": "not_applicable",
}
MARK_WORDS = {
    "met": "meets",
    "not_met": "cannot meet",
    "undetermined": "untracked days decide",
    "does_not_apply": "does not apply",
}
MARK_LEGEND = "✓ meets, ✗ cannot meet, ? untracked days decide, – does not apply"
REACHED = "▲"

# The verdicts' names for people, and the reminder printed with every report.
TITLES = {
    "chronic_migraine": "Chronic migraine",
    "medication_overuse": "Medication-overuse headache",
    "resistant_migraine": "Resistant migraine",
    "refractory_migraine": "Refractory migraine",
    "probable_refractory_migraine": "Probable refractory migraine",
    "cgrp_step_therapy": "Payer step therapy for CGRP-targeting preventives (AHS 2021 rule)",
    "menstrual_migraine": "Menstrual migraine",
}
SHORT_TITLES = {
    "chronic_migraine": "chronic migraine",
    "medication_overuse": "medication overuse",
    "resistant_migraine": "resistant",
    "refractory_migraine": "refractory",
    "probable_refractory_migraine": "probable refractory",
    "cgrp_step_therapy": "CGRP payer step therapy",
    "menstrual_migraine": "menstrual migraine",
}
# "not_assessed" is a view status only (a criterion with nothing to read, e.g. menstrual
# migraine with no period recorded); its JSON status stays "undetermined".
VERDICT_WORDS = {
    "met": "MET",
    "not_met": "NOT MET",
    "undetermined": "UNDETERMINED",
    "not_assessed": "NOT ASSESSED",
}
# rich styles of the terminal; the HTML page has its classes ``v-met`` etc.
VERDICT_STYLES = {
    "met": "bold red",
    "not_met": "bold green",
    "undetermined": "bold yellow",
    "not_assessed": "bright_black",
}
DISCLAIMER = (
    "These are published criteria read from the recorded diary, not a diagnosis; "
    "a clinician decides what they mean."
)


@dataclass(frozen=True)
class Column:
    """A threshold a verdict's month table shows: ``headache_days`` ≥15, ``8.2.6`` ≥10."""

    name: str
    label: str  # "headache", "8.2.6"
    threshold: int
    upper: int | None = None  # a count range threshold..upper (section 5), not a threshold

    @property
    def bound(self) -> str:
        """``≥15``, or ``4–7`` for a range."""
        if self.upper is None:
            return f"≥{self.threshold}"
        return f"{self.threshold}–{self.upper}"

    @property
    def header(self) -> str:
        return f"{self.label} {self.bound}"


@dataclass(frozen=True)
class ThresholdMark:
    """One month's count against one threshold, with the status the rule computed
    (as in ``status --json`` ``checks``) and the mark every renderer shows."""

    name: str
    count: int
    threshold: int
    status: str
    mark: Mark

    @property
    def cell(self) -> str:
        return f"{self.count} {self.mark.symbol}"


@dataclass(frozen=True)
class MonthMarks:
    """One month a verdict used."""

    month: str
    complete: bool
    tracked_days: int
    untracked_days: int
    status: str
    marks: tuple[ThresholdMark, ...]

    def get(self, name: str) -> ThresholdMark | None:
        return next((m for m in self.marks if m.name == name), None)

    @property
    def words(self) -> str:
        return VERDICT_WORDS[self.status].lower()


@dataclass(frozen=True)
class Verdict:
    """A criterion as every renderer shows it."""

    key: str
    status: str
    source: str
    method: str
    explanation: str
    columns: tuple[Column, ...] = ()
    months: tuple[MonthMarks, ...] = ()
    details: tuple[str, ...] = ()  # facts beside the months: criterion B, subtypes, marks
    evidence: tuple[str, ...] = ()  # the trials behind it (status; the summary lists them)
    # Why, in one or two lines, from the facts that decided it: the failed classes with
    # their trials, the triptans, the barred classes, what is still missing. The
    # summary shows it under each verdict (page 1 of the HTML); ``status`` does not, its
    # explanation already says all of it at length. Empty where the months and their
    # marks beside it are the reason (chronic migraine, medication overuse).
    reason: str = ""

    @property
    def title(self) -> str:
        return TITLES[self.key]

    @property
    def short_title(self) -> str:
        return SHORT_TITLES[self.key]

    @property
    def heading(self) -> str:
        """ "Title (source)", the way every renderer heads the verdict; a title that names
        its source already ("... (AHS 2021 rule)") is not followed by it again."""
        return self.title if self.source in self.title else f"{self.title} ({self.source})"

    @property
    def words(self) -> str:
        return VERDICT_WORDS[self.status]

    def to_dict(self) -> dict:
        """The view as plain data (the summary's ``verdicts`` entries)."""
        return {
            "key": self.key,
            "title": self.title,
            "heading": self.heading,
            "status": self.status,
            "source": self.source,
            "method": self.method,
            "explanation": self.explanation,
            "reason": self.reason,
            "details": list(self.details),
            "evidence": [
                {
                    "month": m.month,
                    "tracked_days": m.tracked_days,
                    "untracked_days": m.untracked_days,
                    "status": m.status,
                    "checks": [
                        {
                            "name": c.name,
                            "label": c.label,
                            "count": t.count,
                            "threshold": t.threshold,
                            "upper": c.upper,
                            "bound": c.bound,
                            "status": t.status,
                            "mark": t.mark.value,
                        }
                        for c in self.columns
                        if (t := m.get(c.name)) is not None
                    ],
                }
                for m in self.months
            ],
        }
