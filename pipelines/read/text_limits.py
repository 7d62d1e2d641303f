"""Cheap refusal before expensive work: a text file's shape measured from its bytes.

Before any parser builds a frame, the first records of a CSV file are split (a header of
100,000 columns is refused from its own line, in milliseconds, not after pandas has made
100,000 columns), its lines are counted against the row and cell limits (when no quoted value
can span lines, lines are records), and a JSON file's nesting is bounded (an upper bound from
its brackets: `[[[[…` ten thousand deep is refused before the parser recurses into it).
"""

from __future__ import annotations

import csv
import io

import numpy as np

from pipelines.problems import Problem
from pipelines.settings import Settings

HEAD_BYTES = 4 * 1024 * 1024  # the head looked at: the header and the rows above it
HEAD_RECORDS = 30
CANDIDATES = (",", ";", "\t", "|")


def _head_text(data: bytes) -> str:
    head = data[:HEAD_BYTES]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", errors="replace")
    if len(head) > 1 and head[1:2] == b"\x00" and head[0:1] != b"\x00":
        return head.decode("utf-16-le", errors="replace")
    if len(head) > 1 and head[0:1] == b"\x00":
        return head.decode("utf-16-be", errors="replace")
    return head.decode("utf-8", errors="replace").lstrip("\ufeff")


def _widest(text: str) -> tuple[int, int]:
    """The most fields any of the first records has under any candidate delimiter, and its
    row (1-based)."""
    best, row = 0, 1
    for delimiter in CANDIDATES:
        if delimiter not in text:
            continue
        reader = csv.reader(io.StringIO(text.replace("\x00", "")), delimiter=delimiter)
        try:
            for number, record in enumerate(reader, start=1):
                if len(record) > best:
                    best, row = len(record), number
                if number >= HEAD_RECORDS:
                    break
        except csv.Error:  # the reader proper says what is wrong with such text
            continue
    return best, row


def text_shape_problems(name: str, data: bytes, limits: Settings) -> list[Problem]:
    """A CSV file's columns (from its first records), rows and cells (from its line count)
    over the limits, found without parsing it; empty when it may be read."""
    text = _head_text(data)
    width, row = _widest(text)
    if width > limits.max_columns:
        message = (
            f"{width:,} columns, over the limit of {limits.max_columns:,} columns per sheet or "
            f"file ({limits.limit_variable('max_columns')}); refused before reading the rest"
        )
        return [Problem(name, None, row, None, message)]
    if b'"' in data or data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return []  # a quoted value may span lines: lines are no count of records
    lines = data.count(b"\n") + data.count(b"\r") - data.count(b"\r\n")
    rows = lines - HEAD_RECORDS  # rows above the header do not count against the limit
    if rows > limits.max_rows:
        message = (
            f"{lines:,} lines, over the limit of {limits.max_rows:,} rows per sheet or file "
            f"({limits.limit_variable('max_rows')}); refused before reading them"
        )
        return [Problem(name, None, None, None, message)]
    if lines * max(width, 1) > limits.max_cells:
        message = (
            f"about {lines * width:,} cells ({lines:,} lines of {width:,} columns), over the "
            f"limit of {limits.max_cells:,} cells per file ({limits.limit_variable('max_cells')})"
        )
        return [Problem(name, None, None, None, message)]
    return []


def json_nesting_problems(name: str, data: bytes, limits: Settings) -> list[Problem]:
    """A JSON document nested deeper than the limit (counted from its brackets, an upper
    bound: brackets inside text count too), refused before the parser recurses into it."""
    if data.count(b"[") + data.count(b"{") <= limits.max_nesting:
        return []
    at = _first_too_deep(data, limits.max_nesting)
    if at is None:
        return []
    line = data.count(b"\n", 0, at) + 1
    message = (
        f"nested more than {limits.max_nesting} levels deep (line {line}), over the limit "
        f"({limits.limit_variable('max_nesting')}): OKR exports nest a few levels"
    )
    return [Problem(name, None, None, None, message)]


NESTING_CHUNK = 1 << 20  # bytes counted at a time: the count's own memory stays a few MB


def _first_too_deep(data: bytes, most: int) -> int | None:
    """The offset of the first bracket nested deeper than `most`, counted a chunk at a time
    (a whole 50 MB file at once would take the server ~1 GB of counters)."""
    depth = 0
    for start in range(0, len(data), NESTING_CHUNK):
        codes = np.frombuffer(data, dtype=np.uint8, count=min(NESTING_CHUNK, len(data) - start),
                              offset=start)  # fmt: skip
        opens = (codes == ord("[")) | (codes == ord("{"))
        closes = (codes == ord("]")) | (codes == ord("}"))
        run = depth + np.cumsum(opens.astype(np.int32) - closes.astype(np.int32))
        deeper = run > most
        if deeper.any():
            return start + int(np.argmax(deeper))
        depth = int(run[-1])
    return None
