"""CSV and other delimited text, decoded and split exactly, or refused with the row.

Text is decoded (UTF-8 with or without BOM, UTF-16, cp1252) and split on the delimiter it
uses (comma, semicolon, tab, or the one named by Excel's `sep=;` first line). Text that cannot
be read as it stands — a NUL byte, bytes that are neither UTF-8 nor Windows-1252, a row with
more values than the header has columns — is an error naming the row, never silently
altered. UTF-8 text whose every line is one record goes straight from the bytes to pyarrow's
reader (`_read_csv_fast`); anything else takes the general path, and both give the same table.
"""

from __future__ import annotations

import codecs
import csv
import io
import re

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv

from pipelines.problems import Problem
from pipelines.read.headers import header_below, two_row_header
from pipelines.read.line_ends import spreadsheet_lines
from pipelines.read.safety import check_size, utf16_without_bom
from pipelines.read.sources import (
    DELIMITERS,
    HEADER_SCAN_ROWS,
    NO_DELIMITER,
    IsHeader,
    Sources,
    SourceTable,
    TextError,
    find_header,
    row_problems,
    rows_holding,
    table_below_header,
)
from pipelines.settings import Settings, settings


def decode(data: bytes) -> tuple[str, str]:
    """The text of a CSV file and the encoding it was read with, line ends made `\\n`
    (CR, LF and CRLF all end lines, mixed too, as in a spreadsheet; a CR inside quotes stays).

    Raises `TextError` for bytes that would otherwise be read wrongly: NUL bytes inside the
    text (padding after the end is dropped), bytes that are not UTF-8 in a file that otherwise
    is (two encodings mixed), and bytes that Windows-1252 does not define either.
    """
    text, encoding = _decode(data)
    if "\x00" in text:
        raise TextError(
            "a NUL byte (\\x00): the file is damaged or not text; remove it and save again",
            rows_holding(text, "\x00"),
        )
    return spreadsheet_lines(text), encoding  # CR, LF, CRLF, even mixed; quoted CRs kept


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
            rows_holding(lenient.replace("\r\n", "\n").replace("\r", "\n"), "\ufffd"),
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
    h = header_below(head, find_header(head, is_header), is_header)  # two header rows
    sources.keep_title(name, head[:h])
    lines_before = line_ends[h - 1] if h else 0
    body = _read_delimited(text, delimiter, lines_before)
    header = list(body.iloc[0]) if len(body) else head[h]
    header = two_row_header([*head[:h], header], h)
    body = body.iloc[1:]
    body.index = pd.RangeIndex(h + 2, h + 2 + len(body))
    shown = {"\t": "tab", ";": "semicolon", ",": "comma", "|": "pipe"}.get(delimiter)
    ragged = _wider_than_header(body, len(head[h]))
    if ragged and not _spills(head[h]):
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
    frame, letters = table_below_header(body, header, 0)
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
    h = header_below(head, find_header(head, is_header), is_header)
    if line_ends[h] != h + 1 or len(head[h]) == 0:
        return False  # a record above the header spans lines
    offset = start
    for _ in range(skip + h):  # the header row's first byte
        offset = data.index(b"\n", offset) + 1
    body = _arrow_records(data, offset, delimiter, len(head[h]))
    if body is None:
        return False
    header = [body.column(i)[0].as_py() for i in range(body.num_columns)]
    header = two_row_header([*head[:h], header], h)
    frame = body.slice(1).to_pandas()  # text columns stay in Arrow (pandas' `str` dtype)
    frame.columns = range(body.num_columns)
    frame.index = pd.RangeIndex(h + 2, h + 2 + len(frame))
    encoding = "utf-8-sig" if bom else "utf-8"
    sources.keep_title(name, head[:h])
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


SPILL_HEADERS = ("checkins",)  # a last column whose values run on into unnamed columns (Viva)


def _spills(header: list[object]) -> bool:
    """Whether the header's last named column is one a tool spills to its right (Viva Goals'
    `Checkins`, one check-in per cell): the values beyond it are unnamed columns, not an error."""
    named = [str(c) for c in header if c not in (None, "") and str(c).strip()]
    key = re.sub(r"[^0-9a-z]+", "", named[-1].casefold()) if named else ""
    return key in SPILL_HEADERS


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
