"""The Objective page's chart of one key result over its cycle: the score each check-in
implies on the score axis (its value in the key result's unit on hover), the expected pace
to the sweet spot's lower edge, the forecast, and the confidence stated at each check-in on
an axis of its own. No Streamlit."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard.key_result_words import value_text
from exports.plot_text import literal_text
from metrics.scores.bands import BAND_COLORS, number, score_bands

CONFIDENCE_COLOR = "#e08214"


def pace_name() -> str:
    """The legend's name of the expected-pace line: where it ends."""
    return f"expected pace (to {number(score_bands().sweet_low)} at the end)"


@literal_text
def key_result_history_figure(
    history: pd.DataFrame,
    pace: pd.DataFrame,
    forecast: pd.DataFrame,
    title: str,
    unit: str | None = None,
) -> go.Figure:
    """A key result's check-ins over its cycle: score (left axis, 0–1) with the value in its
    unit on hover, the expected pace and the forecast (dashed) on the score axis, the sweet
    spot shaded, and the confidence (dotted) on the right axis, 0–1 or 0–10 as stored."""
    scored = history[history["score"].notna()]
    fig = go.Figure()
    fig.add_scatter(
        x=pace["when"], y=pace["expected"], mode="lines", name=pace_name(),
        line={"color": "#888", "width": 1.5}, hoverinfo="skip",
    )  # fmt: skip
    fig.add_scatter(
        x=scored["checked_at"], y=scored["score"], mode="lines+markers", name="score",
        line={"color": "#2166ac", "width": 2.5},
        customdata=[value_text(v, unit) for v in scored["value"]],
        hovertemplate="%{x|%d %b %Y}: score %{y:.2f} (value %{customdata})<extra></extra>",
    )  # fmt: skip
    if not forecast.empty:
        fig.add_scatter(
            x=forecast["when"], y=forecast["score"], mode="lines+markers", name="forecast",
            line={"color": "#762a83", "dash": "dash"},
            marker={"symbol": ["circle-open", "diamond-open"], "size": 9},
            hovertemplate="%{x|%d %b %Y}: forecast %{y:.2f}<extra></extra>",
        )  # fmt: skip
    stated = history[history["confidence"].notna()]
    out_of_ten = bool((stated["confidence"] > 1).any())
    if not stated.empty:
        fig.add_scatter(
            x=stated["checked_at"], y=stated["confidence"], mode="lines+markers",
            name="confidence (right axis)", yaxis="y2",
            line={"color": CONFIDENCE_COLOR, "dash": "dot", "width": 1.5}, marker={"size": 5},
            hovertemplate="%{x|%d %b %Y}: confidence "
            + ("%{y:g}/10" if out_of_ten else "%{y:.0%}") + "<extra></extra>",
        )  # fmt: skip
    low, high = score_bands().sweet_spot
    fig.add_hrect(
        y0=low, y1=high, fillcolor=BAND_COLORS["sweet"], opacity=0.12, line_width=0,
        annotation_text="sweet spot", annotation_position="top left",
    )  # fmt: skip
    fig.update_layout(
        title=title, height=360,
        yaxis={"title": "score", "range": [-0.02, 1.05]},
        yaxis2={"title": {"text": "confidence", "font": {"color": CONFIDENCE_COLOR}},
                "overlaying": "y", "side": "right", "showgrid": False,
                "range": [-0.2, 10.5] if out_of_ten else [-0.02, 1.05],
                "tickformat": "" if out_of_ten else ".0%",
                "tickfont": {"color": CONFIDENCE_COLOR}},
        legend={"orientation": "h", "y": -0.2}, margin={"t": 50, "b": 10},
    )  # fmt: skip
    return fig
