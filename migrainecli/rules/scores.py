"""Disability scores: MIDAS grades and HIT-6 impact categories (docs/criteria.md
section 8).

MIDAS: Stewart WF, Lipton RB, Dowson AJ, Sawyer J, "Development and testing of the
Migraine Disability Assessment (MIDAS) Questionnaire to assess headache-related
disability", Neurology 2001;56(6 Suppl 1):S20-S28. Five scored items, each a number of
days in the last 3 months (0-90); q1 + q2 <= 90 and q3 + q4 <= 90 (the second question
of each pair excludes the first one's days). Total = the sum; grade I 0-5, II 6-10,
III 11-20, IV >= 21. Two unscored answers: headache days in 3 months (0-90), average
pain (0-10).

HIT-6: Kosinski M et al., "A six-item short-form survey for measuring headache impact:
the HIT-6", Qual Life Res 2003;12:963-974. Total 36-78; <= 49 little or no impact,
50-55 some, 56-59 substantial, >= 60 severe.

Both instruments are copyrighted: only short labels of our own are kept here, never
the questions' wording. The report and summary show the first (baseline) and latest
score of each instrument and the change.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from migrainecli.errors import InvalidValue
from migrainecli.models import Score

# Section 8: (lowest total, grade, words); a total belongs to the last band it reaches.
MIDAS_GRADES = (
    (0, "I", "little or no disability"),
    (6, "II", "mild disability"),
    (11, "III", "moderate disability"),
    (21, "IV", "severe disability"),
)
HIT6_CATEGORIES = (
    (36, "little or no impact"),
    (50, "some impact"),
    (56, "substantial impact"),
    (60, "severe impact"),
)
MIDAS_ITEM_MAX = 90  # days in the last 3 months
MIDAS_PAIR_MAX = 90  # q1 + q2 and q3 + q4
PAIN_MAX = 10
HIT6_MIN, HIT6_MAX = 36, 78
# A score is current for this many days before the as-of date (section 5 arm (a)).
SCORE_CURRENT_DAYS = 90

# Our own short labels for the five scored MIDAS items (never the questionnaire wording).
MIDAS_ITEMS = (
    ("q1", "days missed work or school"),
    ("q2", "days work or school productivity halved"),
    ("q3", "days no household work"),
    ("q4", "days household productivity halved"),
    ("q5", "days missed family, social or leisure activities"),
)
MIDAS_UNSCORED = (
    ("headache_days", "headache days in the last 3 months"),
    ("pain", "average pain, 0-10"),
)
INSTRUMENT_NAMES = {"midas": "MIDAS", "hit6": "HIT-6"}


def midas_grade(total: int) -> tuple[str, str]:
    """(grade, words) of a MIDAS total: I 0-5, II 6-10, III 11-20, IV >= 21 (section 8)."""
    grade = MIDAS_GRADES[0]
    for band in MIDAS_GRADES:
        if total >= band[0]:
            grade = band
    return grade[1], grade[2]


def hit6_category(total: int) -> str:
    """The HIT-6 impact category: <= 49 little or none, 50-55 some, 56-59 substantial,
    >= 60 severe (section 8)."""
    category = HIT6_CATEGORIES[0][1]
    for lowest, words in HIT6_CATEGORIES:
        if total >= lowest:
            category = words
    return category


def grade_text(score: Score) -> str:
    """``grade III (moderate disability)`` / ``some impact``."""
    if score.instrument == "midas":
        grade, words = midas_grade(score.total)
        return f"grade {grade} ({words})"
    return hit6_category(score.total)


def _number(field: str, value: Any, lo: int, hi: int, why: str = "") -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise InvalidValue(f"{field} must be a whole number from {lo} to {hi}{why}, not {value}.")


def check_score(score: Score) -> Score:
    """Refuse a score outside the instrument's ranges, naming the field and the range;
    returns it with a MIDAS total computed."""
    if score.instrument == "midas":
        days = " (days in the last 3 months)"
        for name, _label in MIDAS_ITEMS:
            value = getattr(score, name)
            if value is None:
                raise InvalidValue(f"MIDAS needs {name}, a number of days from 0 to 90.")
            _number(name, value, 0, MIDAS_ITEM_MAX, days)
        for a, b in (("q1", "q2"), ("q3", "q4")):
            if getattr(score, a) + getattr(score, b) > MIDAS_PAIR_MAX:
                raise InvalidValue(
                    f"{a} + {b} must be at most {MIDAS_PAIR_MAX} (the days of {b} exclude "
                    f"those of {a}), not {getattr(score, a) + getattr(score, b)}."
                )
        _number("headache_days", score.headache_days, 0, MIDAS_ITEM_MAX, days)
        _number("pain", score.pain, 0, PAIN_MAX)
        total = sum(getattr(score, name) for name, _ in MIDAS_ITEMS)
        if score.total is not None and score.total != total:
            raise InvalidValue(
                f"total {score.total} is not the sum of q1 to q5 ({total}); leave it empty."
            )
        score.total = total
        return score
    if score.instrument == "hit6":
        if score.total is None:
            raise InvalidValue(f"HIT-6 needs its total, a number from {HIT6_MIN} to {HIT6_MAX}.")
        _number("total", score.total, HIT6_MIN, HIT6_MAX, " (the HIT-6 total)")
        extra = [n for n in ("q1", "q2", "q3", "q4", "q5", "headache_days", "pain")
                 if getattr(score, n) is not None]  # fmt: skip
        if extra:
            raise InvalidValue(f"HIT-6 has only a total; {', '.join(extra)} must be empty.")
        return score
    raise InvalidValue(f"instrument must be midas or hit6, not {score.instrument!r}.")


def score_dict(score: Score, as_of: date | None = None) -> dict[str, Any]:
    """One score as the outputs show it (JSON of ``score list`` and the reports)."""
    out: dict[str, Any] = {
        "id": score.id,
        "date": score.date.isoformat(),
        "instrument": score.instrument,
        "total": score.total,
    }
    if score.instrument == "midas":
        grade, words = midas_grade(score.total)
        out["grade"] = grade
        out["grade_words"] = words
        out["items"] = {name: getattr(score, name) for name, _ in MIDAS_ITEMS}
        out["headache_days"] = score.headache_days
        out["pain"] = score.pain
    else:
        out["category"] = hit6_category(score.total)
    out["text"] = grade_text(score)
    out["note"] = score.note
    if as_of is not None:
        age = (as_of - score.date).days
        out["age_days"] = age
        out["current"] = 0 <= age <= SCORE_CURRENT_DAYS
    return out


def scores_overview(scores: Sequence[Score], as_of: date) -> dict[str, Any]:
    """Per instrument, of the scores dated on or before ``as_of``: the first (baseline),
    the latest and the change between them (None with fewer than two). A latest score
    older than ``SCORE_CURRENT_DAYS`` is marked not current (section 5 arm (a))."""
    out: dict[str, Any] = {}
    for instrument in INSTRUMENT_NAMES:
        mine = sorted(
            (s for s in scores if s.instrument == instrument and s.date <= as_of),
            key=lambda s: (s.date, s.id or 0),
        )
        if not mine:
            out[instrument] = None
            continue
        first, latest = mine[0], mine[-1]
        out[instrument] = {
            "name": INSTRUMENT_NAMES[instrument],
            "count": len(mine),
            "first": score_dict(first, as_of),
            "latest": score_dict(latest, as_of),
            "change": latest.total - first.total if len(mine) > 1 else None,
        }
    return out


def latest_line(entry: dict[str, Any] | None, name: str) -> str:
    """``MIDAS 24, grade IV (severe disability), 2026-10-02`` (with its age when old)."""
    if entry is None:
        return f"{name}: none recorded ('migrainecli score add')"
    latest = entry["latest"]
    line = f"{name} {latest['total']}, {latest['text']}, {latest['date']}"
    if not latest["current"]:
        line += f" ({latest['age_days']} days old: older than {SCORE_CURRENT_DAYS} days)"
    return line


def change_line(entry: dict[str, Any], name: str) -> str:
    """``MIDAS: first 48 grade IV (2025-12-01), latest 12 grade III (2026-10-02), change
    −36``."""
    first, latest = entry["first"], entry["latest"]
    line = (
        f"{name}: first {first['total']}, {first['text']}, {first['date']}; latest "
        f"{latest['total']}, {latest['text']}, {latest['date']}"
    )
    if entry["change"] is not None:
        change = entry["change"]
        sign = "+" if change > 0 else ("−" if change < 0 else "±")
        line += f"; change {sign}{abs(change)}"
    else:
        line += "; one score so far"
    if not latest["current"]:
        line += f" (latest is {latest['age_days']} days old)"
    return line
