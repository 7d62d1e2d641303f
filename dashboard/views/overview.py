"""Overview — for executives: how is the company doing this cycle, where is it off track,
and is it getting better? It opens with the verdict (dashboard/sections/verdict.py); every
status is the one of metrics/progress/status.py, every chart shows the scope the sidebar
filters choose (docs/pages.md, "Overview")."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from dashboard import charts_overview, overview_frames, state, table_formats, transforms
from dashboard.charts_overview import PLOT_CONFIG
from dashboard.on_open import opened
from dashboard.sections import brief, programme_health, since_last_import, verdict
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
calendar = loaded.report.calendar.set_index("cycle_id")
cycle_state = calendar["state"].get(cycle, "")
running = cycle_state == "running"
elapsed = calendar["elapsed_share"].get(cycle)
if previous and running:
    # A running cycle is compared with the previous one at the same point, not its end.
    before: transforms.Headline | dict[str, float | None] = transforms.headline(
        *state.previous_at_same_point(cycle, previous)
    )
    against = f"vs {md(previous)}"
    compared = f"{md(previous)} at the same point of its cycle (as far into it as {md(cycle)} is)"
else:
    before = transforms.headline(*state.scoped(loaded, previous)) if previous else {}
    against = f"vs {md(previous)}"
    compared = f"{md(previous)} at its end"
scope = verdict.scope_name()
st.caption(
    f"**{md(scope)}** · cycle **{md(cycle)}** ({cycle_state}"
    + (f", {elapsed:.0%} of the time gone" if running and elapsed == elapsed else "")
    + f") · as of {loaded.report.as_of}"
)

first, chart = st.columns([2, 3])
with first:
    verdict.show(cycle, objectives, key_results, elapsed if running else None)
# With a department or team chosen, its teams side by side: every chart shows the scope.
by = "team" if state.selected("department") or state.selected("team") else "department"
with chart:
    departments = overview_frames.department_status(objectives, by)
    title = f"{by.capitalize()}s of {scope}, worst first" if by == "team" else \
        "Departments, worst first"  # fmt: skip
    title += f" (status in {cycle})" if running else f" (final score of {cycle})"
    st.plotly_chart(
        charts_overview.department_status_figure(departments, title, by),
        key="departments", config=PLOT_CONFIG,
    )  # fmt: skip
# The brief in words under the verdict and its chart (both stay on a phone's first screen).
brief.show(loaded, cycle)


def tile(
    column: DeltaGenerator,
    label: str,
    key: transforms.Compared,
    pattern: str = "{:.2f}",
    help: str | None = None,
) -> None:
    """A tile whose delta says what it compares with."""
    change = transforms.delta(now[key], before.get(key))
    delta = None if change is None else f"{pattern.replace('{:', '{:+').format(change)} {against}"
    column.metric(label, fmt(now[key], pattern), delta=delta, help=help)


if previous:
    st.caption(f"The changes under the tiles are against {compared}.")
tiles = st.columns(5)
tile(
    tiles[0], "Objective score (mean)", "objective_mean",
    help="Expected by now: see the verdict (elapsed share × the sweet spot's low edge).",
)  # fmt: skip
tile(tiles[1], "Key-result score (mean)", "kr_mean")
tile(
    tiles[2],
    "In the sweet spot",
    "sweet_share",
    "{:.0%}",
    help=f"Share of graded key results scoring {score_bands().sweet_text()}, the sweet spot: "
    "ambitious goals, mostly reached.",
)
tiles[3].metric(
    "Key results graded", f"{int(now['graded'] or 0)}/{int(now['key_results'] or 0)}",
    help="A key result with no value, grade or manual score yet is ungraded and left "
    "out of every mean.",
)  # fmt: skip
if running:
    tiles[4].metric("Objectives", f"{int(now['objectives'] or 0)}")
else:
    tile(
        tiles[4],
        "Key results at 1.0",
        "maxed_share",
        "{:.0%}",
        help="Consistently 1.0 means goals were set too low.",
    )
if running:
    error = loaded.report.forecast_error
    overall = error[error["cycle_id"] == "all"]
    if not overall.empty and overall["mae"].notna().all():
        st.caption(
            f"How far to trust the forecast: on finished cycles, forecasts made at mid-cycle "
            f"missed the final score by {overall['mae'].iloc[0]:.2f} on average."
        )
with opened(f"Numbers behind the {md(by)} chart", "department_numbers") as is_open:
    if is_open:
        table_formats.show(departments, "department_table")


def distribution(frame: pd.DataFrame, title: str, key: str) -> None:
    """A histogram of the frame's scores, bars in the colour of their band, and the counts
    behind it."""
    histogram = charts_overview.score_histogram_of(frame, "score")
    figure = charts_overview.distribution_figure(histogram, title)
    st.plotly_chart(figure, key=key, config=PLOT_CONFIG)
    with opened("Numbers behind the chart", f"{key}_numbers") as is_open:
        if is_open:
            table_formats.show(histogram, f"{key}_table", columns=["bin", "band", "count"])


left, right = st.columns(2)
with left:
    distribution(key_results, f"Key-result scores: {scope}", "kr_distribution")
with right:
    distribution(objectives, f"Objective scores: {scope}", "objective_distribution")

since_last_import.show(loaded, cycle)

if running:
    st.subheader("Objectives at risk")
    risky = overview_frames.at_risk_objectives(objectives)
    if risky.empty:
        st.success("No objective is heading below the band under the sweet spot.")
    else:
        st.caption("Heading lowest first. Click an objective to open its page.")
        table_formats.show(transforms.with_objective_links(risky), "at_risk_table")

programme_health.show(loaded, cycle)
st.subheader("Trend across cycles")
running_cycle = state.running_cycle(loaded) if any(calendar["state"] == "running") else None
shown = state.filter_units(loaded.objectives)
order = tuple(state.cycle_options(loaded))
whole = overview_frames.scope_trend(shown, order, running_cycle)
groups = overview_frames.scope_trend(shown, order, running_cycle, by=by)
if running_cycle:
    st.caption(
        f"{md(running_cycle)} is still running: its point is a forecast (hollow, dashed), "
        "where its objectives are heading at the end, not a score."
    )
name = "Company objective score" if scope == "The company" else f"Objective score: {scope}"
st.plotly_chart(charts_overview.scope_trend_figure(whole, name), key="trend", config=PLOT_CONFIG)
name = f"Objective score by {by}" + ("" if scope == "The company" else f": {scope}")
st.plotly_chart(
    charts_overview.scope_trend_figure(groups, name, by=by), key="group_trend", config=PLOT_CONFIG
)
with opened("Numbers behind the trends", "trend_numbers") as is_open:
    if is_open:
        table_formats.show(whole.rename(columns={"value": "objective_mean"}), "trend_table")
        table_formats.show(groups.rename(columns={"value": "objective_mean"}), "group_trend_table")
