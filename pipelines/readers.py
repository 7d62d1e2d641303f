"""Reading CSV and workbook files into source tables, keeping the rows and columns Excel shows.

A `SourceTable` is one sheet or one CSV file below its header row: its frame is indexed by the
row number a person sees in Excel, and every column remembers its Excel letter. CSV text is
decoded (UTF-8 with or without BOM, UTF-16, cp1252) and split on the delimiter it uses (comma,
semicolon, tab, or the one named by Excel's `sep=;` first line). Text that cannot be read
as it stands — a NUL byte, bytes that are neither UTF-8 nor Windows-1252, a row with more
values than the header has columns — is an error naming the row, never silently altered.
UTF-8 text whose every line is one record goes straight from the bytes to pyarrow's reader
(`_read_csv_fast`); anything else takes the general path, and both give the same table.
Workbooks are read with python-calamine, in a child process (`pipelines/sandbox.py`), once
the zip directory passed the checks of `pipelines/safety.py`; the unpacking half of those
checks runs here meanwhile, and a file it refuses is refused as if it had run first. Hidden
sheets are skipped unless asked for by name.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from pipelines.problems import Problem, column_letter
from pipelines.safety import check_file, check_size, scan_zip_parts, utf16_without_bom
from pipelines.sandbox import start_in_child
from pipelines.settings import Settings, settings
from pipelines.sheets import SEPARATOR, ColumnSheet, fill_merged_down, workbook_columns

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


class TextError(ValueError):
    """Bytes that cannot be read as text as they stand, with the rows where that happens."""

    def __init__(self, message: str, rows: list[int]) -> None:
        super().__init__(message)
        self.rows = rows


def _rows_of(text: str, char: str) -> list[int]:
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


def decode(data: bytes) -> tuple[str, str]:
    """The text of a CSV file and the encoding it was read with, line ends made `\\n`
    (a CR inside a value stays, unless CR alone ends the lines, as on classic Macs).

    Raises `TextError` for bytes that would otherwise be read wrongly: NUL bytes inside the
    text (padding after the end is dropped), bytes that are not UTF-8 in a file that otherwise
    is (two encodings mixed), and bytes that Windows-1252 does not define either.
    """
    text, encoding = _decode(data)
    if "\x00" in text:
        raise TextError(
            "a NUL byte (\\x00): the file is damaged or not text; remove it and save again",
            _rows_of(text, "\x00"),
        )
    if "\n" not in text:  # classic Mac line ends; elsewhere a lone CR is part of a value
        return text.replace("\r", "\n"), encoding
    return text.replace("\r\n", "\n"), encoding


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        return data.decode("utf-16", errors="replace"), "utf-16"
    utf16 = utf16_without_bom(data[:4000])
    if utf16:
        return data.decode(utf16, errors="replace").rstrip("\x00"), utf16
    data = data.rstrip(b"\x00")  # NUL padding after the end (some exports pad to a block)
    bom = data.startswith(codecs.BOM_UTF8)
    utf8, data = ("utf-8-sig", data[3:]) if bom else ("utf-8", data)
    try:
        return data.decode("utf-8"), utf8
    except UnicodeDecodeError as exc:
        first_bad = exc
    lenient = data.decode("utf-8", errors="replace")
    if bom or any(ord(c) > 127 and c != "\ufffd" for c in lenient):
        raise TextError(
            f"byte 0x{data[first_bad.start]:02X} is not UTF-8, but the rest of the file is: "
            "two encodings are mixed. Save the file again as UTF-8 (Excel: CSV UTF-8)",
            _rows_of(lenient.replace("\r\n", "\n").replace("\r", "\n"), "\ufffd"),
        )
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as exc:
        line = data[: exc.start].replace(b"\r\n", b"\n").replace(b"\r", b"\n").count(b"\n")
        raise TextError(
            f"byte 0x{data[exc.start]:02X} is neither UTF-8 nor Windows-1252 text: save the "
            "file as UTF-8 (Excel: CSV UTF-8)",
            [line + 1],
        ) from None


def sniff_delimiter(lines: list[str]) -> str:
    """The delimiter that splits the most lines into the same number of fields.

    A candidate counts only when the lines it splits that way are at least half of the lines
    from the first of them on (and more than one, unless it is the first line): a few values
    with a comma in a one-column file do not make it comma-separated. With no candidate the
    file is one column (`NO_DELIMITER`).
    """
    unquoted = [re.sub(r'"[^"]*"', "", line) for line in lines if line.strip()][:HEADER_SCAN_ROWS]
    best, best_score = NO_DELIMITER, 0
    for delimiter in DELIMITERS:
        counts = [line.count(delimiter) for line in unquoted]
        positive = [c for c in counts if c > 0]
        if not positive:
            continue
        mode = max(set(positive), key=positive.count)
        first = counts.index(mode)
        agreeing = counts[first:].count(mode)
        if agreeing * 2 < len(counts) - first or (agreeing < 2 and first > 0):
            continue
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
    unnamed_blank = {c: _blank(body[c]).all() for c, cell in zip(labels, header, strict=True)
                     if cell in (None, "")}  # fmt: skip
    keep = [label for label in labels if not unnamed_blank.get(label, False)]
    blank = None if keep else pd.Series(True, index=body.index)  # no column: no row either
    for label in keep:  # a row is blank when every kept cell is; most columns end the search
        cells = _blank(body[label])
        blank = cells if blank is None else blank & cells
        if not blank.any():
            break
    if blank is not None and blank.any():
        body = body.loc[~blank.to_numpy(), keep]  # a copy only when needed
    elif len(keep) < len(labels):
        body = body[keep]
    return body, {label: letters[labels.index(label)] for label in keep}


def _blank(column: pd.Series) -> pd.Series:
    """Cells that are missing, empty or only whitespace."""
    return column.isna() | column.astype("str").str.strip().eq("").fillna(True)


def read_csv_bytes(
    name: str, data: bytes, is_header: IsHeader, sources: Sources, limits: Settings | None = None
) -> None:
    if _read_csv_fast(name, data, is_header, sources, limits or settings()):
        return
    try:
        text, encoding = decode(data)
    except TextError as exc:
        sources.problems.extend(row_problems(name, None, exc.rows, str(exc)))
        return
    lines = _first_lines(text, 201)  # line ends are \n now; a CR inside a value is no line end
    skip, delimiter = 0, None
    if lines and _sep_line(lines[0]):
        delimiter, skip = lines[0].strip().strip('"')[4], 1  # Excel hides this line
        text = text.split("\n", 1)[1] if "\n" in text else ""
    delimiter = delimiter or sniff_delimiter(lines[skip : skip + 200])
    head, line_ends = _head_records(text, delimiter)
    if not head:
        sources.problems.append(Problem(name, None, None, None, "the file is empty", "warning"))
        return
    h = find_header(head, is_header)
    lines_before = line_ends[h - 1] if h else 0
    body = _read_delimited(text, delimiter, lines_before)
    header = list(body.iloc[0]) if len(body) else head[h]
    body = body.iloc[1:]
    body.index = pd.RangeIndex(h + 2, h + 2 + len(body))
    shown = {"\t": "tab", ";": "semicolon", ",": "comma", "|": "pipe"}.get(delimiter)
    ragged = _wider_than_header(body, len(head[h]))
    if ragged:
        message = (
            f"more values than the header row has columns ({len(head[h])}): a value with a "
            f"{shown or 'delimiter'} in it and no quotes around it? Put it in double quotes"
        )
        sources.problems.extend(row_problems(name, None, ragged, message))
        return
    _add_csv_table(name, body, header, h, delimiter, encoding, sources, limits or settings())


def _sep_line(line: str) -> bool:
    """Excel's `sep=;` first line, naming the delimiter."""
    return bool(re.fullmatch(r'"?sep=(.)"?\s*', line.strip(), flags=re.IGNORECASE))


def _head_records(text: str, delimiter: str) -> tuple[list[list[object]], list[int]]:
    """The first records (up to HEADER_SCAN_ROWS) and the line each of them ends on."""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    head: list[list[object]] = []
    line_ends: list[int] = []
    for row in reader:
        head.append(list(row))
        line_ends.append(reader.line_num)
        if len(head) >= HEADER_SCAN_ROWS:
            break
    return head, line_ends


def _add_csv_table(
    name: str,
    body: pd.DataFrame,
    header: list[object],
    h: int,
    delimiter: str,
    encoding: str,
    sources: Sources,
    limits: Settings,
) -> None:
    """The size check, then the table below the header row (`body` indexed by Excel row)."""
    problems = check_size(name, None, len(body), body.shape[1], limits)
    if problems:
        sources.problems.extend(problems)
        return
    frame, letters = _table(body, header, 0)
    hint = "," if delimiter == ";" else None
    sources.tables.append(SourceTable(name, None, frame, letters, h + 1, hint))
    shown = {"\t": "tab", ";": "semicolon", ",": "comma", "|": "pipe"}.get(delimiter)
    split = f"{shown}-separated" if shown else "one column"
    sources.notes.append(f"{name}: {encoding}, {split}, header on row {h + 1}")


FAST_HEAD_LINES = 201


def _read_csv_fast(
    name: str, data: bytes, is_header: IsHeader, sources: Sources, limits: Settings
) -> bool:
    """Read UTF-8 text in which every line is one record straight from the bytes with
    pyarrow (in C++, on every core), without decoding the whole file into a Python string.

    Returns False, having added nothing, for anything else — UTF-16, cp1252, NUL bytes,
    CR line ends without LF, blank lines, ragged rows, a value spanning lines — which the
    general path (`decode`, `_read_delimited`) reads or reports exactly as before. Both paths
    give the same table: pyarrow splits the records either way.
    """
    if (
        not data
        or data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
        or utf16_without_bom(data[:4000])
        or b"\x00" in data
        or (b"\r" in data and data.count(b"\r") != data.count(b"\r\n"))
    ):
        return False
    bom = data.startswith(codecs.BOM_UTF8)
    start = 3 if bom else 0
    end = start - 1
    for _ in range(FAST_HEAD_LINES):
        end = data.find(b"\n", end + 1)
        if end < 0:
            break
    try:  # whole lines of the head only: a cut never splits a character
        head_text = data[start : end if end >= 0 else len(data)].decode("utf-8")
    except UnicodeDecodeError:
        return False
    head_text = head_text.replace("\r\n", "\n")
    lines = head_text.split("\n")[:FAST_HEAD_LINES]
    skip, delimiter = 0, None
    if lines and _sep_line(lines[0]):
        delimiter, skip = lines[0].strip().strip('"')[4], 1
        head_text = head_text.split("\n", 1)[1] if "\n" in head_text else ""
    delimiter = delimiter or sniff_delimiter(lines[skip : skip + 200])
    head, line_ends = _head_records(head_text, delimiter)
    if not head:
        return False
    h = find_header(head, is_header)
    if line_ends[h] != h + 1 or len(head[h]) == 0:
        return False  # a record above the header spans lines
    offset = start
    for _ in range(skip + h):  # the header row's first byte
        offset = data.index(b"\n", offset) + 1
    body = _arrow_records(data, offset, delimiter, len(head[h]))
    if body is None:
        return False
    header = [body.column(i)[0].as_py() for i in range(body.num_columns)]
    frame = body.slice(1).to_pandas()  # text columns stay in Arrow (pandas' `str` dtype)
    frame.columns = range(body.num_columns)
    frame.index = pd.RangeIndex(h + 2, h + 2 + len(frame))
    encoding = "utf-8-sig" if bom else "utf-8"
    _add_csv_table(name, frame, header, h, delimiter, encoding, sources, limits)
    return True


def _arrow_records(data: bytes, offset: int, delimiter: str, width: int) -> pa.Table | None:
    """The records from byte `offset` on as text columns, or None unless every line is
    exactly one record of `width` values (pyarrow refuses rows of another width)."""
    buffer = pa.py_buffer(data)
    if offset:
        buffer = buffer.slice(offset)
    lines = data.count(b"\n", offset) + (0 if data.endswith(b"\n") else 1)
    try:
        table = pa_csv.read_csv(
            buffer,
            read_options=pa_csv.ReadOptions(autogenerate_column_names=True),
            parse_options=pa_csv.ParseOptions(
                delimiter=delimiter, newlines_in_values=False, ignore_empty_lines=True
            ),
            convert_options=pa_csv.ConvertOptions(
                column_types={f"f{i}": pa.string() for i in range(width)},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
                check_utf8=True,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, ValueError):
        return None
    if table.num_rows != lines or table.num_columns != width:
        return None  # a blank line dropped, or a quoted value spanning lines
    return table


def _first_lines(text: str, count: int) -> list[str]:
    """`text.split("\\n")[:count]`, without splitting all of a large file."""
    end = -1
    for _ in range(count):
        end = text.find("\n", end + 1)
        if end < 0:
            return text.split("\n")[:count]
    return text[:end].split("\n")


def _wider_than_header(body: pd.DataFrame, width: int) -> list[int]:
    """Rows holding a value beyond the header row's last field (an unquoted delimiter)."""
    if body.shape[1] <= width or width == 0:
        return []
    extra = body.iloc[:, width:].fillna("").astype("str")
    filled = extra.apply(lambda column: column.str.strip().ne("")).any(axis=1)
    return [int(row) for row in body.index[filled.to_numpy()]]


def _read_delimited(text: str, delimiter: str, skip_lines: int) -> pd.DataFrame:
    """Every record from `skip_lines` on as text; ragged rows padded.

    pyarrow's reader is the fast path; it drops blank lines, which would shift the row numbers
    Excel shows, so a text with blank lines (or one pyarrow refuses) goes to pandas' C reader.
    """
    if not re.search(r"\n[ \t\r]*\n", text):
        try:
            return pd.read_csv(
                io.BytesIO(text.encode("utf-8")),  # pyarrow reads bytes; a StringIO is copied
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
        tail = np.frombuffer(rest, dtype="float64")  # type: ignore[call-overload]
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
        tail_values = np.frombuffer(rest, dtype="float64").tolist()  # type: ignore[call-overload]
        rest = [None if v != v else v for v in tail_values]  # NaN was an empty cell
    elif kind == "str":
        rest = [None if v == "" else v for v in rest_text.to_pylist()]
    return _typed_column(pd.Series([*first, *rest], dtype=object))  # type: ignore[misc]


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
        h = find_header(sheet.head, is_header)
        body = _sheet_body(sheet, h)
        frame, letters = _table(body, list(sheet.head[h]), left)
        problems = check_size(name, sheet.name, len(frame), frame.shape[1], limits)
        if problems:
            sources.problems.extend(problems)
            continue
        sources.tables.append(SourceTable(name, sheet.name, frame, letters, top + h + 1))
        read += 1
    if not read and not any(p.file == name for p in sources.problems):
        message = "no sheet with data in this workbook (empty, hidden and chart sheets skipped)"
        sources.problems.append(Problem(name, None, None, None, message, "warning"))


def read_files(
    files: Iterable[tuple[str, bytes]],
    is_header: IsHeader,
    wanted_sheets: Iterable[str] = (),
    limits: Settings | None = None,
) -> Sources:
    """Read uploaded or on-disk files given as (file name, bytes); unreadable files are problems.

    Each file first passes the checks of `pipelines.safety` (size, kind, zip bombs, XML
    entities, sheet extents); a file that fails one is reported and not parsed at all.
    """
    limits = limits or settings()
    sources = Sources()
    wanted = set(wanted_sheets)
    for name, data in files:
        suffix = Path(name).suffix.lower()
        # The unpacking scan of a zip workbook runs beside the child process that reads it
        # (see `read_workbook_bytes`); everything else is checked before any reading starts.
        beside = limits.isolate_parsing and suffix in WORKBOOK_SUFFIXES
        refused = check_file(name, data, limits, scan_parts=not beside)
        if refused:
            sources.problems.extend(refused)
            continue
        try:
            if suffix in WORKBOOK_SUFFIXES:
                scan = (lambda n=name, d=data: scan_zip_parts(n, d, limits)) if beside else None
                read_workbook_bytes(name, data, is_header, wanted, sources, limits, scan)
            elif suffix in TEXT_SUFFIXES or not suffix:
                read_csv_bytes(name, data, is_header, sources, limits)
            else:
                message = f"not a CSV or Excel file ({suffix}); skipped"
                sources.problems.append(Problem(name, None, None, None, message, "warning"))
        except Exception as exc:  # a corrupt file, or a reader stopped in its child process
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
    limit = settings().max_upload_mb * 1024 * 1024
    return [(p.name, _read_at_most(p, limit + 1)) for p in found]


def _read_at_most(path: Path, size: int) -> bytes:
    """The file's bytes, stopping past `size` (enough for the size check to refuse it).

    Never asks for more memory than the file holds: a limit of terabytes reads a small
    file as it is, where `read(size)` would reserve the whole limit first.
    """
    with path.open("rb") as f:
        info = os.fstat(f.fileno())
        if stat.S_ISREG(info.st_mode):
            return f.read(min(size, info.st_size + 1))  # +1: a file grown since still shows
        chunks: list[bytes] = []
        got = 0
        while got < size and (chunk := f.read(min(READ_CHUNK, size - got))):
            chunks.append(chunk)
            got += len(chunk)
        return b"".join(chunks)
