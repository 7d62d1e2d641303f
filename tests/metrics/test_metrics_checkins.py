"""Check-ins keyed by key-result code: DuckDB's keying and pandas' give the same report."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from metrics.progress.checkins import (
    checked_weeks,
    keyed_check_ins,
    week_numbers,
    week_start_of,
    week_starts,
)
from metrics.report import analyse
from pipelines.store.connection import open_store
from pipelines.store.dataset import read_dataset
from tests.support.stores import small_company, write_store

FRAMES = [
    "calendar",
    "key_results",
    "objectives",
    "team_weeks",
    "discipline",
    "team_discipline",
    "stale",
    "forecast_backtest",
    "evidence",
    "trends",
]


def _reports(path: Path, as_of: date | None = None):
    with open_store(path, read_only=True) as conn:
        dataset = read_dataset(conn)
    assert dataset.keyed_check_ins is not None
    by_store = analyse(dataset, as_of=as_of)
    by_pandas = analyse(dataclasses.replace(dataset, keyed_check_ins=None), as_of=as_of)
    return by_store, by_pandas


@pytest.mark.parametrize("as_of", [None, date(2026, 2, 1)])
def test_store_keying_gives_the_same_report_as_pandas(demo_store: Path, as_of):
    """On the demo, and at an earlier as-of date where later check-ins must be ignored."""
    by_store, by_pandas = _reports(demo_store, as_of)
    for name in FRAMES:
        pd.testing.assert_frame_equal(getattr(by_store, name), getattr(by_pandas, name))
    assert by_store.key_results["check_in_count"].sum() > 0


def test_check_ins_after_the_as_of_day_and_of_unknown_key_results_are_ignored(tmp_path):
    tables = small_company()
    krs = tables["key_results"]
    kr_id = krs["kr_id"].iloc[0]
    extra = tables["check_ins"].iloc[[0]].copy()
    extra["kr_id"] = kr_id
    extra["checked_at"] = pd.Timestamp("2026-04-15")  # after the store's as-of, 31 March
    extra["value"] = 999.0
    tables["check_ins"] = pd.concat([tables["check_ins"], extra], ignore_index=True)
    path = write_store(tmp_path / "s.duckdb", tables, as_of=date(2026, 3, 31))
    by_store, by_pandas = _reports(path)
    row = by_store.key_results.set_index("kr_id").loc[kr_id]
    assert row["current"] != 999.0
    pd.testing.assert_frame_equal(by_store.key_results, by_pandas.key_results)


def test_keyed_check_ins_sort_by_key_result_then_time_and_drop_unknown():
    check_ins = pd.DataFrame(
        {
            "kr_id": ["b", "a", "zz", "b", "a"],
            "checked_at": pd.to_datetime(
                ["2026-01-09", "2026-01-03", "2026-01-01", "2026-01-02", "2026-01-01"]
            ),
            "value": [4.0, 2.0, 9.0, 3.0, 1.0],
            "grade": np.nan,
            "confidence": np.nan,
        }
    )
    keyed = keyed_check_ins(check_ins, pd.Series(["a", "b"]))
    assert list(keyed.kr_ids) == ["a", "b"]
    assert keyed.frame["kr_code"].tolist() == [0, 0, 1, 1]
    assert keyed.frame["value"].tolist() == [1.0, 2.0, 3.0, 4.0]  # 'zz' is nobody's


def test_weeks_start_on_monday_and_each_counts_once():
    moments = pd.to_datetime(["2026-01-04 23:59", "2026-01-05 00:00", "1969-12-31 12:00"])
    assert list(pd.DatetimeIndex(week_starts(moments))) == list(
        pd.to_datetime(["2025-12-29", "2026-01-05", "1969-12-29"])
    )
    check_ins = pd.DataFrame(
        {
            "kr_id": ["a", "a", "a", "b"],
            "checked_at": pd.to_datetime(["2026-01-05", "2026-01-07", "2026-01-12", "2026-01-07"]),
            "value": 1.0,
            "grade": np.nan,
            "confidence": np.nan,
        }
    )
    codes, weeks = checked_weeks(keyed_check_ins(check_ins, pd.Series(["a", "b"])))
    days = pd.DatetimeIndex(week_start_of(weeks)).strftime("%m-%d")
    assert list(zip(codes, days, strict=True)) == [
        (0, "01-05"),
        (0, "01-12"),
        (1, "01-05"),
    ]
    # week numbers and week starts name the same Mondays, NaT included
    numbers = week_numbers(np.append(moments.to_numpy(), np.datetime64("NaT")))
    assert list(pd.DatetimeIndex(week_start_of(numbers))[:3]) == list(
        pd.DatetimeIndex(week_starts(moments))
    )
    assert pd.isna(week_start_of(numbers)[3])
