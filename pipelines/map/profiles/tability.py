"""Tability: the plans export, one row per outcome (key result) or initiative (`Kind`).

Objectives are repeated on each of their rows; a plan's start and end are the cycle (plans
sharing a period share the cycle; plans are not teams). Outcome types: `From X to Y` (start to
target), `Stay above X` / `Stay below X` (a one-sided range: 1.0 while on the right side, bound
included), `Non-measurable` (no value: ungraded). `Confidence` is a status word, not a score;
`Status = Archived` keeps the outcome out. Each outcome's last check-in (date, value, note)
is a check-in. Initiatives are counted, never scored.
"""

from __future__ import annotations

import pandas as pd

from pipelines.map.profiles.common import announce, cells, column, letters_for
from pipelines.read.sources import Sources, SourceTable

TOOL = "Tability export"
HEADERS = ("plan", "planstart", "planend", "objective", "kind", "outcometype")


def recognise(sources: Sources) -> None:
    for source in [s for s in sources.tables if s.role is None]:
        if all(column(source, h) for h in HEADERS):
            kind = cells(source, "Kind").map(lambda v: str(v).strip().casefold() if v else None)
            initiatives = int((kind == "initiative").sum())
            if initiatives:
                sources.not_scored["initiative"] = (
                    sources.not_scored.get("initiative", 0) + initiatives
                )
            flat = _flat(source, kind != "initiative")
            sources.tables = [flat if t is source else t for t in sources.tables]
            sources.tables.append(_cycles(source, flat))
            announce(sources, TOOL)


def _flat(source: SourceTable, outcomes: pd.Series) -> SourceTable:
    def get(name: str) -> pd.Series:
        return cells(source, name)[outcomes]

    kind = get("Outcome type").map(lambda v: str(v).strip().casefold() if v else "")
    target = get("Target")
    above, below = kind.str.startswith("stay above"), kind.str.startswith("stay below")
    data = pd.DataFrame(
        {
            "objectives.cycle_id": get("Plan start").astype("str")
            + " to "
            + get("Plan end").astype("str"),
            "objectives.title": get("Objective"),
            "key_results.title": get("Title"),
            "key_results.owner": get("Owner"),
            "key_results.kr_type": kind.map(
                lambda k: (
                    "range"
                    if k.startswith("stay")
                    else "increase"
                    if k == "non-measurable"
                    else None
                )
            ),
            "key_results.start_value": get("Starting value").where(~(above | below), None),
            "key_results.target_value": target.where(~(above | below), None),
            "key_results.range_low": target.where(above, None),
            "key_results.range_high": target.where(below, None),
            "key_results.current_value": get("Current value"),
            "key_results.archived": get("Status").map(
                lambda v: v is not None and str(v).strip().casefold() == "archived"
            ),
            "check_ins.checked_at": get("Last check-in"),
            "check_ins.status": get("Confidence"),
            "check_ins.note": get("Last check-in note"),
        },
        index=source.data.index[outcomes.to_numpy()],
    ).astype("object")
    letters = letters_for(source, {
        "objectives.cycle_id": "Plan start", "objectives.title": "Objective",
        "key_results.title": "Title", "key_results.owner": "Owner",
        "key_results.kr_type": "Outcome type", "key_results.start_value": "Starting value",
        "key_results.target_value": "Target", "key_results.range_low": "Target",
        "key_results.range_high": "Target", "key_results.current_value": "Current value",
        "key_results.archived": "Status", "check_ins.checked_at": "Last check-in",
        "check_ins.status": "Confidence", "check_ins.note": "Last check-in note",
    })  # fmt: skip
    return SourceTable(
        source.file, source.sheet, data, letters, source.header_row, source.decimal_hint, "flat",
        "outcomes",
    )  # fmt: skip


def _cycles(source: SourceTable, flat: SourceTable) -> SourceTable:
    """One cycle per plan period, with its dates (the first row naming it locates it)."""
    ids = flat.data["objectives.cycle_id"]
    first = ~ids.duplicated()
    data = pd.DataFrame(
        {
            "cycle_id": ids[first],
            "name": ids[first],
            "start_date": cells(source, "Plan start")[first.index[first.to_numpy()]],
            "end_date": cells(source, "Plan end")[first.index[first.to_numpy()]],
        }
    ).astype("object")
    letters = letters_for(source, {"cycle_id": "Plan start", "name": "Plan start",
                                   "start_date": "Plan start", "end_date": "Plan end"})  # fmt: skip
    return SourceTable(
        source.file, source.sheet, data, letters, source.header_row, None, "cycles", "cycles"
    )
