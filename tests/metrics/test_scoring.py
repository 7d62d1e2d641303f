"""Scoring (docs/scoring.md), pinned by the examples the OKR literature gives."""

from __future__ import annotations

import pandas as pd
import pytest

from metrics.scores.bands import band_counts, band_of
from metrics.scores.scoring import score_all
from pipelines.store.schema import CHECK_INS, KEY_RESULTS, OBJECTIVES


def frame(table, rows: list[dict]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=table.column_names)
    return df.astype({c.name: "float64" for c in table.columns if c.sql_type == "DOUBLE"})


def one_kr(**values) -> pd.DataFrame:
    return frame(KEY_RESULTS, [{"kr_id": "k", "objective_id": "o", "title": "t", **values}])


OBJ = frame(OBJECTIVES, [{"objective_id": "o", "cycle_id": "c", "title": "Objective"}])
NO_CHECK_INS = frame(CHECK_INS, [])


@pytest.mark.parametrize(
    ("case", "kr", "score", "kr_type"),
    [
        (
            "revenue per email 100→110, now 106",
            dict(start_value=100, target_value=110, current_value=106),
            0.6,
            "increase",
        ),
        (
            "invoice time 5→2 weeks, now 3",
            dict(start_value=5, target_value=2, current_value=3),
            2 / 3,
            "decrease",
        ),
        (
            "utilisation 70–80%, now 75%",
            dict(kr_type="range", range_low=70, range_high=80, current_value=75),
            1.0,
            "range",
        ),
        (
            "utilisation 70–80% from 50, now 60",
            dict(kr_type="range", range_low=70, range_high=80, start_value=50, current_value=60),
            0.5,
            "range",
        ),
        (
            "utilisation 70–80%, no start, now 90",
            dict(kr_type="range", range_low=70, range_high=80, current_value=90),
            0.0,
            "range",
        ),
        ("push feature published", dict(kr_type="milestone", current_value=1), 1.0, "milestone"),
        (
            "push feature not published",
            dict(kr_type="milestone", current_value=0),
            0.0,
            "milestone",
        ),
        (
            "coupon baseline recorded",
            dict(kr_type="baseline", current_value=0.042),
            1.0,
            "baseline",
        ),
        (
            "beyond target is clipped",
            dict(start_value=0, target_value=10, current_value=13),
            1.0,
            "increase",
        ),
        ("missing start counts as 0", dict(target_value=10, current_value=4), 0.4, "increase"),
        (
            "manual score overrides",
            dict(start_value=0, target_value=10, current_value=4, manual_score=0.9),
            0.9,
            "increase",
        ),
        (
            "click-through stays above 0.5%, now 0.57%",
            dict(kr_type="range", range_low=0.5, current_value=0.57),
            1.0,
            "range",
        ),
        (
            "stay above 0.5% from 0.3, now 0.4: halfway to the bound",
            dict(range_low=0.5, start_value=0.3, current_value=0.4),
            0.5,
            "range",
        ),
        (
            "churn stays below 2%, now 2.5%, no start",
            dict(kr_type="range", range_high=2, current_value=2.5),
            0.0,
            "range",
        ),
        ("churn stays below 2%, now 1.2%", dict(range_high=2, current_value=1.2), 1.0, "range"),
        (
            "a tool's own progress, nothing to compute from",
            dict(reported_progress=0.45),
            0.45,
            "milestone",
        ),
        (
            "a value to compute from wins over the reported progress",
            dict(start_value=0, target_value=10, current_value=4, reported_progress=0.9),
            0.4,
            "increase",
        ),
        (
            "reported progress past 100% is clipped",
            dict(target_value=10, reported_progress=1.2),
            1.0,
            "increase",
        ),
    ],
)
def test_spec_examples(case, kr, score, kr_type):
    scored = score_all(OBJ, one_kr(**kr), NO_CHECK_INS).key_results.iloc[0]
    assert scored["score"] == pytest.approx(score), case
    assert scored["kr_type"] == kr_type


def test_reported_progress_is_its_own_score_source_and_keeps_its_attainment():
    kr = one_kr(target_value=10, reported_progress=1.2, projected_score=0.7)
    scored = score_all(OBJ, kr, NO_CHECK_INS).key_results.iloc[0]
    assert scored["score_source"] == "reported"
    assert scored["attainment"] == pytest.approx(1.2)
    assert scored["projected_score"] == pytest.approx(0.7)  # kept beside the score


def test_attainment_is_kept_unclipped():
    kr = one_kr(start_value=0, target_value=10, current_value=13)
    scored = score_all(OBJ, kr, NO_CHECK_INS).key_results.iloc[0]
    assert scored["attainment"] == pytest.approx(1.3)
    assert scored["score_source"] == "computed"


def test_a_numeric_key_result_never_checked_in_is_at_its_start_and_counts():
    krs = frame(
        KEY_RESULTS,
        [
            {
                "kr_id": "a",
                "objective_id": "o",
                "title": "a",
                "start_value": 0,
                "target_value": 10,
                "current_value": 5,
            },
            {"kr_id": "b", "objective_id": "o", "title": "b", "start_value": 0, "target_value": 10},
        ],
    )
    scores = score_all(OBJ, krs, NO_CHECK_INS)
    b = scores.key_results.set_index("kr_id").loc["b"]
    assert isinstance(b, pd.Series)  # one row: kr_id is unique
    assert b["score"] == 0.0 and b["score_source"] == "no check-in yet"
    assert scores.objectives.iloc[0]["score"] == pytest.approx(0.25)  # (0.5 + 0) / 2
    assert scores.objectives.iloc[0]["graded_krs"] == 2


def test_a_key_result_scored_only_by_grades_and_ungraded_is_left_out():
    krs = frame(
        KEY_RESULTS,
        [
            {"kr_id": "a", "objective_id": "o", "title": "a", "kr_type": "graded",
             "current_value": 0.6},
            {"kr_id": "b", "objective_id": "o", "title": "b", "kr_type": "graded"},
            {"kr_id": "c", "objective_id": "o", "title": "c"},  # no target: nothing to score
        ],
    )  # fmt: skip
    scores = score_all(OBJ, krs, NO_CHECK_INS)
    by_id = scores.key_results.set_index("kr_id")
    assert by_id["score"].isna().to_dict() == {"a": False, "b": True, "c": True}
    assert by_id["score_source"].isna().to_dict() == {"a": False, "b": True, "c": True}
    objective = scores.objectives.iloc[0]
    assert objective["score"] == pytest.approx(0.6)
    assert (objective["graded_krs"], objective["kr_count"]) == (1, 3)  # "1 of 3 graded"


def test_objective_is_weighted_mean_of_key_results():
    krs = frame(
        KEY_RESULTS,
        [
            {
                "kr_id": "a",
                "objective_id": "o",
                "title": "a",
                "start_value": 0,
                "target_value": 10,
                "current_value": 10,
                "weight": 3,
            },
            {
                "kr_id": "b",
                "objective_id": "o",
                "title": "b",
                "start_value": 0,
                "target_value": 10,
                "current_value": 2,
            },
        ],
    )
    objective = score_all(OBJ, krs, NO_CHECK_INS).objectives.iloc[0]
    assert objective["score"] == pytest.approx((3 * 1.0 + 1 * 0.2) / 4)
    assert objective["band"] == "high"


def test_latest_check_in_wins_over_current_value_and_grade_when_newer():
    kr = one_kr(start_value=0, target_value=10, current_value=1)
    check_ins = frame(
        CHECK_INS,
        [
            {"kr_id": "k", "checked_at": pd.Timestamp("2026-01-05"), "value": 3.0},
            {"kr_id": "k", "checked_at": pd.Timestamp("2026-01-19"), "value": 7.0},
            {"kr_id": "k", "checked_at": pd.Timestamp("2026-01-12"), "value": 5.0},
        ],
    )
    assert score_all(OBJ, kr, check_ins).key_results.iloc[0]["score"] == pytest.approx(0.7)
    graded = pd.concat(
        [
            check_ins,
            frame(
                CHECK_INS, [{"kr_id": "k", "checked_at": pd.Timestamp("2026-01-26"), "grade": 0.3}]
            ),
        ]
    )
    scored = score_all(OBJ, kr, graded).key_results.iloc[0]
    assert scored["score"] == pytest.approx(0.3) and scored["score_source"] == "grade"


def test_strict_linking_takes_the_child_objectives_score():
    """The CEO's key result 'Launch the new product' is a product manager's objective."""
    objectives = frame(
        OBJECTIVES,
        [
            {"objective_id": "ceo", "cycle_id": "c", "title": "Win the market"},
            {
                "objective_id": "pm",
                "cycle_id": "c",
                "title": "Launch the new product",
                "parent_kr_id": "ceo-launch",
            },
        ],
    )
    krs = frame(
        KEY_RESULTS,
        [
            {"kr_id": "ceo-launch", "objective_id": "ceo", "title": "Launch the new product"},
            {
                "kr_id": "pm-1",
                "objective_id": "pm",
                "title": "Beta users 0→100",
                "start_value": 0,
                "target_value": 100,
                "current_value": 80,
            },
            {
                "kr_id": "pm-2",
                "objective_id": "pm",
                "title": "Ship",
                "kr_type": "milestone",
                "current_value": 0,
            },
        ],
    )
    scores = score_all(objectives, krs, NO_CHECK_INS)
    ceo_kr = scores.key_results.set_index("kr_id").loc["ceo-launch"]
    assert ceo_kr["score"] == pytest.approx(0.4)
    assert ceo_kr["score_source"] == "linked"
    assert scores.objectives.set_index("objective_id").loc["ceo", "score"] == pytest.approx(0.4)


@pytest.mark.parametrize(
    ("score", "band"),
    [
        (0.0, "low"),
        (0.39, "low"),
        (0.4, "mid"),
        (0.6, "sweet"),
        (0.7, "sweet"),
        (0.1 * 7, "sweet"),
        (0.71, "high"),
        (0.99, "high"),
        (1.0, "maxed"),
    ],
)
def test_bands(score, band):
    assert band_of(pd.Series([score])).iloc[0] == band


def test_band_counts_skip_ungraded():
    counts = band_counts(pd.Series([0.1, 0.65, None, 1.0]))
    assert counts == {"low": 1, "mid": 0, "sweet": 1, "high": 0, "maxed": 1}


def test_no_start_and_a_target_of_zero_plans_nothing_and_is_ungraded():
    krs = frame(
        KEY_RESULTS,
        [{"kr_id": "z", "objective_id": "o", "title": "z", "target_value": 0,
          "current_value": 3}],
    )  # fmt: skip
    scores = score_all(OBJ, krs, NO_CHECK_INS)
    assert scores.key_results["score"].isna().tolist() == [True]
