"""Check-in discipline per week and team, stale key results, confidence calibration."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from metrics.config import HealthConfig
from tests.support.frames import Q1, Q2, check_in, kr, objective, report

TEN = {"start_value": 0.0, "target_value": 10.0}
AS_OF = date(2026, 1, 20)  # a Tuesday; Q1 began on Thursday 1 January


def discipline_report():
    return report(
        [
            objective("o1", team_id="t1"),
            objective("o2", team_id="t2"),
            objective("child", team_id="t2", parent_kr_id="linked"),
        ],
        [
            kr("a", "o1", **TEN),
            kr("b", "o1", **TEN),
            kr("linked", "o1"),  # its progress is checked in on the child objective
            kr("d", "o2", **TEN),  # never checked in: active, and counted as unchecked
            kr("e", "o2", **TEN),
            kr("c1", "child", **TEN),
        ],
        [
            check_in("a", "2026-01-02", 1.0),
            check_in("a", "2026-01-06", 2.0),
            check_in("a", "2026-01-14", 3.0),
            check_in("b", "2026-01-06", 1.0),
            check_in("e", "2026-01-05", 1.0),
            check_in("c1", "2026-01-19", 1.0),
        ],
        as_of=AS_OF,
    )


def test_weekly_share_of_active_key_results_checked_in():
    weekly = discipline_report().discipline.set_index("week_start")
    assert list(weekly.index) == list(
        pd.to_datetime(["2025-12-29", "2026-01-05", "2026-01-12", "2026-01-19"])
    )
    assert weekly["active_krs"].tolist() == [5, 5, 5, 5]  # a, b, d, e, c1 (not 'linked')
    assert weekly["checked_krs"].tolist() == [1, 3, 1, 1]


def test_weeks_are_counted_the_same_when_there_are_too_many_to_bin(monkeypatch):
    """A company with very many teams and weeks counts its (team, week) pairs by sorting
    instead of one bin per pair: the same figures."""
    import metrics.programme.discipline

    binned = discipline_report().team_weeks
    monkeypatch.setattr(metrics.programme.discipline, "_BINS", 0)
    sorted_ = discipline_report().team_weeks
    pd.testing.assert_frame_equal(binned, sorted_)
    checked = sorted_.set_index(["team_id", "week_start"])["checked_krs"]
    assert checked[("t1", pd.Timestamp("2026-01-05"))] == 2  # a and b
    assert checked[("t2", pd.Timestamp("2026-01-19"))] == 1  # c1, on the child objective
    assert checked[("t2", pd.Timestamp("2025-12-29"))] == 0


def test_weekly_share_per_team_and_per_cycle():
    rep = discipline_report()
    teams = rep.team_discipline.set_index(["team_id", "week_start"])["share"]
    assert teams[("t1", pd.Timestamp("2026-01-05"))] == pytest.approx(2 / 2)
    assert teams[("t2", pd.Timestamp("2026-01-05"))] == pytest.approx(1 / 3)
    # the week of 19 January is not over yet: the cycle figure uses the 3 complete weeks
    assert rep.trends.set_index("cycle_id").loc["Q1", "check_in_share"] == pytest.approx(5 / 15)


def test_stale_key_results():
    stale = discipline_report().stale.set_index("kr_id")
    assert set(stale.index) == {"d", "e"}
    assert stale.loc["d", "reason"] == "never checked in; the cycle began 19 days ago"
    assert stale.loc["e", "reason"] == "last checked in 15 days ago"


@pytest.mark.parametrize(
    ("case", "last_check_in", "as_of", "stale"),
    [
        ("13 days ago", "2026-02-02", date(2026, 2, 15), False),
        ("14 days ago", "2026-02-01", date(2026, 2, 15), False),
        ("15 days ago", "2026-01-31", date(2026, 2, 15), True),
        ("never, cycle 10 days old", None, date(2026, 1, 11), False),
        ("never, cycle 15 days old", None, date(2026, 1, 16), True),
        ("finished cycle", "2026-01-31", date(2026, 5, 15), False),
        ("later cycle not started", None, date(2025, 12, 1), False),
    ],
)
def test_stale_cases(case, last_check_in, as_of, stale):
    check_ins = [check_in("k", last_check_in, 1.0)] if last_check_in else []
    rep = report([objective("o")], [kr("k", "o", **TEN)], check_ins, cycles=[Q1, Q2], as_of=as_of)
    assert ("k" in set(rep.stale["kr_id"])) == stale, case


def test_stale_days_are_configurable():
    rep = report(
        [objective("o")],
        [kr("k", "o", **TEN)],
        [check_in("k", "2026-02-05", 1.0)],
        as_of=date(2026, 2, 15),
        config=HealthConfig(stale_days=7),
    )
    assert list(rep.stale["kr_id"]) == ["k"]


def test_confidence_calibration_brier_per_team():
    """Hit = final score ≥ 0.7. Team One: 0.9 on a hit, 0.8 on a miss → (0.01 + 0.64) / 2.
    Team Two: 0.2 on a miss, 0.5 on a hit at exactly 0.7 → (0.04 + 0.25) / 2."""
    rep = report(
        [objective("o1", team_id="t1"), objective("o2", team_id="t2"), objective("q2", "Q2")],
        [
            kr("a", "o1", current_value=10.0, **TEN),
            kr("b", "o1", current_value=3.0, **TEN),
            kr("c", "o2", current_value=1.0, **TEN),
            kr("d", "o2", current_value=7.0, **TEN),
            kr("no-confidence", "o2", current_value=7.0, **TEN),
            kr("running", "q2", **TEN),
        ],
        [
            check_in("a", "2026-03-20", None, confidence=0.9),
            check_in("b", "2026-03-20", None, confidence=0.8),
            check_in("c", "2026-03-10", None, confidence=0.6),
            check_in("c", "2026-03-20", None, confidence=0.2),  # the last one counts
            check_in("d", "2026-03-20", None, confidence=0.5),
            check_in("running", "2026-04-20", 1.0, confidence=0.9),
        ],
        cycles=[Q1, Q2],
        as_of=date(2026, 5, 1),
    )
    teams = rep.calibration.set_index("team_id")
    assert teams.loc["t1", "brier"] == pytest.approx(0.325)
    assert teams.loc["t2", "brier"] == pytest.approx(0.145)
    assert teams.loc["t1", ["key_results", "mean_confidence", "hit_rate"]].tolist() == [
        2,
        pytest.approx(0.85),
        0.5,
    ]
    assert teams.loc["t1", "overconfidence"] == pytest.approx(0.35)
    assert teams.loc["t1", "mean_score"] == pytest.approx(0.65)
    overall = rep.calibration_overall.iloc[0]
    assert overall["brier"] == pytest.approx((0.01 + 0.64 + 0.04 + 0.25) / 4)
    assert overall["key_results"] == 4
    curve = rep.calibration_curve.set_index("bin")
    assert curve.loc["0.8–1.0", "key_results"] == 2  # 0.8 and 0.9
    assert curve.loc["0.8–1.0", "hit_rate"] == pytest.approx(0.5)


@pytest.mark.parametrize("bins", [10_000_000, 0])
def test_pairs_are_counted_only_in_the_weeks_asked_about(monkeypatch, bins):
    """A check-in decades away from every cycle neither counts nor widens the count."""
    import numpy as np

    import metrics.programme.discipline
    from metrics.progress.checkins import week_numbers

    monkeypatch.setattr(metrics.programme.discipline, "_BINS", bins)
    weeks = week_numbers(pd.to_datetime(["2026-01-05", "2026-01-06", "1990-01-01", "2026-01-12"]))
    groups = np.array([0, 0, 0, 1])
    wanted_weeks = week_numbers(pd.to_datetime(["2026-01-05", "2026-01-12", "2026-01-12", "NaT"]))
    counted = metrics.programme.discipline._pairs_counted(
        groups, weeks, np.array([0, 0, 1, 1]), wanted_weeks
    )
    assert counted.tolist() == [2, 0, 1, 0]
