"""The cells of a workbook's worksheets, as python-calamine reads them.

Kept apart from `pipelines.readers` so the child process that runs it (see
`pipelines/sandbox.py`) imports python-calamine and nothing heavier: no pandas.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

Merged = list[tuple[tuple[int, int], tuple[int, int]]]
TITLE_ROWS = 30  # rows above a header that a sheet may have besides its data rows


@dataclass
class RawSheet:
    """A worksheet as the workbook reader gives it: rows of cell values from `start`."""

    name: str
    rows: list[list[object]] | None  # None when the sheet is over the size limits
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
