"""Pace (docs/metrics.md, "Progress against the calendar"): is a key result or objective where the
calendar says it should be?

The expected progress at the as-of date is the elapsed share of the cycle (a third of the
way through the quarter, a third of the way to the target). A score is compared with that
expectation using the margins of `HealthConfig`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from metrics.config import DEFAULT_CONFIG, HealthConfig
from metrics.conformed_frames import first_match
from metrics.scoring import NO_CHECK_IN

PACE_STATUSES = ("on track", "behind", "at risk", "no data")
_EPS = 1e-9


def pace_status(score: pd.Series, expected: pd.Series, config: HealthConfig) -> pd.Series:
    """on track   score ≥ expected − on_track_margin
    behind     expected − at_risk_margin ≤ score < expected − on_track_margin
    at risk    score < expected − at_risk_margin
    no data    the score is missing (nothing recorded yet)
    """
    gap = score - expected
    status = np.select(
        [score.isna(), gap >= -config.on_track_margin - _EPS, gap >= -config.at_risk_margin - _EPS],
        ["no data", "on track", "behind"],
        default="at risk",
    )
    return pd.Series(status, index=score.index, dtype="object")


def _pace(frame: pd.DataFrame, calendar: pd.DataFrame, config: HealthConfig) -> pd.DataFrame:
    out = frame.copy()
    cycles, ids = out["cycle_id"], calendar["cycle_id"]
    out["cycle_state"] = first_match(cycles, ids, calendar["state"])
    out["expected"] = first_match(cycles, ids, calendar["elapsed_share"]).astype("float64")
    out["gap"] = out["score"] - out["expected"]
    status = pace_status(out["score"], out["expected"], config)
    out["pace"] = status.where(out["cycle_state"] == "running", None)
    return out


def key_result_pace(
    kr_scores: pd.DataFrame, calendar: pd.DataFrame, config: HealthConfig = DEFAULT_CONFIG
) -> pd.DataFrame:
    """Every key result's score against the calendar's expectation at the as-of date.

    Columns: kr_id, objective_id, cycle_id, title, owner, score, cycle_state, expected
    (elapsed share of the cycle), gap (score − expected), pace (on track / behind / at risk /
    no data; only for key results of a running cycle, empty otherwise).
    """
    cols = ["kr_id", "objective_id", "cycle_id", "title", "owner", "score"]
    out = _pace(kr_scores[cols], calendar, config)
    if "score_source" in kr_scores:  # at its start for want of a check-in: nothing recorded
        started = (kr_scores["score_source"] == NO_CHECK_IN).to_numpy()
        out.loc[started & out["pace"].notna().to_numpy(), "pace"] = "no data"
    return out


def objective_pace(
    objective_scores: pd.DataFrame, calendar: pd.DataFrame, config: HealthConfig = DEFAULT_CONFIG
) -> pd.DataFrame:
    """Every objective's score against the calendar's expectation (as `key_result_pace`).

    Columns: objective_id, cycle_id, title, team_id, owner, score, cycle_state, expected,
    gap, pace.
    """
    cols = ["objective_id", "cycle_id", "title", "team_id", "owner", "score"]
    return _pace(objective_scores[cols], calendar, config)


def pace_counts(pace: pd.DataFrame) -> pd.DataFrame:
    """Number of running key results (or objectives) in each pace status, per cycle."""
    running = pace[pace["pace"].notna()]
    counts = pd.crosstab(running["cycle_id"], running["pace"])
    counts = counts.reindex(columns=list(PACE_STATUSES), fill_value=0)
    return counts.rename_axis(columns=None).reset_index()
