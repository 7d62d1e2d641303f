"""Writing the closing pack's cells with openpyxl: user text always as a string cell (never a
formula), values with the number format of their kind, tables under a styled header row."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell, MergedCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from exports.pack_columns import Col
from exports.spreadsheet_safe import FORMULA_START

NUMBER_FORMATS = {
    "score": "0.00",
    "share": "0%",
    "int": "0",
    "number": "General",
    "date": "yyyy-mm-dd",
    "delta": "+0.00;-0.00;0.00",
}
# Text on a band's colour: white on the dark ones, black on the light ones.
MAX_CELL_TEXT = 32_767
WIDTH = {"text": (8, 60), "band": (7, 9), "date": (11, 12)}  # (min, max) characters
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", start_color="374151", end_color="374151")
NOTES_FILL = PatternFill("solid", start_color="FFF9DB", end_color="FFF9DB")


def _missing(value: Any) -> bool:
    if value is None or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def put_text(cell: Cell | MergedCell, value: Any) -> None:
    """Write user text as a string cell, never a formula, shown exactly as typed."""
    assert isinstance(cell, Cell), "a merged cell takes no value"  # the pack merges none
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))[:MAX_CELL_TEXT]
    cell.value = text
    cell.data_type = "s"  # openpyxl guesses "f" for text starting with "="
    if text.startswith(FORMULA_START):
        cell.quotePrefix = True  # Excel keeps it text even when the cell is edited


def put(cell: Cell | MergedCell, value: Any, kind: str) -> None:
    """Write one value with the number format of its kind (missing values stay empty)."""
    assert isinstance(cell, Cell), "a merged cell takes no value"  # the pack merges none
    if kind in ("text", "band"):
        if not _missing(value):
            put_text(cell, value)
        return
    cell.number_format = NUMBER_FORMATS[kind]
    if _missing(value):
        return
    if kind == "date":
        value = pd.Timestamp(value).to_pydatetime()
    elif kind == "int":
        value = int(value)
    else:
        value = float(value)
    cell.value = value


def _width(frame: pd.DataFrame, col: Col) -> float:
    low, high = WIDTH.get(col.kind, (8, 14))
    longest = len(col.header)
    if col.key in frame and not frame.empty:
        sample = frame[col.key].head(2000).dropna()
        if col.kind in ("text", "band") and len(sample):
            longest = max(longest, int(sample.astype(str).str.len().max()))
        elif col.kind == "number" and len(sample):  # shown in General format
            longest = max(longest, max(len(f"{float(v):.10g}") for v in sample))
    return float(min(max(longest + 2, low), high))


def write_table(
    ws: Worksheet,
    frame: pd.DataFrame,
    cols: list[Col],
    top: int = 1,
    notes: bool = False,
    headers: dict[str, str] | None = None,
    widths: bool = True,
) -> int:
    """Write `frame` under a header row at `top`; returns the last row written (`widths`:
    size the columns to it)."""
    headers = headers or {}
    for j, col in enumerate(cols, start=1):
        cell = ws.cell(row=top, column=j)
        put_text(cell, headers.get(col.key, col.header))
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    wrap = Alignment(vertical="top", wrap_text=True)
    for j, col in enumerate(cols, start=1):
        values = frame[col.key].tolist() if col.key in frame else [None] * len(frame)
        wide = col.kind == "text" and _width(frame, col) >= WIDTH["text"][1]
        for i, value in enumerate(values, start=top + 1):
            cell = ws.cell(row=i, column=j)
            put(cell, value, col.kind)
            if wide:
                cell.alignment = wrap
    last = top + len(frame)
    if notes:
        j = len(cols) + 1
        cell = ws.cell(row=top, column=j)
        put_text(cell, "Notes")
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        for i in range(top + 1, last + 1):
            ws.cell(row=i, column=j).fill = NOTES_FILL
            ws.cell(row=i, column=j).alignment = wrap
        ws.column_dimensions[get_column_letter(j)].width = 40
    for j, col in enumerate(cols, start=1):
        if widths:
            ws.column_dimensions[get_column_letter(j)].width = _width(frame, col)
    return last
