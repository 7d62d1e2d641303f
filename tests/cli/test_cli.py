"""The command line as a user runs it: a real process, a real store file."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

CLI = [sys.executable, "-m", "okr_health.cli"]


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=300,
    )


def test_scores_csv_prints_one_row_per_key_result(small_store: Path):
    result = run("scores", "--db", str(small_store), "--format", "csv")
    assert result.returncode == 0, result.stderr
    rows = {r["kr_id"]: r for r in csv.DictReader(io.StringIO(result.stdout))}
    assert list(next(iter(rows.values()))) == [
        "kr_id",
        "objective_id",
        "cycle_id",
        "title",
        "kr_type",
        "score",
        "attainment",
        "score_source",
        "band",
    ]
    assert rows["k1"]["score"] == "0.6000" and rows["k1"]["band"] == "sweet"
    assert rows["k3"]["score"] == "0.6667" and rows["k3"]["kr_type"] == "decrease"
    assert rows["k4"]["score"] == "1.0000" and rows["k4"]["band"] == "maxed"
    assert rows["k6"]["score"] == "" and rows["k6"]["score_source"] == ""


def test_scores_json_per_objective_reads_store_from_environment(small_store: Path):
    result = run(
        "scores",
        "--level",
        "objective",
        "--format",
        "json",
        env={"OKR_HEALTH_DB": str(small_store)},
    )
    assert result.returncode == 0, result.stderr
    by_id = {r["objective_id"]: r for r in json.loads(result.stdout)}
    assert by_id["o-sales"]["score"] == pytest.approx(0.7)
    assert by_id["o-ops"]["score"] == pytest.approx((2 / 3 + 1) / 2, abs=1e-6)
    assert by_id["o-ops2"]["score"] == pytest.approx(1.0)
    assert set(by_id["o-sales"]) == {
        "objective_id",
        "cycle_id",
        "title",
        "team_id",
        "score",
        "band",
    }


def test_summary_json_has_the_spec_shape(small_store: Path):
    result = run("summary", "--db", str(small_store), "--json")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["cycle"] == "2026-Q1" and summary["cycles"] == ["2026-Q1"]
    assert summary["counts"] == {
        **summary["counts"],
        "teams": 2,
        "objectives": 3,
        "key_results": 6,
        "check_ins": 2,
    }
    assert summary["scores"]["kr_mean"] == pytest.approx((0.6 + 0.8 + 2 / 3 + 1 + 1) / 5, 1e-3)
    assert summary["scores"]["bands"] == {"low": 0, "mid": 0, "sweet": 2, "high": 1, "maxed": 2}
    assert set(summary["alignment"]) >= {
        "aligned_share",
        "orphans",
        "unsupported_top",
        "broken_links",
    }
    assert set(summary["flags"]) >= {"sandbagging", "over_ambitious", "stale_key_results"}


def test_summary_text_and_unknown_cycle(small_store: Path):
    text = run("summary", "--db", str(small_store))
    assert "3 objectives, 6 key results (1 ungraded)" in text.stdout
    bad = run("summary", "--db", str(small_store), "--cycle", "1999-Q1")
    assert bad.returncode != 0 and "unknown cycle '1999-Q1'" in bad.stderr


def test_missing_store_is_a_clear_error(tmp_path: Path):
    result = run("summary", "--db", str(tmp_path / "nowhere.duckdb"))
    assert result.returncode == 1
    assert "no store at" in result.stderr and "okr-health demo" in result.stderr


def test_summary_of_a_store_whose_only_import_was_undone_says_it_is_empty(tmp_path: Path):
    db = tmp_path / "s.duckdb"
    sheet = tmp_path / "okrs.csv"
    sheet.write_text("Quarter,Objective,Key Result,Start,Target,Current\n"
                     "2026-Q4,Grow,Close 40 deals,0,40,10\n")  # fmt: skip
    assert run("ingest", str(sheet), "--db", str(db)).returncode == 0
    assert run("undo", "--db", str(db)).returncode == 0
    for args in ((), ("--json",)):
        result = run("summary", "--db", str(db), *args)
        assert result.returncode == 1, result.stdout
        assert result.stderr.strip().startswith("error: the store holds no OKRs;"), result.stderr
        assert "Traceback" not in result.stderr


def test_demo_then_summary_json(tmp_path: Path):
    db = tmp_path / "demo.duckdb"
    made = run("demo", "--db", str(db))
    assert made.returncode == 0, made.stderr
    summary = json.loads(run("summary", "--db", str(db), "--json").stdout)
    assert summary["cycle"] == "2026-Q4"
    assert summary["cycles"] == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
    assert summary["counts"]["key_results"] > 100 and summary["counts"]["check_ins"] > 1000
    assert 0 < summary["scores"]["kr_mean"] < 1
    again = run("demo", "--db", str(db), "--if-missing")
    assert again.returncode == 0 and "already holds data" in again.stdout


def test_scores_ignore_check_ins_after_the_as_of_day(tmp_path: Path):
    from datetime import date

    import pandas as pd

    from tests.support.stores import canonical, small_company, write_store

    tables = small_company()
    later = canonical("check_ins", [{"kr_id": "k2", "checked_at": pd.Timestamp("2026-04-15"),
                                     "value": 30.0}])  # fmt: skip
    tables["check_ins"] = pd.concat([tables["check_ins"], later], ignore_index=True)
    db = write_store(tmp_path / "future.duckdb", tables, as_of=date(2026, 3, 31))
    result = run("scores", "--db", str(db), "--format", "csv")
    rows = {r["kr_id"]: r for r in csv.DictReader(io.StringIO(result.stdout))}
    assert rows["k2"]["score"] == "0.8000"  # the 15 April check-in (1.0) has not happened yet


def test_demo_replaces_a_store_in_one_transaction(small_store: Path, monkeypatch):
    """`okr-health demo` over a store that holds data: a failure half-way through leaves the
    old content whole (never an empty store); success leaves only the demo company."""
    from typer.testing import CliRunner

    import pipelines.store.load
    from okr_health.cli import app
    from pipelines.store.connection import open_store
    from pipelines.store.rows import upsert_rows

    def objective_ids() -> set[str]:
        with open_store(small_store, read_only=True) as conn:
            return {r[0] for r in conn.execute("SELECT objective_id FROM objectives").fetchall()}

    before = objective_ids()
    real_upsert = upsert_rows  # the function `pipelines.store.load` calls

    def fail_on_key_results(conn, table, frame):
        if table.name == "key_results":
            raise OSError("disk full")
        real_upsert(conn, table, frame)

    monkeypatch.setenv("OKR_HEALTH_REPORT_CACHE", "0")
    monkeypatch.setattr(pipelines.store.load, "upsert_rows", fail_on_key_results)
    failed = CliRunner().invoke(app, ["demo", "--db", str(small_store)])
    assert failed.exit_code != 0
    assert objective_ids() == before  # the old company, whole

    monkeypatch.setattr(pipelines.store.load, "upsert_rows", real_upsert)
    done = CliRunner().invoke(app, ["demo", "--db", str(small_store)])
    assert done.exit_code == 0, done.output
    after = objective_ids()
    assert not (after & before) and len(after) > 100
    with open_store(small_store, read_only=True) as conn:
        rows = conn.execute("SELECT outcome FROM imports ORDER BY import_id").fetchall()
    outcomes = [r[0] for r in rows]
    assert outcomes[-2:] == ["failed", "loaded"]
