"""The DuckDB store: where the data rests between the pipelines and the metrics.

Creating the schema, opening the file, reading the canonical tables back as a `Dataset`,
and writing a set of canonical frames in one all-or-nothing transaction all happen here;
no other module issues DDL.

DuckDB lets one process write a database file, or several read it, never both at once; and
within one process a read-only and a writable connection cannot coexist. So `connect` waits
for the file with a bounded retry (`lock_timeout_s`) and then raises `StoreBusy`, a message
for people, never a lock trace. Writers in one process take turns (`_WRITE_LOCK`), and a
writer holds the store's gate (`_gate`) so that a stream of readers cannot starve it. An import
is recorded as `running` before its transaction starts and set to its outcome inside it, so
an import whose process died is found `running` by the next writer and marked `interrupted`.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from pipelines.keyed import KeyedCheckIns
from pipelines.schema import CHECK_INS, ENTITY_TABLES, Table
from pipelines.settings import Settings, settings

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
CHECK_IN_METRIC_COLUMNS = ["kr_id", "checked_at", "value", "grade", "confidence"]


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


class StoreBusy(RuntimeError):
    """Another process (or session) held the store for longer than the wait allows."""


class StoreReadOnly(RuntimeError):
    """Writing is switched off for this deployment (OKR_HEALTH_READ_ONLY)."""


LOCK_CONFLICTS = ("Could not set lock", "Conflicting lock", "different configuration")
_WRITE_LOCK = threading.RLock()  # one writer at a time within this process
_writing = threading.local()
INTERRUPTED = "the process stopped before this import finished; nothing of it was written"


def _pause(delay: float, deadline: float) -> float:
    """Sleep a little (never past the deadline); the next, longer, delay."""
    time.sleep(max(0.0, min(delay, deadline - time.monotonic())))
    return min(delay * 2, 0.25)


@contextmanager
def _gate(path: Path, exclusive: bool, deadline: float) -> Iterator[None]:
    """The store's gate: a lock file beside it that a writer holds for its whole session,
    and that readers pass only while no writer holds it.

    Without it, readers that overlap (dashboard sessions, other processes) keep DuckDB's
    shared lock held for good and a writer never gets in. With it, a waiting writer stops new
    readers at the gate; the reads under way finish, and the writer's connection succeeds.
    The writer's PID is written into the gate so a reader that gives up can say who waited.
    """
    gate = path.with_name(path.name + ".gate")
    try:
        fd = os.open(gate, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError:  # a folder we cannot write to: no writer can exist, no gate is needed
        yield
        return
    try:
        mode = fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH
        delay = 0.005
        while True:
            try:
                fcntl.flock(fd, mode | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = os.pread(fd, 32, 0).decode(errors="replace").strip()
                    message = _busy(path, f"PID {holder}" if holder else "", exclusive)
                    raise StoreBusy(message) from None
                delay = _pause(delay, deadline)
        if exclusive:
            os.ftruncate(fd, 0)
            os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(fd)  # releases the lock


def _duckdb_connect(path: Path, read_only: bool, deadline: float) -> duckdb.DuckDBPyConnection:
    """duckdb.connect, retried while another connection holds the file, until `deadline`."""
    delay = 0.01
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except (duckdb.IOException, duckdb.ConnectionException) as exc:
            if not any(marker in str(exc) for marker in LOCK_CONFLICTS):
                raise
            if time.monotonic() >= deadline:
                raise StoreBusy(_busy(path, str(exc), not read_only)) from None
            delay = _pause(delay, deadline)


def _busy(path: Path, error: str, writing: bool) -> str:
    holder = re.search(r"PID (\d+)", error)
    if "different configuration" in error:
        who = "another session of this dashboard"
    else:
        who = f"another process (PID {holder.group(1)})" if holder else "another process"
    doing = "in use by" if writing else "being written to by"
    return (
        f"the store {path} is {doing} {who}; waited {settings().lock_timeout_s:g} s. Try again "
        f"when it has finished (or wait longer: {Settings.variable('lock_timeout_s')})."
    )


def connect(
    db: str | Path | None = None, read_only: bool = False, timeout_s: float | None = None
) -> duckdb.DuckDBPyConnection:
    """Open the store (creating file and schema when writable), waiting while it is busy.

    Write through `open_store`, which also holds the gate for the whole write session."""
    path = resolve_db_path(db)
    limits = settings()
    deadline = time.monotonic() + (limits.lock_timeout_s if timeout_s is None else timeout_s)
    if read_only:
        if not path.exists():
            raise FileNotFoundError(
                f"No OKR store at {path}. Run `okr-health demo` or ingest a file."
            )
        with _gate(path, exclusive=False, deadline=deadline):
            return _duckdb_connect(path, True, deadline)
    if limits.read_only:
        raise StoreReadOnly(
            f"writing to the store is switched off ({Settings.variable('read_only')}=1): "
            "this deployment only shows the data"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = _duckdb_connect(path, False, deadline)
    create_schema(conn)
    return conn


@contextmanager
def open_store(
    db: str | Path | None = None, read_only: bool = False, timeout_s: float | None = None
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection for the moment of a read or a write, closed afterwards (so the file is
    free for other processes). Writers in this process take turns, and hold the gate."""
    if read_only:
        conn = connect(db, read_only=True, timeout_s=timeout_s)
        try:
            yield conn
        finally:
            conn.close()
        return
    path = resolve_db_path(db)
    wait = settings().lock_timeout_s if timeout_s is None else timeout_s
    deadline = time.monotonic() + wait
    if settings().read_only:
        connect(db)  # raises StoreReadOnly
    if not _WRITE_LOCK.acquire(timeout=wait):
        raise StoreBusy(_busy(path, "different configuration", True))
    depth = getattr(_writing, "depth", 0)
    _writing.depth = depth + 1
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with _gate(path, exclusive=True, deadline=deadline) if depth == 0 else nullcontext():
            conn = connect(db, read_only=False, timeout_s=max(0.0, deadline - time.monotonic()))
            try:
                if depth == 0:
                    mark_interrupted(conn)
                yield conn
            finally:
                conn.close()
    finally:
        _writing.depth = depth
        _WRITE_LOCK.release()


def mark_interrupted(conn: duckdb.DuckDBPyConnection) -> int:
    """Imports left `running` by a process that died: no other writer can be mid-import while
    we hold the file and the process's write lock, so they are recorded as interrupted."""
    stale = conn.execute("SELECT count(*) FROM imports WHERE outcome = 'running'").fetchone()
    if stale and stale[0]:
        conn.execute(
            "UPDATE imports SET outcome = 'interrupted', message = ? WHERE outcome = 'running'",
            [INTERRUPTED],
        )
    return int(stale[0]) if stale else 0


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

    @property
    def is_empty(self) -> bool:
        return self.objectives.empty

    def reference_date(self) -> date:
        return self.as_of or date.today()


def _frame(conn: duckdb.DuckDBPyConnection, sql: str) -> pd.DataFrame:
    """The result of `sql` as a pandas frame, through Arrow (DuckDB's own `.df()` converts
    text row by row: 10x slower on millions of check-ins). Dates arrive as datetime64[us],
    as `.df()` gives them."""
    frame = conn.cursor().sql(sql).to_arrow_table().to_pandas(date_as_object=False)
    for column in frame.columns:
        if pd.api.types.is_datetime64_dtype(frame[column].dtype):
            frame[column] = frame[column].astype("datetime64[us]")
    return frame


def read_dataset(conn: duckdb.DuckDBPyConnection) -> Dataset:
    """Read every canonical table into pandas, ordered by key so results are reproducible.

    Check-ins are read once, keyed and sorted by DuckDB (`read_keyed_check_ins`): their
    frame has the columns the metrics use (CHECK_IN_METRIC_COLUMNS), kr_id as a
    categorical, and shares its arrays with `keyed_check_ins`. Check-ins whose key result
    is not in the store are left out (they belong to no cycle)."""
    frames: dict[str, pd.DataFrame] = {}
    for table in ENTITY_TABLES:
        if table is CHECK_INS:
            continue
        select = ", ".join(f'"{c}"' for c in table.column_names)
        frames[table.name] = _frame(
            conn, f"SELECT {select} FROM {table.name} ORDER BY {', '.join(table.key)}"
        )
    settings = dict(conn.cursor().execute("SELECT key, value FROM settings").fetchall())
    as_of = date.fromisoformat(settings["as_of"]) if settings.get("as_of") else None
    keyed = read_keyed_check_ins(conn, frames["key_results"]["kr_id"])
    return Dataset(
        **frames,
        check_ins=keyed.as_check_ins(),
        as_of=as_of,
        settings=settings,
        keyed_check_ins=keyed,
    )


def read_keyed_check_ins(conn: duckdb.DuckDBPyConnection, kr_ids: pd.Series) -> KeyedCheckIns:
    """The check-ins of known key results, keyed by their key result's position in
    `kr_ids` (the store's key-result ids, ordered by kr_id) and sorted by (code, time).

    The join and the sort run in DuckDB, on every core; the metrics then group check-ins
    by integer code without touching their text ids."""
    frame = _frame(
        conn,
        """
        WITH codes AS (
            SELECT kr_id, (row_number() OVER (ORDER BY kr_id) - 1)::BIGINT AS kr_code
            FROM key_results
        )
        SELECT codes.kr_code, c.checked_at, c.value::DOUBLE AS value,
               c.grade::DOUBLE AS grade, c.confidence::DOUBLE AS confidence
        FROM check_ins AS c JOIN codes USING (kr_id)
        ORDER BY codes.kr_code, c.checked_at
        """,
    )
    return KeyedCheckIns(kr_ids=pd.Index(kr_ids), frame=frame)


def content_hash(tables: dict[str, pd.DataFrame]) -> str:
    """A stable hash of the canonical content, used to recognise a re-import of the same data.

    Every row is hashed (64 bits, over all its columns) by DuckDB, in C++ on every core, and
    the row hashes in order, with the table and column names, go into one SHA-256.
    """
    digest = hashlib.sha256()
    conn = duckdb.connect()  # in memory, for the hashing only
    try:
        for name in sorted(tables):
            frame = tables[name]
            digest.update(name.encode())
            digest.update(json.dumps([str(c) for c in frame.columns]).encode())
            digest.update(_row_hashes(conn, frame).tobytes())
    finally:
        conn.close()
    return digest.hexdigest()


def _row_hashes(conn: duckdb.DuckDBPyConnection, frame: pd.DataFrame) -> np.ndarray:
    if frame.empty or frame.shape[1] == 0:
        return np.zeros(len(frame), dtype=np.uint64)
    table = _as_arrow(frame.set_axis([f"c{i}" for i in range(frame.shape[1])], axis=1))
    if not isinstance(table, pa.Table):  # a column Arrow cannot hold: pandas hashes it
        return pd.util.hash_pandas_object(frame, index=False).to_numpy(dtype=np.uint64)
    conn.register("hashed", table)
    try:
        columns = ", ".join(f"c{i}" for i in range(frame.shape[1]))
        # insertion order is kept: the hashes come back in the frame's row order
        rows = conn.execute(f"SELECT hash({columns}) AS h FROM hashed").fetchnumpy()["h"]
    finally:
        conn.unregister("hashed")
    return np.asarray(rows, dtype=np.uint64)


def _as_arrow(frame: pd.DataFrame) -> pa.Table | pd.DataFrame:
    """The frame as an Arrow table (DuckDB scans one faster than a pandas frame; text
    columns are Arrow already, and NaN becomes NULL, as DuckDB reads it from pandas too);
    the frame itself when a column does not convert."""
    try:
        return pa.Table.from_pandas(frame, preserve_index=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        return frame


def upsert_rows(conn: duckdb.DuckDBPyConnection, table: Table, frame: pd.DataFrame) -> None:
    cols = [c for c in table.column_names if c in frame.columns]
    view = f"incoming_{table.name}"
    conn.register(view, _as_arrow(frame[cols]))
    try:
        col_list = ", ".join(f'"{c}"' for c in cols)
        casts = ", ".join(f'CAST("{c}" AS {table.types()[c]}) AS "{c}"' for c in cols)
        if table is CHECK_INS:
            # A new export carries the whole check-in history of its key results: replace it
            # (nothing to look up when the store holds no check-ins yet, as on a first load).
            if conn.execute("SELECT 1 FROM check_ins LIMIT 1").fetchone():
                conn.execute(f"DELETE FROM check_ins WHERE kr_id IN (SELECT kr_id FROM {view})")
            conn.execute(f"INSERT INTO check_ins ({col_list}) SELECT {casts} FROM {view}")
        else:
            # Into an empty table (a first load) a plain insert of distinct keys does the
            # same, without looking every key up in the table's index first.
            plain = (
                len(table.key) == 1
                and not conn.execute(f"SELECT 1 FROM {table.name} LIMIT 1").fetchone()
                and frame[table.key[0]].is_unique
            )
            verb = "INSERT" if plain else "INSERT OR REPLACE"
            conn.execute(f"{verb} INTO {table.name} ({col_list}) SELECT {casts} FROM {view}")
    finally:
        conn.unregister(view)


def write_tables(
    conn: duckdb.DuckDBPyConnection,
    tables: dict[str, pd.DataFrame],
    source_files: list[str],
    settings: dict[str, str] | None = None,
) -> dict[str, int]:
    """Load canonical frames in one transaction (see `pipelines.load.load_tables`).

    Returns the rows per table. Rows are inserted or replaced by id, check-ins of the
    written key results replace their stored history, and every attempt is logged.
    """
    from pipelines.load import load_tables  # the load builds on this module's upsert and log

    return load_tables(conn, tables, source_files, settings=settings).rows


def log_import(
    conn: duckdb.DuckDBPyConnection,
    source_files: list[str],
    digest: str,
    rows: dict[str, int],
    started: datetime,
    outcome: str,
    message: str,
) -> int:
    """Add an attempt to the import log; `running` ones get their end from `finish_import`."""
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
            None if outcome == "running" else datetime.now(),
            outcome,
            message,
        ],
    )
    return import_id


def finish_import(
    conn: duckdb.DuckDBPyConnection, import_id: int, outcome: str, message: str = ""
) -> None:
    """Set the outcome of an attempt logged as `running`."""
    conn.execute(
        "UPDATE imports SET outcome = ?, message = ?, finished_at = ? WHERE import_id = ?",
        [outcome, message, datetime.now(), import_id],
    )


def log_rejected_import(
    conn: duckdb.DuckDBPyConnection, source_files: list[str], message: str
) -> None:
    """Record an import that validation refused before anything was written."""
    log_import(conn, source_files, "", {}, datetime.now(), "rejected", message)


def import_history(conn: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return _frame(conn, "SELECT * FROM imports ORDER BY import_id DESC")


def clear_store(conn: duckdb.DuckDBPyConnection) -> None:
    """Remove all OKR data (used before writing the demo company); the import log stays."""
    conn.execute("BEGIN TRANSACTION")
    for table in reversed(ENTITY_TABLES):
        conn.execute(f"DELETE FROM {table.name}")
    conn.execute("DELETE FROM settings")
    log_import(conn, [], "", {}, datetime.now(), "cleared", "all OKR data removed")
    conn.execute("COMMIT")


def store_version(db: str | Path | None = None) -> float:
    """A value that changes whenever the store file changes (for cache invalidation)."""
    path = resolve_db_path(db)
    wal = path.with_name(path.name + ".wal")
    stamps = [p.stat().st_mtime_ns for p in (path, wal) if p.exists()]
    return float(max(stamps)) if stamps else time.time()
