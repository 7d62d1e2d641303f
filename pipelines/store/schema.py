"""The canonical data model (docs/model.md): table names, columns, types and required columns.

Every other module refers to these definitions instead of spelling column names again:
the readers map source headers onto them, the store creates its tables from them, and the
metrics receive frames with exactly these columns.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipelines.kr_types import KrType

TEXT = "VARCHAR"
NUMBER = "DOUBLE"
DATE = "DATE"
TIMESTAMP = "TIMESTAMP"
BOOLEAN = "BOOLEAN"


@dataclass(frozen=True)
class Column:
    name: str
    sql_type: str
    required: bool = False


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]  # columns that identify a row; empty for append-only tables
    sheet: str  # sheet (or CSV file stem) name in the canonical workbook

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    def types(self) -> dict[str, str]:
        return {c.name: c.sql_type for c in self.columns}


CYCLES = Table(
    "cycles",
    (
        Column("cycle_id", TEXT, True),
        Column("name", TEXT),
        Column("start_date", DATE),
        Column("end_date", DATE),
    ),
    key=("cycle_id",),
    sheet="Cycles",
)

TEAMS = Table(
    "teams",
    (
        Column("team_id", TEXT, True),
        Column("name", TEXT),
        Column("parent_team_id", TEXT),
        Column("level", TEXT),  # company | department | team | individual
    ),
    key=("team_id",),
    sheet="Teams",
)

OBJECTIVES = Table(
    "objectives",
    (
        Column("objective_id", TEXT, True),
        Column("cycle_id", TEXT, True),
        Column("title", TEXT, True),
        Column("team_id", TEXT),
        Column("owner", TEXT),
        Column("level", TEXT),
        Column("parent_objective_id", TEXT),  # directional alignment
        Column("parent_kr_id", TEXT),  # strict linking: this objective *is* that key result
        Column("weight", NUMBER),
        Column("description", TEXT),
        # Archived, deleted, draft or cancelled in its source: kept, out of every metric.
        Column("archived", BOOLEAN),
    ),
    key=("objective_id",),
    sheet="Objectives",
)

KEY_RESULTS = Table(
    "key_results",
    (
        Column("kr_id", TEXT, True),
        Column("objective_id", TEXT, True),
        Column("title", TEXT, True),
        Column("kr_type", TEXT),  # a KrType value (pipelines/kr_types.py)
        Column("owner", TEXT),
        Column("unit", TEXT),
        Column("start_value", NUMBER),
        Column("target_value", NUMBER),
        Column("range_low", NUMBER),
        Column("range_high", NUMBER),
        Column("current_value", NUMBER),
        Column("reported_progress", NUMBER),  # 0–1: the source tool's own progress figure
        Column("manual_score", NUMBER),  # the closing grade
        Column("projected_score", NUMBER),  # 0–1: the owner's own forecast of the grade
        Column("weight", NUMBER),
        Column("due_date", DATE),
        Column("archived", BOOLEAN),  # as for objectives
    ),
    key=("kr_id",),
    sheet="KeyResults",
)

CHECK_INS = Table(
    "check_ins",
    (
        Column("kr_id", TEXT, True),
        Column("checked_at", TIMESTAMP, True),
        Column("value", NUMBER),
        Column("grade", NUMBER),  # 0–1; zone words are normalised on import
        Column("confidence", NUMBER),  # 0–1
        Column("status", TEXT),
        Column("note", TEXT),
        Column("author", TEXT),
    ),
    key=("kr_id", "checked_at"),
    sheet="CheckIns",
)

ENTITY_TABLES: tuple[Table, ...] = (CYCLES, TEAMS, OBJECTIVES, KEY_RESULTS, CHECK_INS)
TABLES_BY_NAME: dict[str, Table] = {t.name: t for t in ENTITY_TABLES}
KR_TYPES = tuple(t.value for t in KrType)  # every type, as the store holds it
# Tables whose rows a source can archive; the metrics read only the active ones.
ARCHIVABLE = ("objectives", "key_results")
TEAM_LEVELS = ("company", "department", "team", "individual")


# What one row of each table is called, for people: "1 cycle", "4 key results".
ROW_NOUNS = {
    "cycles": ("cycle", "cycles"),
    "teams": ("team", "teams"),
    "objectives": ("objective", "objectives"),
    "key_results": ("key result", "key results"),
    "check_ins": ("check-in", "check-ins"),
}


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """`1 cycle`, `2 cycles`, `1,234 key results`: a count with its noun in the right number."""
    return f"{n:,} {noun if n == 1 else (plural or noun + 's')}"


def row_counts(rows: dict[str, int]) -> str:
    """Rows per canonical table in words: `1 cycle, 2 teams, 4 key results`."""
    words = []
    for table, n in rows.items():
        one, many = ROW_NOUNS.get(table, (table.replace("_", " "), table.replace("_", " ")))
        words.append(counted(n, one, many))
    return ", ".join(words)
