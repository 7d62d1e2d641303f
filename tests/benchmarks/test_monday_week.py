"""Monday's export for the benchmark: the week before's files row for row, plus one check-in a
week later for a tenth of the key results, which an import over the week before takes in."""

from __future__ import annotations

import csv
import math
from datetime import date, timedelta
from pathlib import Path

import duckdb

from benchmarks.monday_week import next_week
from benchmarks.sizes import ensure
from pipelines.ingest import ingest_paths


def test_next_week_adds_one_check_in_for_a_tenth_of_the_key_results(tmp_path: Path) -> None:
    files = ensure("T", data_dir=tmp_path / "data")
    week = next_week(files, tmp_path / "work")
    as_of = date.fromisoformat(files.manifest["as_of"])
    assert week.day == as_of + timedelta(weeks=1)
    assert week.changed == math.ceil(0.1 * files.rows["key_results"])

    for name in ("Cycles.csv", "Teams.csv", "Objectives.csv", "KeyResults.csv"):
        assert (week.folder / name).read_bytes() == (files.csv_folder / name).read_bytes()
    with (files.csv_folder / "CheckIns.csv").open(newline="") as f:
        before = list(csv.reader(f))
    with (week.folder / "CheckIns.csv").open(newline="") as f:
        after = list(csv.reader(f))
    assert after[: len(before)] == before  # every earlier check-in, row for row
    new = after[len(before) :]
    assert len(new) == week.changed == week.check_ins - files.rows["check_ins"]
    assert {row[1] for row in new} == {f"{week.day.isoformat()}T10:00:00"}
    assert len({row[0] for row in new}) == len(new)  # one per key result
    assert all(row[2] for row in new)  # each with a value

    db = tmp_path / "store.duckdb"
    assert ingest_paths([files.csv_folder], db).ok
    assert ingest_paths([week.folder], db, as_of=week.day).ok
    with duckdb.connect(str(db), read_only=True) as conn:
        rows = conn.execute(
            "SELECT count(*), count(*) FILTER (WHERE checked_at::DATE = ?) FROM check_ins",
            [week.day],
        ).fetchall()
    assert rows == [(week.check_ins, week.changed)]
