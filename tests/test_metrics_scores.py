"""Scoring details beyond tests/test_scoring.py: edge cases of SPEC §5 and the roll-ups."""

from __future__ import annotations

import pandas as pd
import pytest
from test_metrics_support import check_in, kr, objective, report


@pytest.mark.parametrize(
    ("case", "values", "score"),
    [
        ("increase whose target is below its start, met", dict(kr_type="increase",
         start_value=10.0, target_value=8.0, current_value=9.0), 1.0),
        ("increase whose target is below its start, not met", dict(kr_type="increase",
         start_value=10.0, target_value=8.0, current_value=7.0), 0.0),
        ("decrease whose target is above its start, met", dict(kr_type="decrease",
         start_value=5.0, target_value=6.0, current_value=5.5), 1.0),
        ("target equal to start, reached", dict(kr_type="increase", start_value=10.0,
         target_value=10.0, current_value=10.0), 1.0),
        ("range from above toward the high bound", dict(kr_type="range", range_low=70.0,
         range_high=80.0, start_value=90.0, current_value=85.0), 0.5),
    ],
)  # fmt: skip
def test_targets_on_the_wrong_side_of_the_start(case, values, score):
    rep = report([objective("o")], [kr("k", "o", **values)])
    assert rep.scores.key_results.iloc[0]["score"] == pytest.approx(score), case


@pytest.mark.parametrize("kr_type", ["baseline", "milestone"])
def test_checked_in_without_a_value_scores_zero_not_ungraded(kr_type):
    rep = report(
        [objective("o")],
        [kr("k", "o", kr_type=kr_type), kr("never", "o", kr_type=kr_type)],
        [check_in("k", "2026-01-10", None, confidence=0.5)],
    )
    scores = rep.scores.key_results.set_index("kr_id")["score"]
    assert scores["k"] == 0.0
    assert pd.isna(scores["never"])


def test_roll_up_objective_team_department_company_and_ungraded_apart():
    rep = report(
        [
            objective("c", team_id="co", level="company"),
            objective("d", team_id="d1"),
            objective("x", team_id="t1"),
            objective("y", team_id="t1"),
            objective("empty", team_id="t2"),
        ],
        [
            kr("kc", "c", current_value=1.0, target_value=1.0),
            kr("kd", "d", current_value=0.4, target_value=1.0),
            kr("kx", "x", current_value=0.2, target_value=1.0),
            kr("kx2", "x", current_value=0.6, target_value=1.0, weight=3.0),
            kr("ky", "y", current_value=0.9, target_value=1.0),
            kr("ky-ungraded", "y", target_value=1.0),
            kr("k-empty", "empty", target_value=1.0),
        ],
    )
    objectives = rep.objectives.set_index("objective_id")
    assert objectives.loc["x", "score"] == pytest.approx((0.2 + 3 * 0.6) / 4)
    assert objectives.loc["y", ["score", "kr_count", "graded_krs"]].tolist() == [0.9, 2, 1]
    assert pd.isna(objectives.loc["empty", "score"])
    teams = rep.team_scores.set_index("team_id")
    assert teams.loc["t1", "score"] == pytest.approx((0.5 + 0.9) / 2)
    departments = rep.department_scores.set_index("department_id")
    assert departments.loc["d1", "score"] == pytest.approx((0.4 + 0.5 + 0.9) / 3)
    company = rep.company_scores.set_index("cycle_id")["score"]
    assert company["Q1"] == pytest.approx((1.0 + 0.4 + 0.5 + 0.9) / 4)
    distribution = rep.kr_distribution.set_index("cycle_id").loc["Q1"]
    assert distribution[["graded", "ungraded"]].tolist() == [5, 2]
    assert distribution[["low", "mid", "sweet", "high", "maxed"]].tolist() == [1, 1, 1, 1, 1]
    assert distribution["sweet_spot_share"] == pytest.approx(1 / 5)
