"""Owner cells that name several people, split the same way for objectives and key results.

People are separated by `;`, a line break, ` and `, ` & `, ` + ` or `/` between names
(`Ann/Bob`; `N/A` stays one), and by commas only between full names or e-mail addresses
(`Ana Lopez, Ben Okoye`). A name written `Last, First M.` (`Smith, John A.`) is one person,
kept as written. The first person named is the owner; the import report lists them all.
"""

from __future__ import annotations

import re

import pandas as pd

BETWEEN = re.compile(r"\s*[;\n]\s*|\s+(?:and|&|\+)\s+|(?<=\w\w)\s*/\s*(?=\w\w)", re.IGNORECASE)


def _full(name: str) -> bool:
    """A full name (two words or more) or an e-mail address."""
    return "@" in name or len(name.split()) >= 2


def owner_names(cell: str) -> list[str]:
    """The people an owner cell names, in order (see the module docstring)."""
    names: list[str] = []
    for part in BETWEEN.split(cell):
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
