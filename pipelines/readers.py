"""Reading CSV and workbook files into source tables, keeping the rows and columns Excel shows.

A `SourceTable` is one sheet or one CSV file below its header row: its frame is indexed by the
row number a person sees in Excel, and every column remembers its Excel letter. CSV text is
decoded (UTF-8 with or without BOM, UTF-16, cp1252) and split on the delimiter it uses (comma,
semicolon, tab, or the one named by Excel's `sep=;` first line). Text that cannot be read
as it stands — a NUL byte, bytes that are neither UTF-8 nor Windows-1252, a row with more
values than the header has columns — is an error naming the row, never silently altered.
Workbooks are read with python-calamine, in a child process (`pipelines/sandbox.py`) after
the checks of `pipelines/safety.py`; hidden sheets are skipped unless asked for by name.
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

from pipelines.problems import Problem, column_letter
from pipelines.safety import check_file, check_size, utf16_without_bom
from pipelines.sandbox import run_in_child
from pipelines.settings import Settings, settings
from pipelines.sheets import Merged, workbook_sheets

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
TEXT_SUFFIXES = (".csv", ".tsv", ".txt")
DELIMITERS = (",", ";", "\t", "|")
NO_DELIMITER = "\x1f"  # a one-column file: split on a character text never holds
HEADER_SCAN_ROWS = 30
ROWS_LISTED = 20  # rows named one by one for a problem repeated down a file
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
    empty = pd.DataFrame(
        {c: body[c].isna() | body[c].astype("str").str.strip().eq("").fillna(True) for c in labels},
        index=body.index,
    )
    keep = [
        label
        for label, cell in zip(labels, header, strict=True)
        if cell not in (None, "") or not empty[label].all()
    ]
    blank = empty[keep].all(axis=1)
    body = body.loc[~blank, keep] if blank.any() else body[keep]  # a copy only when needed
    return body, {label: letters[labels.index(label)] for label in keep}


def read_csv_bytes(
    name: str, data: bytes, is_header: IsHeader, sources: Sources, limits: Settings | None = None
) -> None:
    try:
        text, encoding = decode(data)
    except TextError as exc:
        sources.problems.extend(row_problems(name, None, exc.rows, str(exc)))
        return
    lines = _first_lines(text, 201)  # line ends are \n now; a CR inside a value is no line end
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
    shown = {"\t": "tab", ";": "semicolon", ",": "comma", "|": "pipe"}.get(delimiter)
    ragged = _wider_than_header(body, len(head[h]))
    if ragged:
        message = (
            f"more values than the header row has columns ({len(head[h])}): a value with a "
            f"{shown or 'delimiter'} in it and no quotes around it? Put it in double quotes"
        )
        sources.problems.extend(row_problems(name, None, ragged, message))
        return
    problems = check_size(name, None, len(body), body.shape[1], limits or settings())
    if problems:
        sources.problems.extend(problems)
        return
    frame, letters = _table(body, header, 0)
    hint = "," if delimiter == ";" else None
    sources.tables.append(SourceTable(name, None, frame, letters, h + 1, hint))
    split = f"{shown}-separated" if shown else "one column"
    sources.notes.append(f"{name}: {encoding}, {split}, header on row {h + 1}")


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


def _fill_merged_down(rows: list[list[object]], merged: Merged, top: int, left: int) -> None:
    """Repeat a vertically merged cell's value down its rows (an objective spanning its key
    results); horizontal merges are left alone, so a title across the sheet stays one cell."""
    for (r0, c0), (r1, _c1) in merged:
        r0, r1, c = r0 - top, r1 - top, c0 - left
        if r1 > r0 and 0 <= r0 < len(rows) and 0 <= c < len(rows[r0]):
            for r in range(r0 + 1, min(r1 + 1, len(rows))):
                rows[r][c] = rows[r0][c]


def read_workbook_bytes(
    name: str,
    data: bytes,
    is_header: IsHeader,
    wanted: set[str],
    sources: Sources,
    limits: Settings | None = None,
) -> None:
    limits = limits or settings()
    args = (data, wanted, limits.max_rows, limits.max_columns)
    if limits.isolate_parsing:
        sheets, notes = run_in_child(
            workbook_sheets, *args, memory_mb=limits.parse_memory_mb,
            timeout_s=limits.parse_timeout_s,
        )  # fmt: skip
    else:
        sheets, notes = workbook_sheets(*args)
    sources.notes.extend(f"{name}:{note}" for note in notes)
    read = 0
    for raw in sheets:
        rows = raw.rows
        if rows is None:
            sources.problems.extend(check_size(name, raw.name, raw.height, raw.width, limits))
            continue
        if not rows or not any(c not in ("", None) for row in rows for c in row):
            continue
        top, left = raw.start
        _fill_merged_down(rows, raw.merged, top, left)
        h = find_header(rows, is_header)
        body = pd.DataFrame(rows[h + 1 :], columns=range(len(rows[0])), dtype=object)
        body = body.replace({"": None}).apply(_typed_column)
        body.index = pd.RangeIndex(top + h + 2, top + h + 2 + len(body))
        frame, letters = _table(body, list(rows[h]), left)
        problems = check_size(name, raw.name, len(frame), frame.shape[1], limits)
        if problems:
            sources.problems.extend(problems)
            continue
        sources.tables.append(SourceTable(name, raw.name, frame, letters, top + h + 1))
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
        refused = check_file(name, data, limits)
        if refused:
            sources.problems.extend(refused)
            continue
        try:
            if suffix in WORKBOOK_SUFFIXES:
                read_workbook_bytes(name, data, is_header, wanted, sources, limits)
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
    """The file's bytes, stopping past `size` (enough for the size check to refuse it)."""
    with path.open("rb") as f:
        return f.read(size)
