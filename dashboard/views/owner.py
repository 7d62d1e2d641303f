"""Owner — one person across cycles: the objectives they hold, how their key results scored,
and their goal-setting pattern with the key results behind it (as the Coach page judges it).
Every count comes from one record (metrics/coaching/owner_record.py), so the tiles, the chart
and the tables count the same cycles and key results. Opened as `owner?name=…`."""

from __future__ import annotations

import streamlit as st

from dashboard import charts_coach, links, state, store_lists, table_formats, transforms
from dashboard.sections import goalposts, next_quarter
from dashboard.text import md
from metrics.coaching.flag_evidence import flag_key_results
from metrics.coaching.owner_record import owner_cycles, owner_totals
from pipelines.store.schema import counted

loaded = state.load()
st.title("Owner")
if loaded is None:
    state.show_empty_store()
    st.stop()

report = loaded.report
owners = list(store_lists.owners(loaded.objectives, loaded.key_results))
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
per_cycle = owner_cycles(
    loaded.objectives, loaded.key_results, report.evidence, name, state.cycle_options(loaded)
)
totals = owner_totals(per_cycle)
patterns = report.owner_patterns[report.owner_patterns["owner"] == name]
row = patterns.iloc[0] if len(patterns) else None
pattern = row["pattern"] if row is not None and isinstance(row["pattern"], str) else ""
tiles = st.columns([2, 1, 1, 1, 1])
tiles[0].metric(
    "Goal-setting pattern", pattern or "no flag",
    help="Across the finished cycles, as on the Coach page: sandbagging (goals set too low) or "
    "over-ambitious (too high, or stalled).",
)  # fmt: skip
tiles[1].metric("Cycles", f"{totals['cycles']}",
                help="Cycles in which they own an objective or hold a key result.")  # fmt: skip
tiles[2].metric("Key results held", f"{totals['held']}",
                help="Their own key results, and those of their objectives that name no "
                "other owner, in those cycles.")  # fmt: skip
tiles[3].metric("Key results graded", f"{totals['graded']}",
                help="Of those held, the ones with a score.")  # fmt: skip
tiles[4].metric("Judged for the pattern", f"{totals['judged']}",
                help="Of those graded, the ones with a score of their own (not linked, not an "
                "assumed 0) in a finished cycle: what the pattern reads.")  # fmt: skip
cycles = per_cycle["cycle_id"].tolist()
running = per_cycle.loc[per_cycle["cycle_state"] == "running", "cycle_id"].tolist()
st.caption(
    f"Counted over {counted(len(cycles), 'cycle')} ({md(', '.join(cycles))}"
    + (f"; {md(', '.join(running))} still running" if running else "")
    + f"): {int(totals['held'])} key results held, {int(totals['graded'])} graded; the pattern "
    f"reads {int(totals['judged'])} of them, in "
    f"{counted(totals['judged_cycles'], 'finished cycle')}."
)
if row is not None:
    st.markdown(f"**Evidence:** {md(row['evidence'])}")
else:
    st.caption("No key result judged yet (a pattern reads finished cycles only): no pattern.")

if not per_cycle.empty:
    st.plotly_chart(charts_coach.owner_cycles_figure(per_cycle, name), key="owner_cycles")
    with st.expander("Numbers behind the chart"):
        table_formats.show(
            per_cycle.assign(cycle_state=per_cycle["cycle_state"].fillna("")),
            "owner_cycles_table",
            labels={"cycle_state": "Cycle is", "held": "Key results held",
                    "graded": "Graded", "judged": "Judged for the pattern"},
        )  # fmt: skip

if pattern:
    krs = flag_key_results(report.evidence, patterns, "owner", report.config)
    titles = loaded.objectives.set_index("objective_id")["title"]
    krs = krs.assign(objective=krs["objective_id"].map(titles))
    st.subheader("The key results behind the flag")
    table_formats.show(
        krs.assign(objective_link=links.objective_links(krs, "objective")), "owner_flag_krs",
        columns=["title", "objective_link", "cycle_id", "score", "signals"],
        labels={"title": "Key result"},
    )  # fmt: skip

st.subheader("Objectives across cycles")
held = transforms.owner_objectives(loaded.objectives, loaded.key_results, name)
table_formats.show(
    transforms.with_objective_links(held).assign(
        role=held["role"].map({"owner": "owns the objective", "key results": "holds key results"})
    ),
    "owner_objectives",
    columns=["cycle_id", "objective_link", "team", "role", "score", "owned_krs", "kr_count"],
    labels={"role": "Their part", "owned_krs": "Key results held",
            "kr_count": "Key results in all"},
)  # fmt: skip
st.caption(
    f"The “Key results held” column adds up to the {int(totals['held'])} above; “Key results in "
    "all” counts every key result of the objective, whoever holds it."
)
next_quarter.show(name)
goalposts.show(owner=name, key="owner_goalposts")
