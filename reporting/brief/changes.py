"""What changed since the last import and since last week, in the brief's words.

Pure: the scored key results and stale list of the store as it stood before (kept in a
`History`, read by reporting/brief/history.py) against the report's now, compared by
metrics/progress/since_import.py, the Overview's "Since the last import" block.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from metrics.progress.since_import import since_import
from pipelines.arrow import isin
from reporting.brief.model import Section, Sentence, Text, objective_link
from reporting.brief.words import counted, listing, score

NAMED = 3  # key results named per kind of change


@dataclass(frozen=True)
class Earlier:
    """The store as it stood at an earlier moment: its scored key results (kr_id,
    objective_id, title, team, score, status) and stale list (kr_id, days_silent)."""

    label: str  # "the last import", "last week"
    day: date | None
    key_results: pd.DataFrame
    stale: pd.DataFrame


@dataclass(frozen=True)
class History:
    """What the brief compares with: before the latest import, and a week before the
    report's as-of date (None when the store holds no such version)."""

    last_import: Earlier | None
    last_week: Earlier | None


def _kr(row: pd.Series, cycle_id: str) -> Text:
    return Text(str(row["title"]), objective_link(str(row["objective_id"]), cycle_id))


def _moves(earlier: Earlier, key_results: pd.DataFrame, stale_now: pd.DataFrame) -> list[Sentence]:
    ids = key_results["kr_id"]
    before = earlier.key_results[isin(earlier.key_results["kr_id"], ids)]
    stale = stale_now[stale_now["kr_id"].isin(ids)]
    found = since_import(before, key_results, earlier.stale, stale, top=max(len(ids), 1))
    when = f"Since {earlier.label}" + (f" ({earlier.day})" if earlier.day else "")
    if found.is_empty:
        return [(f"{when}: no score moved, no key result fell behind or went stale.",)]
    counts = [
        f"{counted(len(found.moved_up), 'key result')} moved up" if len(found.moved_up) else "",
        f"{len(found.moved_down)} moved down" if len(found.moved_down) else "",
        f"{len(found.newly_off_track)} became behind or at risk"
        if len(found.newly_off_track) else "",
        f"{len(found.went_stale)} went stale" if len(found.went_stale) else "",
    ]  # fmt: skip
    lines: list[Sentence] = [(f"{when}: {listing([c for c in counts if c])}.",)]
    cycle = str(key_results["cycle_id"].iloc[0])
    for frame, words in ((found.moved_up, "up"), (found.moved_down, "down")):
        if len(frame):
            row = frame.iloc[0]
            lines.append(
                (f"The largest move {words}: ", _kr(row, cycle),
                 f", {score(row['before']) if pd.notna(row['before']) else 'new'} → "
                 f"{score(row['after'])}.")
            )  # fmt: skip
    off = found.newly_off_track.head(NAMED)
    for i in range(len(off)):
        row = off.iloc[i]
        lines.append(("Now ", str(row["after"]), ": ", _kr(row, cycle), "."))
    return lines


def changes_section(
    history: History, key_results: pd.DataFrame, stale_now: pd.DataFrame
) -> Section:
    """Score moves, key results newly behind or at risk, and newly stale ones, since the last
    import and since last week, for the unit's key results (`key_results`: the report's)."""
    lines: list[Sentence] = []
    if key_results.empty:
        return Section("changes", "What changed")
    for earlier, missing in (
        (history.last_import, "There is no earlier import to compare with."),
        (history.last_week, "The store holds no version from a week ago to compare with."),
    ):
        if earlier is None:
            lines.append((missing,))
        else:
            lines.extend(_moves(earlier, key_results, stale_now))
    return Section("changes", "What changed", tuple(lines))
