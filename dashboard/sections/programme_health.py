"""Programme health on the Overview: the unit's index with its parts, and its trend across
cycles beside each department's (metrics/programme/health.py; docs/metrics.md, "Programme
health")."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import state, table_formats
from dashboard.charts_overview import PLOT_CONFIG
from dashboard.memo import memoized
from dashboard.on_open import opened
from dashboard.text import md
from exports.plot_text import literal_text
from metrics.programme.health import PART_LABELS, PARTS

# Each part's tile: short enough to read in full beside six others.
TILE_LABELS = {
    "participation": "Participation", "check_ins": "Check-ins", "landing": "Landing",
    "alignment": "Alignment", "quality": "Quality", "calibration": "Calibration",
}  # fmt: skip


def unit_of_filters() -> tuple[str, str]:
    """The level and name of the unit the sidebar narrows to (the company by default)."""
    team, department = state.selected("team"), state.selected("department")
    if team is not None:
        return "team", team
    if department is not None:
        return "department", department
    return "company", "Company"


@memoized()
def trend_rows(health: pd.DataFrame, level: str, unit: str) -> pd.DataFrame:
    """The unit's index per cycle; the company's comes with every department's beside it."""
    shown = health[(health["level"] == level) & (health["unit"] == unit)]
    if level == "company":
        shown = pd.concat([shown, health[health["level"] == "department"]])
    return shown


@memoized()
@literal_text
def trend_figure(lines: pd.DataFrame) -> go.Figure:
    """One line per unit: its index per cycle (cycles in calendar order)."""
    fig = go.Figure()
    for unit, rows in lines.groupby("unit", sort=True):
        own = {"color": "#222222", "width": 4} if rows["level"].iloc[0] != "department" else {}
        fig.add_trace(go.Scatter(x=rows["cycle_id"], y=rows["index"], name=str(unit),
                                 mode="lines+markers", line=own))  # fmt: skip
    fig.update_layout(
        title="Programme health across cycles", yaxis={"range": [0, 100], "title": "index"},
        xaxis={"type": "category", "title": "cycle"}, height=320, margin={"t": 50, "b": 40},
    )  # fmt: skip
    return fig


def show(loaded: state.Loaded, cycle: str) -> None:
    """The index of the sidebar's unit in `cycle`, each part as a share, and the trend."""
    health = state.programme_health()
    level, unit = unit_of_filters()
    st.subheader("Programme health")
    row = health[(health["cycle_id"] == cycle) & (health["level"] == level)
                 & (health["unit"] == unit)]  # fmt: skip
    if row.empty or pd.isna(row["index"].iloc[0]):
        st.caption("No programme health for this unit and cycle: it has no objectives.")
        return
    found = row.iloc[0]
    tiles = st.columns([1.5] + [1] * len(PARTS))
    tiles[0].metric(
        "Programme health", f"{found['index']:.0f}/100",
        help="The mean of the parts that can be measured, as a share of 100 "
        "(docs/metrics.md, Programme health).",
    )  # fmt: skip
    for column, part in zip(tiles[1:], PARTS, strict=True):
        value = found[part]
        column.metric(
            TILE_LABELS[part], "–" if pd.isna(value) else f"{value:.0%}",
            help=f"{PART_LABELS[part].capitalize()}: docs/metrics.md, Programme health.",
        )  # fmt: skip
    st.caption("Rests on " + md(found["rests_on"]) + ".")
    shown = trend_rows(health, level, unit)  # the same object per unit: its figure is kept
    st.plotly_chart(trend_figure(shown), key="programme_health_trend", config=PLOT_CONFIG)
    with opened("Numbers behind programme health", "health_numbers") as is_open:
        if is_open:
            table = shown.assign(index=shown["index"].round(0)).rename(
                columns={p: f"{p}_share" for p in PARTS}
            )
            table_formats.show(
                table, "programme_health_table",
                columns=["cycle_id", "unit", "index", *(f"{p}_share" for p in PARTS), "rests_on"],
                labels={"index": "Programme health", "rests_on": "Rests on",
                        **{f"{p}_share": PART_LABELS[p].capitalize() for p in PARTS}},
            )  # fmt: skip
