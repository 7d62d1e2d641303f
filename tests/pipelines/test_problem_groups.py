"""Reports people can read (issue 13, items 6 and 7): problems grouped by place and message,
every problem with its location for tools, and the operator's import limits."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from pipelines.ingest import ingest_paths
from pipelines.problems import Problem, group_problems, problem_lines, problem_record, row_ranges
from pipelines.settings import OPERATOR_LIMITS, Settings, SettingsError, operator_settings
from tests.support.ingest import store_tables, write_csv

CLI = Path(__file__).resolve().parents[2] / ".venv" / "bin" / "okr-health"
KR_TYPE = "J (key_result_type)"
ORDINAL = '"ordinal" is not a key-result type'


def _problem(row: int | None, message: str = ORDINAL, column: str | None = KR_TYPE) -> Problem:
    return Problem("export.xlsx", "KeyResults", row, column, message)


@pytest.mark.parametrize(
    ("rows", "text"),
    [
        ([2], "2"),
        ([2, 3, 4], "2–4"),
        ([2, 3, 5, 9, 10], "2–3, 5, 9–10"),
        ([1, 3, 5, 7, 9, 11, 13], "1, 3, 5, 7, 9, 11, …"),
    ],
)
def test_row_ranges(rows: list[int], text: str) -> None:
    assert row_ranges(rows) == text


def test_the_same_message_on_many_rows_is_one_line() -> None:
    problems = [_problem(r) for r in range(212, 1, -1)]  # any order
    problems.append(_problem(5, '"ten" is not a number', "F (target_value)"))
    problems.append(Problem("export.xlsx", None, None, None, "no OKR table found"))
    assert problem_lines(problems) == [
        "export.xlsx: no OKR table found",
        f"export.xlsx:KeyResults: rows 2–212 (211 rows), {KR_TYPE}: {ORDINAL}",
        'export.xlsx:KeyResults:5:F (target_value): "ten" is not a number',
    ]  # in reading order of each group's first row
    groups = group_problems(problems)
    assert [g.count for g in groups] == [1, 211, 1]


def test_warnings_follow_errors_and_say_so() -> None:
    problems = [
        Problem("a.csv", None, 3, "B (date)", "ambiguous date", "warning"),
        Problem("a.csv", None, 4, "B (date)", "ambiguous date", "warning"),
        Problem("a.csv", None, 9, "C (target)", "not a number"),
    ]
    assert problem_lines(problems) == [
        "a.csv:9:C (target): not a number",
        "a.csv: rows 3–4 (2 rows), B (date): warning: ambiguous date",
    ]


def test_a_problem_for_tools_has_every_part_of_its_location() -> None:
    assert problem_record(_problem(14)) == {
        "file": "export.xlsx",
        "sheet": "KeyResults",
        "row": 14,
        "column": "J",
        "header": "key_result_type",
        "severity": "error",
        "message": ORDINAL,
    }
    record = problem_record(Problem("a.csv", None, None, None, "empty file", "warning"))
    assert (record["column"], record["header"], record["row"]) == (None, None, None)


def test_operator_limits_default_to_a_large_company_and_are_configurable() -> None:
    limits = operator_settings({})
    # the benchmark's largest company (size L): 907k key results, 11.6M check-ins in one CSV
    # of about 1 GB (README); the Data page keeps its own defaults
    assert limits.max_rows >= 20_000_000 and limits.max_upload_mb >= 4096
    assert Settings.from_env({}).max_rows == 500_000
    assert Settings.from_env({}).max_upload_mb == 50
    raised = operator_settings({"OKR_HEALTH_INGEST_MAX_ROWS": "1000", "OKR_HEALTH_MAX_ROWS": "7"})
    assert raised.max_rows == 1000
    assert raised.limit_variable("max_rows") == "OKR_HEALTH_INGEST_MAX_ROWS"
    assert Settings.from_env({"OKR_HEALTH_MAX_ROWS": "7"}).max_rows == 7
    assert set(OPERATOR_LIMITS) >= {"max_upload_mb", "max_rows"}
    with pytest.raises(SettingsError, match="OKR_HEALTH_INGEST_MAX_ROWS must be a number"):
        operator_settings({"OKR_HEALTH_INGEST_MAX_ROWS": "lots"})


def _flat(tmp_path: Path, n: int) -> Path:
    rows: list[list[object]] = [
        ["Quarter", "Objective", "Key Result", "Start", "Target", "Current"]
    ]
    rows += [["2025-Q3", "Grow", f"KR {i}", 0, 10, 5] for i in range(n)]
    return write_csv(tmp_path / "okrs.csv", rows)


def _cli(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(CLI), *args], capture_output=True, text=True, timeout=120, env={**os.environ, **env}
    )


def test_the_command_line_uses_the_operator_limits(tmp_path: Path) -> None:
    path, db = _flat(tmp_path, 20), tmp_path / "okr.duckdb"
    # The Data page's limit does not bind the operator's command…
    ok = _cli(["ingest", str(path), "--db", str(db), "--no-warm"], {"OKR_HEALTH_MAX_ROWS": "5"})
    assert ok.returncode == 0, ok.stderr
    assert "loaded: 1 cycle, 1 objective, 20 key results" in ok.stdout
    # …its own does, and the refusal names it
    refused = _cli(
        ["ingest", str(path), "--db", str(tmp_path / "b.duckdb"), "--json"],
        {"OKR_HEALTH_INGEST_MAX_ROWS": "5"},
    )
    assert refused.returncode == 1
    problems = json.loads(refused.stdout)["problems"]
    assert len(problems) == 1 and problems[0]["file"] == "okrs.csv"
    assert "OKR_HEALTH_INGEST_MAX_ROWS" in problems[0]["message"]


def test_the_data_page_limits_stay_and_name_their_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OKR_HEALTH_MAX_ROWS", "5")
    db = tmp_path / "okr.duckdb"
    report = ingest_paths([_flat(tmp_path, 20)], db)  # as the Data page reads uploads
    assert not report.ok
    assert "(OKR_HEALTH_MAX_ROWS)" in report.problems[0].message
    assert all(len(frame) == 0 for frame in store_tables(db).values())
