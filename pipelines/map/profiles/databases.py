"""Database exports of open-source OKR tools: a sheet or CSV file per table, joined by ids.

Column names cannot say how such tables join, so these are recognised by their table names
and loaded with a mapping file (docs/ingestion.md has a worked one per tool; the fixtures in
tests/fixtures/tools hold the rest). Recognising one only names it and says so.
"""

from __future__ import annotations

from pathlib import Path

from pipelines.map.profiles.common import announce
from pipelines.read.sources import Sources

TOOLS: dict[str, tuple[str, ...]] = {  # tool → the table names its export always has
    "Oslo kommune okr-tracker export": (
        "organizations", "departments", "products", "periods", "objectives", "keyresults",
        "progress",
    ),
    "Puzzle OKR database export": ("quarter", "team", "objective", "key_result", "check_in",
                                   "alignment"),
    "open-okr database export": ("goals", "key_results", "key_result_values", "spaces", "cycles"),
}  # fmt: skip
HINT = (
    "{tool}: its tables join by ids, which column names cannot say; load it with a mapping file "
    "(docs/ingestion.md, 'Database exports')"
)


def recognise(sources: Sources) -> None:
    names = {(s.sheet or Path(s.file).stem).casefold() for s in sources.tables}
    for tool, tables in TOOLS.items():
        if all(t in names for t in tables):
            announce(sources, tool)
            sources.notes.append(HINT.format(tool=tool))
