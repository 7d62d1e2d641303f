"""Weekly copies of one flat sheet, as a team saves them, and the `okr-health` process that
loads them: shared by the history, as-of, report and page tests."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd

from pipelines.store.connection import open_store

CLI = [sys.executable, "-m", "okr_health.cli"]
HEADER = ["Quarter", "Team", "Objective", "Key Result", "Owner", "Start", "Target", "Current"]
# The `Current` column of one flat sheet, updated each week (two values change a week).
WEEKS = {
    "2026-11-09": [10, 20, 30, 40],
    "2026-11-16": [15, 20, 35, 40],
    "2026-11-23": [15, 25, 35, 50],
}


def run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "OKR_HEALTH_REPORT_CACHE": "0"}
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=300, env=env)


def ok(*args: str) -> str:
    done = run(*args)
    assert done.returncode == 0, done.stderr + done.stdout
    return done.stdout


def sheet(path: Path, values: list[int]) -> Path:
    with path.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(HEADER)
        for i, value in enumerate(values):
            writer.writerow(["2026-Q4", "Sales", f"Objective {i // 2}", f"KR {i}", "Ann", 0, 100,
                             value])  # fmt: skip
    return path


def weekly(folder: Path) -> list[Path]:
    folder.mkdir(exist_ok=True)
    return [sheet(folder / f"okrs-{day}.csv", values) for day, values in WEEKS.items()]


def check_ins(db: Path) -> pd.DataFrame:
    with open_store(db, read_only=True) as conn:
        return conn.execute(
            "SELECT k.title, CAST(c.checked_at AS DATE)::VARCHAR AS day, c.value "
            "FROM check_ins c JOIN key_results k USING (kr_id) ORDER BY day, title"
        ).df()
