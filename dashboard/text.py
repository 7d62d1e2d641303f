"""User text made safe to show: exactly as typed, never as markup.

Titles, names, cycle ids and file names come from whoever wrote the spreadsheet. Two
renderers on the page would read them as markup:

- Streamlit's `st.markdown`, `st.caption`, `st.title`/`st.subheader`, expander and widget
  labels render Markdown — links, emphasis, emoji shortcodes, `:red[colours]`, `$LaTeX$`.
  Raw HTML is escaped (no `unsafe_allow_html` anywhere), but a `[link](javascript:…)` or
  `**bold**` would still be rendered rather than shown. `md` backslash-escapes every
  character Markdown gives a meaning to, so the text reads back literally.
- Plotly renders a subset of HTML (`<b>`, `<a href>`, `<br>`…) in every label, tick, legend
  and hover text, and drops the tags it does not know: `<script>x</script>` would show as
  `x`. `escape_figure` turns `<`, `>` and entity-like `&` of every string in a figure's
  traces into entities, which Plotly shows as the characters themselves.

Tables (`st.dataframe`) draw cells as plain text and need nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import wraps
from typing import Any

import numpy as np
import plotly.graph_objects as go

MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:&=\"'^%@])")
ENTITY_LIKE = re.compile(r"&(?=#[0-9]+;|#x[0-9a-fA-F]+;|[A-Za-z][A-Za-z0-9]*;)")
TRACE_TEXT = ("x", "y", "labels", "ids", "parents", "text", "hovertext", "customdata", "name")


def md(value: object) -> str:
    """`value` as Markdown source that renders as exactly its text, on one line."""
    text = str(value).replace("\r\n", " ").replace("\r", " ").replace("\n", " ")
    return MARKDOWN_SPECIAL.sub(r"\\\1", text)


def md_code(value: object) -> str:
    """`value` as a Markdown code span, whatever backticks it holds (nothing inside a code
    span is interpreted, so it needs no escaping, only a fence longer than its backticks)."""
    text = str(value).replace("\r\n", " ").replace("\r", " ").replace("\n", " ")
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


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
