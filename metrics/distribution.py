"""Score distribution (SPEC §6): how scores spread over the bands, per cycle and unit."""

from __future__ import annotations

import pandas as pd

from metrics.bands import BANDS, band_of

DISTRIBUTION_COLUMNS = [
    "graded",
    "ungraded",
    "mean",
    "median",
    *BANDS,
    *[f"{b}_share" for b in BANDS],
    "sweet_spot_share",
]


def score_distribution(scores: pd.DataFrame, by: list[str] | None = None) -> pd.DataFrame:
    """Per group (default: per cycle): graded and ungraded counts, mean and median score,
    the number of scores in each band and each band's share of the graded ones.

    `scores` is a scored key-result or objective frame (a `score` column). sweet_spot_share
    repeats sweet_share under the name the summary uses.
    """
    keys = list(by or ["cycle_id"])
    frame = scores.assign(_band=band_of(scores["score"]), _graded=scores["score"].notna())
    grouped = frame.groupby(keys, sort=True, dropna=False)
    out = grouped.agg(
        graded=("_graded", "sum"),
        rows=("_graded", "size"),
        mean=("score", "mean"),
        median=("score", "median"),
    )
    out["ungraded"] = out.pop("rows") - out["graded"]
    bands = frame.groupby([*keys, "_band"], sort=True, dropna=False, observed=False).size()
    bands = bands.unstack("_band").reindex(columns=list(BANDS)).fillna(0).astype("int64")
    out = out.join(bands)
    for band in BANDS:
        out[f"{band}_share"] = out[band] / out["graded"].where(out["graded"] > 0)
    out["sweet_spot_share"] = out["sweet_share"]
    out = out.astype({"graded": "int64", "ungraded": "int64"})
    return out[DISTRIBUTION_COLUMNS].reset_index()
