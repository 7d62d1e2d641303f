"""Alignment (SPEC §6): how objectives hang together, and the tree the Alignment page draws.

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

from metrics.bands import band_of

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


def _given(values: pd.Series) -> pd.Series:
    text = values.astype("object")
    return text.notna() & (text.astype(str).str.strip() != "")


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
    """
    objs = objectives.drop_duplicates("objective_id").reset_index(drop=True)
    ids = set(objs["objective_id"])
    kr_owner = key_results.drop_duplicates("kr_id").set_index("kr_id")["objective_id"]
    team_level = teams.drop_duplicates("team_id").set_index("team_id")["level"]

    has_pobj = _given(objs["parent_objective_id"])
    has_pkr = _given(objs["parent_kr_id"])
    pobj_ok = has_pobj & objs["parent_objective_id"].isin(ids)
    strict_parent = objs["parent_kr_id"].map(kr_owner).where(has_pkr)
    pkr_ok = has_pkr & strict_parent.notna()
    parent_id = strict_parent.where(pkr_ok, objs["parent_objective_id"].where(pobj_ok))

    level = objs["level"].astype("object").fillna("").astype(str).str.strip().str.lower()
    team_is_company = objs["team_id"].map(team_level).astype("object").eq("company")
    is_top = (level == "company") | (team_is_company & ~has_pobj & ~has_pkr)
    broken = (has_pobj & ~pobj_ok) | (has_pkr & ~pkr_ok)
    aligned = pobj_ok | pkr_ok
    status = np.select([is_top, aligned, broken], ["top", "aligned", "broken"], default="orphan")
    link = np.select([pkr_ok, pobj_ok], ["strict", "directional"], default="none")

    out = objs[["objective_id", "cycle_id", "title", "team_id", "owner"]].copy()
    out["is_top"] = is_top.to_numpy()
    out["parent_objective_id"] = objs["parent_objective_id"]
    out["parent_kr_id"] = objs["parent_kr_id"]
    out["parent_id"] = parent_id.astype("object")
    out["link"] = link
    out["status"] = status
    out["broken"] = broken.to_numpy()
    children = out.groupby("parent_id").size()
    out["children"] = out["objective_id"].map(children).fillna(0).astype("int64")
    out["unsupported_top"] = out["is_top"] & (out["children"] == 0)
    edges = _edges(objs, pobj_ok, strict_parent.where(pkr_ok))
    loops = alignment_loops_from_edges(edges)
    out["in_loop"] = out["objective_id"].isin(loops)
    depth, root = _chain(out["objective_id"], out["parent_id"], loops)
    out["depth"] = depth
    top_ids = set(out.loc[out["is_top"], "objective_id"])
    out["anchored"] = root.isin(top_ids).to_numpy()
    return out[LINK_COLUMNS]


def _edges(objs: pd.DataFrame, pobj_ok: pd.Series, strict_parent: pd.Series) -> pd.DataFrame:
    """Every resolving parent link as (child, parent) — both kinds, so loops through either
    kind of link are found."""
    directional = pd.DataFrame(
        {"child": objs["objective_id"], "parent": objs["parent_objective_id"]}
    )[pobj_ok.to_numpy()]
    strict = pd.DataFrame({"child": objs["objective_id"], "parent": strict_parent}).dropna()
    return pd.concat([directional, strict], ignore_index=True).drop_duplicates()


def alignment_loops_from_edges(edges: pd.DataFrame) -> list[str]:
    """Objectives that reach themselves along (child → parent) edges.

    Grows the reachability relation one link at a time with merges (at most as many rounds
    as there are objectives); a node is in a loop when (node, node) becomes reachable.
    """
    if edges.empty:
        return []
    edges = edges.astype({"child": "object", "parent": "object"})
    reach = edges.rename(columns={"child": "start", "parent": "end"}).drop_duplicates()
    frontier = reach
    for _ in range(len(pd.unique(edges[["child", "parent"]].to_numpy().ravel()))):
        step = frontier.merge(edges, left_on="end", right_on="child")[["start", "parent"]]
        step = step.rename(columns={"parent": "end"}).drop_duplicates()
        new = step.merge(reach, how="left", indicator=True)
        new = new.loc[new["_merge"] == "left_only", ["start", "end"]]
        if new.empty:
            break
        reach = pd.concat([reach, new], ignore_index=True)
        frontier = new
    looped = reach.loc[reach["start"] == reach["end"], "start"]
    return sorted(str(x) for x in looped.unique())


def alignment_loops(objectives: pd.DataFrame, key_results: pd.DataFrame) -> list[str]:
    """Ids of the objectives that lie on a loop of parent links (directional or strict)."""
    objs = objectives.drop_duplicates("objective_id").reset_index(drop=True)
    kr_owner = key_results.drop_duplicates("kr_id").set_index("kr_id")["objective_id"]
    pobj_ok = _given(objs["parent_objective_id"]) & objs["parent_objective_id"].isin(
        set(objs["objective_id"])
    )
    strict_parent = objs["parent_kr_id"].map(kr_owner).where(_given(objs["parent_kr_id"]))
    return alignment_loops_from_edges(_edges(objs, pobj_ok, strict_parent))


def _chain(
    ids: pd.Series, parent: pd.Series, loop_members: list[str]
) -> tuple[pd.Series, pd.Series]:
    """Depth (links to the root) and root of each objective by following `parent`.

    Pointer walking over the whole column at once, one link per round; a walk that enters a
    loop stops there, and its depth and root stay empty.
    """
    up = pd.Series(parent.to_numpy(), index=ids.to_numpy()).astype("object")
    up = up[~up.index.duplicated()]
    looped = set(loop_members)
    current = pd.Series(ids.to_numpy(), index=ids.index, dtype="object")
    depth = pd.Series(0, index=ids.index, dtype="int64")
    stuck = current.isin(looped)
    for _ in range(len(ids) + 1):
        nxt = current.map(up)
        moving = nxt.notna() & ~stuck
        if not moving.any():
            break
        depth = depth + moving.astype("int64")
        current = nxt.where(moving, current)
        stuck = stuck | current.isin(looped)
    return depth.astype("Int64").where(~stuck), current.where(~stuck)


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


def alignment_tree(objective_scores: pd.DataFrame, teams: pd.DataFrame) -> pd.DataFrame:
    """The org tree per cycle, company → departments → teams → objectives, for a Plotly
    sunburst or treemap (`ids`, `parents`, `labels`, `values`, colour by `score`).

    Columns: cycle_id, id, parent ('' for a root), label, kind (the team's level, or
    objective, or unassigned for objectives whose team is unknown), team_id, objective_id,
    value (objectives in the subtree; use branchvalues='total'), score (mean objective score
    of the subtree, the SPEC §5 roll-up), band. Ids are prefixed with the cycle, so the rows
    of one cycle form a tree on their own.
    """
    columns = ["cycle_id", "id", "parent", "label", "kind", "team_id", "objective_id"]
    columns += ["value", "score", "band"]
    if objective_scores.empty:
        return pd.DataFrame(columns=columns)
    team_table = teams.drop_duplicates("team_id")
    known = set(team_table["team_id"])
    objs = objective_scores[["objective_id", "cycle_id", "title", "team_id", "score"]].copy()
    objs["node"] = objs["team_id"].where(objs["team_id"].isin(known), "__unassigned__")

    ancestors = _team_ancestors(team_table)
    unassigned = pd.DataFrame({"team_id": ["__unassigned__"], "ancestor": ["__unassigned__"]})
    ancestors = pd.concat([ancestors, unassigned], ignore_index=True)
    under = objs.merge(ancestors, left_on="node", right_on="team_id", suffixes=("", "_a"))
    nodes = under.groupby(["cycle_id", "ancestor"], sort=False).agg(
        value=("objective_id", "count"), score=("score", "mean")
    )
    nodes = nodes.reset_index().rename(columns={"ancestor": "team_id"})
    info = team_table.set_index("team_id")
    parent_team = nodes["team_id"].map(info["parent_team_id"]).astype("object")
    parent_team = parent_team.where(parent_team.isin(known))
    nodes["id"] = nodes["cycle_id"].astype(str) + "/t/" + nodes["team_id"].astype(str)
    nodes["parent"] = (nodes["cycle_id"].astype(str) + "/t/" + parent_team.astype(str)).where(
        parent_team.notna(), ""
    )
    label = nodes["team_id"].map(info["name"]).astype("object")
    nodes["label"] = label.fillna(nodes["team_id"].astype("object"))
    nodes["kind"] = nodes["team_id"].map(info["level"]).astype("object").fillna("team")
    is_unassigned = nodes["team_id"] == "__unassigned__"
    nodes.loc[is_unassigned, ["label", "kind"]] = ["Unassigned", "unassigned"]
    nodes["team_id"] = nodes["team_id"].where(~is_unassigned, None)
    nodes["objective_id"] = None

    leaves = pd.DataFrame(
        {
            "cycle_id": objs["cycle_id"],
            "id": objs["cycle_id"].astype(str) + "/o/" + objs["objective_id"].astype(str),
            "parent": objs["cycle_id"].astype(str) + "/t/" + objs["node"].astype(str),
            "label": objs["title"],
            "kind": "objective",
            "team_id": objs["team_id"],
            "objective_id": objs["objective_id"],
            "value": 1,
            "score": objs["score"],
        }
    )
    out = pd.concat([nodes[leaves.columns], leaves], ignore_index=True)
    out["band"] = band_of(out["score"])
    return out[columns]


def _team_ancestors(teams: pd.DataFrame) -> pd.DataFrame:
    """Every (team_id, ancestor) pair, a team being its own ancestor; loop-safe."""
    parent = teams.set_index("team_id")["parent_team_id"].astype("object")
    pairs = [pd.DataFrame({"team_id": teams["team_id"], "ancestor": teams["team_id"]})]
    current = pd.Series(teams["team_id"].to_numpy(), dtype="object")
    origin = current.copy()
    for _ in range(len(teams)):
        current = current.map(parent)
        keep = current.notna() & current.isin(parent.index) & (current != origin)
        if not keep.any():
            break
        current, origin = current[keep], origin[keep]
        pairs.append(pd.DataFrame({"team_id": origin, "ancestor": current}))
    return pd.concat(pairs, ignore_index=True).drop_duplicates()
