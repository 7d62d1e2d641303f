"""Helpers for the ingest tests: real files in real formats, and audits of the loaded store."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import openpyxl
import pandas as pd

from metrics.scores.scoring import score_all
from pipelines.store.connection import open_store
from pipelines.store.dataset import read_dataset
from pipelines.store.rows import import_history
from pipelines.store.schema import ENTITY_TABLES

CANONICAL_SHEETS: dict[str, list[list[object]]] = {
    "Cycles": [
        ["cycle_id", "name", "start_date", "end_date"],
        ["2025-Q3", "Q3 2025", "2025-07-01", "2025-09-30"],
    ],
    "Teams": [
        ["team_id", "name", "parent_team_id", "level"],
        ["co", "Acme", None, "company"],
        ["sales", "Sales", "co", "department"],
    ],
    "Objectives": [
        ["objective_id", "cycle_id", "title", "team_id", "owner", "level", "parent_objective_id"],
        ["O1", "2025-Q3", "Grow revenue", "co", "Ann", "company", None],
        ["O2", "2025-Q3", "Win more deals", "sales", "Bob", "department", "O1"],
    ],
    "KeyResults": [
        [
            "kr_id",
            "objective_id",
            "title",
            "kr_type",
            "owner",
            "start_value",
            "target_value",
            "range_low",
            "range_high",
            "current_value",
            "manual_score",
        ],
        [
            "K1",
            "O1",
            "Revenue per email 100 → 110",
            "increase",
            "Ann",
            100,
            110,
            None,
            None,
            106,
            None,
        ],
        ["K2", "O1", "Invoice time 5 → 2 weeks", "decrease", "Ann", 5, 2, None, None, 3, None],
        ["K3", "O2", "Utilisation 70–80%", "range", "Bob", None, None, 70, 80, 75, None],
        [
            "K4",
            "O2",
            "Publish the push feature",
            "milestone",
            "Bob",
            None,
            None,
            None,
            None,
            "done",
            None,
        ],
    ],  # fmt: skip
    "CheckIns": [
        ["kr_id", "checked_at", "value", "confidence", "status"],
        ["K1", "2025-08-01", 103, 0.6, "on track"],
        ["K1", "2025-09-01", 106, "70%", "on track"],
    ],
}
CANONICAL_SCORES = {"K1": 0.6, "K2": 2 / 3, "K3": 1.0, "K4": 1.0}


def write_xlsx(
    path: Path,
    sheets: Mapping[str, Sequence[Sequence[object]]],
    hidden: tuple[str, ...] = (),
) -> Path:
    """A workbook with one sheet per entry, rows written from A1 as given."""
    book = openpyxl.Workbook()
    blank = book.active  # the empty sheet a new workbook starts with
    assert blank is not None
    book.remove(blank)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
        if name in hidden:
            sheet.sheet_state = "hidden"
    book.save(path)
    return path


def write_csv(
    path: Path, rows: Sequence[Sequence[object]], sep: str = ",", encoding: str = "utf-8"
) -> Path:
    """Rows as delimited text in the given encoding (no quoting needed by the callers)."""
    text = "\r\n".join(sep.join("" if c is None else str(c) for c in row) for row in rows)
    path.write_bytes((text + "\r\n").encode(encoding))
    return path


def store_tables(db: Path) -> dict[str, pd.DataFrame]:
    """Every entity table, ordered by its key, for before/after comparisons."""
    with open_store(db, read_only=True) as conn:
        return {
            t.name: conn.execute(f"SELECT * FROM {t.name} ORDER BY ALL").df() for t in ENTITY_TABLES
        }


def history(db: Path) -> pd.DataFrame:
    with open_store(db, read_only=True) as conn:
        return import_history(conn)


def kr_scores(db: Path) -> dict[str, float]:
    with open_store(db, read_only=True) as conn:
        data = read_dataset(conn)
    scores = score_all(data.objectives, data.key_results, data.check_ins).key_results
    return dict(zip(scores["kr_id"], scores["score"], strict=True))


AUDITS = {
    "key result without objective": "SELECT kr_id FROM key_results k WHERE NOT EXISTS "
    "(SELECT 1 FROM objectives o WHERE o.objective_id = k.objective_id)",
    "check-in without key result": "SELECT kr_id FROM check_ins c WHERE NOT EXISTS "
    "(SELECT 1 FROM key_results k WHERE k.kr_id = c.kr_id)",
    "objective without cycle": "SELECT objective_id FROM objectives o WHERE NOT EXISTS "
    "(SELECT 1 FROM cycles c WHERE c.cycle_id = o.cycle_id)",
    "objective without team": "SELECT objective_id FROM objectives o WHERE team_id IS NOT NULL "
    "AND NOT EXISTS (SELECT 1 FROM teams t WHERE t.team_id = o.team_id)",
    "grade or confidence outside 0–1": "SELECT kr_id FROM check_ins WHERE grade NOT BETWEEN 0 "
    "AND 1 OR confidence NOT BETWEEN 0 AND 1",
    "manual score outside 0–1": "SELECT kr_id FROM key_results WHERE manual_score NOT BETWEEN "
    "0 AND 1",
}


def audit(db: Path) -> dict[str, int]:
    """Queries that return bad rows; a sound store returns none (every count is zero)."""
    with open_store(db, read_only=True) as conn:
        bad = {name: len(conn.execute(sql).fetchall()) for name, sql in AUDITS.items()}
    scores = pd.Series(kr_scores(db), dtype="float64").dropna()
    bad["score outside 0–1"] = int(((scores < 0) | (scores > 1)).sum())
    return {name: n for name, n in bad.items() if n}
