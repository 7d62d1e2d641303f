"""A column of titles with no header of its own.

Sheets laid out by hand often leave the title column's header empty (the titles speak for
themselves, or a merged group header sits above). A column without a header, holding text
(at least 80% of its non-empty cells, two or more, not numbers) is named after what the
sheet lacks when it is the only such column: `Key result` beside an objective column,
`Objective` beside a key-result column, else `Title`. The import report says so.
"""

from __future__ import annotations

import re

import pandas as pd

from pipelines.map.synonyms import KR_TITLE, OBJECTIVE_TITLE, normalise_header
from pipelines.read.sources import Sources, SourceTable

UNTITLED = re.compile(r"^column [A-Z]{1,3}$")
TITLES = {normalise_header(h) for h in ("title", "name", "summary")}
OBJECTIVES = {normalise_header(h) for h in OBJECTIVE_TITLE}
KRS = {normalise_header(h) for h in KR_TITLE}


def _holds_titles(column: pd.Series) -> bool:
    cells = [c for c in column.tolist() if c is not None and not pd.isna(c) and str(c).strip()]
    if len(cells) < 2:
        return False
    text = [c for c in cells if isinstance(c, str) and not re.fullmatch(r"[\d\s.,%-]+", c)]
    return len(text) >= 0.8 * len(cells)


def title_for_untitled(source: SourceTable) -> tuple[str, str] | None:
    """(the untitled column's label, the name it is read as), or None."""
    if source.records or source.role is not None:
        return None
    untitled = [h for h in source.headers if UNTITLED.match(h) and _holds_titles(source.data[h])]
    if len(untitled) != 1:
        return None
    keys = {normalise_header(h) for h in source.headers}
    has_objective, has_kr = bool(keys & OBJECTIVES), bool(keys & KRS)
    if has_objective and not has_kr:
        return untitled[0], "Key result"
    if has_kr and not has_objective:
        return untitled[0], "Objective"
    if not (has_objective or has_kr or keys & TITLES):
        return untitled[0], "Title"
    return None


def name_untitled(sources: Sources) -> Sources:
    """Every source's untitled title column named (in place), with a note each."""
    for source in sources.tables:
        found = title_for_untitled(source)
        if found is None:
            continue
        label, name = found
        letter = source.letters.pop(label)
        source.data = source.data.rename(columns={label: name})
        source.letters = {name if k == label else k: v for k, v in source.letters.items()}
        source.letters[name] = letter
        if label in source.indents:
            source.indents[name] = source.indents.pop(label)
        if label in source.struck:
            source.struck[name] = source.struck.pop(label)
        sources.notes.append(
            f"{source.label}: column {letter} has no header; its cells are titles, read as {name}"
        )
    return sources
