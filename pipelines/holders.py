"""Key results with no objective: loaded under a holder objective, never a reason to refuse
the file (see docs/ingestion.md, "Load what is readable; set aside what is not").

A key result whose objective cell is empty, or names an objective found neither in the
import nor in the store, goes under one holder objective per source, titled
`Key results without an objective (file.csv)`, in the cycle most of that source's objectives
are in. Each such key result is listed as a warning where it is. With no cycle to put the
holder in (the import names none), the key results stay errors, as before.
"""

from __future__ import annotations

from pathlib import PurePath

import pandas as pd

from pipelines.arrow import isin
from pipelines.map.canonical import Canonical
from pipelines.problems import Problem, column_parts
from pipelines.store.schema import OBJECTIVES

HOLDER_TITLE = "Key results without an objective ({where})"
HOLDER_PREFIX = "(no objective) "


def holder_title(where: str) -> str:
    return HOLDER_TITLE.format(where=where)


def is_holder(objective_id: str) -> bool:
    return objective_id.startswith(HOLDER_PREFIX)


def _known_objectives(canonical: Canonical, stored: dict[str, pd.DataFrame]) -> pd.Series:
    parts = [stored["objectives"]["objective_id"]] if "objectives" in stored else []
    for tables in (canonical.tables, canonical.derived):
        if "objectives" in tables:
            parts.append(tables["objectives"]["objective_id"].dropna())
    if not parts:
        return pd.Series(dtype="str")
    return pd.concat([p.astype("str") for p in parts], ignore_index=True)


def _cycle_for(canonical: Canonical, label: str, stored: dict[str, pd.DataFrame]) -> str | None:
    """The cycle most objectives of the source `label` are in, else of the whole import,
    else the only cycle the store holds."""
    objectives = canonical.tables.get("objectives")
    if objectives is not None and objectives["cycle_id"].notna().any():
        own = objectives.loc[objectives["_source"] == label, "cycle_id"].dropna()
        cycles = own if len(own) else objectives["cycle_id"].dropna()
        return str(cycles.mode().iloc[0])
    table = canonical.tables.get("cycles", canonical.derived.get("cycles"))
    if table is not None and len(table["cycle_id"].dropna().unique()) == 1:
        return str(table["cycle_id"].dropna().iloc[0])
    if "cycles" in stored and len(stored["cycles"]) == 1:
        return str(stored["cycles"]["cycle_id"].iloc[0])
    return None


def adopt_orphans(canonical: Canonical, stored: dict[str, pd.DataFrame]) -> None:
    """Key results with no objective (see the module) put under their source's holder
    objective, which is added to the import; each one listed as a warning."""
    krs = canonical.tables.get("key_results")
    if krs is None or krs.empty:
        return
    orphan = krs["objective_id"].isna() | ~isin(
        krs["objective_id"].astype("str"), _known_objectives(canonical, stored)
    )
    if not orphan.any():
        return
    holders = []
    krs = krs.copy()
    for label in krs.loc[orphan, "_source"].astype("str").unique():
        cycle = _cycle_for(canonical, label, stored)
        if cycle is None:
            continue
        source = canonical.sources.get(label)
        parts = (PurePath(source.file).name, source.sheet) if source else (label,)
        where = ":".join(p for p in parts if p)
        mine = orphan & (krs["_source"] == label)
        title = holder_title(where)
        ref = canonical.refs.get((label, "key_results.objective_id"))
        if column_parts(ref)[0] is None and not (source and source.records):
            ref = None  # a column the reader made (an outline's), not one of the file's
        file, sheet = (source.file, source.sheet) if source else (label, None)
        for row, named in krs.loc[mine, ["_row", "objective_id"]].itertuples(index=False):
            said = "key result without an objective: loaded under"
            if pd.notna(named):
                said = f'objective "{named}" not found: the key result is loaded under'
            message = f'{said} "{title}"'
            canonical.problems.append(Problem(file, sheet, int(row), ref, message, "warning"))
        holder_id = HOLDER_PREFIX + where
        krs.loc[mine, "objective_id"] = holder_id
        first = krs.loc[mine, "_row"].min()
        holders.append({"objective_id": holder_id, "cycle_id": cycle, "title": title,
                        "_source": label, "_row": int(first)})  # fmt: skip
    canonical.tables["key_results"] = krs
    if not holders:
        return
    added = pd.DataFrame(holders)
    objectives = canonical.tables.get("objectives")
    columns = [*OBJECTIVES.column_names, "_source", "_row"]
    if objectives is None:
        frame = added.reindex(columns=columns)
    else:
        frame = pd.concat([objectives, added.reindex(columns=objectives.columns)],
                          ignore_index=True)  # fmt: skip
    canonical.tables["objectives"] = frame
    canonical.notes.append(
        f"{len(holders)} holder objective(s) hold key results without an objective: "
        + "; ".join(str(h["title"]) for h in holders)
    )
