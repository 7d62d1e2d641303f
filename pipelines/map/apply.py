"""Applying a mapping: every source table into typed canonical frames (flat sheets split)."""

from __future__ import annotations

import pandas as pd

from pipelines.map.canonical import Canonical, combine, to_table, typed_source
from pipelines.map.flat import split_flat
from pipelines.map.implied import key_sheet_check_ins, progress_as_value
from pipelines.map.lifecycle import mark_lifecycle
from pipelines.map.mapping import Mapping, is_documentation, loaded_columns, required_fields
from pipelines.map.synonyms import not_okr_kind
from pipelines.problems import Problem
from pipelines.read.sources import SourceTable
from pipelines.store.schema import TABLES_BY_NAME


def apply_mapping(sources: list[SourceTable], mapping: Mapping) -> Canonical:
    """Parse every mapped source into canonical frames; flat sheets are split into objectives,
    key results (and check-ins when they carry a date). Problems are collected, not raised."""
    canonical = Canonical({s.label: s for s in sources})
    parts: dict[str, list[pd.DataFrame]] = {t: [] for t in TABLES_BY_NAME}
    for source in sources:
        m = mapping.get(source.label)
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
        missing = [f for f in required_fields(m.role) if f not in m.columns]
        for name in missing:
            message = f"missing required column {name.split('.', 1)[1]} ({name})"
            problem = Problem(source.file, source.sheet, source.header_row, None, message)
            canonical.problems.append(problem)
        columns = loaded_columns(m)
        for name in sorted(set(m.columns) - set(columns)):
            message = f"{name.split('.', 1)[1]} is a check-in column: it needs a date column "
            message += "(checked_at: Date, Last updated…) and is not loaded"
            ref = source.ref(m.columns[name])
            canonical.problems.append(
                Problem(source.file, source.sheet, source.header_row, ref, message, "warning")
            )
        typed = typed_source(source, columns, canonical)
        mark_lifecycle(typed, source, m.role)
        if missing:
            continue
        if m.role == "flat":
            for table, frame in split_flat(typed, source, canonical).items():
                parts[table].append(frame)
        else:
            if m.role == "key_results":
                check_ins = key_sheet_check_ins(typed, source, canonical)
                parts["check_ins"] += [] if check_ins is None else [check_ins]
                typed = progress_as_value(typed)
            words = source.label in canonical.milestone_words
            parts[m.role].append(to_table(typed, m.role, words))
    canonical.tables = {t: combine(frames, t) for t, frames in parts.items() if frames}
    return canonical
