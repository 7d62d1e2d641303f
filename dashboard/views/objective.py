"""Objective — one objective: its status and each key result's in words, the check-ins over
time against the expected pace and the forecast, the confidence on its own axis, the notes
newest first, values in their units, and where the objective sits in the alignment. Opened
as `objective?id=OBJECTIVE_ID`."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import charts_objective, state, store_lists, table_formats, transforms
from dashboard import key_result_words as words
from dashboard.sections import goalposts
from dashboard.text import md
from metrics.progress.chance import chance_words
from metrics.scores.bands import band_labels
from pipelines.store.schema import counted

loaded = state.load()
st.title("Objective")
if loaded is None:
    state.show_empty_store()
    st.stop()

objectives = loaded.objectives
wanted = st.query_params.get("id")
if wanted is None or wanted not in store_lists.objective_ids(objectives):
    if wanted is not None:
        st.warning(f"No objective with the id “{md(wanted)}” in this store: choose one below.")
    shown, _ = state.scoped(loaded, state.current_cycle(loaded))
    ids, titles = store_lists.objective_titles(shown)  # kept per filter set
    st.caption("Choose an objective, or click one on any page that lists objectives.")
    picked = st.selectbox(
        "Objective", ids, index=None, format_func=titles.__getitem__, key="objective_pick"
    )
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
    status = objective["status"]
    tiles[2].metric(
        "Status", str(status) if isinstance(status, str) else "–",
        help="From where it is heading at the end against the sweet spot "
        "(docs/metrics.md, “Status: one verdict per unit”).",
    )  # fmt: skip
    tiles[3].metric(
        "Expected by now", f"{objective['expected']:.2f}",
        help="What an objective heading for the sweet spot's lower edge has by now: the "
        "elapsed share of the cycle × that edge.",
    )  # fmt: skip
    st.caption(chance_words(objective["chance"], objective["chance_low"]))
else:
    band = objective["band"]
    tiles[2].metric("Band", band_labels().get(str(band), "–") if pd.notna(band) else "–")
st.markdown(f"This objective: {words.status_words(objective.to_dict())}.")

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
key_results = words.with_values_in_units(key_results, stated)
history = transforms.key_result_history(
    key_results, stated, state.check_ins_of(list(key_results["kr_id"])),
    loaded.report.calendar, loaded.report.as_of,
)  # fmt: skip
table_formats.show(
    key_results, "objective_krs",
    columns=["title", "kr_type", "owner", "start_text", "target_text", "current_text", "score",
             "score_source", "check_in_count", "latest_confidence",
             *(["status", "heading", "expected", "forecast", "chance"] if running else ["band"])],
    labels={"start_text": "Start", "target_text": "Target", "current_text": "Current"},
    sort=[("title", True)],
)  # fmt: skip
cycle_start, cycle_end = pd.Timestamp(str(cycle["start"])), pd.Timestamp(str(cycle["end"]))
pace = transforms.pace_line(cycle_start, cycle_end)
for i, kr in enumerate(key_results.sort_values("title").to_dict("records")):
    own = history[history["kr_id"] == kr["kr_id"]]
    forecast_points = transforms.forecast_line(
        own, cycle_end, float(kr["forecast"]) if running else None
    )
    unit_of = kr["unit"] if isinstance(kr["unit"], str) else None
    standing = words.progress_text(kr["current"], kr["target_value"], unit_of, kr["kr_type"])
    st.markdown(f"**{md(kr['title'])}** · {md(standing)} · {words.status_words(kr)}")
    if own.empty:
        st.caption("No check-ins yet.")
        continue
    chart, notes = st.columns([3, 2])
    chart.plotly_chart(
        charts_objective.key_result_history_figure(
            own, pace, forecast_points, "Check-ins over the cycle", unit_of
        ),
        key=f"kr_history_{i}",
    )
    lines = words.notes_lines(own, unit_of)
    with notes.container(height=340 if len(lines) > 4 else "content", border=False):
        st.markdown(f"**Notes, newest first** ({counted(len(lines), 'note')} "
                    f"at {counted(len(own), 'check-in')})")  # fmt: skip
        notes_text = "\n\n".join(lines)  # one element for all notes: a lighter page
        if lines:
            st.markdown(notes_text)
        else:
            st.caption("No check-in has a note.")
    with st.expander(f"Every check-in as a table ({len(own)})"):
        table_formats.show(
            own.assign(value_text=[words.value_text(v, unit_of) for v in own["value"]]),
            f"kr_checkins_{i}",
            columns=["checked_at", "value_text", "score", "expected", "confidence", "status",
                     "note", "author"],
            labels={"expected": "Expected then", "value_text": "Value"},
            sort=[("checked_at", False)],
        )  # fmt: skip
goalposts.show(objective_id=wanted, key="objective_goalposts")
