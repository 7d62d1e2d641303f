"""The cells of a workbook's worksheets, as python-calamine reads them.

Kept apart from `pipelines.readers` so the child process that runs it (see
`pipelines/read/sandbox.py`) imports python-calamine and nothing heavier: no pandas.
"""

from __future__ import annotations

import datetime as dt
import io
from array import array
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from itertools import repeat
from operator import itemgetter
from typing import TypeVar, cast

from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

from pipelines.read.formulas import uncached_formulas
from pipelines.read.indents import indented_cells
from pipelines.read.strikes import struck_cells

Merged = list[tuple[tuple[int, int], tuple[int, int]]]
# A cell as python-calamine gives it (an empty cell is "").
Cell = int | float | str | bool | dt.time | dt.date | dt.datetime | dt.timedelta
C = TypeVar("C")
NAN = float("nan")
SEPARATOR = "\x00"  # XML, and so a worksheet cell, cannot hold it
TITLE_ROWS = 30  # rows above a header that a sheet may have besides its data rows


@dataclass
class RawSheet:
    """A worksheet as the workbook reader gives it: rows of cell values from `start`."""

    name: str
    rows: list[list[Cell]] | None  # None when the sheet is over the size limits
    start: tuple[int, int]
    merged: Merged
    height: int
    width: int


def workbook_sheets(
    data: bytes, wanted: set[str], max_rows: int, max_columns: int
) -> tuple[list[RawSheet], list[str]]:
    """The visible (or wanted) worksheets of a workbook, and notes on the sheets skipped.

    python-calamine builds each sheet's whole grid; a sheet over the limits comes back
    without its rows, so no Python lists are built for it.
    """
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    sheets: list[RawSheet] = []
    notes: list[str] = []
    for meta in book.sheets_metadata:
        if meta.typ != SheetTypeEnum.WorkSheet:
            kind = str(meta.typ).rsplit(".", 1)[-1]
            notes.append(f"{meta.name}: {kind} skipped (no table in it)")
            continue
        if meta.visible != SheetVisibleEnum.Visible and meta.name not in wanted:
            notes.append(f"{meta.name}: hidden sheet skipped (name it to read it)")
            continue
        sheet = book.get_sheet_by_name(meta.name)
        start = sheet.start or (0, 0)
        too_big = sheet.height > max_rows + TITLE_ROWS or sheet.width > max_columns
        rows = None if too_big else sheet.to_python()
        merged = list(sheet.merged_cell_ranges or [])
        sheets.append(RawSheet(meta.name, rows, start, merged, sheet.height, sheet.width))
    return sheets, notes


HEAD_ROWS = 30  # rows kept as Python lists for the header search (`readers.HEADER_SCAN_ROWS`)


@dataclass
class ColumnSheet:
    """A worksheet as `workbook_columns` sends it back from the child process: the first
    rows as cell values (to find the header in), and every column below them in the form
    that pickles cheapest — numbers as the bytes of a float64 array, text as one string
    (the cells joined by SEPARATOR), anything else (dates, booleans, a mix) as its cell
    values."""

    name: str
    head: list[list[object]] | None  # None when the sheet is over the size limits
    columns: list[tuple[str, object]]  # ("float64", bytes) | ("str", str) | ("object", list)
    width: int
    start: tuple[int, int]
    height: int
    has_data: bool
    uncached: list[tuple[int, str, str]] = field(default_factory=list)  # formulas, no value
    indents: list[tuple[int, str, int]] = field(default_factory=list)  # row, letters, level
    struck: list[tuple[int, str]] = field(default_factory=list)  # row, letters: struck through


def fill_merged_down(rows: list[list[C]], merged: Merged, top: int, left: int) -> None:
    """Repeat a vertically merged cell's value down its rows (an objective spanning its key
    results); horizontal merges are left alone, so a title across the sheet stays one cell."""
    for (r0, c0), (r1, _c1) in merged:
        r0, r1, c = r0 - top, r1 - top, c0 - left
        if r1 > r0 and 0 <= r0 < len(rows) and 0 <= c < len(rows[r0]):
            for r in range(r0 + 1, min(r1 + 1, len(rows))):
                rows[r][c] = rows[r0][c]


def workbook_columns(
    data: bytes, wanted: set[str], max_rows: int, max_columns: int
) -> tuple[list[ColumnSheet], list[str]]:
    """`workbook_sheets`, with merged cells filled down and the cells below the first
    HEAD_ROWS rows sorted into typed columns here, in the child: a column of numbers comes
    back as one block of bytes instead of a pickle of a hundred thousand Python floats."""
    with ThreadPoolExecutor(max_workers=1) as beside:
        # The formula scan unzips and searches the sheets' XML while python-calamine (which
        # lets go of the GIL) parses them: the same work, on both cores.
        scanned = beside.submit(uncached_formulas, data)
        sheets, notes = workbook_sheets(data, wanted, max_rows, max_columns)
        formulas = scanned.result()
    indents = indented_cells(data, max_rows + TITLE_ROWS)
    struck = struck_cells(data, max_rows + TITLE_ROWS)
    out: list[ColumnSheet] = []
    for raw in sheets:
        rows = raw.rows
        if rows is None:
            out.append(ColumnSheet(raw.name, None, [], raw.width, raw.start, raw.height, True))
            continue
        has_data = bool(rows) and any(c not in ("", None) for row in rows for c in row)
        if not has_data:
            out.append(ColumnSheet(raw.name, [], [], 0, raw.start, raw.height, False))
            continue
        top, left = raw.start
        fill_merged_down(rows, raw.merged, top, left)
        width = len(rows[0])
        head: list[list[object]] = [
            [None if c == "" else c for c in row] for row in rows[:HEAD_ROWS]
        ]
        below = rows[HEAD_ROWS:]
        columns: list[tuple[str, object]] = []
        for j in range(width):
            columns.append(_typed_cells(list(map(itemgetter(j), below))))
        sheet = ColumnSheet(raw.name, head, columns, width, raw.start, raw.height, True)
        sheet.uncached = formulas.get(raw.name, [])
        sheet.indents = indents.get(raw.name, [])
        sheet.struck = struck.get(raw.name, [])
        out.append(sheet)
    return out, notes


def _typed_cells(column: list[object]) -> tuple[str, object]:
    """One column below the head rows, in the form that pickles cheapest (see
    `ColumnSheet`); an empty cell ("" from the reader) is missing in every form."""
    kinds = set(map(type, column))  # the casts below hold by these kinds
    if kinds <= {float, int}:
        return "float64", array("d", cast("list[float]", column)).tobytes()
    empty = column.count("")
    if kinds == {str}:
        if empty == len(column):  # nothing but empty cells: no text in the column
            return "float64", array("d", [NAN]).tobytes() * len(column)
        text = SEPARATOR.join(cast("list[str]", column))
        if text.count(SEPARATOR) == len(column) - 1:  # no cell holds the separator
            return "str", text  # one string to pickle; split (and "" made missing) in Arrow
        return "object", [None if c == "" else c for c in column]
    if (
        kinds <= {float, int, str, type(None)}
        and sum(map(isinstance, column, repeat(str))) == empty
    ):
        numbers = cast("list[float]", [NAN if c == "" or c is None else c for c in column])
        return "float64", array("d", numbers).tobytes()
    return "object", [None if c == "" else c for c in column]
