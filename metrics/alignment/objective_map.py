"""The map of objectives the Alignment page draws (docs/pages.md, "Alignment"): each top
objective with the objectives that support it beneath it, and theirs, as a forest.

An objective hangs under its parent (`parent_id` of metrics/alignment/links.py, strict or
directional) when that parent is in the view. Otherwise it is a root of the map, for one
of these reasons (`root_reason`):

  top       a top objective (it needs no parent)
  outside   its parent is an objective outside the view (another unit or cycle)
  orphan    it names no parent
  broken    its link points to an id that is not in the store
  loop      it lies on a loop of parent links: the loop is cut at each of its objectives

Rows come in reading order: each root, then its subtree depth first, siblings by title.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping

import pandas as pd

from pipelines.arrow import isin

MAP_COLUMNS = [
    "objective_id",
    "cycle_id",
    "title",
    "owner",
    "parent_id",
    "root_id",
    "depth",
    "root_reason",
    "supports_id",
    "supports_title",
    "supported_by",
    "below",
]
REASON_ORDER = ("top", "outside", "orphan", "broken", "loop")


def _text(value: object) -> str | None:
    """An id as text, None when missing or blank."""
    if value is None or value != value:
        return None
    text = str(value)
    return text if text.strip() else None


def objective_map(links: pd.DataFrame, shown: Iterable[str] | None = None) -> pd.DataFrame:
    """The forest of the objectives in `shown` (all of `links` when None).

    `links`: the report's links (every objective of the store, so the titles of parents
    outside the view are known). Columns: objective_id, cycle_id, title, owner, parent_id
    (its parent in the map; None for a root), root_id, depth (0 for a root), root_reason
    (for a root, see the module docstring; None otherwise), supports_id and supports_title
    (the objective it links to, also when that one is outside the view), supported_by
    (children in the map), below (objectives in its subtree, itself excluded).
    """
    rows = links.drop_duplicates("objective_id")
    rows = rows[rows["objective_id"].map(_text).notna()]
    titles = dict(zip(rows["objective_id"].astype(str), rows["title"], strict=True))
    if shown is not None:
        wanted = {str(i) for i in shown}
        rows = rows[isin(rows["objective_id"].astype(str), wanted).to_numpy()]  # C++
    if rows.empty:
        return pd.DataFrame(columns=MAP_COLUMNS)
    ids = rows["objective_id"].astype(str).tolist()
    in_view = set(ids)
    record = {oid: row for oid, row in zip(ids, rows.to_dict("records"), strict=True)}

    parent_of: dict[str, str | None] = {}
    reason_of: dict[str, str | None] = {}
    for oid in ids:
        row = record[oid]
        parent = _text(row.get("parent_id"))
        if bool(row.get("in_loop")):
            parent_of[oid], reason_of[oid] = None, "loop"
        elif parent is not None and parent in in_view and parent != oid:
            parent_of[oid], reason_of[oid] = parent, None
        else:
            parent_of[oid] = None
            reason_of[oid] = _root_reason(row, parent, in_view)
    _cut_cycles(parent_of, reason_of)

    children: dict[str, list[str]] = {oid: [] for oid in ids}
    for oid in ids:
        parent = parent_of[oid]
        if parent is not None:
            children[parent].append(oid)

    def by_title(oid: str) -> tuple[str, str]:
        return (str(record[oid].get("title") or ""), oid)

    for kids in children.values():
        kids.sort(key=by_title)
    roots = [oid for oid in ids if parent_of[oid] is None]
    roots.sort(key=lambda oid: (REASON_ORDER.index(reason_of[oid] or "top"), *by_title(oid)))

    order: list[tuple[str, str, int]] = []  # (objective, root, depth) in reading order
    for root in roots:
        stack = [(root, 0)]
        while stack:
            oid, depth = stack.pop()
            order.append((oid, root, depth))
            stack.extend((kid, depth + 1) for kid in reversed(children[oid]))
    below = _subtree_sizes(order)

    out = []
    for oid, root, depth in order:
        row = record[oid]
        supports = _text(row.get("parent_id"))
        out.append(
            {
                "objective_id": oid,
                "cycle_id": row.get("cycle_id"),
                "title": row.get("title"),
                "owner": row.get("owner"),
                "parent_id": parent_of[oid],
                "root_id": root,
                "depth": depth,
                "root_reason": reason_of[oid],
                "supports_id": supports,
                "supports_title": titles.get(supports) if supports else None,
                "supported_by": len(children[oid]),
                "below": below[oid],
            }
        )
    frame = pd.DataFrame(out, columns=MAP_COLUMNS)
    return frame.astype({"depth": "int64", "supported_by": "int64", "below": "int64"})


def _root_reason(row: Mapping[Hashable, object], parent: str | None, in_view: set[str]) -> str:
    """Why an objective without a parent in the view is a root of the map."""
    if bool(row.get("is_top")):
        return "top"
    if bool(row.get("broken")) and (parent is None or parent not in in_view):
        return "broken" if parent is None else "outside"
    if parent is not None:
        return "outside"
    return "orphan"


def _cut_cycles(parent_of: dict[str, str | None], reason_of: dict[str, str | None]) -> None:
    """Cut any loop left among the parents (links not flagged `in_loop`): its first
    objective met becomes a root marked `loop`."""
    state: dict[str, int] = {}  # 1: on the current walk, 2: done
    for start in parent_of:
        walk: list[str] = []
        oid: str | None = start
        while oid is not None and state.get(oid, 0) == 0:
            state[oid] = 1
            walk.append(oid)
            oid = parent_of[oid]
        if oid is not None and state.get(oid) == 1:  # came back onto this walk: a loop
            parent_of[oid], reason_of[oid] = None, "loop"
        for seen in walk:
            state[seen] = 2


def _subtree_sizes(order: list[tuple[str, str, int]]) -> dict[str, int]:
    """Objectives below each one, from the depth-first order: the rows after it that are
    deeper, up to the next row at its depth or above (same root)."""
    below: dict[str, int] = {}
    open_rows: list[tuple[str, int, int]] = []  # (objective, depth, position)
    for position, (oid, _, depth) in enumerate([*order, ("", "", -1)]):
        while open_rows and open_rows[-1][1] >= depth:
            done, _, start = open_rows.pop()
            below[done] = position - start - 1
        if oid:
            open_rows.append((oid, depth, position))
    return below
