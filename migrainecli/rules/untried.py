"""What is left to try (``untried``): the class partition of docs/criteria.md section 6,
with what the diary adds to it.

Two additions, both information only and never counted: an acute class taken on diary
days but never recorded as a trial stays *untried* (the criteria count trials) and says
on how many days it was taken; where EHF 2020's triptan condition is not met, the
triptans the diary shows not relieving most intakes are pointed out (section 4).
"""

from collections.abc import Iterable
from datetime import date
from typing import Any

from migrainecli.models import Intake, MonthHistory, Trial
from migrainecli.rules.ehf import triptan_condition
from migrainecli.rules.months import TRIPTAN_CLASS, class_days
from migrainecli.rules.trials import partition_classes


def untried_classes(
    trials: Iterable[Trial],
    intakes: Iterable[Intake],
    as_of: date,
    catalogue,
    history: MonthHistory | None = None,
) -> dict[str, list[dict[str, Any]]]:
    """The four lists of ``untried --json`` (untried, inadequate, tried, barred).

    ``history`` (``DiaryData.history``) stands for the intakes before ``history.since``
    when ``intakes`` holds only the later ones."""
    trials, intakes = list(trials), [i for i in intakes if i.date <= as_of]
    data = partition_classes(trials, as_of, catalogue).to_dict()
    earlier = history.triptans if history else None
    hints = triptan_condition(trials, as_of, catalogue, intakes, earlier).diary
    if hints:
        for e in (e for v in data.values() for e in v if e["class"] == TRIPTAN_CLASS):
            e["diary_intakes_not_counted"] = [h.to_dict() for h in hints]
    used = dict(history.class_days) if history else {}
    for class_id, n in class_days(intakes).items():
        used[class_id] = used.get(class_id, 0) + n
    for e in data["untried"]:
        if e["class"] in used:
            e["intake_days"] = used[e["class"]]
    return data


# -- the words of the listing: one place for `untried` and every summary rendering ----------
def untried_name(entry: dict[str, Any], labels: dict[str, str]) -> str:
    """An untried class by name, with the days it was taken without a trial: "Simple
    analgesics (taken on 39 days, no trial recorded)"."""
    name = labels.get(entry["class"], entry["class"])
    n = entry.get("intake_days")
    if n:
        name += f" (taken on {n} day{'s' * (n != 1)}, no trial recorded)"
    return name


def inadequate_trial(t: dict[str, Any]) -> str:
    """A trial that left its class tried only inadequately, with the adequacy reason."""
    return f"{t['therapy']} {t['start']}→{t['end'] or 'ongoing'}: {t['reason']}"


def tried_trial(t: dict[str, Any]) -> str:
    return f"{t['therapy']} {t['start']}→{t['end'] or 'ongoing'} {t['outcome']}"


def barred_trial(t: dict[str, Any]) -> str:
    """An ``unavailable`` record, with why the patient could not get it."""
    return f"{t['therapy']} {t['start']}: {t['reason_stopped'] or 'unavailable'}"


def diary_notes(entries: Iterable[dict[str, Any]]) -> list[str]:
    """The diary's triptans not counted towards EHF 2020's condition (section 4)."""
    return [h["note"] for e in entries for h in e.get("diary_intakes_not_counted", [])]
