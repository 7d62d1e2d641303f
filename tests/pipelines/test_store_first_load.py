"""A first load is written once (docs/history.md, "A first load is written once"): the change
log holds no copy of a first load's rows, and history, undo, `--at`, goalposts and the
description of a write read exactly what they read when it held one.

Every store here is a real DuckDB file under tmp_path, loaded from real CSV files written by
the test, as `okr-health ingest` loads a folder.
"""

from __future__ import annotations

import csv
import shutil
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from metrics.report import analyse
from pipelines.ingest import ingest_paths
from pipelines.store import history
from pipelines.store.connection import open_store
from pipelines.store.dataset import Dataset, read_dataset
from pipelines.store.history import JOURNALED, log_sql
from pipelines.store.undo import dataset_at, describe, history_rows, undo
from reporting.goalposts import read_change_logs, store_goalposts

HEADERS = {
    "Cycles": ["cycle_id", "name", "start_date", "end_date"],
    "Teams": ["team_id", "name", "parent_team_id", "level"],
    "Objectives": ["objective_id", "cycle_id", "title", "team_id", "owner", "level"],
    "KeyResults": ["kr_id", "objective_id", "title", "kr_type", "owner", "start_value",
                   "target_value", "current_value"],
    "CheckIns": ["kr_id", "checked_at", "value", "confidence", "note"],
}  # fmt: skip


def company(week: int) -> dict[str, list[list[object]]]:
    """A company's export after `week` weekly check-ins: eight key results under four
    objectives; from week 3 on, KR 7 is gone and KR 0's target was eased from 100 to 80."""
    krs = [k for k in range(8) if week < 3 or k != 7]
    return {
        "Cycles": [["2026-Q4", "Q4 2026", "2026-10-01", "2026-12-31"]],
        "Teams": [["co", "Co", "", "company"], ["sales", "Sales", "co", "department"]],
        "Objectives": [
            [f"o{i}", "2026-Q4", f"Objective {i}", "sales", "Ann", "team"] for i in range(4)
        ],  # fmt: skip
        "KeyResults": [
            [
                f"kr{k}",
                f"o{k // 2}",
                f"KR {k}",
                "increase",
                "Ann",
                0,
                80 if (k == 0 and week >= 3) else 100,
                10 * week + k,
            ]
            for k in krs
        ],  # fmt: skip
        "CheckIns": [
            [f"kr{k}", f"2026-10-{1 + 7 * w:02d}T09:00:00", 10 * (w + 1) + k, 0.5, f"week {w + 1}"]
            for k in krs
            for w in range(week)
        ],  # fmt: skip
    }


def export(folder: Path, week: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in company(week).items():
        with (folder / f"{name}.csv").open("w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(HEADERS[name])
            writer.writerows(rows)
    return folder


def load(folder: Path, db: Path, day: date) -> int:
    report = ingest_paths([folder], db, as_of=day)
    assert report.ok and report.outcome == "loaded", report.problems
    assert report.import_id is not None
    return report.import_id


def copied_rows(db: Path, table: str) -> int:
    """Rows physically held in `history_<table>` (the second copies a first load used to
    write)."""
    with open_store(db, read_only=True) as conn:
        return int(conn.execute(f"SELECT count(*) FROM history_{table}").fetchall()[0][0])


def test_a_first_load_of_a_csv_folder_writes_no_second_copy_of_its_rows(tmp_path: Path) -> None:
    db = tmp_path / "store.duckdb"
    first = load(export(tmp_path / "week2", 2), db, date(2026, 10, 9))
    with open_store(db, read_only=True) as conn:
        stored = conn.execute("SELECT count(*) FROM check_ins").fetchall()[0][0]
        log = log_sql(conn, "check_ins")
        logged = conn.execute(
            f"SELECT count(*) FROM ({log}) WHERE import_id = ? AND change = 'added'", [first]
        ).fetchall()[0][0]
    assert stored == 16  # 8 key results × 2 weeks
    assert {t: copied_rows(db, t) for t in JOURNALED} == dict.fromkeys(JOURNALED, 0)
    assert logged == 16  # read back from the table: what the import added, all of it
    second = load(export(tmp_path / "week3", 3), db, date(2026, 10, 16))
    # The second load logs only what it changed: KR 7's two check-ins gone, and the third
    # week of the seven key results left (the earlier weeks stand as they were).
    with open_store(db, read_only=True) as conn:
        kinds = conn.execute(
            "SELECT change, count(*) FROM history_check_ins WHERE import_id = ? GROUP BY ALL "
            "ORDER BY change",
            [second],
        ).fetchall()
    assert kinds == [("added", 7), ("removed", 2)]
    assert copied_rows(db, "check_ins") == 9


def build(tmp_path: Path, name: str) -> tuple[Path, list[int]]:
    """A store through a first load, a second load, an undo of it, a third load and an undo
    of everything: the writes whose log a first load's missing copy could change."""
    db = tmp_path / f"{name}.duckdb"
    ids = [
        load(export(tmp_path / "week2", 2), db, date(2026, 10, 9)),
        load(export(tmp_path / "week3", 3), db, date(2026, 10, 16)),
    ]
    with open_store(db) as conn:
        ids.append(undo(conn).import_id)  # back to the first load
    ids.append(load(export(tmp_path / "week4", 4), db, date(2026, 10, 23)))
    return db, ids


def what_users_see(db: Path, ids: list[int]) -> dict[str, object]:
    """Everything read from the change log: descriptions of every write, the store `--at`
    each of them, the history's counts, the goalposts' logs and every table's whole log."""
    seen: dict[str, object] = {}
    with open_store(db, read_only=True) as conn:
        for i in ids:
            seen[f"describe {i}"] = describe(conn, i)
            data = dataset_at(conn, str(i))
            for table in ("objectives", "key_results", "check_ins"):
                frame = getattr(data, table)
                seen[f"at {i} {table}"] = frame.sort_values(list(frame.columns[:2])).reset_index(
                    drop=True
                )
        seen["history"] = [
            {k: v for k, v in row.items() if k not in ("started_at", "finished_at")}
            for row in history_rows(conn)
        ]
        for name, log in zip(("kr", "objective"), read_change_logs(conn), strict=True):
            order = ["import_id", "change", "kr_id" if name == "kr" else "objective_id"]
            seen[f"goalposts {name} log"] = log.sort_values(order).reset_index(drop=True)
        for table in JOURNALED:
            frame = conn.execute(f"SELECT * FROM ({log_sql(conn, table)})").df()
            seen[f"log {table}"] = frame.sort_values(list(frame.columns)).reset_index(drop=True)
    dataset = read_dataset_of(db)
    found = store_goalposts(db, dataset, analyse(dataset))
    seen["goalposts"] = found.sort_values(list(found.columns[:5])).reset_index(drop=True)
    return seen


def read_dataset_of(db: Path) -> Dataset:
    with open_store(db, read_only=True) as conn:
        return read_dataset(conn)


def assert_same_view(now: dict[str, object], before: dict[str, object]) -> None:
    assert now.keys() == before.keys()
    for key, value in now.items():
        if isinstance(value, pd.DataFrame):
            pd.testing.assert_frame_equal(value, before[key], obj=key)  # type: ignore[arg-type]
        else:
            assert value == before[key], key


def test_history_undo_at_and_goalposts_read_what_a_full_copy_gave(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db, ids = build(tmp_path, "once")
    now = what_users_see(db, ids)
    assert copied_rows(db, "check_ins") > 0  # the later writes are logged as ever

    def full_copy(conn: object, import_id: int, name: str) -> None:
        cols = history._cols(name)
        conn.execute(  # type: ignore[attr-defined]
            f"INSERT INTO history_{name} (import_id, change, {cols}) "
            f"SELECT ?, 'added', {cols} FROM {name}",
            [import_id],
        )

    with monkeypatch.context() as patched:  # the store as the copy used to be written
        patched.setattr(history, "mark_filled", full_copy)
        for folder in ("week2", "week3", "week4"):
            shutil.rmtree(tmp_path / folder)
        before_db, before_ids = build(tmp_path, "copied")
    assert before_ids == ids
    with open_store(before_db, read_only=True) as conn:
        assert conn.execute("SELECT count(*) FROM version_fills").fetchall() == [(0,)]
    before = what_users_see(before_db, before_ids)
    assert_same_view(now, before)
    # The last load eased KR 0's target again (the second's was undone): both logs say so.
    kr_log = now["goalposts kr log"]
    assert isinstance(kr_log, pd.DataFrame)
    assert ids[1] not in set(kr_log["import_id"])  # an undone import moves no goalpost
    eased = kr_log[(kr_log["kr_id"] == "kr0") & (kr_log["import_id"] == ids[3])]
    assert sorted(eased["target_value"]) == [80.0, 100.0]
    goalposts = now["goalposts"]
    assert isinstance(goalposts, pd.DataFrame)
    assert "target eased" in set(goalposts["pattern"])
    # `--at` the first load gives its two weeks of check-ins for all eight key results.
    at_first = now[f"at {ids[0]} check_ins"]
    assert isinstance(at_first, pd.DataFrame) and len(at_first) == 16


def test_undoing_a_first_load_empties_the_store_and_undoing_that_brings_it_back(
    tmp_path: Path,
) -> None:
    db = tmp_path / "store.duckdb"
    first = load(export(tmp_path / "week2", 2), db, date(2026, 10, 9))
    load(export(tmp_path / "week3", 3), db, date(2026, 10, 16))
    with open_store(db) as conn:
        loaded = {t: conn.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in JOURNALED}
        emptied = undo(conn, first)
        counts = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in JOURNALED}
        assert counts == dict.fromkeys(JOURNALED, 0)
        assert emptied.changes.tables["check_ins"].removed == 21  # 7 key results × 3 weeks
        undo(conn)  # undoing the undo
        back = {t: conn.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in JOURNALED}
    assert back == loaded


def test_a_later_write_logs_exactly_the_rows_except_all_gives(tmp_path: Path) -> None:
    """The log of a later write: every row added and removed, with its multiplicity, NULLs
    and NaNs compared as equal, as the two set differences give them."""
    cols = "kr_id, checked_at, value, grade, note"
    with open_store(tmp_path / "s.duckdb") as conn:
        conn.execute(
            f"INSERT INTO check_ins ({cols}) VALUES ('k', '2026-01-01', 1, NULL, 'a'), "
            "('k', '2026-01-01', 1, NULL, 'a'), ('k', '2026-01-02', 'NaN', 0.5, NULL), "
            "('k', '2026-01-03', 3, NULL, NULL), ('j', '2026-01-01', 'NaN', NULL, 'b')"
        )
        conn.execute("BEGIN TRANSACTION")
        history.snapshot(conn)
        conn.execute("DELETE FROM check_ins WHERE checked_at = '2026-01-03'")
        conn.execute(  # a third copy of a doubled row, an unchanged NaN row, a new one
            f"INSERT INTO check_ins ({cols}) VALUES ('k', '2026-01-01', 1, NULL, 'a'), "
            "('k', '2026-01-03', 4, NULL, NULL), ('k', '2026-01-03', 4, NULL, NULL)"
        )
        expected = {
            kind: sorted(map(str, conn.execute(f"SELECT {cols} FROM {a} EXCEPT ALL "
                                               f"SELECT {cols} FROM {b}").fetchall()))
            for kind, a, b in (("added", "check_ins", "before_check_ins"),
                               ("removed", "before_check_ins", "check_ins"))
        }  # fmt: skip
        changes = history.record(conn, 2)
        conn.execute("COMMIT")
        logged = {
            kind: sorted(map(str, conn.execute(f"SELECT {cols} FROM history_check_ins "
                                               "WHERE change = ?", [kind]).fetchall()))
            for kind in ("added", "removed")
        }  # fmt: skip
    assert logged == expected
    assert len(logged["added"]) == 3 and len(logged["removed"]) == 1
    c = changes.tables["check_ins"]
    assert (c.added, c.changed, c.removed) == (1, 1, 0)  # (k, 01-01) again; (k, 01-03) changed
