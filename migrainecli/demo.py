"""A realistic sample diary for ``migrainecli demo`` (never the user's own diary).

The story: a year of diary. Headache days climb from an episodic pattern into
chronic migraine with triptan and ibuprofen overuse; four oral preventives
and two triptans have been tried; erenumab was started two months ago. A
holiday week went untracked. MIDAS and HIT-6 were filled in every few months (severe
disability, improving on erenumab), and the first day of each period was recorded:
migraine on day 1 in two of the last three cycles, and at other times too, gives a
menstrually related migraine (ICHD-3 A1.1.2) verdict. Generated from a fixed seed relative to the
as-of date, so it is the same every run on the same day.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

from migrainecli.models import Day, Gap, Intake, Period, Score, Trial
from migrainecli.rules.months import add_months
from migrainecli.storage import Diary

SEED = 20201130


def _first_of(d: date, months_back: int) -> date:
    y, m = add_months(d.year, d.month, -months_back)
    return date(y, m, 1)


def build_demo(path: Path, as_of: date) -> Diary:
    """Write the sample diary to ``path`` (a new file) and return it open."""
    from migrainecli.catalogue import load_catalogue

    catalogue = load_catalogue()
    rng = random.Random(SEED)
    start = _first_of(as_of, 12)
    chronic_from = _first_of(as_of, 9)
    holiday = (_first_of(as_of, 5) + timedelta(days=9), _first_of(as_of, 5) + timedelta(days=15))
    days: list[Day] = []
    intakes: list[Intake] = []

    def acute(d: date, name: str, relieved: bool | None) -> None:
        res = catalogue.resolve(name, kinds={"acute"})
        intakes.append(Intake(d, res.name, res.dose, relieved, res.class_id))

    d = start
    while d <= as_of:
        if holiday[0] <= d <= holiday[1]:
            d += timedelta(days=1)
            continue
        chronic = d >= chronic_from
        p_headache = 0.66 if chronic else 0.33
        if rng.random() < p_headache:
            migraine = rng.random() < (0.7 if chronic else 0.45)
            if migraine:
                severity = rng.choice(["moderate", "severe", "severe"])
                day = Day(
                    d,
                    severity,
                    hours=float(rng.choice([4, 6, 8, 12, 24])),
                    unilateral=rng.random() < 0.7,
                    pulsating=rng.random() < 0.8,
                    activity=True,
                    nausea=rng.random() < 0.7,
                    photophobia=True,
                    phonophobia=rng.random() < 0.8,
                    believed_migraine=True,
                    impairment=rng.choice(
                        ["serious", "serious", "bedbound", "bedbound", "mild"]
                        if chronic
                        else ["serious", "mild", "mild"]
                    ),
                )
            else:
                day = Day(
                    d,
                    rng.choice(["mild", "mild", "moderate"]),
                    hours=float(rng.choice([2, 3, 5])),
                    pulsating=False,
                    nausea=False,
                    impairment=rng.choice(["none", "mild"]),
                )
            days.append(day)
            if migraine and (chronic or rng.random() < 0.6):
                acute(d, "Relpax 40 mg", rng.random() < 0.7)
            elif not migraine and rng.random() < 0.6:
                acute(d, "ibuprofen 400 mg", rng.random() < 0.5)
            if migraine and rng.random() < 0.15:
                acute(d, "metoclopramide 10 mg", None)
        elif rng.random() < 0.1:
            days.append(Day(d, "none"))
        d += timedelta(days=1)

    def months_ago(n: int, day: int = 5) -> date:
        return _first_of(as_of, n) + timedelta(days=day - 1)

    trials = [
        Trial("propranolol", "beta_blocker", "preventive", months_ago(30), months_ago(26),
              "80 mg daily", "ineffective", "no change in migraine days"),
        Trial("Topamax", "anticonvulsant", "preventive", months_ago(24), months_ago(23, 20),
              "50 mg twice daily", "not_tolerated", "word-finding problems, tingling"),
        Trial("amitriptyline", "antidepressant", "preventive", months_ago(20), months_ago(19, 10),
              "25 mg at night", "ineffective", "stopped early: drowsy, no benefit yet"),
        Trial("candesartan", "angiotensin_blocker", "preventive", months_ago(15), months_ago(11),
              "16 mg daily", "ineffective", "no benefit after 4 months"),
        Trial("sumatriptan", "triptan", "acute", months_ago(36), months_ago(14),
              "100 mg", "ineffective", "works in under half of attacks"),
        Trial("rizatriptan", "triptan", "acute", months_ago(13), months_ago(12),
              "10 mg", "not_tolerated", "chest tightness"),
        Trial("greater occipital nerve block", "occipital_nerve_block", "procedure",
              months_ago(8), months_ago(8, 6), None, "partial", "two good weeks"),
        Trial("CBT", "cbt", "behavioural", months_ago(10), months_ago(6), "8 sessions",
              "partial", "course completed"),
        Trial("Ajovy", "cgrp_mab", "preventive", months_ago(48), months_ago(36),
              "225 mg monthly", "paused", "planned pause after 12 months, EHF 2022"),
        Trial("flunarizine", "calcium_channel_blocker", "preventive", months_ago(9),
              months_ago(9), "5 mg at night", "unavailable", "not marketed in the US"),
        Trial("Aimovig", "cgrp_mab", "preventive", months_ago(2, 1), None, "140 mg monthly"),
    ]  # fmt: skip
    # The first day of each period, about every 28 days; the latest window (days -2 to +3)
    # ended 5 days before the as-of date.
    periods: list[date] = []
    p = as_of - timedelta(days=10)
    lengths = (28, 27, 29, 28, 30, 27)
    while p - timedelta(days=2) >= start:
        periods.append(p)
        p -= timedelta(days=lengths[len(periods) % len(lengths)])
    periods.reverse()
    # A treated 8-hour migraine without aura on day 1 of two of the last three cycles.
    by_date = {day.date: k for k, day in enumerate(days)}
    for p in (periods[-3], periods[-1]):
        attack = Day(p, "severe", 8.0, True, True, True, True, False, True, True, False, True,
                     "serious")  # fmt: skip
        if p in by_date:
            days[by_date[p]] = attack
        else:
            days.append(attack)
        intakes[:] = [i for i in intakes if i.date != p]
        acute(p, "Relpax 40 mg", True)
    days.sort(key=lambda day: day.date)
    intakes.sort(key=lambda i: i.date)

    # MIDAS and HIT-6 over the year: severe, then better on erenumab (started 2 months ago).
    scores = [
        Score(months_ago(11, 20), "midas", None, 12, 9, 15, 6, 6, 34, 7),
        Score(months_ago(7, 12), "midas", None, 14, 10, 16, 8, 7, 41, 8),
        Score(months_ago(3, 25), "midas", None, 16, 11, 17, 9, 8, 52, 8),
        Score(as_of - timedelta(days=6), "midas", None, 5, 4, 6, 3, 2, 27, 6),
        Score(months_ago(11, 20), "hit6", 66),
        Score(months_ago(7, 12), "hit6", 67),
        Score(months_ago(3, 25), "hit6", 68),
        Score(as_of - timedelta(days=6), "hit6", 58),
    ]
    from migrainecli.rules.scores import check_score

    diary = Diary.open(path, write=True)
    with diary.write():
        diary.save_days(days)
        diary.add_intakes(intakes)
        diary.add_gap(Gap(holiday[0], holiday[1], "holiday, diary left at home"))
        for t in trials:
            diary.save_trial(t)
        for score in scores:
            diary.add_score(check_score(score))
        for p in periods:
            diary.add_period(Period(p))
    return diary
