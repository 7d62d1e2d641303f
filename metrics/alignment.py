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

from metrics.bands import band_of
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
    in_loop = _on_loop(
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


def _on_loop(child: np.ndarray, parent: np.ndarray, n: int) -> np.ndarray:
    """Which of `n` nodes lie on a loop of the (child → parent) edges.

    Nodes that cannot reach a loop, or be reached from one, are peeled off first (all at
    once, one layer per round); the strongly connected components of what is left (in real
    data, the loops themselves) are then found one node at a time.
    """
    alive = np.zeros(n, dtype=bool)
    alive[child] = alive[parent] = True
    while True:
        edge = alive[child] & alive[parent]
        keep = (
            alive
            & (np.bincount(child[edge], minlength=n) > 0)
            & (np.bincount(parent[edge], minlength=n) > 0)
        )
        if (keep == alive).all():
            break
        alive = keep
    edge = alive[child] & alive[parent]
    on_loop = np.zeros(n, dtype=bool)
    on_loop[child[edge & (child == parent)]] = True
    for component in _strong_components(child[edge].tolist(), parent[edge].tolist()):
        if len(component) > 1:
            on_loop[component] = True
    return on_loop


def _strong_components(child: list[int], parent: list[int]) -> list[list[int]]:
    """Strongly connected components of a small graph (Tarjan's algorithm, iterative)."""
    follows: dict[int, list[int]] = {}
    for a, b in zip(child, parent, strict=True):
        follows.setdefault(a, []).append(b)
    order: dict[int, int] = {}
    low: dict[int, int] = {}
    stack: list[int] = []
    on_stack: set[int] = set()
    components = []
    for start in follows:
        if start in order:
            continue
        order[start] = low[start] = len(order)
        stack.append(start)
        on_stack.add(start)
        work = [(start, iter(follows.get(start, ())))]
        while work:
            node, todo = work[-1]
            for nxt in todo:
                if nxt not in order:
                    order[nxt] = low[nxt] = len(order)
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(follows.get(nxt, ()))))
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], order[nxt])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == order[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    components.append(component)
    return components


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
    on_loop = _on_loop(code[: len(edges)], code[len(edges) :], len(names))
    return sorted(str(names[i]) for i in np.flatnonzero(on_loop))


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


def alignment_tree(objective_scores: pd.DataFrame, teams: pd.DataFrame) -> pd.DataFrame:
    """The org tree per cycle, company → departments → teams → objectives, for a Plotly
    sunburst or treemap (`ids`, `parents`, `labels`, `values`, colour by `score`).

    Columns: cycle_id, id, parent ('' for a root), label, kind (the team's level, or
    objective, or unassigned for objectives whose team is unknown), team_id, objective_id,
    value (objectives in the subtree; use branchvalues='total'), score (mean objective score
    of the subtree, the roll-up of docs/scoring.md), band. Ids are prefixed with the cycle, so the
    rows of one cycle form a tree on their own. Team rows come in the order each (cycle, team)
    is first met going through the objectives, each objective's teams from its own up.
    """
    columns = ["cycle_id", "id", "parent", "label", "kind", "team_id", "objective_id"]
    columns += ["value", "score", "band"]
    if objective_scores.empty:
        return pd.DataFrame(columns=columns)
    team_table = teams.drop_duplicates("team_id")
    team_ids = at.text(team_table["team_id"])
    unassigned = len(team_table)  # one more node for objectives of unknown teams
    objs = objective_scores[["objective_id", "cycle_id", "title", "team_id", "score"]]
    node = at.key_positions(at.text(objs["team_id"]), team_ids, nulls_match=True)
    node = np.where(node >= 0, node, unassigned)
    parent = np.append(at.key_positions(at.text(team_table["parent_team_id"]), team_ids), -1)

    # every (objective, team above it) pair, objectives in order, each one's teams upward
    origin, ancestor = _team_ancestors(parent)
    by_origin = np.argsort(origin, kind="stable")
    first = np.searchsorted(origin[by_origin], np.arange(unassigned + 1))
    count = np.bincount(origin, minlength=unassigned + 1)[node]
    row = np.repeat(np.arange(len(objs)), count)
    offset = np.arange(len(row)) - np.repeat(np.cumsum(count) - count, count)
    above = ancestor[by_origin[first[node][row] + offset]]

    cycle_code, cycles = at.codes(at.text(objs["cycle_id"]))
    team_known = np.append(at.mask(pc.is_valid(team_ids)), True)
    kept = (cycle_code[row] >= 0) & team_known[above]  # units without an id are not nodes
    row, above = row[kept], above[kept]
    has_id = at.mask(pc.is_valid(at.text(objs["objective_id"])))
    grouped = pd.DataFrame(
        {
            "group": cycle_code[row] * (unassigned + 1) + above,
            "objective": np.where(has_id[row], 1.0, np.nan),
            "score": objs["score"].to_numpy(dtype="float64")[row],
        }
    ).groupby("group", sort=False)
    nodes = grouped.agg(value=("objective", "count"), score=("score", "mean"))
    team = nodes.index.to_numpy() % (unassigned + 1)
    cycle = cycles.take(pa.array(nodes.index.to_numpy() // (unassigned + 1)))
    is_unassigned = team == unassigned
    team_text = at.take(team_ids, np.where(is_unassigned, -1, team))
    team_text = team_text.fill_null("__unassigned__") if is_unassigned.any() else team_text
    up = parent[team]
    parent_text = at.join(cycle, "/t/", at.take(team_ids, up))
    names = at.take(at.text(team_table["name"]), np.where(is_unassigned, -1, team))
    levels = at.take(at.text(team_table["level"]), np.where(is_unassigned, -1, team))
    nodes = pd.DataFrame(
        {
            "cycle_id": at.series(cycle),
            "id": at.series(at.join(cycle, "/t/", team_text)),
            "parent": at.series(pc.if_else(pa.array(up >= 0), parent_text, "")),
            "label": at.series(pc.coalesce(names, team_text)).astype("object"),
            "kind": at.series(levels.fill_null("team")).astype("object"),
            "team_id": at.series(at.take(team_ids, np.where(is_unassigned, -1, team))),
            "objective_id": None,
            "value": nodes["value"].to_numpy(dtype="int64"),
            "score": nodes["score"].to_numpy(),
        }
    )
    nodes.loc[is_unassigned, ["label", "kind"]] = ["Unassigned", "unassigned"]

    node_text = at.take(team_ids, np.where(node < unassigned, node, -1))
    node_text = pc.if_else(pa.array(node < unassigned), node_text, "__unassigned__")
    cycle_text = at.text(objs["cycle_id"])
    leaves = pd.DataFrame(
        {
            "cycle_id": objs["cycle_id"],
            "id": at.series(at.join(cycle_text, "/o/", at.text(objs["objective_id"])), objs.index),
            "parent": at.series(at.join(cycle_text, "/t/", node_text), objs.index),
            "label": objs["title"],
            "kind": "objective",
            "team_id": objs["team_id"],
            "objective_id": objs["objective_id"],
            "value": 1,
            "score": objs["score"],
        }
    )
    out = pd.concat([nodes, leaves], ignore_index=True)
    out["band"] = band_of(out["score"])
    return out[columns]


def _team_ancestors(parent: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every (team, ancestor) pair as positions, a team being its own ancestor; loop-safe.

    `parent` is each team's parent position (-1: none, or not a known team). Pairs come
    level by level (the teams themselves, then their parents, ...), in team order within
    a level. A walk ends at the top, back at its team, or, when it runs into a loop of
    teams above it, once around that loop.
    """
    n = len(parent)
    team = np.arange(n)
    has_parent = parent >= 0
    looped = _on_loop(team[has_parent], parent[has_parent], n)
    origins, ancestors = [team], [team]
    origin, current = team, team
    entry = np.where(looped, team, -1)  # where each walk entered a loop
    for _ in range(n):
        current = parent[current]
        keep = current >= 0
        keep[keep] = (current[keep] != origin[keep]) & (current[keep] != entry[keep])
        if not keep.any():
            break
        origin, current, entry = origin[keep], current[keep], entry[keep]
        entry = np.where((entry < 0) & looped[current], current, entry)
        origins.append(origin)
        ancestors.append(current)
    return np.concatenate(origins), np.concatenate(ancestors)
