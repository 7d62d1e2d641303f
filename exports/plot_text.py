"""User text made literal for Plotly, for the dashboard's charts and the packs' alike.

Plotly renders a subset of HTML (`<b>`, `<a href>`, `<br>`…) in every label, tick, legend
and hover text, and drops the tags it does not know: `<script>x</script>` would show as `x`.
`for_plotly` turns `<`, `>` and entity-like `&` into entities, which Plotly shows as the
characters themselves; `plot_text` does it for one value (cut to a length),
`escape_figure` for every string in a figure's traces, and `literal_text` for every figure a
chart builder returns.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import wraps
from typing import Any

import numpy as np
import plotly.graph_objects as go

ENTITY_LIKE = re.compile(r"&(?=#[0-9]+;|#x[0-9a-fA-F]+;|[A-Za-z][A-Za-z0-9]*;)")
TRACE_TEXT = ("x", "y", "labels", "ids", "parents", "text", "hovertext", "customdata", "name")


def plot_text(value: object, limit: int | None = None) -> str:
    """One user value as literal Plotly text (missing as empty, cut to `limit` characters)."""
    text = "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)
    if limit is not None and len(text) > limit:
        text = text[: limit - 1] + "…"
    return for_plotly(text)


def for_plotly(text: str) -> str:
    """`text` as Plotly shows it literally: `<`, `>` and entity-like `&` as entities."""
    return ENTITY_LIKE.sub("&amp;", text).replace("<", "&lt;").replace(">", "&gt;")


def _escaped(values: Any) -> Any:
    if isinstance(values, str):
        return for_plotly(values)
    if isinstance(values, tuple | list | np.ndarray):
        array = np.asarray(values, dtype=object)
        if not any(isinstance(v, str) for v in array.ravel()):
            return values
        return np.vectorize(lambda v: for_plotly(v) if isinstance(v, str) else v, otypes=[object])(
            array
        )
    return values


def escape_figure(fig: go.Figure) -> go.Figure:
    """Every string in the figure's traces made literal for Plotly (see `for_plotly`)."""
    for trace in fig.data:
        for attribute in TRACE_TEXT:
            value = getattr(trace, attribute, None)
            if value is not None:
                trace[attribute] = _escaped(value)
    return fig


def literal_text(builder: Callable[..., go.Figure]) -> Callable[..., go.Figure]:
    """Decorate a chart builder so the figure it returns shows user text literally."""

    @wraps(builder)
    def build(*args: Any, **kwargs: Any) -> go.Figure:
        return escape_figure(builder(*args, **kwargs))

    return build
