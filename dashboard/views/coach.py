"""Coach — who sets goals too easy or too hard (with the evidence), which OKRs are badly
written, who checks in, and whose confidence can be trusted."""

from __future__ import annotations

import streamlit as st

from dashboard import charts, links, state, table_formats, transforms
from dashboard.sections import goalposts, projections
from dashboard.text import md
from pipelines.store.schema import counted

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
for pattern, heading in (
    ("sandbagging", "Sandbagging (goals set too low)"),
    ("over-ambitious", "Over-ambitious (goals set too high, or stalled)"),
):  # one under the other, full width: the evidence reads in full
    flagged = patterns[patterns["pattern"] == pattern]
    st.markdown(f"**{heading}: {len(flagged)}**")
    if flagged.empty:
        st.caption("No one is flagged.")
        continue
    shown = flagged.assign(owner_link=links.owner_links(flagged[who])) if by == "owner" \
        else flagged  # fmt: skip
    table_formats.show(
        shown, f"flags_{pattern}",
        columns=["owner_link" if by == "owner" else who, "evidence"],
        sort=[("mean_score", pattern == "over-ambitious")],
    )  # fmt: skip
if by == "owner":
    st.caption("Click an owner to open their page: objectives across cycles and the evidence.")
st.plotly_chart(charts.patterns_figure(patterns, who), key="patterns_chart")
with st.expander("Numbers behind the chart"):
    numbers = patterns.drop(columns=["evidence", "team_id"], errors="ignore")
    if by == "owner":
        numbers = numbers.assign(owner_link=links.owner_links(numbers["owner"]))
        numbers = numbers[["owner_link", *(c for c in numbers.columns if c not in
                                           ("owner", "owner_link"))]]  # fmt: skip
    table_formats.show(numbers, "patterns_table", sort=[("mean_score", False)])

goalposts.show(team_ids=teams_shown)

st.subheader(f"Quality lint · {md(cycle)}")
lint = report.lint[(report.lint["cycle_id"] == cycle)]
lint = lint[lint["team_id"].isin(teams_shown) | lint["team_id"].isna()]
rules = sorted(lint["rule"].unique())
chosen = st.multiselect("Rules", rules, default=rules, key="lint_rules")
shown = lint[lint["rule"].isin(chosen)]
st.caption(
    f"{counted(len(shown), 'finding')}. Sort by any column; each reason can be read out as is."
)
table_formats.show(
    transforms.lint_with_links(shown, report.key_results, loaded.objectives), "lint_table",
    columns=["rule", "reason", "objective_link", "owner", "team"],  # the reason first: in full
    sort=[("rule", True)],
)  # fmt: skip

st.subheader(f"Check-in discipline · {md(cycle)}")
weeks = transforms.discipline_weeks(
    report.team_discipline[
        (report.team_discipline["cycle_id"] == cycle)
        & report.team_discipline["team_id"].isin(teams_shown)
    ],
    report.as_of,
)
if weeks.empty:
    st.caption("No weeks of this cycle have passed yet.")
else:
    done = weeks[~weeks["in_progress"]]
    overall = done["checked_krs"].sum() / max(int(done["active_krs"].sum()), 1)
    st.metric(
        "Key results checked in, week by week", f"{overall:.0%}",
        help="Over the weeks that have ended; the week in progress is drawn grey.",
    )  # fmt: skip
    st.plotly_chart(charts.discipline_heatmap(weeks), key="discipline_heatmap")
    with st.expander("Numbers behind the heatmap"):
        table_formats.show(
            weeks.assign(in_progress=weeks["in_progress"].map({True: "in progress", False: ""})),
            "discipline_table",
            columns=["week_start", "team", "active_krs", "checked_krs", "share", "in_progress"],
            sort=[("week_start", True), ("team", True)],
        )  # fmt: skip
stale = report.stale[(report.stale["cycle_id"] == cycle)
                     & report.stale["team_id"].isin(teams_shown)]  # fmt: skip
st.markdown(
    f"**Stale key results: {len(stale)}** (no check-in for more than {config.stale_days} days)"
)
if not stale.empty:
    stale_objectives = loaded.objectives.set_index("objective_id")["title"]
    stale_shown = stale.assign(objective=stale["objective_id"].map(stale_objectives))
    table_formats.show(
        transforms.with_objective_links(stale_shown, "objective").rename(
            columns={"title": "key_result"}),
        "stale_table",
        columns=["key_result", "objective_link", "owner", "team", "last_check_in_at",
                 "days_silent"],
        labels={"key_result": "Key result"}, sort=[("days_silent", False)],
    )  # fmt: skip

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
    table_formats.show(
        calibration.drop(columns="team_id"), "calibration_table", sort=[("brier", False)]
    )
projections.show(report.key_results[report.key_results["team_id"].isin(teams_shown)])
