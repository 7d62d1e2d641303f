"""Overview — for executives: how is the company doing this cycle, where is it off track,
and is it getting better?"""

from __future__ import annotations

import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from dashboard import charts, state, table_formats, transforms
from dashboard.sections import brief, programme_health, since_last_import
from dashboard.text import md
from metrics.scores.bands import score_bands


def fmt(value: float | None, pattern: str = "{:.2f}") -> str:
    return "–" if value is None else pattern.format(value)


loaded = state.load()
st.title("Overview")
if loaded is None:
    state.show_empty_store()
    st.stop()

cycle = state.current_cycle(loaded)
previous = state.previous_cycle(loaded, cycle)
objectives, key_results = state.scoped(loaded, cycle)
now = transforms.headline(objectives, key_results)
cycle_state = loaded.report.calendar.set_index("cycle_id")["state"].get(cycle, "")
running = cycle_state == "running"
elapsed = loaded.report.calendar.set_index("cycle_id")["elapsed_share"].get(cycle)
if previous and running:
    # A running cycle is compared with the previous one at the same point, not its end.
    before: transforms.Headline | dict[str, float | None] = transforms.headline(
        *state.previous_at_same_point(cycle, previous)
    )
    against = f"{md(previous)} at the same point of the cycle"
else:
    before = transforms.headline(*state.scoped(loaded, previous)) if previous else {}
    against = md(previous)
st.caption(
    f"Cycle **{md(cycle)}** ({cycle_state}"
    + (f", {elapsed:.0%} of the time gone" if running and elapsed == elapsed else "")
    + f") · as of {loaded.report.as_of}"
    + (f" · changes are against {against}" if previous else "")
)
brief.show(loaded, cycle)


def tile(
    column: DeltaGenerator,
    label: str,
    key: transforms.Compared,
    pattern: str = "{:.2f}",
    help: str | None = None,
) -> None:
    change = transforms.delta(now[key], before.get(key))
    column.metric(
        label, fmt(now[key], pattern),
        delta=None if change is None else pattern.format(change), help=help,
    )  # fmt: skip


tiles = st.columns(6)
tile(tiles[0], "Objective score (mean)", "objective_mean")
tile(tiles[1], "Key-result score (mean)", "kr_mean")
tile(
    tiles[2],
    "In the sweet spot",
    "sweet_share",
    "{:.0%}",
    help=f"Share of graded key results scoring {score_bands().sweet_text()}, the sweet spot: "
    "ambitious goals, mostly reached.",
)
tiles[3].metric("Objectives", f"{int(now['objectives'] or 0)}")
tiles[4].metric(
    "Key results graded", f"{int(now['graded'] or 0)}/{int(now['key_results'] or 0)}",
    help="A key result with no value, grade or manual score yet is ungraded and left "
    "out of every mean.",
)  # fmt: skip
if running:
    tiles[5].metric(
        "Key results on track",
        fmt(now["on_track_share"], "{:.0%}"),
        help="Score at least the elapsed share of the cycle, less 0.1.",
    )
else:
    tile(
        tiles[5],
        "Key results at 1.0",
        "maxed_share",
        "{:.0%}",
        help="Consistently 1.0 means goals were set too low.",
    )


def distribution(scores: pd.Series, title: str, key: str) -> None:
    """A score histogram with the sweet spot, and the counts behind it."""
    histogram = charts.score_histogram(scores)
    st.plotly_chart(charts.distribution_figure(histogram, title), key=key)
    with st.expander("Numbers behind the chart"):
        table_formats.show(histogram, f"{key}_table", columns=["bin", "band", "count"])


left, right = st.columns(2)
with left:
    distribution(key_results["score"], "Key-result scores", "kr_distribution")
with right:
    distribution(objectives["score"], "Objective scores", "objective_distribution")

since_last_import.show(loaded, cycle)

st.subheader("Departments side by side")
progress = transforms.department_progress(objectives)
st.plotly_chart(charts.department_progress_figure(progress, running), key="departments")
with st.expander("Numbers behind the chart", expanded=False):
    table_formats.show(
        progress, "department_table",
        columns=["department", "score", "expected", "forecast", "gap", "objectives", "at_risk"],
    )  # fmt: skip
if running:
    error = loaded.report.forecast_error
    overall = error[error["cycle_id"] == "all"]
    if not overall.empty and overall["mae"].notna().all():
        st.caption(
            f"How far to trust the forecast: on finished cycles, forecasts made at mid-cycle "
            f"missed the final score by {overall['mae'].iloc[0]:.2f} on average."
        )

if running:
    st.subheader("Objectives at risk")
    risky = transforms.at_risk_objectives(objectives)
    if risky.empty:
        st.success("No objective is far behind the calendar.")
    else:
        st.caption("Click an objective to open its page: its key results week by week.")
        table_formats.show(
            transforms.with_objective_links(risky), "at_risk_table",
            columns=["objective_link", "department", "team", "owner", "score", "expected",
                     "forecast"],
        )  # fmt: skip

programme_health.show(loaded, cycle)
st.subheader("Trend across cycles")
running_cycle = state.running_cycle(loaded) if any(loaded.report.calendar["state"] == "running") \
    else None  # fmt: skip
all_objectives = state.filter_units(loaded.objectives)
trends = loaded.report.trends
department_trends = loaded.report.department_trends
department = state.selected("department")
if department is not None:
    department_trends = department_trends[department_trends["department"] == department]
company_line = transforms.trend_with_forecast(trends, all_objectives, running_cycle)
department_lines = transforms.trend_with_forecast(
    department_trends, all_objectives, running_cycle, by="department"
)
if running_cycle:
    st.caption(
        f"{md(running_cycle)} is still running: its point is the forecast end-of-cycle "
        "score from the check-in trend, not the score so far."
    )
t_left, t_right = st.columns(2)
with t_left:
    st.plotly_chart(
        charts.trend_figure(company_line, {"objective_mean": "objective score"},
                            "Company objective score"),
        key="trend",
    )  # fmt: skip
with t_right:
    st.plotly_chart(
        charts.department_trend_figure(department_lines, "objective_mean", "Objective score"),
        key="department_trend",
    )
with st.expander("Numbers behind the trends"):
    table_formats.show(trends.drop(columns=["cycle"]), "trend_table")
    by_department = department_lines.pivot_table(
        index="department", columns="cycle_id", values="objective_mean"
    ).reset_index()
    table_formats.show(by_department, "department_trend_table",
                labels={c: f"{c} objective score" for c in by_department.columns[1:]})  # fmt: skip
