"""The Overview's opening: the verdict of the scope shown (docs/pages.md, "Overview").

In a running cycle: the scope's status in words, its objectives and key results counted per
status (metrics/progress/status.py, the one rule), its score beside what was expected by
now and where it is heading, and the counts before → now since the latest import, saying
which import. In a finished cycle: the objectives and key results per final band."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import overview_frames, state
from dashboard.text import md
from metrics.scores.bands import band_labels, number, score_bands

# Each status count as a badge in the colour family of STATUS_COLORS (Streamlit's palette);
# the badge holds only our own words and numbers, never text from the data.
BADGES = {
    "on track": "green", "behind": "orange", "at risk": "red", "not started": "gray",
    "done": "blue",
}  # fmt: skip
SAYS = {
    "on track": "is on track", "behind": "is behind", "at risk": "is at risk",
    "not started": "has not started", "done": "is done",
}  # fmt: skip


def scope_name() -> str:
    """The scope the sidebar filters choose, in words: "The company", "Marketing", …"""
    team, department = state.selected("team"), state.selected("department")
    name = team or department or "The company"
    level = state.selected("level")
    return f"{name} ({level}-level objectives)" if level else name


def counts_line(counts: dict[str, int], names: tuple[str, ...], words: dict[str, str]) -> str:
    """The non-zero counts, "**98** on track · …"; a status's count in its colour badge."""
    parts = []
    for name in (n for n in names if counts[n]):
        text = f"**{counts[name]:d}** {md(words.get(name, name))}"
        badge = BADGES.get(name)
        parts.append(f":{badge}-badge[{text}]" if badge else text)
    return " · ".join(parts) if parts else "none"


def since_import_line(cycle: str, now: pd.DataFrame) -> str:
    """Objectives per status before → now since the latest import, as Markdown."""
    before = state.before_latest_import()
    if before is None:
        return "No earlier import to compare the counts with."
    was = state.filter_units(before.objectives)
    was = was[was["cycle_id"] == cycle]
    change = overview_frames.status_change(was, now)
    moved = change[change["change"] != 0]
    day = f"the import of {before.written:%-d %b %Y}" if before.written else "the latest import"
    if moved.empty:
        return f"Since {md(day)}: no objective changed status."
    parts = [f"{md(s)} {b:d} → {n:d}" for s, b, n in moved[["status", "before", "now"]].itertuples(
        index=False)]  # fmt: skip
    return f"Since {md(day)} (objectives, before → now): " + ", ".join(parts) + "."


def show(
    cycle: str, objectives: pd.DataFrame, key_results: pd.DataFrame, elapsed: float | None
) -> None:
    """The verdict block, in a container keyed `verdict` (the page's first screen)."""
    found = overview_frames.verdict(objectives, key_results)
    bands = score_bands()
    scope = scope_name()
    with st.container(key="verdict"):
        if not found.running:
            labels = band_labels()
            score = "–" if found.score is None else f"{found.score:.2f}"
            st.markdown(
                f"#### {md(scope)}: {md(cycle)} is over, objective score {md(score)}\n\n"
                f"Objectives by final band: {counts_line(found.objectives, found.names, labels)}"
                f"  \nKey results by final band: "
                f"{counts_line(found.key_results, found.names, labels)}"
            )
            return
        says = SAYS.get(found.status or "", "is not judged yet")
        heading = "–" if found.heading is None else f"{found.heading:.2f}"
        st.markdown(
            f"#### {md(scope)} {md(says)}: heading for {md(heading)} at the end of "
            f"{md(cycle)} (the sweet spot is {md(bands.sweet_text())})\n\n"
            f"**{found.total:d} objectives**: {counts_line(found.objectives, found.names, {})}  \n"
            f"**{sum(found.key_results.values()):d} key results**: "
            f"{counts_line(found.key_results, found.names, {})}"
        )
        if found.score is not None and found.expected is not None:
            known = elapsed is not None and elapsed == elapsed
            gone = f"{elapsed:.0%} of the cycle gone × " if known else ""
            st.markdown(
                f"Objective score now **{found.score:.2f}**, expected by now "
                f"**{found.expected:.2f}** ({md(gone)}{md(number(bands.sweet_low))}, the sweet "
                "spot's lower edge: what a unit heading for the sweet spot has by now)"
            )
        st.caption(since_import_line(cycle, objectives))
