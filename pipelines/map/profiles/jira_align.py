"""Jira Align: the Objectives and Key Results grids exported to one workbook.

Objectives come at three tiers (Portfolio, Program, Team) linked by `Parent Objective`
(directional); the team is the most specific of `Team`, `Program` and `Portfolio`, each under
the next; the Program Increment is the cycle. State `Canceled` keeps an objective out (with its
key results); `Completed` and `Not Started` are ordinary states. Key results sit on their own
sheet by `Objective ID`; `Yes/No` key results are milestones; `Completion %` is the tool's own
progress; a key result's value with its `Last Updated` date is one check-in. Planned and
Delivered Value are business values, not scores (not loaded).
"""

from __future__ import annotations

import pandas as pd

from pipelines.map.hierarchy import missing
from pipelines.map.profiles.common import announce, cells, column, letters_for
from pipelines.read.sources import Sources, SourceTable

TOOL = "Jira Align export"
OBJECTIVE_HEADERS = ("id", "name", "tier", "state", "programincrement", "parentobjective")
KR_HEADERS = ("id", "objectiveid", "name", "measure", "startvalue", "targetvalue")
TIERS = {"portfolio": "company", "program": "department", "team": "team", "solution": "department"}
CANCELLED = {"canceled", "cancelled"}
YES_NO = {"yes": 1.0, "no": 0.0}


def _table(
    source: SourceTable, data: dict[str, pd.Series], fields: dict[str, str], role: str
) -> SourceTable:
    frame = pd.DataFrame(data).astype("object")
    return SourceTable(
        source.file, source.sheet, frame, letters_for(source, fields), source.header_row, None,
        role, role.replace("_", " "),
    )  # fmt: skip


def recognise(sources: Sources) -> None:
    free = [s for s in sources.tables if s.role is None]
    objectives = next((s for s in free if all(column(s, h) for h in OBJECTIVE_HEADERS)), None)
    if objectives is None:
        return
    krs = next(
        (s for s in free if s.file == objectives.file and all(column(s, h) for h in KR_HEADERS)),
        None,
    )
    out = [*_objectives(objectives)]
    if krs is not None:
        out += _key_results(krs)
    sources.tables = [t for t in sources.tables if t is not objectives and t is not krs] + out
    announce(sources, TOOL)


def _objectives(source: SourceTable) -> list[SourceTable]:
    def get(name: str) -> pd.Series:
        return cells(source, name)

    portfolio, program, team = get("Portfolio"), get("Program"), get("Team")
    objectives = _table(source, {
        "objective_id": get("ID"), "title": get("Name"), "cycle_id": get("Program Increment"),
        "team_id": team.fillna(program).fillna(portfolio), "owner": get("Owner"),
        "level": get("Tier").map(lambda v: TIERS.get(str(v).casefold()) if v else None),
        "parent_objective_id": get("Parent Objective"), "description": get("Description"),
        "archived": get("State").map(lambda v: v is not None and str(v).casefold() in CANCELLED),
    }, {
        "objective_id": "ID", "title": "Name", "cycle_id": "Program Increment",
        "team_id": "Team", "owner": "Owner", "level": "Tier",
        "parent_objective_id": "Parent Objective", "description": "Description",
        "archived": "State",
    }, "objectives")  # fmt: skip
    rows: dict[str, tuple[int, str | None, str]] = {}
    for row in source.data.index:
        top, middle, own = (_text(c[row]) for c in (portfolio, program, team))
        chain = [(top, None, "company"), (middle, top, "department"), (own, middle or top, "team")]
        for name, parent, level in chain:
            if name and name not in rows:
                rows[name] = (row, parent, level)
    teams = pd.DataFrame(
        {"team_id": list(rows), "name": list(rows),
         "parent_team_id": [p for _, p, _ in rows.values()],
         "level": [lv for _, _, lv in rows.values()]},
        index=pd.Index([r for r, _, _ in rows.values()]),
    ).astype("object")  # fmt: skip
    letters = letters_for(source, {"team_id": "Team", "name": "Team", "parent_team_id": "Program",
                                   "level": "Tier"})  # fmt: skip
    team_table = SourceTable(
        source.file, source.sheet, teams, letters, source.header_row, None, "teams", "teams"
    )
    return [objectives, team_table]


def _key_results(source: SourceTable) -> list[SourceTable]:
    def get(name: str) -> pd.Series:
        return cells(source, name)

    measure = get("Measure").map(lambda v: str(v).strip().casefold() if v else "")
    current = get("Current Value").map(
        lambda v: YES_NO.get(str(v).strip().casefold(), v) if v is not None else None
    )
    kr_type = measure.map(lambda m: "milestone" if m == "yes/no" else None)
    krs = _table(source, {
        "kr_id": get("ID"), "objective_id": get("Objective ID"), "title": get("Name"),
        "owner": get("Owner"), "kr_type": kr_type,
        "start_value": get("Start Value"), "target_value": get("Target Value"),
        "current_value": current, "reported_progress": get("Completion %"),
    }, {
        "kr_id": "ID", "objective_id": "Objective ID", "title": "Name", "owner": "Owner",
        "kr_type": "Measure", "start_value": "Start Value", "target_value": "Target Value",
        "current_value": "Current Value", "reported_progress": "Completion %",
    }, "key_results")  # fmt: skip
    dated = get("Last Updated").notna() & current.notna()
    checks = _table(source, {
        "kr_id": get("ID")[dated], "checked_at": get("Last Updated")[dated],
        "value": current[dated],
    }, {"kr_id": "ID", "checked_at": "Last Updated", "value": "Current Value"},
        "check_ins")  # fmt: skip
    return [krs, checks]


def _text(value: object) -> str | None:
    return None if missing(value) else str(value)
