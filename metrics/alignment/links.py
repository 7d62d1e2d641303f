"""Alignment (docs/metrics.md, "Alignment"): how objectives hang together, and the tree the
Alignment page draws.

Definitions used throughout:

- **top** objective: level `company`, or an objective with no parent link whose team is the
  company (a team of level `company`). Top objectives need no parent.
- a **link** is `parent_objective_id` (directional: supports that objective) or
  `parent_kr_id` (strict: *is* that key result of the level above). A link **resolves** when
  the id exists in the store (any cycle).
- **aligned**: a non-top objective with at least one resolving link.
- **orphan**: a non-top objective with no link at all.
- **broken**: an objective with a link that does not resolve (it is not aligned unless its
  other link resolves).
- **unsupported top**: a top objective that no objective links to (directly or through one
  of its key results).
- **loop**: objectives that reach themselves by following parent links.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from metrics.alignment.loops import on_loop
from metrics.alignment.tree import alignment_tree
from pipelines import arrow as at

LINK_COLUMNS = [
    "objective_id",
    "cycle_id",
    "title",
    "team_id",
    "owner",
    "is_top",
    "parent_objective_id",
    "parent_kr_id",
    "parent_id",
    "link",
    "status",
    "broken",
    "children",
    "unsupported_top",
    "in_loop",
    "depth",
    "anchored",
]


def _given(values: pd.Series) -> np.ndarray:
    """A link is given when it is not missing and not just whitespace."""
    return ~at.blank(at.text(values))


def objective_links(
    objectives: pd.DataFrame, key_results: pd.DataFrame, teams: pd.DataFrame
) -> pd.DataFrame:
    """One row per objective describing its place in the alignment.

    parent_id  the parent objective: the objective owning `parent_kr_id` when that resolves
               (strict), else `parent_objective_id` when it resolves (directional)
    link       strict, directional or none (how it is aligned)
    status     top, aligned, orphan or broken (see the module docstring)
    broken     a given link does not resolve
    children   objectives whose parent_id is this one
    unsupported_top  top objective with no children
    in_loop    reached again by following its parents
    depth      links from the objective up to the end of its chain (0 for roots; empty in
               and above loops)
    anchored   the chain of parents ends in a top objective

    Ids are matched once, as positions in the objective table; counts, loops and chains are
    then numpy work on those positions.
    """
    objs = objectives.drop_duplicates("objective_id").reset_index(drop=True)
    ids = at.text(objs["objective_id"])
    kr_ids = at.text(key_results["kr_id"])
    team_table = teams.drop_duplicates("team_id")

    has_pobj = _given(objs["parent_objective_id"])
    has_pkr = _given(objs["parent_kr_id"])
    directional = at.key_positions(at.text(objs["parent_objective_id"]), ids)
    pobj_ok = has_pobj & (directional >= 0)
    # the objective owning the linked key result (the first key result of that id)
    owning = at.key_positions(at.text(objs["parent_kr_id"]), kr_ids)
    strict_parent = at.take(at.text(key_results["objective_id"]), np.where(has_pkr, owning, -1))
    pkr_ok = at.mask(pc.is_valid(strict_parent))
    parent_id = pc.if_else(
        pa.array(pkr_ok), strict_parent, at.take(ids, np.where(pobj_ok, directional, -1))
    )

    level = pc.utf8_lower(at.strip(at.text(objs["level"]).fill_null("")))
    team_level = at.take(
        at.text(team_table["level"]),
        at.key_positions(at.text(objs["team_id"]), at.text(team_table["team_id"]), True),
    )
    team_is_company = at.mask(pc.equal(team_level, "company"))
    is_top = at.mask(pc.equal(level, "company")) | (team_is_company & ~has_pobj & ~has_pkr)
    broken = (has_pobj & ~pobj_ok) | (has_pkr & ~pkr_ok)
    aligned = pobj_ok | pkr_ok
    status = np.select([is_top, aligned, broken], ["top", "aligned", "broken"], default="orphan")
    link = np.select([pkr_ok, pobj_ok], ["strict", "directional"], default="none")

    out = objs[["objective_id", "cycle_id", "title", "team_id", "owner"]].copy()
    out["is_top"] = is_top
    out["parent_objective_id"] = objs["parent_objective_id"]
    out["parent_kr_id"] = objs["parent_kr_id"]
    out["parent_id"] = at.series(parent_id).astype("object")
    out["link"] = link
    out["status"] = status
    out["broken"] = broken
    parent = at.key_positions(parent_id, ids)  # -1: no parent, or one outside the table
    children = np.bincount(parent[parent >= 0], minlength=len(objs))
    out["children"] = children.astype("int64")
    out["unsupported_top"] = is_top & (children == 0)
    strict = at.key_positions(strict_parent, ids)
    child = np.arange(len(objs))
    in_loop = on_loop(
        np.concatenate([child[pobj_ok], child[pkr_ok & (strict >= 0)]]),
        np.concatenate([directional[pobj_ok], strict[pkr_ok & (strict >= 0)]]),
        len(objs),
    )
    out["in_loop"] = in_loop
    depth, root = _chain(parent, at.mask(pc.is_valid(parent_id)), in_loop)
    stuck = root < 0
    out["depth"] = pd.arrays.IntegerArray(depth, stuck)
    # a chain ends in a top objective (a chain stuck in a loop has no end, which only a
    # top objective without an id matches, as a missing value matches a missing id)
    id_missing = at.mask(pc.is_null(ids))
    stuck_top = bool((is_top & id_missing).any())
    ends_top = np.append(is_top, False)[np.maximum(root, 0)]  # root n: outside the table
    out["anchored"] = np.where(stuck, stuck_top, ends_top)
    return out[LINK_COLUMNS]


def _edges(
    objs: pd.DataFrame, pobj_ok: pd.Series | np.ndarray, strict_parent: pd.Series
) -> pd.DataFrame:
    """Every resolving parent link as (child, parent) — both kinds, so loops through either
    kind of link are found."""
    directional = pd.DataFrame(
        {"child": objs["objective_id"], "parent": objs["parent_objective_id"]}
    )[np.asarray(pobj_ok)]
    strict = pd.DataFrame({"child": objs["objective_id"], "parent": strict_parent}).dropna()
    return pd.concat([directional, strict], ignore_index=True).drop_duplicates()


def alignment_loops_from_edges(edges: pd.DataFrame) -> list[str]:
    """Objectives that reach themselves along (child → parent) edges (a missing id is a
    node like any other)."""
    if edges.empty:
        return []
    both = at.text(pd.concat([edges["child"], edges["parent"]], ignore_index=True))
    code, names = at.codes(both)
    code = np.where(code >= 0, code, len(names))  # the missing id, as one more node
    names = [*names.to_pylist(), None]
    looped = on_loop(code[: len(edges)], code[len(edges) :], len(names))
    return sorted(str(names[i]) for i in np.flatnonzero(looped))


def alignment_loops(objectives: pd.DataFrame, key_results: pd.DataFrame) -> list[str]:
    """Ids of the objectives that lie on a loop of parent links (directional or strict)."""
    objs = objectives.drop_duplicates("objective_id").reset_index(drop=True)
    kr_owner = key_results.drop_duplicates("kr_id").set_index("kr_id")["objective_id"]
    pobj_ok = _given(objs["parent_objective_id"]) & at.isin(
        objs["parent_objective_id"], objs["objective_id"]
    )  # in C++: pandas' isin on Arrow text loops over the 100k ids in Python
    strict_parent = objs["parent_kr_id"].map(kr_owner).where(_given(objs["parent_kr_id"]))
    return alignment_loops_from_edges(_edges(objs, pobj_ok, strict_parent))


def _chain(
    parent: np.ndarray, has_parent: np.ndarray, on_loop: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Depth (links to the end of the chain) and root of each of n objectives by following
    their parent: `parent` is its position, -1 for none or one outside the table (with
    `has_parent`: the chain ends one link further, at root n).

    A chain that reaches an objective on a loop stops there: its root is -1. Pointer
    jumping: each round doubles the links every objective looks ahead, so the rounds grow
    with the logarithm of the longest chain.
    """
    n = len(parent)
    here = np.arange(n + 1)
    step = np.where(parent >= 0, parent, np.where(has_parent, n, here[:n]))
    step = np.append(np.where(on_loop, here[:n], step), n)
    links = (step != here).astype(np.int64)
    while True:
        further = step[step]
        if (further == step).all():
            break
        links = links + links[step]
        step = further
    root = step[:n]
    return links[:n], np.where(on_loop[np.minimum(root, n - 1)] & (root < n), -1, root)


def alignment_coverage(links: pd.DataFrame) -> pd.DataFrame:
    """Alignment figures per cycle.

    Columns: cycle_id, objectives, top, non_top, aligned, aligned_share (aligned / non-top
    objectives; empty when there are none), orphans, broken_links, unsupported_top, strict,
    directional, loops (objectives in a loop), max_depth, unanchored (aligned objectives
    whose chain does not end in a top objective).
    """
    frame = links.assign(
        non_top=~links["is_top"],
        aligned=links["status"].eq("aligned"),
        orphan=links["status"].eq("orphan"),
        strict=links["status"].eq("aligned") & links["link"].eq("strict"),
        directional=links["status"].eq("aligned") & links["link"].eq("directional"),
        unanchored=links["status"].eq("aligned") & ~links["anchored"],
        depth_f=links["depth"].astype("float64"),
    )
    out = frame.groupby("cycle_id", sort=False).agg(
        objectives=("objective_id", "count"),
        top=("is_top", "sum"),
        non_top=("non_top", "sum"),
        aligned=("aligned", "sum"),
        orphans=("orphan", "sum"),
        broken_links=("broken", "sum"),
        unsupported_top=("unsupported_top", "sum"),
        strict=("strict", "sum"),
        directional=("directional", "sum"),
        loops=("in_loop", "sum"),
        max_depth=("depth_f", "max"),
        unanchored=("unanchored", "sum"),
    )
    out = out.astype({c: "int64" for c in out.columns if c != "max_depth"})
    out["aligned_share"] = out["aligned"] / out["non_top"].where(out["non_top"] > 0)
    order = ["objectives", "top", "non_top", "aligned", "aligned_share", "orphans"]
    rest = [c for c in out.columns if c not in order]
    return out[order + rest].reset_index()


__all__ = [  # alignment_tree lives in metrics/alignment/tree.py
    "LINK_COLUMNS", "alignment_coverage", "alignment_loops", "alignment_loops_from_edges",
    "alignment_tree", "objective_links",
]  # fmt: skip
