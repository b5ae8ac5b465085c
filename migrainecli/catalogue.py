"""The therapy catalogue (docs/therapy-classes.md) and name resolution.

The classes and their members live in ``data/therapies.json``, read once per process.
Names are compared by *key*: case folded, accents dropped and every character that is not
a letter or a digit removed, so "Nurtec-ODT", "nurtec odt" and "NURTEC ODT" are one name,
and so are "D.H.E. 45" and "dhe 45".

Resolving typed text (``Catalogue.resolve``): the longest catalogue name at the start of the
text wins; salt and release-form words right after it stay part of the name ("metoprolol
succinate", "propranolol LA"); the rest is the dose, and must look like one (a number, or a
word such as "tablet", "nasal spray", "x2"). Anything else after a known name makes the text
unknown rather than silently taking its first word: "sumatriptan with naproxen" must not be
recorded as a triptan when it is a combination analgesic (ICHD-3 8.2.5).
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from migrainecli.errors import AmbiguousTherapy, InvalidValue, UnknownTherapy
from migrainecli.models import KINDS

__all__ = [
    "Catalogue",
    "Member",
    "Resolution",
    "TherapyClass",
    "load_catalogue",
    "split_dose",
]

_DATA_FILE = "data/therapies.json"

_MAX_NAME_TOKENS = 12  # no catalogue name has more (the tests resolve every name)
_CUTOFF = 0.6  # difflib similarity a suggestion needs
_SUGGESTION_SPREAD = 0.15  # suggestions are at most this much less similar than the best
_NON_ALNUM = re.compile(r"[\W_]+")
_NON_ALNUM_LINES = re.compile(r"[^\w\n]+|_+")
# A run of letters (or other non-digit alphanumerics such as "½") or a run of digits:
# "Aimovig140mg" -> "Aimovig", "140", "mg"; "D.H.E. 45" -> "D", "H", "E", "45".
_TOKEN = re.compile(r"[^\W\d_]+|\d+")
_CLASS_SEP = re.compile(r"[\s-]+")
_WORD = re.compile(r"[^\W_]+")
_NUMBER_GOES_ON = re.compile(r"[.,/]\d")  # "2.5", "30/500"

# Words right after a name that still belong to it: salts and release forms (keys).
_NAME_SUFFIXES = frozenset(
    """
    succinate tartrate hydrochloride hcl hydrobromide hbr benzoate malate maleate mesylate
    mesilate besylate citrate oxide glycinate bisglycinate sulfate sulphate phosphate
    bitartrate sodium potassium cilexetil tromethamine acetate
    er xr sr xl la cr dr ec mr cd odt mlt zmt extended modified prolonged controlled delayed
    release chrono
    """.split()
)

# Words a dose may start with besides a number (keys): forms, routes, counts, schedules.
_DOSE_WORDS = frozenset(
    """
    tablet tablets tab tabs caplet caplets capsule capsules cap caps pill pills softgel
    softgels gel gels liquigel liquigels liqui injection injections inj injector autoinjector
    auto pen pens syringe syringes prefilled shot shots jab im sc subcut subcutaneous
    intramuscular nasal nose spray sprays ns powder wafer wafers melt melts film orally oral
    disintegrating dispersible soluble effervescent chewable sprinkle sprinkles solution
    liquid suspension syrup drops sachet sachets granules patch patches suppository
    suppositories supp rectal sublingual sl buccal dose doses half quarter one two three four
    x as prn bid bd tid tds qid qds qd od daily nightly weekly monthly every once twice
    morning evening night bedtime qhs mane nocte at per session sessions cycle cycles course
    """.split()
)

# Dose words that make a number before them a count ("Tylenol 3 tablets" = three Tylenol).
_COUNT_WORDS = frozenset(
    "x tablet tablets tab tabs caplet caplets capsule capsules cap caps pill pills".split()
)

_KIND_PHRASES = {
    "acute": "an acute medication",
    "preventive": "a preventive",
    "procedure": "a procedure",
    "neuromodulation": "neuromodulation",
    "behavioural": "a behavioural therapy",
    "lifestyle": "a lifestyle measure",
}


def _key(text: str) -> str:
    """The matching key of a name: case folded, no accents, letters and digits only."""
    text = text.casefold()
    if not text.isascii():
        text = _strip_accents(text)
    return _NON_ALNUM.sub("", text)


def _keys(texts: list[str]) -> list[str]:
    """``[_key(t) for t in texts]`` in one pass over the text (half the catalogue's load)."""
    blob = "\n".join(texts).casefold()
    if not blob.isascii():
        blob = _strip_accents(blob)
    return _NON_ALNUM_LINES.sub("", blob).split("\n")


def _strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _squash(text: str) -> str:
    return " ".join(text.split())


def _class_key(class_id: str) -> str:
    return _CLASS_SEP.sub("_", class_id.strip()).casefold()


@dataclass(frozen=True, slots=True)
class Member:
    """One therapy of a class: a canonical generic name and the other names it goes by."""

    name: str  # canonical generic, lowercase
    class_id: str
    aliases: tuple[str, ...]  # every other name it resolves from, misspellings included
    # Common misspellings ("amitryptiline"): in ``aliases`` so that they resolve, marked in
    # the data file (a member's "misspellings" list) so that listings do not show them.
    misspellings: tuple[str, ...] = ()
    # The ICHD-3 1.3 C3 relief classes ("triptan", "ergot") a combination product contains
    # (Treximet, Cafergot): its relief counts for C3 while its intake stays under 8.2.5.
    contains: tuple[str, ...] = ()
    # Which simple analgesics a simple_analgesic member is, for the ICHD-3 8.2.3 subforms:
    # "paracetamol", "aspirin", "nsaid" (another NSAID), "other" (e.g. metamizole).
    analgesics: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TherapyClass:
    """One class of docs/therapy-classes.md with the flags the clinical rules read."""

    id: str
    kind: str  # one of models.KINDS
    label: str
    moh: str | None  # ICHD-3 8.2 subtype an acute intake counts under
    ehf: bool  # EHF 2020 preventive class
    ehf_group: str | None  # the EHF class it counts as (cgrp_mab + gepant_preventive share one)
    oral: bool  # oral preventive: decides only the adequate-trial minimum (section 6)
    min_adequate_days: int | None  # docs/criteria.md section 6; None = no minimum
    members: tuple[Member, ...]


@dataclass(frozen=True, slots=True)
class Resolution:
    """What a typed therapy name stands for."""

    name: str  # as typed, dose removed, whitespace trimmed (what storage keeps)
    canonical: str  # member.name, or the typed name when recorded under an explicit class
    class_id: str
    kind: str
    dose: str | None
    member: Member | None  # None: unknown to the catalogue, recorded under the given class


def split_dose(text: str) -> tuple[str, str | None]:
    """Split "name dose" at the first word (after the first) that starts with a number.

    "topiramate 50 mg" -> ("topiramate", "50 mg"); "ibuprofen 2 x 200 mg" -> ("ibuprofen",
    "2 x 200 mg"); "Aimovig x2" -> ("Aimovig", "x2"). Used for names the catalogue does not
    know; ``Catalogue.resolve`` matches catalogue names (which may contain digits) first.
    """
    words = text.split()
    for i in range(1, len(words)):
        word = words[i]
        nxt = words[i + 1] if i + 1 < len(words) else ""
        if (
            word[0].isnumeric()
            or (len(word) > 1 and word[0] in ".,xX×" and word[1].isdigit())
            or (word in ("x", "X", "×") and nxt[:1].isdigit())
        ):
            return " ".join(words[:i]).rstrip(",;:-"), " ".join(words[i:])
    return " ".join(words), None


class Catalogue:
    """The therapy classes in document order, with name lookup built once."""

    def __init__(self, classes: Iterable[TherapyClass]):
        self.classes: dict[str, TherapyClass] = {c.id: c for c in classes}
        self._class_keys = {_class_key(cid): cid for cid in self.classes}
        texts: list[str] = []
        owners: list[tuple[Member]] = []
        for cls in self.classes.values():
            for member in cls.members:
                texts += (member.name, *member.aliases)
                owners += [(member,)] * (1 + len(member.aliases))
        # key -> members called so; two only for rimegepant (gepant_acute, gepant_preventive)
        self._index: dict[str, tuple[Member, ...]] = {}
        for key, owner in zip(_keys(texts), owners, strict=True):
            found = self._index.get(key)
            if found is None:
                self._index[key] = owner
            elif owner[0] not in found:
                self._index[key] = found + owner
        self._recorded: dict[tuple[str, str | None], Member | None] = {}

    @classmethod
    def from_data(cls, data: dict) -> Catalogue:
        """Build from the parsed content of ``therapies.json``."""
        classes = []
        for c in data["classes"]:
            members = tuple(
                Member(
                    name=m["name"],
                    class_id=c["id"],
                    aliases=(*m["aliases"], *m.get("misspellings", ())),
                    misspellings=tuple(m.get("misspellings", ())),
                    contains=tuple(m.get("contains", ())),
                    analgesics=tuple(m.get("analgesics", ())),
                )
                for m in c["members"]
            )
            classes.append(
                TherapyClass(
                    id=c["id"],
                    kind=c["kind"],
                    label=c["label"],
                    moh=c["moh"],
                    ehf=c["ehf"],
                    ehf_group=c["ehf_group"],
                    oral=c["oral"],
                    min_adequate_days=c["min_adequate_days"],
                    members=members,
                )
            )
        return cls(classes)

    # -- classes ------------------------------------------------------------------------

    def get_class(self, class_id: str) -> TherapyClass:
        """The class with this id (case, spaces and hyphens forgiven); InvalidValue if none."""
        cls = self.classes.get(class_id)
        if cls is None:
            found = self._class_keys.get(_class_key(class_id))
            if found is None:
                import difflib

                close = difflib.get_close_matches(_class_key(class_id), self._class_keys, n=3)
                if close:
                    hint = " or ".join(self._class_keys[k] for k in close)
                    raise InvalidValue(f"Unknown class id {class_id!r}; did you mean {hint}?")
                raise InvalidValue(
                    f"Unknown class id {class_id!r}; run 'migrainecli therapies' for the ids."
                )
            cls = self.classes[found]
        return cls

    def classes_of_kind(self, kind: str) -> list[TherapyClass]:
        """The classes of one kind, in document order."""
        _check_kinds((kind,))
        return [c for c in self.classes.values() if c.kind == kind]

    # -- names --------------------------------------------------------------------------

    def completion_names(self, kinds: Collection[str] | None = None) -> list[str]:
        """Names to offer for completion: the canonical names and brands of the classes of
        ``kinds`` (all when None), not the misspellings the catalogue also resolves.

        The data marks misspellings; other spellings of a name already offered
        ("topiramat", "sumatriptan and naproxen": lower case and nearly a name kept before
        them) are left out too, so that Tab offers one entry per name.
        """
        from difflib import SequenceMatcher

        wanted = _check_kinds(kinds)
        names: dict[str, None] = {}
        for cls in self.classes.values():
            if wanted is not None and cls.kind not in wanted:
                continue
            for member in cls.members:
                kept = [member.name]
                for alias in member.aliases:
                    if alias in member.misspellings:
                        continue
                    if any(c.isupper() for c in alias) or not any(
                        SequenceMatcher(None, alias.casefold(), k.casefold()).ratio() >= 0.8
                        for k in kept
                    ):
                        kept.append(alias)
                names.update(dict.fromkeys(kept))
        return list(names)

    def lookup(self, name: str) -> list[Member]:
        """Every member, in any class, called ``name`` (no dose; any case and punctuation).

        Salt and release-form words are allowed as in ``resolve``, so ``lookup(res.name)``
        finds ``res.member`` for every resolution ("metoprolol succinate").
        """
        found = self._match(name)
        if found is None or found[2] is not None:
            return []
        return list(found[0])

    def recorded_member(self, name: str, class_id: str | None) -> Member | None:
        """The member a recorded intake or trial stands for: ``name`` as stored (the typed
        name, dose removed) within its recorded class; None for a name the catalogue does
        not know (recorded under an explicit class). Cached: the rules ask once per intake.
        """
        key = (name, class_id)
        if key not in self._recorded:
            found = [m for m in self.lookup(name) if m.class_id == class_id]
            self._recorded[key] = found[0] if found else None
        return self._recorded[key]

    def resolve(
        self,
        text: str,
        *,
        kinds: Collection[str] | None = None,
        class_id: str | None = None,
    ) -> Resolution:
        """Resolve typed text ("Aimovig 140mg") to a class; see the module docstring.

        ``kinds`` limits the classes considered (an acute intake passes {"acute"});
        ``class_id`` is the user's explicit class (--class), which also admits names the
        catalogue does not know.
        """
        wanted = _check_kinds(kinds)
        if not _TOKEN.search(text):
            raise InvalidValue("Give the therapy's name, e.g. 'sumatriptan' or 'Aimovig 140mg'.")
        cls = None
        if class_id is not None:
            cls = self.get_class(class_id)
            if wanted is not None and cls.kind not in wanted:
                raise InvalidValue(self._class_kind_message(cls, wanted))

        found = self._match(text)
        if found is None:
            name, dose = split_dose(text)
            if not _TOKEN.search(name):  # "\x08 5": the dose split off, no name is left
                raise InvalidValue(
                    f"{text.strip()!r} has no therapy name before the dose; give the name, "
                    "e.g. 'candesartan 16 mg'."
                )
            if cls is not None:
                return Resolution(name, name, cls.id, cls.kind, dose, None)
            raise UnknownTherapy(name, self._suggest(name, wanted))
        members, name, dose = found

        if cls is not None:
            for member in members:
                if member.class_id == cls.id:
                    return Resolution(name, member.name, cls.id, cls.kind, dose, member)
            where = " or ".join(m.class_id for m in members)
            others = " or ".join(f"--class {m.class_id}" for m in members)
            raise InvalidValue(
                f"{_who(name, members[0])} is in class {where}, not {cls.id}; "
                f"leave out --class or give {others}."
            )

        fitting = members
        if wanted is not None:
            fitting = tuple(m for m in members if self.classes[m.class_id].kind in wanted)
        if not fitting:
            raise InvalidValue(self._kind_message(name, members, wanted))
        if len(fitting) > 1:
            raise AmbiguousTherapy(name, [m.class_id for m in fitting])
        member = fitting[0]
        kind = self.classes[member.class_id].kind
        return Resolution(name, member.name, member.class_id, kind, dose, member)

    def _match(self, text: str) -> tuple[tuple[Member, ...], str, str | None] | None:
        """The longest catalogue name at the start of ``text`` followed by a plausible dose."""
        tokens = [(m.start(), m.end(), _key(m.group())) for m in _TOKEN.finditer(text)]
        keys = [k for _, _, k in tokens]
        for n in range(min(len(keys), _MAX_NAME_TOKENS), 0, -1):
            members = self._index.get("".join(keys[:n]))
            if members is None:
                continue
            if keys[n - 1].isdigit() and not self._number_belongs_to_name(text, tokens, n):
                continue
            end = n
            while end < len(keys) and keys[end] in _NAME_SUFFIXES:
                end += 1
            if end < len(keys) and not (keys[end][0].isnumeric() or keys[end] in _DOSE_WORDS):
                continue  # "sumatriptan with naproxen": not sumatriptan plus a dose
            stop = tokens[end - 1][1]
            while stop < len(text) and text[stop] == ".":  # keep the dots of "D.H.E."
                stop += 1
            dose = _squash(text[stop:]).lstrip(",;:-–— ")
            return members, _squash(text[:stop]), dose or None
        return None

    @staticmethod
    def _number_belongs_to_name(text: str, tokens: list[tuple[int, int, str]], n: int) -> bool:
        """Whether the number ending a matched name ("Tylenol 3", "DHE 45") is the name's.

        Not when it is the start of a decimal or a ratio ("Tylenol 2.5 mg"), nor when a count
        follows it ("Tylenol 3 tablets", "Tylenol 2 x 500 mg": three, two Tylenol), unless
        written "#3". "Tylenol 3" alone, or before a dose ("Tylenol 3 2 tablets"), is #3.
        """
        start, stop, _ = tokens[n - 1]
        if _NUMBER_GOES_ON.match(text, stop):
            return False
        if n < len(tokens) and tokens[n][2] in _COUNT_WORDS:
            return n >= 2 and "#" in text[tokens[n - 2][1] : start]
        return True

    def _suggest(self, name: str, wanted: frozenset[str] | None) -> list[str]:
        """Up to 3 catalogue names close to ``name``: "Aimovig (erenumab)" or "erenumab".

        Only names of the ``wanted`` kinds are offered, and none much further from what was
        typed than the closest name in the whole catalogue: "sumatriptn" typed for a
        preventive must not come back as "Did you mean amitriptyline?".
        """
        from difflib import SequenceMatcher

        key = _key(name)
        if not key:
            return []
        matcher = SequenceMatcher()
        matcher.set_seq2(key)
        scored: list[tuple[float, str]] = []
        for candidate in self._names:
            matcher.set_seq1(candidate)
            if matcher.real_quick_ratio() >= _CUTOFF and matcher.quick_ratio() >= _CUTOFF:
                score = matcher.ratio()
                if score >= _CUTOFF:
                    scored.append((score, candidate))
        if not scored:
            return []
        scored.sort(key=lambda sc: (-sc[0], sc[1]))
        floor = scored[0][0] - _SUGGESTION_SPREAD
        out: list[str] = []
        seen: set[str] = set()  # one suggestion per member (rimegepant is in two classes)
        for score, candidate in scored:
            if score < floor:
                break
            for text, member in self._names[candidate]:
                kind = self.classes[member.class_id].kind
                if (wanted is None or kind in wanted) and member.name not in seen:
                    seen.add(member.name)
                    out.append(_suggestion(text, member))
        return out[:3]

    @functools.cached_property
    def _names(self) -> dict[str, list[tuple[str, Member]]]:
        """Key -> (name as written, member) for every name and alias; for suggestions only."""
        names: dict[str, list[tuple[str, Member]]] = {}
        for cls in self.classes.values():
            for member in cls.members:
                for text in (member.name, *member.aliases):
                    names.setdefault(_key(text), []).append((text, member))
        return names

    def _kind_message(self, name: str, members: tuple[Member, ...], wanted: frozenset[str]) -> str:
        kinds = [self.classes[m.class_id].kind for m in members]
        what = " or ".join(
            f"{_KIND_PHRASES[k]} ({m.class_id})" for k, m in zip(kinds, members, strict=True)
        )
        not_what = " or ".join(_KIND_PHRASES[k] for k in KINDS if k in wanted)
        if "acute" in wanted:
            hint = "record it with 'migrainecli trial add'."
        elif kinds[0] == "acute":
            hint = "log it as an acute intake, or record a trial of it with --kind acute."
        else:
            hint = f"record it as a trial with --kind {kinds[0]}."
        return f"{_who(name, members[0])} is {what}, not {not_what}; {hint}"

    def _class_kind_message(self, cls: TherapyClass, wanted: frozenset[str]) -> str:
        ok = [c.id for c in self.classes.values() if c.kind in wanted]
        not_what = " or ".join(k for k in KINDS if k in wanted)
        article = "an" if cls.kind[0] in "aeiou" else "a"
        return (
            f"Class {cls.id} is {article} {cls.kind} class, not {not_what}; "
            f"use one of: {', '.join(ok)}."
        )


def _suggestion(text: str, member: Member) -> str:
    """How a suggested name is shown.

    A brand or abbreviation as "Aimovig (erenumab)", another generic name as "acetaminophen
    (paracetamol)", and a misspelling ("amitryptiline"), a spelling of a combination
    ("caffeine/aspirin") or the same words in another order as the canonical name itself.
    """
    if sorted(_WORD.findall(text.casefold())) == sorted(_WORD.findall(member.name)):
        return member.name  # the same words: "magnesium IV" is "iv magnesium"
    if any(c.isupper() for c in text) and "/" not in text:
        return f"{text} ({member.name})"
    if "+" in member.name:
        return member.name
    from difflib import SequenceMatcher

    if SequenceMatcher(None, _key(text), _key(member.name)).ratio() >= 0.8:
        return member.name
    return f"{text} ({member.name})"


def _who(name: str, member: Member) -> str:
    """The typed name for messages: "Topamax (topiramate)", or "topiramate" for the generic."""
    return member.name if _key(name) == _key(member.name) else f"{name} ({member.name})"


def _check_kinds(kinds: Collection[str] | None) -> frozenset[str] | None:
    if kinds is None:
        return None
    wanted = frozenset((kinds,) if isinstance(kinds, str) else kinds)
    unknown = sorted(wanted.difference(KINDS))
    if unknown:
        raise InvalidValue(f"Unknown kind {unknown[0]!r}; use one of {', '.join(KINDS)}.")
    return wanted


@functools.cache
def load_catalogue() -> Catalogue:
    """The packaged catalogue (``migrainecli/data/therapies.json``), read once per process."""
    # Read through the package's own loader (a wheel, a source tree or a zip alike), as
    # pkgutil.get_data does, in well under a millisecond; importlib.resources.files()
    # first imports zipfile, which costs more than the whole catalogue, and pkgutil
    # imports typing (2.5 ms of an everyday ``log --med``).
    import os

    import migrainecli

    loader = migrainecli.__spec__.loader
    if not hasattr(loader, "get_data"):  # pragma: no cover - a loader without data files
        raise RuntimeError(f"migrainecli/{_DATA_FILE} cannot be read")
    folder = os.path.dirname(migrainecli.__file__)
    raw = loader.get_data(os.path.join(folder, *_DATA_FILE.split("/")))
    return Catalogue.from_data(json.loads(raw))
