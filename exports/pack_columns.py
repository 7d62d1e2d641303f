"""The closing pack's tables as the writers lay them out: each column's header and kind
(text, score, share, int, number, date, band, delta), and the headline figures."""

from __future__ import annotations

from dataclasses import dataclass

from metrics.scores.bands import score_bands


@dataclass(frozen=True)
class Col:
    key: str
    header: str
    kind: str = "text"  # text | score | share | int | number | date | band | delta


COLUMNS: dict[str, list[Col]] = {
    "objectives": [
        Col("objective", "Objective"),
        Col("team", "Team"),
        Col("owner", "Owner"),
        Col("score", "Score", "score"),
        Col("band", "Band", "band"),
        Col("status", "Status"),
        Col("key_results", "Key results", "int"),
        Col("graded", "Graded", "int"),
        Col("aligned_to", "Aligned to"),
        Col("link", "Link"),
        Col("objective_id", "ID"),
    ],
    "key_results": [
        Col("objective", "Objective"),
        Col("title", "Key result"),
        Col("kr_type", "Type"),
        Col("owner", "Owner"),
        Col("start_value", "Start", "number"),
        Col("target_value", "Target", "number"),
        Col("current", "Current", "number"),
        Col("score", "Score", "score"),
        Col("band", "Band", "band"),
        Col("attainment", "Attainment", "score"),
        Col("score_source", "Score source"),
        Col("last_check_in", "Last check-in", "date"),
        Col("confidence", "Confidence", "share"),
        Col("kr_id", "ID"),
    ],
    "movement": [
        Col("objective", "Objective"),
        Col("key_result", "Key result"),
        Col("owner", "Owner"),
        Col("mid_score", "Mid-cycle", "score"),
        Col("score", "Now", "score"),
        Col("delta", "Change", "delta"),
        Col("change", "Movement"),
    ],
    "off_track": [
        Col("objective", "Objective"),
        Col("team", "Team"),
        Col("owner", "Owner"),
        Col("status", "Status"),
        Col("score", "Score", "score"),
        Col("expected", "Expected by now", "score"),
        Col("heading", "Heading for", "score"),
        Col("objective_id", "ID"),
    ],
    "findings": [
        Col("category", "Category"),
        Col("finding", "Finding"),
        Col("subject", "About"),
        Col("team", "Team"),
        Col("detail", "Evidence"),
    ],
    "bands": [
        Col("label", "Band"),
        Col("key_results", "Key results", "int"),
        Col("kr_share", "Share of key results", "share"),
        Col("objectives", "Objectives", "int"),
        Col("objective_share", "Share of objectives", "share"),
    ],
}
# Headline figures: (key, label, kind); "{sweet}" is the sweet spot in force (headline_figures).
HEADLINE = [
    ("objectives", "Objectives", "int"),
    ("graded_objectives", "Objectives graded", "int"),
    ("key_results", "Key results", "int"),
    ("graded_key_results", "Key results graded", "int"),
    ("objective_mean", "Mean objective score", "score"),
    ("kr_mean", "Mean key-result score", "score"),
    ("sweet_spot_share", "Key results in the {sweet} sweet spot", "share"),
]
COMPARED = ("objective_mean", "kr_mean", "sweet_spot_share")


def headline_figures() -> list[tuple[str, str, str]]:
    """The headline figures (key, label, kind), labels written with the sweet spot in force."""
    sweet = score_bands().sweet_text()
    return [(key, label.format(sweet=sweet), kind) for key, label, kind in HEADLINE]
