"""The as-of date of a snapshot: the day its values were true (docs/ingestion.md).

In this order: the date given (`ingest --as-of`, the Data page's date field); a date in the
file's name (`okrs-2026-10-05.xlsx`, `OKRs 05.10.2026.csv`, `okrs-2026-W41.csv`: an ISO week
stands for its Monday); a date a title row above the header states (`As of 5 Oct 2026`,
`Last updated: 2026-10-05`); else none, and the import dates its check-ins on the day it runs.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

_ISO = re.compile(r"(?<!\d)(\d{4})[-_.]?(\d{2})[-_.]?(\d{2})(?!\d)")
_DAY_FIRST = re.compile(r"(?<!\d)(\d{1,2})[._-](\d{1,2})[._-](\d{4})(?!\d)")
_WEEK = re.compile(r"(?<!\d)(\d{4})[-_ ]?W(\d{1,2})(?!\d)", re.IGNORECASE)
# A title's words before the date: "As of", "as at", "Last updated", "Updated on", "Stand".
_STATED = re.compile(
    r"\b(?:as\s+(?:of|at)|(?:last\s+)?updated(?:\s+on)?|stand)\b\s*[:\-–—]?\s*(.+)",
    re.IGNORECASE,
)
_MONTHS = {m: i for i, names in enumerate(
    [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
     ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
     ("oct", "october"), ("nov", "november"), ("dec", "december")], start=1)
    for m in names}  # fmt: skip
_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?\.?\s+([A-Za-z]+)\.?,?\s+(\d{4})\b")
_MONTH_DAY_YEAR = re.compile(r"^([A-Za-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b")


def date_in_name(name: str) -> date | None:
    """The date a file's name states, or None: ISO `2026-10-05` (also `20261005`), day
    first `05.10.2026`, or an ISO week `2026-W41` (its Monday)."""
    stem = name.rsplit("/", 1)[-1]
    for pattern in (_WEEK, _ISO, _DAY_FIRST):
        for found in pattern.finditer(stem):
            try:
                return _build(pattern, found)
            except ValueError:  # 2026-13-45: not a date
                continue
    return None


def date_in_titles(titles: Mapping[str, list[str]]) -> date | None:
    """The day the title rows of any file state (`Sources.titles`: file → its title lines)."""
    return date_in_title([line for lines in titles.values() for line in lines])


def date_in_title(lines: list[str]) -> date | None:
    """The day a sheet's title rows state its values were true, or None: the first date
    after "As of", "as at", "Last updated" or "Updated on", written `5 Oct 2026`,
    `October 5, 2026`, `2026-10-05` or `05.10.2026` (day first)."""
    for line in lines:
        found = _STATED.search(line)
        if found is None:
            continue
        text = found[1].strip()
        for pattern in (_DAY_MONTH_YEAR, _MONTH_DAY_YEAR):
            m = pattern.match(text)
            if m is None:
                continue
            day, month, year = (m[1], m[2], m[3]) if pattern is _DAY_MONTH_YEAR else (
                m[2], m[1], m[3])  # fmt: skip
            number = _MONTHS.get(month.casefold())
            if number is not None:
                try:
                    return date(int(year), number, int(day))
                except ValueError:
                    pass
        for pattern in (_ISO, _DAY_FIRST):
            m = pattern.match(text)
            if m is not None:
                try:
                    return _build(pattern, m)
                except ValueError:
                    pass
    return None


def _build(pattern: re.Pattern[str], m: re.Match[str]) -> date:
    if pattern is _WEEK:
        return date.fromisocalendar(int(m[1]), int(m[2]), 1)
    if pattern is _ISO:
        return date(int(m[1]), int(m[2]), int(m[3]))
    return date(int(m[3]), int(m[2]), int(m[1]))


def snapshot_groups(
    files: list[tuple[str, bytes]],
) -> list[tuple[date | None, list[tuple[str, bytes]]]]:
    """Files grouped by the date in their names, earliest first; files whose name states
    no date form one group dated None, first."""
    groups: dict[date | None, list[tuple[str, bytes]]] = {}
    for name, data in files:
        groups.setdefault(date_in_name(name), []).append((name, data))
    return sorted(groups.items(), key=lambda item: (item[0] is not None, item[0] or date.min))
