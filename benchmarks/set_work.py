"""Where the set work runs (docs/performance.md, "Issue 26: where the set work runs").

Each step of the engine that works on sets of rows is timed two ways in one run, alternated:
the product's numpy/pandas function, and a DuckDB query doing the same work end to end (the
rows handed to DuckDB, the query, the result handed back as the product's frame). CPU seconds
(`time.process_time`, every thread of the process), and wall; the results are compared, so
a figure is only written down for two ways that give the same numbers.

    python -m benchmarks.set_work --store benchmarks/out/work/M/store.duckdb --rounds 3

The store is the one the benchmark's CSV ingest wrote (`make bench` or `benchmarks.run`).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from metrics.conformed_frames import conform_dataset
from metrics.progress import forecast
from metrics.progress.calendar import as_timestamp, cycle_calendar
from metrics.progress.checkins import KeyedCheckIns, latest_per_key_result
from metrics.progress.score_paths import check_in_scores
from metrics.scores.rollups import company_score, department_scores, team_lineage, team_scores
from metrics.scores.scoring import Scores, score_all
from pipelines.store.connection import open_store
from pipelines.store.dataset import ACTIVE, Dataset, query_frame, read_dataset

Way = Callable[[], Any]


@dataclass(frozen=True)
class Inputs:
    """What the set steps read, computed once as `metrics.report.analyse` computes it."""

    conn: duckdb.DuckDBPyConnection  # the store, read-only
    dataset: Dataset
    keyed: KeyedCheckIns
    calendar: pd.DataFrame
    scores: Scores
    history: KeyedCheckIns


def inputs(conn: duckdb.DuckDBPyConnection) -> Inputs:
    dataset = conform_dataset(read_dataset(conn))
    today = as_timestamp(dataset.reference_date())
    assert dataset.keyed_check_ins is not None
    keyed = dataset.keyed_check_ins.known_on(today)
    d = dataset
    calendar = cycle_calendar(d.cycles, d.objectives, d.key_results, keyed, today)
    scores = score_all(d.objectives, d.key_results, keyed)
    history = check_in_scores(scores.key_results, d.key_results, keyed, calendar)
    return Inputs(conn, dataset, keyed, calendar, scores, history)


# --- keying and sorting the check-ins (read from the store) ----------------------------------


def keyed_duckdb(x: Inputs) -> pd.DataFrame:
    """The product's way: DuckDB joins the check-ins to their key result's position and sorts
    them by (key result, time) as it reads them (`read_keyed_check_ins`)."""
    return query_frame(x.conn, _KEYED_SQL)


_KEYED_SQL = f"""
    WITH codes AS (
        SELECT kr_id, (row_number() OVER (ORDER BY kr_id) - 1)::BIGINT AS kr_code
        FROM key_results WHERE {ACTIVE["key_results"]}
    )
    SELECT codes.kr_code, c.checked_at, c.value::DOUBLE AS value,
           c.grade::DOUBLE AS grade, c.confidence::DOUBLE AS confidence
    FROM check_ins AS c JOIN codes USING (kr_id)
    ORDER BY codes.kr_code, c.checked_at
"""


def keyed_numpy(x: Inputs) -> Any:
    """The check-ins scanned as stored; positions found by Arrow's hash, sorted by numpy."""
    table = x.conn.cursor().sql(
        "SELECT kr_id, checked_at, value::DOUBLE AS value, grade::DOUBLE AS grade,"
        " confidence::DOUBLE AS confidence FROM check_ins"
    ).to_arrow_table()  # fmt: skip
    ids = pa.array(x.keyed.kr_ids.to_numpy(dtype=object), pa.large_string())
    code = np.asarray(pc.index_in(table["kr_id"], value_set=ids).fill_null(-1), dtype=np.int64)
    frame = table.drop_columns(["kr_id"]).to_pandas(date_as_object=False)
    frame.insert(0, "kr_code", code)
    frame = frame[code >= 0]
    when = frame["checked_at"].to_numpy().astype("datetime64[us]").view("int64")
    order = np.lexsort((when, frame["kr_code"].to_numpy()))
    out = frame.take(order).reset_index(drop=True)
    out["checked_at"] = out["checked_at"].astype("datetime64[us]")
    return out


# --- the latest check-in of each key result ----------------------------------------------------


def latest_numpy(x: Inputs) -> pd.DataFrame:
    return latest_per_key_result(x.keyed)


def latest_duckdb(x: Inputs) -> pd.DataFrame:
    """The same per-key-result figures grouped by DuckDB over the stored check-ins, laid out
    by code."""
    frame = query_frame(
        x.conn,
        f"""
        SELECT kr_id,
          arg_max(value, checked_at) FILTER (WHERE value IS NOT NULL) AS latest_value,
          max(checked_at) FILTER (WHERE value IS NOT NULL) AS value_at,
          arg_max(grade, checked_at) FILTER (WHERE grade IS NOT NULL) AS latest_grade,
          max(checked_at) FILTER (WHERE grade IS NOT NULL) AS grade_at,
          arg_max(confidence, checked_at) FILTER (WHERE confidence IS NOT NULL)
            AS latest_confidence,
          count(*) AS check_in_count,
          min(checked_at) AS first_check_in_at, max(checked_at) AS last_check_in_at
        FROM (SELECT kr_id, checked_at, value::DOUBLE AS value, grade::DOUBLE AS grade,
                     confidence::DOUBLE AS confidence FROM check_ins)
        WHERE kr_id IN (SELECT kr_id FROM key_results WHERE {ACTIVE["key_results"]})
        GROUP BY kr_id
        """,
    )
    code = x.keyed.codes(frame["kr_id"])
    return frame.drop(columns="kr_id").set_axis(pd.Index(code)).sort_index()


# --- the score path: each check-in with its key result's start, target, type and cycle --------


def path_numpy(x: Inputs) -> pd.DataFrame:
    d = x.dataset
    return check_in_scores(x.scores.key_results, d.key_results, x.keyed, x.calendar).frame


def path_duckdb(x: Inputs) -> pd.DataFrame:
    """DuckDB joins every check-in to its key result's numbers and cycle and works out the
    day and share; the score formulas stay in numpy (`attainment`)."""
    from metrics.scores.scoring import attainment

    krs = x.scores.key_results
    kr = pd.DataFrame(
        {
            "kr_code": x.keyed.codes(krs["kr_id"]),
            "start_value": krs["start_value"].to_numpy("float64"),
            "target_value": krs["target_value"].to_numpy("float64"),
            "kr_type": krs["kr_type"].astype("object"),
            "cycle_id": krs["cycle_id"].astype("object"),
        }
    )
    stated = x.dataset.key_results
    ranges = pd.DataFrame(
        {
            "kr_code": x.keyed.codes(stated["kr_id"]),
            "range_low": stated["range_low"].to_numpy("float64"),
            "range_high": stated["range_high"].to_numpy("float64"),
        }
    )
    cal = x.calendar.drop_duplicates("cycle_id")[["cycle_id", "start", "days"]]
    cal = cal.astype({"cycle_id": "object"})
    ci = x.keyed.frame
    con = duckdb.connect()
    for name, frame in (("ci", ci), ("kr", kr), ("ranges", ranges), ("cal", cal)):
        con.register(name, frame)
    rows = con.sql(
        """
        SELECT ci.kr_code, ci.checked_at, ci.value, ci.grade, kr.start_value, kr.target_value,
               ranges.range_low, ranges.range_high, kr.kr_type,
               date_diff('microsecond', cal.start, ci.checked_at) / 86400e6 AS day,
               cal.days
        FROM ci LEFT JOIN kr USING (kr_code) LEFT JOIN ranges USING (kr_code)
             LEFT JOIN cal USING (cycle_id)
        WHERE ci.value IS NOT NULL OR ci.grade IS NOT NULL
        ORDER BY ci.kr_code, ci.checked_at
        """
    ).to_arrow_table().to_pandas(date_as_object=False)  # fmt: skip
    con.close()
    raw = attainment(rows, rows["kr_type"], rows["value"]).to_numpy()
    grade = rows["grade"].to_numpy("float64", na_value=np.nan)
    score = np.clip(np.where(np.isnan(grade), np.clip(raw, 0.0, 1.0), grade), 0.0, 1.0)
    days = rows["days"].to_numpy("float64", na_value=np.nan)
    day = rows["day"].to_numpy("float64", na_value=np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = day / np.where(days > 0, days, np.nan)
    return pd.DataFrame(
        {
            "kr_code": rows["kr_code"].to_numpy(),
            "checked_at": rows["checked_at"].astype("datetime64[us]").to_numpy(),
            "score": score,
            "day": day,
            "share": share,
        }
    )


# --- roll-ups per team, department and cycle -------------------------------------------------


def rollups_numpy(x: Inputs) -> Any:
    objectives, teams = x.scores.objectives, x.dataset.teams
    team = team_scores(objectives, teams)
    department = department_scores(objectives, teams)
    company = company_score(objectives).rename("score").reset_index()
    return _rollup_figures(team, department, company)


def rollups_duckdb(x: Inputs) -> Any:
    """The three roll-ups as one DuckDB query over the objectives and the team lineage."""
    objectives = x.scores.objectives[["cycle_id", "team_id", "score"]].astype(
        {"cycle_id": "object", "team_id": "object"}
    )
    lineage = team_lineage(x.dataset.teams)[["team_id", "department_id"]].astype("object")
    con = duckdb.connect()
    con.register("o", objectives)
    con.register("t", lineage)
    frame = con.sql(
        """
        SELECT 'team' AS level, cycle_id, team_id AS unit, avg(score) AS score,
               count(score) AS objectives
        FROM o GROUP BY cycle_id, team_id
        UNION ALL
        SELECT 'department', cycle_id, t.department_id, avg(score), count(score)
        FROM o JOIN t USING (team_id) WHERE t.department_id IS NOT NULL
        GROUP BY cycle_id, t.department_id
        UNION ALL
        SELECT 'company', cycle_id, NULL, avg(score), -1 FROM o GROUP BY cycle_id
        """
    ).df()
    con.close()
    return frame.sort_values(["level", "cycle_id", "unit"]).reset_index(drop=True)


def _rollup_figures(team: pd.DataFrame, department: pd.DataFrame, company: pd.DataFrame) -> Any:
    parts = [
        team.assign(level="team", unit=team["team_id"])[
            ["level", "cycle_id", "unit", "score", "objectives"]
        ],  # fmt: skip
        department.assign(level="department", unit=department["department_id"])[
            ["level", "cycle_id", "unit", "score", "objectives"]
        ],
        company.assign(level="company", unit=None, objectives=-1)[
            ["level", "cycle_id", "unit", "score", "objectives"]
        ],
    ]
    frame = pd.concat(parts, ignore_index=True).astype({"unit": "object", "cycle_id": "object"})
    return frame.sort_values(["level", "cycle_id", "unit"]).reset_index(drop=True)


# --- least-squares trends --------------------------------------------------------------------


def trends_pandas(x: Inputs) -> pd.DataFrame:
    return forecast._least_squares(x.history)


def trends_duckdb(x: Inputs) -> Any:
    """The fit per key result as DuckDB's regression aggregates over the score path."""
    path = x.history.frame
    con = duckdb.connect()
    con.register("p", path)
    frame = con.sql(
        """
        SELECT kr_code, count(*)::DOUBLE AS n, last(score ORDER BY checked_at) AS last_score,
               regr_intercept(score, day) AS intercept, regr_slope(score, day) AS slope
        FROM p WHERE score IS NOT NULL AND day IS NOT NULL GROUP BY kr_code ORDER BY kr_code
        """
    ).df()
    con.close()
    return frame.set_index("kr_code").rename_axis(None)


STEPS: dict[str, tuple[Callable[[Inputs], Any], Callable[[Inputs], Any]]] = {
    "keyed check-ins (join + sort, from the store)": (keyed_numpy, keyed_duckdb),
    "latest check-in per key result": (latest_numpy, latest_duckdb),
    "score path (check-ins × key results × cycles)": (path_numpy, path_duckdb),
    "roll-ups per team, department, cycle": (rollups_numpy, rollups_duckdb),
    "least-squares trend per key result": (trends_pandas, trends_duckdb),
}


def difference(a: Any, b: Any) -> str:
    """How far two results lie apart: 'equal', or the largest gap per column."""
    a, b = pd.DataFrame(a).reset_index(drop=True), pd.DataFrame(b).reset_index(drop=True)
    if a.shape != b.shape:
        return f"shapes {a.shape} vs {b.shape}"
    gaps = []
    for column in a.columns:
        left, right = a[column], b[column]
        if pd.api.types.is_numeric_dtype(left.dtype) and pd.api.types.is_numeric_dtype(right):
            x, y = (
                left.to_numpy("float64", na_value=np.nan),
                right.to_numpy("float64", na_value=np.nan),
            )
            both = np.isnan(x) & np.isnan(y)
            gap = np.nanmax(np.where(both, 0.0, np.abs(x - y))) if len(x) else 0.0
            if not gap <= 1e-9:
                gaps.append(f"{column} {gap:.2g}")
        elif not left.astype("object").equals(right.astype("object")):
            same = (left.astype("object") == right.astype("object")) | (left.isna() & right.isna())
            gaps.append(f"{column}: {int((~same).sum())} rows differ")
    return "equal" if not gaps else "; ".join(gaps)


def measure(store: Path, rounds: int) -> list[dict[str, Any]]:
    """Each step both ways, alternated `rounds` times; min and max CPU and wall of each."""
    with open_store(store, read_only=True) as conn:
        x = inputs(conn)
        rows = []
        for step, ways in STEPS.items():
            cpu: dict[str, list[float]] = {"numpy": [], "duckdb": []}
            wall: dict[str, list[float]] = {"numpy": [], "duckdb": []}
            results: dict[str, Any] = {}
            for _ in range(rounds):
                for name, fn in zip(("numpy", "duckdb"), ways, strict=True):
                    start, clock = time.perf_counter(), time.process_time()
                    results[name] = fn(x)
                    cpu[name].append(time.process_time() - clock)
                    wall[name].append(time.perf_counter() - start)
            rows.append(
                {
                    "step": step,
                    **{f"{n} cpu": (min(v), max(v)) for n, v in cpu.items()},
                    **{f"{n} wall": (min(v), max(v)) for n, v in wall.items()},
                    "results": difference(results["numpy"], results["duckdb"]),
                }
            )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, default=Path("benchmarks/out/work/M/store.duckdb"))
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    print("| step | numpy/pandas CPU s | DuckDB CPU s | numpy wall s | DuckDB wall s | results |")
    print("|---|---:|---:|---:|---:|---|")
    for row in measure(args.store, args.rounds):
        ranges = [row[k] for k in ("numpy cpu", "duckdb cpu", "numpy wall", "duckdb wall")]
        cells = [f"{lo:.3f}–{hi:.3f}" for lo, hi in ranges]
        print(f"| {row['step']} | {' | '.join(cells)} | {row['results']} |")


if __name__ == "__main__":
    main()
