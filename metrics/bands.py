"""Score bands (SPEC §5): where a 0–1 score sits relative to the 0.6–0.7 sweet spot."""

from __future__ import annotations

import numpy as np
import pandas as pd

BANDS = ("low", "mid", "sweet", "high", "maxed")
BAND_LABELS = {
    "low": "Low (< 0.4)",
    "mid": "Mid (0.4–0.6)",
    "sweet": "Sweet spot (0.6–0.7)",
    "high": "High (0.7–1.0)",
    "maxed": "Maxed (1.0)",
}
# One colour per band, used by every chart and export so a band always looks the same.
BAND_COLORS = {
    "low": "#d7301f",
    "mid": "#fc8d59",
    "sweet": "#1a9850",
    "high": "#91bfdb",
    "maxed": "#4575b4",
}
SWEET_SPOT = (0.6, 0.7)
_PRECISION = 9  # scores like 0.1 * 7 should band as 0.7, not 0.7000000000000001


def band_codes(scores: pd.Series) -> np.ndarray:
    """Each score's band as its position in `BANDS` (-1 for a missing score)."""
    s = np.round(scores.to_numpy(dtype="float64", na_value=np.nan), _PRECISION)
    conditions = [s < 0.4, s < 0.6, s <= 0.7, s < 1.0, s >= 1.0]
    return np.select(conditions, range(len(BANDS)), default=-1)


def band_of(scores: pd.Series) -> pd.Series:
    """Band of each score: low [0, 0.4), mid [0.4, 0.6), sweet [0.6, 0.7], high (0.7, 1), maxed 1.

    Ungraded (missing) scores have no band.
    """
    dtype = pd.CategoricalDtype(list(BANDS), ordered=True)
    bands = pd.Categorical.from_codes(band_codes(scores), dtype=dtype)
    return pd.Series(bands, index=scores.index)


def band_counts(scores: pd.Series) -> dict[str, int]:
    """Number of graded scores in each band, every band present (zero where empty)."""
    counts = band_of(scores).value_counts()
    return {b: int(counts.get(b, 0)) for b in BANDS}


def sweet_spot_share(scores: pd.Series) -> float | None:
    """Share of graded scores inside the 0.6–0.7 sweet spot (None when nothing is graded)."""
    graded = scores.dropna()
    if graded.empty:
        return None
    return float((band_of(graded) == "sweet").mean())
