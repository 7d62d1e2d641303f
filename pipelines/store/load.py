"""Loading canonical frames into the store: all or nothing, and the rule for newer exports.

`load_tables` writes one ingest in one transaction. Content equal to the latest load is
recorded as "unchanged" and not written; derived cycles and teams are only added where new;
`removed_by` is the update rule that decides which stored rows a newer export replaces.
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date, datetime

import duckdb
import pandas as pd

from pipelines.arrow import isin
from pipelines.store.faults import INTERRUPTED_NOTHING_WRITTEN, failed_write
from pipelines.store.history import Changes, add_version, record, snapshot
from pipelines.store.rows import content_hash, finish_import, log_import, upsert_rows
from pipelines.store.schema import ENTITY_TABLES, Table

STORED_KEYS = {
    "cycles": ["cycle_id"],
    "teams": ["team_id", "name", "parent_team_id"],
    "objectives": ["objective_id", "cycle_id", "team_id", "parent_objective_id", "parent_kr_id"],
    "key_results": ["kr_id", "objective_id"],
}


def stored_keys(conn: duckdb.DuckDBPyConnection | None) -> dict[str, pd.DataFrame]:
    """The id and link columns of the store (empty frames when there is no store yet)."""
    if conn is None:
        return {t: pd.DataFrame({c: pd.Series(dtype="str") for c in cols})
                for t, cols in STORED_KEYS.items()}  # fmt: skip
    return {
        table: conn.cursor().execute(f"SELECT {', '.join(cols)} FROM {table}").df().astype("str")
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
    kept = isin(old["objective_id"], objectives["objective_id"]).to_numpy()
    gone = old.loc[in_scope & ~kept]
    gone_objectives = set(gone["objective_id"])
    krs = stored["key_results"]
    drop = isin(krs["objective_id"], gone_objectives)
    if "key_results" in incoming:
        replaced = isin(krs["objective_id"], objectives["objective_id"])
        drop |= replaced & ~isin(krs["kr_id"], incoming["key_results"]["kr_id"])
    return {"objectives": sorted(gone_objectives), "key_results": sorted(krs.loc[drop, "kr_id"])}


@dataclass(frozen=True)
class LoadResult:
    outcome: str  # loaded | unchanged
    rows: dict[str, int]
    removed: dict[str, int]
    import_id: int
    changes: Changes = field(default_factory=Changes)


def last_loaded_hash(conn: duckdb.DuckDBPyConnection) -> str | None:
    """The content hash of the latest load, unless the store was cleared or an undo ran
    after it (the same file then loads again)."""
    row = conn.execute(
        "SELECT outcome, content_hash FROM imports WHERE outcome IN ('loaded', 'cleared', 'undo') "
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


def _delete_all(conn: duckdb.DuckDBPyConnection, table: str) -> int:
    found = conn.execute(f"SELECT count(*) FROM {table}").fetchone()
    conn.execute(f"DELETE FROM {table}")
    return int(found[0]) if found else 0


def _merge_check_ins(conn: duckdb.DuckDBPyConnection, table: Table, frame: pd.DataFrame) -> None:
    """Add dated values to the stored check-ins (one of the same key result and moment is
    replaced): a snapshot's dated rows extend the history instead of replacing it."""
    conn.register("merged_check_ins", frame[["kr_id", "checked_at"]].astype({"kr_id": "str"}))
    try:
        conn.execute(
            "DELETE FROM check_ins WHERE EXISTS (SELECT 1 FROM merged_check_ins AS m "
            "WHERE m.kr_id = check_ins.kr_id "
            "AND CAST(m.checked_at AS TIMESTAMP) = check_ins.checked_at)"
        )
    finally:
        conn.unregister("merged_check_ins")
    cols = [c for c in table.column_names if c in frame.columns]
    conn.register("incoming_merged", frame[cols])
    try:
        casts = ", ".join(f'CAST("{c}" AS {table.types()[c]})' for c in cols)
        names = ", ".join(f'"{c}"' for c in cols)
        conn.execute(f"INSERT INTO check_ins ({names}) SELECT {casts} FROM incoming_merged")
    finally:
        conn.unregister("incoming_merged")


def _insert_new(conn: duckdb.DuckDBPyConnection, table: Table, frame: pd.DataFrame) -> None:
    """Insert the rows whose key the table does not hold yet (derived cycles and teams)."""
    key = table.key[0]
    present = {r[0] for r in conn.execute(f"SELECT {key} FROM {table.name}").fetchall()}
    new = frame[~frame[key].isin(present)]
    if not new.empty:
        upsert_rows(conn, table, new)


def load_tables(
    conn: duckdb.DuckDBPyConnection,
    tables: dict[str, pd.DataFrame],
    source_files: list[str],
    *,
    derived: dict[str, pd.DataFrame] | None = None,
    replace_scope: bool = False,
    replace_all: bool = False,
    settings: dict[str, str] | None = None,
    as_of: date | None = None,
    kind: str = "import",
    merge_check_ins: bool = False,
) -> LoadResult:
    """Load canonical frames in one transaction: all rows land, or none do.

    Entity rows are inserted or replaced by id; check-ins of the imported key results are
    replaced by the imported history; `derived` rows are added only where their id is new.
    With `replace_scope`, stored rows the import no longer contains are removed first (see
    `removed_by`); with `replace_all`, every stored row and setting is (the demo company
    replacing whatever was there), in the same transaction, so a reader sees the old
    content or the new, never an empty store. Content equal to the latest load is recorded
    as "unchanged" and not written (unless `replace_all`). Every attempt is logged in
    `imports`, and what a load changed is kept in the change log (pipelines.store.history),
    with the check-ins of the values it changed dated `as_of` (see `record_snapshot_check_ins`).
    With `merge_check_ins` (a flat sheet whose rows state their date, e.g. a `Last updated`
    column: one dated value per key result, not its history), imported check-ins are added
    to the stored ones, replacing only those of the same key result and moment.
    """
    started = datetime.now()
    derived = derived or {}
    rows = {
        t.name: len(tables.get(t.name, ())) + len(derived.get(t.name, ()))
        for t in ENTITY_TABLES
        if t.name in tables or t.name in derived
    }
    digest = content_hash({**tables, **{f"derived {k}": v for k, v in derived.items()}})
    if not replace_all and last_loaded_hash(conn) == digest:
        import_id = log_import(conn, source_files, digest, rows, started, "unchanged", "")
        return LoadResult("unchanged", rows, {}, import_id)
    removed: dict[str, int] = {}
    # Logged before the transaction, so an attempt whose process dies stays in the log.
    import_id = log_import(conn, source_files, digest, rows, started, "running", "")
    conn.execute("BEGIN TRANSACTION")
    try:
        snapshot(conn)
        if replace_all:
            for table in reversed(ENTITY_TABLES):
                removed[table.name] = _delete_all(conn, table.name)
            conn.execute("DELETE FROM settings")
        elif replace_scope:
            gone = removed_by(tables, stored_keys(conn))
            gone_krs = sorted(set(gone["key_results"]))
            removed["check_ins"] = _delete(conn, "check_ins", "kr_id", gone_krs)
            removed["key_results"] = _delete(conn, "key_results", "kr_id", gone_krs)
            removed["objectives"] = _delete(conn, "objectives", "objective_id", gone["objectives"])
        for table in ENTITY_TABLES:
            if table.name in derived and not derived[table.name].empty:
                _insert_new(conn, table, derived[table.name])
            if table.name in tables and not tables[table.name].empty:
                if table.name == "check_ins" and merge_check_ins:
                    _merge_check_ins(conn, table, tables[table.name])
                else:
                    upsert_rows(conn, table, tables[table.name])
        for key, value in (settings or {}).items():
            conn.execute("INSERT OR REPLACE INTO settings VALUES (?, ?)", [key, value])
        recorded = 0
        if not replace_all:
            day = as_of or started.date()
            recorded = record_snapshot_check_ins(conn, tables, day, source_files)
        changes = record(conn, import_id)
        changes.check_ins_recorded = recorded
        add_version(conn, import_id, kind, changes, as_of=as_of or started.date())
        finish_import(conn, import_id, "loaded")  # lands with the data, or not at all
        conn.execute("COMMIT")
    except BaseException as exc:
        close_failed_load(conn, import_id, exc)
        fault = failed_write("", exc)
        if fault is not None:
            raise fault from exc
        raise
    removed = {k: v for k, v in removed.items() if v}
    return LoadResult("loaded", rows, removed, import_id, changes)


def close_failed_load(conn: duckdb.DuckDBPyConnection, import_id: int, exc: BaseException) -> None:
    """Roll back and record the attempt as failed (interrupted, for Ctrl-C) at once; an error
    of the rollback or of the record itself never hides `exc` (a record left `running` is
    closed by the next reader or writer)."""
    interrupted = isinstance(exc, KeyboardInterrupt)
    outcome = "interrupted" if interrupted else "failed"
    reason = INTERRUPTED_NOTHING_WRITTEN if interrupted else f"{type(exc).__name__}: {exc}"
    with suppress(Exception):  # the load's own error is the one to report
        conn.execute("ROLLBACK")
    with suppress(Exception):
        finish_import(conn, import_id, outcome, reason)


# The key-result columns whose change, in an import without check-ins of its own for that
# key result, is recorded as a check-in (docs/ingestion.md, "History from weekly copies").
TRACKED = ("current_value", "reported_progress", "manual_score")


def record_snapshot_check_ins(
    conn: duckdb.DuckDBPyConnection,
    tables: dict[str, pd.DataFrame],
    as_of: date,
    source_files: list[str],
) -> int:
    """Check-ins for the key results of this import whose value, reported progress or score
    differs from the store before it (or that are new and have one), unless the import
    carries a check-in table (a tool's export or the template's CheckIns sheet: its own
    history, which replaces the stored one): dated `as_of` (or the end of the key result's
    cycle when that ended before it: a finished cycle's grades are its closing ones), value =
    the current value, grade = the manual score (else the reported progress when there is no
    value). Returns how many."""
    krs = tables.get("key_results")
    if krs is None or krs.empty:
        return 0
    if "check_ins" in tables:  # an export with a check-in history of its own is that history
        return 0
    ids = pd.DataFrame({"kr_id": krs["kr_id"].astype("str")})
    changed = " OR ".join(f"b.{c} IS DISTINCT FROM k.{c}" for c in TRACKED)
    has_value = " OR ".join(f"k.{c} IS NOT NULL" for c in TRACKED)
    files = ", ".join(source_files) or "an import"
    conn.register("snapshot_krs", ids)
    try:
        conn.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE snapshot_check_ins AS
            SELECT k.kr_id,
                   -- a cycle that ended before the day of the import: its values and grades
                   -- are as they stood at its end, and are dated so
                   CASE WHEN c.end_date < ?::DATE THEN c.end_date::TIMESTAMP
                        ELSE ?::TIMESTAMP END AS checked_at,
                   k.current_value AS value,
                   coalesce(k.manual_score,
                            CASE WHEN k.current_value IS NULL THEN k.reported_progress END)
                       AS grade,
                   ?::VARCHAR AS note
            FROM key_results AS k
            JOIN (SELECT DISTINCT kr_id FROM snapshot_krs) USING (kr_id)
            LEFT JOIN before_key_results AS b USING (kr_id)
            LEFT JOIN objectives AS o ON o.objective_id = k.objective_id
            LEFT JOIN cycles AS c ON c.cycle_id = o.cycle_id
            WHERE (b.kr_id IS NULL AND ({has_value})) OR (b.kr_id IS NOT NULL AND ({changed}))
            """,
            [as_of, as_of, f"recorded from {files}"],
        )
        # a second copy of the same day replaces the check-in that day's first copy recorded
        conn.execute(
            "DELETE FROM check_ins AS c WHERE note LIKE 'recorded from %' AND EXISTS "
            "(SELECT 1 FROM snapshot_check_ins AS s WHERE s.kr_id = c.kr_id "
            "AND s.checked_at = c.checked_at)"
        )
        conn.execute(
            "INSERT INTO check_ins (kr_id, checked_at, value, grade, note) "
            "SELECT kr_id, checked_at, value, grade, note FROM snapshot_check_ins"
        )
        found = conn.execute("SELECT count(*) FROM snapshot_check_ins").fetchone()
        conn.execute("DROP TABLE snapshot_check_ins")
    finally:
        conn.unregister("snapshot_krs")
    return int(found[0]) if found else 0


def write_tables(
    conn: duckdb.DuckDBPyConnection,
    tables: dict[str, pd.DataFrame],
    source_files: list[str],
    settings: dict[str, str] | None = None,
    replace_all: bool = False,
) -> dict[str, int]:
    """Load canonical frames in one transaction (see `load_tables`).

    Returns the rows per table. Rows are inserted or replaced by id, check-ins of the
    written key results replace their stored history, and every attempt is logged. With
    `replace_all` the store's previous content is removed in the same transaction.
    """
    return load_tables(conn, tables, source_files, settings=settings, replace_all=replace_all).rows
