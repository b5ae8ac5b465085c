"""What shell completion offers for a therapy name: canonical names and brands."""

from difflib import SequenceMatcher


def therapy_names(catalogue) -> list[str]:
    """Every member's canonical name and the brands and other names it goes by, sorted.

    The catalogue keeps brands, other generic names and common misspellings in one list
    of aliases, and completion must not offer a misspelling. Until the data marks them
    apart, an alias counts as a misspelling when it is written in lower case and nearly
    a name offered before it (the member's own name first, as ``catalogue._suggestion``
    decides): "sumatriptin" and "acetominophen" are left out, "Imitrex" (a brand) and
    "acetaminophen" (another generic name of paracetamol) are offered.
    """
    names: set[str] = set()
    for cls in catalogue.classes.values():
        for member in cls.members:
            kept = [member.name]
            for alias in member.aliases:
                if any(c.isupper() for c in alias) or not any(_near(alias, k) for k in kept):
                    kept.append(alias)
            names.update(kept)
    return sorted(names, key=str.casefold)


def _near(alias: str, name: str) -> bool:
    return SequenceMatcher(None, alias.casefold(), name.casefold()).ratio() >= 0.8
