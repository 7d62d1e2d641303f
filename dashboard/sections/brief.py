"""The brief at the top of the Overview and the Closing meeting page: the unit's state in a
few short paragraphs (reporting/brief; docs/pages.md, "The brief")."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import state
from dashboard.text import md

OPEN = ("verdict", "health")  # shown at once; the rest in the expander


def _paragraph(brief: state.Brief, keys: tuple[str, ...], exclude: bool = False) -> None:
    for section in brief.sections:
        if (section.key in keys) == exclude:
            continue
        if section.lines:
            st.markdown(
                "**"
                + md(section.heading)
                + ".** "
                + " ".join(md(line) for line in section.plain_lines())
            )
        elif section.items:
            st.markdown("**" + md(section.heading) + "**")
        if section.items:
            st.markdown("\n".join("- " + md(item) for item in section.plain_items()))


def _links(brief: state.Brief) -> pd.DataFrame:
    """The objectives the brief names as needing attention, with their pages' links."""
    section = brief.section("attention")
    rows = section.links() if section else []
    return pd.DataFrame(rows, columns=["Objective", "Page"])


def show(
    loaded: state.Loaded, cycle: str, level: str | None = None, name: str | None = None
) -> None:
    """The brief in `cycle` of the unit `level` (department or team) `name`; without them, of
    the sidebar's department or team (the company when neither is chosen)."""
    if level is None:
        department, team = state.selected("department"), state.selected("team")
    else:
        department = name if level == "department" else None
        team = name if level == "team" else None
    brief = state.brief(loaded, cycle, department, team)
    st.subheader("The brief")
    _paragraph(brief, OPEN)
    with st.expander("What changed, what needs attention, who to talk to"):
        _paragraph(brief, OPEN, exclude=True)
        links = _links(brief)
        if not links.empty:
            st.dataframe(
                links, hide_index=True,
                column_config={"Page": st.column_config.LinkColumn(display_text="open")},
            )  # fmt: skip
