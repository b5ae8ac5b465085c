"""The guided ``log``: plain-language questions whose answers make the same entry as options.

``migrainecli log [DATE]`` with no content option, on a terminal, asks these questions
instead of failing for want of ``--severity``. The answers become exactly the
``changes`` and ``--med`` texts the options would give, and go through the same
:func:`migrainecli.logbook.log_days`, so a guided day and a typed day are stored alike.

Decisions (the issue left them open):

* **Defaults.** Enter takes the answer shown in brackets: the answer of the most recent
  headache day before the date being logged. With no such day, Enter skips the
  question (the field stays "not recorded"). ``-`` skips any question that may be
  skipped, whatever its default.
* **How bad** cannot be skipped: a new day needs it. ``none`` (or ``0``) ends the
  questions at once with a headache-free day.
* **Features.** When the previous headache day recorded features, one question offers
  them all again ("Same as on Mon 30 Nov: one side, throbbing...?"); ``n`` asks
  each one. This is what keeps a typical migraine day, like the last one, at nine
  answers: how bad, hours, same features, believed migraine, limit, medication, did it
  help, no more medication, note. The first headache day ever logged asks every
  feature (fifteen answers at most).
* **Nausea or vomiting** is one question with four answers (``y`` nausea, ``v``
  vomiting, ``b`` both, ``n`` neither); ``v`` records vomiting and leaves nausea not
  recorded, since that was not what was answered.
* **Medication.** One intake per answer, dose in the same text; the previous day's
  intakes are offered in turn as defaults, ``-`` ends the list. An unknown name is
  answered with the catalogue's "did you mean" and asked again; a name followed by
  ``: relieved`` skips the "did it help?" question. The note is never copied.
* **Leaving.** Ctrl-C or end of input (Ctrl-D) at any question stores nothing; the CLI
  says so. Nothing is written until the last answer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from migrainecli.errors import MigraineError, UnknownTherapy
from migrainecli.models import IMPAIRMENTS, SEVERITIES, Day, Intake

SKIP = "-"

Ask = Callable[[str], str]  # show a prompt, return the line typed (EOFError/KeyboardInterrupt)
Tell = Callable[[str], None]  # one line for the person answering (an invalid answer's reason)


@dataclass
class Answers:
    """What the questions gathered: the ``log`` options it stands for."""

    changes: dict[str, Any] = field(default_factory=dict)
    meds: list[str] = field(default_factory=list)  # --med texts, relief after a colon
    count: int = 0  # answers typed (each Enter counts)


# (field, question) — the yes/no features, in the order asked. Nausea and vomiting are one
# question of their own, asked after "activity".
_YES_NO = (
    ("unilateral", "Was the pain on one side of the head?"),
    ("pulsating", "Was it throbbing or pulsating?"),
    ("activity", "Was it worse with routine activity (walking, stairs), or did you avoid it?"),
)
_SENSES = (
    ("photophobia", "Were you bothered by light?"),
    ("phonophobia", "Were you bothered by sound?"),
    ("aura", "Did you have an aura (visual, sensory or speech symptoms)?"),
)
_PLAIN = {  # feature -> (recorded present, recorded absent)
    "unilateral": ("one side", "not one side"),
    "pulsating": ("throbbing", "not throbbing"),
    "activity": ("worse with activity", "not worse with activity"),
    "nausea": ("nausea", "no nausea"),
    "vomiting": ("vomiting", "no vomiting"),
    "photophobia": ("bothered by light", "not by light"),
    "phonophobia": ("bothered by sound", "not by sound"),
    "aura": ("aura", "no aura"),
}
FEATURE_FIELDS = tuple(_PLAIN)
_STOMACH = {  # answer -> (nausea, vomiting)
    "y": (True, False), "v": (None, True), "b": (True, True), "n": (False, False),
}  # fmt: skip
_STOMACH_WORDS = {"yes": "y", "nausea": "y", "vomiting": "v", "both": "b", "no": "n",
                  "neither": "n"}  # fmt: skip


def _short_date(d: date) -> str:
    return f"{d:%a} {d.day} {d:%b}"


def describe_features(day: Day) -> str:
    """ "one side, throbbing, nausea; no aura": what a day recorded, in the questions' words."""
    present = [_PLAIN[f][0] for f in FEATURE_FIELDS if getattr(day, f)]
    absent = [_PLAIN[f][1] for f in FEATURE_FIELDS if getattr(day, f) is False]
    return "; ".join(part for part in (", ".join(present), ", ".join(absent)) if part)


class Interview:
    """Asks the questions for one date; :meth:`run` returns the :class:`Answers`."""

    def __init__(
        self,
        ask: Ask,
        tell: Tell,
        when: date,
        previous: tuple[Day, tuple[Intake, ...]] | None,
        check_med: Callable[[str], None],
    ):
        self._ask, self._tell, self.when = ask, tell, when
        self.previous, self.previous_intakes = previous or (None, ())
        self._check_med = check_med  # raises MigraineError (UnknownTherapy...) for a bad name
        self.answers = Answers()

    # -- asking -------------------------------------------------------------------------

    def _line(self, prompt: str) -> str:
        text = self._ask(prompt)
        self.answers.count += 1
        return " ".join(text.split())

    def _choice(
        self,
        question: str,
        options: tuple[str, ...],
        default: str | None,
        *,
        required: bool = True,
    ) -> str | None:
        """One of ``options`` by number, word or unambiguous start. Unless ``required``,
        ``-`` (or Enter with no default) skips: None."""
        menu = ", ".join(f"{n} {o}" for n, o in enumerate(options))
        shown = f" [{default}]" if default else ("" if required else " [Enter skips]")
        while True:
            text = self._line(f"{question} ({menu}){shown}: ").lower()
            if not required and (text == SKIP or (not text and not default)):
                return None
            if not text and default:
                return default
            if text.isdigit() and int(text) < len(options):
                return options[int(text)]
            starts = [o for o in options if o.startswith(text)] if text else []
            if len(starts) == 1:
                return starts[0]
            if not required:
                self._tell(f"Type one of: {', '.join(options)} (or its number), or - to skip.")
            elif len(starts) > 1:
                self._tell(f"Type {' or '.join(starts)} (or its number).")
            else:
                self._tell(
                    f"Type one of: {', '.join(options)} (or its number 0-{len(options) - 1})."
                )

    def _skippable(self, prompt: str, default: Any, parse: Callable[[str], Any]) -> Any:
        """Ask until ``parse`` takes the answer (else it raises ValueError with the hint to
        show, and asks again): Enter keeps ``default``, ``-`` skips (None)."""
        while True:
            text = self._line(prompt).lower()
            if not text:
                return default
            if text == SKIP:
                return None
            try:
                return parse(text)
            except ValueError as hint:
                self._tell(str(hint))

    def _yes_no(self, question: str, default: bool | None) -> bool | None:
        def parse(text: str) -> bool:
            if text in ("y", "yes"):
                return True
            if text in ("n", "no"):
                return False
            raise ValueError("Type y or n (or - to skip).")

        shown = {True: " [y]", False: " [n]", None: " [Enter skips]"}[default]
        return self._skippable(f"{question} (y/n){shown}: ", default, parse)

    # -- the questions ------------------------------------------------------------------

    def run(self) -> Answers:
        prev = self.previous
        changes = self.answers.changes
        severity = self._choice(
            f"How bad was the headache on {_short_date(self.when)}?",
            SEVERITIES,
            prev.severity if prev else None,
        )
        changes["severity"] = severity
        if severity == "none":
            return self.answers
        hours = self._hours(prev.hours if prev else None)
        if hours is not None:
            changes["hours"] = hours
        self._features()
        believed = self._yes_no(
            "When it began, did you think it was a migraine?",
            prev.believed_migraine if prev else None,
        )
        if believed is not None:
            changes["believed_migraine"] = believed
        impairment = self._choice(
            "How much did it limit your day, despite any medication?",
            IMPAIRMENTS,
            prev.impairment if prev else None,
            required=False,
        )
        if impairment is not None:
            changes["impairment"] = impairment
        self._medication()
        note = self._line("A note? [Enter for none]: ")
        if note and note != SKIP:
            changes["note"] = note
        return self.answers

    def _hours(self, default: float | None) -> float | None:
        def parse(text: str) -> float:
            number = text.removesuffix("hours").removesuffix("hour").removesuffix("h").strip()
            try:
                hours = float(number)
            except ValueError:
                raise ValueError("Type a number of hours, e.g. 6 or 2.5 (or - to skip).") from None
            if 0 < hours <= 24:
                return hours
            raise ValueError("Type more than 0 and at most 24 hours (the hours of this one day).")

        shown = f" [{default:g}]" if default is not None else " [Enter skips]"
        return self._skippable(f"How many hours did it last?{shown}: ", default, parse)

    def _features(self) -> None:
        prev, changes = self.previous, self.answers.changes
        if prev is not None and any(getattr(prev, f) is not None for f in FEATURE_FIELDS):
            same = self._yes_no(
                f"Same as on {_short_date(prev.date)}: {describe_features(prev)}?", True
            )
            if same:
                changes.update(
                    {f: getattr(prev, f) for f in FEATURE_FIELDS if getattr(prev, f) is not None}
                )
                return
        for name, question in _YES_NO:
            self._set(name, self._yes_no(question, getattr(prev, name) if prev else None))
        nausea, vomiting = self._stomach((prev.nausea, prev.vomiting) if prev else (None, None))
        self._set("nausea", nausea)
        self._set("vomiting", vomiting)
        for name, question in _SENSES:
            self._set(name, self._yes_no(question, getattr(prev, name) if prev else None))

    def _set(self, name: str, value: bool | None) -> None:
        if value is not None:
            self.answers.changes[name] = value

    def _stomach(self, default: tuple[bool | None, bool | None]) -> tuple[bool | None, ...]:
        label = _stomach_label(*default)
        shown = f" [{label}]" if label else " [Enter skips]"
        while True:
            text = self._line(
                f"Nausea or vomiting? (y nausea, v vomiting, b both, n neither){shown}: "
            ).lower()
            if not text:
                return default  # the previous day's answer exactly, or (None, None)
            if text == SKIP:
                return None, None
            key = _STOMACH_WORDS.get(text, text)
            if key in _STOMACH:
                return _STOMACH[key]
            self._tell("Type y (nausea), v (vomiting), b (both) or n (neither), or - to skip.")

    def _medication(self) -> None:
        offered = list(self.previous_intakes)
        n = 0
        while True:
            n += 1
            default = offered[n - 1] if n <= len(offered) else None
            typed_default = _intake_text(default) if default else None
            if n == 1:
                question = "Acute medication taken (name and dose; Tab completes)"
                hint = f" [{typed_default}; - for none]" if default else " [Enter for none]"
            else:
                question = "Another medication"
                hint = f" [{typed_default}; - for no more]" if default else " [Enter for no more]"
            text = self._line(f"{question}{hint}: ")
            if text == SKIP or (not text and default is None):
                return
            text = text or typed_default
            med = self._checked(text)
            if med is None:
                n -= 1
                continue
            if ":" not in med:
                same = default is not None and med == typed_default
                helped = self._yes_no(f"Did {med} help?", default.relieved if same else None)
                if helped is not None:
                    med = f"{med}: {'relieved' if helped else 'not relieved'}"
            self.answers.meds.append(med)

    def _checked(self, text: str) -> str | None:
        """The medication text if the catalogue knows it, after "did you mean"; else None."""
        from migrainecli.catalogue import split_dose
        from migrainecli.logbook import split_relief

        try:
            name, relief = split_relief(text)
            self._check_med(name)
            return text
        except UnknownTherapy as unknown:
            if not unknown.suggestions:
                self._tell(f"{unknown} Type another name, or - for none.")
                return None
            better = unknown.suggestions[0]
            if not self._yes_no(f"Did you mean {better}?", True):
                return None
            fixed = better.split(" (")[0]  # "Imitrex (sumatriptan)" -> "Imitrex"
            dose = split_dose(name)[1]
            tail = f": {text.rpartition(':')[2].strip()}" if relief is not None else ""
            return self._checked(f"{fixed} {dose}{tail}" if dose else f"{fixed}{tail}")
        except MigraineError as err:
            self._tell(f"{err} Type another name, or - for none.")
            return None


def _stomach_label(nausea: bool | None, vomiting: bool | None) -> str | None:
    """The answer letter that stands for a recorded (nausea, vomiting) pair."""
    if nausea is None and vomiting is None:
        return None
    if vomiting:
        return "b" if nausea else "v"
    return "y" if nausea else "n"


def _intake_text(intake: Intake) -> str:
    """An intake as the medication answer that logs it again (its relief is asked anew)."""
    from migrainecli.logbook import intake_text

    return intake_text(replace(intake, relieved=None))
