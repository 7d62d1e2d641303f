"""The DuckDB store: where the data rests between the pipelines and the metrics.

Creating the schema, opening the file, reading the canonical tables back as a `Dataset`,
and writing a set of canonical frames in one all-or-nothing transaction all happen here;
no other module issues DDL.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import duckdb
import pandas as pd

from pipelines.schema import CHECK_INS, ENTITY_TABLES, Table

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEFAULT_DB = PROJECT_DIR / "data" / "okr.duckdb"
DB_ENV_VAR = "OKR_HEALTH_DB"

IMPORTS_DDL = """
CREATE TABLE IF NOT EXISTS imports (
    import_id INTEGER PRIMARY KEY,
    source_files VARCHAR,
    content_hash VARCHAR,
    rows_per_table VARCHAR,
    started_at TIMESTAMP,
    finished_at TIMESTAMP,
    outcome VARCHAR,
    message VARCHAR
)
"""
SETTINGS_DDL = "CREATE TABLE IF NOT EXISTS settings (key VARCHAR PRIMARY KEY, value VARCHAR)"

# Check-in columns the metrics need; note and author stay in the store unless asked for.
CHECK_IN_METRIC_COLUMNS = ["kr_id", "checked_at", "value", "grade", "confidence", "status"]


def resolve_db_path(db: str | Path | None = None) -> Path:
    """The store to use: an explicit path, else $OKR_HEALTH_DB, else data/okr.duckdb."""
    if db:
        return Path(db)
    env = os.environ.get(DB_ENV_VAR)
    return Path(env) if env else DEFAULT_DB


def _create_table_sql(table: Table) -> str:
    cols = [f'"{c.name}" {c.sql_type}{" NOT NULL" if c.required else ""}' for c in table.columns]
    if table.key and table is not CHECK_INS:
        cols.append(f"PRIMARY KEY ({', '.join(table.key)})")
    return f"CREATE TABLE IF NOT EXISTS {table.name} ({', '.join(cols)})"


def create_schema(conn: duckdb.DuckDBPyConnection) -> None:
    """Create the canonical tables, the imports log and the settings table if absent."""
    for table in ENTITY_TABLES:
        conn.execute(_create_table_sql(table))
    conn.execute(IMPORTS_DDL)
    conn.execute(SETTINGS_DDL)


def connect(db: str | Path | None = None, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the store (creating file and schema when writable)."""
    path = resolve_db_path(db)
    if read_only:
        if not path.exists():
            raise FileNotFoundError(
                f"No OKR store at {path}. Run `okr-health demo` or ingest a file."
            )
        return duckdb.connect(str(path), read_only=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = duckdb.connect(str(path))
    create_schema(conn)
    return conn


@contextmanager
def open_store(
    db: str | Path | None = None, read_only: bool = False
) -> Iterator[duckdb.DuckDBPyConnection]:
    conn = connect(db, read_only=read_only)
    try:
        yield conn
    finally:
        conn.close()


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

    @property
    def is_empty(self) -> bool:
        return self.objectives.empty

    def reference_date(self) -> date:
        return self.as_of or date.today()


def _frame(conn: duckdb.DuckDBPyConnection, sql: str) -> pd.DataFrame:
    return conn.cursor().execute(sql).df()


def read_dataset(conn: duckdb.DuckDBPyConnection) -> Dataset:
    """Read every canonical table into pandas (ordered by key, so results are reproducible)."""
    frames: dict[str, pd.DataFrame] = {}
    for table in ENTITY_TABLES:
        cols = CHECK_IN_METRIC_COLUMNS if table is CHECK_INS else table.column_names
        select = ", ".join(f'"{c}"' for c in cols)
        frames[table.name] = _frame(
            conn, f"SELECT {select} FROM {table.name} ORDER BY {', '.join(table.key)}"
        )
    settings = dict(conn.cursor().execute("SELECT key, value FROM settings").fetchall())
    as_of = date.fromisoformat(settings["as_of"]) if settings.get("as_of") else None
    return Dataset(**frames, as_of=as_of, settings=settings)


def content_hash(tables: dict[str, pd.DataFrame]) -> str:
    """A stable hash of the canonical content, used to recognise a re-import of the same data."""
    digest = hashlib.sha256()
    for name in sorted(tables):
        frame = tables[name]
        digest.update(name.encode())
        digest.update(pd.util.hash_pandas_object(frame, index=False).values.tobytes())
    return digest.hexdigest()


def _upsert(conn: duckdb.DuckDBPyConnection, table: Table, frame: pd.DataFrame) -> None:
    cols = [c for c in table.column_names if c in frame.columns]
    view = f"incoming_{table.name}"
    conn.register(view, frame[cols])
    try:
        col_list = ", ".join(f'"{c}"' for c in cols)
        casts = ", ".join(f'CAST("{c}" AS {table.types()[c]}) AS "{c}"' for c in cols)
        if table is CHECK_INS:
            # A new export carries the whole check-in history of its key results: replace it.
            conn.execute(f"DELETE FROM check_ins WHERE kr_id IN (SELECT kr_id FROM {view})")
            conn.execute(f"INSERT INTO check_ins ({col_list}) SELECT {casts} FROM {view}")
        else:
            conn.execute(
                f"INSERT OR REPLACE INTO {table.name} ({col_list}) SELECT {casts} FROM {view}"
            )
    finally:
        conn.unregister(view)


STORED_KEYS = {
    "cycles": ["cycle_id"],
    "teams": ["team_id", "name", "parent_team_id"],
    "objectives": ["objective_id", "cycle_id", "team_id", "parent_objective_id"],
    "key_results": ["kr_id", "objective_id"],
}


def stored_keys(conn: duckdb.DuckDBPyConnection | None) -> dict[str, pd.DataFrame]:
    """The id and link columns of the store (empty frames when there is no store yet)."""
    if conn is None:
        return {t: pd.DataFrame({c: pd.Series(dtype="str") for c in cols})
                for t, cols in STORED_KEYS.items()}  # fmt: skip
    return {
        table: _frame(conn, f"SELECT {', '.join(cols)} FROM {table}").astype("str")
        for table, cols in STORED_KEYS.items()
    }


def removed_by(
    incoming: dict[str, pd.DataFrame], stored: dict[str, pd.DataFrame]
) -> dict[str, list[str]]:
    """Stored objectives and key results a newer export no longer contains (the update rule).

    An import is the whole truth for each (cycle, team) its objectives belong to: stored
    objectives of those pairs that it does not contain are removed. When it carries key
    results, it is also the whole truth for the key results of its objectives. Key results of
    removed objectives go with them (and check-ins with their key results). Nothing outside
    those (cycle, team) pairs is touched.
    """
    objectives = incoming.get("objectives")
    if objectives is None or objectives.empty:
        return {"objectives": [], "key_results": []}
    old = stored["objectives"]
    pairs = objectives[["cycle_id", "team_id"]].astype("str").fillna("\x00").drop_duplicates()
    old_pairs = old[["cycle_id", "team_id"]].fillna("\x00")
    in_scope = old_pairs.merge(pairs, how="left", indicator=True)["_merge"].eq("both").to_numpy()
    gone = old.loc[in_scope & ~old["objective_id"].isin(objectives["objective_id"]).to_numpy()]
    gone_objectives = set(gone["objective_id"])
    krs = stored["key_results"]
    drop = krs["objective_id"].isin(gone_objectives)
    if "key_results" in incoming:
        replaced = krs["objective_id"].isin(objectives["objective_id"])
        drop |= replaced & ~krs["kr_id"].isin(incoming["key_results"]["kr_id"])
    return {"objectives": sorted(gone_objectives), "key_results": sorted(krs.loc[drop, "kr_id"])}


@dataclass(frozen=True)
class LoadResult:
    outcome: str  # loaded | unchanged
    rows: dict[str, int]
    removed: dict[str, int]
    import_id: int


def last_loaded_hash(conn: duckdb.DuckDBPyConnection) -> str | None:
    """The content hash of the latest load, unless the store was cleared after it."""
    row = conn.execute(
        "SELECT outcome, content_hash FROM imports WHERE outcome IN ('loaded', 'cleared') "
        "ORDER BY import_id DESC LIMIT 1"
    ).fetchone()
    return row[1] if row and row[0] == "loaded" else None


def _delete(conn: duckdb.DuckDBPyConnection, table: str, column: str, ids: list[str]) -> int:
    if not ids:
        return 0
    conn.register("gone_ids", pd.DataFrame({"id": pd.Series(ids, dtype="str")}))
    try:
        where = f"{column} IN (SELECT id FROM gone_ids)"
        count = conn.execute(f"SELECT count(*) FROM {table} WHERE {where}").fetchone()
        conn.execute(f"DELETE FROM {table} WHERE {where}")
    finally:
        conn.unregister("gone_ids")
    return int(count[0]) if count else 0


def _insert_new(conn: duckdb.DuckDBPyConnection, table: Table, frame: pd.DataFrame) -> None:
    """Insert the rows whose key the table does not hold yet (derived cycles and teams)."""
    key = table.key[0]
    present = {r[0] for r in conn.execute(f"SELECT {key} FROM {table.name}").fetchall()}
    new = frame[~frame[key].isin(present)]
    if not new.empty:
        _upsert(conn, table, new)


def load_tables(
    conn: duckdb.DuckDBPyConnection,
    tables: dict[str, pd.DataFrame],
    source_files: list[str],
    *,
    derived: dict[str, pd.DataFrame] | None = None,
    replace_scope: bool = False,
    settings: dict[str, str] | None = None,
) -> LoadResult:
    """Load canonical frames in one transaction: all rows land, or none do.

    Entity rows are inserted or replaced by id; check-ins of the imported key results are
    replaced by the imported history; `derived` rows are added only where their id is new.
    With `replace_scope`, stored rows the import no longer contains are removed first (see
    `removed_by`). Content equal to the latest load is recorded as "unchanged" and not written.
    Every attempt is logged in `imports`.
    """
    started = datetime.now()
    derived = derived or {}
    rows = {
        t.name: len(tables.get(t.name, ())) + len(derived.get(t.name, ()))
        for t in ENTITY_TABLES
        if t.name in tables or t.name in derived
    }
    digest = content_hash({**tables, **{f"derived {k}": v for k, v in derived.items()}})
    if last_loaded_hash(conn) == digest:
        import_id = _log_import(conn, source_files, digest, rows, started, "unchanged", "")
        return LoadResult("unchanged", rows, {}, import_id)
    removed: dict[str, int] = {}
    conn.execute("BEGIN TRANSACTION")
    try:
        if replace_scope:
            gone = removed_by(tables, stored_keys(conn))
            gone_krs = sorted(set(gone["key_results"]))
            removed["check_ins"] = _delete(conn, "check_ins", "kr_id", gone_krs)
            removed["key_results"] = _delete(conn, "key_results", "kr_id", gone_krs)
            removed["objectives"] = _delete(conn, "objectives", "objective_id", gone["objectives"])
        for table in ENTITY_TABLES:
            if table.name in derived and not derived[table.name].empty:
                _insert_new(conn, table, derived[table.name])
            if table.name in tables and not tables[table.name].empty:
                _upsert(conn, table, tables[table.name])
        for key, value in (settings or {}).items():
            conn.execute("INSERT OR REPLACE INTO settings VALUES (?, ?)", [key, value])
        import_id = _log_import(conn, source_files, digest, rows, started, "loaded", "")
        conn.execute("COMMIT")
    except Exception as exc:
        conn.execute("ROLLBACK")
        _log_import(conn, source_files, digest, rows, started, "failed", str(exc))
        raise
    return LoadResult("loaded", rows, {k: v for k, v in removed.items() if v}, import_id)


def write_tables(
    conn: duckdb.DuckDBPyConnection,
    tables: dict[str, pd.DataFrame],
    source_files: list[str],
    settings: dict[str, str] | None = None,
) -> dict[str, int]:
    """Load canonical frames in one transaction (see `load_tables`); returns rows per table."""
    return load_tables(conn, tables, source_files, settings=settings).rows


def _log_import(
    conn: duckdb.DuckDBPyConnection,
    source_files: list[str],
    digest: str,
    rows: dict[str, int],
    started: datetime,
    outcome: str,
    message: str,
) -> int:
    next_id = conn.execute("SELECT coalesce(max(import_id), 0) + 1 FROM imports").fetchone()
    import_id = int(next_id[0]) if next_id else 1
    conn.execute(
        "INSERT INTO imports VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            import_id,
            json.dumps(source_files),
            digest,
            json.dumps(rows),
            started,
            datetime.now(),
            outcome,
            message,
        ],
    )
    return import_id


def log_rejected_import(
    conn: duckdb.DuckDBPyConnection, source_files: list[str], message: str
) -> None:
    """Record an import that validation refused before anything was written."""
    _log_import(conn, source_files, "", {}, datetime.now(), "rejected", message)


def import_history(conn: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return _frame(conn, "SELECT * FROM imports ORDER BY import_id DESC")


def clear_store(conn: duckdb.DuckDBPyConnection) -> None:
    """Remove all OKR data (used before writing the demo company); the import log stays."""
    conn.execute("BEGIN TRANSACTION")
    for table in reversed(ENTITY_TABLES):
        conn.execute(f"DELETE FROM {table.name}")
    conn.execute("DELETE FROM settings")
    _log_import(conn, [], "", {}, datetime.now(), "cleared", "all OKR data removed")
    conn.execute("COMMIT")


def store_version(db: str | Path | None = None) -> float:
    """A value that changes whenever the store file changes (for cache invalidation)."""
    path = resolve_db_path(db)
    wal = path.with_name(path.name + ".wal")
    stamps = [p.stat().st_mtime_ns for p in (path, wal) if p.exists()]
    return float(max(stamps)) if stamps else time.time()
