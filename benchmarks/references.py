"""What each product figure is measured against, on the same files in the same run.

The *limit* is the fastest a tool we build on does the raw part of the job: DuckDB reading
the check-ins CSV into a table, python-calamine reading the sheet's cells, DuckDB computing
the headline scores in SQL, a bare boolean mask over already-scored frames. The *peer* is
what a person would write by hand without the product: pandas `read_csv` / `read_excel`
(openpyxl), then a row-wise score function applied with `DataFrame.apply(axis=1)`.
"""

from __future__ import annotations

import math
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd


def score_row(row: pd.Series) -> float:
    """A key result's score as a spreadsheet user writes it: one row at a time."""
    current: float | None = row["current"]  # None or NaN when missing
    if pd.isna(current):
        return math.nan
    kind = row.get("kr_type")
    if kind == "milestone":
        return 1.0 if current >= 0.5 else 0.0
    if kind == "baseline":
        return 1.0
    if kind == "range":
        low, high = row["range_low"], row["range_high"]
        return 1.0 if low <= current <= high else 0.0
    start: float = 0.0 if pd.isna(row["start_value"]) else row["start_value"]
    target: float | None = row["target_value"]
    if pd.isna(target) or target == start:
        return math.nan
    return min(max((current - start) / (target - start), 0.0), 1.0)


def score_by_hand(krs: pd.DataFrame, check_ins: pd.DataFrame) -> dict[str, float]:
    """Latest check-in per key result, the row-wise score, and the means a summary shows."""
    latest = (
        check_ins.dropna(subset=["value"])
        .sort_values(["kr_id", "checked_at"])
        .groupby("kr_id")["value"]
        .last()
    )
    krs = krs.copy()
    krs["current"] = krs["kr_id"].map(latest).fillna(krs["current_value"])
    krs["score"] = krs.apply(score_row, axis=1)
    per_objective = krs.groupby("objective_id")["score"].mean()
    return {"kr_mean": float(krs["score"].mean()), "objective_mean": float(per_objective.mean())}


# --- CSV ingest ---------------------------------------------------------------------------


def csv_limit(check_ins_csv: Path, db: Path) -> int:
    """DuckDB's own read_csv of the check-ins file into a table of a fresh database file."""
    conn = duckdb.connect(str(db))
    try:
        conn.execute("CREATE TABLE check_ins AS SELECT * FROM read_csv(?)", [str(check_ins_csv)])
        count = conn.execute("SELECT count(*) FROM check_ins").fetchone()
        assert count is not None  # count(*) always gives a row
        return int(count[0])
    finally:
        conn.close()


def csv_peer(csv_folder: Path) -> int:
    """pandas read_csv of every file, then row-wise scoring."""
    frames = {p.stem: pd.read_csv(p) for p in sorted(csv_folder.glob("*.csv"))}
    frames["CheckIns"]["checked_at"] = pd.to_datetime(frames["CheckIns"]["checked_at"])
    score_by_hand(frames["KeyResults"], frames["CheckIns"])
    return sum(len(f) for f in frames.values())


# --- XLSX ingest --------------------------------------------------------------------------


def xlsx_limit(xlsx: Path) -> int:
    """python-calamine's raw read of the sheet's cells into Python lists."""
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_path(str(xlsx)).get_sheet_by_index(0).to_python()
    return len(rows) - 1


def flat_score_row(row: pd.Series) -> float:
    # None or NaN when missing
    current: float | None = row["Current"]
    start: float | None = row["Start"]
    target: float | None = row["Target"]
    if pd.isna(current):
        return math.nan
    start = 0.0 if pd.isna(start) else start
    if pd.isna(target) or target == start:
        return 1.0 if current >= 0.5 else 0.0  # no target: done or not
    return min(max((current - start) / (target - start), 0.0), 1.0)


def xlsx_peer(xlsx: Path) -> int:
    """pandas read_excel with openpyxl, then row-wise scoring and per-objective means."""
    frame = pd.read_excel(xlsx, engine="openpyxl")
    frame["score"] = frame.apply(flat_score_row, axis=1)
    frame.groupby(["Quarter", "Team", "Objective"])["score"].mean()
    return len(frame)


# --- summary ------------------------------------------------------------------------------

SUMMARY_SQL = """
WITH latest AS (
    SELECT kr_id, arg_max(value, checked_at) AS value
    FROM check_ins WHERE value IS NOT NULL AND checked_at < ?::DATE + 1 GROUP BY kr_id
), scored AS (
    SELECT k.objective_id, o.cycle_id,
           coalesce(l.value, k.current_value) AS cur, k.kr_type, k.start_value AS s,
           k.target_value AS t, k.range_low AS lo, k.range_high AS hi, k.manual_score AS m
    FROM key_results k JOIN objectives o USING (objective_id) LEFT JOIN latest l USING (kr_id)
), kr AS (
    SELECT objective_id, cycle_id, coalesce(m, CASE
        WHEN cur IS NULL THEN NULL
        WHEN kr_type = 'milestone' THEN CASE WHEN cur >= 0.5 THEN 1.0 ELSE 0.0 END
        WHEN kr_type = 'baseline' THEN 1.0
        WHEN kr_type = 'range' THEN CASE WHEN cur BETWEEN lo AND hi THEN 1.0 ELSE 0.0 END
        WHEN t = coalesce(s, 0) THEN NULL
        ELSE greatest(0.0, least(1.0, (cur - coalesce(s, 0)) / (t - coalesce(s, 0))))
    END) AS score
    FROM scored
), objective AS (
    SELECT cycle_id, objective_id, avg(score) AS score FROM kr GROUP BY ALL
)
SELECT cycle_id, avg(score), count(*) FROM objective GROUP BY cycle_id ORDER BY cycle_id
"""


def summary_limit(db: Path, as_of: str) -> int:
    """DuckDB computing the headline scores per cycle in SQL on the same store."""
    conn = duckdb.connect(str(db), read_only=True)
    try:
        conn.execute(SUMMARY_SQL, [as_of]).fetchall()
        row = conn.execute(
            "SELECT (SELECT count(*) FROM key_results) + (SELECT count(*) FROM check_ins)"
        ).fetchone()
        assert row is not None  # a SELECT without FROM gives one row
        return int(row[0])
    finally:
        conn.close()


def summary_peer(db: Path, as_of: str) -> int:
    """pandas: the tables read from the same store, then the hand-written scoring."""
    conn = duckdb.connect(str(db), read_only=True)
    try:
        krs = conn.execute("SELECT * FROM key_results").df()
        check_ins = conn.execute(
            "SELECT kr_id, checked_at, value FROM check_ins WHERE checked_at < ?::DATE + 1",
            [as_of],
        ).df()
    finally:
        conn.close()
    score_by_hand(krs, check_ins)
    return len(krs) + len(check_ins)


# --- a filter change ----------------------------------------------------------------------


def filter_limit(key_results: pd.DataFrame, department: str, cycle: str) -> float:
    """The least a filter can cost: one boolean mask over the scored key results and a mean."""
    mask = (key_results["department"].to_numpy() == department) & (
        key_results["cycle_id"].to_numpy() == cycle
    )
    return float(np.nanmean(key_results["score"].to_numpy()[mask]))


def filter_peer(
    krs: pd.DataFrame,
    objectives: pd.DataFrame,
    latest: pd.Series,
    units: pd.Series,
    department: str,
    cycle: str,
) -> float:
    """By hand, without a cached report: the department's key results scored again."""
    chosen = objectives[(objectives["team_id"].map(units) == department)
                        & (objectives["cycle_id"] == cycle)]  # fmt: skip
    rows = krs[krs["objective_id"].isin(chosen["objective_id"])].copy()
    rows["current"] = rows["kr_id"].map(latest).fillna(rows["current_value"])
    return float(rows.apply(score_row, axis=1).mean())


# --- page render --------------------------------------------------------------------------

LIMIT_PAGE = """
import streamlit as st
st.title("Overview")
cols = st.columns(3)
cols[0].metric("Objective score (mean)", "0.62")
cols[1].metric("Key-result score (mean)", "0.64")
cols[2].metric("Objectives", "100")
"""

PEER_PAGE = """
import math
import pandas as pd
import streamlit as st
from benchmarks.references import score_by_hand

folder = {folder!r}
krs = pd.read_csv(folder + "/KeyResults.csv")
check_ins = pd.read_csv(folder + "/CheckIns.csv", usecols=["kr_id", "checked_at", "value"])
means = score_by_hand(krs, check_ins)
st.title("Overview")
cols = st.columns(2)
cols[0].metric("Objective score (mean)", f"{{means['objective_mean']:.2f}}")
cols[1].metric("Key-result score (mean)", f"{{means['kr_mean']:.2f}}")
st.dataframe(krs.head(100))
"""
