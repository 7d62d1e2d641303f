"""The understanding report on the Data page: what the reader made of the files, shown
before anything is stored (see docs/ingestion.md)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import table_formats as tables
from dashboard.text import md
from pipelines.map.field_words import field_words
from pipelines.store.schema import counted
from pipelines.understanding import Understanding


def structure_frame(understood: Understanding) -> pd.DataFrame:
    """A row per cycle and team: its objectives and key results."""
    rows = [
        {"cycle": b.cycle, "team": team, "objectives": o, "key results": k}
        for b in understood.structure
        for team, (o, k) in b.teams.items()
    ]
    return pd.DataFrame(rows, columns=["cycle", "team", "objectives", "key results"])


def fed_frame(understood: Understanding) -> pd.DataFrame:
    """A row per field, in words: the source and the column (or JSON key) that fed it."""
    rows = [{"source": f.source, "field": field_words(f.field), "column": f.column}
            for f in understood.fed]  # fmt: skip
    return pd.DataFrame(rows, columns=["source", "field", "column"])


def show_understanding(understood: Understanding | None) -> None:
    """Counts per cycle and team, sample objectives as a small tree, the columns that fed
    each field and "N to load, M set aside" (the columns not used are listed with the
    problems, as before)."""
    if understood is None:
        return
    st.subheader("What was understood")
    cycles = len(understood.structure)
    objectives = sum(b.objectives for b in understood.structure)
    krs = sum(b.key_results for b in understood.structure)
    st.markdown(
        f"**{counted(cycles, 'cycle')}, {counted(objectives, 'objective')}, "
        f"{counted(krs, 'key result')}** — {understood.loaded:,} to load, "
        f"{understood.set_aside:,} set aside" + (" (listed below)" if understood.set_aside else "")
    )
    if understood.structure:
        tables.show(structure_frame(understood), "understood_structure")
    for sample in understood.samples:
        krs_lines = [f"    - {md(t)}" for t in sample.key_results]
        if sample.more:
            krs_lines.append(f"    - … and {counted(sample.more, 'more key result')}")
        where = f"{md(sample.team)}, {md(sample.cycle)}; {md(sample.where)}"
        head = f"- **{md(sample.objective)}** ({where})"
        st.markdown("\n".join([head, *krs_lines]))
    with st.expander("Which column fed each field"):
        tables.show(fed_frame(understood), "understood_fields")
    for line in understood.checks:
        st.warning(md(line))
