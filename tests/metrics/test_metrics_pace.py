"""Pace against the calendar, and the end-of-cycle forecast with its measured error."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from metrics.config import HealthConfig
from metrics.pace import pace_status
from tests.support.frames import Q1, Q2, check_in, kr, objective, report

INC = {"start_value": 0.0, "target_value": 100.0}


@pytest.mark.parametrize(
    ("score", "expected", "status"),
    [
        (0.5, 0.5, "on track"),
        (0.9, 0.5, "on track"),
        (0.4, 0.5, "on track"),  # exactly expected − 0.1
        (0.39, 0.5, "behind"),
        (0.2, 0.5, "behind"),  # exactly expected − 0.3
        (0.19, 0.5, "at risk"),
        (0.0, 0.0, "on track"),  # the first day of a cycle
        (None, 0.5, "no data"),
    ],
)
def test_pace_status(score, expected, status):
    got = pace_status(pd.Series([score], dtype="float64"), pd.Series([expected]), HealthConfig())
    assert got.iloc[0] == status


def test_pace_thresholds_are_configurable():
    config = HealthConfig(on_track_margin=0.0, at_risk_margin=0.05)
    got = pace_status(pd.Series([0.5, 0.46, 0.44]), pd.Series([0.5] * 3), config)
    assert list(got) == ["on track", "behind", "at risk"]


def test_only_running_cycles_get_a_pace():
    """Mid-Q2 (as of 15 May: 44 of 90 days elapsed ≈ 0.49): Q1 is finished, Q2 running."""
    rep = report(
        [objective("o1", "Q1"), objective("o2", "Q2")],
        [
            kr("q1", "o1", current_value=10.0, **INC),
            kr("ahead", "o2", current_value=60.0, **INC),
            kr("behind", "o2", current_value=25.0, **INC),
            kr("risk", "o2", current_value=10.0, **INC),
            kr("empty", "o2", **INC),
        ],
        cycles=[Q1, Q2],
        as_of=date(2026, 5, 15),
    )
    pace = rep.key_results.set_index("kr_id")
    assert pace.loc["ahead", "expected"] == pytest.approx(44 / 90)
    assert pace["pace"].to_dict() == {
        "q1": None,
        "ahead": "on track",
        "behind": "behind",
        "risk": "at risk",
        "empty": "no data",
    }
    objective_pace = rep.objectives.set_index("objective_id")["pace"]
    assert objective_pace.isna()["o1"] and objective_pace["o2"] == "behind"  # mean 0.317


CYCLE_DAYS = 89  # Q1 2026: 1 January to 31 March


@pytest.mark.parametrize(
    ("case", "check_ins", "current", "forecast", "method"),
    [
        (
            "straight line 0.1 → 0.3 in 30 days, read at day 89",
            [("2026-01-01", 10.0), ("2026-01-31", 30.0)],
            None,
            0.1 + 0.2 * CYCLE_DAYS / 30,
            "trend",
        ),
        (
            "steep rise is clamped to 1",
            [("2026-01-01", 0.0), ("2026-01-31", 60.0)],
            None,
            1.0,
            "trend",
        ),
        ("fall is clamped to 0", [("2026-01-01", 50.0), ("2026-01-31", 20.0)], None, 0.0, "trend"),
        ("one check-in: its score is carried", [("2026-01-20", 40.0)], None, 0.4, "carried"),
        ("no check-ins: the current score is carried", [], 70.0, 0.7, "carried"),
        ("nothing at all: no forecast", [], None, None, "none"),
        (
            "least squares through three points",
            [("2026-01-01", 0.0), ("2026-01-11", 30.0), ("2026-01-21", 20.0)],
            None,
            0.0666667 + 0.01 * CYCLE_DAYS,
            "trend",
        ),
    ],
)
def test_forecast(case, check_ins, current, forecast, method):
    rep = report(
        [objective("o")],
        [kr("k", "o", current_value=current, **INC)],
        [check_in("k", day, value, hour=0) for day, value in check_ins],
        as_of=date(2026, 2, 1),
    )
    row = rep.key_results.set_index("kr_id").loc["k"]
    assert row["forecast_method"] == method, case
    if forecast is None:
        assert pd.isna(row["forecast"])
    else:
        assert row["forecast"] == pytest.approx(forecast, abs=1e-6), case


def test_forecast_reads_grades_too():
    rep = report(
        [objective("o")],
        [kr("k", "o", **INC)],
        [
            check_in("k", "2026-01-01", grade=0.3, hour=0),
            check_in("k", "2026-01-31", grade=0.7, hour=0),
        ],
        as_of=date(2026, 2, 1),
    )
    forecast = rep.key_results.set_index("kr_id").loc["k", "forecast"]
    assert forecast == pytest.approx(1.0)  # 0.3 + 0.4 * 89 / 30 > 1, clamped


def test_forecast_error_on_finished_cycles():
    """Mid-cycle (day 44.5) the trend 0.1 → 0.3 over 30 days promises 0.693; the final
    score is 0.9: error 0.207. Carrying the mid-cycle score (0.3) would have missed by 0.6.
    A second key result with no check-in by mid-cycle cannot be back-tested."""
    rep = report(
        [objective("o")],
        [kr("k", "o", **INC), kr("late", "o", **INC)],
        [
            check_in("k", "2026-01-01", 10.0, hour=0),
            check_in("k", "2026-01-31", 30.0, hour=0),
            check_in("k", "2026-03-20", 90.0, hour=0),
            check_in("late", "2026-03-20", 50.0, hour=0),
        ],
        as_of=date(2026, 4, 15),
    )
    backtest = rep.forecast_backtest.set_index("kr_id")
    assert list(backtest.index) == ["k"]
    assert backtest.loc["k", "forecast"] == pytest.approx(0.1 + 0.2 * 89 / 30)
    assert backtest.loc["k", "final"] == pytest.approx(0.9)
    assert backtest.loc["k", "error"] == pytest.approx(0.9 - (0.1 + 0.2 * 89 / 30))
    assert backtest.loc["k", "carried_error"] == pytest.approx(0.6)
    errors = rep.forecast_error.set_index("cycle_id")
    assert list(errors.index) == ["Q1", "all"]
    assert errors.loc["all", "mae"] == pytest.approx(0.9 - (0.1 + 0.2 * 89 / 30))
    assert errors.loc["all", "key_results"] == 1
