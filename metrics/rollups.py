"""Roll-ups of objective scores to teams, departments and the company (SPEC §5)."""

from __future__ import annotations

import pandas as pd


def team_lineage(teams: pd.DataFrame) -> pd.DataFrame:
    """For every team: its department and company (walking `parent_team_id` upward).

    Columns: team_id, name, level, department_id, department. A department is its own
    department; a team outside any department has none. Loops in the parent chain stop
    the walk (at most as many steps as there are teams).
    """
    if teams.empty:
        return pd.DataFrame(columns=["team_id", "name", "level", "department_id", "department"])
    parent = teams.set_index("team_id")["parent_team_id"]
    level = teams.set_index("team_id")["level"]
    names = teams.set_index("team_id")["name"].fillna(teams.set_index("team_id").index.to_series())
    current = pd.Series(teams["team_id"].to_numpy(), index=teams["team_id"].to_numpy())
    department = pd.Series(None, index=current.index, dtype="object")
    for _ in range(len(teams)):
        is_dept = current.map(level).eq("department") & department.isna()
        department[is_dept] = current[is_dept]
        nxt = current.map(parent)
        if nxt.isna().all():
            break
        current = nxt.where(nxt.notna(), None)
    out = pd.DataFrame(
        {
            "team_id": current.index,
            "name": names.reindex(current.index).to_numpy(),
            "level": level.reindex(current.index).to_numpy(),
            "department_id": department.to_numpy(),
        }
    )
    out["department"] = out["department_id"].map(names)
    return out


def attach_units(objective_scores: pd.DataFrame, teams: pd.DataFrame) -> pd.DataFrame:
    """Objective scores with their team's name and department added."""
    lineage = team_lineage(teams).rename(columns={"name": "team", "level": "team_level"})
    return objective_scores.merge(lineage, on="team_id", how="left")


def department_scores(objective_scores: pd.DataFrame, teams: pd.DataFrame) -> pd.DataFrame:
    """Department score per cycle = mean of the scores of all objectives in the department
    (its own and its teams'). Columns: cycle_id, department_id, department, score,
    objectives (graded objectives counted)."""
    scored = attach_units(objective_scores, teams)
    scored = scored[scored["department_id"].notna()]
    grouped = scored.groupby(["cycle_id", "department_id", "department"], dropna=False)
    out = grouped["score"].agg(score="mean", objectives="count").reset_index()
    return out.sort_values(["cycle_id", "department"]).reset_index(drop=True)


def team_scores(objective_scores: pd.DataFrame, teams: pd.DataFrame) -> pd.DataFrame:
    """Team score per cycle = mean of the scores of the objectives the team owns."""
    scored = attach_units(objective_scores, teams)
    grouped = scored.groupby(["cycle_id", "team_id"], dropna=False)
    out = grouped.agg(
        team=("team", "first"),
        department=("department", "first"),
        score=("score", "mean"),
        objectives=("score", "count"),
    ).reset_index()
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
    units = attach_units(objective_scores[["objective_id", "team_id", "owner"]], teams)
    units = units.rename(columns={"owner": "objective_owner"})
    units = units[
        ["objective_id", "objective_owner", "team_id", "team", "department_id", "department"]
    ]
    out = kr_scores.rename(columns={"owner": "kr_owner"}).merge(
        units, on="objective_id", how="left"
    )
    own = out["kr_owner"].astype("object")
    own = own.where(own.notna() & (own.astype(str).str.strip() != ""))
    out["owner"] = own.fillna(out["objective_owner"].astype("object"))
    targets = set(objective_scores.get("parent_kr_id", pd.Series(dtype="object")).dropna())
    no_own_data = out["score_source"].isna() | (out["score_source"] == "linked")
    out["strict_linked"] = out["kr_id"].isin(targets) & no_own_data
    return out
