"""Owner cells that name several people, split the same way for objectives and key results.

People are separated by `;`, a line break, ` and `, ` & `, ` + `, by `/` between names of
as many words each (`Ann/Bob`; `N/A`, `CI/CD`, `Sales Ops/Enablement` stay one), and by
commas only between full names or e-mail addresses (`Ana Lopez, Ben Okoye`). A name written
`Last, First M.` (`Smith, John A.`) is one person, kept as written. The first person named
is the owner; the import report lists them all.
"""

from __future__ import annotations

import re

import pandas as pd

BETWEEN = re.compile(r"\s*[;\n]\s*|\s+(?:and|&|\+)\s+", re.IGNORECASE)
SLASH = re.compile(r"\s*/\s*")


def _joined(word: str) -> bool:
    """A word a slash joins rather than separates: `N/A`, `CI/CD` (short capitals)."""
    return len(word) < 2 or (word.isupper() and len(word) <= 4)


def _slash_split(part: str) -> list[str]:
    """`Ann/Bob`, `parkan / autonome` → two names; `N/A`, `Director, CI/CD` → one."""
    out: list[str] = []
    for piece in SLASH.split(part):
        words, last = piece.split(), out[-1].split() if out else []
        if out and (len(words) != len(last) or not words or _joined(last[-1]) or _joined(words[0])):
            out[-1] = f"{out[-1]}/{piece}"
        else:
            out.append(piece)
    return out


def _full(name: str) -> bool:
    """A full name (two words or more) or an e-mail address."""
    return "@" in name or len(name.split()) >= 2


def owner_names(cell: str) -> list[str]:
    """The people an owner cell names, in order (see the module docstring)."""
    names: list[str] = []
    for part in (p for chunk in BETWEEN.split(cell) for p in _slash_split(chunk)):
        pieces = [p.strip() for p in part.split(",") if p.strip()]
        if len(pieces) > 1 and all(_full(p) for p in pieces):
            names += pieces
        elif part.strip():
            names.append(part.strip())
    return names


def several_owners(cells: pd.Series) -> pd.Series:
    """Whether each cell names more than one person (missing: False)."""
    found = cells.map(lambda c: isinstance(c, str) and len(owner_names(c)) > 1)
    return found.astype(bool)


def first_owner(cells: pd.Series) -> pd.Series:
    """The first person each cell names (the cell itself when it names nobody)."""
    first = cells.map(lambda c: next(iter(owner_names(c)), c) if isinstance(c, str) else c)
    return first.astype(cells.dtype)
