"""The synonym table (docs/ingestion.md): the headers other tools and people use for each canonical
column.

Two views of it: `ENTITY` for a sheet that holds one canonical table (where a plain `title` or
`id` is unambiguous), and `FLAT` for one row per key result with its objective repeated (where
`title` alone would be ambiguous and `owner` is the key result's owner). Headers are compared
after `normalise_header`: case, spacing and punctuation do not matter.
"""

from __future__ import annotations

import re

OWNER = (
    "owner", "owners", "assignee", "champion", "responsible", "owner email", "owner emails",
    "owner name", "accountable", "dri", "lead",
)  # fmt: skip
CYCLE = (
    "cycle", "cycle id", "quarter", "period", "time period", "goal cycle", "okr cycle",
    "timeframe", "time frame", "session", "program increment", "pi", "okr period",
)  # fmt: skip
TEAM = ("team", "team id", "team name", "department", "dept", "squad", "group", "unit name")
START = ("start", "start value", "starting value", "baseline", "initial value", "from")
TARGET = ("target", "target value", "goal value", "stretch goal", "to", "target number")
CURRENT = (
    "current", "current value", "actual", "actual value", "value", "latest value", "achieved",
    "progress value", "done", "done?", "completed?", "achieved?", "met?",
)  # fmt: skip
SCORE = (
    "score", "grade", "final score", "final grade", "closing score", "closing grade",
    "manual score", "end q", "end q score", "end q grade", "eoq", "eoq score", "eoq grade",
    "end of quarter", "end of quarter score", "end of cycle score", "final",
)  # fmt: skip
# The tool's own progress figure, 0–100 or 0–1 (decided per column).
PROGRESS = (
    "progress", "progress %", "% complete", "percent complete", "actual progress",
    "completion", "completion %", "result %", "progress percent", "percentage complete",
)  # fmt: skip
PROJECTED = (
    "projected score", "projection", "mid q projection", "projected", "projected grade",
    "forecast score", "expected score", "mid quarter projection",
)  # fmt: skip
# A mid-quarter grade: a grade check-in dated at the cycle's midpoint (flat sheets).
MIDPOINT = (
    "mid q score", "mid q actual", "midpoint", "mid q", "mid q grade", "mid quarter score",
    "mid cycle score", "midpoint score", "midpoint grade", "mid quarter grade",
)  # fmt: skip
ARCHIVED = ("archived", "is archived", "deleted", "is deleted", "archive", "archived?")
KR_TITLE = (
    "key result", "kr", "kr title", "key result title", "key result name", "key results",
    "krs", "kr name", "metric", "measure",
)  # fmt: skip
OBJECTIVE_TITLE = (
    "objective", "goal", "goal title", "objective title", "objective name", "goal name",
    "objectives", "goals", "okr",
)  # fmt: skip
PARENT_OBJECTIVE = (
    "parent objective", "parent objective id", "parent goal", "parent goal id", "aligned to",
    "aligns to", "supports", "contributes to",
)  # fmt: skip
PARENT_KR = ("parent kr", "parent kr id", "parent key result", "parent key result id", "linked kr")
CHECKED_AT = (
    "checked at", "check in date", "checkin date", "check in", "updated at", "update date",
    "last updated", "as of", "date", "timestamp", "recorded at", "created at",
)  # fmt: skip
CONFIDENCE = ("confidence", "confidence level", "likelihood", "probability", "certainty")
STATUS = ("status", "state", "health", "rag", "rag status")
NOTE = ("note", "notes", "comment", "comments", "remark", "remarks", "update")
AUTHOR = ("author", "updated by", "submitted by", "reporter", "by")
KR_COMMON = {
    "kr_type": (
        "kr type",
        "key result type",
        "metric type",
        "measure type",
        "outcome type",
        "type",
        "progress type",
    ),
    "unit": ("unit", "units", "unit of measure", "uom"),
    "start_value": START,
    "target_value": TARGET,
    "range_low": ("range low", "low", "lower bound", "minimum", "min", "floor"),
    "range_high": ("range high", "high", "upper bound", "maximum", "max", "ceiling"),
    "current_value": CURRENT,
    "manual_score": SCORE,
    "reported_progress": PROGRESS,
    "projected_score": PROJECTED,
    "due_date": ("due", "due date", "deadline", "target date", "due by"),
}

ENTITY: dict[str, dict[str, tuple[str, ...]]] = {
    "cycles": {
        "cycle_id": ("id", "cycle", "cycle id", "quarter", "period", "code"),
        "name": ("name", "cycle name", "label", "title"),
        "start_date": ("start", "start date", "starts", "begins", "from"),
        "end_date": ("end", "end date", "ends", "until", "to"),
    },
    "teams": {
        "team_id": ("id", "team", "team id", "code"),
        "name": ("name", "team name", "title"),
        "parent_team_id": ("parent", "parent team", "parent id", "parent team id", "reports to"),
        "level": ("level", "type", "kind", "team level"),
    },
    "objectives": {
        "objective_id": ("id", "objective id", "goal id", "okr id"),
        "cycle_id": CYCLE,
        "title": ("title", "name", *OBJECTIVE_TITLE),
        "team_id": TEAM,
        "owner": (*OWNER, "objective owner", "goal owner"),
        "level": ("level", "objective level", "goal level"),
        "parent_objective_id": ("parent", "parent id", *PARENT_OBJECTIVE),
        "parent_kr_id": PARENT_KR,
        "weight": ("weight", "weighting"),
        "description": ("description", "details", "why"),
        "archived": (*ARCHIVED, "objective archived", "goal archived"),
    },
    "key_results": {
        "kr_id": ("id", "kr id", "key result id"),
        "objective_id": ("objective id", "goal id"),
        "title": ("title", "name", *KR_TITLE),
        "kr_type": ("type", "kind", *KR_COMMON["kr_type"]),
        "owner": (*OWNER, "kr owner", "key result owner"),
        **{k: v for k, v in KR_COMMON.items() if k != "kr_type"},
        "weight": ("weight", "weighting"),
        "archived": (*ARCHIVED, "kr archived", "key result archived"),
    },
    "check_ins": {
        "kr_id": ("kr id", "key result id", "kr", "key result"),
        "checked_at": CHECKED_AT,
        "value": ("value", "current", "current value", "actual", "progress", "reading"),
        "grade": ("grade", "score", "zone", "rating"),
        "confidence": CONFIDENCE,
        "status": STATUS,
        "note": NOTE,
        "author": AUTHOR,
    },
}

FLAT: dict[str, tuple[str, ...]] = {
    "objectives.objective_id": ("objective id", "goal id", "okr id"),
    "objectives.cycle_id": CYCLE,
    "objectives.title": OBJECTIVE_TITLE,
    "objectives.team_id": TEAM,
    "objectives.owner": ("objective owner", "goal owner", "objective owner email"),
    "objectives.level": ("level", "objective level", "goal level"),
    "objectives.parent_objective_id": ("parent", *PARENT_OBJECTIVE),
    "objectives.parent_kr_id": PARENT_KR,
    "objectives.weight": ("objective weight", "goal weight"),
    "objectives.description": ("description", "objective description", "goal description"),
    "objectives.archived": ("objective archived", "goal archived", "objective deleted"),
    "key_results.kr_id": ("kr id", "key result id"),
    "key_results.title": KR_TITLE,
    "key_results.owner": (*OWNER, "kr owner", "key result owner"),
    **{f"key_results.{k}": v for k, v in KR_COMMON.items()},
    "key_results.weight": ("weight", "kr weight", "key result weight"),
    "key_results.archived": (*ARCHIVED, "kr archived", "key result archived"),
    "key_results.midpoint_grade": MIDPOINT,
    "check_ins.checked_at": CHECKED_AT,
    "check_ins.confidence": CONFIDENCE,
    "check_ins.status": STATUS,
    "check_ins.note": NOTE,
    "check_ins.author": AUTHOR,
}

# A hierarchical table (objectives and key results in one outline): the columns that feed
# canonical fields of either kind (`pipelines.map.outline`) …
OUTLINE: dict[str, tuple[str, ...]] = {
    "owner": OWNER,
    "cycle_id": CYCLE,
    "team_id": TEAM,
    "description": ("description", "details", "notes", "why"),
    "weight": ("weight", "weighting"),
    "start_value": START,
    "target_value": TARGET,
    "current_value": CURRENT,
    "manual_score": SCORE,
    "unit": KR_COMMON["unit"],
    "due_date": KR_COMMON["due_date"],
    "kr_type": tuple(h for h in KR_COMMON["kr_type"] if h != "type"),  # `Type` tells the kinds
}
# … and the outline's own columns: what kind a row is, its number, level and parent, and the
# outcome a person wrote (`Done`, `80%: shipped`) or the tool's progress figure.
OUTLINE_COLUMNS: dict[str, tuple[str, ...]] = {
    "type": ("type", "object type", "item type", "kind", "row type", "okr type", "category"),
    "number": ("no", "number", "outline", "outline number", "wbs", "ref", "index", "item", "id"),
    "parent_row": ("parent row", "parent row number", "parent line"),
    # the table's own numbering of its rows, which a parent row or id refers to first
    "own_id": ("row", "row number", "row no", "line", "id", "key", "item id", "okr id"),
    "parent_id": ("parent id", "parent ids", "parent", "parent key", "aligned to", "aligns to"),
    "parent_title": ("parent title", "parent name", "parent objective", "parent goal"),
    "title": ("title", "name", "summary", "okr", "description title", "item title"),
    "level": ("level", "depth", "indent", "outline level"),
    "outcome": ("outcome", "result", "results", "achievement", "assessment"),
    "progress": PROGRESS,
}

TABLE_ALIASES: dict[str, tuple[str, ...]] = {
    "cycles": ("cycles", "cycle", "quarters", "periods"),
    "teams": ("teams", "team", "departments", "org", "organisation", "organization"),
    "objectives": ("objectives", "objective", "goals"),
    "key_results": ("keyresults", "keyresult", "krs", "key_results"),
    "check_ins": ("checkins", "checkin", "updates", "progressupdates", "check_ins"),
}

# Sheets of tasks, initiatives or people that OKR tools export beside the OKRs: never
# objectives (a `Tasks` sheet with `objective` and `taskName` is not an objectives table).
NOT_OKR_SHEETS = {
    **dict.fromkeys(("tasks", "task", "initiatives", "initiative", "projects", "actions",
                     "deliverables", "todos"), "tasks"),
    **dict.fromkeys(("users", "user", "people", "members", "employees", "staff", "accounts",
                     "persons"), "people"),
}  # fmt: skip
NOT_OKR_HEADERS = {
    **dict.fromkeys(("taskname", "tasktitle", "task", "initiativename", "initiative",
                     "actionitem", "deliverable"), "tasks"),
    **dict.fromkeys(("firstname", "lastname", "givenname", "surname"), "people"),
}  # fmt: skip

DOCUMENTATION_SHEETS = (
    "readme", "instructions", "howto", "howtouse", "help", "about", "legend", "guide",
    "lists", "lookups", "lookup", "info",
)  # fmt: skip


def not_okr_kind(name: str, headers: list[str]) -> str | None:
    """`tasks` or `people` for a sheet of tasks or users by its name or headers, else None."""
    kind = NOT_OKR_SHEETS.get(normalise_header(name))
    if kind:
        return kind
    keys = [NOT_OKR_HEADERS.get(normalise_header(h)) for h in headers]
    return next((k for k in keys if k), None)


def normalise_header(text: str) -> str:
    """`Owner E-mails (2)` → `owneremails`: case, spacing, punctuation and notes in
    parentheses do not matter; `#` reads as `id` and `&` as `and`."""
    text = re.sub(r"\(.*?\)|\[.*?\]", "", str(text)).casefold()
    text = text.replace("#", "id").replace("&", "and").replace("e-mail", "email")
    return re.sub(r"[^0-9a-z\u00c0-\u024f]+", "", text)
