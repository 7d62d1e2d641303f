"""Faults and crashes lose nothing: a failed or killed import leaves the last committed store.

An import is one transaction, logged as `running` before it starts; the next writer marks
an import whose process died as `interrupted`. Tested with a fault injected at row 900 of
1,000, and with a real `okr-health ingest` process killed with SIGKILL while it writes.
"""

from __future__ import annotations

import csv
import os
import shutil
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest

import pipelines.store.load
from pipelines.ingest import ingest_files
from pipelines.store.connection import open_store
from pipelines.store.faults import StoreUnusable
from pipelines.store.rows import import_history, upsert_rows
from tests.support.stores import assert_same, contents, small_company, write_store

CLI = [sys.executable, "-m", "okr_health.cli"]


def flat_csv(rows: int, cycle: str = "2026-Q2", team: str = "Sales") -> bytes:
    lines = ["Quarter,Team,Objective,Key Result,Owner,Start,Target,Current"]
    lines += [f"{cycle},{team},Objective {i // 4},Key result {i},Owner {i % 9},0,100,{i % 100}"
              for i in range(rows)]  # fmt: skip
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture
def store(tmp_path: Path) -> Path:
    return write_store(tmp_path / "store.duckdb", small_company(), as_of=date(2026, 3, 31))


def test_fault_at_row_900_of_1000_leaves_the_store_unchanged(
    store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = contents(store)
    real_upsert = upsert_rows  # the function `pipelines.store.load` calls

    def upsert_then_fail(conn, table, frame):  # writes 899 key results, then the disk "fills"
        if table.name == "key_results":
            real_upsert(conn, table, frame.iloc[:899])
            assert conn.execute("SELECT count(*) FROM key_results").fetchone()[0] > 899
            raise OSError("No space left on device (row 900)")
        real_upsert(conn, table, frame)

    monkeypatch.setattr(pipelines.store.load, "upsert_rows", upsert_then_fail)
    with pytest.raises(StoreUnusable, match="the disk holding the store is full") as raised:
        ingest_files([("big.csv", flat_csv(1000))], store)
    assert "row 900" in str(raised.value.__cause__)  # the sentence, with the OS's error behind
    assert_same(before, contents(store))
    with open_store(store, read_only=True) as conn:
        last = import_history(conn).iloc[0]
    assert last["outcome"] == "failed"
    assert "No space left on device (row 900)" in last["message"]
    assert pd.notna(last["finished_at"])


def test_the_same_import_then_succeeds(store: Path) -> None:
    report = ingest_files([("big.csv", flat_csv(1000))], store)
    assert report.outcome == "loaded"
    with open_store(store, read_only=True) as conn:
        assert conn.execute("SELECT count(*) FROM key_results").fetchone()[0] == 1006
        assert import_history(conn).iloc[0]["outcome"] == "loaded"


def holds_write_lock(db: Path) -> bool:
    """True while another process has the store open for writing."""
    try:
        duckdb.connect(str(db), read_only=True).close()
    except duckdb.IOException as exc:
        return "lock" in str(exc)
    return False


def test_sigkill_during_ingest_leaves_the_last_committed_state(store: Path, tmp_path: Path) -> None:
    """`okr-health ingest` on 15,000 key results, killed with SIGKILL once it holds the
    store for writing (the load transaction), at a few delays: each time, reopening gives
    exactly the store before (or after, had it committed), and the log shows the attempt."""
    big = tmp_path / "big.csv"
    big.write_bytes(flat_csv(15_000))
    before = contents(store)
    pristine = tmp_path / "pristine.duckdb"
    shutil.copy(store, pristine)
    interrupted = 0
    with open_store(pristine, read_only=True) as conn:
        logged_before = int(import_history(conn)["import_id"].max())
    for delay in (0.25, 0.1, 0.4, 0.05, 0.6):
        shutil.copy(pristine, store)
        child = subprocess.Popen([*CLI, "ingest", str(big), "--db", str(store)],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip
        deadline = time.monotonic() + 240
        while child.poll() is None and not holds_write_lock(store):
            assert time.monotonic() < deadline, "the ingest never started writing"
            time.sleep(0.01)
        time.sleep(delay)
        killed = child.poll() is None
        if killed:
            os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=60)
        with open_store(store) as conn:  # reopening: recovery, and the stale attempt marked
            log = import_history(conn)
        after = contents(store)
        committed = len(after["key_results"]) == len(before["key_results"]) + 15_000
        if not committed:
            assert_same(before, after)
        attempts = log[log["import_id"] > logged_before]
        if killed and not committed and len(attempts):  # killed after the attempt was logged
            assert attempts["outcome"].tolist() == ["interrupted"], log.head(3)
            assert "nothing of it was written" in attempts["message"].iloc[0]
            interrupted += 1
            break
    assert interrupted, "no kill landed inside the load; the test proves nothing"


def test_interrupted_is_only_set_on_imports_left_running(store: Path) -> None:
    with open_store(store) as conn:
        conn.execute(
            "INSERT INTO imports VALUES (99, '[\"x.csv\"]', '', '{}', now(), NULL, 'running', '')"
        )
    with open_store(store) as conn:
        log = import_history(conn).set_index("import_id")
    assert log.loc[99, "outcome"] == "interrupted"
    assert set(log.drop(index=99)["outcome"]) == {"loaded"}


def write_flat(path: Path, rows: int, cycle: str, team: str) -> Path:
    with path.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["Quarter", "Team", "Objective", "Key Result", "Owner", "Start",
                         "Target", "Current"])  # fmt: skip
        for i in range(rows):
            writer.writerow([cycle, team, f"Objective {i // 3}", f"KR {i}", "Ann", 0, 10, 5])
    return path
