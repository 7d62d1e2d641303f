"""Applying a mapping: every source table into typed canonical frames (flat sheets split)."""

from __future__ import annotations

import pandas as pd

from pipelines.map.canonical import Canonical, combine, to_table, typed_source
from pipelines.map.cycle_hints import CycleHints
from pipelines.map.entries import (
    is_supplement,
    merge_supplements,
    shared_range_columns,
    with_entries,
)
from pipelines.map.flat import split_flat
from pipelines.map.implied import key_sheet_check_ins, progress_as_value
from pipelines.map.levels import with_levels
from pipelines.map.lifecycle import mark_lifecycle
from pipelines.map.links import resolve_title_links
from pipelines.map.mapping import Mapping, is_documentation, loaded_columns, required_fields
from pipelines.map.periods import with_periods
from pipelines.map.struck import mark_struck
from pipelines.map.synonyms import not_okr_kind
from pipelines.problems import Problem
from pipelines.read.sources import SourceTable
from pipelines.store.schema import TABLES_BY_NAME


def apply_mapping(
    sources: list[SourceTable], mapping: Mapping, hints: CycleHints | None = None
) -> Canonical:
    """Parse every mapped source into canonical frames; flat sheets are split into objectives,
    key results (and check-ins when they carry a date). Problems are collected, not raised.
    `hints`: where a sheet without a cycle column finds its cycle (`pipelines.map.cycles`)."""
    canonical = Canonical({s.label: s for s in sources}, cycle_hints=hints)
    parts: dict[str, list[pd.DataFrame]] = {t: [] for t in TABLES_BY_NAME}
    supplements: dict[str, list[pd.DataFrame]] = {t: [] for t in TABLES_BY_NAME}
    roles = [m.role for m in mapping.values()]
    for source in sources:
        m = mapping.get(source.label)
        if m is not None and m.reason:
            canonical.notes.append(f"{source.label}: {m.reason}")
            continue
        if m is None or m.role == "ignore":
            kind = not_okr_kind(source.sheet or source.file, source.headers)
            if is_documentation(source):
                canonical.notes.append(f"{source.label}: documentation sheet, skipped")
            elif kind:
                what = "tasks, not key results: not scored" if kind == "tasks" else "people"
                canonical.notes.append(
                    f"{source.label}: {len(source.data)} rows of {what}; not loaded"
                )
            else:
                message = "not recognised as an OKR table; not loaded (give it a role in a mapping)"
                canonical.problems.append(
                    Problem(source.file, source.sheet, None, None, message, "warning")
                )
            continue
        supplement = is_supplement(m, m.role, roles.count(m.role) - 1)
        source, columns_given = with_entries(source, m)
        canonical.sources[source.label] = source
        m = type(m)(m.role, columns_given, m.constants, m.values, m.ignored)
        missing = [f for f in required_fields(m.role) if f not in m.columns and not supplement]
        for name in missing:
            message = f"missing required column {name.split('.', 1)[1]} ({name})"
            problem = Problem(source.file, source.sheet, source.header_row, None, message)
            canonical.problems.append(problem)
        columns = loaded_columns(m)
        for name in sorted(set(m.columns) - set(columns)):
            message = f"{name.split('.', 1)[1]} is a check-in column: it needs a date column "
            message += "(checked_at: Date, Last updated…) and is not loaded"
            if name == "check_ins.status":  # pipelines/map/lifecycle.py still reads it
                message += " as a check-in; its Cancelled, Dropped or Archived rows are archived"
            ref = source.ref(m.columns[name])
            canonical.problems.append(
                Problem(source.file, source.sheet, source.header_row, ref, message, "warning")
            )
        typed = shared_range_columns(typed_source(source, columns, canonical), m)
        mark_lifecycle(typed, source, m.role)
        mark_struck(typed, source, columns, m.role, canonical)  # a row drawn struck through
        if missing:
            continue
        if supplement:
            supplements[m.role].append(to_table(typed, m.role))
        elif m.role == "flat":
            typed = with_periods(typed, source, set(columns.values()), canonical)  # Week 1 …
            typed = with_levels(typed, source, canonical)  # Objective | Sub-objective | …
            for table, frame in split_flat(typed, source, canonical).items():
                parts[table].append(frame)
        else:
            if m.role == "key_results":
                check_ins = key_sheet_check_ins(typed, source, canonical, m.ignored)
                parts["check_ins"] += [] if check_ins is None else [check_ins]
                typed = progress_as_value(typed)
            words = source.label in canonical.milestone_words
            parts[m.role].append(to_table(typed, m.role, words))
    canonical.tables = {t: combine(frames, t) for t, frames in parts.items() if frames}
    for table, extra in supplements.items():
        if extra and table in canonical.tables:
            canonical.tables[table] = merge_supplements(
                table, canonical.tables[table], extra, canonical.problems, canonical.sources
            )
    resolve_title_links(canonical)  # `Aligned to: Grow revenue`
    return canonical
