"""Rows struck through in a workbook: cancelled, set aside as archived and listed.

A key result whose title cell is drawn struck through (Font › Strikethrough) is archived,
as a `Cancelled` status would make it: kept in the store, left out of every score and count,
and listed on the import report by title and row. On a flat sheet an objective whose title
cell is struck is archived likewise.
"""

from __future__ import annotations

import pandas as pd

from pipelines.map.canonical import Canonical
from pipelines.problems import row_ranges
from pipelines.read.sources import SourceTable

TITLES = {
    "key_results": ("key_results.title",),
    "objectives": ("objectives.title",),
    "flat": ("key_results.title", "objectives.title"),
}
SHOWN = 5


def mark_struck(
    typed: pd.DataFrame,
    source: SourceTable,
    columns: dict[str, str],
    role: str,
    canonical: Canonical,
) -> None:
    """Set `<table>.archived` (in place) on rows whose title cell is struck through."""
    for title in TITLES.get(role, ()):
        header = columns.get(title)
        rows = source.struck.get(header, set()) if header else set()
        if not rows or title not in typed:
            continue
        struck = typed["_row"].isin(sorted(rows)) & typed[title].notna()
        if not struck.any():
            continue
        table = title.split(".", 1)[0]
        name = f"{table}.archived"
        given = typed[name].fillna(False).astype(bool) if name in typed else False
        typed[name] = (struck | given).astype("boolean")
        found = typed.loc[struck, ["_row", title]]
        titles = "; ".join(f'"{t}"' for t in found[title].astype("str").head(SHOWN))
        more = f" and {len(found) - SHOWN} more" if len(found) > SHOWN else ""
        what = "key result" if table == "key_results" else "objective"
        canonical.notes.append(
            f"{source.label}: {len(found)} {what}(s) struck through (rows "
            f"{row_ranges(found['_row'].astype('int64').tolist())}): set aside as archived, "
            f"not scored ({titles}{more})"
        )
