"""The Coach and Owner pages' figures: a DataFrame in, a Plotly figure out (no Streamlit).

Every name a flag is about is written on the chart (not only in a hover), a missed check-in
stands out against a week fully checked in, and calibration points say which confidence bin
they are and how many key results they hold. Builders are `@literal_text` (user text as
typed in the traces; annotations go through `plot_text`) and `@memoized` (dashboard/memo.py).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard.memo import memoized
from exports.plot_text import literal_text, plot_text
from metrics.scores.bands import BAND_COLORS, band_of, score_bands

PATTERN_COLORS = {"sandbagging": "#4575b4", "over-ambitious": "#d7301f", "": "#999999"}
PATTERN_NAMES = {"sandbagging": "sandbagging", "over-ambitious": "over-ambitious", "": "no flag"}
SPREAD = 0.025  # how far apart points that would sit on one spot are drawn (score units)
LABEL_NEAR = 0.2  # points this close share one column of labels
LABEL_DX = 0.1  # how far beside its spot a column of labels stands (score units)
LABEL_DY = 0.055  # the step between the labels of one column (share units: ~18 px)
_GOLDEN_ANGLE = math.pi * (3 - math.sqrt(5))
# Missed share of a week: white when every key result was checked in, then quickly warm, so
# one key result missed in ten already shows.
MISSED_SCALE = [
    [0.0, "#ffffff"],
    [0.001, "#fee0d2"],
    [0.1, "#fc9272"],
    [0.3, "#de2d26"],
    [1.0, "#67000d"],
]


def spread_points(x: pd.Series, y: pd.Series, radius: float = SPREAD) -> pd.DataFrame:
    """Points that share a spot (x and y equal to two decimals) spread on a small sunflower
    around it, in the order given; a point alone stays where it is. Columns: x, y, spot (the
    spot's number, shared by the points drawn around it), rank (the point's place in it)."""
    cell = pd.DataFrame({"x": x.round(2).to_numpy(), "y": y.round(2).to_numpy()})
    spot = cell.groupby(["x", "y"], sort=False).ngroup().to_numpy()
    rank = cell.groupby(["x", "y"], sort=False).cumcount().to_numpy()
    size = pd.Series(spot).map(pd.Series(spot).value_counts()).to_numpy()
    r = np.where(size > 1, radius * np.sqrt((rank + 0.5) / size), 0.0)
    angle = rank * _GOLDEN_ANGLE
    return pd.DataFrame(
        {
            "x": x.to_numpy(dtype="float64") + r * np.cos(angle),
            "y": y.to_numpy(dtype="float64") + r * np.sin(angle),
            "spot": spot,
            "rank": rank,
        },
        index=x.index,
    )


def _labels(points: pd.DataFrame, names: pd.Series, color: str) -> list[dict[str, object]]:
    """One label per point, in a column (by name) beside the points near each other (within
    about LABEL_NEAR) with a line to each point: left of a group right of the middle, running
    down from a group in the top half (up from one in the bottom half), so the column stays
    inside the chart and no two labels overlap. Returned as annotations, for the figure to
    take all at once (one at a time, Plotly validates the list again on every addition)."""
    name_of = dict(zip(points.index, names.reindex(points.index), strict=True))
    near = [(points["x"] / LABEL_NEAR).round(), (points["y"] / LABEL_NEAR).round()]
    out: list[dict[str, object]] = []
    for _, spot in points.groupby(near, sort=False):
        x0, y0 = float(spot["x"].mean()), float(spot["y"].mean())
        left, down = x0 > 0.5, y0 > 0.5
        in_order = sorted(spot.index, key=lambda i: str(name_of[i]), reverse=not down)
        placed = spot.loc[in_order]
        rows = zip(placed["x"].tolist(), placed["y"].tolist(), placed.index, strict=True)
        for i, (x, y, index) in enumerate(rows):
            out.append({
                "x": x, "y": y, "text": plot_text(name_of[index], 40), "axref": "x", "ayref": "y",
                "ax": x0 + (-LABEL_DX if left else LABEL_DX),
                "ay": y0 + (-1 if down else 1) * (LABEL_DY * (i + 1)),
                "xanchor": "right" if left else "left", "yanchor": "middle", "showarrow": True,
                "arrowhead": 0, "arrowwidth": 1, "arrowcolor": color, "standoff": 4,
                "font": {"size": 11, "color": color}, "bgcolor": "rgba(255,255,255,0.85)",
            })  # fmt: skip
    return out


@memoized()
@literal_text
def patterns_figure(patterns: pd.DataFrame, who: str, label: str | None = None) -> go.Figure:
    """Mean score against the share of maxed key results, one dot per owner or team (column
    `who`; `label` the column of names written on the chart, default `who`), sized by graded
    key results and coloured by the flag raised. Flagged dots that would sit on one spot are
    spread around it and every flagged one is labelled with its name; each dot's `customdata`
    is [name, mean score, maxed share] (what a click selects)."""
    label = label or who
    fig = go.Figure()
    annotations: list[dict[str, object]] = []
    frame = patterns.sort_values(label, kind="stable")
    pattern = frame["pattern"].fillna("").astype("object")
    for name in ("", "sandbagging", "over-ambitious"):
        part = frame[pattern == name]
        if part.empty:
            continue
        placed = (
            spread_points(part["mean_score"], part["maxed_share"])
            if name
            else part[["mean_score", "maxed_share"]].set_axis(["x", "y"], axis=1)
        )
        fig.add_scatter(
            x=placed["x"], y=placed["y"], mode="markers", name=PATTERN_NAMES[name],
            text=part[label],
            customdata=np.column_stack([part[label].astype(object), part["mean_score"],
                                        part["maxed_share"]]),
            marker={"size": (part["key_results"].clip(lower=1) ** 0.5) * 3,
                    "color": PATTERN_COLORS[name], "opacity": 0.75 if name else 0.4,
                    "line": {"width": 1, "color": "white"}},
            hovertemplate=f"%{{text}} ({PATTERN_NAMES[name]})<br>mean %{{customdata[1]:.2f}}, "
            "at 1.0 %{customdata[2]:.0%}<extra></extra>",
        )  # fmt: skip
        if name:
            annotations += _labels(placed, part[label], PATTERN_COLORS[name])
    low, high = score_bands().sweet_spot
    fig.add_vrect(x0=low, x1=high, fillcolor=BAND_COLORS["sweet"], opacity=0.12, line_width=0)
    fig.update_layout(annotations=annotations)
    fig.update_layout(
        title=f"Score patterns by {who} across all cycles: every flag named",
        xaxis={"title": "mean key-result score", "range": [-0.05, 1.1]},
        yaxis={"title": "share of key results at 1.0", "range": [-0.1, 1.1],
               "tickformat": ".0%"},
        legend={"orientation": "h", "y": -0.2}, margin={"t": 50}, height=560,
    )  # fmt: skip
    return fig


@memoized()
@literal_text
def discipline_heatmap(team_weeks: pd.DataFrame) -> go.Figure:
    """Share of active key results *not* checked in, per team (rows) and week (columns):
    white for a week fully checked in, warm to dark red as misses grow, the number of key
    results missed written in the cell. A week still running (`in_progress`, see
    transforms.discipline_weeks) is drawn grey with its share so far: not a missed week."""
    weeks = team_weeks.assign(
        missed_share=1.0 - team_weeks["share"].astype("float64"),
        missed=(team_weeks["active_krs"] - team_weeks["checked_krs"]).astype("int64"),
    )
    grid = weeks.pivot_table(
        index="team", columns="week_start", values="missed_share", aggfunc="mean"
    ).sort_index(ascending=False)
    missed = weeks.pivot_table(
        index="team", columns="week_start", values="missed", aggfunc="sum"
    ).reindex_like(grid)
    flags = weeks.get("in_progress", pd.Series(False, index=weeks.index))
    running = set(weeks.loc[flags.astype(bool), "week_start"])
    is_running = [c in running for c in grid.columns]
    labels = [
        pd.Timestamp(c).strftime("%d %b") + (" (in progress)" if c in running else "")
        for c in grid.columns
    ]
    done = grid.copy()
    done.loc[:, is_running] = np.nan
    counts = missed.where(done.notna() & (missed > 0))
    text = counts.map(lambda n: "" if pd.isna(n) else f"{int(n)}").to_numpy()
    fig = go.Figure(
        go.Heatmap(
            z=done.to_numpy(), x=labels, y=list(grid.index), zmin=0, zmax=1,
            colorscale=MISSED_SCALE, text=text, texttemplate="%{text}",
            colorbar={"title": "not checked in", "tickformat": ".0%", "thickness": 12,
                      "len": 0.6}, xgap=1, ygap=1,
            customdata=missed.to_numpy(),
            hovertemplate="%{y}, week of %{x}: %{customdata} key results not checked in "
            "(%{z:.0%})<extra></extra>",
        )
    )  # fmt: skip
    if running:
        partial = (1.0 - grid).copy()  # the share checked in so far
        partial.loc[:, [not r for r in is_running]] = np.nan
        fig.add_heatmap(
            z=partial.to_numpy(), x=labels, y=list(grid.index), zmin=0, zmax=1,
            colorscale=[[0, "#f0f0f0"], [1, "#bdbdbd"]], showscale=False, xgap=1, ygap=1,
            hovertemplate="%{y}, this week so far: %{z:.0%} checked in<extra>in progress</extra>",
        )  # fmt: skip
    fig.update_layout(
        title="Missed check-ins: key results not checked in each week (number in the cell)",
        height=max(320, 18 * len(grid) + 120), margin={"t": 60},
        xaxis={"type": "category"}, plot_bgcolor="#ffffff",
    )  # fmt: skip
    return fig


@memoized()
@literal_text
def calibration_figure(curve: pd.DataFrame, teams: pd.DataFrame, hit: float) -> go.Figure:
    """Stated confidence against the share of key results hit (a final score ≥ `hit`): the
    company's points per confidence bin (`curve`), each labelled with its bin and count, and
    one small dot per team of `teams` (named in the hover)."""
    fig = go.Figure()
    fig.add_scatter(x=[0, 1], y=[0, 1], mode="lines", name="calibrated",
                    line={"dash": "dot", "color": "#888"}, hoverinfo="skip")  # fmt: skip
    if not teams.empty:
        fig.add_scatter(
            x=teams["mean_confidence"], y=teams["hit_rate"], mode="markers", name="teams",
            text=teams["team"], customdata=teams["key_results"],
            marker={"size": 7, "color": "#bbbbbb"},
            hovertemplate="%{text}: confidence %{x:.0%}, hit %{y:.0%} over %{customdata} key "
            "results<extra></extra>",
        )  # fmt: skip
    points = curve[curve["key_results"] > 0]
    fig.add_scatter(
        x=points["mean_confidence"], y=points["hit_rate"], mode="lines+markers+text",
        name="company, by stated confidence",
        text=points["bin"].astype(str) + " · " + points["key_results"].astype(str) + " KRs",
        textposition="middle right" if len(points) < 2 else "top left",
        marker={"size": 11, "color": "#2166ac"}, line={"color": "#2166ac"},
        customdata=points["key_results"],
        hovertemplate="confidence %{x:.0%}: %{y:.0%} hit over %{customdata} key results"
        "<extra></extra>",
    )  # fmt: skip
    fig.update_layout(
        title=f"Confidence against outcome (finished cycles; hit = final score ≥ {hit:g})",
        xaxis={"title": "stated confidence", "range": [-0.02, 1.05], "tickformat": ".0%"},
        yaxis={"title": "share of key results hit", "range": [-0.05, 1.08],
               "tickformat": ".0%"},
        legend={"orientation": "h", "y": -0.2}, margin={"t": 50},
    )  # fmt: skip
    return fig


@memoized()
@literal_text
def owner_cycles_figure(per_cycle: pd.DataFrame, owner: str) -> go.Figure:
    """An owner's mean key-result score cycle by cycle (metrics/coaching/owner_record), bars
    coloured by band, each saying how many key results it averages of how many held; a
    running cycle's bar is hollow (its score is not final)."""
    colors = [BAND_COLORS.get(b, "#999") for b in band_of(per_cycle["mean_score"]).astype("object")]
    running = (per_cycle["cycle_state"] == "running").to_numpy()
    text = [
        f"{g} of {h} graded" + (" (running)" if r else "")
        for g, h, r in zip(per_cycle["graded"], per_cycle["held"], running, strict=True)
    ]
    fig = go.Figure()
    fig.add_bar(
        x=per_cycle["cycle_id"], y=per_cycle["mean_score"].fillna(0.0), text=text,
        textposition="outside",
        marker={"color": ["white" if r else c for c, r in zip(colors, running, strict=True)],
                "line": {"color": colors, "width": 2}},
        customdata=per_cycle["held"],
        hovertemplate="%{x}: mean %{y:.2f} (%{text})<extra></extra>",
    )  # fmt: skip
    low, high = score_bands().sweet_spot
    fig.add_hrect(y0=low, y1=high, fillcolor=BAND_COLORS["sweet"], opacity=0.12, line_width=0)
    fig.update_layout(
        title=f"{plot_text(owner, 60)}: mean key-result score by cycle",
        yaxis={"range": [0, 1.15], "title": "mean score"}, xaxis={"type": "category"},
        height=340, margin={"t": 50},
    )  # fmt: skip
    return fig
