"""The alignment tree the Alignment page draws: company → departments → teams → objectives
per cycle, each node with the mean objective score of its subtree."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from metrics.alignment.loops import on_loop
from metrics.scores.bands import band_of
from pipelines import arrow as at


def alignment_tree(objective_scores: pd.DataFrame, teams: pd.DataFrame) -> pd.DataFrame:
    """The org tree per cycle, company → departments → teams → objectives, for a Plotly
    sunburst or treemap (`ids`, `parents`, `labels`, `values`, colour by `score`).

    Columns: cycle_id, id, parent ('' for a root), label, kind (the team's level, or
    objective, or unassigned for objectives whose team is unknown), team_id, objective_id,
    value (objectives in the subtree; use branchvalues='total'), score (mean objective score
    of the subtree, the roll-up of docs/scoring.md), band. Ids are prefixed with the cycle, so
    the rows of one cycle form a tree on their own. Team rows come in the order each (cycle, team)
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
    looped = on_loop(team[has_parent], parent[has_parent], n)
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
