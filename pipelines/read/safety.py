"""Checks a file must pass before any parser sees it, so a hostile file is refused by name.

What is checked, from the bytes alone and without building anything in memory:

- size: no file over `max_upload_mb`;
- kind: the first bytes must match the name — a workbook name on something that is not a
  workbook (a PDF, an image, text) is refused, and so is a password-protected workbook (an
  OLE container holding an `EncryptedPackage`, which is what Excel writes for .xlsx files
  with a password);
- zip workbooks (.xlsx, .xlsm, .xlsb, .ods), from the zip directory first: the number of
  parts, what they add up to unpacked, how many times each part expands, compression method,
  duplicate part names; then each part is unpacked as a stream (never whole) to find
  - a `<!DOCTYPE` or `<!ENTITY` in any XML part: workbooks never need one, and it is how
    entity-expansion ("billion laughs") and external-entity (XXE) attacks start;
  - worksheet cells beyond `max_rows` or `max_columns` (a cell at XFD1048576 next to one at
    A1 makes the reader allocate the whole grid: 17 billion cells);
  - a shared-string table declaring more strings than its part can hold (the reader reserves
    memory for the declared count before reading any).
  Unpacking also verifies every part's CRC, so a truncated or damaged file is refused here.

Whatever a check cannot see (the binary .xls/.xlsb formats, ODS repeat counts) is contained
by reading workbooks in a child process with a memory limit (`pipelines/read/sandbox.py`).
"""

from __future__ import annotations

import re
import zipfile
import zlib
from io import BytesIO
from pathlib import Path

from pipelines.problems import Problem
from pipelines.read.text_limits import json_nesting_problems, text_shape_problems
from pipelines.settings import Settings

ZIP_WORKBOOKS = (".xlsx", ".xlsm", ".xlsb", ".ods")
OLE_WORKBOOKS = (".xls",)
TEXT_FILES = (".csv", ".tsv", ".txt", "")
JSON_FILES = (".json", ".jsonl", ".ndjson")
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
OTHER_KINDS = (
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
)
CONTROL_BYTES = [b for b in range(32) if b not in (9, 10, 12, 13)]  # all but tab, LF, FF, CR
MB = 1024 * 1024
CHUNK = MB
RATIO_CHECKED_FROM = MB  # small parts (styles, themes) may compress extremely well
DTD_MARKERS = tuple(
    marker.encode(encoding)
    for marker in ("<!DOCTYPE", "<!ENTITY", "<!doctype", "<!entity")
    for encoding in ("ascii", "utf-16-le", "utf-16-be")
)
ROOT_ELEMENT = re.compile(rb"<[A-Za-z_]")  # the first element's start tag (ASCII encodings)
SST_COUNT = re.compile(rb'uniqueCount="([0-9]+)"')
SMALLEST_SHARED_STRING = 5  # bytes of `<si/>`
OVERLAP = 128  # bytes carried between chunks so no marker or cell reference is cut in two


def _kind(data: bytes) -> str:
    """What the bytes are, judged by their start: zip, ole, text, or a description."""
    if data.startswith(ZIP_MAGIC):
        return "zip"
    if data.startswith(OLE_MAGIC):
        return "ole"
    for magic, described in OTHER_KINDS:
        if data.startswith(magic):
            return described
    head = data[:4096] if not data.endswith(b"\x00") else data.rstrip(b"\x00")[:4096]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or utf16_without_bom(head):
        return "text"
    control = sum(head.count(bytes([b])) for b in CONTROL_BYTES)
    return "binary data" if control > len(head) // 10 else "text"


def utf16_without_bom(head: bytes) -> str | None:
    """'utf-16-le' or 'utf-16-be' when the NUL bytes sit on one side of each pair, as in
    UTF-16 text of mostly Latin letters; None otherwise (NULs in a run are padding or damage)."""
    even, odd = head[0::2].count(0), head[1::2].count(0)
    pairs = max(len(head) // 2, 1)
    if max(even, odd) >= 0.3 * pairs and min(even, odd) <= 0.1 * max(even, odd):
        return "utf-16-le" if odd > even else "utf-16-be"
    return None


def _mb(n: float) -> str:
    return f"{n / MB:,.1f} MB"


def check_file(name: str, data: bytes, limits: Settings, scan_parts: bool = True) -> list[Problem]:
    """Every reason to refuse `data` (named `name`) before parsing it; empty when it may be read.

    With `scan_parts` false, a zip workbook's parts are not unpacked here: the caller runs
    `scan_zip_parts` itself (beside the contained reader) and honours its verdict.
    """

    def refuse(message: str) -> list[Problem]:
        return [Problem(name, None, None, None, message)]

    if len(data) > limits.max_upload_mb * MB:
        return refuse(
            f"the file is larger than {limits.max_upload_mb} MB, the limit per file "
            f"({limits.limit_variable('max_upload_mb')})"
        )
    suffix = Path(name).suffix.lower()
    kind = _kind(data)
    if suffix in ZIP_WORKBOOKS + OLE_WORKBOOKS:
        if kind == "ole" and ENCRYPTED_PACKAGE in data[: 64 * 1024] + data[-64 * 1024 :]:
            return refuse(
                "the workbook is password-protected (encrypted) and cannot be read; "
                "remove the password in Excel (File › Info › Protect Workbook) and load it again"
            )
        if kind == "zip":
            return check_zip(name, data, limits, scan_parts)
        if kind == "ole":
            return []  # an Excel 97–2003 workbook; the reader runs in a child process
        if not data:
            return refuse("the file is empty")
        return refuse(
            f"not an Excel or OpenDocument workbook: the file is {kind}"
            + (" (a CSV file? give it a .csv name)" if kind == "text" else "")
        )
    if suffix in TEXT_FILES and kind in ("zip", "ole"):
        return refuse(
            "this is a workbook, not a CSV text file: load it under its .xlsx (or .xls) name"
        )
    if suffix in TEXT_FILES and kind != "text":
        return refuse(f"not a CSV text file: the file is {kind}")
    if suffix in TEXT_FILES:
        return text_shape_problems(name, data, limits)
    if suffix in JSON_FILES:
        return json_nesting_problems(name, data, limits)
    return []


def check_zip(name: str, data: bytes, limits: Settings, scan_parts: bool = True) -> list[Problem]:
    """Refuse zip bombs, entity declarations, absurd sheet extents and damaged archives.

    The zip directory is checked first (cheap); `scan_parts` then unpacks every part as a
    stream (`scan_zip_parts`).
    """

    def refuse(message: str, part: str | None = None) -> list[Problem]:
        return [Problem(name, None, None, None, f"{part}: {message}" if part else message)]

    try:
        archive = zipfile.ZipFile(BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        return refuse(f"the file is damaged or incomplete and cannot be read as a workbook ({exc})")
    found = zip_directory_problem(infos, limits, "workbook", "part")
    if found:
        return refuse(*found)
    names = {i.filename for i in infos}
    if not {"xl/workbook.xml", "xl/workbook.bin", "content.xml"} & names:
        return refuse(
            "a zip archive, but not an Excel or OpenDocument workbook "
            "(it has no xl/workbook.xml or content.xml)"
        )
    return _scan_parts(name, archive, limits) if scan_parts else []


def zip_directory_problem(
    infos: list[zipfile.ZipInfo], limits: Settings, whole: str, entry: str
) -> tuple[str, str | None] | None:
    """The first reason to refuse a zip from its directory alone, before anything is
    unpacked: too many entries, a name given twice, too much unpacked in all, unusual
    compression, encryption, an entry that expands beyond the ratio limit. Returns the
    message and the entry it is about (None: the whole), or None. `whole` and `entry` name
    them in the message ("workbook" and "part", "archive" and "file")."""
    if len(infos) > limits.max_zip_entries:
        return (
            f"the {whole} holds {len(infos):,} {entry}s, over the limit of "
            f"{limits.max_zip_entries:,} ({limits.limit_variable('max_zip_entries')})",
            None,
        )
    names = [i.filename for i in infos]
    if len(set(names)) != len(names):
        twice = sorted({n for n in names if names.count(n) > 1})[0]
        return f"the archive names the {entry} {twice!r} twice: refused as malformed", None
    unpacked = sum(i.file_size for i in infos)
    if unpacked > limits.max_unzipped_mb * MB:
        return (
            f"the {whole} would unpack to {_mb(unpacked)}, over the limit of "
            f"{limits.max_unzipped_mb:,} MB ({limits.limit_variable('max_unzipped_mb')}): "
            "a decompression bomb, or far more data than an OKR file holds",
            None,
        )
    for info in infos:
        if info.is_dir():
            continue
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            return f"unusual compression (method {info.compress_type})", info.filename
        if info.flag_bits & 0x1:
            return f"the {entry} is encrypted", info.filename
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_CHECKED_FROM and ratio > limits.max_zip_ratio:
            return (
                f"expands {ratio:,.0f} times ({_mb(info.compress_size)} → "
                f"{_mb(info.file_size)}), over the limit of {limits.max_zip_ratio} "
                f"({limits.limit_variable('max_zip_ratio')}): a decompression bomb?",
                info.filename,
            )
    return None


def scan_zip_parts(name: str, data: bytes, limits: Settings) -> list[Problem]:
    """The unpacking half of `check_zip`, for a file whose zip directory passed already:
    every part streamed (CRC checked) for entity declarations, far cells and shared-string
    counts. Empty for anything that is not a zip archive."""
    if _kind(data) != "zip":
        return []
    try:
        archive = zipfile.ZipFile(BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        message = f"the file is damaged or incomplete and cannot be read as a workbook ({exc})"
        return [Problem(name, None, None, None, message)]
    return _scan_parts(name, archive, limits)


def _scan_parts(name: str, archive: zipfile.ZipFile, limits: Settings) -> list[Problem]:
    def refuse(message: str, part: str | None = None) -> list[Problem]:
        return [Problem(name, None, None, None, f"{part}: {message}" if part else message)]

    for info in archive.infolist():
        if info.is_dir():
            continue
        try:
            message = _scan_part(archive, info, limits)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as exc:
            return refuse(f"the file is damaged or incomplete and cannot be read ({exc})")
        if message:
            return refuse(message, info.filename)
    return []


def _scan_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Settings) -> str | None:
    """Unpack one part as a stream (CRC checked) and look for what the readers must not see."""
    lower = info.filename.lower()
    is_xml = lower.endswith((".xml", ".rels", ".vml"))
    is_sheet = is_xml and "worksheets/" in lower
    is_strings = lower.endswith("sharedstrings.xml")
    extent = _Extent(limits) if is_sheet else None
    tail = b""
    first = True
    in_prolog = True  # a DTD can only come before the root element
    with archive.open(info) as part:
        while chunk := part.read(CHUNK):
            if not is_xml:
                continue
            window = tail + chunk
            prolog = window if in_prolog else b""
            if in_prolog and (root := ROOT_ELEMENT.search(window)):
                prolog, in_prolog = window[: root.start()], False
            if prolog and any(marker in prolog for marker in DTD_MARKERS):
                return (
                    "declares XML entities (<!DOCTYPE>/<!ENTITY>), which no workbook needs: "
                    "refused, as entity expansion and external entities are how XML attacks "
                    "exhaust memory or read server files"
                )
            if is_strings and first:
                found = SST_COUNT.search(window[:4096])
                declared = int(found.group(1)) if found else 0
                if declared > max(1000, info.file_size // SMALLEST_SHARED_STRING):
                    return (
                        f"declares {declared:,} shared strings but has room for at most "
                        f"{info.file_size // SMALLEST_SHARED_STRING:,}: refused as malformed"
                    )
            if extent is not None and (message := extent.feed(window)):
                return message
            tail = window[-OVERLAP:] if in_prolog or extent is not None else b""
            first = False
    return None


class _Extent:
    """The highest row and column a worksheet's XML uses, watched as its chunks stream by.

    Only references that could pass a limit are looked at (more digits or letters than the
    limit has, or as many and a first one at least as high), so an ordinary sheet costs one
    regular-expression scan that finds nothing; what it finds is then checked exactly.
    """

    def __init__(self, limits: Settings) -> None:
        self.limits = limits
        high_row = _at_least(str(limits.max_rows), "0-9", "1-9", 7)  # row 1,048,576 is last
        high_column = _at_least(_column_letters(limits.max_columns), "A-Z", "A-Z", 3)  # XFD
        # `r="` is a literal the scan jumps between; the byte before must be whitespace. One
        # pattern finds far cell references (letters, then digits) and far row numbers (digits
        # only, as `<row r="…">` has them): one pass over the sheet instead of two.
        self.ref = re.compile(
            rb'r="(?:%s[0-9]{1,7}|[A-Z]{0,3}%s)"' % (high_column, high_row)
        )  # fmt: skip
        self.big_row = re.compile(rb'<(?:\w+:)?row\b[^>]*?\sr="(%s)"' % high_row)

    def feed(self, window: bytes) -> str | None:
        far_row = None  # a far cell is named before a far row, as when they were two passes
        for match in self.ref.finditer(window):
            ref = match.group(0).decode()[3:-1]
            split = len(ref.rstrip("0123456789"))
            if split == 0:  # digits only: a row number, when it is a row element's
                start = max(window.rfind(b"<", 0, match.start()), 0)
                tag = self.big_row.match(window, start)
                number = int(tag.group(1)) if tag and tag.end() == match.end() else 0
                if number > self.limits.max_rows and far_row is None:
                    far_row = self._too_big(f"row {number:,}")
                continue
            if window[match.start() - 1 : match.start()] not in (b" ", b"\t", b"\n", b"\r"):
                continue  # part of another attribute's name, such as ref="…"
            column, row = _column_number(ref[:split]), int(ref[split:])
            if column > self.limits.max_columns or row > self.limits.max_rows:
                return self._too_big(ref)
        return far_row

    def _too_big(self, where: str) -> str:
        return (
            f"the sheet uses cells as far as {where}, beyond the limit of "
            f"{self.limits.max_rows:,} rows ({self.limits.limit_variable('max_rows')}) and "
            f"{self.limits.max_columns:,} columns ({self.limits.limit_variable('max_columns')}); "
            "reading it would build the whole grid in memory. Delete the stray cells far "
            "below or right of the data (Ctrl+End shows where the sheet ends) and save again"
        )


def _at_least(limit: str, chars: str, lead: str, longest: int) -> bytes:
    """A pattern for the digit or letter strings that may exceed `limit`: longer ones, or as
    long with a first character at least `limit`'s first (a superset; checked exactly after).
    """
    n, first = len(limit), limit[0]
    top = chars.split("-")[1]
    same = f"[{first}-{top}][{chars}]{{{n - 1}}}"
    longer = f"[{lead}][{chars}]{{{n},{longest - 1}}}" if n < longest else None
    return (f"(?:{longer}|{same})" if longer else same).encode()


def _column_number(letters: str) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + ord(ch) - 64
    return number


def _column_letters(number: int) -> str:
    letters = ""
    while number:
        number, rem = divmod(number - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def check_size(
    name: str, sheet: str | None, rows: int, columns: int, limits: Settings
) -> list[Problem]:
    """A table read from a file must stay within the row and column limits."""
    problems = []
    if rows > limits.max_rows:
        problems.append(
            f"{rows:,} rows, over the limit of {limits.max_rows:,} rows per sheet or file "
            f"({limits.limit_variable('max_rows')})"
        )
    if columns > limits.max_columns:
        problems.append(
            f"{columns:,} columns, over the limit of {limits.max_columns:,} columns per sheet "
            f"or file ({limits.limit_variable('max_columns')})"
        )
    return [Problem(name, sheet, None, None, message) for message in problems]
