"""What a table sends, prepared once per input: its rows sorted and chosen, as Arrow.

A page runs from the top on every view, and `st.dataframe` turns its pandas frame into
Arrow on every run: for a frame the page gets from a cache (the report's, a closing
pack's, a memoized transform's) that is the same work each time, and at a large store the
largest part of a view. `prepared` keeps, per input (dashboard/memo.py), the table as
Streamlit itself would convert it (so the browser receives the same bytes), with the row
height its longest text needs. A table above `LAZY_ROWS` rows is sent a page of rows at a
time, as the viewer scrolls (`lazy`, docs/pages.md, "Large tables"). No Streamlit calls
here, only its conversion function.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import pyarrow as pa
from streamlit.dataframe_util import convert_pandas_df_to_arrow_table

from dashboard.memo import memoized

LAZY_ROWS = 1_000  # above this many rows a table is sent in pages (Streamlit's own floor)
CHARS_PER_LINE, LINE_PX, MAX_LINES = 70, 21, 7
LONG_TEXT_ROW_HEIGHT = 72  # px: above 4rem Streamlit lets a cell wrap (about three lines)


@dataclass(frozen=True)
class Payload:
    """A table ready to send: its rows as Arrow, how many, and its row height (None: one
    line)."""

    table: pa.Table
    rows: int
    row_height: int | None

    @property
    def lazy(self) -> bool:
        """Sent a page of rows at a time (the browser asks for more as the viewer scrolls)."""
        return self.rows > LAZY_ROWS


def readable(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` ready to draw: categories as plain text, so missing cells can stay blank."""
    out = frame.copy()
    for name in out.columns:
        if isinstance(out[name].dtype, pd.CategoricalDtype):
            out[name] = out[name].astype("object")
    return out


def row_height(frame: pd.DataFrame, long_text: list[str]) -> int | None:
    """Rows tall enough for the longest text of the `long_text` columns to wrap in full
    (about 70 characters a line, up to six lines); None (one line) without long text."""
    if not long_text or frame.empty:
        return None
    lengths = [frame[c].astype("string").str.len().max() for c in long_text]
    longest = max(int(n) if pd.notna(n) else 0 for n in lengths)  # a column of blanks: 0
    lines = min(max(-(-longest // CHARS_PER_LINE), 2), MAX_LINES)
    return max(LONG_TEXT_ROW_HEIGHT, LINE_PX * lines + 14)


def sorted_shown(
    frame: pd.DataFrame, columns: tuple[str, ...] | None, sort: tuple[tuple[str, bool], ...]
) -> pd.DataFrame:
    """`frame` sorted by `sort` ((column, ascending) pairs; columns it lacks are skipped,
    missing values last), only `columns` in that order when given."""
    order = [(c, asc) for c, asc in sort if c in frame.columns]
    if order:
        frame = frame.sort_values(
            [c for c, _ in order], ascending=[a for _, a in order], na_position="last"
        )
    return frame[list(columns)] if columns is not None else frame


@memoized(max_entries=128)
def prepared(
    frame: pd.DataFrame,
    columns: tuple[str, ...] | None,
    sort: tuple[tuple[str, bool], ...],
    long_text: tuple[str, ...],
) -> Payload:
    """The table of `frame` (see `sorted_shown`) as Arrow, with the row height the
    `long_text` columns need."""
    shown = sorted_shown(frame, columns, sort)
    table = convert_pandas_df_to_arrow_table(readable(shown))
    return Payload(table, len(shown), row_height(shown, list(long_text)))
