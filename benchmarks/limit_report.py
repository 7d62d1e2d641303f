"""The DuckDB limit report: the essential health report computed in DuckDB SQL alone, on the
store's own tables, as the denominator of every report figure in `benchmarks.monday`.

What it computes (docs/scoring.md for the rules; docs/metrics.md for the forecast):
- per key result the latest check-in (value, grade, their times, the count) known on the
  as-of day and the score: manual score, then a grade at least as new as the latest value,
  then the attainment of the current value by type (increase, decrease, range, milestone,
  baseline, graded) clipped to 0..1, then the reported progress, then a numeric key result
  at its start for want of a check-in; strict links (a key result with no score of its own
  takes the mean of the objectives linked to it) settled level by level;
- per objective the weighted mean of its graded key results;
- per team and cycle the mean objective score and the share of graded objectives in the
  sweet spot (the sweet spot in force, `OKR_HEALTH_SWEET_SPOT`);
- per cycle the alignment share (aligned objectives of the non-top ones);
- per key result a least-squares forecast: the line through its check-in scores over the
  days since the cycle's start, read at the cycle's last day and clipped to 0..1 (the last
  score carried when there is no line).

Everything stays in DuckDB; Python only sends the statements and takes the small frames back
(per key result as Arrow). `compare` checks the product's report against it after the clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from pipelines.settings import settings

# (type, start, target, low, high, current) -> the unclipped attainment; NULL when missing.
MACROS = """
CREATE OR REPLACE TEMP MACRO lim_met(cur, ok) AS
    CASE WHEN cur IS NULL THEN NULL WHEN ok THEN 1.0 ELSE 0.0 END;
CREATE OR REPLACE TEMP MACRO lim_progress(cur, s, g) AS
    CASE WHEN g - s <> 0 THEN (cur - s) / (g - s) ELSE lim_met(cur, cur >= g) END;
CREATE OR REPLACE TEMP MACRO lim_att(t, s, g, lo, hi, cur) AS CASE
    WHEN cur IS NULL THEN NULL
    WHEN t = 'increase' THEN CASE
        WHEN g IS NULL OR (s IS NULL AND g = 0) THEN NULL
        WHEN g < coalesce(s, 0) THEN lim_met(cur, cur >= g)
        ELSE lim_progress(cur, coalesce(s, 0), g) END
    WHEN t = 'decrease' THEN CASE
        WHEN g IS NULL OR s IS NULL THEN NULL
        WHEN g > s THEN lim_met(cur, cur <= g)
        ELSE lim_progress(-cur, -s, -g) END
    WHEN t = 'range' THEN CASE
        WHEN cur < lo THEN CASE WHEN s < lo THEN (cur - s) / (lo - s) ELSE 0.0 END
        WHEN cur > hi THEN CASE WHEN s > hi THEN (cur - s) / (hi - s) ELSE 0.0 END
        ELSE 1.0 END
    WHEN t = 'milestone' THEN lim_met(cur, cur >= 0.5)
    WHEN t = 'baseline' THEN 1.0
    WHEN t = 'graded' THEN cur
    ELSE NULL END;
CREATE OR REPLACE TEMP MACRO lim_clip(x) AS  -- greatest and least pass over a NULL
    CASE WHEN x IS NULL THEN NULL ELSE greatest(0.0, least(1.0, x)) END;
"""

KEY_RESULTS = """
CREATE OR REPLACE TEMP TABLE lim_base AS
SELECT k.kr_id, k.objective_id, o.cycle_id, k.start_value, k.target_value, k.range_low,
       k.range_high, k.current_value, k.manual_score, k.reported_progress,
       coalesce(k.weight, 1.0) AS weight,
       CASE WHEN nullif(lower(trim(k.kr_type)), '') IS NOT NULL THEN lower(trim(k.kr_type))
            WHEN (k.range_low IS NOT NULL AND k.range_high IS NOT NULL)
                 OR ((k.range_low IS NOT NULL OR k.range_high IS NOT NULL)
                     AND k.target_value IS NULL) THEN 'range'
            WHEN k.target_value < k.start_value THEN 'decrease'
            WHEN k.target_value IS NOT NULL THEN 'increase'
            ELSE 'milestone' END AS kr_type,
       c.start_date::TIMESTAMP AS cycle_start, datediff('day', c.start_date, c.end_date) AS days
FROM key_results k LEFT JOIN objectives o USING (objective_id) LEFT JOIN cycles c USING (cycle_id)
WHERE k.archived IS NOT TRUE AND o.archived IS NOT TRUE;

CREATE OR REPLACE TEMP TABLE lim_ci AS  -- one pass over the check-ins known on the as-of day
WITH path AS (
    SELECT ci.kr_id, ci.checked_at, ci.value, ci.grade,
           lim_clip(coalesce(ci.grade, lim_clip(lim_att(b.kr_type, b.start_value,
                b.target_value, b.range_low, b.range_high, ci.value)))) AS y,
           epoch(ci.checked_at - b.cycle_start) / 86400.0 AS x
    FROM check_ins ci JOIN lim_base b USING (kr_id)
    WHERE ci.checked_at < $as_of::DATE + 1
)
SELECT kr_id,
       arg_max(value, checked_at) FILTER (WHERE value IS NOT NULL) AS latest_value,
       max(checked_at) FILTER (WHERE value IS NOT NULL) AS value_at,
       arg_max(grade, checked_at) FILTER (WHERE grade IS NOT NULL) AS latest_grade,
       max(checked_at) FILTER (WHERE grade IS NOT NULL) AS grade_at,
       count(*) AS n,
       -- the least-squares sums of the scored check-ins (score = a + b · day)
       count(*) FILTER (WHERE y IS NOT NULL AND x IS NOT NULL) AS fn,
       sum(x) FILTER (WHERE y IS NOT NULL) AS sx, sum(y) FILTER (WHERE x IS NOT NULL) AS sy,
       sum(x * y) AS sxy, sum(x * x) FILTER (WHERE y IS NOT NULL) AS sxx,
       arg_max(y, checked_at) FILTER (WHERE y IS NOT NULL AND x IS NOT NULL) AS last_score
FROM path GROUP BY kr_id;

CREATE OR REPLACE TEMP TABLE lim_kr AS
WITH current AS (
    SELECT b.*, l.latest_value, l.value_at, l.latest_grade, l.grade_at, coalesce(l.n, 0) AS n,
           coalesce(l.latest_value, b.current_value) AS cur
    FROM lim_base b LEFT JOIN lim_ci l USING (kr_id)
), raw AS (
    SELECT *,
           CASE WHEN kr_type IN ('milestone', 'baseline') AND n > 0
                THEN coalesce(lim_att(kr_type, start_value, target_value, range_low,
                                      range_high, cur), 0.0)
                ELSE lim_att(kr_type, start_value, target_value, range_low, range_high, cur)
           END AS attained,
           latest_grade IS NOT NULL AND (value_at IS NULL OR grade_at >= value_at) AS grade_newer,
           kr_type IN ('increase', 'decrease') AND target_value IS NOT NULL
               AND (start_value IS NOT NULL OR kr_type = 'increase') AND cur IS NULL AND n = 0
               AS at_start
    FROM current
), scored AS (
    SELECT *,
           CASE WHEN manual_score IS NOT NULL THEN manual_score
                WHEN grade_newer THEN latest_grade
                WHEN attained IS NOT NULL THEN lim_clip(attained)
                WHEN reported_progress IS NOT NULL THEN lim_clip(reported_progress)
                WHEN at_start THEN lim_clip(lim_att(kr_type, start_value, target_value,
                                                     range_low, range_high,
                                                     coalesce(start_value, 0.0)))
           END AS own,
           CASE WHEN manual_score IS NOT NULL THEN 'manual'
                WHEN grade_newer THEN 'grade'
                WHEN attained IS NOT NULL THEN 'computed'
                WHEN reported_progress IS NOT NULL THEN 'reported'
                WHEN at_start THEN 'no check-in yet'
           END AS source
    FROM raw
)
SELECT kr_id, objective_id, cycle_id, kr_type, weight, days, lim_clip(own) AS own,
       lim_clip(own) AS score, source, source IS NULL OR source = 'no check-in yet' AS open
FROM scored;
"""

OBJECTIVES = """
CREATE OR REPLACE TEMP TABLE lim_obj AS
SELECT o.objective_id, o.cycle_id, o.team_id,
       sum(k.score * k.weight) FILTER (WHERE k.score IS NOT NULL)
       / nullif(sum(k.weight) FILTER (WHERE k.score IS NOT NULL), 0) AS score
FROM objectives o LEFT JOIN lim_kr k USING (objective_id)
WHERE o.archived IS NOT TRUE
GROUP BY ALL;
"""

# Strict links: the open key results some objective links to, and the objectives owning them
# (a few; found once). One level: an open key result takes the mean of its graded linked
# objectives, then the objectives owning such key results are scored again.
LINKS = """
CREATE OR REPLACE TEMP TABLE lim_link AS
SELECT k.kr_id, o.objective_id AS child
FROM lim_kr k JOIN objectives o ON o.parent_kr_id = k.kr_id AND o.archived IS NOT TRUE
WHERE k.open;

CREATE OR REPLACE TEMP TABLE lim_link_owner AS
SELECT DISTINCT k.objective_id FROM lim_kr k WHERE k.kr_id IN (SELECT kr_id FROM lim_link);
"""

LINK = """
UPDATE lim_kr SET score = coalesce(linked.mean, lim_kr.own),
    source = CASE WHEN linked.mean IS NULL THEN lim_kr.source ELSE 'linked' END
FROM (
    SELECT l.kr_id, avg(lo.score) AS mean
    FROM lim_link l LEFT JOIN lim_obj lo ON lo.objective_id = l.child GROUP BY l.kr_id
) linked
WHERE lim_kr.kr_id = linked.kr_id
  AND ((lim_kr.score IS NULL) <> (coalesce(linked.mean, lim_kr.own) IS NULL)
       OR abs(lim_kr.score - coalesce(linked.mean, lim_kr.own)) > 1e-12  -- not summation noise
       OR (linked.mean IS NOT NULL AND lim_kr.source IS DISTINCT FROM 'linked'))
"""

RESCORE = """
UPDATE lim_obj SET score = again.score
FROM (
    SELECT objective_id,
           sum(score * weight) FILTER (WHERE score IS NOT NULL)
           / nullif(sum(weight) FILTER (WHERE score IS NOT NULL), 0) AS score
    FROM lim_kr WHERE objective_id IN (SELECT objective_id FROM lim_link_owner)
    GROUP BY objective_id
) again
WHERE lim_obj.objective_id = again.objective_id
"""

ROLLUPS = """
CREATE OR REPLACE TEMP TABLE lim_team AS
SELECT cycle_id, team_id, avg(score) AS score, count(score) AS graded,
       count(score) FILTER (WHERE round(score, 9) >= $sweet_low AND round(score, 9) <= $sweet_high)
       / nullif(count(score), 0) AS sweet_share
FROM lim_obj GROUP BY ALL;

CREATE OR REPLACE TEMP TABLE lim_alignment AS
WITH o AS (
    SELECT o.objective_id, o.cycle_id,
           lower(trim(coalesce(o.level, ''))) = 'company'
           OR (t.level = 'company' AND nullif(trim(o.parent_objective_id), '') IS NULL
               AND nullif(trim(o.parent_kr_id), '') IS NULL) AS is_top,
           p.objective_id IS NOT NULL OR pk.objective_id IS NOT NULL AS aligned
    FROM objectives o
    LEFT JOIN (SELECT DISTINCT team_id, first(level) AS level FROM teams GROUP BY team_id) t
           USING (team_id)
    LEFT JOIN (SELECT DISTINCT objective_id FROM objectives WHERE archived IS NOT TRUE) p
           ON p.objective_id = o.parent_objective_id
    LEFT JOIN (SELECT kr_id, first(objective_id) AS objective_id FROM lim_kr
               GROUP BY kr_id) pk ON pk.kr_id = o.parent_kr_id
    WHERE o.archived IS NOT TRUE
)
SELECT cycle_id, count(*) FILTER (WHERE NOT is_top) AS non_top,
       count(*) FILTER (WHERE NOT is_top AND aligned)
       / nullif(count(*) FILTER (WHERE NOT is_top), 0) AS aligned_share
FROM o GROUP BY ALL;

CREATE OR REPLACE TEMP TABLE lim_forecast AS
WITH fit AS (  -- no line through fewer than two check-ins, or all on one day
    SELECT kr_id, last_score, sx, sy, fn,
           CASE WHEN fn >= 2 AND fn * sxx - sx * sx > 1e-9 * fn * fn
                THEN (fn * sxy - sx * sy) / (fn * sxx - sx * sx) END AS slope
    FROM lim_ci
)
SELECT k.kr_id, k.cycle_id,
       lim_clip(CASE WHEN f.slope IS NOT NULL AND k.days IS NOT NULL
                     THEN (f.sy - f.slope * f.sx) / f.fn + f.slope * k.days
                     ELSE coalesce(f.last_score,
                                   CASE WHEN k.source = 'no check-in yet' THEN NULL
                                        ELSE k.score END) END) AS forecast
FROM lim_kr k LEFT JOIN fit f USING (kr_id);
"""


@dataclass(frozen=True)
class LimitReport:
    """The limit report's frames, as Arrow tables."""

    key_results: pa.Table  # kr_id, objective_id, cycle_id, score, source, forecast
    objectives: pa.Table  # objective_id, cycle_id, team_id, score
    teams: pa.Table  # cycle_id, team_id, score, graded, sweet_share
    alignment: pa.Table  # cycle_id, non_top, aligned_share
    link_levels: int  # rounds of strict links settled


def _run(conn: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any] | None = None) -> None:
    """Each statement of `sql` in turn, with the parameters it names."""
    for statement in sql.split(";\n"):
        if statement.strip():
            named = {k: v for k, v in (params or {}).items() if f"${k}" in statement}
            conn.execute(statement, named or None)


def compute(conn: duckdb.DuckDBPyConnection, as_of: date) -> LimitReport:
    """The limit report of the store open on `conn` (read-only is enough: temp tables)."""
    # The sweet spot in force, where `metrics.scores.bands.score_bands` reads it (not
    # imported: the limit's process holds DuckDB and Arrow, not pandas).
    sweet_low, sweet_high = settings().sweet_spot
    _run(conn, MACROS)
    _run(conn, KEY_RESULTS, {"as_of": as_of})
    _run(conn, OBJECTIVES)
    _run(conn, LINKS)
    levels = 0
    has_links = conn.execute("SELECT count(*) FROM lim_link").fetchone()
    while has_links and has_links[0] and levels < 50:
        changed = conn.execute(LINK).fetchone()
        levels += 1
        if not changed or not changed[0]:
            break
        conn.execute(RESCORE)
    _run(conn, ROLLUPS, {"sweet_low": sweet_low, "sweet_high": sweet_high})
    krs = conn.sql(
        "SELECT k.kr_id, k.objective_id, k.cycle_id, k.score, k.source, f.forecast "
        "FROM lim_kr k JOIN lim_forecast f USING (kr_id)"
    ).to_arrow_table()
    return LimitReport(
        key_results=krs,
        objectives=conn.sql("SELECT * FROM lim_obj").to_arrow_table(),
        teams=conn.sql("SELECT * FROM lim_team").to_arrow_table(),
        alignment=conn.sql("SELECT * FROM lim_alignment").to_arrow_table(),
        link_levels=levels,
    )


def store_as_of(conn: duckdb.DuckDBPyConnection) -> date:
    """The store's as-of date (its `settings`), else today, as the product reads it."""
    row = conn.execute("SELECT value FROM settings WHERE key = 'as_of'").fetchone()
    return date.fromisoformat(row[0]) if row and row[0] else date.today()


def limit_report(db: Path) -> LimitReport:
    """Open the store read-only and compute its limit report."""
    conn = duckdb.connect(str(db), read_only=True)
    try:
        return compute(conn, store_as_of(conn))
    finally:
        conn.close()


def _max_diff(
    conn: duckdb.DuckDBPyConnection, mine: pa.Table, theirs: Any, keys: list[str], column: str
) -> dict[str, Any]:
    """Largest |mine − theirs| of `column` over rows matched on `keys`; rows graded on one
    side only are counted apart."""
    conn.register("mine", mine)
    conn.register("theirs", theirs)
    on = " AND ".join(f"m.{k} = p.{k}" for k in keys)
    row = conn.execute(
        f"SELECT count(*), max(abs(m.{column} - p.{column})), "
        f"count(*) FILTER (WHERE (m.{column} IS NULL) <> (p.{column} IS NULL)) "
        f"FROM mine m FULL JOIN theirs p ON {on}"
    ).fetchall()[0]
    conn.unregister("mine")
    conn.unregister("theirs")
    assert row is not None
    return {"rows": int(row[0]), "max_abs_diff": row[1], "missing_on_one_side": int(row[2])}


def compare(limit: LimitReport, report: Any) -> dict[str, dict[str, Any]]:
    """The product's report (a `HealthReport`) against the limit report: per figure the rows
    compared, the largest absolute difference and the rows graded on one side only."""
    krs = report.key_results[["kr_id", "score", "forecast"]]
    objectives = report.scores.objectives[["objective_id", "score"]]
    teams = report.team_scores[["cycle_id", "team_id", "score"]]
    alignment = report.coverage[["cycle_id", "aligned_share"]]
    conn = duckdb.connect()
    try:
        return {
            "kr_score": _max_diff(conn, limit.key_results, krs, ["kr_id"], "score"),
            "kr_forecast": _max_diff(conn, limit.key_results, krs, ["kr_id"], "forecast"),
            "objective_score": _max_diff(conn, limit.objectives, objectives, ["objective_id"],
                                         "score"),
            "team_mean": _max_diff(conn, limit.teams, teams, ["cycle_id", "team_id"], "score"),
            "alignment_share": _max_diff(conn, limit.alignment, alignment, ["cycle_id"],
                                         "aligned_share"),
        }  # fmt: skip
    finally:
        conn.close()
