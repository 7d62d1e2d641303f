"""Chart builders: a DataFrame in, a Plotly figure out (no Streamlit, testable on their own).

Band colours come from metrics.scores.bands, so a band looks the same on every chart and export.
Every builder is `@literal_text`: the names and titles in its figure show as typed, never
as Plotly's HTML (see dashboard/text.py), and `@memoized` (dashboard/memo.py): the same
data gives the same figure object without building it again, so treat figures as read-only.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard.memo import memoized
from metrics.scores.bands import BAND_COLORS, BANDS, band_labels, band_of, score_bands


@memoized()
def band_share_frame(scores: pd.Series) -> pd.DataFrame:
    """Count and share of graded scores per band, in band order."""
    bands = band_of(scores.dropna())
    counts = bands.value_counts().reindex(list(BANDS), fill_value=0)
    total = int(counts.sum())
    return pd.DataFrame(
        {
            "band": list(BANDS),
            "label": list(band_labels().values()),
            "count": counts.to_numpy(dtype=int),
            "share": (counts / total).to_numpy() if total else np.zeros(len(BANDS)),
        }
    )


PATTERN_COLORS = {"sandbagging": "#4575b4", "over-ambitious": "#d7301f", "": "#999999"}


def _sweet_band(fig: go.Figure, axis: str = "x", label: bool = False) -> None:
    """Shade the sweet spot in force across the score axis (`x` or `y`)."""
    low, high = score_bands().sweet_spot
    shade = dict(fillcolor=BAND_COLORS["sweet"], opacity=0.12, line_width=0)
    if label:
        shade.update(annotation_text="sweet spot", annotation_position="top left")
    if axis == "x":
        fig.add_vrect(x0=low, x1=high, **shade)
    else:
        fig.add_hrect(y0=low, y1=high, **shade)
