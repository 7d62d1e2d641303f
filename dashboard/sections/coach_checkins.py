"""The Coach page's check-in discipline: the weeks each team missed, drawn so a miss stands
out, and beside it the stale key results, each linked to its objective (docs/pages.md,
"Coach")."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from dashboard import charts_coach, state, table_formats, transforms
from dashboard.charts_overview import PLOT_CONFIG
from dashboard.memo import memoized
from dashboard.on_open import opened
from dashboard.text import md


@memoized(max_entries=32)
def _frames(
    discipline: pd.DataFrame,
    stale: pd.DataFrame,
    objectives: pd.DataFrame,
    as_of: date,
    cycle: str | None,
    teams_shown: frozenset[str],
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The weeks of `cycle` per team shown, and its stale key results each linked to its
    objective: the same objects on every run with the same filters (dashboard/memo.py)."""
    weeks = transforms.discipline_weeks(
        discipline[(discipline["cycle_id"] == cycle) & discipline["team_id"].isin(teams_shown)],
        as_of,
    )
    stale = stale[(stale["cycle_id"] == cycle) & stale["team_id"].isin(teams_shown)]
    titles = objectives.set_index("objective_id")["title"]
    shown = stale.assign(objective=stale["objective_id"].map(titles))
    linked = transforms.with_objective_links(shown, "objective")
    return weeks, linked.rename(columns={"title": "key_result"})


def show(loaded: state.Loaded, cycle: str | None, teams_shown: set[str]) -> None:
    """Heatmap of missed check-ins of `cycle` with the stale key results beside it."""
    report = loaded.report
    config = report.config
    st.subheader(f"Check-in discipline · {md(cycle)}")
    weeks, stale = _frames(
        report.team_discipline, report.stale, loaded.objectives, report.as_of, cycle,
        frozenset(teams_shown),
    )  # fmt: skip
    if weeks.empty:
        st.caption("No weeks of this cycle have passed yet.")
    else:
        done = weeks[~weeks["in_progress"]]
        active = int(done["active_krs"].sum())
        missed = active - int(done["checked_krs"].sum())
        tiles = st.columns(3)
        tiles[0].metric(
            "Key results checked in, week by week",
            f"{(active - missed) / max(active, 1):.0%}",
            help="Over the weeks that have ended; the week in progress is drawn grey.",
        )  # fmt: skip
        tiles[1].metric(
            "Check-ins missed", f"{missed}",
            help="Key-result weeks without a check-in, over the weeks that have ended: the "
            "numbers in the heatmap's cells, added up.",
        )  # fmt: skip
        tiles[2].metric("Stale key results", f"{len(stale)}")
    heat, side = st.columns([3, 2]) if not weeks.empty else (None, st.container())
    if heat is not None:
        with heat:
            st.plotly_chart(
                charts_coach.discipline_heatmap(weeks), key="discipline_heatmap", config=PLOT_CONFIG
            )
    with side:
        st.markdown(
            f"**Stale key results: {len(stale)}** (no check-in for more than "
            f"{config.stale_days} days)"
        )
        if not stale.empty:
            table_formats.show(
                stale, "stale_table",
                columns=["key_result", "objective_link", "owner", "team", "days_silent"],
                labels={"key_result": "Key result"},
                sort=[("days_silent", False), ("key_result", True)],
            )  # fmt: skip
    if not weeks.empty:
        with opened("Numbers behind the heatmap", "heatmap_numbers") as is_open:
            if is_open:
                table_formats.show(
                    weeks.assign(
                        missed=weeks["active_krs"] - weeks["checked_krs"],
                        in_progress=weeks["in_progress"].map({True: "in progress", False: ""}),
                    ),
                    "discipline_table",
                    columns=["week_start", "team", "active_krs", "checked_krs", "missed", "share",
                             "in_progress"],
                    labels={"missed": "Not checked in"},
                    sort=[("missed", False), ("week_start", True), ("team", True)],
                )  # fmt: skip
