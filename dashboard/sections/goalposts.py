"""Goalposts that moved (docs/metrics.md, "Goalposts that moved"): what the store's change
log shows people did to their own OKRs once the cycle was under way, each finding with its
evidence. On the Coach page (every finding of the teams shown, counted per owner), an
owner's page and an objective's page (theirs only)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import links, state, table_formats
from metrics.coaching.goalposts import LATE_DAYS, SILENT_DAYS, goalposts_by_owner
from pipelines.store.schema import counted

LABELS = {"title": "Key result or objective", "when": "When", "evidence": "Evidence",
          "pattern": "Pattern"}  # fmt: skip


def show(
    *,
    owner: str | None = None,
    objective_id: str | None = None,
    team_ids: set[str] | None = None,
    key: str = "goalposts",
) -> None:
    """The findings of one owner, one objective, or the teams in `team_ids` (all when None),
    newest first, with the evidence in full; on the Coach page (no owner or objective) the
    count per owner too."""
    found, _ = state.goalposts_and_targets()
    if owner is not None:
        found = found[found["owner"] == owner]
    if objective_id is not None:
        found = found[found["objective_id"] == objective_id]
    if team_ids is not None:
        found = found[found["team_id"].isin(team_ids)]
    st.subheader("Goalposts that moved")
    st.caption(
        "From the store's history of imports: targets eased or baselines moved the easy way "
        "after the cycle began, key results deleted or archived while behind, objectives "
        f"re-scoped, jumps in the last {LATE_DAYS} days after {SILENT_DAYS} days or more of "
        "silence, and confidence never revised."
    )
    if found.empty:
        st.caption("Nothing moved: no goalpost finding.")
        return
    st.markdown(f"**{counted(len(found), 'finding')}**")
    shown = found.assign(when=pd.to_datetime(found["when"]),
                         owner_link=links.owner_links(found["owner"]))  # fmt: skip
    table_formats.show(
        shown, f"{key}_table", columns=["pattern", "title", "owner_link", "team", "when",
                                        "evidence"],
        labels=LABELS, sort=[("when", False)],
    )  # fmt: skip
    if owner is None and objective_id is None:
        per_owner = goalposts_by_owner(found)
        with st.expander("Findings per owner"):
            table_formats.show(
                per_owner.assign(owner_link=links.owner_links(per_owner["owner"])),
                f"{key}_owners", columns=["owner_link", *per_owner.columns[1:]],
            )  # fmt: skip
