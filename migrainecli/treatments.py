"""Treatment trials: adding, stopping, editing and finding them (the core behind ``trial``).

Rules enforced here, each with a sentence for the user: a start in the future,
an end before the start or in the future, an outcome that contradicts the
dates (ended but ``ongoing``, or ongoing with a final outcome), an unknown
therapy (with the closest catalogue names), and an exact duplicate trial.

An ``unavailable`` trial (the patient could not get the therapy: not covered, not
marketed, age; docs/criteria.md section 4b) is dated by when it was asked for and
refused: ``start`` is that date and ``end`` defaults to it (``trial add X --outcome
unavailable --start DATE --reason "not covered"``); an ``end`` after the start is allowed
and reads as the span from the request to the refusal. It never counts as days on
treatment, so its length decides nothing. It is an ended record, so the schema's rule
"no end date exactly when ongoing" holds for it.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from migrainecli.errors import InvalidValue, MigraineError
from migrainecli.models import KINDS, OUTCOMES, UNAVAILABLE, Trial
from migrainecli.storage import Diary


def resolve_therapy(text: str, *, kind: str | None = None, class_id: str | None = None):
    """Resolve a therapy name for a trial (``kind`` narrows a two-class name)."""
    from migrainecli.catalogue import load_catalogue

    if kind is not None and kind not in KINDS:
        raise InvalidValue(f"Kind must be one of {', '.join(KINDS)}, not {kind!r}.")
    return load_catalogue().resolve(text, kinds={kind} if kind else None, class_id=class_id)


def trial_of(res, start: date, end: date | None, *, dose: str | None, **fields) -> Trial:
    """A trial of a resolved therapy (``resolve_therapy``): its name, class and kind, and
    the dose the name carries ("Imitrex 100 mg") unless ``dose`` gives one; ``fields``
    are the rest of the trial (outcome, reason, note, approximate dates)."""
    return Trial(
        therapy=res.name, class_id=res.class_id, kind=res.kind, start=start, end=end,
        dose=dose if dose is not None else res.dose, **fields,
    )  # fmt: skip


FINAL_OUTCOMES = ", ".join(o for o in OUTCOMES if o != "ongoing")


def with_default_end(trial: Trial) -> Trial:
    """An ``unavailable`` record given only a start ends on that date (module docstring)."""
    if trial.outcome == UNAVAILABLE and trial.end is None:
        return replace(trial, end=trial.start, end_approximate=trial.start_approximate)
    return trial


def check_trial(trial: Trial, today: date | None = None) -> None:
    """Refuse impossible trials with one sentence."""
    today = today or date.today()
    if trial.outcome not in OUTCOMES:
        raise InvalidValue(f"Outcome must be one of {', '.join(OUTCOMES)}, not {trial.outcome!r}.")
    if trial.start > today:
        raise InvalidValue(
            f"The start {trial.start} is in the future; record a trial once it has begun."
        )
    if trial.end is not None:
        if trial.end < trial.start:
            raise InvalidValue(f"The end {trial.end} is before the start {trial.start}.")
        if trial.end > today:
            raise InvalidValue(f"The end {trial.end} is in the future.")
        if trial.outcome == "ongoing":
            raise InvalidValue(
                f"The trial ended on {trial.end}, so it needs --outcome ({FINAL_OUTCOMES}); "
                "its outcome is 'ongoing' only while it goes on."
            )
    elif trial.outcome != "ongoing":
        raise InvalidValue(
            f"Outcome {trial.outcome!r} needs an end date; give --end, or leave the outcome "
            "out while the trial is ongoing."
        )


def same_trial(a: Trial, b: Trial) -> bool:
    """An exact duplicate: same therapy (any case), class, kind, dates, dose and outcome."""
    keys = ("therapy", "class_id", "kind", "start", "end", "dose", "outcome")
    return all(
        (getattr(a, k) or "").lower() == (getattr(b, k) or "").lower()
        if isinstance(getattr(a, k), str) or isinstance(getattr(b, k), str)
        else getattr(a, k) == getattr(b, k)
        for k in keys
    )


def add_trial(diary: Diary, trial: Trial) -> int:
    trial = with_default_end(trial)
    check_trial(trial)
    with diary.write():
        for other in diary.trials():
            if same_trial(other, trial):
                raise InvalidValue(
                    f"This trial is already recorded (#{other.id}); 'migrainecli trial list' "
                    "shows it."
                )
        return diary.save_trial(trial)


def find_trial(diary: Diary, ref: str) -> Trial:
    """A trial by id (``3`` or ``#3``) or by an unambiguous therapy name."""
    ref = ref.strip()
    if ref.lstrip("#").isdigit():
        return diary.get_trial(int(ref.lstrip("#")))
    from migrainecli.catalogue import load_catalogue

    catalogue = load_catalogue()
    trials = diary.trials()
    wanted = {ref.lower()}
    try:
        wanted |= {m.name for m in catalogue.lookup(ref)}
    except MigraineError:
        pass
    matches = [t for t in trials if t.therapy.lower() in wanted or _canonical(t) in wanted]
    if not matches:
        raise InvalidValue(
            f"No trial of {ref!r} is recorded; 'migrainecli trial list' shows the trials."
        )
    if len(matches) > 1:
        ongoing = [t for t in matches if t.end is None]
        if len(ongoing) == 1:
            return ongoing[0]
        ids = ", ".join(f"#{t.id} ({t.start})" for t in matches)
        raise InvalidValue(f"{ref!r} matches several trials: {ids}; give the number instead.")
    return matches[0]


def _canonical(trial: Trial) -> str:
    from migrainecli.catalogue import load_catalogue

    members = load_catalogue().lookup(trial.therapy)
    for m in members:
        if m.class_id == trial.class_id:
            return m.name
    return trial.therapy.lower()


def stop_trial(
    diary: Diary,
    trial: Trial,
    end: date,
    outcome: str,
    reason: str | None,
    end_approximate: bool = False,
) -> Trial:
    if trial.end is not None:
        raise InvalidValue(
            f"Trial #{trial.id} already ended on {trial.end}; use 'migrainecli trial edit' "
            "to change it."
        )
    if outcome == "ongoing":
        raise InvalidValue("A stopped trial needs a final outcome, not 'ongoing'.")
    stopped = replace(
        trial, end=end, outcome=outcome, reason=reason or trial.reason,
        end_approximate=end_approximate,
    )  # fmt: skip
    check_trial(stopped)
    diary.save_trial(stopped)
    return stopped


def edit_trial(diary: Diary, trial: Trial, **changes) -> Trial:
    edited = replace(trial, **changes)
    if "end" in changes and changes["end"] is None and "outcome" not in changes:
        edited = replace(edited, outcome="ongoing")
    if "end" not in changes:
        edited = with_default_end(edited)
    check_trial(edited)
    with diary.write():
        for other in diary.trials():
            if other.id != trial.id and same_trial(other, edited):
                raise InvalidValue(f"That would duplicate trial #{other.id}.")
        diary.save_trial(edited)
    return edited
