"""Forecast of each key result's end-of-cycle score, and how far to trust it (docs/metrics.md).

The forecast is the least-squares line through the key result's check-in scores over time,
read at the cycle's last day and clamped to [0, 1]. With fewer than two scored check-ins (or
all on one day) there is no trend, and the last known score is carried to the end. Its error
is measured where the truth is known: on finished cycles, forecasting from the check-ins up
to mid-cycle and comparing with the final score.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from pandas.api.typing import DataFrameGroupBy

from metrics.config import DEFAULT_CONFIG, HealthConfig
from metrics.conformed_frames import first_match
from metrics.progress.checkins import KeyedCheckIns
from metrics.scores.scoring import NO_CHECK_IN

FORECAST_COLUMNS = ["kr_id", "cycle_id", "forecast", "method", "check_ins_used", "slope_per_week"]


def trend_forecast(
    history: KeyedCheckIns, calendar: pd.DataFrame, kr_scores: pd.DataFrame
) -> pd.DataFrame:
    """Forecast end-of-cycle score of every key result in `kr_scores`.

    forecast        clip(a + b · span, 0, 1) where score ≈ a + b · day is fitted by least
                    squares to the check-in scores (day = days since the cycle's start,
                    span = the cycle's length in days)
    method          trend (≥ 2 scored check-ins on different days), carried (the last
                    check-in score, or the key result's current score when it has no
                    check-ins), none (nothing to carry: ungraded)
    check_ins_used  scored check-ins the forecast rests on
    slope_per_week  the fitted trend in score per week (empty unless method is trend)
    """
    return _forecast(history, _least_squares(history), calendar, kr_scores)


def _forecast(
    history: KeyedCheckIns, fits: pd.DataFrame, calendar: pd.DataFrame, kr_scores: pd.DataFrame
) -> pd.DataFrame:
    """`trend_forecast` from the fits `_least_squares(history)` gave."""
    krs = kr_scores[["kr_id", "cycle_id", "score"]]
    fit = history.per_key_result(fits, krs["kr_id"])
    span = first_match(krs["cycle_id"], calendar["cycle_id"], calendar["days"]).astype("float64")
    trended = fit["intercept"] + fit["slope"] * span
    has_trend = fit["slope"].notna() & span.notna()
    own = krs["score"]  # a score at the start for want of a check-in is nothing to carry
    if "score_source" in kr_scores:
        own = own.where(kr_scores["score_source"] != NO_CHECK_IN)
    carried = fit["last_score"].where(fit["last_score"].notna(), own)
    forecast = trended.where(has_trend, carried).clip(0.0, 1.0)
    method = np.select([has_trend, forecast.notna()], ["trend", "carried"], default="none")
    return pd.DataFrame(
        {
            "kr_id": krs["kr_id"],
            "cycle_id": krs["cycle_id"],
            "forecast": forecast.astype("float64"),
            "method": method,
            "check_ins_used": fit["n"].fillna(0).astype("int64"),
            "slope_per_week": (fit["slope"] * 7).where(has_trend),
        }
    )[FORECAST_COLUMNS]


def _least_squares(history: KeyedCheckIns) -> pd.DataFrame:
    """Per key-result code: n, last_score and the line score = intercept + slope · day.

    Closed form from grouped sums, so the fit is one groupby for all key results. slope is
    missing when fewer than two check-ins or all on the same day.
    """
    cols = ["n", "last_score", "intercept", "slope"]
    path = history.frame
    scored = path[path["score"].notna() & path["day"].notna()]
    if scored.empty:
        return pd.DataFrame(columns=cols, dtype="float64")
    x = scored["day"].astype("float64")
    y = scored["score"].astype("float64")
    code = scored["kr_code"]
    parts = pd.DataFrame({"kr_code": code, "x": x, "y": y, "xy": x * y, "xx": x * x})
    sums = parts.groupby("kr_code", sort=True)[["x", "y", "xy", "xx"]].sum()
    n = parts.groupby("kr_code", sort=True).size().astype("float64")
    last = y.groupby(code, sort=True)  # the path is in time order within each key result
    denominator = n * sums["xx"] - sums["x"] ** 2
    usable = (n >= 2) & (denominator > 1e-9 * n * n)
    slope = ((n * sums["xy"] - sums["x"] * sums["y"]) / denominator).where(usable)
    intercept = (sums["y"] - slope * sums["x"]) / n
    return pd.DataFrame({"n": n, "last_score": last.last(), "intercept": intercept, "slope": slope})


def objective_forecast(
    kr_forecast: pd.DataFrame, kr_scores: pd.DataFrame, objective_scores: pd.DataFrame
) -> pd.DataFrame:
    """Forecast of each objective: weighted mean of its key results' forecasts.

    Columns: objective_id, cycle_id, score, forecast.
    """
    parts = kr_forecast[["kr_id", "forecast"]].merge(
        kr_scores[["kr_id", "objective_id", "weight"]], on="kr_id"
    )
    parts = parts[parts["forecast"].notna()]
    weighted = (parts["forecast"] * parts["weight"]).groupby(parts["objective_id"]).sum()
    weights = parts["weight"].groupby(parts["objective_id"]).sum()
    forecast = (weighted / weights.where(weights > 0)).rename("forecast")
    out = objective_scores[["objective_id", "cycle_id", "score"]]
    return out.merge(forecast, left_on="objective_id", right_index=True, how="left")


def forecast_backtest(
    history: KeyedCheckIns,
    calendar: pd.DataFrame,
    kr_scores: pd.DataFrame,
    config: HealthConfig = DEFAULT_CONFIG,
) -> pd.DataFrame:
    """For every key result of a finished cycle that had a scored check-in by mid-cycle:
    the forecast made from the check-ins up to `config.forecast_checkpoint` of the cycle,
    beside the final score.

    Columns: kr_id, cycle_id, forecast, carried (the last score at the checkpoint: the naive
    forecast to beat), final (the key result's score), error (|forecast − final|),
    carried_error. Linked and ungraded key results have nothing to compare and are left out.
    Rows are in calendar order of their cycles.
    """
    finished = calendar.loc[calendar["state"] == "finished", "cycle_id"]
    krs = kr_scores[
        kr_scores["cycle_id"].isin(finished)
        & kr_scores["score"].notna()
        & (kr_scores["score_source"] != "linked")
    ]
    path = history.frame
    judged = np.zeros(len(history.kr_ids), dtype=bool)  # by code: a key result of `krs`
    codes = history.codes(krs["kr_id"])
    judged[codes[codes >= 0]] = True
    in_time = path["share"].to_numpy() <= config.forecast_checkpoint + 1e-9
    early = KeyedCheckIns(history.kr_ids, path[judged[path["kr_code"].to_numpy()] & in_time])
    seen = np.zeros(len(history.kr_ids), dtype=bool)
    seen[early.frame["kr_code"].to_numpy()] = True
    used = krs[(codes >= 0) & seen[np.maximum(codes, 0)]]
    fits = _least_squares(early)  # once, for the forecast and the carried score
    forecast = _forecast(early, fits, calendar, used)
    fit = early.per_key_result(fits, forecast["kr_id"])
    out = forecast[["kr_id", "cycle_id", "forecast"]].copy()
    out["carried"] = fit["last_score"].astype("float64")
    out["final"] = used["score"].to_numpy()
    out["error"] = (out["forecast"] - out["final"]).abs()
    out["carried_error"] = (out["carried"] - out["final"]).abs()
    out["_order"] = out["cycle_id"].map(calendar.set_index("cycle_id")["order"])
    out = out.sort_values(["_order", "kr_id"], kind="stable").drop(columns="_order")
    return out.reset_index(drop=True)


def forecast_error(backtest: pd.DataFrame) -> pd.DataFrame:
    """Mean absolute error of the mid-cycle forecast, per finished cycle and overall.

    Columns: cycle_id (in the backtest's order; 'all' for the overall row), key_results,
    mae, carried_mae (the error of simply carrying the mid-cycle score), bias (mean
    forecast − final; positive means the forecast promised too much).
    """
    if backtest.empty:
        return pd.DataFrame(columns=["cycle_id", "key_results", "mae", "carried_mae", "bias"])
    frame = backtest.assign(signed=backtest["forecast"] - backtest["final"])

    def summarise(grouped: DataFrameGroupBy[Any, Any]) -> pd.DataFrame:
        return grouped.agg(
            key_results=("kr_id", "count"),
            mae=("error", "mean"),
            carried_mae=("carried_error", "mean"),
            bias=("signed", "mean"),
        )

    per_cycle = summarise(frame.groupby("cycle_id", sort=False)).reset_index()
    overall = summarise(frame.assign(cycle_id="all").groupby("cycle_id")).reset_index()
    return pd.concat([per_cycle, overall], ignore_index=True)
