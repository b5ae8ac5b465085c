"""Domain errors. The CLI edge turns each into one sentence on stderr and exit 1."""

from __future__ import annotations


class MigraineError(Exception):
    """A request that cannot be done; ``str(err)`` is the sentence shown to the user."""


class DateError(MigraineError):
    """A date or range that cannot be read or is not allowed (e.g. in the future)."""


class DiaryFileError(MigraineError):
    """The diary file cannot be used: not SQLite, another application's, damaged, newer."""


class NotFound(MigraineError):
    """No such entry (day, gap, trial, setting)."""


class InvalidValue(MigraineError):
    """A value that breaks a rule of the diary (end before start, contradictory outcome...)."""


class UnknownTherapy(MigraineError):
    """A therapy or medication name the catalogue does not know."""

    def __init__(self, name: str, suggestions: list[str] | tuple[str, ...] = ()):
        self.name = name
        self.suggestions = list(suggestions)
        if self.suggestions:
            hint = " or ".join(self.suggestions[:3])
            msg = f"Unknown therapy {name!r}. Did you mean {hint}?"
        else:
            msg = (
                f"Unknown therapy {name!r}; run 'migrainecli therapies' for the catalogue, "
                "or give --class ID to record it under a class."
            )
        super().__init__(msg)


class AmbiguousTherapy(MigraineError):
    """A name that belongs to more than one class and the context does not decide."""

    def __init__(self, name: str, class_ids: list[str] | tuple[str, ...]):
        self.name = name
        self.class_ids = list(class_ids)
        options = " or ".join(f"--class {c}" for c in self.class_ids)
        super().__init__(f"{name!r} belongs to more than one class; say which with {options}.")


class CsvImportError(MigraineError):
    """A CSV file that cannot be imported; the message names the line and the reason."""
