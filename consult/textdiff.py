"""Word-level differences between two texts, as runs and as HTML with <ins> and <del>."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from markupsafe import Markup, escape

_token = re.compile(r"\w+|\s+|[^\w\s]", re.UNICODE)


@dataclass(frozen=True)
class Run:
    op: str  # "equal", "insert" or "delete"
    text: str


def tokens(text: str) -> list[str]:
    return _token.findall(text or "")


def word_diff(old: str, new: str) -> list[Run]:
    """Compare two texts word by word; equal+delete runs rebuild old, equal+insert new.

    A lone space between two changes is folded into them, so "a b" -> "c d" reads as one
    deletion and one insertion rather than two of each.
    """
    a, b = tokens(old), tokens(new)
    opcodes = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    runs: list[Run] = []
    deleted: list[str] = []
    inserted: list[str] = []

    def flush() -> None:
        if deleted:
            runs.append(Run("delete", "".join(deleted)))
        if inserted:
            runs.append(Run("insert", "".join(inserted)))
        deleted.clear()
        inserted.clear()

    for index, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if tag != "equal":
            deleted.extend(a[i1:i2])
            inserted.extend(b[j1:j2])
            continue
        text = "".join(a[i1:i2])
        if (deleted or inserted) and index + 1 < len(opcodes) and text.isspace():
            deleted.append(text)
            inserted.append(text)
            continue
        flush()
        runs.append(Run("equal", text))
    flush()
    return [run for run in runs if run.text]


def diff_html(old: str, new: str) -> Markup:
    """Render the word difference with <del> and <ins>, everything escaped."""
    parts = []
    for run in word_diff(old, new):
        text = escape(run.text)
        if run.op == "equal":
            parts.append(str(text))
        elif run.op == "delete":
            parts.append(f"<del>{text}</del>")
        else:
            parts.append(f"<ins>{text}</ins>")
    return Markup("".join(parts))
