"""History from weekly copies, what a load changes, undo and `--at`, as a user runs them:
real `okr-health` processes on real CSV files and a real store file."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pandas as pd

from pipelines.store.connection import open_store
from pipelines.store.rows import import_history
from tests.support.stores import assert_same, contents
from tests.support.weekly import HEADER, check_ins, ok, run, sheet, weekly

CLI = [sys.executable, "-m", "okr_health.cli"]


def scores(db: Path, *extra: str) -> str:
    return ok("scores", "--db", str(db), *extra)


def test_weekly_copies_give_one_check_in_per_changed_value_per_week(tmp_path: Path) -> None:
    db = tmp_path / "store.duckdb"
    for path in weekly(tmp_path / "weeks"):
        out = ok("ingest", str(path), "--db", str(db), "--no-warm")
    assert "2 value changes recorded as check-ins:" in out
    assert "KR 1: 20 → 25 on 23 Nov 2026" in out and "KR 3: 40 → 50 on 23 Nov 2026" in out
    found = check_ins(db)
    assert found.groupby("day").size().to_dict() == {
        "2026-11-09": 4,  # the first import records every value
        "2026-11-16": 2,  # KR 0 and KR 2 changed
        "2026-11-23": 2,  # KR 1 and KR 3 changed
    }
    assert found[found["title"] == "KR 0"]["value"].tolist() == [10, 15]
    history = ok("history", "--db", str(db))
    assert "okrs-2026-11-23.csv: loaded" in history
    assert "2 check-ins recorded dated 23 Nov 2026" in history
    # The same copy again changes nothing and records nothing.
    again = ok("ingest", str(tmp_path / "weeks" / "okrs-2026-11-23.csv"), "--db", str(db),
               "--no-warm")  # fmt: skip
    assert "\nunchanged" in again  # after what was understood
    assert len(check_ins(db)) == 8


def test_a_first_load_says_its_values_in_one_line_a_later_one_lists_ten_changes(
    tmp_path: Path,
) -> None:
    db = tmp_path / "store.duckdb"
    first = ok("ingest", str(sheet(tmp_path / "okrs-2026-11-09.csv", list(range(12)))), "--db",
               str(db), "--no-warm")  # fmt: skip
    assert "  12 current values recorded as first check-ins" in first.splitlines()
    assert "(new)" not in first and "KR 0:" not in first  # no list of values all new
    later = ok("ingest", str(sheet(tmp_path / "okrs-2026-11-16.csv", list(range(50, 62)))),
               "--db", str(db), "--no-warm")  # fmt: skip
    lines = later.splitlines()
    start = lines.index("  12 value changes recorded as check-ins:")
    assert lines[start + 1 : start + 12] == [
        *(f"      KR {i}: {i} → {50 + i} on 16 Nov 2026" for i in (0, 1, 10, 11, 2, 3, 4, 5, 6, 7)),
        "      … and 2 more",
    ]


def test_snapshots_in_one_ingest_in_reverse_order_give_the_same_history(tmp_path: Path) -> None:
    paths = weekly(tmp_path / "weeks")
    one_by_one, together, folder = (tmp_path / f"{n}.duckdb" for n in ("a", "b", "c"))
    for path in paths:
        ok("ingest", str(path), "--db", str(one_by_one), "--no-warm")
    out = ok("ingest", *map(str, reversed(paths)), "--db", str(together), "--no-warm")
    assert out.index("as of 09 Nov 2026") < out.index("as of 16 Nov") < out.index("as of 23 Nov")
    ok("ingest", str(tmp_path / "weeks"), "--db", str(folder), "--no-warm")
    expected = check_ins(one_by_one)
    pd.testing.assert_frame_equal(check_ins(together), expected)
    pd.testing.assert_frame_equal(check_ins(folder), expected)
    assert scores(together) == scores(one_by_one)


def test_as_of_dates_a_fourth_week(tmp_path: Path) -> None:
    db = tmp_path / "store.duckdb"
    for path in weekly(tmp_path / "weeks"):
        ok("ingest", str(path), "--db", str(db), "--no-warm")
    fourth = sheet(tmp_path / "okrs.csv", [60, 25, 35, 50])
    out = ok("ingest", str(fourth), "--as-of", "2026-11-30", "--db", str(db), "--no-warm")
    assert "KR 0: 15 → 60 on 30 Nov 2026" in out
    found = check_ins(db)
    assert found[found["day"] == "2026-11-30"][["title", "value"]].values.tolist() == [["KR 0", 60]]


def test_an_undated_copy_says_its_check_ins_are_dated_today(tmp_path: Path) -> None:
    out = ok("ingest", str(sheet(tmp_path / "okrs.csv", [1, 2])), "--db",
             str(tmp_path / "s.duckdb"), "--no-warm")  # fmt: skip
    assert "dated today, the day of the import" in out


def test_a_last_updated_column_dates_each_value_and_keeps_the_history(tmp_path: Path) -> None:
    """A sheet whose rows state their date: each week's dated values join the history
    (they do not replace it), and a row still dated last week records nothing new."""
    db = tmp_path / "store.duckdb"
    for day, values, dates in (
        ("a", [10, 20], ["2026-11-09", "2026-11-09"]),
        ("b", [15, 20], ["2026-11-16", "2026-11-09"]),
    ):
        path = tmp_path / f"{day}.csv"
        with path.open("w", newline="") as f:
            writer = csv.writer(f)
            writer.writerow([*HEADER, "Last updated"])
            for i, (value, when) in enumerate(zip(values, dates, strict=True)):
                writer.writerow(["2026-Q4", "Sales", "Objective", f"KR {i}", "Ann", 0, 100, value,
                                 when])  # fmt: skip
        out = ok("ingest", str(path), "--db", str(db), "--no-warm")
        assert "dated today" not in out
    assert check_ins(db).values.tolist() == [
        ["KR 0", "2026-11-09", 10], ["KR 1", "2026-11-09", 20], ["KR 0", "2026-11-16", 15],
    ]  # fmt: skip


def test_dry_run_names_the_key_result_a_sheet_lacks_and_writes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "store.duckdb"
    for path in weekly(tmp_path / "weeks"):
        ok("ingest", str(path), "--db", str(db), "--no-warm")
    before = contents(db)
    with open_store(db, read_only=True) as conn:
        logged = len(import_history(conn))
    lacking = sheet(tmp_path / "okrs-2026-11-30.csv", [15, 30, 35])  # KR 3 is gone
    out = ok("ingest", str(lacking), "--dry-run", "--db", str(db))
    lines = out.splitlines()
    removal = lines.index("  1 key result would be removed:")
    assert lines[removal + 1].strip() == "KR 3"
    assert removal < next(i for i, line in enumerate(lines) if "would be changed" in line)
    assert "KR 1: 25 → 30 on 30 Nov 2026" in out
    assert "dry run: nothing was written." in out
    assert_same(before, contents(db))
    with open_store(db, read_only=True) as conn:
        assert len(import_history(conn)) == logged
    # The real load prints the same, in the past tense, and removes it.
    out = ok("ingest", str(lacking), "--db", str(db), "--no-warm")
    assert "1 key result removed:" in out and "    KR 3" in out


def test_undo_brings_back_the_scores_and_counts_and_undoing_it_restores(tmp_path: Path) -> None:
    db = tmp_path / "store.duckdb"
    for path in weekly(tmp_path / "weeks"):
        ok("ingest", str(path), "--db", str(db), "--no-warm")
    before_scores, before = scores(db), contents(db)
    summary_before = ok("summary", "--db", str(db), "--cycle", "2026-Q4")
    lacking = sheet(tmp_path / "okrs-2026-11-30.csv", [90, 30, 35])
    ok("ingest", str(lacking), "--db", str(db), "--no-warm")
    after_scores, after = scores(db), contents(db)
    assert after_scores != before_scores and len(after["key_results"]) == 3
    out = ok("undo", "--db", str(db), "--no-warm")
    assert out.startswith("undone: #4 (recorded as #5)")
    assert scores(db) == before_scores
    assert ok("summary", "--db", str(db), "--cycle", "2026-Q4") == summary_before
    assert_same(before, contents(db))
    ok("undo", "--db", str(db), "--no-warm")  # undo the undo
    assert scores(db) == after_scores
    assert_same(after, contents(db))
    history = ok("history", "--db", str(db))
    assert "#6" in history and "undid import #5" in history and "undone by #5" in history
    # After an undo, the file undone loads again (it is not "unchanged").
    ok("undo", "--db", str(db), "--no-warm")
    assert "\nloaded" in ok("ingest", str(lacking), "--db", str(db), "--no-warm")
    # Undo an earlier import: it and every one after it go.
    ok("undo", "2", "--db", str(db), "--no-warm")
    assert set(check_ins(db)["day"]) == {"2026-11-09"}


def test_at_gives_the_figures_as_they_were(tmp_path: Path) -> None:
    db = tmp_path / "store.duckdb"
    paths = weekly(tmp_path / "weeks")
    ok("ingest", str(paths[0]), "--db", str(db), "--no-warm")
    first = scores(db)
    summary_first = ok("summary", "--db", str(db), "--json")
    for path in paths[1:]:
        ok("ingest", str(path), "--db", str(db), "--no-warm")
    assert scores(db) != first
    assert scores(db, "--at", "1") == first
    then = json.loads(ok("summary", "--db", str(db), "--json", "--at", "1"))
    assert then["scores"] == json.loads(summary_first)["scores"]
    assert then["counts"]["check_ins"] == 4
    pack = tmp_path / "pack.html"
    ok("report", "--team", "Sales", "--out", str(pack), "--db", str(db), "--at", "#1")
    assert pack.exists()
    wrong = run("summary", "--db", str(db), "--at", "99")
    assert wrong.returncode == 1 and "there is no import #99" in wrong.stderr


def holds_write_lock(db: Path) -> bool:
    try:
        duckdb.connect(str(db), read_only=True).close()
    except duckdb.IOException as exc:
        return "lock" in str(exc)
    return False


def test_sigkill_during_undo_leaves_the_store_before_or_after(tmp_path: Path) -> None:
    """`okr-health undo` of a 6,000-key-result import, killed with SIGKILL at random points
    after it opens the store: reopening gives exactly the state before the undo or after it,
    and the history says which (an interrupted attempt is logged as such)."""
    import random
    import shutil

    db = tmp_path / "store.duckdb"
    n = 6000
    rows = [10 + i % 50 for i in range(n)]
    sheet(tmp_path / "okrs-2026-11-09.csv", rows)
    sheet(tmp_path / "okrs-2026-11-16.csv", [v + 1 if i % 3 else v for i, v in enumerate(rows)])
    for day in ("2026-11-09", "2026-11-16"):
        ok("ingest", str(tmp_path / f"okrs-{day}.csv"), "--db", str(db), "--no-warm")
    before = contents(db)
    pristine = tmp_path / "pristine.duckdb"
    shutil.copy(db, pristine)
    ok("undo", "--db", str(db), "--no-warm")
    undone = contents(db)
    rng = random.Random(14)
    outcomes = []
    for _ in range(6):
        shutil.copy(pristine, db)
        child = subprocess.Popen([*CLI, "undo", "--db", str(db), "--no-warm"],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip
        deadline = time.monotonic() + 120
        while child.poll() is None and not holds_write_lock(db):
            assert time.monotonic() < deadline
            time.sleep(0.005)
        time.sleep(rng.uniform(0.0, 0.4))
        killed = child.poll() is None
        if killed:
            os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=60)
        with open_store(db) as conn:  # reopening: recovery, the stale attempt marked
            log = import_history(conn)
        found = contents(db)
        if len(found["check_ins"]) == len(before["check_ins"]) and found["key_results"].equals(
            before["key_results"]
        ):
            assert_same(before, found)
            last = log.iloc[0]
            if last["import_id"] == 3:  # the attempt was logged before it died
                assert last["outcome"] == "interrupted"
            outcomes.append("before")
        else:
            assert_same(undone, found)
            assert log.iloc[0]["outcome"] == "undo"
            outcomes.append("after")
    assert "before" in outcomes, outcomes  # at least one kill landed inside the undo
