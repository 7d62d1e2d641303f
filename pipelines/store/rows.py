"""Writing rows into the store: content hashes, upserts, the import log, clearing."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from pipelines.store.dataset import query_frame
from pipelines.store.faults import stale_running
from pipelines.store.history import add_version, record, snapshot
from pipelines.store.schema import CHECK_INS, ENTITY_TABLES, Table


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
    return stale_running(conn, query_frame(conn, "SELECT * FROM imports ORDER BY import_id DESC"))


def clear_store(conn: duckdb.DuckDBPyConnection) -> None:
    """Remove all OKR data (used before writing the demo company); the import log stays."""
    conn.execute("BEGIN TRANSACTION")
    snapshot(conn)  # a version like any other write: undo brings the data back
    for table in reversed(ENTITY_TABLES):
        conn.execute(f"DELETE FROM {table.name}")
    conn.execute("DELETE FROM settings")
    import_id = log_import(conn, [], "", {}, datetime.now(), "cleared", "all OKR data removed")
    add_version(conn, import_id, "clear", record(conn, import_id))
    conn.execute("COMMIT")
