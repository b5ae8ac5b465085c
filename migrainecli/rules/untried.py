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

from migrainecli.models import Intake, Trial
from migrainecli.rules.ehf import TRIPTAN_CLASS, triptan_condition
from migrainecli.rules.trials import partition_classes


def untried_classes(
    trials: Iterable[Trial], intakes: Iterable[Intake], as_of: date, catalogue
) -> dict[str, list[dict[str, Any]]]:
    """The four lists of ``untried --json`` (untried, inadequate, tried, barred)."""
    trials, intakes = list(trials), [i for i in intakes if i.date <= as_of]
    data = partition_classes(trials, as_of, catalogue).to_dict()
    hints = triptan_condition(trials, as_of, catalogue, intakes).diary
    if hints:
        for e in (e for v in data.values() for e in v if e["class"] == TRIPTAN_CLASS):
            e["diary_intakes_not_counted"] = [h.to_dict() for h in hints]
    used: dict[str | None, set[date]] = {}
    for i in intakes:
        used.setdefault(i.class_id, set()).add(i.date)
    for e in data["untried"]:
        if e["class"] in used:
            e["intake_days"] = len(used[e["class"]])
    return data
