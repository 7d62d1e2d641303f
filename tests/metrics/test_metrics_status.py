"""Status (where a unit is heading against the sweet spot), and the end-of-cycle forecast with
its measured error."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from metrics.progress.status import heading_status, unit_status
from metrics.scores.bands import ScoreBands
from tests.support.frames import Q1, Q2, check_in, kr, objective, report

INC = {"start_value": 0.0, "target_value": 100.0}


@pytest.mark.parametrize(
    ("score", "heading", "started", "status"),
    [
        (0.3, 0.65, True, "on track"),
        (0.3, 0.6, True, "on track"),  # heading exactly for the sweet spot's lower edge
        (0.3, 0.95, True, "on track"),  # above the sweet spot: still on track
        (0.3, 0.59, True, "behind"),
        (0.3, 0.4, True, "behind"),  # exactly the top of the low band
        (0.1, 0.39, True, "at risk"),
        (1.0, 1.0, True, "done"),
        (None, None, False, "not started"),
        (0.0, 0.0, False, "not started"),  # at its start for want of a check-in
    ],
)
def test_status_from_heading(score, heading, started, status):
    got = heading_status(
        pd.Series([score], dtype="float64"),
        pd.Series([heading], dtype="float64"),
        pd.Series([started]),
        ScoreBands(),
    )
    assert got.iloc[0] == status


def test_status_follows_the_sweet_spot_in_force():
    headings = pd.Series([0.65, 0.55, 0.45])
    got = heading_status(
        pd.Series([0.2] * 3), headings, pd.Series([True] * 3), ScoreBands(0.7, 0.8)
    )
    assert list(got) == ["behind", "behind", "at risk"]  # at risk below 0.5 = 0.7 − 0.2


def test_only_running_cycles_get_a_status():
    """Mid-Q2 (as of 15 May: 44 of 90 days elapsed ≈ 0.49): Q1 is finished, Q2 running.
    Without check-ins to trend, a key result heads where a straight line from the start takes
    it: score ÷ 0.49."""
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
    krs = rep.key_results.set_index("kr_id")
    assert krs.loc["ahead", "expected"] == pytest.approx(44 / 90 * 0.6)
    assert krs.loc["behind", "heading"] == pytest.approx(0.25 / (44 / 90))
    assert krs["status"].to_dict() == {
        "q1": None,
        "ahead": "on track",
        "behind": "behind",
        "risk": "at risk",
        "empty": "not started",
    }
    objectives = rep.objectives.set_index("objective_id")
    assert objectives["status"].isna()["o1"] and objectives.loc["o2", "status"] == "behind"
    # the weighted mean of the three started key results' headings: 1.0, 0.511, 0.205
    assert objectives.loc["o2", "heading"] == pytest.approx((1.0 + (0.25 + 0.1) * 90 / 44) / 3)


def test_heading_for_the_sweet_spot_is_on_track_whatever_a_line_to_one_says():
    """0 on 1 April, 0.3 on 15 May: a third below a straight line to 1.0, but the trend
    reaches 0.3 × 90/44 ≈ 0.61 by 30 June, in the sweet spot: on track, and every surface
    says so."""
    rep = report(
        [objective("o", "Q2")],
        [kr("k", "o", **INC)],
        [check_in("k", "2026-04-01", 0.0, hour=0), check_in("k", "2026-05-15", 30.0, hour=0)],
        cycles=[Q1, Q2],
        as_of=date(2026, 5, 15),
    )
    row = rep.key_results.set_index("kr_id").loc["k"]
    assert row["forecast_method"] == "trend"
    assert row["heading"] == pytest.approx(row["forecast"])
    assert row["heading"] >= 0.6
    assert row["score"] < 44 / 90  # behind a line to 1.0 ...
    assert row["status"] == "on track"  # ... yet heading for the sweet spot
    assert rep.objectives.set_index("objective_id").loc["o", "status"] == "on track"


def test_unit_status_counts_objectives_and_judges_the_mean():
    objectives = pd.DataFrame({
        "objective_id": ["a", "b", "c", "d"], "cycle_id": ["Q2"] * 4,
        "department": ["Sales", "Sales", "Sales", "Ops"],
        "score": [0.3, 0.1, 0.0, 0.5], "heading": [0.7, 0.3, None, 0.8],
        "expected": [0.3] * 4, "status": ["on track", "at risk", "not started", "on track"],
    })  # fmt: skip
    units = unit_status(objectives, ["department"], ScoreBands()).set_index("department")
    assert units.loc["Sales", ["objectives", "on track", "at risk", "not started"]].tolist() == [
        3, 1, 1, 1,
    ]  # fmt: skip
    assert units.loc["Sales", "heading"] == pytest.approx(0.5)
    assert units.loc["Sales", "status"] == "behind"
    assert units.loc["Ops", "status"] == "on track"
    company = unit_status(objectives, [], ScoreBands())
    assert company["objectives"].tolist() == [4]


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
