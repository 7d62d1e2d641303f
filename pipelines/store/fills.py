"""A first load is written once: a write that fills an empty table logs no copy of its rows
(docs/history.md, "A first load is written once").

The change log (`history_<table>`, pipelines.store.history) would otherwise hold every row
of a first load a second time, as `added`. Instead the write is noted in `version_fills`
(its version and the table it filled), and the rows it added are derived when read: they
are the table as that version left it, which the table now and the later versions' logged
rows give back exactly,

    added by V = (the table now  ⊎  rows removed after V)  ∖  rows added after V

(multisets, as `EXCEPT ALL` counts them; the versions after V up to the next write that
filled the table again, whose own rows are then not in the table any more). Every reader
of a version's rows goes through `change_log_sql`, so history, undo, `--at`, goalposts and
`describe` see the log they saw when the copy was written. Reverting a fill needs no rows
at all: reverts run newest first, so when V is reverted the table is as V left it, and
emptying it gives the state before V.
"""

from __future__ import annotations

import duckdb

FILLS_DDL = """
CREATE TABLE IF NOT EXISTS version_fills (
    import_id INTEGER NOT NULL,
    table_name VARCHAR NOT NULL
)
"""


def mark_filled(conn: duckdb.DuckDBPyConnection, import_id: int, name: str) -> None:
    """Note that the write `import_id` filled the empty table `name` (its rows not logged)."""
    conn.execute("INSERT INTO version_fills VALUES (?, ?)", [import_id, name])


def _has_fills(conn: duckdb.DuckDBPyConnection) -> bool:
    """Whether the store has the fills table (a store written before it, opened read-only,
    has not: all its versions are logged in full)."""
    rows = conn.execute(  # fetched to the end: the connection stays free for a relation
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'version_fills' "
        "AND schema_name = 'main' AND database_name = current_database()"
    ).fetchall()
    return bool(rows and rows[0][0])


def fills_of(conn: duckdb.DuckDBPyConnection, name: str) -> list[int]:
    """The versions that filled the empty table `name`, oldest first."""
    if not _has_fills(conn):
        return []
    rows = conn.execute(
        "SELECT import_id FROM version_fills WHERE table_name = ? ORDER BY import_id", [name]
    ).fetchall()
    return [int(r[0]) for r in rows]


def filled_by(conn: duckdb.DuckDBPyConnection, import_id: int) -> set[str]:
    """The tables the write `import_id` filled from empty."""
    if not _has_fills(conn):
        return set()
    rows = conn.execute(
        "SELECT table_name FROM version_fills WHERE import_id = ?", [import_id]
    ).fetchall()
    return {str(r[0]) for r in rows}


def change_log_sql(conn: duckdb.DuckDBPyConnection, name: str, cols: str) -> str:
    """SQL (a subquery) of the change log of table `name` as readers see it: the logged rows
    of `history_<name>` (import_id, change, then `cols`), and for every version that filled
    the table from empty, the rows it added, derived as the module says. With no fill, the
    log table itself."""
    fills = fills_of(conn, name)
    logged = f"SELECT import_id, change, {cols} FROM history_{name}"
    if not fills:
        return logged
    parts = [logged]
    for i, version in enumerate(fills):
        after = f"import_id > {int(version)}"
        if i + 1 < len(fills):
            after += f" AND import_id < {int(fills[i + 1])}"
        later = conn.execute(f"SELECT count(*) FROM history_{name} WHERE {after}").fetchall()
        if i + 1 == len(fills) and not later[0][0]:
            # nothing changed the table since: what it holds is what the fill added
            parts.append(f"SELECT {int(version)}, 'added', {cols} FROM {name}")
            continue
        now = f"SELECT {cols} FROM {name} UNION ALL " if i + 1 == len(fills) else ""
        parts.append(
            f"SELECT {int(version)}, 'added', * FROM ("
            f"({now}SELECT {cols} FROM history_{name} WHERE {after} AND change = 'removed') "
            f"EXCEPT ALL SELECT {cols} FROM history_{name} WHERE {after} AND change = 'added')"
        )
    return " UNION ALL ".join(f"({p})" for p in parts)


__all__ = ["FILLS_DDL", "change_log_sql", "filled_by", "fills_of", "mark_filled"]
