"""Write the canonical tables as an XLSX workbook or as a folder of CSV files (docs/model.md,
"Tables").

The workbook has one sheet per table (`schema.Table.sheet`), the canonical column names as a
bold, frozen header row, dates as real Excel dates and numbers as numbers. Text is always
written as text: a cell whose text starts with = + - @ or a tab/carriage return is stored as
a string cell, never as a formula, so a hostile title cannot run in the reader's Excel.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, cast

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from pipelines.store import schema

if TYPE_CHECKING:
    import numpy as np
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet
    from pandas.api.typing import NAType

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
EXCEL_MAX_ROWS = 1_048_576
DATE_FORMAT = "yyyy-mm-dd"
TIMESTAMP_FORMAT = "yyyy-mm-dd hh:mm"
_BOLD = Font(bold=True)


def write_canonical_workbook(
    tables: dict[str, pd.DataFrame],
    path: Path | str,
    readme: Sequence[Sequence[object]] | None = None,
) -> None:
    """Write the canonical tables to `path` as XLSX, one sheet per table.

    Tables missing from `tables` are written as a header row only. `readme`, when given,
    becomes a first sheet "README" (one sequence per row, the first row in bold).
    """
    wb = Workbook(write_only=True)
    if readme is not None:
        _write_readme(wb, readme)
    for table in schema.ENTITY_TABLES:
        frame = tables.get(table.name)
        if frame is None:
            frame = pd.DataFrame(columns=table.column_names)
        _check_columns(table, frame)
        if len(frame) >= EXCEL_MAX_ROWS:
            raise ValueError(
                f"{table.name}: {len(frame)} rows do not fit in an Excel sheet; "
                "use write_canonical_csv_folder"
            )
        _write_table(wb, table, frame)
    wb.save(Path(path))


def write_canonical_csv_folder(tables: dict[str, pd.DataFrame], folder: Path | str) -> None:
    """Write one UTF-8, comma-separated CSV per table, named <Sheet>.csv, with ISO dates."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for table in schema.ENTITY_TABLES:
        frame = tables.get(table.name)
        if frame is None:
            frame = pd.DataFrame(columns=table.column_names)
        _check_columns(table, frame)
        out = frame[table.column_names].copy()
        for col in table.columns:
            if col.sql_type == schema.DATE:
                out[col.name] = [_as_date(v) for v in out[col.name]]
            elif col.sql_type == schema.TIMESTAMP:
                stamps = pd.to_datetime(out[col.name])
                out[col.name] = stamps.dt.strftime("%Y-%m-%dT%H:%M:%S").where(stamps.notna())
        out.to_csv(
            folder / f"{table.sheet}.csv", index=False, encoding="utf-8", lineterminator="\n"
        )


def _check_columns(table: schema.Table, frame: pd.DataFrame) -> None:
    missing = [c for c in table.column_names if c not in frame.columns]
    if missing:
        raise ValueError(f"{table.name}: missing canonical columns {', '.join(missing)}")


def _write_readme(wb: Workbook, rows: Sequence[Sequence[object]]) -> None:
    ws = wb.create_sheet("README")
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 70
    ws.column_dimensions["C"].width = 40
    ws.column_dimensions["D"].width = 60
    for i, row in enumerate(rows):
        bold = i == 0 or (bool(row) and row[0] in ("Sheet", "kr_type"))
        cells = []
        for value in row:
            cell = _text_cell(ws, value) if isinstance(value, str) else value
            if bold and isinstance(cell, str):
                cell = WriteOnlyCell(ws, value=cell)
                cell.data_type = "s"
            if bold and isinstance(cell, Cell):
                cell.font = _BOLD
            cells.append(cell)
        ws.append(cells)


def _write_table(wb: Workbook, table: schema.Table, frame: pd.DataFrame) -> None:
    """One sheet: bold frozen header, then the rows with typed cells."""
    ws = wb.create_sheet(table.sheet)
    ws.freeze_panes = "A2"
    columns = [_column_values(ws, col, frame[col.name]) for col in table.columns]
    for i, (col, values) in enumerate(zip(table.columns, columns, strict=True), start=1):
        ws.column_dimensions[get_column_letter(i)].width = _width(col, values)
    header = []
    for name in table.column_names:
        cell = WriteOnlyCell(ws, value=name)
        cell.font = _BOLD
        header.append(cell)
    ws.append(header)
    for row in zip(*columns, strict=True):
        ws.append(row)


def _column_values(ws: WriteOnlyWorksheet, col: schema.Column, series: pd.Series) -> list[object]:
    """The column's values as cell contents openpyxl writes with the right type."""
    if col.sql_type == schema.NUMBER:
        numbers = pd.to_numeric(series, errors="coerce").astype("float64")
        return [None if math.isnan(v) else v for v in numbers.tolist()]
    if col.sql_type == schema.DATE:
        return [_dated(ws, _as_date(v), DATE_FORMAT) for v in series]
    if col.sql_type == schema.TIMESTAMP:
        stamps = pd.to_datetime(series)
        return [
            None if pd.isna(v) else _dated(ws, v.to_pydatetime(), TIMESTAMP_FORMAT) for v in stamps
        ]
    return [_text_cell(ws, v) for v in series.astype(object).tolist()]


def _dated(
    ws: WriteOnlyWorksheet, value: date | datetime | None, number_format: str
) -> Cell | None:
    if value is None:
        return None
    cell = WriteOnlyCell(ws)  # typeshed's WriteOnlyCell takes no date: set it as Cell.value
    cell.value = value  # (what WriteOnlyCell(ws, value=value) does)
    cell.number_format = number_format
    return cell


def _as_date(value: object) -> date | None:
    """A date from a date, datetime, Timestamp or ISO text; None when missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    rest = cast("str | np.datetime64 | NAType", value)  # what is left: ISO text, numpy, NA
    if pd.isna(rest):
        return None
    return pd.Timestamp(rest).date()


def _text_cell(ws: WriteOnlyWorksheet, value: object) -> str | Cell | None:
    """Text as a plain string, or a string-typed cell when it could be taken for a formula."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    if not text.startswith(FORMULA_PREFIXES):
        return text
    cell = WriteOnlyCell(ws, value=text)
    cell.data_type = "s"
    return cell


def _width(col: schema.Column, values: Iterable[object]) -> float:
    """Column width from the header and the first few hundred values, within 10–60."""
    if col.sql_type == schema.DATE:
        return 12
    if col.sql_type == schema.TIMESTAMP:
        return 18
    longest = len(col.name)
    for i, v in enumerate(values):
        if i >= 500:
            break
        if isinstance(v, Cell):
            v = v.value
        if v is not None:
            longest = max(longest, len(str(v)) if not isinstance(v, float) else 10)
    return min(max(longest + 2, 10), 60)
