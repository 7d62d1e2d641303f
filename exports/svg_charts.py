"""The HTML pack's charts as inline SVG written here: no chart library in the file, so the
pack stays small enough to mail and opens offline (docs/pages.md, "The closing pack").

The same rows as the page's Plotly charts (`exports.figures`): key results per band, each
objective's score against the sweet spot, and each objective's mid-cycle score joined to its
score now, sorted by movement. Every mark carries its numbers in `data-` attributes and in a
`<title>` (the browser's tooltip); every label is HTML-escaped and wrapped, never cut.
"""

from __future__ import annotations

import html
import math
import textwrap
from collections.abc import Iterable

import pandas as pd

from exports.figures import movement_rows
from metrics.scores.bands import BAND_COLORS, band_labels, band_of, score_bands

WIDTH = 900  # the drawing's own units; the SVG scales to the page's width
BAND_WIDTH = 500  # the band chart sits beside its table, in half the width
LABEL_PX = 330  # room for the objectives' titles at the left of the row charts
LABEL_CHARS = 46  # characters per line of a wrapped title
LINE_PX = 15
ROW_PAD = 10
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif"
MID_COLOR = "#9ca3af"
GRID = "#e5e7eb"
INK = "#1f2937"


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _n(value: float) -> str:
    """A coordinate with at most one decimal."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def wrap(text: object, width: int = LABEL_CHARS) -> list[str]:
    """`text` in lines of at most `width` characters, broken between words (a word longer
    than a line is broken inside); nothing is left out."""
    value = "" if text is None or (isinstance(text, float) and math.isnan(text)) else str(text)
    return textwrap.wrap(value, width, break_long_words=True, break_on_hyphens=False) or [""]


def _svg(chart_id: str, title: str, height: float, body: Iterable[str], width: int = WIDTH) -> str:
    return (
        f'<svg id="{_e(chart_id)}" class="chart-svg" role="img" aria-label="{_e(title)}" '
        f'viewBox="0 0 {width} {_n(height)}" width="100%" '
        f'preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg" '
        f'font-family="{_e(FONT)}" font-size="12" fill="{INK}">'
        f'<text class="chart-title" x="4" y="18" font-size="15" font-weight="600">'
        f"{_e(title)}</text>{''.join(body)}</svg>"
    )


def _score_axis(x0: float, x1: float, top: float, bottom: float) -> list[str]:
    """Grid lines and labels every 0.1 from 0 to 1, the sweet spot shaded behind them."""
    low, high = score_bands().sweet_spot
    span = x1 - x0
    parts = [
        f'<rect class="sweet-spot" x="{_n(x0 + low * span)}" y="{_n(top)}" '
        f'width="{_n((high - low) * span)}" height="{_n(bottom - top)}" '
        f'fill="{BAND_COLORS["sweet"]}" fill-opacity="0.15"/>',
        f'<text x="{_n(x0 + (low + high) / 2 * span)}" y="{_n(top - 4)}" text-anchor="middle" '
        f'font-size="11" fill="{BAND_COLORS["sweet"]}">sweet spot</text>',
    ]
    for i in range(11):
        x = x0 + i / 10 * span
        parts.append(
            f'<line x1="{_n(x)}" x2="{_n(x)}" y1="{_n(top)}" y2="{_n(bottom)}" stroke="{GRID}"/>'
            f'<text x="{_n(x)}" y="{_n(bottom + 14)}" text-anchor="middle" font-size="11">'
            f"{i / 10:.1f}</text>"
        )
    parts.append(
        f'<text x="{_n((x0 + x1) / 2)}" y="{_n(bottom + 30)}" text-anchor="middle">score</text>'
    )
    return parts


def _floats(values: pd.Series) -> list[float | None]:
    return [None if pd.isna(v) else float(v) for v in values.astype("float64")]


def _label(lines: list[str], y: float) -> str:
    """A wrapped label right-aligned before the plot area, centred on `y`."""
    first = y - (len(lines) - 1) * LINE_PX / 2 + 4
    spans = "".join(
        f'<tspan x="{LABEL_PX - 8}" y="{_n(first + i * LINE_PX)}">{_e(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    return f'<text class="label" text-anchor="end">{spans}</text>'


def _rows(titles: list[object], top: float) -> tuple[list[list[str]], list[float], float]:
    """Wrapped titles, each row's centre, and the bottom of the last row."""
    wrapped = [wrap(t) for t in titles]
    centres, y = [], top
    for lines in wrapped:
        height = max(1, len(lines)) * LINE_PX + ROW_PAD
        centres.append(y + height / 2)
        y += height
    return wrapped, centres, y


def band_svg(bands: pd.DataFrame) -> str:
    """Key results per band (the pack's `bands` frame), one bar per band in its colour, the
    count above it and the band's label below."""
    labels = band_labels()
    width, top, bottom, left = BAND_WIDTH, 44.0, 250.0, 50.0
    slot = (width - left - 10) / max(len(bands), 1)
    most = max(int(bands["key_results"].max()) if len(bands) else 0, 1)
    parts = [f'<line x1="{left}" x2="{width - 10}" y1="{bottom}" y2="{bottom}" stroke="{INK}"/>']
    counts = [int(c) for c in bands["key_results"].astype("int64")]
    shares = _floats(bands["kr_share"])
    for i, band in enumerate(str(b) for b in bands["band"]):
        count, share = counts[i], shares[i] or 0.0
        height = (bottom - top - 20) * count / most
        x = left + i * slot + slot * 0.15
        label = labels[band]
        parts.append(
            f'<g class="bar" data-band="{_e(band)}" data-count="{count}">'
            f"<title>{_e(label)}: {count} key results ({share:.0%})</title>"
            f'<rect x="{_n(x)}" y="{_n(bottom - height)}" width="{_n(slot * 0.7)}" '
            f'height="{_n(height)}" fill="{BAND_COLORS[band]}"/>'
            f'<text x="{_n(x + slot * 0.35)}" y="{_n(bottom - height - 5)}" '
            f'text-anchor="middle" class="value">{count}</text></g>'
        )
        for j, line in enumerate(wrap(label, 12)):
            parts.append(
                f'<text x="{_n(x + slot * 0.35)}" y="{_n(bottom + 16 + j * LINE_PX)}" '
                f'text-anchor="middle">{_e(line)}</text>'
            )
    parts.append(
        f'<text x="14" y="{_n((top + bottom) / 2)}" text-anchor="middle" '
        f'transform="rotate(-90 14 {_n((top + bottom) / 2)})">key results</text>'
    )
    return _svg("chart-bands", "Key results per band", bottom + 50, parts, width)


def objective_scores_svg(objectives: pd.DataFrame) -> str:
    """Each objective's score as a bar in its band's colour against the sweet spot, best
    first; ungraded objectives are listed with no bar."""
    frame = objectives.sort_values("score", ascending=False, na_position="last", kind="stable")
    x0, x1, top = float(LABEL_PX), WIDTH - 20.0, 44.0
    wrapped, centres, bottom = _rows(list(frame["objective"]), top)
    parts = _score_axis(x0, x1, top, bottom)
    scores = _floats(frame["score"])
    text = {
        c: ["" if pd.isna(v) else str(v) for v in frame[c]] for c in ("objective", "team", "owner")
    }
    bands = ["" if pd.isna(b) else str(b) for b in frame["band"]]
    for i, (lines, y) in enumerate(zip(wrapped, centres, strict=True)):
        parts.append(_label(lines, y))
        score = scores[i]
        tip = f"{text['objective'][i]}\n{text['team'][i]} · {text['owner'][i]}\n" + (
            "not graded" if score is None else f"score {score:.2f}"
        )
        bar = ""
        if score is not None:
            bar = (
                f'<rect x="{_n(x0)}" y="{_n(y - 8)}" width="{_n(score * (x1 - x0))}" '
                f'height="16" fill="{BAND_COLORS[bands[i]]}"/>'
            )
        data = "" if score is None else f' data-score="{score:.2f}"'
        parts.append(
            f'<g class="bar" data-band="{_e(bands[i])}"{data}><title>{_e(tip)}</title>{bar}</g>'
        )
    return _svg("chart-objectives", "Objective scores against the sweet spot", bottom + 40, parts)


def movement_svg(movement: pd.DataFrame) -> str:
    """Each objective's mid-cycle score (grey) joined to its score now (its band's colour),
    the largest gain first (`exports.figures.movement_rows`)."""
    frame = movement_rows(movement)
    x0, x1, top = float(LABEL_PX), WIDTH - 20.0, 44.0
    if frame.empty:
        return _svg("chart-movement", "Objective scores: mid-cycle → now", 60,
                    ['<text x="4" y="44">No objective has a score yet.</text>'])  # fmt: skip
    wrapped, centres, bottom = _rows(list(frame["objective"]), top)
    parts = _score_axis(x0, x1, top, bottom)
    span = x1 - x0
    bands = [str(b) for b in band_of(frame["score"])]
    mids, nows, deltas = (_floats(frame[c]) for c in ("mid_score", "score", "delta"))
    titles = [str(t) for t in frame["objective"]]
    for i, (lines, y) in enumerate(zip(wrapped, centres, strict=True)):
        mid, now, delta = mids[i], nows[i], deltas[i]
        parts.append(_label(lines, y))
        marks, data = [], []
        if mid is not None and now is not None:
            marks.append(
                f'<line x1="{_n(x0 + mid * span)}" x2="{_n(x0 + now * span)}" y1="{_n(y)}" '
                f'y2="{_n(y)}" stroke="#d1d5db" stroke-width="3"/>'
            )
        if mid is not None:
            data.append(f'data-mid="{mid:.2f}"')
            marks.append(
                f'<circle class="mid" cx="{_n(x0 + mid * span)}" cy="{_n(y)}" r="5" '
                f'fill="{MID_COLOR}"/>'
            )
        if now is not None:
            data.append(f'data-now="{now:.2f}"')
            marks.append(
                f'<circle class="now" cx="{_n(x0 + now * span)}" cy="{_n(y)}" r="6" '
                f'fill="{BAND_COLORS[bands[i]]}" stroke="#374151"/>'
            )
        change = "new since mid-cycle" if delta is None else f"{delta:+.2f}"
        if delta is not None:
            data.append(f'data-delta="{delta:+.2f}"')
        tip = (
            f"{titles[i]}\nmid-cycle "
            + ("–" if mid is None else f"{mid:.2f}")
            + " → now "
            + ("–" if now is None else f"{now:.2f}")
            + f" ({change})"
        )
        parts.append(
            f'<g class="move" {" ".join(data)}><title>{_e(tip)}</title>{"".join(marks)}</g>'
        )
    legend_y = bottom + 46
    parts.append(
        f'<circle cx="{_n(x0)}" cy="{_n(legend_y - 4)}" r="5" fill="{MID_COLOR}"/>'
        f'<text x="{_n(x0 + 10)}" y="{_n(legend_y)}">mid-cycle</text>'
        f'<circle cx="{_n(x0 + 100)}" cy="{_n(legend_y - 4)}" r="6" fill="white" '
        f'stroke="#374151"/><text x="{_n(x0 + 110)}" y="{_n(legend_y)}">now (its band\'s '
        "colour)</text>"
    )
    return _svg("chart-movement", "Objective scores: mid-cycle → now", legend_y + 12, parts)
