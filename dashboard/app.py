"""OKR Health dashboard entry script: global filters in the sidebar, then the chosen page.

Run with `okr-health serve` (or `streamlit run dashboard/app.py`). Pages live in
dashboard/views/ and read the filters from st.session_state; the page and the filters are
in the address (dashboard/links.py), so the address is always a link to the view on screen.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from dashboard import links, state, store_lists
from dashboard.text import md
from pipelines.settings import settings

VIEWS = Path(__file__).resolve().parent / "views"
LEVELS = ("company", "department", "team", "individual")

WRITTEN = "_address_written"  # the filters last written to the address, in session state

st.set_page_config(page_title="OKR Health", layout="wide")  # no remote favicon: works offline


def incoming() -> dict[str, str]:
    """Filter values the address asks for on this run: all it holds when the session has
    just arrived, or when it no longer says what this session last wrote (back and forward,
    a link inside the app). An address emptied by a page switch asks for nothing."""
    params = {k: st.query_params[k] for k in state.FILTER_KEYS if k in st.query_params}
    written = st.session_state.get(WRITTEN)
    if written is None or (params and params != written):
        return params
    return {}


def write_address() -> None:
    """Put the filters in the address (a page's own parameters, like `id`, stay)."""
    wanted = links.address_for({key: st.session_state.get(key) for key in state.FILTER_KEYS})
    for key in state.FILTER_KEYS:
        if key in wanted and st.query_params.get(key) != wanted[key]:
            st.query_params[key] = wanted[key]
        elif key not in wanted and key in st.query_params:
            del st.query_params[key]
    st.session_state[WRITTEN] = wanted


def _choose(key: str, options: list[str], default: str, asked: dict[str, str]) -> list[str]:
    """Set filter `key` from the address when it asks, else keep a valid session value."""
    notices = []
    if key in asked:
        value, notice = links.pick(key, asked[key], options, default)
        st.session_state[key] = value
        notices += [notice] if notice else []
    elif st.session_state.get(key) not in options:
        st.session_state[key] = default
    return notices


def sidebar_filters() -> None:
    """Cycle, department, team and level selectors; their keys hold across pages and are
    read from and written to the address."""
    loaded = state.load()
    if loaded is None:
        return
    asked = incoming()
    objectives = loaded.objectives
    if "id" in st.query_params and "cycle" not in st.query_params:  # an objective: its cycle
        match = objectives.loc[objectives["objective_id"] == st.query_params["id"], "cycle_id"]
        if len(match):
            asked["cycle"] = str(match.iloc[0])
    cycles = state.cycle_options(loaded)
    opening = state.opening_cycle(loaded)
    notices = _choose("cycle", cycles, opening if opening in cycles else cycles[-1], asked)
    st.sidebar.selectbox("Cycle", cycles, key="cycle")
    departments = [state.ALL, *store_lists.departments(objectives)]  # once per store
    notices += _choose("department", departments, state.ALL, asked)
    st.sidebar.selectbox("Department", departments, key="department")
    per_department = store_lists.teams_by_department(objectives)
    teams = [state.ALL, *per_department.get(state.selected("department"), ())]
    notices += _choose("team", teams, state.ALL, asked)
    st.sidebar.selectbox("Team", teams, key="team")
    levels = [state.ALL, *(lv for lv in LEVELS if lv in store_lists.levels(objectives))]
    notices += _choose("level", levels, state.ALL, asked)
    st.sidebar.selectbox("Level", levels, key="level")
    store = md(state.db_path().name)
    st.sidebar.caption(f"Store: {store} · as of {loaded.dataset.reference_date()}")
    for notice in notices:
        st.warning(md(notice), icon="🔗")
    write_address()


pages = [
    st.Page(VIEWS / "overview.py", title="Overview", default=True),
    st.Page(VIEWS / "alignment.py", title="Alignment", url_path="alignment"),
    st.Page(VIEWS / "coach.py", title="Coach", url_path="coach"),
    st.Page(VIEWS / "closing.py", title="Closing meeting", url_path="closing"),
    st.Page(VIEWS / "objective.py", title="Objective", url_path="objective"),
    st.Page(VIEWS / "owner.py", title="Owner", url_path="owner"),
]
if not settings().read_only:  # a read-only deployment has no importing page at all
    pages.append(st.Page(VIEWS / "data.py", title="Data", url_path="data"))
navigation = st.navigation(pages)
sidebar_filters()
navigation.run()
