"""Stores for tests: canonical frames by hand, the small company with known scores."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

from pipelines.store.connection import open_store
from pipelines.store.load import write_tables
from pipelines.store.schema import ENTITY_TABLES, TABLES_BY_NAME


def canonical(table: str, rows: list[dict]) -> pd.DataFrame:
    """A frame with exactly the canonical columns of `table` (missing ones left empty)."""
    spec = TABLES_BY_NAME[table]
    frame = pd.DataFrame(rows, columns=spec.column_names)
    return frame.astype({c.name: "float64" for c in spec.columns if c.sql_type == "DOUBLE"})


def small_company() -> dict[str, pd.DataFrame]:
    """One cycle, two departments, three objectives, six key results with known scores.

    Sales objective: KR 0.6 (100→110 now 106) and KR 0.8 → 0.7.
    Ops objective: decrease 5→2 now 3 (0.667), range 70–80 now 75 (1.0) → 0.833.
    Ops second objective: milestone done (1.0), baseline without data (ungraded) → 1.0.
    """
    return {
        "cycles": canonical(
            "cycles",
            [
                {
                    "cycle_id": "2026-Q1",
                    "name": "Q1 2026",
                    "start_date": date(2026, 1, 1),
                    "end_date": date(2026, 3, 31),
                },
            ],
        ),
        "teams": canonical(
            "teams",
            [
                {"team_id": "co", "name": "Small Co", "level": "company"},
                {
                    "team_id": "sales",
                    "name": "Sales",
                    "parent_team_id": "co",
                    "level": "department",
                },
                {
                    "team_id": "ops",
                    "name": "Operations",
                    "parent_team_id": "co",
                    "level": "department",
                },
            ],
        ),
        "objectives": canonical(
            "objectives",
            [
                {
                    "objective_id": "o-sales",
                    "cycle_id": "2026-Q1",
                    "title": "Grow email revenue",
                    "team_id": "sales",
                    "owner": "Ana",
                    "level": "department",
                },
                {
                    "objective_id": "o-ops",
                    "cycle_id": "2026-Q1",
                    "title": "Pay suppliers faster",
                    "team_id": "ops",
                    "owner": "Ben",
                    "level": "department",
                },
                {
                    "objective_id": "o-ops2",
                    "cycle_id": "2026-Q1",
                    "title": "Ship push alerts",
                    "team_id": "ops",
                    "owner": "Ben",
                    "level": "department",
                },
            ],
        ),
        "key_results": canonical(
            "key_results",
            [
                {
                    "kr_id": "k1",
                    "objective_id": "o-sales",
                    "title": "Revenue per email 100 to 110",
                    "start_value": 100,
                    "target_value": 110,
                    "current_value": 106,
                },
                {
                    "kr_id": "k2",
                    "objective_id": "o-sales",
                    "title": "Open rate 20% to 30%",
                    "start_value": 20,
                    "target_value": 30,
                    "current_value": 28,
                },
                {
                    "kr_id": "k3",
                    "objective_id": "o-ops",
                    "title": "Invoice time 5 to 2 weeks",
                    "start_value": 5,
                    "target_value": 2,
                    "current_value": 3,
                },
                {
                    "kr_id": "k4",
                    "objective_id": "o-ops",
                    "title": "Utilisation 70-80%",
                    "kr_type": "range",
                    "range_low": 70,
                    "range_high": 80,
                    "current_value": 75,
                },
                {
                    "kr_id": "k5",
                    "objective_id": "o-ops2",
                    "title": "Publish push notifications",
                    "kr_type": "milestone",
                    "current_value": 1,
                },
                {
                    "kr_id": "k6",
                    "objective_id": "o-ops2",
                    "title": "Baseline coupon redemption",
                    "kr_type": "baseline",
                },
            ],
        ),
        "check_ins": canonical(
            "check_ins",
            [
                {
                    "kr_id": "k2",
                    "checked_at": pd.Timestamp("2026-01-10"),
                    "value": 22.0,
                    "confidence": 0.6,
                },
                {
                    "kr_id": "k2",
                    "checked_at": pd.Timestamp("2026-02-10"),
                    "value": 28.0,
                    "confidence": 0.7,
                },
            ],
        ),
    }


def write_store(
    path: Path, tables: dict[str, pd.DataFrame], as_of: date | None = None, source: str = "test"
) -> Path:
    """The tables written as one import whose files are named `source` in the history."""
    settings = {"as_of": as_of.isoformat()} if as_of else None
    with open_store(path) as conn:
        write_tables(conn, tables, [source], settings=settings)
    return path


STORE_TABLES = [t.name for t in ENTITY_TABLES] + ["settings"]


def contents(db: Path) -> dict[str, pd.DataFrame]:
    """Every table but the logs, sorted, to compare a store before and after."""
    with open_store(db, read_only=True) as conn:
        out = {}
        for table in STORE_TABLES:
            frame = conn.execute(f"SELECT * FROM {table}").df()
            out[table] = frame.sort_values(list(frame.columns)).reset_index(drop=True)
    return out


def assert_same(before: dict[str, pd.DataFrame], after: dict[str, pd.DataFrame]) -> None:
    """The two `contents` hold the same rows in every table."""
    for table in STORE_TABLES:
        pd.testing.assert_frame_equal(before[table], after[table], check_dtype=False)
