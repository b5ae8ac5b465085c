"""The journal of changes behind ``undo``: what each command changed, in one sentence.

Every command that writes runs as one *change*: triggers in the diary copy each row
it inserts, updates or deletes into ``change_rows`` in the same transaction as the
write itself (``storage.Diary.write``), so a kill leaves both or neither (an import of
days none of which is logged writes the same rows with one statement instead,
``storage.Diary.save_days``). ``undo``
puts the rows of the newest change back exactly (same ids, same values) and drops
the change. The diary keeps the last ``storage.JOURNAL_KEEP`` (100) changes; older
ones can no longer be undone. A restore from a backup replaces the whole file and is
not in the journal: ``restore`` keeps the replaced diary instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from migrainecli.errors import NotFound

_NOUN = {
    "days": "day",
    "intakes": "intake",
    "gaps": "gap",
    "trials": "trial",
    "scores": "score",
    "periods": "period",
}


def _n(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def _span(n: int, first: str, last: str) -> str:
    return first if n == 1 else f"{_n(n, 'day')} ({first} to {last})"


def describe_rows(diary, groups: list[tuple[str, str, int, list, dict | None]]) -> str:
    """What a change did, from its grouped journal rows: "logged 2026-11-20, added 2
    intakes" (``Diary.change_groups``)."""
    verbs = {"insert": "added", "update": "changed", "delete": "deleted"}
    order = ("days", "intakes", "trials", "gaps", "scores", "periods", "settings")
    parts = []
    for table, op, n, keys, old in sorted(groups, key=lambda g: order.index(g[0])):
        if table == "days":
            verb = {"insert": "logged", "update": "changed", "delete": "deleted"}[op]
            parts.append(f"{verb} {_span(n, keys[0], keys[-1])}")
        elif table == "settings":
            verb = "removed" if op == "delete" else "set"
            parts.append(f"{verb} {', '.join(sorted(keys))}")
        elif table in ("scores", "periods") and n == 1:
            parts.append(f"{verbs[op]} {_NOUN[table]} #{keys[0]}")
        elif table in ("trials", "gaps") and n == 1:
            key = keys[0]
            parts.append(f"{verbs[op]} {_NOUN[table]} #{key} ({_name(diary, table, key, old)})")
        else:
            parts.append(f"{verbs[op]} {_n(n, _NOUN[table])}")
    return ", ".join(parts)


def _name(diary, table: str, key: int, old: dict | None) -> str:
    if old is None:
        cols = "therapy" if table == "trials" else "start_date || ' to ' || end_date"
        row = diary.conn.execute(f"SELECT {cols} FROM {table} WHERE id = ?", [key]).fetchone()
        return row[0] if row else "?"
    if table == "trials":
        return old["therapy"]
    return f"{old['start_date']} to {old['end_date']}"


@dataclass(frozen=True)
class Change:
    id: int
    at: datetime  # UTC
    command: str
    summary: str

    def sentence(self) -> str:
        local = self.at.astimezone().strftime("%Y-%m-%d %H:%M")
        return f"'{self.command}' on {local}: {self.summary}"


def recent(diary, limit: int) -> list[Change]:
    return [
        Change(i, datetime.fromisoformat(at), command, summary)
        for i, at, command, summary in diary.changes(limit)
    ]


def last(diary) -> Change:
    changes = recent(diary, 1)
    if not changes:
        raise NotFound("There is nothing to undo: no change is recorded in this diary.")
    return changes[0]


def undo(diary, change: Change) -> None:
    diary.revert_change(change.id)
