"""Every field a column can be mapped to, in words: `objectives.parent_kr_id` reads
"Objective: parent key result". The one place the Data page's mapping choices and its
"which column fed each field" table take their labels from (docs/pages.md, "Data")."""

from __future__ import annotations

TABLE_WORDS = {
    "cycles": "Cycle",
    "teams": "Team",
    "objectives": "Objective",
    "key_results": "Key result",
    "check_ins": "Check-in",
}

# A column's words where its name alone does not read (the rest: underscores as spaces).
COLUMN_WORDS = {
    "cycle_id": "cycle",
    "team_id": "team",
    "objective_id": "id",
    "kr_id": "id",
    "parent_objective_id": "parent objective",
    "parent_kr_id": "parent key result",
    "parent_team_id": "parent team",
    "kr_type": "type",
    "start_value": "start value",
    "target_value": "target value",
    "range_low": "range, low end",
    "range_high": "range, high end",
    "current_value": "current value",
    "reported_progress": "progress the tool reported",
    "manual_score": "score given (closing grade)",
    "projected_score": "score the owner expects",
    "midpoint_grade": "grade at mid-cycle",
    "due_date": "due date",
    "start_date": "start date",
    "end_date": "end date",
    "checked_at": "date",
    "archived": "archived (deleted, draft or cancelled)",
}
# A table's own id, and the ids by which a row names its parent.
FIELD_WORDS_EXCEPTIONS = {
    "cycles.cycle_id": "Cycle: id",
    "teams.team_id": "Team: id",
    "key_results.objective_id": "Key result: objective id",
    "check_ins.kr_id": "Check-in: key result id",
}


def field_words(name: str) -> str:
    """`table.column` in words: "Objective: parent key result"; a name that is not
    `table.column` is returned with its underscores as spaces."""
    if name in FIELD_WORDS_EXCEPTIONS:
        return FIELD_WORDS_EXCEPTIONS[name]
    table, dot, column = name.partition(".")
    if not dot:
        return name.replace("_", " ")
    words = COLUMN_WORDS.get(column, column.replace("_", " "))
    return f"{TABLE_WORDS.get(table, table.replace('_', ' '))}: {words}"


__all__ = ["field_words"]
