"""Pure transforms the pages apply to the cached report (DataFrames in, DataFrames out).

Each is `memoized` per input (dashboard/memo.py): the same filters give the same frames,
so a repeated view does no pandas work here. Results are shared: read them, never assign
into them."""

from __future__ import annotations

from typing import Literal, TypedDict

import pandas as pd

from dashboard.memo import memoized
from metrics.bands import band_of


def mean_or_none(values: pd.Series) -> float | None:
    graded = values.dropna()
    return None if graded.empty else float(graded.mean())


class Headline(TypedDict):
    """The Overview's tiles: shares and means (None when nothing is graded), and counts."""

    objective_mean: float | None
    kr_mean: float | None
    sweet_share: float | None
    objectives: float
    key_results: float
    graded: float
    on_track_share: float | None
    maxed_share: float | None


# The tiles that compare with the previous cycle.
Compared = Literal["objective_mean", "kr_mean", "sweet_share", "maxed_share"]


@memoized()
def headline(objectives: pd.DataFrame, key_results: pd.DataFrame) -> Headline:
    """The Overview's tiles: mean objective and key-result score, sweet-spot share, counts,
    the share maxed at 1.0, and for a running cycle the share of key results on track."""
    graded = key_results["score"].dropna()
    paced = key_results["pace"].dropna() if "pace" in key_results else pd.Series(dtype=object)
    paced = paced[paced != "no data"]
    return {
        "objective_mean": mean_or_none(objectives["score"]),
        "kr_mean": mean_or_none(graded),
        "sweet_share": None if graded.empty else float((band_of(graded) == "sweet").mean()),
        "objectives": float(len(objectives)),
        "key_results": float(len(key_results)),
        "graded": float(len(graded)),
        "on_track_share": None if paced.empty else float((paced == "on track").mean()),
        "maxed_share": None if graded.empty else float((graded >= 1.0).mean()),
    }


def delta(now: float | None, before: float | None) -> float | None:
    return None if now is None or before is None else now - before


@memoized()
def department_progress(objectives: pd.DataFrame) -> pd.DataFrame:
    """Per department: mean objective score, expected progress, forecast, gap to the
    calendar (score − expected) and objectives at risk; furthest behind first."""
    frame = objectives[objectives["department"].notna()]
    grouped = frame.groupby("department", sort=True)
    out = grouped.agg(
        score=("score", "mean"),
        expected=("expected", "mean"),
        forecast=("forecast", "mean"),
        objectives=("objective_id", "count"),
        at_risk=("pace", lambda p: int((p == "at risk").sum())),
    ).reset_index()
    out["gap"] = out["score"] - out["expected"]
    return out.sort_values(["gap", "score"], na_position="last").reset_index(drop=True)


@memoized()
def at_risk_objectives(objectives: pd.DataFrame) -> pd.DataFrame:
    """Objectives of a running cycle whose score is well behind the calendar."""
    risky = objectives[objectives["pace"] == "at risk"]
    columns = ["title", "department", "team", "owner", "score", "expected", "forecast"]
    risky = risky.assign(department=risky["department"].astype("object").fillna("(company)"))
    return risky.sort_values("gap")[columns].reset_index(drop=True)


@memoized()
def tree_for(tree: pd.DataFrame, cycle: str, department_id: str | None) -> pd.DataFrame:
    """The alignment tree of one cycle, rooted at a department when one is chosen."""
    nodes = tree[tree["cycle_id"] == cycle]
    root = nodes.loc[(nodes["kind"] == "department") & (nodes["team_id"] == department_id), "id"]
    if department_id is None or root.empty:
        return nodes.reset_index(drop=True)
    root_id = root.iloc[0]
    keep = {root_id}
    frontier = {root_id}
    while frontier:  # walk down the tree level by level (a handful of levels)
        children = set(nodes.loc[nodes["parent"].isin(frontier), "id"])
        frontier = children - keep
        keep |= children
    out = nodes[nodes["id"].isin(keep)].copy()
    out.loc[out["id"] == root_id, "parent"] = ""
    return out.reset_index(drop=True)


@memoized()
def alignment_issues(links: pd.DataFrame, objectives: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Orphans, unsupported top objectives and broken links of the objectives shown."""
    shown = links[links["objective_id"].isin(objectives["objective_id"])]
    units = objectives.set_index("objective_id")[["team", "department", "score"]]
    shown = shown.join(units, on="objective_id")
    columns = ["title", "department", "team", "owner", "score"]
    return {
        "orphans": shown.loc[shown["status"] == "orphan", columns],
        "unsupported": shown.loc[shown["unsupported_top"].fillna(False).astype(bool), columns],
        "broken": shown.loc[shown["broken"].fillna(False).astype(bool), [*columns, "parent_id"]],
    }


@memoized()
def trend_with_forecast(
    trends: pd.DataFrame, objectives: pd.DataFrame, running: str | None, by: str | None = None
) -> pd.DataFrame:
    """Objective-score trend where the running cycle shows its forecast end-of-cycle score
    (labelled '… (forecast)') instead of its score so far, which is low only because the
    cycle is not over. Columns: cycle_id, [by,] objective_mean."""
    keys = ["cycle_id", *([by] if by else [])]
    out = trends[[*keys, "objective_mean"]].copy()
    if running is None or running not in set(out["cycle_id"]):
        return out
    current = objectives[objectives["cycle_id"] == running]
    forecast = (
        current.groupby(by)["forecast"].mean()
        if by
        else pd.Series({None: current["forecast"].mean()})
    )
    is_running = out["cycle_id"] == running
    values = out.loc[is_running, by].map(forecast) if by else forecast.iloc[0]
    out.loc[is_running, "objective_mean"] = values
    out["cycle_id"] = out["cycle_id"].where(~is_running, f"{running} (forecast)")
    return out
