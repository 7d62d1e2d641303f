"""The store as an ingest checks against it: the keys it holds, and the in-memory copy a dry
run loads into (what the load changes there is what it would change)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from pipelines.store.connection import create_schema, open_store, resolve_db_path
from pipelines.store.load import stored_keys
from pipelines.store.undo import memory_copy


def keys_held(
    db: Path | str | None, conn: duckdb.DuckDBPyConnection | None = None
) -> dict[str, pd.DataFrame]:
    """The key columns the store holds (`conn`'s when given; none when there is no store)."""
    if conn is not None:
        return stored_keys(conn)
    path = resolve_db_path(db)
    if not path.exists():
        return stored_keys(None)
    with open_store(path, read_only=True) as conn:
        return stored_keys(conn)


def dry_store(db: Path | str | None) -> duckdb.DuckDBPyConnection:
    """An in-memory copy of the store (an empty one when there is none) for a dry run to
    load into: what it changes there is what the load would change."""
    path = resolve_db_path(db)
    if path.exists():
        with open_store(path, read_only=True) as conn:
            return memory_copy(conn)
    mem = duckdb.connect()
    create_schema(mem)
    return mem
