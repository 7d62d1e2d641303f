"""`okr-health summary` with the report cached prints the summary kept with the report,
reading none of the report's frames, and prints exactly what a computed report gives."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

CLI = [sys.executable, "-m", "okr_health.cli"]


def summary(db: Path, *args: str, cache: bool = True) -> str:
    env = dict(os.environ)
    env.pop("OKR_HEALTH_REPORT_CACHE", None)
    if not cache:
        env["OKR_HEALTH_REPORT_CACHE"] = "0"
    done = subprocess.run([*CLI, "summary", "--db", str(db), *args], env=env,
                          capture_output=True, text=True, check=True)  # fmt: skip
    return done.stdout


def test_cached_summary_reads_no_frame_and_matches_the_computed_one(tmp_path: Path) -> None:
    db = tmp_path / "okr.duckdb"
    subprocess.run([*CLI, "demo", "--db", str(db)], check=True, capture_output=True)
    entries = [p for p in (tmp_path / "okr.duckdb.cache").iterdir()
               if p.is_dir() and not p.name.startswith(".")]  # fmt: skip
    assert len(entries) == 1
    computed = {args: summary(db, *args, cache=False)
                for args in [(), ("--json",), ("--cycle", "2026-Q2", "--json")]}  # fmt: skip
    for frame in entries[0].glob("*.arrow"):  # the report and dataset gone: only the manifest
        frame.unlink()
    for args, expected in computed.items():
        assert summary(db, *args) == expected, args
    assert "158 objectives, 504 key results" in computed[()]


def test_an_unknown_cycle_is_still_refused(tmp_path: Path) -> None:
    db = tmp_path / "okr.duckdb"
    subprocess.run([*CLI, "demo", "--db", str(db)], check=True, capture_output=True)
    done = subprocess.run([*CLI, "summary", "--db", str(db), "--cycle", "1999-Q1"],
                          capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 1
    assert "unknown cycle '1999-Q1'" in done.stderr


def test_an_import_is_summarised_at_once_despite_the_remembered_key(tmp_path: Path) -> None:
    db = tmp_path / "okr.duckdb"
    subprocess.run([*CLI, "demo", "--db", str(db)], check=True, capture_output=True)
    before = summary(db, "--json")
    assert (tmp_path / "okr.duckdb.cache" / "last-key.json").exists()  # the key remembered
    change = tmp_path / "change.csv"
    change.write_text(
        "Quarter,Team,Objective,Key Result,Owner,Start,Target,Current\n"
        "2026-Q4,Sales,Summarised at once,Deals 0 to 10,Ann,0,10,5\n"
    )
    for warm in ("--no-warm", "--warm"):  # computed from the store, then from the new entry
        subprocess.run([*CLI, "ingest", str(change), "--db", str(db), warm], check=True,
                       capture_output=True)  # fmt: skip
        after = summary(db, "--json")
        assert after != before
        assert after == summary(db, "--json", cache=False)
