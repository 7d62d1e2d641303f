"""A file with 50 problems: every one reported where Excel shows it, and nothing written."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from pipelines.ingest import ingest_paths
from tests.support.ingest import CANONICAL_SHEETS, history, store_tables, write_xlsx

CLI = Path(__file__).resolve().parents[2] / ".venv" / "bin" / "okr-health"


def fifty_problems() -> dict[str, list[list[object]]]:
    objectives: list[list[object]] = [
        ["Company OKRs"],  # two title rows: the header is on row 3
        ["exported 2025-09-30"],
        ["objective_id", "cycle_id", "title", "team_id", "parent_objective_id"],
        ["O1", "2025-Q3", "Grow", "co", None],  # row 4
        ["O2", "2025-Q3", "Sell", "co", "O3"],  # row 5: O2 → O3 → O2, a loop
        ["O3", "2025-Q3", "Serve", "co", "O2"],  # row 6
        ["O1", "2025-Q3", "Duplicate", "co", None],  # row 7: duplicate id
        ["O4", "2025-Q3", None, "co", None],  # row 8: no title
    ]
    header: list[object] = ["kr_id", "objective_id", "title", "kr_type", "start_value",
                            "target_value", "current_value", "manual_score"]  # fmt: skip
    krs: list[list[object]] = [header]
    for i in range(1, 43):  # Excel rows 2–43
        row: list[object] = [f"K{i:02d}", "O1", f"Key result {i}", "increase", 0, 10, 5, None]
        if i <= 5:
            row[3] = "sideways"  # rows 2–6
        if i in (6, 7):
            row[0] = "K01"  # rows 7–8: duplicate ids
        if 8 <= i <= 17:
            row[5] = "ten"  # rows 9–18
        if 18 <= i <= 27:
            row[1] = "O-missing"  # rows 19–28
        if 28 <= i <= 37:
            row[7] = "150%"  # rows 29–38
        if i >= 38:
            row[2] = None  # rows 39–43
        krs.append(row)
    check_ins: list[list[object]] = [
        ["kr_id", "checked_at", "value"],
        ["K01", "2025-08-01", 3],
        ["K02", "31/02/2025", 4],  # row 3
        ["K03", "2025-13-01", 4],  # row 4
        ["K99", "2025-08-01", 1],  # row 5
        ["K98", "2025-08-01", 1],  # row 6
    ]
    return {"Objectives": objectives, "KeyResults": krs, "CheckIns": check_ins}


EXPECTED_LINES = [
    'okrs.xlsx:KeyResults:14:F (target_value): warning: "ten" is not a number: set aside, '
    "loaded without this value (unscored by it)",
    'okrs.xlsx:KeyResults:2:D (kr_type): warning: "sideways" is not a key-result type we know: '
    "the type is inferred from the numbers (increase, decrease, range or milestone)",
    'okrs.xlsx:KeyResults:7:A (kr_id): duplicate kr_id "K01" (first on row 2)',
    'okrs.xlsx:KeyResults:19:B (objective_id): warning: objective "O-missing" not found: the '
    'key result is loaded under "Key results without an objective (okrs.xlsx:KeyResults)"',
    "okrs.xlsx:KeyResults:29:H (manual_score): score 1.5 is outside 0–1 "
    "(after reading 0–10 or 0–100 scales)",
    "okrs.xlsx:KeyResults:43:C (title): required value is empty",
    'okrs.xlsx:Objectives:7:A (objective_id): duplicate objective_id "O1" (first on row 4)',
    "okrs.xlsx:Objectives:8:C (title): required value is empty",
    "okrs.xlsx:Objectives:5:E (parent_objective_id): alignment loop: O2 → O3 → O2 "
    "(rejected: a parent cannot be its own descendant)",
    "okrs.xlsx:Objectives:6:E (parent_objective_id): alignment loop: O3 → O2 → O3 "
    "(rejected: a parent cannot be its own descendant)",
    'okrs.xlsx:CheckIns:3:B (checked_at): "31/02/2025" is not a date',
    'okrs.xlsx:CheckIns:4:B (checked_at): "2025-13-01" is not a date',
    'okrs.xlsx:CheckIns:5:A (kr_id): key result "K99" not found',
]


GROUPED_LINES = [
    'okrs.xlsx:KeyResults: rows 9–18 (10 rows), F (target_value): warning: "ten" is not a '
    "number: set aside, loaded without this value (unscored by it)",
    'okrs.xlsx:KeyResults: rows 2–6 (5 rows), D (kr_type): warning: "sideways" is not a '
    "key-result type we know: the type is inferred from the numbers (increase, decrease, "
    "range or milestone)",
    "okrs.xlsx:KeyResults: rows 19–28 (10 rows), B (objective_id): warning: objective "
    '"O-missing" not found: the key result is loaded under "Key results without an objective '
    '(okrs.xlsx:KeyResults)"',
    "okrs.xlsx:KeyResults: rows 39–43 (5 rows), C (title): required value is empty",
    'okrs.xlsx:Objectives:7:A (objective_id): duplicate objective_id "O1" (first on row 4)',
]


@pytest.fixture
def loaded_store(tmp_path: Path) -> Path:
    db = tmp_path / "okr.duckdb"
    report = ingest_paths([write_xlsx(tmp_path / "good.xlsx", CANONICAL_SHEETS)], db)
    assert report.ok
    return db


def test_all_fifty_problems_are_reported_and_nothing_is_written(
    tmp_path: Path, loaded_store: Path
) -> None:
    before = store_tables(loaded_store)
    path = write_xlsx(tmp_path / "okrs.xlsx", fifty_problems())
    report = ingest_paths([path], loaded_store)
    lines = [str(p) for p in report.problems]
    assert not report.ok and report.outcome == "rejected"
    # 25 errors; warnings (issue 13, 21): an unknown key-result type (rows 2–6), a cell
    # that is not a number (set aside, 9–18), a key result whose objective is not found (under
    # a holder objective, 19–28), and where numbering restarts (K01 on row 7, O1 on row 7)
    assert len([p for p in report.problems if p.is_error]) == 25, "\n".join(lines)
    warned = [(p.sheet, p.row) for p in report.problems if not p.is_error]
    assert warned == [("KeyResults", r) for r in range(2, 8)] + [
        ("KeyResults", r) for r in range(9, 29)
    ] + [("Objectives", 7)]
    for line in EXPECTED_LINES:
        assert line in lines
    rows_of = {(p.sheet, p.row) for p in report.problems}
    assert {("KeyResults", r) for r in range(9, 19)} <= rows_of  # every "ten", not the first
    after = store_tables(loaded_store)
    for table, frame in before.items():
        pd.testing.assert_frame_equal(after[table], frame, obj=table)
    log = history(loaded_store)
    assert log["outcome"].tolist() == ["rejected", "loaded"]
    assert log.iloc[0]["message"].startswith("25 error(s), 27 warning(s)")


def test_broken_alignment_links_are_loaded_as_warnings(tmp_path: Path) -> None:
    sheets = {k: [list(r) for r in v] for k, v in CANONICAL_SHEETS.items()}
    sheets["Objectives"][2][6] = "O-gone"  # O2 aligned to an objective nobody has
    db = tmp_path / "okr.duckdb"
    report = ingest_paths([write_xlsx(tmp_path / "okrs.xlsx", sheets)], db)
    assert report.ok and report.outcome == "loaded"
    assert [str(p) for p in report.problems] == [
        'okrs.xlsx:Objectives:3:G (parent_objective_id): warning: parent objective "O-gone" '
        "not found (a broken link: loaded, and shown as broken)"
    ]
    objectives = store_tables(db)["objectives"].set_index("objective_id")
    assert objectives.loc["O2", "parent_objective_id"] == "O-gone"


def test_a_loop_through_the_stored_objectives_is_rejected(
    tmp_path: Path, loaded_store: Path
) -> None:
    """O2 → O1 is stored; an import that aligns O1 to O2 closes the loop."""
    sheets = {"Objectives": [list(r) for r in CANONICAL_SHEETS["Objectives"][:2]]}
    sheets["Objectives"][1][6] = "O2"
    report = ingest_paths([write_xlsx(tmp_path / "o.xlsx", sheets)], loaded_store)
    assert not report.ok
    assert [str(p) for p in report.problems] == [
        "o.xlsx:Objectives:2:G (parent_objective_id): alignment loop: O1 → O2 → O1 "
        "(rejected: a parent cannot be its own descendant)"
    ]


@pytest.mark.skipif(not CLI.exists(), reason="the okr-health console script is not installed")
def test_cli_lists_every_problem_and_exits_non_zero(tmp_path: Path, loaded_store: Path) -> None:
    before = store_tables(loaded_store)
    path = write_xlsx(tmp_path / "okrs.xlsx", fifty_problems())
    result = subprocess.run(
        [str(CLI), "ingest", str(path), "--db", str(loaded_store)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    stderr = result.stderr.splitlines()
    # The same message on many rows is one line with the rows (issue 13)
    for line in GROUPED_LINES:
        assert line in stderr, "\n".join(stderr)
    assert len([s for s in stderr if s.startswith("okrs.xlsx:")]) == 16
    assert stderr[-1] == "rejected: 25 problems; nothing was written."
    as_json = subprocess.run(
        [str(CLI), "ingest", str(path), "--db", str(loaded_store), "--json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert as_json.returncode == 1
    problems = json.loads(as_json.stdout)["problems"]
    assert len(problems) == 52
    assert {
        "file": "okrs.xlsx",
        "sheet": "KeyResults",
        "row": 14,
        "column": "F",
        "header": "target_value",
        "severity": "warning",
        "message": '"ten" is not a number: set aside, loaded without this value (unscored by it)',
    } in problems
    after = store_tables(loaded_store)
    for table, frame in before.items():
        pd.testing.assert_frame_equal(after[table], frame, obj=table)
