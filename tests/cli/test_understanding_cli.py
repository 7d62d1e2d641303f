"""`okr-health ingest` says what it understood, in text and in `--json`, before storing
anything (issue 21): counts per cycle and team, a sample tree, the fields' columns, what was
not used and "read N objectives and key results, set aside M"."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REALWORLD = ROOT / ".." / "shared" / "realworld"
CSV = (
    "Quarter,Team,Objective,Key Result,Target,Current,Context\n"
    "2026-Q1,Sales,Grow revenue,Close 20 deals,20,5,on plan\n"
    "2026-Q1,Sales,Grow revenue,Sign 3 partners,3,Blocked,vendor late\n"
    "2026-Q1,Support,Happy customers,NPS above 50,50,40,\n"
)


def ingest(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "okr_health.cli", "ingest", *args],
        capture_output=True, text=True, timeout=300, cwd=ROOT,
    )  # fmt: skip


@pytest.fixture
def okrs(tmp_path: Path) -> Path:
    path = tmp_path / "okrs.csv"
    path.write_text(CSV, encoding="utf-8")
    return path


def test_dry_run_prints_what_was_understood_first(okrs: Path, tmp_path: Path) -> None:
    result = ingest(str(okrs), "--dry-run", "--db", str(tmp_path / "okr.duckdb"))
    assert result.returncode == 0, result.stderr
    out = result.stdout.splitlines()
    assert out[:6] == [
        "understood: 1 cycle, 2 teams, 2 objectives, 3 key results (objectives/key results "
        "per cycle and team, archived ones out):",
        "  2026-Q1 2/3: Sales 1/2, Support 1/1",
        "  e.g. Grow revenue  [Sales, 2026-Q1; okrs.csv:2]",
        "       - Close 20 deals",
        "       - Sign 3 partners",
        "  e.g. Happy customers  [Support, 2026-Q1; okrs.csv:4]",
    ]
    assert "not used in okrs.csv: Context" in out
    assert "read 5 objectives and key results, set aside 1 (listed below)" in out
    assert "dry-run: 1 cycle, 2 teams, 2 objectives, 3 key results" in out  # said once
    assert any(line.startswith("fields from okrs.csv: objective cycle ← A (Quarter)")
               for line in out)  # fmt: skip
    assert (
        'okrs.csv:3:F (Current): warning: "Blocked" is not a number (or done/not done): set '
        "aside, loaded without this value (unscored by it)"
    ) in result.stderr.splitlines()
    assert "dry run: nothing was written." in out


def test_json_holds_the_understanding_object(okrs: Path, tmp_path: Path) -> None:
    result = ingest(str(okrs), "--json", "--db", str(tmp_path / "okr.duckdb"))
    assert result.returncode == 0, result.stderr
    understood = json.loads(result.stdout)["understanding"]
    assert understood["structure"] == [
        {"cycle": "2026-Q1", "objectives": 2, "key_results": 3,
         "teams": [{"team": "Sales", "objectives": 1, "key_results": 2},
                   {"team": "Support", "objectives": 1, "key_results": 1}]}
    ]  # fmt: skip
    assert understood["samples"][0]["key_results"] == ["Close 20 deals", "Sign 3 partners"]
    assert {"source": "okrs.csv", "field": "key_results.title",
            "column": "D (Key Result)", "derived": False} in understood["fed"]  # fmt: skip
    assert understood["not_used"] == {"okrs.csv": ["Context"]}
    assert (understood["loaded"], understood["set_aside"]) == (5, 1)
    assert understood["set_aside_lines"][0].startswith('okrs.csv:3:F (Current): warning: "Blocked"')


@pytest.mark.skipif(not REALWORLD.is_dir(), reason="../shared/realworld is not beside the checkout")
def test_a_real_outline_prints_at_most_forty_lines(tmp_path: Path) -> None:
    path = REALWORLD / "gitlab-okrs-fy20q4" / "gitlab_okrs_fy20q4.csv"
    result = ingest(str(path), "--dry-run", "--db", str(tmp_path / "okr.duckdb"))
    printed = [*result.stdout.splitlines(), *result.stderr.splitlines()]
    assert any(line.startswith("understood: ") for line in result.stdout.splitlines())
    assert len(printed) <= 40, "\n".join(printed)


def test_a_column_of_prose_set_aside_is_one_line(tmp_path: Path) -> None:
    rows = ["Quarter,Objective,Key Result,Target,Current"]
    rows += [f"2026-Q1,Grow,KR {k},10,{k}" for k in range(3)]  # numbers: the column is right
    rows += [f"2026-Q1,Grow,KR {k},10,note {k}" for k in range(3, 9)]  # six different texts
    path = tmp_path / "okrs.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = ingest(str(path), "--dry-run", "--db", str(tmp_path / "okr.duckdb"))
    assert result.returncode == 0, result.stderr
    located = [line for line in result.stderr.splitlines() if line.startswith("okrs.csv")]
    assert located == [
        'okrs.csv: rows 5–10 (6 rows), E (Current): warning: 6 cells are not numbers ("note 3", '
        '"note 4", "note 5", …): set aside, loaded without these values (unscored by them)'
    ]
    assert "read 10 objectives and key results, set aside 6 (listed below)" in (
        result.stdout.splitlines()
    )


def test_fields_read_in_plain_words_and_derived_ones_said_so(tmp_path: Path) -> None:
    """An outline (objectives and key results in one table, told apart by a type column):
    the reader makes the ids and the links; no column of the file is named for them."""
    rows = ["Cycle,Type,Title,Parent,Owner"]
    rows += ["2026-Q1,Objective,Grow revenue,,Ann",
             "2026-Q1,Key Result,Close 20 deals,Grow revenue,Bo",
             "2026-Q1,Key Result,Sign 3 partners,Grow revenue,Cy",
             "2026-Q1,Objective,Happy customers,,Di",
             "2026-Q1,Key Result,NPS above 50,Happy customers,Ed"]  # fmt: skip
    path = tmp_path / "okrs.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = ingest(str(path), "--dry-run", "--db", str(tmp_path / "okr.duckdb"))
    assert result.returncode == 0, result.stderr
    fields = [line for line in result.stdout.splitlines() if line.startswith("fields from")]
    assert fields == [
        "fields from okrs.csv (objectives): objective cycle ← A (Cycle), objective ← C (Title), "
        "objective owner ← E (Owner); derived by the reader (no column): objective id, "
        "objective parent objective, objective parent key result, objective weight",
        "fields from okrs.csv (key results): key result ← C (Title), key result owner ← E "
        "(Owner); derived by the reader (no column): key result id, key result objective, "
        "key result weight",
    ]  # the file's own headers; never `objective_id (objective_id)` nor `A (cycle_id)`
