"""Headers written on two rows: a group label merged over some columns on the first row and
the columns' own names on the second, with the columns outside any group (`Cycle`,
`Objective`) named on the first row only.

The header row is the one naming the most known columns (`sources.find_header`); each of
its empty cells takes the text above it when the row above is a header row too (two or more
text cells: a title line above a table has one). A group label merged across columns sits
in its first cell only, above a named column, so it names none of them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence


def _text(cell: object) -> str | None:
    return cell.strip() or None if isinstance(cell, str) else None


def two_row_header(head: Sequence[Sequence[object]], h: int) -> list[object]:
    """Row `h` of `head` as the header, its empty cells named from the row above."""
    row = list(head[h])
    if h == 0:
        return row
    above = list(head[h - 1])
    if sum(1 for c in above if _text(c)) < 2:
        return row
    for j, cell in enumerate(row):
        if cell in (None, "") and j < len(above) and _text(above[j]):
            row[j] = _text(above[j])
    return row


def header_below(head: Sequence[Sequence[object]], h: int, is_header: Callable[[str], bool]) -> int:
    """`h + 1` when the row below the header row `h` is the second row of a two-row
    header: two or more known column names, all text, each under an empty cell of row `h`
    but for the first (under its group label); else `h`."""
    if h + 1 >= len(head):
        return h
    row, below = list(head[h]), list(head[h + 1])
    filled = [j for j, c in enumerate(below) if c not in (None, "")]
    names = [_text(below[j]) for j in filled]
    if len(filled) < 2 or not all(names):
        return h
    if sum(is_header(n) for n in names if n) < 2:
        return h
    under_names = sum(1 for j in filled if j < len(row) and _text(row[j]))
    return h + 1 if under_names <= 1 else h
