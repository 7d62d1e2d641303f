"""What several tool profiles share: reading a source's cells by header, yes/no flags, and
handing a hierarchical table to `pipelines.map.hierarchy`."""

from __future__ import annotations

import pandas as pd

from pipelines.map.hierarchy import Items, blank_to_none, split_items
from pipelines.map.synonyms import normalise_header
from pipelines.read.sources import Sources, SourceTable

YES = {"yes", "y", "true", "1", "x", "archived", "deleted", "draft"}


def column(source: SourceTable, name: str) -> str | None:
    """The header of `source` that reads as `name` (case, spacing and punctuation aside)."""
    key = normalise_header(name)
    return next((h for h in source.headers if normalise_header(h) == key), None)


def cells(source: SourceTable, name: str) -> pd.Series:
    """A column's cells, stripped, blanks as None (a column of None when there is none)."""
    header = column(source, name)
    if header is None:
        return pd.Series(None, index=source.data.index, dtype="object")
    return source.data[header].map(_clean)


def _clean(value: object) -> object:
    found = blank_to_none(value)
    return found.strip() if isinstance(found, str) else found


def yes(value: object) -> bool:
    return value is not None and str(value).strip().casefold() in YES


def split_into(sources: Sources, items: Items) -> None:
    """Replace the items' source by the canonical sources split out of it."""
    split = split_items(items)
    sources.tables = [t for t in sources.tables if t is not items.source] + split.tables
    sources.problems.extend(split.problems)
    sources.notes.extend(split.notes)
    for kind, n in split.not_scored.items():
        sources.not_scored[kind] = sources.not_scored.get(kind, 0) + n


def announce(sources: Sources, tool: str) -> None:
    sources.recognised.append(tool)  # said first in the report (`headline`), not as a note


def recognised_line(tool: str) -> str:
    """`Recognised as a Viva Goals organisation export`, `… as an Asana goals export`."""
    return f"Recognised as {'an' if tool[:1].lower() in 'aeiou' else 'a'} {tool}"


def letters_for(source: SourceTable, fields: dict[str, str]) -> dict[str, str]:
    """Canonical field → the Excel letter of the source column it is read from."""
    found = {f: column(source, h) for f, h in fields.items()}
    return {f: source.letters[h] for f, h in found.items() if h is not None}
