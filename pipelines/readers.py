"""Reading CSV and workbook files into source tables, keeping the rows and columns Excel shows.

A `SourceTable` is one sheet or one CSV file below its header row: its frame is indexed by the
row number a person sees in Excel, and every column remembers its Excel letter. CSV text is
decoded (UTF-8 with or without BOM, UTF-16, cp1252) and split on the delimiter it uses (comma,
semicolon, tab, or the one named by Excel's `sep=;` first line). Workbooks are read with
python-calamine; hidden sheets are skipped unless asked for by name.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

from pipelines.problems import Problem, column_letter

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
TEXT_SUFFIXES = (".csv", ".tsv", ".txt")
DELIMITERS = (",", ";", "\t", "|")
HEADER_SCAN_ROWS = 30
IsHeader = Callable[[str], bool]


@dataclass
class SourceTable:
    """One sheet or CSV file: cells below the header, indexed by Excel row number."""

    file: str
    sheet: str | None
    data: pd.DataFrame  # columns are unique header labels
    letters: dict[str, str]  # header label → Excel column letter
    header_row: int
    decimal_hint: str | None = None  # "," when the file separates columns with semicolons

    @property
    def label(self) -> str:
        return f"{self.file}:{self.sheet}" if self.sheet else self.file

    @property
    def headers(self) -> list[str]:
        return list(self.data.columns)

    def ref(self, header: str) -> str:
        """`F (target_value)`: how a problem names this column."""
        return f"{self.letters[header]} ({header})"


@dataclass
class Sources:
    tables: list[SourceTable] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def decode(data: bytes) -> tuple[str, str]:
    """The text of a CSV file and the encoding it was read with."""
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16")):
        if data.startswith(bom):
            return data.decode(encoding, errors="replace"), encoding
    if data.startswith(codecs.BOM_UTF16_BE):
        return data.decode("utf-16", errors="replace"), "utf-16"
    head = data[:4000]
    if head and head.count(0) > len(head) // 4:  # UTF-16 without a byte-order mark
        encoding = "utf-16-le" if head[1::2].count(0) > head[0::2].count(0) else "utf-16-be"
        return data.decode(encoding, errors="replace"), encoding
    for encoding in ("utf-8", "cp1252"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1"), "latin-1"


def sniff_delimiter(lines: list[str]) -> str:
    """The delimiter that splits the most lines into the same number of fields."""
    unquoted = [re.sub(r'"[^"]*"', "", line) for line in lines if line.strip()][:HEADER_SCAN_ROWS]
    best, best_score = ",", 0
    for delimiter in DELIMITERS:
        counts = [line.count(delimiter) for line in unquoted]
        positive = [c for c in counts if c > 0]
        if not positive:
            continue
        mode = max(set(positive), key=positive.count)
        score = positive.count(mode) * 1000 + mode
        if score > best_score:
            best, best_score = delimiter, score
    return best


def find_header(rows: list[list[object]], is_header: IsHeader) -> int:
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


def _table(
    body: pd.DataFrame, header: list[object], first_col: int
) -> tuple[pd.DataFrame, dict[str, str]]:
    """Name the columns, drop blank rows and blank unnamed columns."""
    letters = [column_letter(first_col + i) for i in range(body.shape[1])]
    header = (header + [""] * body.shape[1])[: body.shape[1]]
    labels = _labels(header, letters)
    body.columns = labels
    empty = pd.DataFrame(
        {c: body[c].isna() | body[c].astype("str").str.strip().eq("").fillna(True) for c in labels},
        index=body.index,
    )
    keep = [
        label
        for label, cell in zip(labels, header, strict=True)
        if cell not in (None, "") or not empty[label].all()
    ]
    body = body.loc[~empty[keep].all(axis=1), keep]
    return body, {label: letters[labels.index(label)] for label in keep}


def read_csv_bytes(name: str, data: bytes, is_header: IsHeader, sources: Sources) -> None:
    text, encoding = decode(data)
    lines = text.splitlines()
    skip, delimiter = 0, None
    if lines and re.fullmatch(r'"?sep=(.)"?\s*', lines[0].strip(), flags=re.IGNORECASE):
        delimiter, skip = lines[0].strip().strip('"')[4], 1  # Excel hides this line
        text = text.split("\n", 1)[1] if "\n" in text else ""
    delimiter = delimiter or sniff_delimiter(lines[skip : skip + 200])
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    head: list[list[object]] = []
    line_ends: list[int] = []
    for row in reader:
        head.append(list(row))
        line_ends.append(reader.line_num)
        if len(head) >= HEADER_SCAN_ROWS:
            break
    if not head:
        sources.problems.append(Problem(name, None, None, None, "the file is empty", "warning"))
        return
    h = find_header(head, is_header)
    lines_before = line_ends[h - 1] if h else 0
    body = _read_delimited(text, delimiter, lines_before)
    header = list(body.iloc[0]) if len(body) else head[h]
    body = body.iloc[1:]
    body.index = pd.RangeIndex(h + 2, h + 2 + len(body))
    frame, letters = _table(body, header, 0)
    hint = "," if delimiter == ";" else None
    sources.tables.append(SourceTable(name, None, frame, letters, h + 1, hint))
    shown = {"\t": "tab", ";": "semicolon", ",": "comma", "|": "pipe"}[delimiter]
    sources.notes.append(f"{name}: {encoding}, {shown}-separated, header on row {h + 1}")


def _read_delimited(text: str, delimiter: str, skip_lines: int) -> pd.DataFrame:
    """Every record from `skip_lines` on as text; ragged rows padded.

    pyarrow's reader is the fast path; it drops blank lines, which would shift the row numbers
    Excel shows, so a text with blank lines (or one pyarrow refuses) goes to pandas' C reader.
    """
    if not re.search(r"\n[ \t\r]*\n", text):
        try:
            return pd.read_csv(
                io.StringIO(text),
                sep=delimiter,
                header=None,
                skiprows=skip_lines,
                dtype="str",
                keep_default_na=False,
                engine="pyarrow",
            )
        except Exception:  # ragged rows and the like: the C reader copes or says why
            pass
    try:
        return pd.read_csv(
            io.StringIO(text),
            sep=delimiter,
            header=None,
            skiprows=skip_lines,
            dtype="str",
            keep_default_na=False,
            skip_blank_lines=False,
            engine="c",
        )
    except pd.errors.ParserError:
        rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))[skip_lines:]
        width = max((len(r) for r in rows), default=0)
        padded = [r + [""] * (width - len(r)) for r in rows]
        return pd.DataFrame(padded, dtype="str")


def _typed_column(column: pd.Series) -> pd.Series:
    """A workbook column as one dtype when its cells agree (numbers, text), else as objects."""
    kinds = set(column.dropna().map(type))
    if kinds <= {float, int}:
        return column.astype("float64")
    if kinds <= {str}:
        return column.astype("str")
    return column


Merged = list[tuple[tuple[int, int], tuple[int, int]]]


def _fill_merged_down(rows: list[list[object]], merged: Merged, top: int, left: int) -> None:
    """Repeat a vertically merged cell's value down its rows (an objective spanning its key
    results); horizontal merges are left alone, so a title across the sheet stays one cell."""
    for (r0, c0), (r1, _c1) in merged:
        r0, r1, c = r0 - top, r1 - top, c0 - left
        if r1 > r0 and 0 <= r0 < len(rows) and 0 <= c < len(rows[r0]):
            for r in range(r0 + 1, min(r1 + 1, len(rows))):
                rows[r][c] = rows[r0][c]


def read_workbook_bytes(
    name: str, data: bytes, is_header: IsHeader, wanted: set[str], sources: Sources
) -> None:
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    for meta in book.sheets_metadata:
        if meta.typ != SheetTypeEnum.WorkSheet:
            continue
        if meta.visible != SheetVisibleEnum.Visible and meta.name not in wanted:
            sources.notes.append(f"{name}:{meta.name}: hidden sheet skipped (name it to read it)")
            continue
        sheet = book.get_sheet_by_name(meta.name)
        rows = sheet.to_python()
        if not rows or not any(c not in ("", None) for row in rows for c in row):
            continue
        top, left = sheet.start or (0, 0)
        _fill_merged_down(rows, sheet.merged_cell_ranges or [], top, left)
        h = find_header(rows, is_header)
        body = pd.DataFrame(rows[h + 1 :], columns=range(len(rows[0])), dtype=object)
        body = body.replace({"": None}).apply(_typed_column)
        body.index = pd.RangeIndex(top + h + 2, top + h + 2 + len(body))
        frame, letters = _table(body, list(rows[h]), left)
        sources.tables.append(SourceTable(name, meta.name, frame, letters, top + h + 1))


def read_files(
    files: Iterable[tuple[str, bytes]],
    is_header: IsHeader,
    wanted_sheets: Iterable[str] = (),
) -> Sources:
    """Read uploaded or on-disk files given as (file name, bytes); unreadable files are problems."""
    sources = Sources()
    wanted = set(wanted_sheets)
    for name, data in files:
        suffix = Path(name).suffix.lower()
        try:
            if suffix in WORKBOOK_SUFFIXES:
                read_workbook_bytes(name, data, is_header, wanted, sources)
            elif suffix in TEXT_SUFFIXES or not suffix:
                read_csv_bytes(name, data, is_header, sources)
            else:
                message = f"not a CSV or Excel file ({suffix}); skipped"
                sources.problems.append(Problem(name, None, None, None, message, "warning"))
        except Exception as exc:  # a corrupt file is a problem to report, not a crash
            message = f"could not be read: {exc}"
            sources.problems.append(Problem(name, None, None, None, message))
    return sources


def expand_paths(paths: Iterable[Path]) -> list[tuple[str, bytes]]:
    """Files as (name, bytes); a folder contributes its CSV and workbook files, sorted."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(
                p
                for p in sorted(path.iterdir())
                if p.suffix.lower() in WORKBOOK_SUFFIXES + TEXT_SUFFIXES
                and not p.name.startswith(("~$", "."))
            )
        else:
            found.append(path)
    return [(p.name, p.read_bytes()) for p in found]
