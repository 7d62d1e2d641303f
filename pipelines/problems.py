"""Problems found while reading, mapping and validating a source, located as a person sees them.

A problem names the file, the sheet, the row number Excel shows (the header row and any title
rows above it count) and the column as its Excel letter with the header, e.g.
`okrs.xlsx:KeyResults:14:F (target_value): "ten" is not a number`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    file: str
    sheet: str | None
    row: int | None
    column: str | None  # "F (target_value)"
    message: str
    severity: Severity = "error"

    @property
    def location(self) -> str:
        """`file[:sheet][:row][:column]`, the parts that are known; in a JSON file the row
        is a record: `goals.json:record 12:field Title`."""
        row = _row_text(self.file, self.row)
        parts = [self.file, self.sheet, row, self.column]
        return ":".join(p for p in parts if p)

    def __str__(self) -> str:
        label = "" if self.severity == "error" else "warning: "
        return f"{self.location}: {label}{self.message}"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


RECORD_FILES = (".json", ".jsonl", ".ndjson")


def row_word(file: str) -> str:
    """`record` for a JSON file (its rows are records, numbered from 1), else nothing: a
    sheet's or CSV file's row is the bare number Excel shows."""
    return "record" if file.lower().endswith(RECORD_FILES) else ""


def _row_text(file: str, row: int | None) -> str | None:
    """`12`, or `record 12` in a JSON file; None for no row (or a JSON file's "header")."""
    word = row_word(file)
    if row is None or (word and row == 0):
        return None
    return f"{word} {row}" if word else str(row)


def column_letter(index: int) -> str:
    """Excel's letter for a 0-based column index: 0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def count_errors(problems: list[Problem]) -> int:
    return sum(1 for p in problems if p.is_error)


def sort_problems(problems: list[Problem]) -> list[Problem]:
    """Errors and warnings in reading order: by file, sheet, row, then column."""
    return sorted(problems, key=_reading_order)


def _reading_order(p: Problem) -> tuple[str, str, int, int, str]:
    letters = (p.column or "").split(" ", 1)[0]
    return (p.file, p.sheet or "", -1 if p.row is None else p.row, len(letters), letters)


def column_parts(column: str | None) -> tuple[str | None, str | None]:
    """`F (target_value)` → ("F", "target_value"); a bare name → (None, name)."""
    if not column:
        return None, None
    letters, _, rest = column.partition(" (")
    if rest.endswith(")") and letters.isalpha() and letters.isupper():
        return letters, rest[:-1]
    return None, column


def problem_record(p: Problem) -> dict[str, str | int | None]:
    """One problem for tools (`okr-health ingest --json`): every part of its location apart."""
    letter, header = column_parts(p.column)
    return {
        "file": p.file,
        "sheet": p.sheet,
        "row": p.row,
        "column": letter,
        "header": header,
        "severity": p.severity,
        "message": p.message,
    }


@dataclass(frozen=True)
class ProblemGroup:
    """The same message at the same place (file, sheet, column) on one or many rows."""

    file: str
    sheet: str | None
    column: str | None
    message: str
    severity: Severity
    rows: tuple[int, ...]  # ascending; empty when the problem has no row

    @property
    def count(self) -> int:
        return max(len(self.rows), 1)

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    @property
    def where(self) -> str:
        """`file:sheet: rows 2–212 (211 rows), J (key_result_type)`, or one problem's location."""
        place = ":".join(p for p in (self.file, self.sheet) if p)
        word = row_word(self.file)
        if len(self.rows) <= 1:
            row = _row_text(self.file, self.rows[0] if self.rows else None)
            return ":".join(p for p in (place, row, self.column) if p)
        word = word or "row"
        rows = f"{word}s {row_ranges(self.rows)} ({len(self.rows):,} {word}s)"
        return f"{place}: " + ", ".join(p for p in (rows, self.column) if p)

    def __str__(self) -> str:
        label = "" if self.is_error else "warning: "
        return f"{self.where}: {label}{self.message}"


def row_ranges(rows: tuple[int, ...] | list[int], most: int = 6) -> str:
    """`2–5, 8, 10–12`: consecutive rows as ranges; past `most` ranges, the rest is `…`."""
    spans: list[tuple[int, int]] = []
    for row in rows:
        if spans and row == spans[-1][1] + 1:
            spans[-1] = (spans[-1][0], row)
        elif not spans or row != spans[-1][1]:
            spans.append((row, row))
    parts = [str(a) if a == b else f"{a}–{b}" for a, b in spans[:most]]
    return ", ".join(parts) + (", …" if len(spans) > most else "")


def group_problems(problems: list[Problem]) -> list[ProblemGroup]:
    """Problems with the same file, sheet, column, severity and message as one group each,
    listed in reading order of their first row (errors and warnings alike)."""
    rows: dict[tuple[str, str | None, str | None, Severity, str], list[int]] = {}
    for p in sort_problems(problems):
        found = rows.setdefault((p.file, p.sheet, p.column, p.severity, p.message), [])
        if p.row is not None:
            found.append(p.row)
    return [
        ProblemGroup(file, sheet, column, message, severity, tuple(sorted(set(found))))
        for (file, sheet, column, severity, message), found in rows.items()
    ]


def problem_lines(problems: list[Problem]) -> list[str]:
    """What a person reads: one line per group of problems, errors first."""
    groups = group_problems(problems)
    return [str(g) for g in groups if g.is_error] + [str(g) for g in groups if not g.is_error]
