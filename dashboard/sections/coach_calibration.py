"""The Coach page's confidence calibration: stated confidence against what happened, a hit
being a final score in the sweet spot or above (docs/metrics.md, "Confidence calibration")."""

from __future__ import annotations

import streamlit as st

from dashboard import charts_coach, state, table_formats
from dashboard.text import md
from metrics.coaching.calibration import hit_score
from metrics.scores.bands import score_bands


def show(loaded: state.Loaded, teams_shown: set[str]) -> None:
    """The reliability points of the company (labelled with bin and count), the teams the
    sidebar shows, and their table."""
    report = loaded.report
    calibration = report.calibration[report.calibration["team_id"].isin(teams_shown)]
    overall = report.calibration_overall["brier"]
    hit = hit_score()
    st.subheader("Confidence calibration")
    st.caption(
        "Stated confidence against the outcome in finished cycles: a key result counts as hit "
        f"at a final score of {md(f'{hit:g}')} or more (in the sweet spot, "
        f"{md(score_bands().sweet_text())}, "
        "or above). The Brier score is the mean squared gap between confidence and hit: 0 is "
        "perfect, 0.25 is what always saying 50% earns."
        + (f" Company: {float(overall.iloc[0]):.3f}." if len(overall) else "")
    )
    if calibration.empty:
        st.caption("No finished cycle with confidence ratings yet.")
        return
    st.plotly_chart(
        charts_coach.calibration_figure(report.calibration_curve, calibration, hit),
        key="calibration_chart",
    )
    table_formats.show(
        calibration.drop(columns="team_id"), "calibration_table", sort=[("brier", False)]
    )
