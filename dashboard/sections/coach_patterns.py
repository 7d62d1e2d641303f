"""The Coach page's goal-setting patterns: who is flagged (a table per flag, each owner
linked to their page), the scatter with every flagged name written on it (a click on an
owner opens their page), and the key results behind each flag, each linked to its objective
(docs/pages.md, "Coach")."""

from __future__ import annotations

from html import unescape

import pandas as pd
import streamlit as st

from dashboard import charts_coach, links, state, table_formats
from dashboard.memo import memoized
from dashboard.on_open import opened
from dashboard.text import md
from metrics.coaching.flag_evidence import flag_key_results
from metrics.config import HealthConfig

ROUND = "coach_chart_round"  # bumped by a click on a team's dot: the chart's key changes
FLAGS = (
    ("sandbagging", "Sandbagging (goals set too low)"),
    ("over-ambitious", "Over-ambitious (goals set too high, or stalled)"),
)


def _caption(config: HealthConfig) -> None:
    st.caption(
        f"A flag needs at least {config.min_graded_krs} graded key results. Sandbagging: mean "
        f"score ≥ {config.sandbag_mean:.1f} or most key results at 1.0, often reached early or "
        f"with targets at or below the start. Over-ambition: mean below "
        f"{config.over_ambition_mean:.1f} or most key results low, often without movement."
    )


def _shown_patterns(loaded: state.Loaded, by: str, teams_shown: set[str]) -> pd.DataFrame:
    """The owner or team patterns of the units the sidebar shows, with a `name` column (the
    owner, or the team's name) and an owner's link: the same object on every run with the
    same filters, so the chart built from it is built once (dashboard/memo.py)."""
    report = loaded.report
    units = (state.selected("department"), state.selected("team"))
    if by == "team":
        return _team_patterns(report.team_patterns, frozenset(teams_shown))
    return _owner_patterns(report.owner_patterns, loaded.key_results, *units)


@memoized(max_entries=32)
def _team_patterns(patterns: pd.DataFrame, teams_shown: frozenset[str]) -> pd.DataFrame:
    patterns = patterns[patterns["team_id"].isin(teams_shown)]
    return patterns.assign(
        name=patterns["team"], team_link=patterns["team"].map(links.team_coach_link)
    )


@memoized(max_entries=32)
def _owner_patterns(
    patterns: pd.DataFrame, key_results: pd.DataFrame, department: str | None, team: str | None
) -> pd.DataFrame:
    """Owners with a key result in the department and team chosen (all when None)."""
    for column, value in (("department", department), ("team", team)):
        if value is not None and column in key_results.columns:
            key_results = key_results[key_results[column] == value]
    owners = set(key_results["owner"].dropna())
    patterns = patterns[patterns["owner"].isin(owners)]
    return patterns.assign(name=patterns["owner"], owner_link=links.owner_links(patterns["owner"]))


def _open_clicked(event: object, by: str) -> None:
    """A click (or box selection) on an owner's dot opens their page; on a team's dot, this
    page narrowed to that team (the sidebar's team filter, through the address)."""
    points = getattr(getattr(event, "selection", None), "points", None) or []
    for point in points:
        data = point.get("customdata") if isinstance(point, dict) else None
        if isinstance(data, list) and data and isinstance(data[0], str):
            if by == "owner":
                st.switch_page("views/owner.py", query_params={"name": unescape(data[0])})
            # A new chart (a new key) forgets the click, so the filter can be changed again.
            st.session_state[ROUND] = st.session_state.get(ROUND, 0) + 1
            st.query_params["team"] = unescape(data[0])
            st.rerun()


@memoized(max_entries=32)
def _flags(
    evidence: pd.DataFrame,
    patterns: pd.DataFrame,
    column: str,
    config: HealthConfig,
    objectives: pd.DataFrame,
) -> tuple[tuple[str, str, str, pd.DataFrame], ...]:
    """Per flagged owner or team (`column`): its name, its pattern and the key results its
    counts were judged on, each with its objective's title and link."""
    krs = flag_key_results(evidence, patterns, column, config)
    if krs.empty:
        return ()
    titles = objectives.set_index("objective_id")["title"]
    krs = krs.assign(objective=krs["objective_id"].map(titles))
    krs = krs.assign(objective_link=links.objective_links(krs, "objective"))
    names = patterns.set_index(column)["name"]
    return tuple(
        (str(unit), str(names.get(unit, unit)), str(rows["pattern"].iloc[0]), rows)
        for unit, rows in krs.groupby(column, sort=True)
    )


def _flag_key_results(loaded: state.Loaded, patterns: pd.DataFrame, by: str) -> None:
    """One expander per flagged owner or team: the key results its counts were judged on
    (built when it is opened)."""
    report = loaded.report
    column = "team_id" if by == "team" else "owner"
    flags = _flags(report.evidence, patterns, column, report.config, loaded.objectives)
    if not flags:
        return
    st.markdown("**The key results behind each flag**")
    st.caption(
        "Every key result a flag was judged on; “What it shows” names the signals its sentence "
        "counts. Open the objective to see the check-ins."
    )
    for unit, name, pattern, rows in flags:
        label = f"{md(name)} · {md(pattern)} · {len(rows)} key results judged"
        with opened(label, f"flag_krs_{by}_{unit}") as is_open:
            if is_open:
                table_formats.show(
                    rows, f"flag_krs_{by}_{unit}",
                    columns=["title", "objective_link", "cycle_id", "score", "signals"],
                    labels={"title": "Key result"},
                )  # fmt: skip


def show(loaded: state.Loaded, teams_shown: set[str]) -> None:
    """The whole section, for the units the sidebar shows."""
    config = loaded.report.config
    st.subheader("Goal-setting patterns across all cycles")
    _caption(config)
    by = st.radio("Look at", ["team", "owner"], horizontal=True, key="coach_by",
                  format_func={"team": "Teams", "owner": "Owners"}.get)  # fmt: skip
    patterns = _shown_patterns(loaded, by, teams_shown)
    for pattern, heading in FLAGS:  # one under the other, full width: the evidence reads in full
        flagged = patterns[patterns["pattern"] == pattern]
        st.markdown(f"**{heading}: {len(flagged)}**")
        if flagged.empty:
            st.caption("No one is flagged.")
            continue
        table_formats.show(
            flagged, f"flags_{pattern}",
            columns=[f"{by}_link", "key_results", "mean_score",
                     "evidence"],
            labels={"key_results": "Key results judged"},
            sort=[("mean_score", pattern == "over-ambitious"), ("name", True)],
        )  # fmt: skip
    st.caption(
        "Click an owner, in a table or on the chart, to open their page."
        if by == "owner"
        else "Click a team, in a table or on the chart, to narrow this page to it."
    )
    event = st.plotly_chart(
        charts_coach.patterns_figure(patterns, by, "name"),
        key=f"patterns_chart_{by}_{st.session_state.get(ROUND, 0)}",
        on_select="rerun", selection_mode="points",
    )  # fmt: skip
    _open_clicked(event, by)
    _flag_key_results(loaded, patterns, by)
    with opened("Numbers behind the chart", "patterns_numbers") as is_open:
        if is_open:
            numbers = patterns.drop(columns=["evidence", "team_id", "name", "team_link"],
                                    errors="ignore")  # fmt: skip
            if by == "owner":
                rest = [c for c in numbers.columns if c not in ("owner", "owner_link")]
                numbers = numbers[["owner_link", *rest]]
            table_formats.show(numbers, "patterns_table", sort=[("mean_score", False)])
