"""Concurrent use: the command line imports while the dashboard reads, imports queue, and many
sessions reading at once all get the right numbers.

DuckDB lets one process write the file, or several read it, never both: every side waits
for the file (a bounded retry in
`pipelines.store.connection.connect`) and then says so in a sentence.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from metrics.scores.scoring import score_all
from pipelines.store.connection import StoreBusy, open_store, store_version
from pipelines.store.dataset import read_dataset
from tests.security.test_security_pages import (
    CHROMIUM,
    CHROMIUM_ARGS,
    Watched,
    needs_chromium,
    serve,
)
from tests.support.stores import small_company, write_store

CLI = [sys.executable, "-m", "okr_health.cli"]
APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")
HOLD = """
import sys, time, duckdb
conn = duckdb.connect(sys.argv[1])
print("held", flush=True)
time.sleep(float(sys.argv[2]))
"""


def flat_csv(path: Path, rows: int, cycle: str, team: str) -> Path:
    lines = ["Quarter,Team,Objective,Key Result,Owner,Start,Target,Current"]
    lines += [f"{cycle},{team},{team} objective {i // 4},{team} KR {i},Ann,0,10,{i % 10}"
              for i in range(rows)]  # fmt: skip
    path.write_text("\n".join(lines) + "\n")
    return path


def count(db: Path, table: str = "key_results") -> int:
    with open_store(db, read_only=True) as conn:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


@pytest.fixture
def store(tmp_path: Path) -> Path:
    return write_store(tmp_path / "store.duckdb", small_company(), as_of=date(2026, 3, 31))


def test_cli_ingest_succeeds_while_sessions_keep_reading(store: Path, tmp_path: Path) -> None:
    """Eight threads read the store back to back (as dashboard sessions do) while
    `okr-health ingest` writes 4,000 key results: the import lands, no reader fails, and
    every reader sees the store before or after the import, never in between."""
    source = flat_csv(tmp_path / "q2.csv", 4000, "2026-Q2", "Sales")
    before = count(store)
    seen: list[int] = []
    errors: list[BaseException] = []
    stop = threading.Event()

    def session() -> None:
        while not stop.is_set():
            try:
                with open_store(store, read_only=True) as conn:
                    seen.append(len(read_dataset(conn).key_results))
            except BaseException as exc:  # noqa: BLE001 - any failure is the finding
                errors.append(exc)

    threads = [threading.Thread(target=session) for _ in range(8)]
    for t in threads:
        t.start()
    try:
        result = subprocess.run([*CLI, "ingest", str(source), "--db", str(store)],
                                capture_output=True, text=True, timeout=300)  # fmt: skip
    finally:
        time.sleep(0.3)
        stop.set()
        for t in threads:
            t.join(timeout=60)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert errors == []
    assert set(seen) <= {before, before + 4000} and seen[-1] == before + 4000
    assert before in seen  # the readers really were reading while the import ran


def test_store_version_changes_when_another_process_imports(store: Path, tmp_path: Path) -> None:
    version = store_version(store)
    source = flat_csv(tmp_path / "q2.csv", 8, "2026-Q2", "Sales")
    subprocess.run([*CLI, "ingest", str(source), "--db", str(store)], check=True, timeout=300)
    assert store_version(store) != version


def test_two_imports_at_once_are_serialised_and_both_land(store: Path, tmp_path: Path) -> None:
    before = count(store)
    sources = [
        flat_csv(tmp_path / "sales.csv", 3000, "2026-Q2", "Sales"),
        flat_csv(tmp_path / "ops.csv", 3000, "2026-Q2", "Operations"),
    ]
    children = [
        subprocess.Popen([*CLI, "ingest", str(s), "--db", str(store)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for s in sources
    ]  # fmt: skip
    outcomes = [c.communicate(timeout=300) for c in children]
    for child, (_out, err) in zip(children, outcomes, strict=True):
        assert child.returncode == 0, err
    assert count(store) == before + 6000
    with open_store(store, read_only=True) as conn:
        log = conn.execute("SELECT outcome FROM imports ORDER BY import_id").fetchall()
    assert [r[0] for r in log[-2:]] == ["loaded", "loaded"]


@pytest.fixture
def held_store(store: Path):
    """The store held open for writing by another process for 60 s."""
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(store), "60"],
                              stdout=subprocess.PIPE, text=True)  # fmt: skip
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    try:
        yield store, holder.pid
    finally:
        holder.kill()
        holder.wait()


@pytest.mark.parametrize("command", [["ingest", "IMPORT"], ["summary"], ["scores"]])
def test_a_busy_store_is_a_sentence_with_the_holder_not_a_trace(
    held_store: tuple[Path, int], tmp_path: Path, command: list[str]
) -> None:
    store, pid = held_store
    source = flat_csv(tmp_path / "q2.csv", 8, "2026-Q2", "Sales")
    args = [str(source) if a == "IMPORT" else a for a in command]
    start = time.monotonic()
    result = subprocess.run(
        [*CLI, *args, "--db", str(store)], capture_output=True, text=True, timeout=120,
        env={**os.environ, "OKR_HEALTH_LOCK_TIMEOUT_S": "1"},
    )  # fmt: skip
    assert result.returncode == 1
    assert time.monotonic() - start < 60
    held = rf"is (in use|being written to) by another process \(PID {pid}\)"
    assert re.search(held, result.stderr), result.stderr
    assert "OKR_HEALTH_LOCK_TIMEOUT_S" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_busy_store_on_the_dashboard_is_a_warning(
    held_store: tuple[Path, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    store, pid = held_store
    monkeypatch.setenv("OKR_HEALTH_DB", str(store))
    monkeypatch.setenv("OKR_HEALTH_LOCK_TIMEOUT_S", "1")
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception
    assert any(f"PID {pid}" in w.value for w in at.warning)


def test_a_wait_within_the_timeout_succeeds_and_past_it_fails(store: Path) -> None:
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(store), "1.5"],
                              stdout=subprocess.PIPE, text=True)  # fmt: skip
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    with open_store(store, timeout_s=30) as conn:  # waits for the holder to let go
        assert conn.execute("SELECT count(*) FROM objectives").fetchone()[0] == 3
    holder.wait()
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(store), "10"],
                              stdout=subprocess.PIPE, text=True)  # fmt: skip
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    try:
        start = time.monotonic()
        with (
            pytest.raises(StoreBusy, match=f"PID {holder.pid}"),
            open_store(store, read_only=True, timeout_s=0.5),
        ):
            pass
        assert time.monotonic() - start < 5
    finally:
        holder.kill()
        holder.wait()


def scores_of(db: Path) -> pd.DataFrame:
    """What a dashboard session computes on a read: the dataset and every key result's score."""
    with open_store(db, read_only=True) as conn:
        dataset = read_dataset(conn)
    scored = score_all(dataset.objectives, dataset.key_results, dataset.check_ins)
    return scored.key_results[["kr_id", "score", "band"]].sort_values("kr_id", ignore_index=True)


def test_many_sessions_reading_at_once_get_the_same_numbers(demo_store: Path) -> None:
    expected = scores_of(demo_store)
    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(lambda _: scores_of(demo_store), range(48)))
    for result in results:
        pd.testing.assert_frame_equal(result, expected)


@needs_chromium
def test_dashboard_shows_a_cli_import_on_its_next_interaction(tmp_path: Path) -> None:
    """`okr-health ingest` while `okr-health serve` is up and a browser is on the Overview:
    the import succeeds at once, and the next click shows the new objectives."""
    from playwright.sync_api import sync_playwright

    db = write_store(tmp_path / "store.duckdb", small_company(), as_of=date(2026, 3, 31))
    server, url = serve(db, tmp_path / "serve.log")
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            watched = Watched(browser.new_page(viewport={"width": 1400, "height": 1000}))
            watched.open(url, "Overview")
            tile = watched.page.locator('[data-testid="stMetric"]').filter(has_text="Objectives")
            value = tile.first.locator('[data-testid="stMetricValue"]')
            assert value.inner_text() == "3"
            source = flat_csv(tmp_path / "support.csv", 8, "2026-Q1", "Support")
            result = subprocess.run([*CLI, "ingest", str(source), "--db", str(db)],
                                    capture_output=True, text=True, timeout=120)  # fmt: skip
            assert result.returncode == 0, result.stderr
            watched.open(url, "Alignment")  # the next interaction
            watched.open(url, "Overview")
            watched.page.wait_for_function(
                "() => [...document.querySelectorAll('[data-testid=stMetricValue]')]"
                ".some(e => e.textContent === '5')",
                timeout=30_000,
            )
            assert watched.errors == [] and watched.dialogs == []
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=20)
