"""Chart builders: a DataFrame in, a Plotly figure out (no Streamlit, testable on their own).

Band colours come from metrics.bands, so a band looks the same on every chart and export.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from metrics.bands import BAND_COLORS, BAND_LABELS, BANDS, SWEET_SPOT, band_of

BIN_WIDTH = 0.1


def score_histogram(scores: pd.Series) -> pd.DataFrame:
    """Counts of graded scores per 0.1-wide bin (1.0 gets its own bar, the 'maxed' band).

    Columns: bin (label), lower, count, band (band of the bin's lower edge).
    """
    graded = scores.dropna().astype("float64")
    edges = np.round(np.arange(0.0, 1.0 + 1e-9, BIN_WIDTH), 2)
    below_one = graded[graded < 1.0]
    counts = np.histogram(below_one, bins=edges)[0] if len(below_one) else np.zeros(10, int)
    lower = edges[:-1]
    frame = pd.DataFrame(
        {
            "bin": [f"{lo:.1f}–{lo + BIN_WIDTH:.1f}" for lo in lower],
            "lower": lower,
            "count": counts.astype(int),
        }
    )
    maxed = pd.DataFrame({"bin": ["1.0"], "lower": [1.0], "count": [int((graded >= 1.0).sum())]})
    frame = pd.concat([frame, maxed], ignore_index=True)
    frame["band"] = band_of(frame["lower"]).astype("object")
    return frame


def distribution_figure(histogram: pd.DataFrame, title: str) -> go.Figure:
    """Bars of the score histogram coloured by band, with the 0.6–0.7 sweet spot shaded."""
    fig = go.Figure()
    for band in BANDS:
        part = histogram[histogram["band"] == band]
        if part.empty:
            continue
        fig.add_bar(
            x=part["lower"] + np.where(part["lower"] < 1.0, BIN_WIDTH / 2, 0.0),
            y=part["count"],
            width=BIN_WIDTH * 0.95,
            name=BAND_LABELS[band],
            marker_color=BAND_COLORS[band],
            customdata=part["bin"],
            hovertemplate="score %{customdata}: %{y}<extra></extra>",
        )
    fig.add_vrect(
        x0=SWEET_SPOT[0],
        x1=SWEET_SPOT[1],
        fillcolor=BAND_COLORS["sweet"],
        opacity=0.15,
        line_width=0,
        annotation_text="sweet spot",
        annotation_position="top left",
    )
    fig.update_layout(
        title=title,
        xaxis={"title": "score", "range": [-0.02, 1.08], "dtick": 0.1},
        yaxis={"title": "count"},
        bargap=0.05,
        legend={"orientation": "h", "y": -0.25},
        margin={"t": 50, "b": 10},
    )
    return fig


def band_share_frame(scores: pd.Series) -> pd.DataFrame:
    """Count and share of graded scores per band, in band order."""
    bands = band_of(scores.dropna())
    counts = bands.value_counts().reindex(list(BANDS), fill_value=0)
    total = int(counts.sum())
    return pd.DataFrame(
        {
            "band": list(BANDS),
            "label": [BAND_LABELS[b] for b in BANDS],
            "count": counts.to_numpy(dtype=int),
            "share": (counts / total).to_numpy() if total else np.zeros(len(BANDS)),
        }
    )
