"""A team's Google-sheet grading (issue 13, b): End-Q is the closing grade, Mid-Q a grade
check-in at the cycle's midpoint, the projection the owner's forecast; average rows skipped."""

from __future__ import annotations

import math
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from tests.pipelines.tool_fixtures import TOOLS, expected, load_tool, scores_by
from tests.support.ingest import store_tables

CLI = Path(__file__).resolve().parents[2] / ".venv" / "bin" / "okr-health"
TOOL = "grading_sheet_google"


@pytest.fixture(scope="module")
def oracle() -> dict:
    return expected(TOOL)


def test_counts_and_scores(tmp_path: Path, oracle: dict) -> None:
    loaded = load_tool(TOOL, tmp_path / "okr.duckdb")
    counts = oracle["counts"]
    assert len(loaded.data.objectives) == counts["objectives"]
    assert len(loaded.data.key_results) == counts["key_results"]
    assert len(loaded.data.check_ins) == counts["check_ins"]
    assert len(loaded.data.cycles) == counts["cycles"]
    assert len(loaded.data.teams) == counts["teams"]
    assert scores_by(loaded.scores, "title") == pytest.approx(oracle["kr_scores"], abs=1e-6)
    by_title = loaded.scores.set_index("title")
    graded = by_title["score"].notna()
    assert set(by_title.loc[graded, "score_source"]) == {"manual"}
    assert set(by_title.loc[graded, "kr_type"]) == {"graded"}


def test_grades_projections_and_mid_quarter_check_ins(tmp_path: Path, oracle: dict) -> None:
    load_tool(TOOL, tmp_path / "okr.duckdb")
    stored = store_tables(tmp_path / "okr.duckdb")
    krs = stored["key_results"].set_index("title")
    manual = krs["manual_score"].dropna().to_dict()
    assert manual == pytest.approx(oracle["manual_scores"], abs=1e-6)
    projected = krs["projected_score"].dropna().to_dict()
    assert projected == pytest.approx(oracle["projected_scores"], abs=1e-6)
    check_ins = stored["check_ins"].merge(stored["key_results"][["kr_id", "title"]])
    grades = check_ins.set_index("title")["grade"].to_dict()
    assert grades == pytest.approx(oracle["mid_q_grades"], abs=1e-6)
    midpoint = pd.Timestamp(oracle["cycle"]["mid_q_check_in_date"])
    assert set(check_ins["checked_at"]) == {midpoint}
    cycle = stored["cycles"].iloc[0]
    assert (cycle["cycle_id"], str(cycle["start_date"])[:10], str(cycle["end_date"])[:10]) == (
        oracle["cycle"]["name"], oracle["cycle"]["start"], oracle["cycle"]["end"]
    )  # fmt: skip


def test_summary_rows_are_one_note_not_errors(tmp_path: Path, oracle: dict) -> None:
    path = TOOLS / TOOL / oracle["files"][0]
    result = subprocess.run(
        [str(CLI), "ingest", str(path), "--db", str(tmp_path / "okr.duckdb"), "--no-warm"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert (
        f"note: {path.name}: {oracle['summary_rows']} summary rows skipped "
        "(rows 7, 11, 15, 19, 21): totals and averages, not objectives or key results"
    ) in result.stdout.splitlines()
    assert "loaded: 1 cycle, 4 objectives, 12 key results, 11 check-ins" in result.stdout


@pytest.mark.parametrize(
    ("typed", "score"),
    [(".7", 0.7), ("1", 1.0), ("1.0", 1.0), ("0", 0.0), ("n/a", None), ("N/A", None)],
)
def test_grades_as_typed(tmp_path: Path, typed: str, score: float | None) -> None:
    from pipelines.ingest import ingest_paths
    from tests.support.ingest import write_csv

    rows = [
        ["Objective", "Key Result", "Owner", "Final Score"],
        ["Grow", "Win deals", "Ann Lee", typed],
        ["Grow", "Keep deals", "Ann Lee", ".5"],
    ]
    db = tmp_path / "okr.duckdb"
    report = ingest_paths([write_csv(tmp_path / "2025-Q3 grades.csv", rows)], db)
    assert report.ok, report.problems
    krs = store_tables(db)["key_results"].set_index("title")
    value = float(krs["manual_score"].to_dict()["Win deals"])
    assert (None if math.isnan(value) else value) == score
