"""Alignment — does every objective serve one above it? The map of which objective
supports which, coverage, and the gaps."""

from __future__ import annotations

import streamlit as st

from dashboard import charts_alignment, objective_map_view, state, table_formats, transforms
from dashboard.text import md

loaded = state.load()
st.title("Alignment")
if loaded is None:
    state.show_empty_store()
    st.stop()

cycle = state.current_cycle(loaded)
objectives, _ = state.scoped(loaded, cycle)
st.caption(
    f"Cycle **{md(cycle)}**. An objective is aligned when it names a parent objective "
    "(directional) or *is* a key result of the level above (strict). Top-level objectives "
    "need objectives under them."
)
issues = transforms.alignment_issues(loaded.report.links, objectives)
share, strict, directional = objective_map_view.link_tiles(loaded.report.links, objectives)
tiles = st.columns(5)
tiles[0].metric(
    "Aligned",
    "–" if share is None else f"{share:.0%}",
    help="Share of objectives below the top level that are linked to a parent.",
)
tiles[1].metric("Orphans", len(issues["orphans"]))
tiles[2].metric("Top objectives unsupported", len(issues["unsupported"]))
tiles[3].metric("Broken links", len(issues["broken"]))
tiles[4].metric("Strict / directional links", f"{strict} / {directional}")

tree = objective_map_view.map_view(loaded.report.links, objectives)
unit = state.selected("team") or state.selected("department")
scope = f"{unit} · {cycle}" if unit else f"All objectives · {cycle}"
st.subheader("Which objective supports which")
covered = objective_map_view.coverage(tree, loaded.report.links)
st.caption(
    f"{md(objective_map_view.coverage_text(covered))} "
    + (f"Rooted at **{md(unit)}**: only its objectives are drawn; those that support an "
       "objective outside it hang under that objective's name. " if unit else "")
    + "Each box holds the objectives that support it; click a box to zoom in, the path "
    "above to zoom out. Colour: the status in a running cycle, the band in a finished one."
)  # fmt: skip
st.plotly_chart(charts_alignment.objective_map_figure(tree, scope), key="objective_map")
st.markdown("**The map as a list** · click an objective to open its page")
table_formats.show(
    objective_map_view.map_list(tree), "objective_map_list",
    columns=["objective_link", "verdict", "score", "supported_by", "supports_title", "team",
             "owner", "kr_count"],
    labels={"verdict": "Status or band", "supported_by": "Supported by",
            "supports_title": "Supports"},
)  # fmt: skip

for key, heading, empty in (
    ("orphans", "Orphan objectives (no parent)", "Every objective below the top is linked."),
    ("unsupported", "Top objectives nothing supports", "Every top objective has support."),
    ("broken", "Broken links (the parent does not exist)", "No link points to a missing id."),
):
    st.subheader(heading)
    if issues[key].empty:
        st.success(empty)
    else:
        table_formats.show(
            objective_map_view.issue_list(issues[key]), f"{key}_table", sort=[("score", True)]
        )
