"""What "Since the last import" compares with, kept beside the report cache: `okr-health
ingest` computes it while warming; a reader after that reads it back instead of copying and
reverting the store; an import changes the key, so it is never stale."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest

from reporting import versions
from reporting.cache import cache_dir
from tests.support.weekly import WEEKS, sheet

CLI = [sys.executable, "-m", "okr_health.cli"]


def ingest(path: Path, db: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "OKR_HEALTH_REPORT_CACHE"}
    done = subprocess.run([*CLI, "ingest", str(path), "--db", str(db)], env=env,
                          capture_output=True, text=True, timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stderr


def kept(db: Path) -> list[str]:
    return sorted(p.name for p in cache_dir(db).glob(f"{versions.BEFORE_PREFIX}*"))


def test_ingest_keeps_the_state_before_it_and_readers_reuse_it(tmp_path: Path, monkeypatch):
    monkeypatch.delenv("OKR_HEALTH_REPORT_CACHE", raising=False)
    db = tmp_path / "store.duckdb"
    (first, first_values), (second, second_values) = list(WEEKS.items())[:2]
    ingest(sheet(tmp_path / f"okrs-{first}.csv", first_values), db)
    assert [n.endswith("-none.parquet") for n in kept(db)] == [True]  # nothing before it
    assert versions.before_latest(db) is None
    ingest(sheet(tmp_path / f"okrs-{second}.csv", second_values), db)
    names = kept(db)
    assert len(names) == 3 and all("-none" not in n for n in names), names  # the old one gone
    computed = versions.load_before_latest
    with mock.patch.object(versions, "verdict_before_latest", side_effect=AssertionError):
        found = versions.before_latest(db)  # read back: never computed again
    assert found is not None
    krs, stale, objectives, written = found
    fresh = computed(db)
    assert fresh is not None and fresh.report is not None
    scores = fresh.report.key_results.set_index("kr_id")["score"]
    assert krs.set_index("kr_id")["score"].to_dict() == pytest.approx(scores.to_dict())
    assert sorted(krs.set_index("kr_id")["score"].round(2)) == [0.1, 0.2, 0.3, 0.4]  # week 1
    assert list(stale.columns) == versions.BEFORE_STALE_COLUMNS
    statuses = fresh.report.objectives.set_index("objective_id")["status"]
    assert list(objectives.columns) == versions.BEFORE_OBJECTIVE_COLUMNS
    assert objectives.set_index("objective_id")["status"].to_dict() == statuses.to_dict()
    assert written is not None  # the day of the latest import, what the Overview names


def test_a_first_import_has_nothing_before_it_and_copies_nothing(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("OKR_HEALTH_REPORT_CACHE", "0")
    db = tmp_path / "store.duckdb"
    first, values = next(iter(WEEKS.items()))
    ingest(sheet(tmp_path / f"okrs-{first}.csv", values), db)
    with mock.patch.object(versions, "state_at", side_effect=AssertionError("copied")):
        assert versions.load_before_latest(db) is None
    second, values = list(WEEKS.items())[1]
    ingest(sheet(tmp_path / f"okrs-{second}.csv", values), db)
    found = versions.load_before_latest(db)  # now there is a week before: computed
    assert found is not None and found.report is not None
    assert len(found.report.key_results) == 4
