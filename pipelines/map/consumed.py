"""Columns a flat sheet's layout reads beyond its mapping: sub-objective levels
(pipelines/map/levels.py) and week, month or quarter columns (pipelines/map/periods.py).
They feed the import, so they are not listed as unused."""

from __future__ import annotations

from pipelines.map.levels import level_headers
from pipelines.map.mapping import Mapping, loaded_columns
from pipelines.map.periods import period_layout
from pipelines.read.sources import SourceTable


def layout_columns(source: SourceTable, mapping: Mapping) -> set[str]:
    """The headers of `source` read by its layout (none unless it is mapped as flat)."""
    m = mapping.get(source.label)
    if m is None or m.role != "flat":
        return set()
    used = set(loaded_columns(m).values())
    found = set(level_headers(source))
    layout = period_layout([h for h in source.headers if h not in used])
    dated = "check_ins.checked_at" in loaded_columns(m)  # then periods.with_periods reads none
    if layout is not None and not dated:
        found |= {*layout.values.values(), *layout.starts.values(), *layout.targets.values()}
    return found


def still_unused(sources: list[SourceTable], mapping: Mapping, unmapped: list[str]) -> list[str]:
    """`unmapped` (`file[:sheet]: header` lines) without the columns layouts read."""
    read = {f"{s.label}: {h}" for s in sources for h in layout_columns(s, mapping)}
    return [line for line in unmapped if line not in read]
