"""The Overview's figures: a DataFrame in, a Plotly figure out (no Streamlit).

Every mark says what it is: histogram bars take the colour of the band their whole bin lies
in (bins are cut on the band edges of `score_bands()`), department bars the colour of their
status (`STATUS_COLORS`), a forecast is drawn hollow and dashed and named "forecast", and
the lines of a trend by group carry their names at their ends. Each builder is
`@literal_text` (names show as typed) and `@memoized` (treat figures as read-only).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.colors import qualitative

from dashboard.charts import _sweet_band
from dashboard.memo import memoized
from exports.plot_text import literal_text
from metrics.progress.status import STATUS_COLORS
from metrics.scores.bands import BAND_COLORS, BANDS, band_codes, band_labels, number, score_bands

BIN_WIDTH = 0.1  # the widest bin; a band narrower than this is one bin
MAXED_AT = 1.05  # where the bar of scores at 1.0 stands, beside the 0.9–1.0 bin
# Distinct line colours for a trend by group, none of them a band's or a status's colour.
LINE_COLORS = qualitative.Dark2 + qualitative.Set1
LABEL_GAP = 0.045  # end labels of a trend by group at least this far apart on the score axis
# Plotly's mode bar hidden: on a phone it covers the chart's title.
PLOT_CONFIG = {"displayModeBar": False}


def histogram_bins() -> pd.DataFrame:
    """The bins of the score histogram: each band of `score_bands()` (maxed aside) cut into
    equal bins at most BIN_WIDTH wide, so that no bin straddles a band edge; then one bin for
    scores at 1.0. Columns: band, lower, upper, bin (label)."""
    rows = []
    for edge in score_bands().edges():
        lower = edge.lower or 0.0
        if edge.band == "maxed":
            rows.append(("maxed", 1.0, 1.0, "1.0"))
            continue
        upper = edge.upper if edge.upper is not None else 1.0
        parts = max(1, math.ceil(round((upper - lower) / BIN_WIDTH, 6)))
        width = (upper - lower) / parts
        for i in range(parts):
            lo, hi = lower + i * width, lower + (i + 1) * width
            rows.append((edge.band, round(lo, 6), round(hi, 6), f"{number(lo)}–{number(hi)}"))
    return pd.DataFrame(rows, columns=["band", "lower", "upper", "bin"])


@memoized()
def score_histogram_of(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    """`score_histogram` of a column of a kept frame, kept per frame (a column taken out of
    a large frame is a new object on every run: the frame is the key)."""
    return score_histogram(frame[column])


@memoized()
def score_histogram(scores: pd.Series) -> pd.DataFrame:
    """Counts of graded scores per bin of `histogram_bins()`: each score counts in its own
    band's bins (a score on a band edge counts where its band says: 0.7 in the sweet spot).
    Columns: bin, band, lower, upper, count."""
    graded = scores.dropna().to_numpy(dtype="float64")
    bins = histogram_bins()
    codes = band_codes(pd.Series(graded))
    names = bins["band"].to_numpy()
    lowers = bins["lower"].to_numpy(dtype="float64")
    widths = bins["upper"].to_numpy(dtype="float64") - lowers
    count = np.zeros(len(bins), dtype=int)
    for code, band in enumerate(BANDS):
        rows = np.flatnonzero(names == band)
        inside = graded[codes == code]
        if not len(rows) or not len(inside):
            continue
        width = float(widths[rows[0]])
        steps = (
            np.floor(np.round((inside - lowers[rows[0]]) / width, 9)) if width > 0 else 0 * inside
        )
        at = np.clip(steps, 0, len(rows) - 1).astype(int)
        count[rows] += np.bincount(at, minlength=len(rows))
    return bins.assign(count=count)[["bin", "band", "lower", "upper", "count"]]


@memoized()
@literal_text
def distribution_figure(histogram: pd.DataFrame, title: str) -> go.Figure:
    """Bars of the score histogram, one trace per band (the legend names each band with its
    interval, in its colour), the sweet spot shaded."""
    fig = go.Figure()
    labels = band_labels()
    for band in BANDS:
        part = histogram[histogram["band"] == band]
        if part.empty or not part["count"].any():
            continue
        maxed = part["band"] == "maxed"
        fig.add_bar(
            x=np.where(maxed, MAXED_AT, (part["lower"] + part["upper"]) / 2),
            y=part["count"],
            width=np.where(maxed, BIN_WIDTH, part["upper"] - part["lower"]) * 0.95,
            name=labels[band],
            marker_color=BAND_COLORS[band],
            customdata=part["bin"],
            hovertemplate=f"score %{{customdata}}: %{{y}}<extra>{labels[band]}</extra>",
        )
    _sweet_band(fig, axis="x", label=True)
    fig.update_layout(
        title=title,
        xaxis={"title": "score", "range": [-0.02, MAXED_AT + 0.07],
               "tickvals": [0.0, 0.2, 0.4, 0.6, 0.8, MAXED_AT],
               "ticktext": ["0", "0.2", "0.4", "0.6", "0.8", "1.0"]},
        yaxis={"title": "count"},
        bargap=0.05,
        legend={"orientation": "h", "y": -0.25},
        margin={"t": 50, "b": 10},
    )  # fmt: skip
    return fig


@memoized()
@literal_text
def department_status_figure(
    departments: pd.DataFrame, title: str, by: str = "department"
) -> go.Figure:
    """Departments (or teams: `by`) worst first, top to bottom (`department_status`): the score
    now as a bar coloured by the department's status (by its band in a finished cycle), its
    objectives at risk written on the bar, and in a running cycle what was expected by now
    (|) and where it is heading at the end (◇, a forecast)."""
    fig = go.Figure()
    running = departments["status"].notna().any()
    groups = [s for s in STATUS_COLORS if (departments["status"] == s).any()] if running else []
    bands = band_codes(departments["score"])
    parts = (
        [(departments["status"] == s, s, STATUS_COLORS[s]) for s in groups]
        if running
        else [(bands == i, band_labels()[b], BAND_COLORS[b]) for i, b in enumerate(BANDS)]
    )
    for mask, name, color in parts:
        part = departments[np.asarray(mask)]
        if part.empty:
            continue
        at_risk = part["at_risk"].astype(int)
        fig.add_bar(
            y=part[by], x=part["score"], orientation="h", name=name,
            marker_color=color, text=np.where(at_risk > 0, at_risk.astype(str) + " at risk", ""),
            textposition="auto", insidetextanchor="start",
            hovertemplate="%{y}: score %{x:.2f}<extra>" + name + "</extra>",
        )  # fmt: skip
    if running:
        fig.add_scatter(
            y=departments[by], x=departments["expected"], mode="markers",
            name="expected by now", hovertemplate="%{y}: expected by now %{x:.2f}<extra></extra>",
            marker={"symbol": "line-ns-open", "size": 22, "line": {"width": 3}, "color": "#333"},
        )  # fmt: skip
        fig.add_scatter(
            y=departments[by], x=departments["heading"], mode="markers",
            name="heading for at the end (forecast)",
            marker={"symbol": "diamond-open", "size": 11, "line": {"width": 2},
                    "color": "#333"},
            hovertemplate="%{y}: heading for %{x:.2f} (forecast)<extra></extra>",
        )  # fmt: skip
    _sweet_band(fig, axis="x")
    order = list(departments[by])
    fig.update_layout(
        title=title, barmode="overlay",
        xaxis={"title": "score", "range": [0, 1.05]},
        yaxis={"categoryorder": "array", "categoryarray": order[::-1]},
        height=max(300, 40 * len(departments) + 170),
        legend={"orientation": "h", "y": -0.2},
        margin={"t": 50, "l": 10, "r": 10},
    )  # fmt: skip
    return fig


def _spread(values: list[float], gap: float = LABEL_GAP) -> list[float]:
    """Label heights for line ends at `values`: in the same order, at least `gap` apart."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    placed = list(values)
    last = -math.inf
    for i in order:
        placed[i] = max(values[i], last + gap)
        last = placed[i]
    return placed


@memoized()
@literal_text
def scope_trend_figure(trend: pd.DataFrame, title: str, by: str | None = None) -> go.Figure:
    """The objective score cycle by cycle (`overview_frames.scope_trend`): one line per group
    of `by` (or one line), measured points solid; the running cycle's forecast hollow at the
    end of a dashed segment, named "forecast". Lines by group carry their name at their end."""
    fig = go.Figure()
    groups = list(trend.groupby(by, sort=True)) if by else [("objective score", trend)]
    ends: list[tuple[str, float, str, str]] = []
    for i, (name, part) in enumerate(groups):
        color = LINE_COLORS[i % len(LINE_COLORS)] if by else "#2166ac"
        label = str(name)
        measured = part[part["kind"] == "score"]
        forecast = part[part["kind"] == "forecast"]
        fig.add_scatter(
            x=measured["cycle_id"], y=measured["value"], mode="lines+markers", name=label,
            line={"color": color, "width": 2.5}, legendgroup=label, showlegend=not by,
            hovertemplate=f"{label} %{{x}}: score %{{y:.2f}}<extra></extra>",
        )  # fmt: skip
        if not forecast.empty:
            joined = pd.concat([measured.tail(1), forecast])
            fig.add_scatter(
                x=joined["cycle_id"], y=joined["value"], mode="lines+markers",
                name=f"{label} forecast" if by else "forecast (where it is heading)",
                line={"color": color, "dash": "dash", "width": 2}, legendgroup=label,
                marker={"symbol": ["circle"] * (len(joined) - 1) + ["circle-open"],
                        "size": [6] * (len(joined) - 1) + [12], "line": {"width": 2}},
                showlegend=not by,
                hovertemplate=f"{label} %{{x}}: forecast %{{y:.2f}}<extra></extra>",
            )  # fmt: skip
        last = part.iloc[-1] if len(part) else None
        if by and last is not None:
            tag = " (forecast)" if last["kind"] == "forecast" else ""
            ends.append((label + tag, float(last["value"]), str(last["cycle_id"]), color))
    for (text, _, cycle, color), y in zip(ends, _spread([e[1] for e in ends]), strict=True):
        fig.add_annotation(
            x=cycle, y=y, text=text, showarrow=False, xanchor="left", xshift=10,
            font={"color": color, "size": 12},
        )  # fmt: skip
    _sweet_band(fig, axis="y")
    fig.update_layout(
        title=title, yaxis={"title": "objective score", "range": [0, 1.05]},
        xaxis={"type": "category", "categoryorder": "array",
               "categoryarray": list(dict.fromkeys(trend["cycle_id"]))},
        showlegend=not by, legend={"orientation": "h", "y": -0.2},
        margin={"t": 50, "r": 150 if by else 20},
    )  # fmt: skip
    return fig
