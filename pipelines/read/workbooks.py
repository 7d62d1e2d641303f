"""Workbooks (.xlsx, .xlsm, .xls, .xlsb, .ods) into source tables.

Workbooks are read with python-calamine in a child process (`pipelines/read/sandbox.py`),
once the zip directory passed the checks of `pipelines/read/safety.py`; the unpacking half of
those checks runs here meanwhile, and a file it refuses is refused as if it had run first.
Hidden sheets are skipped unless asked for by name.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pipelines.problems import Problem
from pipelines.read.headers import header_below, two_row_header
from pipelines.read.safety import check_size
from pipelines.read.sandbox import start_in_child
from pipelines.read.sheets import SEPARATOR, ColumnSheet, fill_merged_down, workbook_columns
from pipelines.read.sources import IsHeader, Sources, SourceTable, find_header, table_below_header
from pipelines.settings import Settings, settings


def _typed_column(column: pd.Series) -> pd.Series:
    """A workbook column as one dtype when its cells agree (numbers, text), else as objects."""
    kind = pd.api.types.infer_dtype(column, skipna=True)  # in C, not a type() per cell
    if kind in ("floating", "integer", "mixed-integer-float", "empty"):
        return column.astype("float64")
    if kind == "string":
        return column.astype("str")
    return column


_fill_merged_down = fill_merged_down  # the child process fills merged cells down now


def _column(first: list[object], kind: str, rest: object) -> pd.Series:
    """One workbook column from the cells of its first body rows (`first`, Python values)
    and the rest as the child process sent it (`kind`, `rest`: see `ColumnSheet`): float64
    or text when every cell agrees, else objects — what `_typed_column` makes of the whole
    column, without a Python object per cell on the way when it need not."""
    kinds = set(map(type, first))
    kinds.discard(type(None))
    if kind == "float64" and kinds <= {float, int}:
        head = np.array([np.nan if v is None else v for v in first], dtype="float64")
        tail = np.frombuffer(cast(bytes, rest), dtype="float64")  # a float64 column's bytes
        return pd.Series(np.concatenate([head, tail]), dtype="float64")
    if kind == "str":
        joined = pa.array([rest], pa.large_string())
        rest_text = pc.split_pattern(joined, SEPARATOR).flatten()
    if kind == "str" and kinds <= {str}:
        text = pa.concat_arrays([pa.array(first, pa.large_string()), rest_text])
        empty = pc.equal(text, "")
        if pc.any(empty).as_py():
            text = pc.if_else(empty, pa.scalar(None, pa.large_string()), text)
        return pd.Series(pd.array(text, dtype="str"))
    if kind == "float64":
        tail_values = np.frombuffer(cast(bytes, rest), dtype="float64").tolist()
        values: list[object] = [None if v != v else v for v in tail_values]  # NaN: empty cell
    elif kind == "str":
        values = [None if v == "" else v for v in rest_text.to_pylist()]
    else:
        values = cast(list[object], rest)  # an "object" column's cell values
    return _typed_column(pd.Series([*first, *values], dtype=object))


def _sheet_body(sheet: ColumnSheet, h: int) -> pd.DataFrame:
    """The cells below the header row `h` of a sheet sent back by `workbook_columns`."""
    first = (sheet.head or [])[h + 1 :]
    columns = {
        j: _column([row[j] for row in first], kind, rest)
        for j, (kind, rest) in enumerate(sheet.columns)
    }
    body = pd.DataFrame(columns, columns=range(sheet.width))
    top = sheet.start[0]
    body.index = pd.RangeIndex(top + h + 2, top + h + 2 + len(body))
    return body


def read_workbook_bytes(
    name: str,
    data: bytes,
    is_header: IsHeader,
    wanted: set[str],
    sources: Sources,
    limits: Settings | None = None,
    scan: Callable[[], list[Problem]] | None = None,
) -> None:
    """Read a workbook's sheets into `sources`.

    `scan` is the part of the safety checks that unpacks the file (`safety.scan_zip_parts`)
    when it is left to run here, beside the child process reading the workbook: a file it
    refuses is reported as refused, and the child stopped, exactly as if it had run first.
    """
    limits = limits or settings()
    args = (data, wanted, limits.max_rows, limits.max_columns)
    if limits.isolate_parsing:
        child = start_in_child(
            workbook_columns, *args, memory_mb=limits.parse_memory_mb,
            timeout_s=limits.parse_timeout_s,
        )  # fmt: skip
        refused = scan() if scan else []
        if refused:
            child.cancel()
            sources.problems.extend(refused)
            return
        sheets, notes = child.result()
    else:
        refused = scan() if scan else []
        if refused:
            sources.problems.extend(refused)
            return
        sheets, notes = workbook_columns(*args)
    sources.notes.extend(f"{name}:{note}" for note in notes)
    read = 0
    for sheet in sheets:
        if sheet.head is None:
            sources.problems.extend(check_size(name, sheet.name, sheet.height, sheet.width, limits))
            continue
        if not sheet.has_data:
            continue
        top, left = sheet.start
        h = header_below(sheet.head, find_header(sheet.head, is_header), is_header)
        sources.keep_title(name, sheet.head[:h])
        body = _sheet_body(sheet, h)
        header = two_row_header(sheet.head, h)  # a group label merged above the names
        frame, letters = table_below_header(body, header, left)
        problems = check_size(name, sheet.name, len(frame), frame.shape[1], limits)
        if problems:
            sources.problems.extend(problems)
            continue
        table = SourceTable(name, sheet.name, frame, letters, top + h + 1)
        table.indents = _indents(sheet, letters, set(frame.index))
        table.struck = _struck(sheet, letters, set(frame.index))
        sources.tables.append(table)
        sources.problems.extend(_uncached_problems(name, sheet, letters))
        read += 1
    if not read and not any(p.file == name for p in sources.problems):
        message = "no sheet with data in this workbook (empty, hidden and chart sheets skipped)"
        sources.problems.append(Problem(name, None, None, None, message, "warning"))


def _indents(
    sheet: ColumnSheet, letters: dict[str, str], rows: set[int]
) -> dict[str, dict[int, int]]:
    """The indent level of each indented cell of the table, by header and Excel row."""
    headers = {letter: header for header, letter in letters.items()}
    out: dict[str, dict[int, int]] = {}
    for row, letter, level in sheet.indents:
        if letter in headers and row in rows:
            out.setdefault(headers[letter], {})[row] = level
    return out


def _struck(sheet: ColumnSheet, letters: dict[str, str], rows: set[int]) -> dict[str, set[int]]:
    """The Excel rows of each column's struck-through cells, by header."""
    headers = {letter: header for header, letter in letters.items()}
    out: dict[str, set[int]] = {}
    for row, letter in sheet.struck:
        if letter in headers and row in rows:
            out.setdefault(headers[letter], set()).add(row)
    return out


def _uncached_problems(name: str, sheet: ColumnSheet, letters: dict[str, str]) -> list[Problem]:
    """A located error for each formula cell saved without its value (read as empty)."""
    headers = {letter: header for header, letter in letters.items()}
    problems = []
    for row, letter, formula in sheet.uncached:
        ref = f"{letter} ({headers[letter]})" if letter in headers else letter
        message = (
            f"formula without a cached value (={formula}): the file was saved without "
            "calculating it; open it in Excel and save it again, or type the value"
        )
        problems.append(Problem(name, sheet.name, row, ref, message))
    return problems
