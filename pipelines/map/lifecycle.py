"""Rows the source archived, deleted, drafted or cancelled (docs/model.md, "Archived rows"), from
whichever columns say so: an `Archived`, `Deleted` or `Draft` flag, or such a word in a `Status`,
`State` or `Lifecycle` column (`Cancelled`, `Archived`). Such rows are kept, flagged `archived`,
and left out of every score and count by the store's reader.
"""

from __future__ import annotations

import pandas as pd

from pipelines.map.canonical import parse_lifecycle
from pipelines.map.synonyms import normalise_header
from pipelines.map.values import parse_text
from pipelines.map.words import is_lifecycle_out
from pipelines.read.sources import SourceTable

KR_FLAGS = {
    "archived", "isarchived", "deleted", "isdeleted", "draft", "isdraft", "cancelled",
    "canceled", "krarchived", "keyresultarchived", "krdeleted", "krdraft", "archive",
}  # fmt: skip
KR_STATES = {"status", "state", "lifecycle", "lifecyclestate", "krstatus", "krstate",
             "keyresultstatus", "keyresultstate", "stage", "outcomestatus"}  # fmt: skip
OBJECTIVE_FLAGS = {"objectivearchived", "objectivedeleted", "objectivedraft", "goalarchived",
                   "goaldeleted", "goaldraft", "objectivecancelled"}  # fmt: skip
OBJECTIVE_STATES = {"objectivestatus", "objectivestate", "goalstatus", "goalstate",
                    "objectivelifecycle"}  # fmt: skip


def _flags(source: SourceTable, flags: set[str], states: set[str]) -> pd.Series | None:
    """True where any of the source's lifecycle columns says the row is out."""
    out: pd.Series | None = None
    for header in source.headers:
        key = normalise_header(header)
        if key in flags:
            found = parse_lifecycle(source.data[header]).values.fillna(False).astype(bool)
        elif key in states:
            found = is_lifecycle_out(parse_text(source.data[header]).values)
        else:
            continue
        out = found if out is None else out | found
    return out


def mark_lifecycle(typed: pd.DataFrame, source: SourceTable, role: str) -> None:
    """Set `objectives.archived` / `key_results.archived` of a typed source (in place) where
    any lifecycle column of the source marks the row, keeping what a mapped column says."""
    if role == "objectives":
        targets = {
            "objectives.archived": (KR_FLAGS | OBJECTIVE_FLAGS, KR_STATES | OBJECTIVE_STATES)
        }
    elif role == "key_results":
        targets = {"key_results.archived": (KR_FLAGS, KR_STATES)}
    elif role == "flat":
        targets = {
            "key_results.archived": (KR_FLAGS, KR_STATES),
            "objectives.archived": (OBJECTIVE_FLAGS, OBJECTIVE_STATES),
        }
    else:
        return
    for name, (flags, states) in targets.items():
        found = _flags(source, flags, states)
        if found is None:
            continue
        marked = pd.Series(found.to_numpy(dtype=bool), index=typed.index)
        given = typed[name].fillna(False).astype(bool) if name in typed else False
        typed[name] = (marked | given).astype("boolean")
