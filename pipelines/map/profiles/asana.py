"""Asana goals, as the API's JSON (`GET /goals`, `/goal_relationships`, `/status_updates`,
`/time_periods`, the `data` arrays saved as files).

Asana has goals, not objectives and key results: a goal with no parent goal, or with sub-goals
of its own, is an objective; a leaf sub-goal is a key result. The tree and the weights are in
the relationships (`subgoal`, `contribution_weight` = the child's weight); `supporting_project`
rows are projects (not scored). A goal's metric gives start, target and current value; a goal
without one is ungraded. Status `dropped` is cancelled (kept out). Status updates are check-ins
with a status and a note, no value.
"""

from __future__ import annotations

import pandas as pd

from pipelines.map.hierarchy import KEY_RESULT, OBJECTIVE, Items
from pipelines.map.profiles.common import announce, split_into
from pipelines.read.sources import Document, Sources, SourceTable

TOOL = "Asana goals export"
CANCELLED = {"dropped"}


def _of_type(sources: Sources, kind: str) -> Document | None:
    return next(
        (d for d in sources.documents
         if d.records and all(r.get("resource_type") == kind for r in d.records[:5])),
        None,
    )  # fmt: skip


def _gid(value: object) -> str | None:
    return str(value["gid"]) if isinstance(value, dict) and value.get("gid") else None


def _name(value: object) -> str | None:
    if isinstance(value, dict):
        found = value.get("name") or value.get("display_name")
        return None if found is None else str(found)
    return None


def recognise(sources: Sources) -> None:
    goals = _of_type(sources, "goal")
    if goals is None:
        return
    relations = _of_type(sources, "goal_relationship")
    updates = _of_type(sources, "status_update")
    periods = _of_type(sources, "time_period")
    records = goals.records
    index = pd.RangeIndex(1, len(records) + 1)
    row_of = {str(r.get("gid")): i for i, r in zip(index, records, strict=True)}
    parent: dict[int, tuple[int, float | None]] = {}
    projects: set[str] = set()
    for rel in relations.records if relations else []:
        up, down = _gid(rel.get("supported_goal")), _gid(rel.get("supporting_resource"))
        if rel.get("resource_subtype") == "subgoal" and up in row_of and down in row_of:
            weight = rel.get("contribution_weight")
            share = None if weight is None else float(str(weight))
            parent[row_of[down]] = (row_of[up], share)
        elif down:
            projects.add(down)
    has_children = set(p for p, _ in parent.values())
    cols: dict[str, list[object]] = {}
    cols["id"] = [str(r.get("gid")) for r in records]
    cols["kind"] = [
        OBJECTIVE if i not in parent or i in has_children else KEY_RESULT for i in index
    ]
    cols["title"] = [r.get("name") for r in records]
    cols["description"] = [r.get("notes") or None for r in records]
    cols["owner"] = [_name(r.get("owner")) for r in records]
    cols["team_id"] = [_name(r.get("team")) for r in records]
    cols["cycle_id"] = [_name(r.get("time_period")) for r in records]
    cols["due_date"] = [r.get("due_on") for r in records]
    cols["archived"] = [str(r.get("status") or "").casefold() in CANCELLED for r in records]
    metrics: list[dict[str, object]] = [
        m if isinstance(m := r.get("metric"), dict) else {} for r in records
    ]
    cols["start_value"] = [m.get("initial_number_value") for m in metrics]
    cols["target_value"] = [m.get("target_number_value") for m in metrics]
    cols["current_value"] = [m.get("current_number_value") for m in metrics]
    cols["unit"] = [m.get("currency_code") or m.get("unit") for m in metrics]
    # a goal without a metric has no value to score: ungraded, never "not done"
    cols["kr_type"] = [None if m else "increase" for m in metrics]
    cols["parents"] = [[parent[i]] if i in parent else [] for i in index]
    frame = pd.DataFrame(cols, index=index)
    checks = _check_ins(updates, row_of)
    letters = {
        "objective_id": "gid", "kr_id": "gid", "title": "name", "owner": "owner.name",
        "team_id": "team.name", "cycle_id": "time_period.display_name",
        "start_value": "metric.initial_number_value", "target_value": "metric.target_number_value",
        "current_value": "metric.current_number_value", "archived": "status",
        "checked_at": "created_at", "status": "status_type", "note": "text",
    }  # fmt: skip
    table = SourceTable(goals.file, None, pd.DataFrame(index=index), {}, 0, records=True)
    sources.tables.append(table)
    split_into(sources, Items(table, frame, letters, checks))
    if projects:
        sources.not_scored["project"] = sources.not_scored.get("project", 0) + len(projects)
    used = [d for d in (goals, relations, updates) if d is not None]
    sources.tables.append(_teams(goals))
    if periods is not None:
        used.append(periods)
        sources.tables.append(_periods(periods))
    sources.documents = [d for d in sources.documents if all(d is not u for u in used)]
    announce(sources, TOOL)


def _check_ins(updates: Document | None, row_of: dict[str, int]) -> pd.DataFrame | None:
    rows = [
        {
            "kr_row": row_of[goal],
            "checked_at": u.get("created_at"),
            "status": u.get("status_type"),
            "note": u.get("text") or None,
            "author": _name(u.get("author")),
        }
        for u in (updates.records if updates else [])
        if (goal := _gid(u.get("parent"))) in row_of
    ]
    if not rows:
        return None
    frame = pd.DataFrame(rows)
    return frame.set_index(pd.Index(frame["kr_row"].to_list()))


def _periods(document: Document) -> SourceTable:
    index = pd.RangeIndex(1, len(document.records) + 1)
    data = pd.DataFrame(
        {
            "cycle_id": [r.get("display_name") for r in document.records],
            "name": [r.get("display_name") for r in document.records],
            "start_date": [r.get("start_on") for r in document.records],
            "end_date": [r.get("end_on") for r in document.records],
        },
        index=index,
    ).astype("object")
    letters = {"cycle_id": "display_name", "name": "display_name", "start_date": "start_on",
               "end_date": "end_on"}  # fmt: skip
    return SourceTable(document.file, None, data, letters, 0, None, "cycles", None, records=True)


def _teams(document: Document) -> SourceTable:
    """Every team a goal names (a key result's team too, which its row cannot hold)."""
    seen: dict[str, int] = {}
    for i, record in enumerate(document.records, start=1):
        name = _name(record.get("team"))
        if name:
            seen.setdefault(name, i)
    data = pd.DataFrame(
        {"team_id": list(seen), "name": list(seen)}, index=pd.Index(list(seen.values()))
    ).astype("object")
    letters = {"team_id": "team.name", "name": "team.name"}
    return SourceTable(document.file, None, data, letters, 0, None, "teams", "teams", True)
