"""Monday's export: the same canonical CSV folder a week later, with one new check-in for a
share of the key results (benchmarks/monday.py imports it over the week before).

The key results that move are a deterministic sample (by a hash of their id and a seed) of
those whose cycle is running on the new day, as many as `share` of all key results (fewer
when the running cycles hold fewer). Each gets one check-in dated the new day at 10:00: an
increase or decrease moves a twentieth of the way from start to target past its latest
value, a milestone is done, any other keeps its latest value. Every other file, and every
earlier check-in, is the export of the week before, row for row (written by DuckDB).
"""

from __future__ import annotations

import math
import shutil
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import duckdb

from benchmarks.sizes import Files

NEW_CHECK_INS = """
WITH cycles AS (
    SELECT cycle_id FROM read_csv($cycles)
    WHERE start_date <= $day::DATE AND end_date >= $day::DATE
), running AS (
    SELECT k.kr_id, lower(trim(k.kr_type)) AS kr_type, k.owner, k.start_value,
           k.target_value, k.current_value
    FROM read_csv($krs) k JOIN read_csv($objectives) o USING (objective_id)
    WHERE o.cycle_id IN (SELECT cycle_id FROM cycles)
    ORDER BY hash(k.kr_id || $seed), k.kr_id
    LIMIT $count
), latest AS (
    SELECT kr_id, arg_max(value, checked_at) FILTER (WHERE value IS NOT NULL) AS value,
           arg_max(confidence, checked_at) AS confidence
    FROM read_csv($check_ins) WHERE kr_id IN (SELECT kr_id FROM running) GROUP BY kr_id
), moved AS (
    SELECT r.kr_id, coalesce(l.value, r.current_value, r.start_value, 0.0) AS was,
           r.kr_type, r.start_value, r.target_value, r.owner, l.confidence
    FROM running r LEFT JOIN latest l USING (kr_id)
)
SELECT kr_id::VARCHAR AS kr_id,
       strftime($day::DATE + INTERVAL 10 HOUR, '%Y-%m-%dT%H:%M:%S') AS checked_at,
       (CASE WHEN kr_type IN ('increase', 'decrease')
             THEN was + (target_value - coalesce(start_value, 0.0)) / 20
             WHEN kr_type = 'milestone' THEN 1.0
             ELSE was END)::VARCHAR AS value,
       NULL::VARCHAR AS grade, confidence::VARCHAR AS confidence, NULL::VARCHAR AS status,
       'Weekly update'::VARCHAR AS note, owner::VARCHAR AS author
FROM moved
"""


@dataclass(frozen=True)
class Week:
    folder: Path
    day: date
    changed: int  # key results with a new check-in
    check_ins: int  # rows of the new CheckIns.csv


def _sql_path(path: Path) -> str:
    return str(path)


def next_week(files: Files, work: Path, share: float = 0.1, seed: int = 26) -> Week:
    """The export of `files` a week after its as-of date, written under `work` (kept when
    already there: the same inputs give the same files)."""
    day = date.fromisoformat(files.manifest["as_of"]) + timedelta(weeks=1)
    folder = work / f"monday-{files.folder.name}-{day.isoformat()}-{share:g}"
    done = folder / "done.txt"
    if done.exists():
        changed, rows = (int(x) for x in done.read_text().split())
        return Week(folder, day, changed, rows)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    source = files.csv_folder
    for name in ("Cycles.csv", "Teams.csv", "Objectives.csv", "KeyResults.csv"):
        shutil.copy(source / name, folder / name)
    count = math.ceil(share * files.rows["key_results"])
    conn = duckdb.connect()
    try:
        conn.execute("SET enable_progress_bar = false")
        params = {
            "cycles": _sql_path(source / "Cycles.csv"),
            "krs": _sql_path(source / "KeyResults.csv"),
            "objectives": _sql_path(source / "Objectives.csv"),
            "check_ins": _sql_path(source / "CheckIns.csv"),
            "day": day,
            "seed": str(seed),
            "count": count,
        }
        conn.execute(f"CREATE TABLE new_rows AS {NEW_CHECK_INS}", params)
        row = conn.execute("SELECT count(*) FROM new_rows").fetchone()
        changed = int(row[0]) if row else 0
        target = str(folder / "CheckIns.csv").replace("'", "''")
        old = str(source / "CheckIns.csv").replace("'", "''")
        conn.execute(
            f"COPY (SELECT * FROM read_csv('{old}', all_varchar = true) "
            f"UNION ALL SELECT * FROM new_rows) TO '{target}' (HEADER)"
        )
    finally:
        conn.close()
    rows = files.rows["check_ins"] + changed
    done.write_text(f"{changed} {rows}")
    return Week(folder, day, changed, rows)
