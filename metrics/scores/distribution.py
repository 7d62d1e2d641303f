"""Score distribution (docs/metrics.md, "Scores"): how scores spread over the bands, per cycle and
unit."""

from __future__ import annotations

import pandas as pd

from metrics.scores.bands import BANDS, band_codes

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
    score = scores["score"].astype("float64")
    band = band_codes(score)  # positions in BANDS: no text labels to compare
    parts: dict[str, pd.Series | int] = {key: scores[key] for key in keys}
    parts |= {"score": score, "graded": score.notna(), "rows": 1}
    parts |= {b: band == i for i, b in enumerate(BANDS)}
    frame = pd.DataFrame(parts, index=scores.index)
    grouped = frame.groupby(keys, sort=True, dropna=False)
    out = grouped[["graded", "rows", *BANDS]].sum()
    out["mean"] = grouped["score"].mean()
    out["median"] = grouped["score"].median()
    out["ungraded"] = out.pop("rows") - out["graded"]
    for b in BANDS:
        out[f"{b}_share"] = out[b] / out["graded"].where(out["graded"] > 0)
    out["sweet_spot_share"] = out["sweet_share"]
    out = out.astype({c: "int64" for c in ["graded", "ungraded", *BANDS]})
    return out[DISTRIBUTION_COLUMNS].reset_index()
