"""Closing meeting — for department heads: the unit's scorecard for the cycle, what moved
since mid-cycle, what is unaligned, and the pack to take into the room."""

from __future__ import annotations

import re

import streamlit as st

from dashboard import closing_frames, state, table_formats
from dashboard.links import UNIT_PARAM, unit_from_address
from dashboard.on_open import opened
from dashboard.sections import brief
from dashboard.text import md
from exports.pack_tiles import pack_tiles

UNIT_WRITTEN = "_closing_unit_written"  # the unit last written to the address

loaded = state.load()
st.title("Closing meeting")
if loaded is None:
    state.show_empty_store()
    st.stop()

cycle = state.current_cycle(loaded)
units = state.pack_units(loaded)
labels = dict(zip(units["unit_id"], units["name"] + " (" + units["level"] + ")", strict=True))
ids = list(units["unit_id"])
department = state.selected("department")
preferred = units.loc[units["name"] == (state.selected("team") or department), "unit_id"]
# The unit is kept in the address (?unit=<id or name>): a link opens the same unit.
asked, notice = unit_from_address(st.query_params.get(UNIT_PARAM), units)
if asked is not None and asked != st.session_state.get(UNIT_WRITTEN):
    st.session_state["closing_unit"] = asked
if st.session_state.get("closing_unit") not in ids:
    st.session_state["closing_unit"] = preferred.iloc[0] if len(preferred) else ids[0]
if notice:
    st.warning(md(notice), icon="🔗")
unit_id = st.selectbox(
    "Department or team", ids, key="closing_unit", format_func=lambda u: labels.get(u, str(u))
)
if st.query_params.get(UNIT_PARAM) != unit_id:
    st.query_params[UNIT_PARAM] = str(unit_id)
st.session_state[UNIT_WRITTEN] = str(unit_id)
pack = state.closing_pack(cycle, str(unit_id))
st.caption(f"{md(pack.unit_name)} · {md(pack.cycle_name)} · as of {pack.as_of}")
brief.show(loaded, cycle, pack.unit_level, pack.unit_name)
running = pack.standing.notice(pack.cycle_name, pack.as_of)
if running:
    st.info(md(running), icon=":material/schedule:")

stem = re.sub(r"[^A-Za-z0-9_-]+", "-", f"closing-{pack.unit_id}-{pack.cycle_id}").strip("-")
d1, d2, _ = st.columns([1, 1, 3])
# The files are built only when a button is pressed, not on every rerun.
d1.download_button(
    "Download Excel", lambda: state.closing_xlsx(pack), file_name=f"{stem}.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="download_xlsx",
)  # fmt: skip
d2.download_button(
    "Download HTML page", lambda: state.closing_html(pack), file_name=f"{stem}.html",
    mime="text/html", key="download_html",
)  # fmt: skip

for column, tile in zip(st.columns(4), pack_tiles(pack), strict=True):
    # The sign stays first and plain (it sets the arrow); the unit's name is user text.
    delta = None if tile.change is None else f"{tile.change} {md(tile.short_versus)}"
    column.metric(md(tile.label), tile.value, delta=delta, help=md(pack.against.note))
st.caption(md(pack.against.note))

if pack.standing.running:
    st.subheader("Behind or at risk")
    if pack.off_track.empty:
        st.success("No objective of this unit is behind or at risk.")
    else:
        table_formats.show(
            closing_frames.linked(pack.off_track, pack.cycle_id),
            "off_track_table", pack="off_track",
            columns=["objective_link", "team", "owner", "status", "score", "expected", "heading"],
        )  # fmt: skip

st.subheader("Scorecard")
st.caption("Click an objective to open its page: its key results week by week, and the notes.")
table_formats.show(
    closing_frames.scorecard(pack.objectives, pack.cycle_id), "scorecard_table",
    pack="objectives", sort=[("score", True)],
    columns=["objective_link", "team", "owner", "score", "band", "status", "key_results", "graded",
             "aligned_to"],
)  # fmt: skip
with opened("Key results", "closing_krs") as is_open:
    if is_open:
        table_formats.show(
            pack.key_results, "closing_krs", pack="key_results",
            columns=["objective", "title", "kr_type", "owner", "start_value", "target_value",
                     "current", "score", "band", "score_source", "last_check_in", "confidence"],
        )  # fmt: skip

st.subheader("Movement since mid-cycle")
if not pack.midpoint_reached:
    st.caption("The cycle has not reached its mid-point yet.")
else:
    moved = closing_frames.moved_objectives(pack.movement)
    st.caption(f"Mid-cycle scores as they stood on {pack.midpoint}, from check-ins only.")
    st.plotly_chart(closing_frames.movement_chart(pack.movement), key="movement_chart")
    with opened("Numbers behind the chart", "movement_numbers") as is_open:
        if is_open:
            table_formats.show(
                moved, "movement_table", pack="movement", sort=[("delta", False)],
                columns=["objective", "owner", "mid_score", "score", "delta", "change"],
            )  # fmt: skip

st.subheader("Unaligned objectives")
unaligned = closing_frames.unaligned(pack.objectives, pack.cycle_id)
if unaligned.empty:
    st.success("Every objective of this unit is linked to one above it.")
else:
    table_formats.show(
        unaligned, "unaligned_table", pack="objectives",
        columns=["objective_link", "team", "owner", "link"],
    )  # fmt: skip

st.subheader("Findings for the meeting")
table_formats.show(
    pack.findings, "findings_table", pack="findings",
    columns=["category", "finding", "subject", "detail", "team"],  # the evidence in view
)  # fmt: skip
