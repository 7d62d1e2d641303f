"""Reading the store back: the canonical tables as one `Dataset` for the metrics."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import duckdb
import pandas as pd

from pipelines.store.keyed import KeyedCheckIns
from pipelines.store.schema import CHECK_INS, ENTITY_TABLES, Table

# Check-in columns the metrics need; note and author stay in the store unless asked for.
CHECK_IN_METRIC_COLUMNS = ["kr_id", "checked_at", "value", "grade", "confidence"]


@dataclass(frozen=True)
class Dataset:
    """The canonical tables as pandas frames, read once and shared by every metric."""

    cycles: pd.DataFrame
    teams: pd.DataFrame
    objectives: pd.DataFrame
    key_results: pd.DataFrame
    check_ins: pd.DataFrame
    as_of: date | None = None  # the store's "today" (the demo pins one); None means today
    settings: dict[str, str] = field(default_factory=dict)
    # The check-ins again, keyed and sorted by DuckDB for the metrics (see
    # `read_keyed_check_ins`); None for a dataset not read from a store.
    keyed_check_ins: KeyedCheckIns | None = None
    # Rows kept in the store but out of every metric: archived (or deleted, draft,
    # cancelled) objectives and key results, and key results of an archived objective.
    archived: dict[str, int] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        return self.objectives.empty

    def reference_date(self) -> date:
        return self.as_of or date.today()


def query_frame(conn: duckdb.DuckDBPyConnection, sql: str) -> pd.DataFrame:
    """The result of `sql` as a pandas frame, through Arrow (DuckDB's own `.df()` converts
    text row by row: 10x slower on millions of check-ins). Dates arrive as datetime64[us],
    as `.df()` gives them."""
    frame: pd.DataFrame = conn.cursor().sql(sql).to_arrow_table().to_pandas(date_as_object=False)
    for column in frame.columns:
        if pd.api.types.is_datetime64_dtype(frame[column].dtype):
            frame[column] = frame[column].astype("datetime64[us]")
    return frame


# Which rows are active: archived objectives, archived key results and key results of an
# archived objective are left out of the dataset the metrics read.
ACTIVE = {
    "objectives": "archived IS NOT TRUE",
    "key_results": "archived IS NOT TRUE AND objective_id NOT IN "
    "(SELECT objective_id FROM objectives WHERE archived IS TRUE)",
}


def _select(conn: duckdb.DuckDBPyConnection, table: Table) -> str:
    """The table's canonical columns; one an older store lacks is read as empty."""
    present = {row[0] for row in conn.cursor().execute(
        "SELECT column_name FROM duckdb_columns() WHERE table_name = ? AND schema_name = 'main'",
        [table.name],
    ).fetchall()}  # fmt: skip
    return ", ".join(f'"{c.name}"' if c.name in present else f'NULL::{c.sql_type} AS "{c.name}"'
                     for c in table.columns)  # fmt: skip


def _has_archived(conn: duckdb.DuckDBPyConnection) -> bool:
    found = (
        conn.cursor()
        .execute(
            "SELECT count(*) FROM duckdb_columns() WHERE column_name = 'archived'"
            " AND table_name IN ('objectives', 'key_results') AND schema_name = 'main'"
        )
        .fetchone()
    )
    return bool(found and found[0] == 2)


def read_dataset(conn: duckdb.DuckDBPyConnection, include_archived: bool = False) -> Dataset:
    """Read the canonical tables into pandas, ordered by key so results are reproducible.

    Only active rows are read unless `include_archived` (see `ACTIVE`); how many were left
    out is in `Dataset.archived`. Check-ins are read once, keyed and sorted by DuckDB
    (`read_keyed_check_ins`): their frame has the columns the metrics use
    (CHECK_IN_METRIC_COLUMNS), kr_id as a categorical, and shares its arrays with
    `keyed_check_ins`. Check-ins whose key result is not read are left out (they belong to
    no cycle, or to an archived key result)."""
    filtering = not include_archived and _has_archived(conn)
    frames: dict[str, pd.DataFrame] = {}
    archived: dict[str, int] = {}
    for table in ENTITY_TABLES:
        if table is CHECK_INS:
            continue
        where = f" WHERE {ACTIVE[table.name]}" if filtering and table.name in ACTIVE else ""
        frames[table.name] = query_frame(
            conn,
            f"SELECT {_select(conn, table)} FROM {table.name}{where} "
            f"ORDER BY {', '.join(table.key)}",
        )
        if where:
            found = conn.cursor().execute(f"SELECT count(*) FROM {table.name}").fetchone()
            archived[table.name] = (int(found[0]) if found else 0) - len(frames[table.name])
    settings = dict(conn.cursor().execute("SELECT key, value FROM settings").fetchall())
    as_of = date.fromisoformat(settings["as_of"]) if settings.get("as_of") else None
    keyed = read_keyed_check_ins(
        conn, frames["key_results"]["kr_id"], ACTIVE["key_results"] if filtering else None
    )
    return Dataset(
        **frames,
        check_ins=keyed.as_check_ins(),
        as_of=as_of,
        settings=settings,
        keyed_check_ins=keyed,
        archived={k: v for k, v in archived.items() if v},
    )


def read_keyed_check_ins(
    conn: duckdb.DuckDBPyConnection, kr_ids: pd.Series, where: str | None = None
) -> KeyedCheckIns:
    """The check-ins of known key results, keyed by their key result's position in
    `kr_ids` (the store's key-result ids read with the condition `where`, ordered by kr_id)
    and sorted by (code, time).

    The join and the sort run in DuckDB, on every core; the metrics then group check-ins
    by integer code without touching their text ids."""
    frame = query_frame(
        conn,
        f"""
        WITH codes AS (
            SELECT kr_id, (row_number() OVER (ORDER BY kr_id) - 1)::BIGINT AS kr_code
            FROM key_results {f"WHERE {where}" if where else ""}
        )
        SELECT codes.kr_code, c.checked_at, c.value::DOUBLE AS value,
               c.grade::DOUBLE AS grade, c.confidence::DOUBLE AS confidence
        FROM check_ins AS c JOIN codes USING (kr_id)
        ORDER BY codes.kr_code, c.checked_at
        """,
    )
    return KeyedCheckIns(kr_ids=pd.Index(kr_ids), frame=frame)
