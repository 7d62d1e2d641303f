"""Goalposts that moved, read from the store's change log (docs/metrics.md, "Goalposts that
moved"; the log: docs/history.md).

The reader here is the only code that reads the change logs of key results and objectives
for a metric (through `log_sql`, a first load's rows included); the patterns themselves are
pure (metrics.coaching.goalposts). Each logged row carries its version: the import number,
the day it is dated (its as-of date, else the day it finished) and the files it came from.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pandas as pd

from metrics.coaching.goalposts import goalposts
from metrics.report import HealthReport
from pipelines.store.connection import open_store, resolve_db_path
from pipelines.store.dataset import Dataset
from pipelines.store.history import log_sql
from pipelines.store.schema import KEY_RESULTS, OBJECTIVES

_VERSION = """
    SELECT v.import_id,
           coalesce(v.as_of, CAST(i.finished_at AS DATE), CAST(i.started_at AS DATE)) AS "when",
           i.source_files
    FROM versions AS v JOIN imports AS i USING (import_id)
    WHERE v.kind = 'import' AND v.undone_by IS NULL
"""


def _files(text: object) -> str:
    """The import's source files as people read them: `a.csv, b.csv`."""
    try:
        names = json.loads(str(text)) if text else []
    except ValueError:
        return str(text)
    return ", ".join(Path(str(n)).name for n in names) if isinstance(names, list) else str(names)


def change_log(conn: duckdb.DuckDBPyConnection, table: str, columns: list[str]) -> pd.DataFrame:
    """The logged rows of `table` (key_results or objectives) written by imports that were
    not undone, with their version: import_id, change, when, source and `columns`."""
    cols = ", ".join(f'h."{c}"' for c in columns)
    frame = (
        conn.cursor()
        .execute(
            f'SELECT h.import_id, h.change, v."when", v.source_files, {cols} '
            f"FROM ({log_sql(conn, table)}) AS h JOIN ({_VERSION}) AS v USING (import_id) "
            "ORDER BY h.import_id"
        )
        .df()
    )
    frame["source"] = frame.pop("source_files").map(_files)
    frame["when"] = pd.to_datetime(frame["when"]).dt.date
    return frame


def read_change_logs(conn: duckdb.DuckDBPyConnection) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The change logs of key results and objectives (see `change_log`)."""
    return (
        change_log(conn, "key_results", KEY_RESULTS.column_names),
        change_log(conn, "objectives", OBJECTIVES.column_names),
    )


def store_goalposts(db: str | Path | None, dataset: Dataset, report: HealthReport) -> pd.DataFrame:
    """Every goalpost finding of the store at `db` (metrics.coaching.goalposts.GOALPOST_COLUMNS),
    with the team's name: from its change log, its current key results and check-ins."""
    with open_store(resolve_db_path(db), read_only=True) as conn:
        kr_log, objective_log = read_change_logs(conn)
    return findings_of(kr_log, objective_log, dataset, report)


def findings_of(
    kr_log: pd.DataFrame, objective_log: pd.DataFrame, dataset: Dataset, report: HealthReport
) -> pd.DataFrame:
    """The goalpost findings from change logs already read, with the team's name."""
    cycles = report.calendar.rename(columns={"start": "start_date", "end": "end_date"})
    stated = dataset.key_results[["kr_id", "range_low", "range_high"]]
    krs = report.key_results[
        ["kr_id", "objective_id", "cycle_id", "title", "owner", "team_id", "kr_type",
         "start_value", "target_value"]
    ].merge(stated, on="kr_id", how="left")  # fmt: skip
    found = goalposts(kr_log, objective_log, krs, dataset.check_ins, cycles)
    names = report.objectives.drop_duplicates("team_id").set_index("team_id")["team"]
    return found.assign(team=found["team_id"].map(names))
