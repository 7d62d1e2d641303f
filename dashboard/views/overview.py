"""Overview — for executives: how is the company doing this cycle, and where is it off track?"""

from __future__ import annotations

import streamlit as st

from dashboard import charts, state


def _fmt(value: float | None, pattern: str = "{:.2f}") -> str:
    return "–" if value is None or value != value else pattern.format(value)


loaded = state.load()
st.title("Overview")
if loaded is None:
    state.show_empty_store()
    st.stop()

cycle = st.session_state.get("cycle") or state.running_cycle(loaded)
objectives = state.filter_objectives(loaded.objectives)
objectives = objectives[objectives["cycle_id"] == cycle]
key_results = loaded.key_results
key_results = key_results[key_results["objective_id"].isin(objectives["objective_id"])]
st.caption(f"Cycle **{cycle}** · as of {loaded.dataset.reference_date()}")

graded = key_results["score"].dropna()
shares = charts.band_share_frame(key_results["score"])
sweet = shares.set_index("band").loc["sweet", "share"] if len(graded) else None
tiles = st.columns(5)
tiles[0].metric("Objective score (mean)", _fmt(objectives["score"].mean()))
tiles[1].metric("Key-result score (mean)", _fmt(graded.mean() if len(graded) else None))
tiles[2].metric("In the 0.6–0.7 sweet spot", _fmt(sweet, "{:.0%}"))
tiles[3].metric("Objectives", f"{len(objectives)}")
tiles[4].metric(
    "Key results graded",
    f"{len(graded)} of {len(key_results)}",
    help="A key result with no value, grade or manual score yet is ungraded and left "
    "out of every mean.",
)

left, right = st.columns(2)
with left:
    histogram = charts.score_histogram(key_results["score"])
    st.plotly_chart(
        charts.distribution_figure(histogram, "Key-result scores"),
        key="kr_distribution",
    )
    with st.expander("Numbers behind the chart"):
        st.dataframe(histogram[["bin", "band", "count"]], hide_index=True, key="kr_hist_table")
with right:
    histogram_o = charts.score_histogram(objectives["score"])
    st.plotly_chart(
        charts.distribution_figure(histogram_o, "Objective scores"),
        key="objective_distribution",
    )
    with st.expander("Numbers behind the chart"):
        st.dataframe(histogram_o[["bin", "band", "count"]], hide_index=True, key="obj_hist_table")

st.subheader("Key results per band")
st.dataframe(
    shares[["label", "count", "share"]],
    hide_index=True,
    column_config={"share": st.column_config.NumberColumn(format="percent")},
    key="band_table",
)
