"""Plain fixed-width listings: ``days``, ``trial list``, ``gap list``, ``therapies``.

One table style for every listing, written as plain text rather than through rich's
Table (which costs about 1.5 ms a row: 11 s for the 7,300 days of a 20-year diary):

- a header row, a rule line of ``─`` as wide as the table, then the rows; columns are
  as wide as their widest cell and two spaces apart; a cell may hold several lines;
- no line ends in a space (the last column is never padded), so output pastes cleanly;
- no colour or other escape sequence, on a terminal or not;
- wider than the screen, the columns named wrappable are wrapped at spaces (a word is
  never cut); below :data:`NARROW` columns the commands switch to a stacked layout
  (one small block per row) instead.

The width is ``$COLUMNS`` when set (tests set it), else the terminal's width on a
terminal; piped output without ``$COLUMNS`` has no width limit, so each row stays one
line for ``grep`` and spreadsheets.
"""

from __future__ import annotations

import os
import shutil
import sys
import unicodedata
from collections.abc import Iterable, Sequence

from migrainecli.edge import wrap  # the one wrapping of plain output (also for log)

NARROW = 70  # below this many columns, listings are stacked blocks, not tables
GAP = "  "  # between columns


def output_width(piped: int | None = None) -> int | None:
    """The width to lay out for: ``$COLUMNS``, else the terminal's, else ``piped`` (None:
    no limit; ``therapies``, whose rows are paragraphs, wraps piped output to 80)."""
    env = os.environ.get("COLUMNS", "")
    if env.isdigit() and int(env) > 0:
        return int(env)
    if sys.stdout.isatty():
        return shutil.get_terminal_size().columns
    return piped


def is_narrow(width: int | None) -> bool:
    return width is not None and width < NARROW


def plain(text: str | None) -> str:
    """User text for a listing: terminal controls shown (never obeyed), whitespace runs
    (newlines and tabs included) as one space. Not rich's markup escape: nothing here goes
    through rich."""
    from migrainecli.safetext import visible

    return " ".join(visible(text or "").split())


def cell_len(text: str) -> int:
    """Terminal cells ``text`` takes (East Asian wide characters take two)."""
    if text.isascii():
        return len(text)
    return sum(
        0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1
        for c in text
    )


def _pad(text: str, width: int) -> str:
    return text + " " * (width - cell_len(text))


def table(
    headers: Sequence[str],
    rows: Iterable[Sequence[str]],
    *,
    width: int | None = None,
    right: Iterable[int] = (),
    wrappable: Iterable[int] = (),
    after: Sequence[str | None] | None = None,
) -> list[str]:
    """The lines of a table (see the module docstring); a cell may contain newlines.

    ``right`` are the column indexes aligned right; when the table is wider than
    ``width``, the ``wrappable`` columns are narrowed (widest first) and wrapped at
    spaces, down to their longest word. ``after[i]`` (when given and not None) is a
    text printed under row ``i``, indented two spaces and wrapped to ``width``.
    """
    right = set(right)
    n = len(headers)
    texts = [[str(c) for c in row] for row in rows]
    widths = [cell_len(h) for h in headers]
    # Most rows are one line of ASCII: measured with len and laid out with one format
    # string (the speed of a 7,300-day listing); the others line by line, in cells.
    cells: list[list[list[str]] | None] = []
    for row in texts:
        joined = "".join(row)
        if "\n" not in joined and joined.isascii():
            cells.append(None)
            for k, text in enumerate(row):
                if len(text) > widths[k]:
                    widths[k] = len(text)
            continue
        split = [text.split("\n") for text in row]
        cells.append(split)
        for k, lines in enumerate(split):
            for line in lines:
                w = cell_len(line)
                if w > widths[k]:
                    widths[k] = w
    wrappable = [k for k in wrappable if k < n]
    if width is not None and wrappable and sum(widths) + len(GAP) * (n - 1) > width:
        cells = [
            c if c is not None else [[t] for t in row] for c, row in zip(cells, texts, strict=True)
        ]
        _narrow(cells, widths, {k: cell_len(headers[k]) for k in wrappable}, width)
    fmt = GAP.join(("{:>%d}" if k in right else "{:<%d}") % w for k, w in enumerate(widths))
    out = [_line([_pad(h, widths[k]) if k not in right else " " * (widths[k] - cell_len(h)) + h
                  for k, h in enumerate(headers)])]  # fmt: skip
    out.append("─" * (sum(widths) + len(GAP) * (n - 1)))
    for n_row, (row, split) in enumerate(zip(texts, cells, strict=True)):
        if split is None:
            out.append(fmt.format(*row).rstrip())
        else:
            for i in range(max(len(lines) for lines in split)):
                parts = []
                for k, lines in enumerate(split):
                    text = lines[i] if i < len(lines) else ""
                    fill = " " * (widths[k] - cell_len(text))
                    parts.append(fill + text if k in right else text + fill)
                out.append(_line(parts))
        extra = after[n_row] if after else None
        if extra is not None:
            out += wrap("  " + extra, width, "    ") if width else ["  " + extra]
    return out


def fits(lines: list[str], width: int | None) -> bool:
    """Whether no line is wider than ``width`` (a table that cannot shrink enough is
    shown stacked rather than cut or wrapped by the terminal)."""
    return width is None or all(cell_len(line) <= width for line in lines)


def _line(parts: list[str]) -> str:
    return GAP.join(parts).rstrip()


def _narrow(cells: list, widths: list[int], floor: dict[int, int], width: int) -> None:
    """Wrap the wrappable columns (the keys of ``floor``, their header widths) until the
    table fits ``width`` or no column can shrink below its longest word."""
    wrappable = list(floor)
    for row in cells:
        for k in wrappable:
            for line in row[k]:
                for word in line.split():
                    floor[k] = max(floor[k], cell_len(word))
    total = sum(widths) + len(GAP) * (len(widths) - 1)
    while total > width:
        k = max(wrappable, key=lambda j: widths[j] - floor[j])
        if widths[k] <= floor[k]:
            break
        cut = min(total - width, widths[k] - floor[k])
        widths[k] -= cut
        total -= cut
    for row in cells:
        for k in wrappable:
            if any(cell_len(line) > widths[k] for line in row[k]):
                row[k] = [part for line in row[k] for part in wrap(line, widths[k])]


def print_table(
    headers: Sequence[str],
    rows: Iterable[Sequence[str]],
    *,
    right: Iterable[int] = (),
    wrappable: Iterable[int] = (),
) -> None:
    """A short listing's :func:`table` at the output width, on stdout without a pager."""
    lines = table(headers, rows, width=output_width(), right=right, wrappable=wrappable)
    write_lines(lines, pager=False)


def write_lines(lines: list[str], *, pager: bool) -> None:
    """Write ``lines`` to stdout, through the pager when :func:`use_pager` says so."""
    if not lines:
        return
    if pager and use_pager(len(lines), sys.stdout.isatty(), shutil.get_terminal_size().lines):
        _echo_via_pager("\n".join(lines) + "\n")
        return
    write = sys.stdout.write
    for first in range(0, len(lines), 2000):  # one write per chunk of lines
        write("\n".join(lines[first : first + 2000]) + "\n")


def use_pager(n_lines: int, tty: bool, height: int) -> bool:
    """Page only on a terminal, and only a listing longer than the screen."""
    return tty and n_lines > height


def _echo_via_pager(text: str) -> None:
    """rich's system pager (Typer 0.28's vendored click has no ``echo_via_pager``): the
    text as it is, through ``$PAGER`` (``less`` by default, as Python's ``pydoc`` pages)."""
    from rich.pager import SystemPager

    SystemPager().show(text)
