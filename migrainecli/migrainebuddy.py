"""``import migrainebuddy``: the CSV export of the Migraine Buddy app, read into diary days.

The app's file (layouts read from public importers; see docs/migrainebuddy.md) opens with
a preamble (an "ongoing events" table, a blank line), then one row per attack under a
header row that starts ``"#","Started","Lasted"``. The columns vary by app version:
with or without ``Start UTC Offset (min)``/``End UTC Offset (min)``, ``Geohash``,
``Attack Types``/``Attack Location``, and ``Auras`` or ``Premonitory Symptoms``.

Choices (stated in the README and the dry-run table):

- ``Started`` is the phone's local time in the phone's locale (``29/04/22 07:03``); its
  date is read as every numeric date the tool reads (``dates.parse_date``): by the
  diary's ``date-order`` setting or ``--date-order``, an ambiguous date is refused.
- An attack covers every local date from its start to its end (start + ``Lasted``);
  each date gets the hours of the attack on that date. ``Ongoing`` or no duration: the
  start date only, hours not recorded. Two attacks on one date are merged: the higher
  intensity, the summed hours (at most 24), a feature recorded if either had it.
- Pain 0-10: 1-3 mild, 4-6 moderate, 7-10 severe; 0 is no headache (an aura-only day when
  an aura is recorded); no pain level recorded is taken as mild (a headache of unknown
  intensity, the lowest), and the day's note says so.
- Symptoms become features (nausea, vomiting, light and noise sensitivity, throbbing,
  worse with activity, aura); pain positions all on one side make it unilateral; an
  attack type naming migraine is the patient's belief that it was migraine.
- Medications resolve through the catalogue as acute medications and are logged on the
  attack's first date (the file has no intake times). Relief: "Helpful" relieved,
  "Unhelpful" not relieved, "Somewhat helpful" and "Unsure" not recorded (partial relief
  is not the relief ICHD-3 1.3 C3 asks of a triptan; the note keeps the app's word).
  Unknown names are listed, never guessed, and nothing is written.
- Triggers, notes, non-drug relief methods, affected activities and symptoms without a
  feature go into the day's note. Location (geohash, attack location) and UTC offsets
  are dropped.

All or nothing like every import: one bad row rejects the file naming its line; days on
the dates the file covers are replaced (with their intakes), so importing the same file
twice leaves the diary as importing it once.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import IO

from migrainecli.errors import CsvImportError, DateError, MigraineError, UnknownTherapy
from migrainecli.models import SEVERITIES, Day, Intake

HEADER_START = ("#", "Started", "Lasted")
REQUIRED = ("Started", "Lasted", "Pain Level")
# Columns read for something, or deliberately dropped (privacy, not needed).
DROPPED = ("Start UTC Offset (min)", "End UTC Offset (min)", "Geohash", "Attack Location")
MEDICATION_COLUMNS = {
    "Helpful Medication": (True, "helpful"),
    "Somewhat Helpful Medication": (None, "somewhat helpful"),
    "Unhelpful Medication": (False, "unhelpful"),
    "Unsure Medication": (None, "unsure"),
}
RELIEF_COLUMNS = (
    "Helpful Non Drug Relief Methods",
    "Somewhat Helpful Non Drug Relief Methods",
    "Unhelpful Non Drug Relief Methods",
    "Unsure Non Drug Relief Methods",
)
NOTED_COLUMNS = ("Affected Activities", "Most Bothersome Symptom", "Premonitory Symptoms")
KNOWN = (
    "#", "Started", "Lasted", "Pain Level", "Attack Types", "Potential Triggers", "Symptoms",
    "Auras", "Aura", "Pain Positions", "Notes", *DROPPED, *MEDICATION_COLUMNS, *RELIEF_COLUMNS,
    *NOTED_COLUMNS,
)  # fmt: skip
NOTHING = {"", "none", "no medication", "no aura", "no", "n/a", "-"}

# Symptom words (case folded) -> the diary feature they record.
SYMPTOM_FEATURES = {
    "nausea": "nausea",
    "vomiting": "vomiting",
    "sensitivity to light": "photophobia",
    "light sensitivity": "photophobia",
    "photophobia": "photophobia",
    "sensitivity to noise": "phonophobia",
    "sensitivity to sound": "phonophobia",
    "noise sensitivity": "phonophobia",
    "sound sensitivity": "phonophobia",
    "phonophobia": "phonophobia",
    "throbbing pain": "pulsating",
    "pulsating pain": "pulsating",
    "pounding pain": "pulsating",
    "throbbing": "pulsating",
    "worse with physical activity": "activity",
    "worsened by physical activity": "activity",
    "aggravated by physical activity": "activity",
    "aura": "aura",
    "visual aura": "aura",
    "visual disturbance": "aura",
    "visual disturbances": "aura",
}
_DURATION = re.compile(r"^\s*(?:(\d+)\s*d)?\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m(?:in)?)?\s*$", re.I)
_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([ap]\.?m\.?)?$", re.I)


def severity_of_pain(pain: int | None) -> str:
    """Pain 0-10 -> severity: 1-3 mild, 4-6 moderate, 7-10 severe; 0 none; None mild."""
    if pain is None:
        return "mild"
    if pain == 0:
        return "none"
    return "mild" if pain <= 3 else "moderate" if pain <= 6 else "severe"


@dataclass
class Attack:
    line: int
    number: str
    start: datetime
    duration: timedelta | None
    lasted: str
    pain: int | None
    features: dict[str, bool]
    believed_migraine: bool | None
    note: str
    medications: list[tuple[str, bool | None]]  # (name as written, relieved)


@dataclass
class Plan:
    """What the import would write: days by date and intakes, with where they came from."""

    days: dict[date, Day] = field(default_factory=dict)
    intakes: list[Intake] = field(default_factory=list)
    attacks: dict[date, list[str]] = field(default_factory=dict)  # date -> attack numbers
    ignored_columns: list[str] = field(default_factory=list)
    attack_count: int = 0


def _split(value: str | None) -> list[str]:
    if not value:
        return []
    return [p.strip() for p in value.split(",") if p.strip().casefold() not in NOTHING]


def _rows(fh: IO[bytes]) -> tuple[int, list[str], list[tuple[int, list[str]]]]:
    """(header line, header, [(line, cells)]) after the preamble."""
    raw = fh.read()
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in raw:
        raise CsvImportError(
            "The file is not UTF-8 CSV text (it holds NUL bytes or is UTF-16); export it "
            "from Migraine Buddy again as CSV."
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise CsvImportError(
            f"The file is not UTF-8 text ({e.reason}); export it as CSV."
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] | None = None
    header_line = 0
    rows: list[tuple[int, list[str]]] = []
    line = 1
    try:
        for cells in reader:
            where, line = line, reader.line_num + 1
            if header is None:
                stripped = [c.strip() for c in cells]
                if tuple(stripped[:3]) == HEADER_START:
                    header, header_line = stripped, where
                continue
            if any(c.strip() for c in cells):
                rows.append((where, cells))
    except csv.Error as e:
        raise CsvImportError(f"Line {line}: the CSV cannot be read ({e}).") from None
    if header is None:
        raise CsvImportError(
            "This is not a Migraine Buddy export: no attack table (a header row that "
            "starts with '#', 'Started', 'Lasted') was found."
        )
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise CsvImportError(
            f"Line {header_line}: the attack table has no {', '.join(map(repr, missing))} "
            "column; this layout of the Migraine Buddy export is not known."
        )
    return header_line, header, rows


def _started(text: str, where: str, order) -> datetime:
    from migrainecli import dates

    parts = text.strip().split(None, 1)
    if len(parts) != 2:
        raise CsvImportError(
            f"{where}: Started {text.strip()!r} is not a date and time such as '29/04/22 07:03'."
        )
    day_text, time_text = parts
    try:
        day = dates.parse_date(day_text, order=order)
    except DateError as e:
        message = str(e)
        if "date-order" in message:  # ambiguous: name both ways of saying the order
            message = (
                message.split(";")[0] + "; say how the phone writes dates with --date-order "
                "dmy (or mdy), or once for the diary with 'migrainecli config set date-order dmy'."
            )
        raise CsvImportError(f"{where}: Started: {message}") from None
    m = _TIME.match(time_text.strip())
    if not m:
        raise CsvImportError(f"{where}: Started {text.strip()!r} has no time such as 07:03.")
    hour, minute = int(m.group(1)), int(m.group(2))
    if m.group(4):
        if not 1 <= hour <= 12:
            raise CsvImportError(f"{where}: Started {text.strip()!r} is not a real time.")
        hour = hour % 12 + (12 if m.group(4).lower().startswith("p") else 0)
    if hour > 23 or minute > 59:
        raise CsvImportError(f"{where}: Started {text.strip()!r} is not a real time.")
    return datetime(day.year, day.month, day.day, hour, minute)


def _duration(text: str, where: str) -> timedelta | None:
    first = (text or "").strip().splitlines()[0].strip() if (text or "").strip() else ""
    if not first or first.casefold() == "ongoing":
        return None
    m = _DURATION.match(first)
    if not m or not any(m.groups()):
        raise CsvImportError(
            f"{where}: Lasted {first!r} is not a duration such as '01h 30m' or '1d 02h 15m'."
        )
    d, h, mi = (int(g or 0) for g in m.groups())
    return timedelta(days=d, hours=h, minutes=mi)


def _attack(line: int, header: list[str], cells: list[str], order) -> Attack:
    where = f"Line {line}"
    if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
        raise CsvImportError(
            f"{where}: the row has {len(cells)} cells but the header names {len(header)} columns."
        )
    row = {h: (cells[i].strip() if i < len(cells) else "") for i, h in enumerate(header)}
    start = _started(row["Started"], where, order)
    duration = _duration(row["Lasted"], where)
    pain_text = row["Pain Level"]
    pain = None
    if pain_text:
        if not pain_text.isdigit() or int(pain_text) > 10:
            raise CsvImportError(f"{where}: Pain Level {pain_text!r} is not a number 0 to 10.")
        pain = int(pain_text)
    features: dict[str, bool] = {}
    other_symptoms = []
    for s in _split(row.get("Symptoms")):
        feature = SYMPTOM_FEATURES.get(s.casefold())
        if feature:
            features[feature] = True
        else:
            other_symptoms.append(s)
    auras = _split(row.get("Auras") or row.get("Aura"))
    if auras:
        features["aura"] = True
    positions = _split(row.get("Pain Positions"))
    sides = {p.split()[0].casefold() for p in positions if p.split()}
    if sides and sides <= {"left", "right"}:
        features["unilateral"] = len(sides) == 1
    types = _split(row.get("Attack Types"))
    believed = True if any("migraine" in t.casefold() for t in types) else None
    medications = []
    somewhat = []
    for column, (relieved, word) in MEDICATION_COLUMNS.items():
        for name in _split(row.get(column)):
            medications.append((name, relieved))
            if relieved is None:
                somewhat.append(f"{name} ({word})")
    lasted = (row["Lasted"].splitlines() or [""])[0].strip()
    parts = [f"Migraine Buddy attack {row.get('#') or '?'}"]
    if pain is None:
        parts.append("pain level not recorded")
    if types and believed is None:
        parts.append("attack type: " + ", ".join(types))
    for label, values in (
        ("triggers", _split(row.get("Potential Triggers"))),
        ("symptoms", other_symptoms),
        ("aura", auras),
        *((c.casefold(), _split(row.get(c))) for c in NOTED_COLUMNS),
        ("pain positions", positions),
        ("relief not recorded", somewhat),
        (
            "non-drug relief",
            [v for c in RELIEF_COLUMNS for v in _split(row.get(c))],
        ),
    ):
        if values:
            parts.append(f"{label}: {', '.join(values)}")
    if row.get("Notes"):
        parts.append(f"note: {' '.join(row['Notes'].split())}")
    return Attack(
        line, row.get("#", ""), start, duration, lasted, pain, features, believed,
        "; ".join(parts), medications,
    )  # fmt: skip


def _spans(a: Attack, today: date) -> list[tuple[date, float | None]]:
    """(date, hours on that date) for every date the attack covers, up to today."""
    if a.duration is None:
        return [(a.start.date(), None)]
    end = a.start + a.duration
    out = []
    d = a.start.date()
    while True:
        lo = max(a.start, datetime(d.year, d.month, d.day))
        nxt = d + timedelta(days=1)
        hi = min(end, datetime(nxt.year, nxt.month, nxt.day))
        if hi <= lo and d != a.start.date():
            break
        if d > today:
            break
        out.append((d, round((hi - lo).total_seconds() / 3600, 2)))
        if hi >= end:
            break
        d = nxt
    return out


def _merge(old: Day, new: Day) -> Day:
    severity = max(old.severity, new.severity, key=SEVERITIES.index)
    hours = (
        None
        if old.hours is None and new.hours is None
        else min(24.0, (old.hours or 0) + (new.hours or 0))
    )
    merged = Day(old.date, severity, hours)
    for f in ("unilateral", "pulsating", "activity", "nausea", "vomiting", "photophobia",
              "phonophobia", "aura", "believed_migraine"):  # fmt: skip
        a, b = getattr(old, f), getattr(new, f)
        setattr(merged, f, True if (a or b) else (False if False in (a, b) else None))
    merged.note = " | ".join(n for n in (old.note, new.note) if n)
    return merged


def plan_import(
    fh: IO[bytes],
    catalogue,
    *,
    order=None,
    today: date | None = None,
) -> Plan:
    """Read and check the whole file; raises CsvImportError (line named) or MigraineError
    (unknown medications, all listed). Writes nothing."""
    today = today or date.today()
    _, header, rows = _rows(fh)
    plan = Plan(ignored_columns=[c for c in header if c and c not in KNOWN])
    attacks = [_attack(line, header, cells, order) for line, cells in rows]
    unknown: list[str] = []
    resolved: dict[str, object] = {}
    for a in attacks:
        for name, _ in a.medications:
            if name in resolved:
                continue
            try:
                resolved[name] = catalogue.resolve(name, kinds={"acute"})
            except MigraineError as e:
                resolved[name] = None
                why = "" if isinstance(e, UnknownTherapy) else f": {_reason(e)}"
                unknown.append(f"{name!r} (line {a.line}{why})")
    if unknown:
        raise MigraineError(
            "These medication names are not acute medications the catalogue knows, and "
            f"are not guessed: {'; '.join(unknown)}. Nothing was imported; rename them in "
            "the file to a name 'migrainecli therapies' lists, or log them by hand."
        )
    for a in sorted(attacks, key=lambda a: (a.start, a.line)):
        plan.attack_count += 1
        spans = _spans(a, today)
        first = spans[0][0]
        for i, (d, hours) in enumerate(spans):
            severity = severity_of_pain(a.pain)
            features = dict(a.features)
            day = Day(d, severity, hours, **features)
            day.believed_migraine = a.believed_migraine
            day.note = a.note if i == 0 else f"continues Migraine Buddy attack {a.number}"
            plan.days[d] = _merge(plan.days[d], day) if d in plan.days else day
            plan.attacks.setdefault(d, []).append(a.number)
        for name, relieved in a.medications:
            res = resolved[name]
            plan.intakes.append(Intake(first, res.name, res.dose, relieved, res.class_id))
    return plan


def _reason(e: MigraineError) -> str:
    text = str(e)
    return text if len(text) <= 120 else text[:117] + "..."


def apply_plan(diary, plan: Plan) -> dict[str, int]:
    """Write the plan in one transaction: days replaced by date, their intakes replaced."""
    with diary.write():
        start_before = diary.start()
        existing = {d.date for d in diary.days()}
        counts: dict = {
            "added": sum(d not in existing for d in plan.days),
            "replaced": sum(d in existing for d in plan.days),
            "intakes": len(plan.intakes),
        }
        diary.save_days(sorted(plan.days.values(), key=lambda d: d.date))
        for d in sorted(plan.days):
            diary.delete_intakes(d)
        diary.add_intakes(plan.intakes)
        start_after = diary.start()
        counts["start_moved"] = (
            (start_before, start_after)
            if start_before is not None and start_after != start_before
            else None
        )
        counts["in_gaps"] = [
            (g, n) for g in diary.gaps() if (n := sum(g.start <= d <= g.end for d in plan.days))
        ]
    return counts
