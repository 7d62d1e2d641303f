"""A long import says what it is doing: each stage as it starts (CLI and Data page)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

from okr_health.progress import StageProgress

ROOT = Path(__file__).resolve().parents[2]
STAGES = ["read", "check", "load", "compute the report"]


def test_ingest_reports_its_stages_as_plain_lines_when_not_on_a_terminal(tmp_path: Path):
    result = subprocess.run(
        [sys.executable, "-m", "okr_health.cli", "ingest", str(ROOT / "data" / "demo_company.xlsx"),
         "--db", str(tmp_path / "store.duckdb")],
        capture_output=True, text=True, timeout=300, env={**os.environ, "TERM": "dumb"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    stages = [line for line in lines if line.startswith("[")]
    assert stages == [f"[{i}/4] {stage}" for i, stage in enumerate(STAGES, start=1)]
    assert any(line.startswith("done in ") for line in lines)
    assert "\x1b[" not in result.stderr  # no bar, no colour codes in a log
    assert "\nloaded: 4 cycles" in result.stdout


def test_a_dry_run_has_no_load_stage(tmp_path: Path):
    result = subprocess.run(
        [sys.executable, "-m", "okr_health.cli", "ingest", str(ROOT / "data" / "okr_template.xlsx"),
         "--db", str(tmp_path / "store.duckdb"), "--dry-run"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert [line for line in result.stderr.splitlines() if line.startswith("[")] == [
        "[1/2] read",
        "[2/2] check",
    ]


def test_on_a_terminal_the_stages_are_a_progress_bar():
    out = io.StringIO()
    with StageProgress(STAGES, stream=out, terminal=True) as progress:
        for stage in STAGES:
            progress(stage)
    text = out.getvalue()
    assert "compute the report" in text and "4/4" in text
    assert "[1/4] read" not in text  # the bar, not the plain lines


def test_plain_lines_name_each_stage_in_order():
    out = io.StringIO()
    with StageProgress(STAGES, stream=out, terminal=False) as progress:
        progress("read")
        progress("check")
    assert out.getvalue().splitlines()[:2] == ["[1/4] read", "[2/4] check"]
