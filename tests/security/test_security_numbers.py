"""Numbers a score can trust: infinities (however written) and values beyond ±1e15 are located
errors like NaN; weights are bounded; roll-ups of huge stored weights neither overflow nor warn."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pandas as pd
import pytest

from metrics.scores.scoring import score_all
from pipelines.ingest import ingest_paths
from tests.support.ingest import store_tables, write_csv
from tests.support.stores import canonical

HEADER: list[object] = ["Quarter", "Team", "Objective", "Key Result", "Owner", "Start", "Target"]
HEADER += ["Current"]


@pytest.mark.parametrize("typed", ["inf", "Infinity", "-inf", "1e309", "-1E400", "2e15", "NaN"])
def test_an_infinite_or_huge_value_is_located_and_never_stored(tmp_path: Path, typed: str) -> None:
    db = tmp_path / "okr.duckdb"
    rows: list[list[object]] = [
        HEADER,
        ["2025-Q3", "Sales", "Grow", "Revenue 0 → 10", "Ann", 0, 10, 4],
        ["2025-Q3", "Sales", "Grow", "Deals 0 → 10", "Ann", 0, 10, typed],
    ]
    report = ingest_paths([write_csv(tmp_path / "okrs.csv", rows)], db)
    said = [str(p) for p in report.problems]
    assert any(
        s.startswith("okrs.csv:3:H (Current):") and f'"{typed}"' in s and "set aside" in s
        for s in said
    ), said  # a key result's value: set aside like any cell that is no number
    stored = store_tables(db)["key_results"].set_index("title")["current_value"]
    assert stored["Revenue 0 → 10"] == 4 and pd.isna(stored["Deals 0 → 10"])


def test_json_infinity_is_a_located_error(tmp_path: Path) -> None:
    db = tmp_path / "okr.duckdb"
    records = [
        {"objective_id": "O1", "cycle_id": "2025-Q3", "title": "Grow", "weight": 1},
        {"objective_id": "O2", "cycle_id": "2025-Q3", "title": "Sell", "weight": float("inf")},
    ]
    path = tmp_path / "objectives.json"
    path.write_text(json.dumps(records))  # json writes the bare token Infinity
    assert "Infinity" in path.read_text()
    report = ingest_paths([path], db)
    errors = [str(p) for p in report.problems if p.is_error]
    assert not report.ok
    assert any("record 2" in e and "infinite" in e for e in errors), errors


@pytest.mark.parametrize(
    ("weight", "words"), [("2000000", "above 1,000,000"), ("1e9", "above 1,000,000")]
)
def test_a_weight_beyond_the_bound_is_a_located_error(
    tmp_path: Path, weight: str, words: str
) -> None:
    db = tmp_path / "okr.duckdb"
    objectives = write_csv(
        tmp_path / "objectives.csv",
        [["objective_id", "cycle_id", "title"], ["O1", "2025-Q3", "Grow"]],
    )
    krs = write_csv(
        tmp_path / "key_results.csv",
        [
            ["kr_id", "objective_id", "title", "start_value", "target_value", "current_value"]
            + ["weight"],
            ["K1", "O1", "Revenue", 0, 10, 10, weight],
            ["K2", "O1", "Deals", 0, 10, 0, 1],
        ],
    )
    report = ingest_paths([objectives, krs], db)
    assert not report.ok
    errors = [str(p) for p in report.problems if p.is_error]
    assert any(e.startswith("key_results.csv:2:G (weight):") and words in e for e in errors), errors


def test_a_zero_weight_is_a_warning(tmp_path: Path) -> None:
    db = tmp_path / "okr.duckdb"
    path = write_csv(
        tmp_path / "key_results.csv",
        [
            ["kr_id", "objective_id", "title", "target_value", "current_value", "weight"],
            ["K1", "O1", "Revenue", 10, 10, 0],
        ],
    )
    objectives = write_csv(
        tmp_path / "objectives.csv", [["objective_id", "cycle_id", "title"], ["O1", "Q3", "G"]]
    )
    report = ingest_paths([objectives, path], db)
    assert report.ok
    assert any("F (weight): warning: weight 0" in str(p) for p in report.problems)


def test_huge_stored_weights_score_without_overflow() -> None:
    objectives = pd.DataFrame(
        {
            "objective_id": ["O1"],
            "cycle_id": ["Q3"],
            "title": ["Grow"],
            "team_id": [None],
            "parent_kr_id": pd.Series([None], dtype="str"),
            "weight": [None],
        }
    )
    krs = pd.DataFrame(
        {
            "kr_id": ["K1", "K2"],
            "objective_id": ["O1", "O1"],
            "title": ["a", "b"],
            "kr_type": ["increase", "increase"],
            "owner": [None, None],
            "start_value": [0.0, 0.0],
            "target_value": [10.0, 10.0],
            "range_low": [None, None],
            "range_high": [None, None],
            "current_value": [10.0, 0.0],
            "manual_score": [None, None],
            "weight": [1e308, 1e308],
        }
    )
    checks = canonical("check_ins", [])  # none: scores from the sheets' values
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        scores = score_all(objectives, krs, checks)
    assert scores.objectives["score"].tolist() == [0.5]
