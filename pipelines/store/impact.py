"""What a load destroys: the stored objectives, key results and check-ins it removes or
overwrites, per cycle, read from the change log of a dry run (docs/ingestion.md, "What a
destructive load asks").

A row is *removed* when the load takes its key away, *overwritten* when the key stays and
its content changes. A key result whose only change is in the figures a weekly copy updates
(`RUNNING_VALUES`) is not overwritten: that update is the point of re-importing, and the
value it had stays in its check-ins.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
import pandas as pd

from pipelines.store.schema import CHECK_INS, KEY_RESULTS, OBJECTIVES

# The figures a newer copy of the same sheet updates (kept as check-ins, see docs/ingestion.md,
# "History from weekly copies"): changing them alone does not overwrite a key result.
RUNNING_VALUES = ("current_value", "reported_progress", "manual_score", "projected_score")
TABLES = ("objectives", "key_results", "check_ins")
KINDS = ("removed", "overwritten")


@dataclass(frozen=True)
class LoadImpact:
    """Rows of the store a load removes or overwrites, by table, in total and per cycle, and
    the titles of the objectives concerned (sorted)."""

    totals: dict[str, dict[str, int]] = field(default_factory=dict)  # kind → table → rows
    per_cycle: pd.DataFrame = field(default_factory=pd.DataFrame)  # cycle, kind, table, rows
    titles: dict[str, list[str]] = field(default_factory=dict)  # kind → objective titles

    @property
    def destructive(self) -> bool:
        """Whether the load removes or overwrites anything stored: it then asks first."""
        return any(n for kind in self.totals.values() for n in kind.values())

    def rows(self, kind: str, table: str) -> int:
        return self.totals.get(kind, {}).get(table, 0)


def _keys_sql(table: str, keys: str, differs: str) -> str:
    """The keys a write changed in `table`, each `removed` (gone) or `overwritten` (kept,
    with its content changed as `differs` says), with the old row's columns as `r`."""
    return f"""
        SELECT r.*, CASE WHEN a.{keys.split(",")[0]} IS NULL THEN 'removed'
                         ELSE 'overwritten' END AS kind
        FROM (SELECT * FROM history_{table} WHERE import_id = $id AND change = 'removed') r
        LEFT JOIN (SELECT * FROM history_{table} WHERE import_id = $id AND change = 'added') a
            USING ({keys})
        WHERE a.{keys.split(",")[0]} IS NULL OR ({differs})
    """


def _differs(columns: list[str]) -> str:
    """SQL: the old row `r` and the new `a` differ in one of `columns` (an archived flag
    left empty reads as not archived, as everywhere)."""

    def value(side: str, column: str) -> str:
        quoted = f'{side}."{column}"'
        return f"coalesce({quoted}, false)" if column == "archived" else quoted

    return " OR ".join(f"{value('r', c)} IS DISTINCT FROM {value('a', c)}" for c in columns)


def load_impact(conn: duckdb.DuckDBPyConnection, import_id: int) -> LoadImpact:
    """What the write `import_id` removed and overwrote (run on a dry run's copy: what the
    load would), each row counted in the cycle its objective was in before the write."""
    kr_columns = [c for c in KEY_RESULTS.column_names
                  if c not in RUNNING_VALUES and c not in ("kr_id",)]  # fmt: skip
    objectives = _keys_sql("objectives", "objective_id", _differs(OBJECTIVES.column_names[1:]))
    key_results = _keys_sql("key_results", "kr_id", _differs(kr_columns))
    check_ins = _keys_sql("check_ins", "kr_id, checked_at", _differs(CHECK_INS.column_names[2:]))
    frame = conn.execute(
        f"""
        WITH o AS ({objectives}), k AS ({key_results}), c AS ({check_ins}),
        cycle_of AS (  -- each objective's cycle before the write
            SELECT objective_id, arg_min(cycle_id, pref) AS cycle_id FROM (
                SELECT objective_id, cycle_id, 0 AS pref FROM history_objectives
                    WHERE import_id = $id AND change = 'removed'
                UNION ALL SELECT objective_id, cycle_id, 1 FROM objectives) GROUP BY ALL),
        objective_of AS (  -- each key result's objective before the write
            SELECT kr_id, arg_min(objective_id, pref) AS objective_id FROM (
                SELECT kr_id, objective_id, 0 AS pref FROM history_key_results
                    WHERE import_id = $id AND change = 'removed'
                UNION ALL SELECT kr_id, objective_id, 1 FROM key_results) GROUP BY ALL),
        rows AS (
            SELECT cycle_id, kind, 'objectives' AS "table" FROM o
            UNION ALL SELECT y.cycle_id, kind, 'key_results' FROM k
                LEFT JOIN cycle_of AS y USING (objective_id)
            UNION ALL SELECT y.cycle_id, kind, 'check_ins' FROM c
                LEFT JOIN objective_of AS x USING (kr_id)
                LEFT JOIN cycle_of AS y ON y.objective_id = x.objective_id)
        SELECT coalesce(cycle_id, '?') AS cycle, kind, "table", count(*)::INTEGER AS rows
        FROM rows GROUP BY ALL ORDER BY cycle, kind, "table"
        """,
        {"id": import_id},
    ).df()
    summed = frame.groupby(["kind", "table"])["rows"].sum()
    totals = {kind: {t: int(summed.get((kind, t), 0)) for t in TABLES} for kind in KINDS}
    titled = conn.execute(
        f"SELECT kind, title FROM ({objectives}) ORDER BY kind, title", {"id": import_id}
    ).fetchall()
    titles = {kind: [str(t) for k, t in titled if k == kind] for kind in KINDS}
    return LoadImpact(totals, frame.reset_index(drop=True), titles)


__all__ = ["RUNNING_VALUES", "LoadImpact", "load_impact"]
