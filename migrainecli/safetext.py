"""The one filter for human-readable output: stored text never drives the terminal.

Notes, reasons, doses and names come from the user, from imports and from other
programs; printed raw, an escape sequence in them could retitle the terminal,
hide lines or fake output (OSC, CSI, C1 controls), and bidi controls could reorder
what is shown. :func:`visible` shows each one instead: ESC as ``␛``, other C0 and
C1 controls as ``\\xNN``, bidi and line-separator controls as ``<U+202E>``. Tabs and
newlines are kept. ``--json`` and exports never go through it: they keep the exact
text.
"""

from __future__ import annotations

import re

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at start-up (fastlog)
if TYPE_CHECKING:  # pragma: no cover - typing only
    from typing import Any

_CONTROL = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f]"  # C0 (but tab and newline), DEL, C1
    "|[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]"  # bidi, separators
)


def _show(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if code == 0x1B:
        return "␛"
    if code <= 0x9F:
        return f"\\x{code:02x}"
    return f"<U+{code:04X}>"


def visible(text: str) -> str:
    """``text`` with every terminal control character shown, not obeyed."""
    return _CONTROL.sub(_show, text)


def visible_tree(value: Any) -> Any:
    """:func:`visible` applied to every string in nested dicts, lists and tuples."""
    if isinstance(value, str):
        return visible(value)
    if isinstance(value, dict):
        return {k: visible_tree(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(visible_tree(v) for v in value)
    return value


def clean(text: str) -> str:
    """User text for rich output: controls shown (:func:`visible`), markup escaped."""
    from rich.markup import escape

    return escape(visible(text))
