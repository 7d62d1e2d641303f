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
        """`file[:sheet][:row][:column]`, the parts that are known."""
        parts = [self.file, self.sheet, None if self.row is None else str(self.row), self.column]
        return ":".join(p for p in parts if p)

    def __str__(self) -> str:
        label = "" if self.severity == "error" else "warning: "
        return f"{self.location}: {label}{self.message}"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


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
