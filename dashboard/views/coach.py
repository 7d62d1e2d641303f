"""Coach — who sets goals too easy or too hard (with the evidence), which OKRs are badly
written, who checks in, and whose confidence can be trusted."""

from __future__ import annotations

import streamlit as st

from dashboard import charts, state
from dashboard.text import md

loaded = state.load()
st.title("Coach")
if loaded is None:
    state.show_empty_store()
    st.stop()

report = loaded.report
cycle = state.current_cycle(loaded)
objectives, key_results = state.scoped(loaded, cycle)
teams_shown = set(state.filter_units(loaded.objectives, levels=False)["team_id"].dropna())
config = report.config

st.subheader("Goal-setting patterns across all cycles")
st.caption(
    f"A flag needs at least {config.min_graded_krs} graded key results. Sandbagging: mean "
    f"score ≥ {config.sandbag_mean:.1f} or most key results at 1.0, often reached early or "
    f"with targets at or below the start. Over-ambition: mean below "
    f"{config.over_ambition_mean:.1f} or most key results low, often without movement."
)
by = st.radio("Look at", ["team", "owner"], horizontal=True, key="coach_by",
              format_func={"team": "Teams", "owner": "Owners"}.get)  # fmt: skip
patterns = report.team_patterns if by == "team" else report.owner_patterns
if by == "team":
    patterns = patterns[patterns["team_id"].isin(teams_shown)]
else:
    owners_shown = set(state.filter_units(loaded.key_results, levels=False)["owner"].dropna())
    patterns = patterns[patterns["owner"].isin(owners_shown)]
who = "team" if by == "team" else "owner"
flag_left, flag_right = st.columns(2)
for column, pattern, heading in (
    (flag_left, "sandbagging", "Sandbagging (goals set too low)"),
    (flag_right, "over-ambitious", "Over-ambitious (goals set too high, or stalled)"),
):
    flagged = patterns[patterns["pattern"] == pattern]
    with column:
        st.markdown(f"**{heading}: {len(flagged)}**")
        if flagged.empty:
            st.caption("No one is flagged.")
        else:
            st.dataframe(
                flagged[[who, "evidence"]],
                hide_index=True,
                key=f"flags_{pattern}",
                column_config={"evidence": st.column_config.TextColumn(width="large")},
            )
st.plotly_chart(charts.patterns_figure(patterns, who), key="patterns_chart")
with st.expander("Numbers behind the chart"):
    st.dataframe(patterns.drop(columns=["evidence"]), hide_index=True, key="patterns_table")

st.subheader(f"Quality lint · {md(cycle)}")
lint = report.lint[(report.lint["cycle_id"] == cycle)]
lint = lint[lint["team_id"].isin(teams_shown) | lint["team_id"].isna()]
rules = sorted(lint["rule"].unique())
chosen = st.multiselect("Rules", rules, default=rules, key="lint_rules")
shown = lint[lint["rule"].isin(chosen)]
st.caption(f"{len(shown)} findings. Sort by any column; each reason can be read out as is.")
st.dataframe(shown[["rule", "kind", "title", "owner", "team_id", "reason"]], hide_index=True,
             key="lint_table")  # fmt: skip

st.subheader(f"Check-in discipline · {md(cycle)}")
weeks = report.team_discipline[
    (report.team_discipline["cycle_id"] == cycle)
    & report.team_discipline["team_id"].isin(teams_shown)
]
if weeks.empty:
    st.caption("No weeks of this cycle have passed yet.")
else:
    overall = weeks["checked_krs"].sum() / max(int(weeks["active_krs"].sum()), 1)
    st.metric("Key results checked in, week by week", f"{overall:.0%}")
    st.plotly_chart(charts.discipline_heatmap(weeks), key="discipline_heatmap")
    with st.expander("Numbers behind the heatmap"):
        st.dataframe(weeks, hide_index=True, key="discipline_table")
stale = report.stale[(report.stale["cycle_id"] == cycle)
                     & report.stale["team_id"].isin(teams_shown)]  # fmt: skip
st.markdown(
    f"**Stale key results: {len(stale)}** (no check-in for more than {config.stale_days} days)"
)
if not stale.empty:
    st.dataframe(stale[["title", "owner", "team", "last_check_in_at", "days_silent"]],
                 hide_index=True, key="stale_table")  # fmt: skip

st.subheader("Confidence calibration")
calibration = report.calibration[report.calibration["team_id"].isin(teams_shown)]
overall_brier = report.calibration_overall["brier"]
st.caption(
    "Stated confidence against the outcome in finished cycles (a key result counts as hit "
    f"at a final score ≥ {config.hit_score}). The Brier score is the mean squared gap: 0 is "
    "perfect, 0.25 is what always saying 50% earns."
    + (f" Company: {overall_brier.iloc[0]:.3f}." if len(overall_brier) else "")
)
if calibration.empty:
    st.caption("No finished cycle with confidence ratings yet.")
else:
    st.plotly_chart(charts.calibration_figure(calibration), key="calibration_chart")
    st.dataframe(calibration.sort_values("brier", ascending=False), hide_index=True,
                 key="calibration_table")  # fmt: skip
