"""Owner — one person across cycles: the objectives they hold, how their key results scored,
and their goal-setting pattern with its evidence (as the Coach page judges it). Opened as
`owner?name=…`."""

from __future__ import annotations

import streamlit as st

from dashboard import charts, state, table_formats, transforms
from dashboard.sections import goalposts, next_quarter
from dashboard.text import md
from pipelines.store.schema import counted

loaded = state.load()
st.title("Owner")
if loaded is None:
    state.show_empty_store()
    st.stop()

report = loaded.report
owners = sorted(
    set(loaded.key_results["owner"].dropna().astype(str))
    | set(loaded.objectives["owner"].dropna().astype(str))
)
name = st.query_params.get("name")
if name is None or name not in owners:
    if name is not None:
        st.warning(f"No owner called “{md(name)}” in this store: choose one below.")
    st.caption("Choose an owner, or click one on the Coach page or an objective's page.")
    picked = st.selectbox("Owner", owners, index=None, key="owner_pick")
    if picked is not None:
        st.query_params["name"] = picked
        st.rerun()
    st.stop()

st.subheader(md(name))
patterns = report.owner_patterns[report.owner_patterns["owner"] == name]
row = patterns.iloc[0] if len(patterns) else None
pattern = row["pattern"] if row is not None and isinstance(row["pattern"], str) else ""
tiles = st.columns(4)
tiles[0].metric(
    "Goal-setting pattern", pattern or "no flag",
    help="Across all cycles, as on the Coach page: sandbagging (goals set too low) or "
    "over-ambitious (too high, or stalled).",
)  # fmt: skip
if row is not None:
    tiles[1].metric("Mean key-result score", f"{row['mean_score']:.2f}")
    tiles[2].metric(
        "Key results judged", f"{int(row['key_results'])}",
        help="Graded key results of the cycles the pattern reads (as on the Coach page).",
    )  # fmt: skip
    tiles[3].metric("Cycles", f"{int(row['cycles'])}")
    st.markdown(f"**Evidence:** {md(row['evidence'])}")
else:
    st.caption("No graded key results yet: no pattern to judge.")

st.subheader("Objectives across cycles")
held = transforms.owner_objectives(loaded.objectives, loaded.key_results, name)
table_formats.show(
    transforms.with_objective_links(held), "owner_objectives",
    columns=["cycle_id", "objective_link", "team", "role", "score", "kr_count", "owned_krs"],
    labels={"role": "Holds", "owned_krs": "Theirs"},
)  # fmt: skip

theirs = loaded.key_results[loaded.key_results["owner"] == name]
per_cycle = (
    theirs.groupby("cycle_id", sort=True)
    .agg(mean_score=("score", "mean"), key_results=("score", "count"))
    .reset_index()
)
order = {c: i for i, c in enumerate(state.cycle_options(loaded))}
per_cycle = per_cycle.sort_values("cycle_id", key=lambda s: s.map(order)).reset_index(drop=True)
if not per_cycle.empty:
    st.plotly_chart(charts.owner_cycles_figure(per_cycle, name), key="owner_cycles")
    with st.expander("Numbers behind the chart"):
        table_formats.show(
            per_cycle, "owner_cycles_table", labels={"key_results": "Graded key results"}
        )
    graded = int(theirs["score"].notna().sum())
    st.caption(f"{counted(len(theirs), 'key result')} held; {graded} graded.")
next_quarter.show(name)
goalposts.show(owner=name, key="owner_goalposts")
