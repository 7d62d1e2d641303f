"""Perdoo: the goals export, one CSV of objectives, key results and initiatives (`Type`).

A key result names its objective in `Objective`; an initiative names its objective and, below a
key result, that key result in `Key Result`; `Aligned to` names an objective's parent
(directional). `Owner` is the group (the team), `Lead` the person. `Draft = Yes` and
`Archived = Yes` rows are kept out of every figure. A key result's `Current value` with its
`Last updated` date is one check-in; `Achieved or not` is a milestone.
"""

from __future__ import annotations

import pandas as pd

from pipelines.map.hierarchy import (
    KEY_RESULT,
    OBJECTIVE,
    Items,
    as_column,
    kind_of,
    missing,
    row_number,
)
from pipelines.map.profiles.common import announce, cells, column, letters_for, split_into, yes
from pipelines.read.sources import Sources, SourceTable

TOOL = "Perdoo export"
HEADERS = ("type", "name", "objective", "keyresult", "alignedto", "lead", "timeframe", "draft")
KR_TYPES = {"achieved or not": "milestone"}


def recognise(sources: Sources) -> None:
    for source in [s for s in sources.tables if s.role is None]:
        if all(column(source, h) for h in HEADERS):
            split_into(sources, _items(source))
            announce(sources, TOOL)


def _items(source: SourceTable) -> Items:
    def get(name: str) -> pd.Series:
        return cells(source, name)

    frame = pd.DataFrame(index=source.data.index)
    frame["id"] = get("ID")
    frame["kind"] = get("Type").map(kind_of)
    frame["title"] = get("Name")
    frame["description"] = get("Description")
    frame["team_id"] = get("Owner")
    frame["owner"] = get("Lead")
    frame["cycle_id"] = get("Timeframe")
    frame["archived"] = get("Draft").map(yes) | get("Archived").map(yes)
    frame["kr_type"] = get("Key Result type").map(
        lambda v: None if v is None else KR_TYPES.get(str(v).strip().casefold())
    )
    frame["start_value"] = get("Start value")
    frame["current_value"] = get("Current value")
    frame["target_value"] = get("Target value")
    frame["unit"] = get("Metric unit")
    objectives = _by_title(frame, OBJECTIVE)
    krs = _by_title(frame, KEY_RESULT)
    parents = []
    for row in frame.index:
        kind = frame.at[row, "kind"]
        if kind == OBJECTIVE:
            link = objectives.get(_key(get("Aligned to").get(row)))
        elif kind == KEY_RESULT:
            link = objectives.get(_key(get("Objective").get(row)))
        else:
            link = krs.get(_key(get("Key Result").get(row))) or objectives.get(
                _key(get("Objective").get(row))
            )
        parents.append([(link, None)] if link is not None else [])
    frame["parents"] = as_column(parents, frame.index)
    dated = (frame["kind"] == KEY_RESULT) & frame["current_value"].notna()
    dated &= get("Last updated").notna()
    checks = pd.DataFrame(
        {
            "kr_row": frame.index[dated],
            "checked_at": get("Last updated")[dated].to_list(),
            "value": frame["current_value"][dated].to_list(),
            "status": get("Status")[dated].to_list(),
        },
        index=frame.index[dated],
    )
    letters = letters_for(source, {
        "objective_id": "ID", "kr_id": "ID", "title": "Name", "description": "Description",
        "parent_objective_id": "Aligned to", "team_id": "Owner", "owner": "Lead",
        "cycle_id": "Timeframe", "archived": "Archived", "kr_type": "Key Result type",
        "start_value": "Start value", "current_value": "Current value",
        "target_value": "Target value", "unit": "Metric unit", "checked_at": "Last updated",
        "value": "Current value", "status": "Status",
    })  # fmt: skip
    return Items(source, frame, letters, checks)


def _key(value: object) -> str | None:
    return None if missing(value) else " ".join(str(value).casefold().split())


def _by_title(frame: pd.DataFrame, kind: str) -> dict[str | None, int]:
    rows = frame[frame["kind"] == kind]
    return {_key(t): row_number(r) for r, t in rows["title"].items() if _key(t)}
