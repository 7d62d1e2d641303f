"""The Overview's "Since the last import" block: what the latest import moved."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import state
from metrics.progress.since_import import SinceImport, since_import


def _table(frame: pd.DataFrame, before: str, after: str) -> None:
    shown = frame.rename(columns={"title": "Key result", "team": "Team", "before": before,
                                  "after": after, "link": "Objective"})  # fmt: skip
    st.dataframe(
        shown[["Key result", "Team", before, after, "Objective"]],
        hide_index=True,
        column_config={"Objective": st.column_config.LinkColumn(display_text="open")},
    )


def show(loaded: state.Loaded, cycle: str | None) -> None:
    """Largest score moves up and down, newly behind or at risk, newly stale, each with
    a link to its objective (only key results of `cycle` when given)."""
    before = state.before_latest_import()
    if before is None:
        return
    key_results = loaded.report.key_results
    if cycle is not None:
        key_results = key_results[key_results["cycle_id"] == cycle]
    found: SinceImport = since_import(before[0], key_results, before[1], loaded.report.stale)
    st.subheader("Since the last import")
    if found.is_empty:
        st.caption("The last import moved no score, put no key result behind and left none stale.")
        return
    for title, frame, old, new in (
        ("Score moved up most", found.moved_up, "Score before", "Score now"),
        ("Score moved down most", found.moved_down, "Score before", "Score now"),
        ("Newly behind or at risk", found.newly_off_track, "Status before", "Status now"),
        ("Went stale", found.went_stale, "", "Days silent"),
    ):
        if not frame.empty:
            st.markdown(f"**{title}** ({len(frame)})")
            _table(frame.assign(before=frame["before"].astype("object")), old or "–", new)
