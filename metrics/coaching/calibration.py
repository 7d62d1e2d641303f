"""Confidence calibration (docs/metrics.md, "Confidence calibration"): did the confidence people
stated match what happened?

For each graded key result of a finished cycle that carries a stated confidence, the last
confidence given (0–1) is a probability forecast of hitting the target; the outcome is a
*hit* when the final score reaches the sweet spot (at or above its lower edge, from
`score_bands()`: 0.6 for the 0.6–0.7 sweet spot, so 0.65 is a hit). A key result in the sweet
spot did what a well-set goal should. The Brier score is the mean of (confidence − hit)²: 0
is perfect, 0.25 is what always saying 50% earns, and higher is worse than that.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from metrics.scores.bands import ScoreBands, score_bands

CALIBRATION_COLUMNS = [
    "key_results",
    "mean_confidence",
    "mean_score",
    "hit_rate",
    "brier",
    "overconfidence",
]


def hit_score(bands: ScoreBands | None = None) -> float:
    """The final score that counts as a hit: the sweet spot's lower edge."""
    return (bands or score_bands()).sweet_low


def calibration_outcomes(
    kr_units: pd.DataFrame,
    calendar: pd.DataFrame,
    bands: ScoreBands | None = None,
) -> pd.DataFrame:
    """The key results calibration is measured on, with confidence, score and hit (a final
    score at or above `hit_score(bands)`, the sweet spot's lower edge).

    Kept: finished cycle, a score of its own (not ungraded, not strictly linked), a stated
    confidence. Confidence is clipped to [0, 1].
    """
    finished = calendar.loc[calendar["state"] == "finished", "cycle_id"]
    krs = kr_units[
        kr_units["cycle_id"].isin(finished)
        & kr_units["score"].notna()
        & kr_units["latest_confidence"].notna()
        & ~kr_units["strict_linked"]
    ]
    cols = ["kr_id", "cycle_id", "owner", "team_id", "team", "department", "score"]
    out = krs[cols].copy()
    out["confidence"] = krs["latest_confidence"].astype("float64").clip(0.0, 1.0)
    out["hit"] = (krs["score"] >= hit_score(bands) - 1e-9).astype("float64")
    return out.reset_index(drop=True)


def confidence_calibration(outcomes: pd.DataFrame, by: list[str] | None = None) -> pd.DataFrame:
    """Calibration per group (e.g. by=['team_id', 'team']), or overall when `by` is empty.

    Columns: the `by` columns, key_results, mean_confidence, mean_score, hit_rate, brier
    (mean squared gap between confidence and hit), overconfidence (mean confidence − hit
    rate: positive means more confident than the results bore out).
    """
    frame = outcomes.assign(sq=(outcomes["confidence"] - outcomes["hit"]) ** 2)
    keys = list(by or [])
    grouped = (
        frame.groupby(keys, sort=True, dropna=False) if keys else frame.assign(_=0).groupby("_")
    )
    out = grouped.agg(
        key_results=("kr_id", "count"),
        mean_confidence=("confidence", "mean"),
        mean_score=("score", "mean"),
        hit_rate=("hit", "mean"),
        brier=("sq", "mean"),
    )
    out["overconfidence"] = out["mean_confidence"] - out["hit_rate"]
    out = out.reset_index()
    return out[[*keys, *CALIBRATION_COLUMNS]]


def calibration_curve(outcomes: pd.DataFrame, bins: int = 5) -> pd.DataFrame:
    """Reliability table: stated confidence in equal-width bins against the hit rate.

    Columns: bin (e.g. '0.6–0.8': 0.6 ≤ confidence < 0.8; the last bin includes 1),
    key_results, mean_confidence, hit_rate. A calibrated team's points lie on the diagonal.
    """
    edges = np.round(np.linspace(0.0, 1.0, bins + 1), 9)
    labels = [f"{lo:.1f}–{hi:.1f}" for lo, hi in zip(edges[:-1], edges[1:], strict=True)]
    closed = np.append(edges[:-1], 1.0 + 1e-9)  # [lo, hi) bins, the last one [lo, 1]
    # As a list: pandas-stubs take no ndarray of bins for a Series (pandas does the same).
    binned = pd.cut(outcomes["confidence"], closed.tolist(), labels=labels, right=False)
    out = outcomes.groupby(binned, observed=False).agg(
        key_results=("kr_id", "count"),
        mean_confidence=("confidence", "mean"),
        hit_rate=("hit", "mean"),
    )
    return out.rename_axis("bin").reset_index()
