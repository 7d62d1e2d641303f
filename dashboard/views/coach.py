"""Coach — who sets goals too easy or too hard (with the key results behind each flag),
which OKRs are badly written (each rule in words), who misses check-ins and which key
results went stale, and whose confidence can be trusted."""

from __future__ import annotations

import streamlit as st

from dashboard import coach_frames, state, table_formats
from dashboard.sections import (
    coach_calibration,
    coach_checkins,
    coach_patterns,
    goalposts,
    projections,
)
from dashboard.text import md
from metrics.coaching.lint_rules import lint_rules
from pipelines.store.schema import counted

loaded = state.load()
st.title("Coach")
if loaded is None:
    state.show_empty_store()
    st.stop()

report = loaded.report
cycle = state.current_cycle(loaded)
teams_shown = set(
    coach_frames.teams_shown(
        loaded.objectives, state.selected("department"), state.selected("team")
    )
)

coach_patterns.show(loaded, teams_shown)

goalposts.show(team_ids=teams_shown)

st.subheader(f"Quality lint · {md(cycle)}")
lint = coach_frames.cycle_lint(report.lint, cycle, frozenset(teams_shown))
words = lint_rules(report.config)
rules = coach_frames.rules_found(lint, report.config)
chosen = st.multiselect("Rules", rules, default=rules, key="lint_rules",
                        format_func=lambda r: words[r].title)  # fmt: skip
shown = coach_frames.shown_lint(
    lint, tuple(chosen), report.key_results, loaded.objectives, report.config
)
st.caption(
    f"{counted(len(shown), 'finding')}. Sort by any column; each reason can be read out as is."
)
table_formats.show(
    shown,
    "lint_table",
    columns=["rule", "reason", "objective_link", "owner", "team"],  # the reason first: in full
    labels={"rule": "Finding"}, sort=[("rule", True)],
)  # fmt: skip
with st.expander("What each rule asks"):
    for rule in chosen:
        st.markdown(f"- **{md(words[rule].title.capitalize())}.** {md(words[rule].advice)}")

coach_checkins.show(loaded, cycle, teams_shown)
coach_calibration.show(loaded, teams_shown)
projections.show(report.key_results[report.key_results["team_id"].isin(teams_shown)])
