"""Objective levels written as columns, and a key result's own id or row repeated.

An outline of headings converted to a table keeps one column per level:
`Objective | Sub-objective | Sub-sub-objective | Key result`. Each key result belongs to the
deepest level given on its row; every level is an objective of its own, aligned to the level
above it (`parent_objective_id`). An empty level cell means "same as above" while the levels
above it are unchanged, and "none" once a level above changes. An objective is known by its
whole path, so the same sub-objective or key-result title under two parents is two of them.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from pipelines.map.canonical import Canonical
from pipelines.map.derive import cycle_in_name
from pipelines.map.flat import stable_ids
from pipelines.map.synonyms import normalise_header
from pipelines.read.sources import SourceTable

CYCLE = "objectives.cycle_id"
OBJECTIVE = "objectives.objective_id"
TITLE = "objectives.title"
PARENT = "objectives.parent_objective_id"
# `Sub-objective`, `Sub-sub-objective`, `Sub goal`, `Objective level 2`, `Objective 3`
LEVEL_HEADER = re.compile(
    r"^(?:(?P<subs>(?:sub)+)(?:objective|goal)s?|(?:objective|goal)(?:level)?(?P<n>[2-9]))$"
)
KEPT_ON_ANCESTORS = (CYCLE, "objectives.team_id", "_source", "_row")


def level_headers(source: SourceTable) -> list[str]:
    """The source's sub-objective columns, outermost first (by `sub` count or level number)."""
    found: list[tuple[int, str]] = []
    for header in source.headers:
        match = LEVEL_HEADER.match(normalise_header(header))
        if match:
            depth = len(match["subs"]) // 3 if match["subs"] else int(match["n"]) - 1
            found.append((depth, header))
    return [h for _, h in sorted(found, key=lambda x: x[0])]


def _cell(value: object) -> str | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):  # type: ignore[call-overload]
        return None
    text = str(value).strip()
    return text or None


def _paths(columns: list[list[str | None]]) -> list[tuple[str, ...]]:
    """Each row's path of level titles, filled down as the module docstring says."""
    paths: list[tuple[str, ...]] = []
    last: list[str | None] = [None] * len(columns)
    for row in zip(*columns, strict=True):
        changed = False
        for i, value in enumerate(row):
            if value is not None and value != last[i]:
                changed = True
                last[i] = value
            elif value is None and changed:  # a level above changed: this level is none
                last[i] = None
        path: list[str] = []
        for value in last:
            if value is None:
                break
            path.append(value)
        paths.append(tuple(path))
    return paths


def with_levels(typed: pd.DataFrame, source: SourceTable, canonical: Canonical) -> pd.DataFrame:
    """A flat sheet's rows with each key result under its deepest objective level, plus one
    row per level above it that has no row of its own (see the module docstring)."""
    headers = level_headers(source)
    if not headers or TITLE not in typed:
        return typed
    columns = [[_cell(v) for v in typed[TITLE]]]
    columns += [[_cell(v) for v in source.data[h]] for h in headers]
    paths = _paths(columns)
    rows = typed.copy()
    given = pd.Series([bool(p) for p in paths], index=rows.index)
    if CYCLE in rows:  # filled down here: rows of levels above are added at the end
        rows[CYCLE] = rows[CYCLE].ffill()
        cycle = rows[CYCLE].astype("str").fillna("")
    else:
        named = cycle_in_name(source.sheet or "") or cycle_in_name(Path(source.file).stem) or ""
        cycle = pd.Series(named, index=rows.index, dtype="str")
    if "objectives.team_id" in rows:  # a top objective's team holds for the rows below it
        block = rows[TITLE].notna().cumsum()
        rows["objectives.team_id"] = rows.groupby(block)["objectives.team_id"].transform("first")
    team = rows.get("objectives.team_id", pd.Series("", index=rows.index, dtype="str"))
    team = team.astype("str").fillna("")
    ids: dict[tuple[str, str, tuple[str, ...]], str] = {}

    def id_of(c: str, t: str, path: tuple[str, ...]) -> str:
        key = (c, t, path)
        if key not in ids:
            parts = [pd.Series([c]), pd.Series([t]), pd.Series(["\x1e".join(path)])]
            ids[key] = str(stable_ids("O-", parts).iloc[0])
        return ids[key]

    own: list[str | None] = []
    parents: list[str | None] = []
    titles: list[str | None] = []
    ancestors: dict[tuple[str, str, tuple[str, ...]], int] = {}
    for position, (path, c, t) in enumerate(zip(paths, cycle, team, strict=True)):
        if not path:
            own.append(None)
            parents.append(None)
            titles.append(None)
            continue
        own.append(id_of(c, t, path))
        parents.append(id_of(c, t, path[:-1]) if len(path) > 1 else None)
        titles.append(path[-1])
        for depth in range(1, len(path)):
            ancestors.setdefault((c, t, path[:depth]), position)
    rows[TITLE] = pd.Series(titles, index=rows.index, dtype="str").where(given)
    rows[OBJECTIVE] = pd.Series(own, index=rows.index, dtype="str").where(given)
    parent = pd.Series(parents, index=rows.index, dtype="str")
    rows[PARENT] = rows[PARENT].fillna(parent) if PARENT in rows else parent
    extra = [
        _ancestor(rows.iloc[position], path, id_of(c, t, path), id_of(c, t, path[:-1]))
        for (c, t, path), position in ancestors.items()
        if id_of(c, t, path) not in set(own)
    ]
    canonical.notes.append(
        f"{source.label}: objective levels in columns ({', '.join(headers)}): "
        f"{len(set(filter(None, own))) + len(extra):,} objectives, each under the level above"
    )
    if not extra:
        return rows
    return pd.concat([rows, pd.DataFrame(extra)], ignore_index=True)


def _ancestor(
    row: pd.Series, path: tuple[str, ...], objective_id: str, parent_id: str
) -> dict[str, object]:
    """A row of its own for a level above the deepest: its title, id and parent only."""
    out: dict[str, object] = {k: row[k] for k in KEPT_ON_ANCESTORS if k in row}
    out[TITLE] = path[-1]
    out[OBJECTIVE] = objective_id
    out[PARENT] = parent_id if len(path) > 1 else None
    return out
