"""Objective — one objective: each key result's check-ins over time against the expected
pace and the forecast, the confidence stated at each check-in, the notes, and where the
objective sits in the alignment. Opened as `objective?id=OBJECTIVE_ID`."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from dashboard import charts, state, table_formats, transforms
from dashboard.sections import goalposts
from dashboard.text import md
from metrics.progress.chance import chance_words
from pipelines.store.schema import counted

loaded = state.load()
st.title("Objective")
if loaded is None:
    state.show_empty_store()
    st.stop()

objectives = loaded.objectives
wanted = st.query_params.get("id")
if wanted is None or wanted not in set(objectives["objective_id"]):
    if wanted is not None:
        st.warning(f"No objective with the id “{md(wanted)}” in this store: choose one below.")
    shown, _ = state.scoped(loaded, state.current_cycle(loaded))
    titles = shown.set_index("objective_id")["title"].astype("object")
    st.caption("Choose an objective, or click one on any page that lists objectives.")
    picked = st.selectbox(
        "Objective", sorted(titles.index, key=lambda oid: str(titles[oid])), index=None,
        format_func=lambda oid: str(titles[oid]), key="objective_pick",
    )  # fmt: skip
    if picked is not None:
        st.query_params["id"] = picked
        st.rerun()
    st.stop()

objective = objectives.set_index("objective_id").loc[wanted]
calendar = loaded.report.calendar.set_index("cycle_id")
cycle = calendar.loc[objective["cycle_id"]]
running = str(cycle["state"]) == "running"
st.subheader(md(objective["title"]))
units = [str(u) for u in (objective["team"], objective["department"]) if isinstance(u, str)]
unit = " · ".join(dict.fromkeys(units))  # team · department, once when they are the same
st.caption(
    f"{md(cycle['name'])} ({cycle['state']}) · {md(unit)} · {md(objective['level'])} objective"
)
if isinstance(objective["owner"], str) and objective["owner"]:
    st.page_link(
        "views/owner.py", label=f"Owner: {md(objective['owner'])}", icon="👤",
        query_params={"name": objective["owner"]},
    )  # fmt: skip

key_results = loaded.key_results[loaded.key_results["objective_id"] == wanted]
graded = int(key_results["score"].notna().sum())
tiles = st.columns(4)
score = objective["score"]
tiles[0].metric(
    "Score", "–" if pd.isna(score) else f"{score:.2f}",
    help=f"The weighted mean of its {graded} graded key results; each key result's score "
    "comes from a manual score, a grade at a check-in, its current value, or the "
    "objective it links to (see the table).",
)  # fmt: skip
tiles[1].metric("Key results graded", f"{graded}/{len(key_results)}")
if running:
    tiles[2].metric("Expected by now", f"{objective['expected']:.2f}", help="The elapsed share.")
    forecast = objective["forecast"]
    tiles[3].metric("Forecast at end", "–" if pd.isna(forecast) else f"{forecast:.2f}")
    st.caption(chance_words(objective["chance"], objective["chance_low"]))
else:
    tiles[2].metric("Band", str(objective["band"]) if pd.notna(objective["band"]) else "–")

st.subheader("Alignment")
family = transforms.objective_family(objectives, wanted)
parent_id = objective["parent_id"]
if not family["parent"].empty:
    parent = family["parent"].iloc[0]
    st.page_link(
        "views/objective.py", label=f"Supports: {md(parent['title'])}", icon="⬆️",
        query_params={"id": parent["objective_id"]},
    )  # fmt: skip
elif isinstance(parent_id, str) and parent_id:
    st.warning(f"Links to {md(parent_id)}, which is not in the store (a broken link).")
else:
    st.caption("A top objective: it supports none above it." if objective["is_top"]
               else "An orphan: it names no objective above it.")  # fmt: skip
children = family["children"]
if children.empty:
    st.caption("No objective names this one as its parent.")
else:
    st.markdown(f"**Supported by {counted(len(children), 'objective')}**")
    table_formats.show(
        transforms.with_objective_links(children), "children_table",
        columns=["objective_link", "team", "owner", "score"], sort=[("score", True)],
    )  # fmt: skip

st.subheader("Key results")
stated = state.stated_key_results(loaded, wanted)
history = transforms.key_result_history(
    key_results, stated, state.check_ins_of(list(key_results["kr_id"])),
    loaded.report.calendar, loaded.report.as_of,
)  # fmt: skip
table_formats.show(
    key_results, "objective_krs",
    columns=["title", "kr_type", "owner", "start_value", "target_value", "current", "score",
             "score_source", "check_in_count", "latest_confidence",
             *(["status", "forecast", "chance"] if running else [])],
    sort=[("title", True)],
)  # fmt: skip
cycle_start, cycle_end = pd.Timestamp(str(cycle["start"])), pd.Timestamp(str(cycle["end"]))
pace = transforms.pace_line(cycle_start, cycle_end)
for i, kr in enumerate(key_results.sort_values("title").itertuples(index=False)):
    own = history[history["kr_id"] == kr.kr_id]
    kr_forecast: Any = kr.forecast
    kr_score: Any = kr.score
    forecast_points = transforms.forecast_line(
        own, cycle_end, float(kr_forecast) if running else None
    )
    st.markdown(f"**{md(kr.title)}** · score {'–' if pd.isna(kr_score) else f'{kr_score:.2f}'}"
                f" ({md(kr.score_source or 'ungraded')})")  # fmt: skip
    if own.empty:
        st.caption("No check-ins yet.")
        continue
    st.plotly_chart(
        charts.key_result_history_figure(own, pace, forecast_points, "Check-ins over the cycle"),
        key=f"kr_history_{i}",
    )
    with st.expander(f"Check-ins and notes ({len(own)})"):
        table_formats.show(
            own, f"kr_checkins_{i}",
            columns=["checked_at", "value", "score", "expected", "confidence", "status", "note",
                     "author"],
            sort=[("checked_at", False)],
        )  # fmt: skip
goalposts.show(objective_id=wanted, key="objective_goalposts")
