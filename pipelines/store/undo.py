"""Undo, the store as it stood, and what a write changed in words (docs/history.md).

`undo` reverts recorded writes (pipelines.store.history) newest first, in one transaction,
and records the undo as a write of its own, so undoing it restores what it undid.
`state_at` builds, in memory, the store as it stood after an import, for `--at`;
`memory_copy` is the same copy without reverting anything, for a dry run that loads into
it; `describe` reads a write's change log back as titles and values.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import date, datetime

import duckdb
import pandas as pd

from pipelines.store.dataset import Dataset, read_dataset
from pipelines.store.faults import stale_running
from pipelines.store.fills import fills_of, mark_filled
from pipelines.store.history import (
    JOURNALED,
    Changes,
    add_version,
    log_sql,
    record,
    revert,
    snapshot,
    version_ids_after,
)
from pipelines.store.rows import finish_import, log_import


class UndoError(ValueError):
    """An undo that cannot be done; the message says why, for people."""


@dataclass(frozen=True)
class UndoResult:
    import_id: int  # the undo's own entry in the history
    undid: list[int]
    changes: Changes


def _latest_version(conn: duckdb.DuckDBPyConnection) -> int | None:
    row = conn.execute("SELECT max(import_id) FROM versions").fetchone()
    return int(row[0]) if row and row[0] is not None else None


def undo(conn: duckdb.DuckDBPyConnection, import_id: int | None = None) -> UndoResult:
    """Return the store to the state just before `import_id` (default: the latest recorded
    write), reverting it and every write after it, newest first, in one transaction."""
    latest = _latest_version(conn)
    if latest is None:
        raise UndoError("nothing to undo: the store has no recorded imports")
    target = latest if import_id is None else import_id
    known = conn.execute("SELECT outcome FROM imports WHERE import_id = ?", [target]).fetchone()
    if known is None:
        raise UndoError(f"there is no import #{target} (see `okr-health history`)")
    found = conn.execute("SELECT 1 FROM versions WHERE import_id = ?", [target]).fetchone()
    if found is None:
        raise UndoError(
            f"import #{target} changed nothing in the store ({known[0]}), or was loaded "
            "before the store kept a history: there is nothing of it to undo"
        )
    undone = [target, *version_ids_after(conn, target)]
    undone = sorted(set(undone), reverse=True)
    message = f"undid import #{target}" + (
        f" and the {len(undone) - 1} after it" if len(undone) > 1 else ""
    )
    own = log_import(conn, [], "", {}, datetime.now(), "running", message)
    conn.execute("BEGIN TRANSACTION")
    try:
        snapshot(conn)
        for version in undone:
            revert(conn, version)
        changes = record(conn, own)
        add_version(conn, own, "undo", changes, undoes=target)
        conn.execute(
            "UPDATE versions SET undone_by = ? WHERE import_id = ? AND undone_by IS NULL",
            [own, target],
        )
        finish_import(conn, own, "undo", message)
        conn.execute("COMMIT")
    except BaseException as exc:
        conn.execute("ROLLBACK")
        finish_import(conn, own, "failed", f"{type(exc).__name__}: {exc}")
        raise
    return UndoResult(own, undone, changes)


def resolve_at(conn: duckdb.DuckDBPyConnection, at: str) -> tuple[int | None, date]:
    """`--at`: an import id (`12`, `#12`) or a date (`2026-10-05`): the last recorded write
    at or before it (None: before the first), and the day the figures are computed at."""
    text = at.strip().lstrip("#")
    if text.isdigit():
        row = conn.execute(
            "SELECT coalesce(finished_at, started_at) FROM imports WHERE import_id = ?",
            [int(text)],
        ).fetchone()
        if row is None:
            raise UndoError(f"there is no import #{text} (see `okr-health history`)")
        return int(text), row[0].date()
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise UndoError(f"--at takes an import number or a date (YYYY-MM-DD), not {at!r}") from None
    row = conn.execute(
        "SELECT max(v.import_id) FROM versions AS v JOIN imports AS i USING (import_id) "
        "WHERE CAST(coalesce(i.finished_at, i.started_at) AS DATE) <= ?",
        [day],
    ).fetchone()
    return (int(row[0]) if row and row[0] is not None else None), day


def memory_copy(conn: duckdb.DuckDBPyConnection, history_after: int | None = None
                ) -> duckdb.DuckDBPyConnection:  # fmt: skip
    """The store's tables and import log in a new in-memory database (for a dry run, or
    `state_at`); with `history_after`, the change log of the writes after that id too."""
    from pipelines.store.connection import create_schema  # (connection imports history)

    mem = duckdb.connect()
    create_schema(mem)
    tables = [*JOURNALED, "imports"]
    if history_after is not None:
        tables.append("versions")
    source = conn.cursor()
    for name in tables:
        _copy(source, mem, name, f"SELECT * FROM {name}", name)
    if history_after is not None:
        for name in JOURNALED:
            _copy(source, mem, f"history_{name}",
                  f"SELECT * FROM history_{name} WHERE import_id > {int(history_after)}",
                  f"history_{name}")  # fmt: skip
        for name in JOURNALED:  # and which of those writes filled a table from empty
            for version in fills_of(source, name):
                if version > history_after:
                    mark_filled(mem, version, name)
    return mem


def _copy(source: duckdb.DuckDBPyConnection, mem: duckdb.DuckDBPyConnection, name: str,
          sql: str, into: str) -> None:  # fmt: skip
    arrow = source.sql(sql).to_arrow_table()
    mem.register("copied", arrow)
    try:
        cols = ", ".join(f'"{c}"' for c in arrow.column_names)
        mem.execute(f"INSERT INTO {into} ({cols}) SELECT {cols} FROM copied")
    finally:
        mem.unregister("copied")


def state_at(conn: duckdb.DuckDBPyConnection, import_id: int | None, day: date
             ) -> duckdb.DuckDBPyConnection:  # fmt: skip
    """The store as it stood right after `import_id` (None: before any recorded write), in
    memory, its as-of day pinned to `day` unless the store pinned one then."""
    after = import_id if import_id is not None else 0
    mem = memory_copy(conn, history_after=after)
    for version in version_ids_after(mem, after):
        revert(mem, version)
    mem.execute("INSERT OR IGNORE INTO settings VALUES ('as_of', ?)", [day.isoformat()])
    return mem


def dataset_at(conn: duckdb.DuckDBPyConnection, at: str, include_archived: bool = False) -> Dataset:
    """The dataset as the store held it at `at` (an import number or a date; see
    `resolve_at`), its as-of day that day's (unless the store pinned one)."""
    import_id, day = resolve_at(conn, at)
    mem = state_at(conn, import_id, day)
    try:
        return read_dataset(mem, include_archived=include_archived)
    finally:
        mem.close()


@dataclass
class Described:
    """A write's changes as people read them."""

    changes: Changes
    removed_objectives: list[str] = field(default_factory=list)
    removed_key_results: list[str] = field(default_factory=list)
    # kr title, the value before (None: new), the value now, the day of the check-in
    value_changes: list[tuple[str, float | None, float | None, date]] = field(default_factory=list)


def describe(conn: duckdb.DuckDBPyConnection, import_id: int) -> Described:
    """The titles a write removed and the values it recorded as check-ins."""
    row = conn.execute(
        "SELECT changes, check_ins_recorded FROM versions WHERE import_id = ?", [import_id]
    ).fetchone()
    out = Described(Changes.from_json(row[0], row[1]) if row else Changes())
    for table, key, names in (("objectives", "objective_id", out.removed_objectives),
                              ("key_results", "kr_id", out.removed_key_results)):  # fmt: skip
        log = log_sql(conn, table)
        gone = conn.execute(
            f"SELECT title FROM ({log}) WHERE import_id = ? AND change = 'removed' "
            f"AND {key} NOT IN (SELECT {key} FROM ({log}) WHERE import_id = ? "
            "AND change = 'added') ORDER BY title",
            [import_id, import_id],
        ).fetchall()
        names.extend(str(r[0]) for r in gone)
    values = conn.sql(
        f"""
        SELECT k.title, CASE WHEN NOT isnan(b.current_value) THEN b.current_value END,
               CASE WHEN NOT isnan(c.value) THEN c.value END, CAST(c.checked_at AS DATE)
        FROM ({log_sql(conn, "check_ins")}) AS c
        JOIN key_results AS k USING (kr_id)
        LEFT JOIN history_key_results AS b ON b.import_id = c.import_id
             AND b.kr_id = c.kr_id AND b.change = 'removed'
        WHERE c.import_id = ? AND c.change = 'added' AND c.note LIKE 'recorded from %'
        ORDER BY k.title
        """,
        params=[import_id],
    ).to_arrow_table()
    # Column by column (a flat sheet records a check-in for each of its 100,000 rows): the
    # titles as text, NaN and NULL as None, the days as dates, as fetchall gives them.
    assert values is not None  # a SELECT always gives a table
    titles, before, now, days = (values.column(i).to_pylist() for i in range(4))
    out.value_changes = list(zip(map(str, titles), before, now, days, strict=True))
    return out


def history_rows(conn: duckdb.DuckDBPyConnection) -> list[dict[str, object]]:
    """The import log with each write's counts, newest first, as plain values."""
    frame = (
        conn.cursor()
        .execute(
            "SELECT i.import_id, i.source_files, i.started_at, i.finished_at, i.outcome, i.message,"
            " v.kind, v.undoes, v.as_of, v.changes, v.check_ins_recorded, v.undone_by "
            "FROM imports AS i LEFT JOIN versions AS v USING (import_id) ORDER BY import_id DESC"
        )
        .df()
    )
    frame = stale_running(conn, frame)
    rows: list[dict[str, object]] = []
    for found in frame.to_dict("records"):
        rec: dict[str, object] = {str(k): (None if _missing(v) else v) for k, v in found.items()}
        rec["files"] = json.loads(str(rec.pop("source_files") or "[]"))
        recorded = rec["check_ins_recorded"]
        count = int(recorded) if isinstance(recorded, (int, float)) else 0
        text = rec["changes"]
        rec["changes"] = Changes.from_json(text if isinstance(text, str) else None, count)
        rows.append(rec)
    return rows


def _missing(value: object) -> bool:
    """None, NaN, NaT or NA: a missing value as pandas gives it back."""
    if value is None or value is pd.NaT or value is pd.NA:
        return True
    return isinstance(value, float) and math.isnan(value)
