"""Score bands: where a 0–1 score sits relative to the sweet spot (docs/scoring.md, "Bands").

The one home of the grading facts. The sweet spot is a setting (`OKR_HEALTH_SWEET_SPOT`,
0.6–0.7 unless a company grades differently); the other bands are placed alongside it, so
every page, pack, Excel rule and text formats from the `ScoreBands` in force, never from
literals. The statuses of a running key result (on track, behind, at risk, not started,
done) belong here too when they are defined.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from pipelines.settings import settings

BANDS = ("low", "mid", "sweet", "high", "maxed")
# One colour per band, used by every chart and export so a band always looks the same.
BAND_COLORS = {
    "low": "#d7301f",
    "mid": "#fc8d59",
    "sweet": "#1a9850",
    "high": "#91bfdb",
    "maxed": "#4575b4",
}
_PRECISION = 9  # scores like 0.1 * 7 should band as 0.7, not 0.7000000000000001
LOW_GAP = 0.2  # "low" (at risk) ends this far below the sweet spot: < 0.4 for 0.6–0.7


@dataclass(frozen=True)
class Edge:
    """One band's interval on the score line: `lower` ≤ (or <) score < (or ≤) `upper`."""

    band: str
    lower: float | None  # None: no lower bound
    upper: float | None  # None: no upper bound
    upper_inclusive: bool = False  # the sweet spot includes its top score ...
    lower_inclusive: bool = True  # ... so the band above it starts just over it


@dataclass(frozen=True)
class ScoreBands:
    """The bands in force: low [0, sweet−0.2), mid, sweet [lo, hi], high (hi, 1), maxed 1."""

    sweet_low: float = 0.6
    sweet_high: float = 0.7

    @property
    def low_below(self) -> float:
        """Scores below this are `low`: the over-ambition and at-risk line."""
        return round(max(self.sweet_low - LOW_GAP, 0.0), _PRECISION)

    @property
    def sweet_spot(self) -> tuple[float, float]:
        return (self.sweet_low, self.sweet_high)

    def edges(self) -> tuple[Edge, ...]:
        """Every band's interval, in the order of `BANDS`; codes and Excel rules read these."""
        return (
            Edge("low", None, self.low_below),
            Edge("mid", self.low_below, self.sweet_low),
            Edge("sweet", self.sweet_low, self.sweet_high, upper_inclusive=True),
            Edge("high", self.sweet_high, 1.0, lower_inclusive=False),
            Edge("maxed", 1.0, None),
        )

    def codes(self, scores: pd.Series) -> np.ndarray:
        """Each score's band as its position in `BANDS` (-1 for a missing score)."""
        s = np.round(scores.to_numpy(dtype="float64", na_value=np.nan), _PRECISION)
        conditions = [
            s <= e.upper if e.upper_inclusive else s < e.upper
            for e in self.edges()
            if e.upper is not None
        ]
        conditions.append(s >= 1.0)
        return np.select(conditions, range(len(BANDS)), default=-1)

    def sweet_text(self) -> str:
        """The sweet spot as people read it: "0.6–0.7"."""
        return f"{number(self.sweet_low)}–{number(self.sweet_high)}"

    def labels(self) -> dict[str, str]:
        """Each band's label with its interval: "Sweet spot (0.6–0.7)"."""
        lo, mid = number(self.low_below), number(self.sweet_low)
        return {
            "low": f"Low (< {lo})",
            "mid": f"Mid ({lo}–{mid})",
            "sweet": f"Sweet spot ({self.sweet_text()})",
            "high": f"High ({number(self.sweet_high)}–1.0)",
            "maxed": "Maxed (1.0)",
        }


def number(x: float) -> str:
    """A band boundary as text: 0.6, 0.75, 1.0 (at least one decimal, no float noise)."""
    text = f"{x:.3f}".rstrip("0")
    return text + "0" if text.endswith(".") else text


def score_bands() -> ScoreBands:
    """The bands in force: the sweet spot of `OKR_HEALTH_SWEET_SPOT` (0.6–0.7 by default)."""
    low, high = settings().sweet_spot
    return ScoreBands(low, high)


def band_labels() -> dict[str, str]:
    """The labels of the bands in force."""
    return score_bands().labels()


def band_codes(scores: pd.Series, bands: ScoreBands | None = None) -> np.ndarray:
    """Each score's band as its position in `BANDS` (-1 for a missing score)."""
    return (bands or score_bands()).codes(scores)


def band_of(scores: pd.Series, bands: ScoreBands | None = None) -> pd.Series:
    """Band of each score under `bands` (those in force by default); ungraded scores have none."""
    dtype = pd.CategoricalDtype(list(BANDS), ordered=True)
    categories = pd.Categorical.from_codes(band_codes(scores, bands), dtype=dtype)
    return pd.Series(categories, index=scores.index)


def band_counts(scores: pd.Series) -> dict[str, int]:
    """Number of graded scores in each band, every band present (zero where empty)."""
    counts = band_of(scores).value_counts()
    return {b: int(counts.get(b, 0)) for b in BANDS}


def sweet_spot_share(scores: pd.Series) -> float | None:
    """Share of graded scores inside the sweet spot (None when nothing is graded)."""
    graded = scores.dropna()
    if graded.empty:
        return None
    return float((band_of(graded) == "sweet").mean())
