"""Grades of a finished cycle, loaded as a key result's score with no check-in table, are
dated at the cycle's end, not on the day of the import."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from pipelines.ingest import ingest_paths
from pipelines.store.connection import open_store


def test_final_grades_of_a_finished_cycle_are_dated_at_its_end(tmp_path: Path):
    path = tmp_path / "gradings.csv"
    path.write_text(
        "Quarter,Objective,Key Result,Final Score\n"
        "2019 Q1,Grow,Ten deals,0.7\n"
        "2019 Q1,Grow,Renew all,0.4\n",
        encoding="utf-8",
    )
    db = tmp_path / "okr.duckdb"
    assert ingest_paths([path], db).ok
    with open_store(db, read_only=True) as conn:
        rows = conn.execute(
            "SELECT k.title, c.checked_at, c.grade FROM check_ins c JOIN key_results k "
            "USING (kr_id) ORDER BY k.title"
        ).fetchall()
    assert rows == [
        ("Renew all", datetime(2019, 3, 31), 0.4),
        ("Ten deals", datetime(2019, 3, 31), 0.7),
    ]
