"""Archived rows: kept in the store, out of every figure; older stores gain the new columns."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

from metrics.summary import build_summary
from pipelines.store.connection import open_store
from pipelines.store.dataset import read_dataset
from tests.support.stores import small_company, write_store


def archived_company() -> dict[str, pd.DataFrame]:
    """The small company with the Sales objective archived, and one Ops key result too."""
    tables = small_company()
    objectives, krs = tables["objectives"].copy(), tables["key_results"].copy()
    objectives["archived"] = objectives["objective_id"].eq(objectives["objective_id"].iloc[0])
    krs["archived"] = False
    ops = krs.index[~krs["objective_id"].eq(objectives["objective_id"].iloc[0])][0]
    krs.loc[ops, "archived"] = True
    return {**tables, "objectives": objectives, "key_results": krs}


def test_archived_rows_stay_in_the_store_and_out_of_the_dataset(tmp_path: Path) -> None:
    tables = archived_company()
    db = write_store(tmp_path / "a.duckdb", tables, as_of=date(2026, 3, 31))
    archived_objective = tables["objectives"]["objective_id"].iloc[0]
    with open_store(db, read_only=True) as conn:
        stored = conn.execute("SELECT count(*) FROM key_results").fetchone()
        active = read_dataset(conn)
        everything = read_dataset(conn, include_archived=True)
    assert stored is not None and stored[0] == len(tables["key_results"])
    assert archived_objective not in set(active.objectives["objective_id"])
    assert len(everything.key_results) == len(tables["key_results"])
    under_archived = tables["key_results"]["objective_id"].eq(archived_objective).sum()
    assert len(active.key_results) == len(tables["key_results"]) - under_archived - 1
    assert active.archived == {"objectives": 1, "key_results": under_archived + 1}
    assert set(active.check_ins["kr_id"].astype(str)) <= set(active.key_results["kr_id"])
    summary = build_summary(active, "2026-Q1")
    assert summary["counts"]["objectives"] == len(tables["objectives"]) - 1


def test_scores_leave_archived_rows_out_unless_asked(tmp_path: Path) -> None:
    tables = archived_company()
    db = write_store(tmp_path / "a.duckdb", tables, as_of=date(2026, 3, 31))

    def scores(*extra: str) -> list[dict]:
        args = [sys.executable, "-m", "okr_health.cli", "scores", "--db", str(db), "--format",
                "json", *extra]  # fmt: skip
        done = subprocess.run(args, capture_output=True, text=True, timeout=120, check=True)
        return json.loads(done.stdout)

    active, everything = scores(), scores("--include-archived")
    assert len(everything) == len(tables["key_results"])
    assert len(active) == sum(not row["archived"] for row in everything)
    assert {row["kr_id"] for row in active} == {r["kr_id"] for r in everything if not r["archived"]}


def test_a_store_from_an_older_version_gains_the_new_columns(tmp_path: Path) -> None:
    db = tmp_path / "old.duckdb"
    with duckdb.connect(str(db)) as conn:  # the key_results table as it was before
        conn.execute("CREATE TABLE key_results (kr_id VARCHAR PRIMARY KEY, "
                     "objective_id VARCHAR NOT NULL, title VARCHAR NOT NULL, "
                     "current_value DOUBLE)")  # fmt: skip
        conn.execute("INSERT INTO key_results VALUES ('k1', 'o1', 'Kept', 4.0)")
    with open_store(db) as conn:
        columns = {r[0] for r in conn.execute("DESCRIBE key_results").fetchall()}
        row = conn.execute("SELECT title, current_value, archived FROM key_results").fetchone()
    assert {"archived", "reported_progress", "projected_score"} <= columns
    assert row == ("Kept", 4.0, None)
