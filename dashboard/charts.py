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
from exports.plot_text import literal_text
from metrics.scores.bands import BAND_COLORS, BANDS, band_labels, band_of, score_bands

BIN_WIDTH = 0.1


@memoized()
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


@memoized()
@literal_text
def distribution_figure(histogram: pd.DataFrame, title: str) -> go.Figure:
    """Bars of the score histogram coloured by band, with the sweet spot shaded."""
    fig = go.Figure()
    labels = band_labels()
    for band in BANDS:
        part = histogram[histogram["band"] == band]
        if part.empty:
            continue
        fig.add_bar(
            x=part["lower"] + np.where(part["lower"] < 1.0, BIN_WIDTH / 2, 0.0),
            y=part["count"],
            width=BIN_WIDTH * 0.95,
            name=labels[band],
            marker_color=BAND_COLORS[band],
            customdata=part["bin"],
            hovertemplate="score %{customdata}: %{y}<extra></extra>",
        )
    _sweet_band(fig, label=True)
    fig.update_layout(
        title=title,
        xaxis={"title": "score", "range": [-0.02, 1.08], "dtick": 0.1},
        yaxis={"title": "count"},
        bargap=0.05,
        legend={"orientation": "h", "y": -0.25},
        margin={"t": 50, "b": 10},
    )
    return fig


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


@memoized()
@literal_text
def department_progress_figure(progress: pd.DataFrame, running: bool) -> go.Figure:
    """Departments side by side: mean objective score (bars coloured by band), and for a
    running cycle the expected progress (|) and the forecast end-of-cycle score (◆)."""
    frame = progress.sort_values("score", ascending=True)
    colors = [BAND_COLORS.get(b, "#999") for b in band_of(frame["score"]).astype("object")]
    fig = go.Figure()
    fig.add_bar(
        y=frame["department"], x=frame["score"], orientation="h", name="score now",
        marker_color=colors, hovertemplate="%{y}: %{x:.2f}<extra>score</extra>",
    )  # fmt: skip
    if running:
        fig.add_scatter(
            y=frame["department"], x=frame["expected"], mode="markers", name="expected by now",
            marker={"symbol": "line-ns-open", "size": 22, "line": {"width": 3},
                    "color": "#333"},
            hovertemplate="%{y}: expected %{x:.2f}<extra></extra>",
        )  # fmt: skip
        fig.add_scatter(
            y=frame["department"], x=frame["forecast"], mode="markers", name="forecast at end",
            marker={"symbol": "diamond", "size": 10, "color": "#762a83"},
            hovertemplate="%{y}: forecast %{x:.2f}<extra></extra>",
        )  # fmt: skip
    _sweet_band(fig)
    fig.update_layout(
        title="Departments: score against the calendar" if running else "Departments: score",
        xaxis={"title": "score", "range": [0, 1.05]},
        height=max(300, 45 * len(frame) + 120),
        legend={"orientation": "h", "y": -0.2},
        margin={"t": 50, "l": 10},
    )
    return fig


@memoized()
@literal_text
def trend_figure(trends: pd.DataFrame, metrics: dict[str, str], title: str) -> go.Figure:
    """One line per metric across cycles (x = cycle), the sweet spot shaded on the 0–1 axis."""
    fig = go.Figure()
    for column, label in metrics.items():
        fig.add_scatter(
            x=trends["cycle_id"], y=trends[column], mode="lines+markers", name=label,
            hovertemplate=f"{label} %{{x}}: %{{y:.2f}}<extra></extra>",
        )  # fmt: skip
    _sweet_band(fig, axis="y")
    fig.update_layout(
        title=title, yaxis={"range": [0, 1.05]}, xaxis={"type": "category"},
        legend={"orientation": "h", "y": -0.2}, margin={"t": 50},
    )  # fmt: skip
    return fig


@memoized()
@literal_text
def department_trend_figure(trends: pd.DataFrame, metric: str, label: str) -> go.Figure:
    """`metric` per department across cycles, one line per department."""
    fig = go.Figure()
    for department, part in trends.groupby("department", sort=True):
        fig.add_scatter(
            x=part["cycle_id"], y=part[metric], mode="lines+markers", name=str(department),
            hovertemplate="%{fullData.name} %{x}: %{y:.2f}<extra></extra>",
        )  # fmt: skip
    _sweet_band(fig, axis="y")
    fig.update_layout(
        title=f"{label} by department, cycle by cycle", yaxis={"range": [0, 1.05]},
        xaxis={"type": "category"}, legend={"orientation": "h", "y": -0.2}, margin={"t": 50},
    )  # fmt: skip
    return fig


@memoized()
@literal_text
def alignment_tree_figure(tree: pd.DataFrame) -> go.Figure:
    """Company → departments → teams → objectives as a sunburst, each slice in the colour
    of its score's band (grey when not graded yet)."""
    score = tree["score"].astype("float64")
    colors = tree["band"].astype("object").map(BAND_COLORS).fillna("#dddddd")
    fig = go.Figure(
        go.Sunburst(
            ids=tree["id"], parents=tree["parent"].fillna(""), labels=tree["label"],
            values=tree["value"], branchvalues="total", marker={"colors": colors},
            customdata=np.where(score.notna(), score.round(2).astype(str), "not graded"),
            hovertemplate="%{label}<br>score %{customdata}<extra></extra>",
            maxdepth=3,
        )
    )  # fmt: skip
    fig.update_layout(margin={"t": 10, "l": 0, "r": 0, "b": 0}, height=620)
    return fig


@literal_text
def key_result_history_figure(
    history: pd.DataFrame, pace: pd.DataFrame, forecast: pd.DataFrame, title: str
) -> go.Figure:
    """A key result's check-ins over its cycle: the score each check-in implies (the value
    in the hover), the expected linear pace, the forecast to the cycle's end (dashed), and
    the confidence stated at each check-in (dotted), on one 0–1 axis."""
    scored = history[history["score"].notna()]
    fig = go.Figure()
    fig.add_scatter(
        x=pace["when"], y=pace["expected"], mode="lines", name="expected pace",
        line={"color": "#888", "width": 1.5}, hoverinfo="skip",
    )  # fmt: skip
    fig.add_scatter(
        x=scored["checked_at"], y=scored["score"], mode="lines+markers", name="score",
        line={"color": "#2166ac", "width": 2.5}, customdata=scored["value"],
        hovertemplate="%{x|%d %b %Y}: score %{y:.2f} (value %{customdata})<extra></extra>",
    )  # fmt: skip
    if not forecast.empty:
        fig.add_scatter(
            x=forecast["when"], y=forecast["score"], mode="lines+markers", name="forecast",
            line={"color": "#762a83", "dash": "dash"}, marker={"symbol": "diamond"},
            hovertemplate="%{x|%d %b %Y}: forecast %{y:.2f}<extra></extra>",
        )  # fmt: skip
    stated = history[history["confidence"].notna()]
    if not stated.empty:
        fig.add_scatter(
            x=stated["checked_at"], y=stated["confidence"], mode="lines+markers",
            name="confidence", line={"color": "#e08214", "dash": "dot", "width": 1.5},
            marker={"size": 5},
            hovertemplate="%{x|%d %b %Y}: confidence %{y:.0%}<extra></extra>",
        )  # fmt: skip
    _sweet_band(fig, axis="y")
    fig.update_layout(
        title=title, height=340, yaxis={"title": "score", "range": [-0.02, 1.05]},
        legend={"orientation": "h", "y": -0.2}, margin={"t": 50, "b": 10},
    )  # fmt: skip
    return fig
