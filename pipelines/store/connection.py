"""Opening the DuckDB store: its file, its schema, and who may hold it.

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
import os
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

import duckdb

from pipelines.settings import Settings, settings
from pipelines.store.faults import unusable_store
from pipelines.store.history import create_history_schema
from pipelines.store.schema import CHECK_INS, ENTITY_TABLES, Table

PROJECT_DIR = Path(__file__).resolve().parents[2]
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
    """Create the canonical tables, the imports log and the settings table if absent, and
    add the columns a store written by an older version lacks (empty: nothing is lost)."""
    for table in ENTITY_TABLES:
        conn.execute(_create_table_sql(table))
        for column in table.columns:
            if not column.required:
                conn.execute(
                    f'ALTER TABLE {table.name} ADD COLUMN IF NOT EXISTS "{column.name}" '
                    f"{column.sql_type}"
                )
    conn.execute(IMPORTS_DDL)
    conn.execute(SETTINGS_DDL)
    create_history_schema(conn)


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
            try:
                return _duckdb_connect(path, True, deadline)
            except (duckdb.Error, OSError) as exc:
                raise unusable_store(path, exc) from None
    if limits.read_only:
        raise StoreReadOnly(
            f"writing to the store is switched off ({Settings.variable('read_only')}=1): "
            "this deployment only shows the data"
        )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = _duckdb_connect(path, False, deadline)
        create_schema(conn)
    except (duckdb.Error, OSError) as exc:
        raise unusable_store(path, exc) from None
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
        except duckdb.IOException as exc:  # a truncated file fails at its first read
            raise unusable_store(resolve_db_path(db), exc) from None
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
        if path.is_dir():
            raise unusable_store(path, IsADirectoryError(str(path)))
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise unusable_store(path, exc) from None
        with _gate(path, exclusive=True, deadline=deadline) if depth == 0 else nullcontext():
            conn = connect(db, read_only=False, timeout_s=max(0.0, deadline - time.monotonic()))
            try:
                if depth == 0:
                    mark_interrupted(conn)
                yield conn
            except duckdb.IOException as exc:  # a truncated file, a disk that fills up
                raise unusable_store(path, exc) from None
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


def store_version(db: str | Path | None = None) -> float:
    """A value that changes whenever the store file changes (for cache invalidation)."""
    path = resolve_db_path(db)
    wal = path.with_name(path.name + ".wal")
    stamps = [p.stat().st_mtime_ns for p in (path, wal) if p.exists()]
    return float(max(stamps)) if stamps else time.time()
