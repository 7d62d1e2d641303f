"""The as-of date of a snapshot: the day its values were true (docs/ingestion.md).

In this order: the date given (`ingest --as-of`, the Data page's date field); a date in the
file's name (`okrs-2026-10-05.xlsx`, `OKRs 05.10.2026.csv`, `okrs-2026-W41.csv`: an ISO week
stands for its Monday); else none, and the import dates its check-ins on the day it runs.
"""

from __future__ import annotations

import re
from datetime import date

_ISO = re.compile(r"(?<!\d)(\d{4})[-_.]?(\d{2})[-_.]?(\d{2})(?!\d)")
_DAY_FIRST = re.compile(r"(?<!\d)(\d{1,2})[._-](\d{1,2})[._-](\d{4})(?!\d)")
_WEEK = re.compile(r"(?<!\d)(\d{4})[-_ ]?W(\d{1,2})(?!\d)", re.IGNORECASE)


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
