"""Next quarter on an owner's page (docs/metrics.md, "Targets for next quarter"): for each
metric the owner brings back cycle after cycle, what was achieved against what was targeted
each time and a target that would land in the sweet spot on their own record."""

from __future__ import annotations

import streamlit as st

from dashboard import state, table_formats
from metrics.scores.bands import score_bands

LABELS = {"title": "Key result (latest)", "match": "Matched by", "ratios": "Achieved ÷ targeted",
          "basis": "From", "start": "Starts at", "proposed": "Proposed target",
          "target_from": "Range from", "target_to": "to"}  # fmt: skip


def show(owner: str) -> None:
    """The proposals of one owner's recurring key results (nothing when they have none)."""
    _, proposals = state.goalposts_and_targets()
    theirs = proposals[proposals["owner"] == owner] if len(proposals) else proposals
    st.subheader("Next quarter")
    if theirs.empty:
        st.caption("No key result of theirs recurs across finished cycles: nothing to propose.")
        return
    st.caption(
        "Key results that come back cycle after cycle (the same title once its numbers are "
        "blanked, the same unit and owner). Each cycle's achieved ÷ targeted step, and a "
        f"target whose expected result scores in the sweet spot ({score_bands().sweet_text()}) "
        "on their own record (the team's when fewer than two cycles are known)."
    )
    table_formats.show(
        theirs.rename(columns={"low": "target_from", "high": "target_to"}), "next_quarter",
        columns=["title", "match", "ratios", "basis", "start", "proposed", "target_from",
                 "target_to"],
        labels=LABELS,
    )  # fmt: skip
