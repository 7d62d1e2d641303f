"""OKR Health dashboard entry script: global filters in the sidebar, then the chosen page.

Run with `okr-health serve` (or `streamlit run dashboard/app.py`). Pages live in
dashboard/views/ and read the filters from st.session_state.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from dashboard import state
from dashboard.text import md
from pipelines.settings import settings

VIEWS = Path(__file__).resolve().parent / "views"

st.set_page_config(page_title="OKR Health", layout="wide")  # no remote favicon: works offline


def sidebar_filters() -> None:
    """Cycle, department, team and level selectors; their keys hold across pages."""
    loaded = state.load()
    if loaded is None:
        return
    cycles = state.cycle_options(loaded)
    running = state.running_cycle(loaded)
    if st.session_state.get("cycle") not in cycles:
        st.session_state["cycle"] = running if running in cycles else cycles[-1]
    st.sidebar.selectbox("Cycle", cycles, key="cycle")
    objectives = loaded.objectives
    departments = sorted(objectives["department"].dropna().unique())
    st.sidebar.selectbox("Department", [state.ALL, *departments], key="department")
    department = state.selected("department")
    in_department = (
        objectives if department is None else objectives[objectives["department"] == department]
    )
    teams = sorted(in_department["team"].dropna().unique())
    if st.session_state.get("team") not in (state.ALL, *teams):
        st.session_state["team"] = state.ALL
    st.sidebar.selectbox("Team", [state.ALL, *teams], key="team")
    levels = [lv for lv in ("company", "department", "team", "individual")
              if lv in set(objectives["level"].dropna().unique())]  # fmt: skip
    st.sidebar.selectbox("Level", [state.ALL, *levels], key="level")
    store = md(state.db_path().name)
    st.sidebar.caption(f"Store: {store} · as of {loaded.dataset.reference_date()}")


pages = [
    st.Page(VIEWS / "overview.py", title="Overview", default=True),
    st.Page(VIEWS / "alignment.py", title="Alignment"),
    st.Page(VIEWS / "coach.py", title="Coach"),
    st.Page(VIEWS / "closing.py", title="Closing meeting"),
]
if not settings().read_only:  # a read-only deployment has no importing page at all
    pages.append(st.Page(VIEWS / "data.py", title="Data"))
navigation = st.navigation(pages)
sidebar_filters()
navigation.run()
