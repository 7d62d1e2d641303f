"""Alignment — does every objective serve one above it? The tree, coverage, and the gaps."""

from __future__ import annotations

import streamlit as st

from dashboard import charts, state, table_formats, transforms
from dashboard.text import md
from pipelines.store.schema import counted

loaded = state.load()
st.title("Alignment")
if loaded is None:
    state.show_empty_store()
    st.stop()

cycle = state.current_cycle(loaded)
objectives, key_results = state.scoped(loaded, cycle)
st.caption(
    f"Cycle **{md(cycle)}**. An objective is aligned when it names a parent objective "
    "(directional) or *is* a key result of the level above (strict). Top-level objectives "
    "need objectives under them."
)
coverage = loaded.report.coverage.set_index("cycle_id")
issues = transforms.alignment_issues(loaded.report.links, objectives)
shown_links = loaded.report.links[loaded.report.links["objective_id"].isin(
    objectives["objective_id"])]  # fmt: skip
non_top = shown_links[~shown_links["is_top"].fillna(False).astype(bool)]
aligned = non_top["status"].eq("aligned")
tiles = st.columns(5)
tiles[0].metric(
    "Aligned",
    "–" if non_top.empty else f"{aligned.mean():.0%}",
    help="Share of objectives below the top level that are linked to a parent.",
)
tiles[1].metric("Orphans", len(issues["orphans"]))
tiles[2].metric("Top objectives unsupported", len(issues["unsupported"]))
tiles[3].metric("Broken links", len(issues["broken"]))
strict = int((aligned & non_top["link"].eq("strict")).sum())
tiles[4].metric("Strict / directional links", f"{strict} / {int(aligned.sum()) - strict}")

department = state.selected("department")
department_id = None
if department is not None:
    ids = objectives.loc[objectives["department"] == department, "department_id"].dropna()
    department_id = str(ids.iloc[0]) if not ids.empty else None
tree = transforms.tree_for(loaded.report.tree, cycle, department_id)
st.plotly_chart(charts.alignment_tree_figure(tree), key="alignment_tree")
st.caption(
    "Click a slice to zoom in; grey means not graded yet. Every objective of the tree is "
    "listed below the gaps: click one to open its page."
)
with st.expander("Numbers behind the tree"):
    table_formats.show(
        tree, "tree_table", columns=["label", "kind", "score", "band", "value"],
        labels={"value": "Objectives under it"},
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
        linked = transforms.with_objective_links(issues[key]).drop(columns="cycle_id")
        table_formats.show(linked, f"{key}_table", sort=[("score", True)])

st.subheader("Objectives in this view")
listed = objectives.join(
    loaded.report.links.set_index("objective_id")[["children"]], on="objective_id"
)
st.caption(f"{counted(len(listed), 'objective')}; click one to open its key results week by week.")
table_formats.show(
    transforms.with_objective_links(listed), "objective_list",
    columns=["objective_link", "department", "team", "owner", "level", "score", "kr_count",
             "alignment", "children"],
    sort=[("department", True), ("team", True)],
    labels={"alignment": "Alignment", "children": "Supported by"},
)  # fmt: skip
