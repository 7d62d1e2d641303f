"""Cycle calendar: span, elapsed share and state at an as-of date."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from metrics.progress.calendar import cycle_calendar
from tests.support.frames import Q1, check_in, dataset, kr, objective


def calendar_of(ds, as_of):
    return cycle_calendar(ds.cycles, ds.objectives, ds.key_results, ds.check_ins, as_of)


@pytest.mark.parametrize(
    ("as_of", "elapsed", "state"),
    [
        (date(2025, 12, 31), 0.0, "upcoming"),
        (date(2026, 1, 1), 0.0, "running"),
        (date(2026, 2, 14), 44 / 89, "running"),
        (date(2026, 3, 31), 1.0, "running"),
        (date(2026, 4, 1), 1.0, "finished"),
    ],
)
def test_elapsed_share_and_state(as_of, elapsed, state):
    ds = dataset([objective("o")], [kr("k", "o")])
    row = calendar_of(ds, as_of).iloc[0]
    assert row["elapsed_share"] == pytest.approx(elapsed)
    assert row["state"] == state
    assert row["days"] == 89


def test_missing_dates_come_from_quarter_labels_then_check_ins():
    ds = dataset(
        [objective("a", "2025-Q3"), objective("b", "Sprint 7"), objective("c", "Someday")],
        [kr("ka", "a"), kr("kb", "b"), kr("kc", "c")],
        [check_in("kb", "2026-01-05", 1.0), check_in("kb", "2026-01-19", 2.0)],
        cycles=[Q1],
    )
    cal = calendar_of(ds, date(2026, 2, 1)).set_index("cycle_id")
    assert cal.loc["2025-Q3", ["start", "end"]].tolist() == [
        pd.Timestamp("2025-07-01"),
        pd.Timestamp("2025-09-30"),
    ]
    assert cal.loc["2025-Q3", "dates_from"] == "label"
    assert cal.loc["Sprint 7", ["start", "end"]].tolist() == [
        pd.Timestamp("2026-01-05"),
        pd.Timestamp("2026-01-19"),
    ]
    assert cal.loc["Sprint 7", "state"] == "finished"
    assert cal.loc["Someday", "state"] == "undated"
    assert cal.loc["Q1", "dates_from"] == "table"
    assert list(cal["order"]) == [0, 1, 2, 3]  # 2025-Q3, Q1, Sprint 7, then undated
    assert cal.index[-1] == "Someday"
