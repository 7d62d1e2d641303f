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


@memoized()
@literal_text
def patterns_figure(patterns: pd.DataFrame, who: str) -> go.Figure:
    """Mean score against the share of maxed key results, one dot per owner or team, sized
    by graded key results and coloured by the flag raised (sandbagging, over-ambitious)."""
    fig = go.Figure()
    pattern = patterns["pattern"].fillna("").astype("object")
    for name, part in patterns.groupby(pattern, sort=True):
        fig.add_scatter(
            x=part["mean_score"], y=part["maxed_share"], mode="markers",
            name=str(name) or "no flag", text=part[who],
            marker={"size": (part["key_results"].clip(lower=1) ** 0.5) * 3,
                    "color": PATTERN_COLORS.get(str(name), "#999"), "opacity": 0.7},
            hovertemplate="%{text}<br>mean %{x:.2f}, maxed %{y:.0%}<extra></extra>",
        )  # fmt: skip
    _sweet_band(fig)
    fig.update_layout(
        title=f"Score patterns by {who} across all cycles",
        xaxis={"title": "mean key-result score", "range": [0, 1.05]},
        yaxis={"title": "share of key results at 1.0", "range": [-0.05, 1.05],
               "tickformat": ".0%"},
        legend={"orientation": "h", "y": -0.2}, margin={"t": 50},
    )  # fmt: skip
    return fig


@memoized()
@literal_text
def discipline_heatmap(team_weeks: pd.DataFrame) -> go.Figure:
    """Share of active key results checked in, per team (rows) and week (columns). A week
    still running (`in_progress`, see transforms.discipline_weeks) is drawn in grey and
    labelled so: its share is a count so far, not a missed week."""
    grid = team_weeks.pivot_table(
        index="team", columns="week_start", values="share", aggfunc="mean"
    ).sort_index(ascending=False)
    flags = team_weeks.get("in_progress", pd.Series(False, index=team_weeks.index))
    running = set(team_weeks.loc[flags.astype(bool), "week_start"])
    labels = [
        pd.Timestamp(c).strftime("%d %b") + (" (in progress)" if c in running else "")
        for c in grid.columns
    ]
    done = grid.copy()
    done.loc[:, [c in running for c in grid.columns]] = np.nan
    fig = go.Figure(
        go.Heatmap(
            z=done.to_numpy(), x=labels, y=list(grid.index), zmin=0, zmax=1,
            colorscale="RdYlGn", colorbar={"title": "checked in", "tickformat": ".0%"},
            hovertemplate="%{y}, week of %{x}: %{z:.0%}<extra></extra>",
        )
    )  # fmt: skip
    if running:
        partial = grid.copy()
        partial.loc[:, [c not in running for c in grid.columns]] = np.nan
        fig.add_heatmap(
            z=partial.to_numpy(), x=labels, y=list(grid.index), zmin=0, zmax=1,
            colorscale=[[0, "#f0f0f0"], [1, "#bdbdbd"]], showscale=False,
            hovertemplate="%{y}, this week so far: %{z:.0%}<extra>in progress</extra>",
        )  # fmt: skip
    fig.update_layout(
        title="Check-in discipline: share of key results checked in each week",
        height=max(320, 18 * len(grid) + 120), margin={"t": 50},
        xaxis={"type": "category"},
    )  # fmt: skip
    return fig


@memoized()
@literal_text
def calibration_figure(calibration: pd.DataFrame) -> go.Figure:
    """Per team: mean stated confidence against the share of key results hit."""
    fig = go.Figure()
    fig.add_scatter(
        x=calibration["mean_confidence"], y=calibration["hit_rate"], mode="markers",
        text=calibration["team"], marker={"size": 10, "color": calibration["brier"],
                                          "colorscale": "RdYlGn_r", "showscale": True,
                                          "colorbar": {"title": "Brier"}},
        hovertemplate="%{text}<br>confidence %{x:.0%}, hit %{y:.0%}<extra></extra>",
    )  # fmt: skip
    fig.add_scatter(x=[0, 1], y=[0, 1], mode="lines", name="calibrated",
                    line={"dash": "dot", "color": "#888"})  # fmt: skip
    fig.update_layout(
        title="Confidence calibration by team (finished cycles)",
        xaxis={"title": "mean stated confidence", "range": [0, 1], "tickformat": ".0%"},
        yaxis={"title": "share of key results hit", "range": [0, 1], "tickformat": ".0%"},
        showlegend=False, margin={"t": 50},
    )  # fmt: skip
    return fig


@literal_text
def owner_cycles_figure(per_cycle: pd.DataFrame, owner: str) -> go.Figure:
    """An owner's mean key-result score cycle by cycle, bars coloured by band."""
    colors = [BAND_COLORS.get(b, "#999") for b in band_of(per_cycle["mean_score"]).astype("object")]
    fig = go.Figure()
    fig.add_bar(
        x=per_cycle["cycle_id"], y=per_cycle["mean_score"], marker_color=colors,
        customdata=per_cycle["key_results"],
        hovertemplate="%{x}: mean %{y:.2f} over %{customdata} key results<extra></extra>",
    )  # fmt: skip
    _sweet_band(fig, axis="y")
    fig.update_layout(
        title=f"{owner}: mean key-result score by cycle", yaxis={"range": [0, 1.05]},
        xaxis={"type": "category"}, height=320, margin={"t": 50},
    )  # fmt: skip
    return fig
