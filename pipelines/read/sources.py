"""Source tables: one sheet or CSV file below its header row, as a person sees it in Excel.

A `SourceTable` is indexed by the row number Excel shows, and every column remembers its
Excel letter, so any later problem can be located. The header is found below title rows;
blank rows and blank unnamed columns are dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

import numpy as np
import pandas as pd
import pyarrow.compute as pc

from pipelines.arrow import untrimmed
from pipelines.problems import Problem, column_letter

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
TEXT_SUFFIXES = (".csv", ".tsv", ".txt")
DELIMITERS = (",", ";", "\t", "|")
NO_DELIMITER = "\x1f"  # a one-column file: split on a character text never holds
HEADER_SCAN_ROWS = 30
ROWS_LISTED = 20  # rows named one by one for a problem repeated down a file
IsHeader = Callable[[str], bool]
READ_CHUNK = 1 << 20  # bytes read at a time from a pipe or device


@dataclass
class SourceTable:
    """One sheet or CSV file: cells below the header, indexed by Excel row number."""

    file: str
    sheet: str | None
    data: pd.DataFrame  # columns are unique header labels
    letters: dict[str, str]  # header label → Excel column letter
    header_row: int
    decimal_hint: str | None = None  # "," when the file separates columns with semicolons
    role: str | None = None  # a canonical table already known (a tool profile's output)
    part: str | None = None  # which part of a split source this is ("objectives", …)
    records: bool = False  # rows are JSON records: columns are fields, not letters
    # Cells indented by their format (a workbook's outline), by header: {Excel row: level}.
    indents: dict[str, dict[int, int]] = field(default_factory=dict)
    # Cells drawn struck through (a cancelled row), by header: their Excel rows.
    struck: dict[str, set[int]] = field(default_factory=dict)
    # A split part's header → the file's own header of that column (`cycle_id` → `Quarter`).
    names: dict[str, str] = field(default_factory=dict)

    @property
    def label(self) -> str:
        label = f"{self.file}:{self.sheet}" if self.sheet else self.file
        return f"{label} ({self.part})" if self.part else label

    @property
    def headers(self) -> list[str]:
        return list(self.data.columns)

    def ref(self, header: str) -> str:
        """`F (target_value)`: how a problem names this column (`field Outcome.Target` in
        JSON records)."""
        if self.records:
            return f"field {self.letters.get(header, header)}"
        return f"{self.letters[header]} ({self.names.get(header, header)})"


@dataclass
class Document:
    """A JSON file's records (a list of objects), before any flattening: what a tool profile
    reads; `file` is `archive.zip/inner.json` inside an archive."""

    file: str
    records: list[dict[str, object]]
    tree: object = None  # the whole parsed document, for `pipelines.map.tree` to walk


@dataclass(frozen=True)
class Collection:
    """A list of records inside a JSON document (`pipelines/read/collections.py`)."""

    path: str  # `2018.quarters.Q3`, `projects`
    records: int
    keys: frozenset[str]  # the records' fields, normalised


@dataclass
class Sources:
    tables: list[SourceTable] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)  # JSON records, not yet tables
    recognised: list[str] = field(default_factory=list)  # "Viva Goals organisation export"
    not_scored: dict[str, int] = field(default_factory=dict)  # initiatives… by kind
    # The text of the title rows above a table's header ("Sales OKRs — As of 5 Oct 2026"),
    # by file: where a sheet states the day its values were true (pipelines/asof.py).
    titles: dict[str, list[str]] = field(default_factory=dict)
    # A JSON file's lists of records, by file, when found where it was parsed (a child
    # process: `pipelines/read/text_child.py`), for `collections.unused_collections`.
    collections: dict[str, list[Collection]] = field(default_factory=dict)

    def keep_title(self, name: str, rows: Sequence[Sequence[object]]) -> None:
        """Remember the text cells of the rows above a header (`rows`), for the file `name`."""
        for row in rows:  # a row's cells joined: `As of` | 2026-10-05 reads as one phrase
            cells = [_title_cell(c) for c in row if c not in (None, "")]
            text = " ".join(c for c in cells if c)
            if text:
                self.titles.setdefault(name, []).append(text)


def _title_cell(cell: object) -> str:
    """A title row's cell as text; a date cell (a workbook's) as its ISO day."""
    if isinstance(cell, (date, datetime)):
        return cell.strftime("%Y-%m-%d")
    return str(cell).strip() if isinstance(cell, str) else ""


class TextError(ValueError):
    """Bytes that cannot be read as text as they stand, with the rows where that happens."""

    def __init__(self, message: str, rows: list[int]) -> None:
        super().__init__(message)
        self.rows = rows


def rows_holding(text: str, char: str) -> list[int]:
    """Line numbers (1-based) holding `char`."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return [i for i, line in enumerate(text.split("\n"), start=1) if char in line]


def row_problems(name: str, sheet: str | None, rows: list[int], message: str) -> list[Problem]:
    """One problem per row for the first rows, then one saying how many more there are."""
    problems = [Problem(name, sheet, row, None, message) for row in rows[:ROWS_LISTED]]
    if len(rows) > ROWS_LISTED:
        more = f"{len(rows) - ROWS_LISTED} more rows like row {rows[ROWS_LISTED - 1]}: {message}"
        problems.append(Problem(name, sheet, None, None, more))
    return problems


def find_header(rows: Sequence[Sequence[object]], is_header: IsHeader) -> int:
    """Index of the header row: the row naming the most known columns, else the first wide
    all-text row (title rows above it are narrower)."""
    scan = rows[:HEADER_SCAN_ROWS]
    texts = [[c.strip() for c in row if isinstance(c, str) and c.strip()] for row in scan]
    scores = [sum(is_header(c) for c in cells) for cells in texts]
    if scores and max(scores) >= 2:
        return scores.index(max(scores))
    widths = [sum(1 for c in row if c not in ("", None)) for row in scan]
    widest = max(widths, default=0)
    for i in range(len(scan)):
        if widths[i] >= max(2, (widest + 1) // 2) and len(texts[i]) == widths[i]:
            return i
    return next((i for i, w in enumerate(widths) if w), 0)


def _labels(header: list[object], letters: list[str]) -> list[str]:
    """Unique column labels: the header text, else `column F`; repeats get their letter."""
    labels: list[str] = []
    for cell, letter in zip(header, letters, strict=True):
        text = str(cell).strip() if cell not in (None, "") else ""
        label = text or f"column {letter}"
        labels.append(f"{label} ({letter})" if label in labels else label)
    return labels


def table_below_header(
    body: pd.DataFrame, header: list[object], first_col: int
) -> tuple[pd.DataFrame, dict[str, str]]:
    """Name the columns, drop blank rows and blank unnamed columns."""
    letters = [column_letter(first_col + i) for i in range(body.shape[1])]
    header = (header + [""] * body.shape[1])[: body.shape[1]]
    labels = _labels(header, letters)
    body.columns = labels
    unnamed_blank = {c: blank_cells(body[c]).all() for c, cell in zip(labels, header, strict=True)
                     if cell in (None, "")}  # fmt: skip
    keep = [label for label in labels if not unnamed_blank.get(label, False)]
    blank = None if keep else pd.Series(True, index=body.index)  # no column: no row either
    for label in keep:  # a row is blank when every kept cell is; most columns end the search
        cells = blank_cells(body[label])
        blank = cells if blank is None else blank & cells
        if not blank.any():
            break
    if blank is not None and blank.any():
        body = body.loc[~blank.to_numpy(), keep]  # a copy only when needed
    elif len(keep) < len(labels):
        body = body[keep]
    return body, {label: letters[labels.index(label)] for label in keep}


def blank_cells(column: pd.Series) -> pd.Series:
    """Cells that are missing, empty or only whitespace."""
    if isinstance(column.array, pd.arrays.ArrowStringArray):
        cells = column.array.__arrow_array__()
        if untrimmed(cells):  # no cell has whitespace to strip: blank is missing or empty
            empty = pc.fill_null(pc.equal(pc.binary_length(cells), 0), True)
            return pd.Series(np.asarray(empty, dtype=bool), index=column.index)
    return column.isna() | column.astype("str").str.strip().eq("").fillna(True)
