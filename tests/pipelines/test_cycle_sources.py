"""Where the cycle comes from (pipelines/map/cycles.py): names of sheets and files, title rows,
period date columns, `--cycle`, and a guess said at the top when the file names none. Every
file here is written by the test."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook

from pipelines.ingest import ingest_paths, ingest_snapshot_paths
from pipelines.map.cycles import quarter_of
from tests.pipelines.test_tool_profiles import dataset

ROWS = "Objective,Key Result,Start,Target,Current\nGrow revenue,Reach 10 customers,0,10,5\n"


def _cycles(db: Path) -> list[tuple[str, str, str]]:
    cycles = dataset(db).cycles[["cycle_id", "start_date", "end_date"]]
    return [(c, str(s)[:10], str(e)[:10]) for c, s, e in cycles.itertuples(index=False)]


@pytest.mark.parametrize(
    ("name", "cycle", "start", "end"),
    [
        ("okrs FY26-Q4", "FY26-Q4", "2026-10-01", "2026-12-31"),
        ("okrs FY2026", "FY2026", "2026-01-01", "2026-12-31"),
        ("okrs 2024", "2024", "2024-01-01", "2024-12-31"),
        ("okrs H1 2025", "H1 2025", "2025-01-01", "2025-06-30"),
        ("okrs T3 2026", "T3 2026", "2026-07-01", "2026-09-30"),
        ("okrs Q3 FY26", "Q3 FY26", "2026-07-01", "2026-09-30"),
        ("okrs 2025-Q2", "2025-Q2", "2025-04-01", "2025-06-30"),
        ("okrs_Q2_2025", "Q2_2025", "2025-04-01", "2025-06-30"),
    ],
)
def test_the_cycle_in_a_file_name(name: str, cycle: str, start: str, end: str, tmp_path: Path):
    # Before: "no cycle column (Cycle, Quarter, Period…)" refused the FY26-Q4 and T3 forms.
    path = tmp_path / f"{name}.csv"
    path.write_text(ROWS, encoding="utf-8")
    db = tmp_path / "okr.duckdb"
    report = ingest_paths([path], db)
    assert report.ok, [str(p) for p in report.problems]
    assert report.guessed is None
    assert _cycles(db) == [(cycle, start, end)]
    assert any(f"cycle {cycle!r} from the name" in n for n in report.notes), report.notes


def test_the_cycle_in_a_sheet_name(tmp_path: Path):
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "FY26-Q1"
    for line in ROWS.strip().split("\n"):
        sheet.append(line.split(","))
    path = tmp_path / "okrs.xlsx"
    book.save(path)
    db = tmp_path / "okr.duckdb"
    report = ingest_paths([path], db)
    assert report.ok, [str(p) for p in report.problems]
    assert _cycles(db) == [("FY26-Q1", "2026-01-01", "2026-03-31")]


def test_the_cycle_in_a_title_row_above_the_header(tmp_path: Path):
    path = tmp_path / "sales okrs.csv"
    path.write_text("Sales OKRs - Q2 FY26 - draft\n\n" + ROWS, encoding="utf-8")
    db = tmp_path / "okr.duckdb"
    report = ingest_paths([path], db)
    assert report.ok, [str(p) for p in report.problems]
    assert _cycles(db) == [("Q2 FY26", "2026-04-01", "2026-06-30")]
    assert any("from the title row" in n for n in report.notes), report.notes


def test_cycles_from_period_start_and_end_columns(tmp_path: Path):
    path = tmp_path / "okrs.csv"
    path.write_text(
        "Objective,Key Result,Period start,Period end,Target,Current\n"
        "Grow revenue,Reach 10 customers,2025-07-01,2025-09-30,10,5\n"
        "Ship v2,Launch beta,2025-02-01,2025-04-30,1,1\n",
        encoding="utf-8",
    )
    db = tmp_path / "okr.duckdb"
    report = ingest_paths([path], db)
    assert report.ok, [str(p) for p in report.problems]
    assert sorted(_cycles(db)) == [
        ("2025-02-01 – 2025-04-30", "2025-02-01", "2025-04-30"),  # a fiscal quarter: its dates
        ("2025-Q3", "2025-07-01", "2025-09-30"),
    ]
    objectives = dataset(db).objectives.set_index("title")
    assert objectives.at["Grow revenue", "cycle_id"] == "2025-Q3"
    assert not [c for c in report.unmapped_columns if "Period" in c]  # read, so not unused


def test_a_cycle_column_takes_its_dates_from_period_columns(tmp_path: Path):
    # A fiscal quarter named in the file: its days are the file's, not the calendar's.
    path = tmp_path / "okrs.csv"
    path.write_text(
        "Cycle,Objective,Key Result,Period start,Period end,Target,Current\n"
        "FY26 Q1,Grow revenue,Reach 10 customers,2025-02-01,2025-04-30,10,5\n",
        encoding="utf-8",
    )
    db = tmp_path / "okr.duckdb"
    report = ingest_paths([path], db)
    assert report.ok, [str(p) for p in report.problems]
    assert _cycles(db) == [("FY26 Q1", "2025-02-01", "2025-04-30")]


def test_no_cycle_anywhere_loads_into_the_current_quarter_and_says_so_first(tmp_path: Path):
    # Before: refused, "no cycle column (Cycle, Quarter, Period…)".
    path = tmp_path / "okrs.csv"
    path.write_text(ROWS, encoding="utf-8")
    db = tmp_path / "okr.duckdb"
    report = ingest_paths([path], db)
    assert report.ok, [str(p) for p in report.problems]
    quarter = quarter_of(date.today())
    line = (
        f"no cycle found in the file: loaded into {quarter} (the current quarter); "
        "pass --cycle to name it"
    )
    assert report.headline[0] == line
    assert report.guessed is not None and report.guessed.cycle == quarter
    assert any(p.message == line and not p.is_error for p in report.problems)
    assert [c for c, _, _ in _cycles(db)] == [quarter]


def test_no_cycle_anywhere_takes_the_quarter_of_the_files_date(tmp_path: Path):
    path = tmp_path / "okrs 2025-08-14.csv"
    path.write_text(ROWS, encoding="utf-8")
    db = tmp_path / "okr.duckdb"
    [report] = ingest_snapshot_paths([path], db)
    assert report.ok, [str(p) for p in report.problems]
    assert report.headline[0].startswith("no cycle found in the file: loaded into 2025-Q3 (")
    assert "14 Aug 2025" in report.headline[0]
    assert _cycles(db) == [("2025-Q3", "2025-07-01", "2025-09-30")]


def test_cli_cycle_names_the_cycle_of_a_file_without_one(tmp_path: Path):
    path = tmp_path / "okrs.csv"
    path.write_text(ROWS, encoding="utf-8")
    db = tmp_path / "okr.duckdb"
    result = subprocess.run(
        [sys.executable, "-m", "okr_health.cli", "ingest", str(path), "--db", str(db),
         "--no-warm", "--json", "--cycle", "2026-Q1"],
        capture_output=True, text=True, env=dict(os.environ), timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["cycle_guessed"] is None
    assert not any("no cycle found" in p["message"] for p in out["problems"])
    assert _cycles(db) == [("2026-Q1", "2026-01-01", "2026-03-31")]


def test_a_cycle_column_wins_over_the_file_name(tmp_path: Path):
    path = tmp_path / "okrs 2024.csv"
    path.write_text("Quarter," + ROWS.replace("\nGrow", "\n2025-Q1,Grow"), encoding="utf-8")
    db = tmp_path / "okr.duckdb"
    report = ingest_paths([path], db, cycle="2026-Q2")
    assert report.ok, [str(p) for p in report.problems]
    assert [c for c, _, _ in _cycles(db)] == ["2025-Q1"]
