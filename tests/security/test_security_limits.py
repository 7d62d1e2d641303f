"""Cheap refusal before expensive work: limits checked while reading, strict-link chains scored
in one pass and their loops refused. (Speed is measured by `python -m benchmarks.hostile`,
never timed here.)"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd
import pytest

from metrics.scores.scoring import score_all
from pipelines.ingest import ingest_paths
from pipelines.read.files import read_files
from tests.support.ingest import store_tables, write_csv
from tests.support.stores import canonical


def any_row(_text: str) -> bool:
    """Every row may be the header (a function: it goes to the Data page's child process)."""
    return True


O_HEADER: list[object] = ["objective_id", "cycle_id", "title", "parent_kr_id"]
K_HEADER: list[object] = ["kr_id", "objective_id", "title", "target_value", "current_value"]


def chain(levels: int) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Objective i's only key result K{i} is objective i+1 (strict link); the deepest
    objective has one measured key result at 0.4 and one at 1.0 (mean 0.7)."""
    objectives = pd.DataFrame(
        {
            "objective_id": [f"O{i}" for i in range(levels)],
            "cycle_id": "Q3",
            "title": "t",
            "team_id": None,
            "parent_kr_id": [None, *[f"K{i}" for i in range(levels - 1)]],
            "weight": None,
        }
    ).astype({"parent_kr_id": "str", "team_id": "str"})
    kr_ids = [f"K{i}" for i in range(levels - 1)] + ["Kx", "Ky"]
    owners = [f"O{i}" for i in range(levels - 1)] + [f"O{levels - 1}"] * 2
    krs = pd.DataFrame(
        {
            "kr_id": kr_ids,
            "objective_id": owners,
            "title": "k",
            "kr_type": None,
            "owner": None,
            "start_value": 0.0,
            "target_value": [None] * (levels - 1) + [10.0, 10.0],
            "range_low": None,
            "range_high": None,
            "current_value": [None] * (levels - 1) + [4.0, 10.0],
            "manual_score": None,
            "weight": None,
        }
    ).astype({"kr_type": "str", "target_value": "float64", "current_value": "float64"})
    checks = canonical("check_ins", [])  # none: scores from the sheets' values
    return objectives, krs, checks


def test_a_deep_strict_link_chain_carries_the_score_to_the_top() -> None:
    objectives, krs, checks = chain(300)
    scores = score_all(objectives, krs, checks)
    by_id = dict(zip(scores.objectives["objective_id"], scores.objectives["score"], strict=True))
    assert round(by_id["O0"], 9) == 0.7 and round(by_id["O150"], 9) == 0.7
    top = scores.key_results[scores.key_results["kr_id"] == "K0"].iloc[0]
    assert top["score_source"] == "linked"
    assert round(top["score"], 9) == 0.7


def test_a_strict_link_loop_is_a_located_error(tmp_path: Path) -> None:
    db = tmp_path / "okr.duckdb"
    objectives = write_csv(
        tmp_path / "objectives.csv",
        [O_HEADER, ["O0", "2025-Q3", "Top", "K1"], ["O1", "2025-Q3", "Below", "K0"]],
    )
    krs = write_csv(
        tmp_path / "key_results.csv",
        [K_HEADER, ["K0", "O0", "is O1", None, None], ["K1", "O1", "is O0", None, None]],
    )
    report = ingest_paths([objectives, krs], db)
    assert not report.ok
    errors = [str(p) for p in report.problems if p.is_error]
    assert "objectives.csv:2:D (parent_kr_id): strict-link loop: O0 → O1 → O0" in "\n".join(
        errors
    ), errors
    assert any(e.startswith("objectives.csv:3:D (parent_kr_id): strict-link loop") for e in errors)
    assert store_tables(db)["objectives"].empty


def test_a_strict_link_loop_through_the_store_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "okr.duckdb"
    first = write_csv(
        tmp_path / "a.csv",
        [O_HEADER, ["O0", "2025-Q3", "Top", None], ["O1", "2025-Q4", "Below", "K0"]],
    )
    krs = write_csv(
        tmp_path / "key_results.csv",
        [K_HEADER, ["K0", "O0", "is O1", None, None], ["K1", "O1", "own", 10, 5]],
    )
    assert ingest_paths([first, krs], db).ok
    again = write_csv(tmp_path / "b.csv", [O_HEADER, ["O0", "2025-Q3", "Top", "K1"]])
    report = ingest_paths([again], db)
    assert not report.ok
    assert any("strict-link loop: O0 → O1 → O0" in str(p) for p in report.problems)
    assert store_tables(db)["objectives"]["parent_kr_id"].isna().sum() == 1


def test_a_wide_header_is_refused_from_its_own_line(tmp_path: Path) -> None:
    db = tmp_path / "okr.duckdb"
    header = ",".join(f"c{i}" for i in range(100_000))
    path = tmp_path / "wide.csv"
    path.write_text(header + "\n" + ",".join("x" for _ in range(100_000)) + "\n")
    report = ingest_paths([path], db)
    assert not report.ok
    texts = [str(p) for p in report.problems]
    assert texts == [
        "wide.csv:1: 100,000 columns, over the limit of 500 columns per sheet or file "
        "(OKR_HEALTH_MAX_COLUMNS); refused before reading the rest"
    ]


def test_too_many_lines_and_cells_are_refused_before_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "long.csv"
    path.write_text("kr_id,title\n" + "K,t\n" * 2_000)
    monkeypatch.setenv("OKR_HEALTH_MAX_ROWS", "1000")
    sources = read_files([(path.name, path.read_bytes())], any_row)
    assert [str(p) for p in sources.problems] == [
        "long.csv: 2,001 lines, over the limit of 1,000 rows per sheet or file "
        "(OKR_HEALTH_MAX_ROWS); refused before reading them"
    ]
    assert not sources.tables
    monkeypatch.delenv("OKR_HEALTH_MAX_ROWS")
    monkeypatch.setenv("OKR_HEALTH_MAX_CELLS", "3000")
    sources = read_files([(path.name, path.read_bytes())], any_row)
    assert "over the limit of 3,000 cells per file (OKR_HEALTH_MAX_CELLS)" in str(
        sources.problems[0]
    )


def test_deep_json_nesting_is_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 50_000 + "]" * 50_000)
    sources = read_files([(path.name, path.read_bytes())], any_row)
    assert [str(p) for p in sources.problems] == [
        "deep.json: nested more than 100 levels deep (line 1), over the limit "
        "(OKR_HEALTH_MAX_NESTING): OKR exports nest a few levels"
    ]


def test_a_wide_header_inside_a_zip_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("okrs.csv", ",".join(f"c{i}" for i in range(5_000)) + "\n")
    sources = read_files([(path.name, path.read_bytes())], any_row)
    assert any("5,000 columns, over the limit" in str(p) for p in sources.problems)
    assert not sources.tables
