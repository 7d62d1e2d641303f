"""The status of every unit of a running cycle (docs/metrics.md, "Status: one verdict per
unit"): one verdict, defined once, that every tile, table, chart, pack and page shows.

A unit (key result, objective, team, department, company) is judged by where it is *heading*
at the cycle's end against the sweet spot, so that pace and forecast never contradict each
other:

  heading      a key result's least-squares forecast when its check-ins show a trend, else its
               straight-line projection (score ÷ elapsed share of the cycle, at most 1.0);
               an objective's is the weighted mean of its key results' headings, a team's,
               department's or the company's the mean of their objectives' headings
  expected     what a unit heading for the sweet spot's lower edge has by now:
               elapsed share × sweet-spot low (0.6 × 1/3 a third of the way through)
  status       done         the score is already 1.0
               not started  nothing recorded yet (no check-in, no value)
               on track     heading for the sweet spot or above (≥ 0.6)
               behind       heading for the band below it (0.4–0.6)
               at risk      heading below 0.4 (the `low` band)

Only units of a running cycle have a status; a finished cycle is judged by its final band.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from metrics.conformed_frames import first_match
from metrics.scores.bands import ScoreBands, score_bands
from metrics.scores.scoring import NO_CHECK_IN
from pipelines.arrow import isin

STATUSES = ("on track", "behind", "at risk", "not started", "done")
OFF_TRACK = ("behind", "at risk")
# One colour per status, used by every chart and export.
STATUS_COLORS = {
    "on track": "#1a9850",
    "behind": "#fc8d59",
    "at risk": "#d7301f",
    "not started": "#bbbbbb",
    "done": "#4575b4",
}
# The first days of a cycle project a score over at least this share of it, so that a key
# result at 0.05 on day two is not "heading for 1.0".
MIN_ELAPSED = 0.1
_EPS = 1e-9


def projection(score: pd.Series, elapsed: pd.Series) -> pd.Series:
    """Straight-line projection to the cycle's end: score ÷ elapsed share, in 0–1."""
    share = elapsed.astype("float64").clip(lower=MIN_ELAPSED)
    return (score.astype("float64") / share).clip(0.0, 1.0)


def heading_status(
    score: pd.Series, heading: pd.Series, started: pd.Series, bands: ScoreBands
) -> pd.Series:
    """The status words of the module docstring from a score, a heading and whether anything
    was recorded (all aligned)."""
    s = score.to_numpy(dtype="float64", na_value=np.nan)
    h = heading.to_numpy(dtype="float64", na_value=np.nan)
    status = np.select(
        [
            ~started.to_numpy(dtype=bool) | np.isnan(s),
            s >= 1.0 - _EPS,
            h >= bands.sweet_low - _EPS,
            h >= bands.low_below - _EPS,
            ~np.isnan(h),
        ],
        ["not started", "done", "on track", "behind", "at risk"],
        default="not started",
    )
    return pd.Series(status, index=score.index, dtype="object")


def _calendar_columns(frame: pd.DataFrame, calendar: pd.DataFrame) -> pd.DataFrame:
    cycles, ids = frame["cycle_id"], calendar["cycle_id"]
    out = pd.DataFrame(index=frame.index)
    out["cycle_state"] = first_match(cycles, ids, calendar["state"])
    out["elapsed"] = first_match(cycles, ids, calendar["elapsed_share"]).astype("float64")
    return out


def _judged(
    frame: pd.DataFrame,
    key: str,
    cal: pd.DataFrame,
    heading: pd.Series,
    started: pd.Series,
    bands: ScoreBands,
) -> pd.DataFrame:
    """The status columns of `frame` (key, cycle_id, score): heading and status only in a
    running cycle; expected and gap wherever the calendar knows the cycle."""
    running = (cal["cycle_state"] == "running").to_numpy()
    expected = cal["elapsed"] * bands.sweet_low
    status = heading_status(frame["score"], heading, started, bands)
    return pd.DataFrame(
        {
            key: frame[key],
            "cycle_state": cal["cycle_state"],
            "expected": expected,
            "gap": frame["score"] - expected,
            "heading": heading.where(running),
            "status": status.where(running, None),
        }
    )


def key_result_status(
    kr_scores: pd.DataFrame,
    kr_forecast: pd.DataFrame,
    calendar: pd.DataFrame,
    bands: ScoreBands | None = None,
) -> pd.DataFrame:
    """Every key result's heading and status at the as-of date.

    Columns: kr_id, cycle_state, expected (elapsed share × sweet-spot low), gap (score −
    expected), heading, status (empty outside a running cycle).
    """
    bands = bands or score_bands()
    frame = kr_scores[["kr_id", "cycle_id", "score"]].reset_index(drop=True)
    cal = _calendar_columns(frame, calendar)
    forecast = kr_forecast.set_index("kr_id").reindex(frame["kr_id"])
    trend = (forecast["method"] == "trend").to_numpy()
    projected = projection(frame["score"], cal["elapsed"])
    heading = pd.Series(
        np.where(trend, forecast["forecast"].to_numpy(dtype="float64"), projected),
        index=frame.index,
    )
    started = frame["score"].notna()
    if "score_source" in kr_scores:  # at its start for want of a check-in: nothing recorded
        started &= (kr_scores["score_source"] != NO_CHECK_IN).to_numpy()
    return _judged(frame, "kr_id", cal, heading.where(started), started, bands)


def objective_status(
    objective_scores: pd.DataFrame,
    kr_scores: pd.DataFrame,
    kr_status: pd.DataFrame,
    calendar: pd.DataFrame,
    bands: ScoreBands | None = None,
) -> pd.DataFrame:
    """Every objective's heading (weighted mean of its key results' headings) and status.

    An objective is not started while none of its key results is. Columns: objective_id,
    cycle_state, expected, gap, heading, status.
    """
    bands = bands or score_bands()
    parts = kr_scores[["kr_id", "objective_id", "weight"]].merge(
        kr_status[["kr_id", "heading", "status"]], on="kr_id"
    )
    known = parts[parts["heading"].notna()]
    weighted = (known["heading"] * known["weight"]).groupby(known["objective_id"]).sum()
    weights = known["weight"].groupby(known["objective_id"]).sum()
    heading_of = weighted / weights.where(weights > 0)
    started_ids = parts.loc[~parts["status"].isin(["not started"]), "objective_id"]

    frame = objective_scores[["objective_id", "cycle_id", "score"]].reset_index(drop=True)
    cal = _calendar_columns(frame, calendar)
    heading = frame["objective_id"].map(heading_of).astype("float64")
    started = isin(frame["objective_id"], started_ids)  # in C++: pandas loops in Python
    return _judged(frame, "objective_id", cal, heading, started, bands)


def unit_status(
    objectives: pd.DataFrame, by: list[str], bands: ScoreBands | None = None
) -> pd.DataFrame:
    """The status of a team, department or the company (by=[]) in each running cycle: the
    mean of its objectives' scores and headings judged by the same rule, with the number of
    its objectives in each status.

    `objectives`: the report's objectives (cycle_id, score, heading, status, expected and the
    `by` columns). Columns: cycle_id, *by, objectives, one column per status, score, heading,
    expected, status.
    """
    bands = bands or score_bands()
    running = objectives[objectives["status"].notna()]
    keys = ["cycle_id", *by]
    if running.empty:
        columns = [*keys, "objectives", *STATUSES, "score", "heading", "expected", "status"]
        return pd.DataFrame(columns=columns)
    grouped = running.groupby(keys, dropna=False, sort=True)
    counts = pd.crosstab([running[k] for k in keys], running["status"], dropna=False).reindex(
        columns=list(STATUSES), fill_value=0
    )
    counts.columns = list(STATUSES)
    out = grouped.agg(
        objectives=("objective_id", "size"),
        score=("score", "mean"),
        heading=("heading", "mean"),
        expected=("expected", "first"),
    ).join(counts)
    out = out.reset_index()
    started = out["not started"] < out["objectives"]
    out["status"] = heading_status(out["score"], out["heading"], started, bands)
    return out[[*keys, "objectives", *STATUSES, "score", "heading", "expected", "status"]]


def status_counts(frame: pd.DataFrame) -> pd.DataFrame:
    """Number of running key results (or objectives) in each status, per cycle."""
    running = frame[frame["status"].notna()]
    counts = pd.crosstab(running["cycle_id"], running["status"])
    counts = counts.reindex(columns=list(STATUSES), fill_value=0)
    return counts.rename_axis(columns=None).reset_index()
