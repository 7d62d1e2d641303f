"""The Closing meeting page's movement chart: a pack frame in, a Plotly figure out (the HTML
pack draws its charts as SVG: `exports.svg_charts`).

Every user string that enters a figure goes through `exports.plot_text.plot_text` first, so
titles and names show literally, never as Plotly's HTML.
"""

from __future__ import annotations

import textwrap
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from exports.plot_text import plot_text
from metrics.scores.bands import BAND_COLORS, band_of, score_bands

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif"
LABEL_CHARS = 50  # axis labels longer than this wrap onto more lines (never cut)
LINE_PX = 15  # each further line of a wrapped label
ROW_PX = 26
MID_COLOR = "#9ca3af"


# A plain white style set at creation: applying a named template (plotly_white) copies and
# validates the whole template, which costs more than drawing the pack's three charts.
BASE_LAYOUT = {
    "template": "none",
    "paper_bgcolor": "white",
    "plot_bgcolor": "white",
    "xaxis": {"gridcolor": "#e5e7eb", "zeroline": False, "automargin": True},
    "yaxis": {"gridcolor": "#e5e7eb", "zeroline": False, "automargin": True},
    "hoverlabel": {"font": {"family": FONT}},
}


def _figure(data: list[Any] | None = None) -> go.Figure:  # Any: plotly's traces, untyped
    return go.Figure(data=data, layout=BASE_LAYOUT)


def _layout(fig: go.Figure, title: str, height: int) -> go.Figure:
    fig.update_layout(
        title={"text": title, "x": 0.01, "font": {"size": 15}},
        height=height,
        font={"family": FONT, "size": 12, "color": "#1f2937"},
        margin={"t": 48, "b": 40, "l": 10, "r": 20},
        legend={"orientation": "h", "y": -0.12, "x": 0},
    )
    return fig


def _sweet_spot(fig: go.Figure) -> None:
    low, high = score_bands().sweet_spot
    fig.add_vrect(
        x0=low,
        x1=high,
        fillcolor=BAND_COLORS["sweet"],
        opacity=0.15,
        line_width=0,
        layer="below",
    )
    fig.add_annotation(
        x=(low + high) / 2,
        y=1,
        yref="paper",
        yanchor="bottom",
        text="sweet spot",
        showarrow=False,
        font={"size": 11, "color": BAND_COLORS["sweet"]},
    )


def movement_rows(movement: pd.DataFrame) -> pd.DataFrame:
    """The objectives of a pack's `movement` frame that have a score at mid-cycle or now,
    sorted by movement: the largest gain first, the largest fall last, those new since
    mid-cycle (no change to show) after them; ties by title."""
    frame = movement[movement["level"] == "objective"]
    frame = frame[frame["mid_score"].notna() | frame["score"].notna()]
    frame = frame.sort_values("objective", kind="stable").sort_values(
        "delta", ascending=False, na_position="last", kind="stable"
    )
    return frame.reset_index(drop=True)


def wrapped_label(text: object, width: int = LABEL_CHARS) -> str:
    """A title as a Plotly tick label: literal, broken into lines between words, never cut."""
    value = plot_text(text)
    if len(value) <= width:
        return value
    return "<br>".join(
        plot_text(line)
        for line in textwrap.wrap(str(text), width, break_long_words=True, break_on_hyphens=False)
    )


def movement_figure(movement: pd.DataFrame) -> go.Figure:
    """Each objective's mid-cycle score (grey) joined to its score now (band colour), sorted
    by movement (`movement_rows`), with its whole title beside it."""
    frame = movement_rows(movement)
    y = np.arange(len(frame))
    labels = [wrapped_label(t) for t in frame["objective"]]
    names = np.array([plot_text(t) for t in frame["objective"]], dtype=object)
    fig = _figure()
    both = frame["mid_score"].notna() & frame["score"].notna()
    xs: list[object] = []  # frame cells (None breaks the line)
    ys: list[float | None] = []
    for i in np.flatnonzero(both.to_numpy()):
        xs += [frame.at[i, "mid_score"], frame.at[i, "score"], None]
        ys += [float(y[i]), float(y[i]), None]
    fig.add_scatter(
        x=xs, y=ys, mode="lines", line={"color": "#d1d5db", "width": 3}, hoverinfo="skip",
        showlegend=False,
    )  # fmt: skip
    mid = frame["mid_score"].notna().to_numpy()
    fig.add_scatter(
        x=frame.loc[mid, "mid_score"],
        y=y[mid],
        mode="markers",
        name="mid-cycle",
        marker={"color": MID_COLOR, "size": 10},
        customdata=names[mid],
        hovertemplate="%{customdata}<br>mid-cycle %{x:.2f}<extra></extra>",
    )
    now = frame["score"].notna().to_numpy()
    colors = [BAND_COLORS[str(b)] for b in band_of(frame.loc[now, "score"])]
    fig.add_scatter(
        x=frame.loc[now, "score"],
        y=y[now],
        mode="markers",
        name="now",
        marker={"color": colors, "size": 12, "line": {"color": "#374151", "width": 1}},
        customdata=np.stack(
            [names[now], frame.loc[now, "delta"].map(_signed).to_numpy(dtype=object)], axis=-1
        )
        if now.any()
        else None,
        hovertemplate="%{customdata[0]}<br>now %{x:.2f} (%{customdata[1]})<extra></extra>",
    )
    _sweet_spot(fig)
    fig.update_xaxes(title="score", range=[0, 1.05], dtick=0.1)
    fig.update_yaxes(
        tickmode="array", tickvals=y, ticktext=labels, autorange="reversed", automargin=True
    )
    lines = max((label.count("<br>") + 1 for label in labels), default=1)
    height = max(260, (ROW_PX + LINE_PX * (lines - 1)) * len(frame) + 130)  # rows equally spaced
    return _layout(fig, "Objective scores: mid-cycle → now", height)


def _signed(delta: float) -> str:
    return "new since mid-cycle" if pd.isna(delta) else f"{delta:+.2f}"
