"""Re-imports and newer exports: the same content changes nothing; a newer export of a cycle
updates it (and drops what it no longer contains); nothing outside it is touched."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from pipelines.ingest import ingest_paths
from pipelines.store.connection import open_store
from pipelines.store.rows import clear_store
from tests.support.ingest import (
    CANONICAL_SHEETS,
    audit,
    history,
    kr_scores,
    store_tables,
    write_csv,
    write_xlsx,
)

HEADER = ["Quarter", "Team", "Objective", "Key Result", "Owner", "Start", "Target", "Current"]
Q3 = [
    ["2025-Q3", "Sales", "Grow revenue", "Revenue 100 → 110", "Ann", 100, 110, 104],
    ["2025-Q3", "Sales", "Grow revenue", "Deals 10 → 20", "Bob", 10, 20, 12],
    ["2025-Q3", "Sales", "Happy customers", "NPS 30 → 50", "Cleo", 30, 50, 35],
    ["2025-Q3", "Support", "Fast answers", "First reply under 4 h", "Dan", 10, 4, 8],
]
Q2 = [["2025-Q2", "Sales", "Grow revenue", "Revenue 90 → 100", "Ann", 90, 100, 97]]


def export(path: Path, rows: list[list[object]]) -> Path:
    return write_xlsx(path, {"OKRs": [HEADER, *rows]})


def scores_by_title(db: Path) -> dict[str, float]:
    krs = store_tables(db)["key_results"]
    scores = kr_scores(db)
    return {title: scores[kr] for title, kr in zip(krs["title"], krs["kr_id"], strict=True)}


def test_the_same_file_twice_changes_nothing(tmp_path: Path) -> None:
    db, path = tmp_path / "okr.duckdb", export(tmp_path / "okrs.xlsx", Q3)
    first = ingest_paths([path], db)
    tables, scores = store_tables(db), kr_scores(db)
    again = ingest_paths([path], db)
    assert (first.outcome, again.outcome) == ("loaded", "unchanged")
    assert again.ok and again.rows == first.rows
    for name, frame in store_tables(db).items():
        pd.testing.assert_frame_equal(frame, tables[name], obj=name)
    assert kr_scores(db) == scores
    assert history(db)["outcome"].tolist() == ["unchanged", "loaded"]


def test_the_same_content_from_another_format_is_unchanged_too(tmp_path: Path) -> None:
    db = tmp_path / "okr.duckdb"
    ingest_paths([export(tmp_path / "okrs.xlsx", Q3)], db)
    report = ingest_paths([write_csv(tmp_path / "okrs.csv", [HEADER, *Q3], sep=";")], db)
    assert report.outcome == "unchanged"


def test_after_the_store_is_cleared_the_same_file_loads_again(tmp_path: Path) -> None:
    db, path = tmp_path / "okr.duckdb", export(tmp_path / "okrs.xlsx", Q3)
    ingest_paths([path], db)
    with open_store(db) as conn:
        clear_store(conn)
    report = ingest_paths([path], db)
    assert report.outcome == "loaded"
    assert len(store_tables(db)["key_results"]) == 4


def test_a_newer_export_of_the_cycle_updates_it(tmp_path: Path) -> None:
    db = tmp_path / "okr.duckdb"
    ingest_paths([export(tmp_path / "q2.xlsx", Q2)], db)
    ingest_paths([export(tmp_path / "q3.xlsx", Q3)], db)
    q2_before = scores_by_title(db)["Revenue 90 → 100"]
    newer = [list(r) for r in Q3]
    newer[0][7] = 108  # revenue moved on
    newer[2][2] = "Delighted customers"  # the objective was renamed (a new id)
    del newer[1]  # the deals key result was dropped
    newer.append(["2025-Q3", "Sales", "Grow revenue", "Upsell 5 → 15", "Bob", 5, 15, 10])
    report = ingest_paths([export(tmp_path / "q3-later.xlsx", newer)], db)
    assert report.ok and report.outcome == "loaded"
    # (with the check-ins the earlier copy recorded for their first values)
    assert report.removed == {"objectives": 1, "key_results": 2, "check_ins": 2}
    scores = scores_by_title(db)
    assert set(scores) == {
        "Revenue 90 → 100",
        "Revenue 100 → 110",
        "NPS 30 → 50",
        "First reply under 4 h",
        "Upsell 5 → 15",
    }
    assert scores["Revenue 100 → 110"] == pytest.approx(0.8)
    assert scores["Revenue 90 → 100"] == q2_before  # another cycle is not touched
    titles = set(store_tables(db)["objectives"]["title"])
    assert titles == {"Grow revenue", "Delighted customers", "Fast answers"}
    assert audit(db) == {}


def test_a_newer_canonical_export_replaces_the_check_in_history(tmp_path: Path) -> None:
    db = tmp_path / "okr.duckdb"
    ingest_paths([write_xlsx(tmp_path / "v1.xlsx", CANONICAL_SHEETS)], db)
    sheets = {k: [list(r) for r in v] for k, v in CANONICAL_SHEETS.items()}
    sheets["CheckIns"].append(["K1", "2025-09-15", 108, 0.9, "on track"])
    report = ingest_paths([write_xlsx(tmp_path / "v2.xlsx", sheets)], db)
    assert report.outcome == "loaded"
    assert store_tables(db)["check_ins"]["value"].tolist() == [103.0, 106.0, 108.0]
    assert kr_scores(db)["K1"] == pytest.approx(0.8)


def test_a_flat_sheet_joins_the_stored_team_tree_without_changing_it(tmp_path: Path) -> None:
    db = tmp_path / "okr.duckdb"
    ingest_paths([write_xlsx(tmp_path / "canonical.xlsx", CANONICAL_SHEETS)], db)
    teams_before = store_tables(db)["teams"]
    flat = [["2025-Q4", "Sales", "Open a new market", "Two pilot customers", "Bob", 0, 2, 1]]
    report = ingest_paths([export(tmp_path / "q4.xlsx", flat)], db)
    assert report.ok
    pd.testing.assert_frame_equal(store_tables(db)["teams"], teams_before)
    objectives = store_tables(db)["objectives"].set_index("title")
    assert objectives.loc["Open a new market", "team_id"] == "sales"  # matched by name


def test_a_dry_run_writes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "okr.duckdb"
    report = ingest_paths([export(tmp_path / "okrs.xlsx", Q3)], db, dry_run=True)
    assert report.ok and report.outcome == "dry-run"
    assert report.rows == {"cycles": 1, "teams": 2, "objectives": 3, "key_results": 4}
    assert not db.exists()
