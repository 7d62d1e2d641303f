"""Scoring details beyond tests/metrics/test_scoring.py: edge cases of docs/scoring.md and the
roll-ups."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.support.frames import check_in, kr, objective, report


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
            kr("ky-ungraded", "y", kr_type="graded"),  # scored only by grades, none yet
            kr("k-empty", "empty", kr_type="graded"),
        ],
    )
    objectives = rep.objectives.set_index("objective_id")
    assert objectives.loc["x", "score"] == pytest.approx((0.2 + 3 * 0.6) / 4)
    assert objectives.loc["y", ["score", "kr_count", "graded_krs"]].tolist() == [0.9, 2, 1]
    # pandas-stubs: .loc gives any scalar, some of which isna's stub does not take
    assert pd.isna(objectives.loc["empty", "score"])  # type: ignore[arg-type]
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


@pytest.mark.parametrize(
    ("case", "values", "check_ins", "score", "source"),
    [
        ("revenue per email 100 → 110, now 106", dict(start_value=100.0, target_value=110.0,
         current_value=106.0), [], 0.6, "computed"),
        ("invoice time 5 → 2 weeks, now 3", dict(start_value=5.0, target_value=2.0,
         current_value=3.0), [], 2 / 3, "computed"),
        ("utilisation 70–80%, now 75%", dict(kr_type="range", range_low=70.0, range_high=80.0,
         current_value=75.0), [], 1.0, "computed"),
        ("push feature published", dict(kr_type="milestone", current_value=1.0), [], 1.0,
         "computed"),
        ("coupon baseline recorded", dict(kr_type="baseline"), [("2026-01-20", 0.042, None)],
         1.0, "computed"),
        ("latest check-in wins", dict(start_value=0.0, target_value=10.0, current_value=1.0),
         [("2026-01-05", 3.0, None), ("2026-01-19", 7.0, None)], 0.7, "computed"),
        ("zone grade Target after the value", dict(start_value=0.0, target_value=10.0),
         [("2026-01-05", 3.0, None), ("2026-01-19", None, 0.7)], 0.7, "grade"),
        ("manual closing score overrides", dict(start_value=0.0, target_value=10.0,
         current_value=4.0, manual_score=0.9), [], 0.9, "manual"),
    ],
)  # fmt: skip
def test_spec_examples_through_the_report(case, values, check_ins, score, source):
    rep = report(
        [objective("o")],
        [kr("k", "o", **values)],
        [check_in("k", day, value, grade=grade) for day, value, grade in check_ins],
    )
    row = rep.key_results.set_index("kr_id").loc["k"]
    assert (row["score"], row["score_source"]) == (pytest.approx(score), source), case


def test_strict_linking_case_through_the_report():
    """The CEO's key result 'Launch the new product' is the product manager's objective: it
    takes that objective's score, and it is nobody's check-in duty or pattern evidence."""
    rep = report(
        [
            objective("ceo", team_id="co", level="company", owner="Chris"),
            objective("pm", team_id="t1", owner="Pat", parent_kr_id="ceo-launch"),
        ],
        [
            kr("ceo-launch", "ceo", title="Launch the new product"),
            kr("pm-1", "pm", start_value=0.0, target_value=100.0, current_value=80.0),
            kr("pm-2", "pm", kr_type="milestone", current_value=0.0),
        ],
    )
    krs = rep.key_results.set_index("kr_id")
    assert krs.loc["ceo-launch", ["score", "score_source"]].tolist() == [
        pytest.approx(0.4),
        "linked",
    ]
    assert bool(krs.loc["ceo-launch", "strict_linked"])
    assert rep.objectives.set_index("objective_id").loc["ceo", "score"] == pytest.approx(0.4)
    # Check-in duty: the company's only key result is linked, so its team has no active
    # key result in any week; the product manager's team has two in each.
    assert "co" not in set(rep.team_weeks["team_id"])
    assert set(rep.team_weeks.loc[rep.team_weeks["team_id"] == "t1", "active_krs"]) == {2}
    assert "ceo-launch" not in set(rep.stale["kr_id"])
    links = rep.links.set_index("objective_id")
    assert links.loc["pm", ["status", "link", "parent_id"]].tolist() == ["aligned", "strict", "ceo"]


def test_distribution_per_department_and_team():
    rep = report(
        [objective("x", team_id="t1"), objective("y", team_id="t2")],
        [
            kr("a", "x", current_value=0.65, target_value=1.0),
            kr("b", "x", current_value=1.0, target_value=1.0),
            kr("c", "y", current_value=0.1, target_value=1.0),
        ],
    )
    teams = rep.distribution(by=("cycle_id", "team")).set_index("team")
    assert teams.loc["Team One", ["graded", "sweet", "maxed"]].tolist() == [2, 1, 1]
    assert teams.loc["Team Two", "low_share"] == 1.0
    departments = rep.distribution("objective", ("cycle_id", "department"))
    assert departments["graded"].tolist() == [2]
