"""The programme-health line of the brief (metrics/programme/health.py)."""

from __future__ import annotations

import pandas as pd

from metrics.programme.health import PART_LABELS, PARTS, unit_health
from reporting.brief.model import Scope, Section, Sentence
from reporting.brief.words import listing, share


def health_section(health: pd.DataFrame, scope: Scope) -> Section:
    """The unit's index with its parts (an owner has none: the team's is theirs)."""
    if scope.level == "owner":
        return Section("health", "Programme health")
    unit = scope.name if scope.name is not None else "Company"
    row = unit_health(health, scope.cycle_id, scope.level, unit)
    if row is None or pd.isna(row["index"]):
        return Section("health", "Programme health")
    parts = [f"{PART_LABELS[p]} {share(row[p])}" for p in PARTS if pd.notna(row[p])]
    left = [PART_LABELS[p] for p in PARTS if pd.isna(row[p])]
    line: Sentence = (
        f"Programme health is {row['index']:.0f} out of 100, from {listing(parts)}"
        + (f"; {listing(left)} cannot be measured yet." if left else "."),
    )
    return Section("health", "Programme health", (line,))
