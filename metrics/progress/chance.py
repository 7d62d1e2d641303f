"""The chance of landing (docs/metrics.md, "Chance of landing"): for each running key result
and objective, the probability of ending the cycle at or above the sweet spot's lower edge
(`chance`) and at or above the low band's edge (`chance_low`).

Where a unit is heading (metrics/progress/status.py) is a point; how far such points missed
is measured on finished cycles by the forecast backtest (metrics/progress/forecast.py:
the forecast made at mid-cycle against the final score). With the signed errors
e = forecast − final of that backtest, a unit heading for h ends at h − e, so

    chance of ending ≥ t  =  share of measured errors e with h − e ≥ t

the empirical distribution, no curve fitted. Objectives use the errors of objectives (the
weighted mean of their key results' mid-cycle forecasts against the weighted mean of their
finals), key results those of key results. With fewer than MIN_ERRORS measured errors there
is no chance (missing), rather than one resting on a handful of cases.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from metrics.scores.bands import ScoreBands, score_bands
from pipelines.arrow import positions

MIN_ERRORS = 20  # measured errors below which no chance is given
CHANCE_COLUMNS = ["chance", "chance_low"]
_EPS = 1e-9


def objective_backtest(backtest: pd.DataFrame, kr_scores: pd.DataFrame) -> pd.DataFrame:
    """The forecast backtest per objective: the weighted means of its backtested key
    results' mid-cycle forecasts and finals. Columns: objective_id, cycle_id, forecast,
    final, error (forecast − final, signed)."""
    columns = ["objective_id", "cycle_id", "forecast", "final", "error"]
    if backtest.empty:
        return pd.DataFrame(columns=columns)
    parts = _inner(backtest[["kr_id", "forecast", "final"]],
                   kr_scores[["kr_id", "objective_id", "cycle_id", "weight"]])  # fmt: skip
    weight = parts["weight"].astype("float64").fillna(1.0)
    parts = parts.assign(wf=parts["forecast"] * weight, wt=parts["final"] * weight, w=weight)
    sums = parts.groupby(["objective_id", "cycle_id"], sort=False)[["wf", "wt", "w"]].sum()
    sums = sums[sums["w"] > 0]
    out = pd.DataFrame({"forecast": sums["wf"] / sums["w"], "final": sums["wt"] / sums["w"]})
    out["error"] = out["forecast"] - out["final"]
    return out.reset_index()[columns]


def _inner(left: pd.DataFrame, right: pd.DataFrame) -> pd.DataFrame:
    """`left.merge(right, on="kr_id")` for a `right` with unique ids: each left row's match
    found by position in C++ (a merge on Arrow text converts both sides to Python objects)."""
    found = positions(left["kr_id"], right["kr_id"])
    if found is None:
        return left.merge(right, on="kr_id")
    kept = found >= 0
    matched = right.drop(columns="kr_id").iloc[found[kept]].reset_index(drop=True)
    return pd.concat([left[kept].reset_index(drop=True), matched], axis=1)


def chance_at_least(heading: pd.Series, errors: np.ndarray, threshold: float) -> pd.Series:
    """P(final ≥ threshold) for each heading: the share of `errors` (forecast − final) with
    heading − error ≥ threshold. Missing where the heading is, or with fewer than MIN_ERRORS
    errors."""
    errs = np.sort(np.asarray(errors, dtype="float64")[~np.isnan(errors)])
    h = heading.to_numpy(dtype="float64", na_value=np.nan)
    if len(errs) < MIN_ERRORS:
        return pd.Series(np.nan, index=heading.index)
    # errors e ≤ h − threshold (with a hair of slack for sums that should be equal)
    counts = np.searchsorted(errs, h - threshold + _EPS, side="right")
    return pd.Series(np.where(np.isnan(h), np.nan, counts / len(errs)), index=heading.index)


def chances(
    frame: pd.DataFrame, errors: np.ndarray, bands: ScoreBands | None = None
) -> pd.DataFrame:
    """`chance` (≥ the sweet spot's lower edge) and `chance_low` (≥ the low band's edge) of
    each row of `frame` (its `heading`; rows of a running cycle have one), as columns."""
    bands = bands or score_bands()
    heading = frame["heading"]
    return pd.DataFrame(
        {
            "chance": chance_at_least(heading, errors, bands.sweet_low),
            "chance_low": chance_at_least(heading, errors, bands.low_below),
        },
        index=frame.index,
    )


def with_chances(
    key_results: pd.DataFrame,
    objectives: pd.DataFrame,
    backtest: pd.DataFrame,
    bands: ScoreBands | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The report's key results and objectives with CHANCE_COLUMNS added (missing outside a
    running cycle, and where nothing was recorded yet)."""
    kr_errors = (backtest["forecast"] - backtest["final"]).to_numpy(dtype="float64")
    objective_errors = objective_backtest(backtest, key_results)["error"].to_numpy("float64")
    return (
        key_results.join(chances(key_results, kr_errors, bands)),
        objectives.join(chances(objectives, objective_errors, bands)),
    )


def unit_chances(
    objectives: pd.DataFrame,
    backtest: pd.DataFrame,
    kr_scores: pd.DataFrame,
    by: list[str],
    bands: ScoreBands | None = None,
) -> pd.DataFrame:
    """The chance of landing of a team, department or the company (by=[]) in each running
    cycle: its heading (the mean of its objectives' headings, as its status has it) against
    the errors of the same units' mean forecasts on finished cycles.

    `objectives`: the report's objectives (with the `by` columns). Columns: cycle_id, *by,
    heading, chance, chance_low.
    """
    keys = ["cycle_id", *by]
    running = objectives[objectives["status"].notna()]
    if running.empty:
        return pd.DataFrame(columns=[*keys, "heading", *CHANCE_COLUMNS])
    heading = running.groupby(keys, dropna=False, sort=True)["heading"].mean().reset_index()
    per_objective = objective_backtest(backtest, kr_scores)
    units = per_objective.merge(objectives[["objective_id", *by]], on="objective_id")
    means = units.groupby(keys, dropna=False)[["forecast", "final"]].mean()
    errors = (means["forecast"] - means["final"]).to_numpy(dtype="float64")
    return heading.join(chances(heading, errors, bands))


def reliability(frame: pd.DataFrame, threshold: float, bins: int = 5) -> pd.DataFrame:
    """How well the chance is calibrated, on finished cycles: each backtested unit's chance
    of ending ≥ `threshold` from its mid-cycle forecast and the errors measured on the
    *other* cycles (so none judges itself), binned by that chance, against how many did.

    `frame`: a backtest (cycle_id, forecast, final). Columns: bin (e.g. "60–80%"), units,
    predicted (mean chance in the bin), landed (share that ended ≥ threshold).
    """
    parts = []
    for cycle, own in frame.groupby("cycle_id", sort=False):
        others = frame[frame["cycle_id"] != cycle]
        errors = (others["forecast"] - others["final"]).to_numpy(dtype="float64")
        p = chance_at_least(own["forecast"], errors, threshold)
        parts.append(pd.DataFrame({"p": p, "hit": own["final"] >= threshold - _EPS}))
    judged = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["p", "hit"])
    judged = judged[judged["p"].notna()]
    edges = np.linspace(0.0, 1.0, bins + 1)
    labels = [f"{lo:.0%}–{hi:.0%}" for lo, hi in zip(edges[:-1], edges[1:], strict=True)]
    which = np.clip(np.searchsorted(edges, judged["p"].astype("float64"), side="right") - 1,
                    0, bins - 1)  # fmt: skip
    table = judged.assign(bin=pd.Categorical.from_codes(which, pd.Index(labels))).groupby(
        "bin", observed=False).agg(units=("p", "size"), predicted=("p", "mean"),
                                    landed=("hit", "mean"))  # fmt: skip
    return table.reset_index().astype({"bin": "object"})


def projection_bias(key_results: pd.DataFrame, by: str) -> pd.DataFrame:
    """Owners' own projections (`projected_score`: a grading sheet's Projected Score or
    Mid-Q Projection) against the final score, on finished cycles, per `by` (owner or team):
    who projects high, who projects low.

    Columns: *by*, key_results (with both), projected (mean), final (mean), bias (mean
    projected − final: above 0 projects high), abs_error (mean |projected − final|),
    leaning ("projects high" / "projects low" / "about right": a bias beyond ±0.1).
    """
    columns = [by, "key_results", "projected", "final", "bias", "abs_error", "leaning"]
    done = key_results[
        (key_results["cycle_state"] == "finished")
        & key_results["projected_score"].notna()
        & key_results["score"].notna()
        & key_results[by].notna()
    ]
    if done.empty:
        return pd.DataFrame(columns=columns)
    gap = done["projected_score"].astype("float64") - done["score"].astype("float64")
    out = done.assign(gap=gap, abs_gap=gap.abs()).groupby(by, sort=True).agg(
        key_results=("gap", "size"), projected=("projected_score", "mean"),
        final=("score", "mean"), bias=("gap", "mean"), abs_error=("abs_gap", "mean"),
    )  # fmt: skip
    out["leaning"] = np.select(
        [out["bias"] > PROJECTION_LEANING, out["bias"] < -PROJECTION_LEANING],
        ["projects high", "projects low"], "about right",
    )  # fmt: skip
    return out.reset_index().sort_values("bias", ascending=False, kind="stable")[columns]


PROJECTION_LEANING = 0.1  # a mean gap beyond this leans high or low


def chance_words(chance: object, chance_low: object) -> str:
    """The chance of landing in a sentence, for a page or a brief."""
    bands = score_bands()
    if not isinstance(chance, float | int) or np.isnan(chance):
        return (
            "No chance of landing yet: it needs a heading and at least "
            f"{MIN_ERRORS} forecasts measured on finished cycles."
        )
    low = ""
    if isinstance(chance_low, float | int) and not np.isnan(chance_low):
        low = f"; of clearing the low band (≥ {bands.low_below:g}): {chance_low:.0%}"
    sweet = f"≥ {bands.sweet_low:g}"
    return f"Chance of ending in the sweet spot or above ({sweet}): {chance:.0%}{low}."
