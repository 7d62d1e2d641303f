"""Roll-ups of objective scores to teams, departments and the company (docs/scoring.md, "Roll-ups").

Team ids are matched once, as positions in the team table (`pipelines.arrow`); the
department walk and the units attached to each objective and key result are numpy work on
those positions, and the roll-ups group by integer codes instead of text.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from metrics.scores.scoring import NO_CHECK_IN
from pipelines import arrow as at

LINEAGE_COLUMNS = ["team_id", "name", "level", "department_id", "department"]
UNIT_COLUMNS = {"name": "team", "level": "team_level"}  # lineage columns as attached


def team_lineage(teams: pd.DataFrame) -> pd.DataFrame:
    """For every team: its department and company (walking `parent_team_id` upward).

    Columns: team_id, name, level, department_id, department. A department is its own
    department; a team outside any department has none. Loops in the parent chain stop
    the walk (at most as many steps as there are teams). Names default to the team id.
    """
    if teams.empty:
        return pd.DataFrame(columns=LINEAGE_COLUMNS)
    ids = at.text(teams["team_id"])
    names = pc.coalesce(at.text(teams["name"]), ids)
    parent = at.key_positions(at.text(teams["parent_team_id"]), ids)
    is_department = at.mask(pc.equal(at.text(teams["level"]), "department"))
    department = _nearest(parent, is_department)
    return pd.DataFrame(
        {
            "team_id": at.series(ids),
            "name": at.series(names),
            "level": _column(at.text(teams["level"])),
            "department_id": _column(at.take(ids, department)),
            "department": at.series(at.take(names, department)),
        }
    )


def _column(values: pa.Array) -> pd.Series:
    """Text as a `str` column, or, when there is no text at all, an untyped (object)
    column of missing values, as pandas infers one from such values."""
    if values.null_count == len(values):
        return pd.Series(np.nan, index=pd.RangeIndex(len(values)), dtype="object")
    return at.series(values)


def _nearest(parent: np.ndarray, marked: np.ndarray) -> np.ndarray:
    """For each node, the first marked node on its way up (itself included), or -1.

    `parent` is each node's parent position (-1 at the top). Pointer jumping: marked nodes
    and tops stay put and every other node looks twice as far ahead each round, so a loop
    of unmarked nodes just keeps circling and finds nothing.
    """
    here = np.arange(len(parent))
    step = np.where(marked | (parent < 0), here, parent)
    for _ in range(int(np.ceil(np.log2(len(parent) + 1))) + 1):
        further = step[step]
        if (further == step).all():
            break
        step = further
    return np.where(marked[step], step, -1)


def _pick(values: pd.Series, rows: np.ndarray, index: pd.Index | None = None) -> pd.Series:
    """`values` at positions `rows` (-1: missing), keeping their dtype, as a left merge
    takes them."""
    if values.dtype == "str":
        return at.series(at.take(at.text(values), rows), index)
    picked = values.to_numpy(dtype="object")[np.maximum(rows, 0)] if len(values) else None
    picked = np.full(len(rows), np.nan, dtype="object") if picked is None else picked
    picked[rows < 0] = np.nan
    return pd.Series(picked, index=index, dtype="object")


def _units(team_ids: pd.Series, teams: pd.DataFrame) -> dict[str, pd.Series]:
    """The team name, level, department id and department of each team id (missing for
    unknown teams), as `attach_units` adds them."""
    lineage = team_lineage(teams)
    found = at.key_positions(at.text(team_ids), at.text(lineage["team_id"]), nulls_match=True)
    return {
        UNIT_COLUMNS.get(column, column): _pick(lineage[column], found, team_ids.index)
        for column in LINEAGE_COLUMNS[1:]
    }


def attach_units(objective_scores: pd.DataFrame, teams: pd.DataFrame) -> pd.DataFrame:
    """Objective scores with their team's name and department added (columns team,
    team_level, department_id, department; missing for a team not in `teams`)."""
    if objective_scores.empty:  # a merge gives the empty frame's types
        lineage = team_lineage(teams).rename(columns=UNIT_COLUMNS)
        return objective_scores.merge(lineage, on="team_id", how="left")
    out = objective_scores.reset_index(drop=True)
    return out.assign(**_units(out["team_id"], teams))


def department_scores(objective_scores: pd.DataFrame, teams: pd.DataFrame) -> pd.DataFrame:
    """Department score per cycle = mean of the scores of all objectives in the department
    (its own and its teams'). Columns: cycle_id, department_id, department, score,
    objectives (graded objectives counted)."""
    scored = attach_units(objective_scores, teams)
    kept = scored["department_id"].notna().to_numpy()
    if not kept.any():  # nothing to group: the group-by gives the empty frame's types
        empty = scored[kept].groupby(["cycle_id", "department_id", "department"], dropna=False)
        out = empty["score"].agg(score="mean", objectives="count").reset_index()
        return out.sort_values(["cycle_id", "department"]).reset_index(drop=True)
    rows = np.flatnonzero(kept)
    keys = [at.text(scored[c]).take(pa.array(rows)) for c in ["cycle_id", "department_id"]]
    groups, first = at.groups(*keys)
    score = scored["score"].to_numpy(dtype="float64")[rows]
    grouped = pd.Series(score).groupby(groups, sort=True)
    first = rows[first]
    out = pd.DataFrame(
        {c: _pick(scored[c], first) for c in ["cycle_id", "department_id", "department"]}
    )
    out["score"] = grouped.mean().to_numpy()
    out["objectives"] = grouped.count().to_numpy(dtype="int64")
    return out.sort_values(["cycle_id", "department"]).reset_index(drop=True)


def team_scores(objective_scores: pd.DataFrame, teams: pd.DataFrame) -> pd.DataFrame:
    """Team score per cycle = mean of the scores of the objectives the team owns.

    Columns: cycle_id, team_id, team, department, score, objectives (graded objectives
    counted); one row per cycle and team id, in their order, missing ids last.
    """
    scored = attach_units(objective_scores, teams)
    if scored.empty:  # nothing to group: the group-by gives the empty frame's types
        empty = scored.groupby(["cycle_id", "team_id"], dropna=False)
        return empty.agg(
            team=("team", "first"),
            department=("department", "first"),
            score=("score", "mean"),
            objectives=("score", "count"),
        ).reset_index()
    groups, first = at.groups(at.text(scored["cycle_id"]), at.text(scored["team_id"]))
    grouped = pd.Series(scored["score"].to_numpy(dtype="float64")).groupby(groups)
    out = pd.DataFrame({c: _pick(scored[c], first) for c in ["cycle_id", "team_id"]})
    for column in ["team", "department"]:  # alike within a team: its first row's
        out[column] = _pick(scored[column], first)
        if out[column].dtype == "object":  # a group-by's first of nothing is None
            out[column] = out[column].where(out[column].notna(), None)
    out["score"] = grouped.mean().to_numpy()
    out["objectives"] = grouped.count().to_numpy(dtype="int64")
    return out


def company_score(objective_scores: pd.DataFrame) -> pd.Series:
    """Company score per cycle = mean of all objective scores of the cycle."""
    return objective_scores.groupby("cycle_id")["score"].mean()


def key_result_units(
    kr_scores: pd.DataFrame, objective_scores: pd.DataFrame, teams: pd.DataFrame
) -> pd.DataFrame:
    """Scored key results with the people and units they belong to.

    Adds: kr_owner (the key result's own owner), owner (its own owner, else its objective's),
    objective_owner, team_id, team, department_id, department (of the objective's team), and
    strict_linked (a key result that an objective links to through `parent_kr_id` and that
    has no data of its own: its progress lives in that objective, so it is no one's check-in
    duty and no evidence about its owner's goal setting).
    """
    objective_ids = at.text(objective_scores["objective_id"])
    out = kr_scores.rename(columns={"owner": "kr_owner"})
    repeated = pc.count_distinct(objective_ids, mode="all").as_py() != len(objective_ids)
    if repeated or objective_scores.empty or kr_scores.empty:
        return _key_result_units_merged(out, objective_scores, teams)
    out = out.reset_index(drop=True)
    objective = at.key_positions(at.text(out["objective_id"]), objective_ids, nulls_match=True)
    units = _units(objective_scores["team_id"].reset_index(drop=True), teams)
    added = {
        "objective_owner": _pick(objective_scores["owner"], objective, out.index),
        "team_id": _pick(objective_scores["team_id"], objective, out.index),
    }
    for column in ["team", "department_id", "department"]:
        added[column] = _pick(units[column], objective, out.index)
    return _owned_and_linked(out.assign(**added), objective_scores)


def _key_result_units_merged(
    krs: pd.DataFrame, objective_scores: pd.DataFrame, teams: pd.DataFrame
) -> pd.DataFrame:
    """`key_result_units` by a merge: for objective tables that repeat an id (a key result
    gets a row per copy) and for empty frames (the merge decides their types)."""
    units = attach_units(objective_scores[["objective_id", "team_id", "owner"]], teams)
    units = units.rename(columns={"owner": "objective_owner"})
    units = units[
        ["objective_id", "objective_owner", "team_id", "team", "department_id", "department"]
    ]
    return _owned_and_linked(krs.merge(units, on="objective_id", how="left"), objective_scores)


def _owned_and_linked(out: pd.DataFrame, objective_scores: pd.DataFrame) -> pd.DataFrame:
    own = at.text(out["kr_owner"])
    owner = pc.if_else(pa.array(at.blank(own)), at.text(out["objective_owner"]), own)
    out["owner"] = at.series(owner, out.index).astype("object")
    targets = at.text(objective_scores.get("parent_kr_id", pd.Series(dtype="str"))).drop_null()
    no_own_data = out["score_source"].isna() | out["score_source"].isin(["linked", NO_CHECK_IN])
    linked = at.mask(pc.is_in(at.text(out["kr_id"]), value_set=targets))
    out["strict_linked"] = linked & no_own_data.to_numpy()
    return out
