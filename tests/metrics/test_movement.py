"""Movement since mid-cycle: the score on the cycle's mid-point day against the score now."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from metrics.progress.movement import (
    CHANGES,
    check_ins_until,
    cycle_midpoints,
    movement_since_midcycle,
)
from metrics.scores.scoring import score_all
from tests.support.stores import canonical, small_company

CYCLE = {
    "cycle_id": "c",
    "name": "C",
    "start_date": date(2026, 1, 1),
    "end_date": date(2026, 3, 31),
}
MID = pd.Timestamp("2026-02-14")  # 1 Jan + 89 days / 2, floored to the day


def one_kr(check_ins: list[dict], **kr) -> dict[str, pd.DataFrame]:
    """One cycle, one objective, one key result (increase 0 → 10 unless told) and its check-ins."""
    return {
        "cycles": canonical("cycles", [CYCLE]),
        "objectives": canonical(
            "objectives", [{"objective_id": "o", "cycle_id": "c", "title": "O", "team_id": "t"}]
        ),
        "key_results": canonical(
            "key_results",
            [
                {
                    "kr_id": "k",
                    "objective_id": "o",
                    "title": "K",
                    "start_value": 0,
                    "target_value": 10,
                    **kr,
                }
            ],
        ),  # fmt: skip
        "check_ins": canonical("check_ins", [{"kr_id": "k", **c} for c in check_ins]),
    }


def same(value: float, expected: float | None) -> bool:
    return pd.isna(value) if expected is None else value == pytest.approx(expected)


def movement_of(tables: dict[str, pd.DataFrame], as_of: date | None = None):
    return movement_since_midcycle(
        tables["objectives"], tables["key_results"], tables["check_ins"], tables["cycles"], as_of
    )


def test_midpoint_is_the_middle_day_of_the_cycle():
    cycles = canonical("cycles", [CYCLE, {"cycle_id": "undated"}])
    assert cycle_midpoints(cycles).to_dict() == {"c": MID}


# (check-ins as (day, value), current_value, manual_score, mid score, score now, change)
CASES = [
    ([("2026-01-20", 3), ("2026-03-20", 7)], None, None, 0.3, 0.7, "up"),
    ([("2026-02-14 18:00", 5), ("2026-02-15", 9)], None, None, 0.5, 0.9, "up"),  # same day counts
    ([("2026-01-20", 8), ("2026-03-20", 6)], None, None, 0.8, 0.6, "down"),
    ([("2026-01-20", 6), ("2026-03-01", 6)], None, None, 0.6, 0.6, "same"),
    ([("2026-03-01", 4)], None, None, None, 0.4, "new"),  # no check-in by mid-cycle
    ([], 5, None, None, 0.5, "new"),  # current_value is not known at mid-cycle
    ([("2026-01-20", 4)], None, 0.9, 0.4, 0.9, "up"),  # the closing grade is not either
    ([], None, None, None, 0.0, "new"),  # never checked in: at its start now, nothing then
]


@pytest.mark.parametrize(("check_ins", "current", "manual", "mid", "now", "change"), CASES)
def test_key_result_movement(check_ins, current, manual, mid, now, change):
    tables = one_kr(
        [{"checked_at": pd.Timestamp(day), "value": float(v)} for day, v in check_ins],
        current_value=current,
        manual_score=manual,
    )
    moved = movement_of(tables)
    kr = moved.key_results.iloc[0]
    assert same(kr["mid_score"], mid) and same(kr["score"], now)
    assert kr["change"] == change
    assert kr["midpoint"] == MID
    objective = moved.objectives.iloc[0]
    assert objective["change"] == change  # one key result: the objective moves with it


def test_grades_at_check_ins_count_as_of_their_day():
    tables = one_kr(
        [
            {"checked_at": pd.Timestamp("2026-01-10"), "grade": 0.3},
            {"checked_at": pd.Timestamp("2026-03-10"), "grade": 0.7},
        ]
    )
    kr = movement_of(tables).key_results.iloc[0]
    assert (kr["mid_score"], kr["score"]) == pytest.approx((0.3, 0.7))
    assert kr["delta"] == pytest.approx(0.4)


def test_no_mid_cycle_score_before_the_mid_point_is_reached():
    tables = one_kr([{"checked_at": pd.Timestamp("2026-01-20"), "value": 3.0}])
    early = movement_of(tables, as_of=date(2026, 2, 1)).key_results.iloc[0]
    assert pd.isna(early["mid_score"]) and early["score"] == pytest.approx(0.3)
    assert early["midpoint"] == MID  # the day is still shown
    later = movement_of(tables, as_of=date(2026, 2, 14)).key_results.iloc[0]
    assert later["mid_score"] == pytest.approx(0.3)


def test_small_company_objective_mid_score_uses_only_the_key_results_graded_by_then():
    t = small_company()
    moved = movement_since_midcycle(t["objectives"], t["key_results"], t["check_ins"], t["cycles"])
    objs = moved.objectives.set_index("objective_id")
    # Only k2 (check-ins 10 Jan: 22, 10 Feb: 28 → 0.8) was graded by 14 Feb.
    assert objs.loc["o-sales", "mid_score"] == pytest.approx(0.8)
    assert objs.loc["o-sales", "score"] == pytest.approx(0.7)
    assert objs.loc["o-sales", "delta"] == pytest.approx(-0.1)
    assert objs.loc["o-sales", "change"] == "down"
    assert objs.loc["o-ops", "change"] == "new"


def test_strict_link_takes_the_child_objectives_mid_cycle_score():
    tables = one_kr([{"checked_at": pd.Timestamp("2026-01-20"), "value": 5.0}])
    tables["key_results"] = pd.concat(
        [
            tables["key_results"],
            canonical("key_results", [{"kr_id": "parent-kr", "objective_id": "top",
                                      "title": "Linked"}]),
        ],
        ignore_index=True,
    )  # fmt: skip
    tables["objectives"] = pd.concat(
        [
            canonical("objectives", [{"objective_id": "top", "cycle_id": "c", "title": "Top"}]),
            tables["objectives"].assign(parent_kr_id="parent-kr"),
        ],
        ignore_index=True,
    )
    moved = movement_of(tables).key_results.set_index("kr_id")
    assert moved.loc["parent-kr", "mid_score"] == pytest.approx(0.5)


def test_check_ins_until_keeps_the_cutoff_day_and_drops_undated_cycles():
    t = small_company()
    cut = check_ins_until(
        t["check_ins"], t["key_results"], t["objectives"], pd.Series({"2026-Q1": MID})
    )
    assert list(cut["checked_at"]) == [pd.Timestamp("2026-01-10"), pd.Timestamp("2026-02-10")]
    none = check_ins_until(t["check_ins"], t["key_results"], t["objectives"], pd.Series())
    assert none.empty


@settings(max_examples=40, deadline=None)
@given(
    values=st.lists(
        st.tuples(st.integers(0, 89), st.floats(-5, 15, allow_nan=False)), min_size=0, max_size=8
    )
)
def test_movement_invariants(values):
    """Scores stay in [0, 1]; delta = now − mid; the mid score is the score of the check-ins
    up to the mid-point alone; the score now is the same as score_all's."""
    start = pd.Timestamp("2026-01-01")
    check_ins = [
        {"checked_at": start + pd.Timedelta(days=d, hours=i), "value": v}
        for i, (d, v) in enumerate(values)
    ]
    tables = one_kr(check_ins)
    kr = movement_of(tables).key_results.iloc[0]
    for col in ("mid_score", "score"):
        assert pd.isna(kr[col]) or 0.0 <= kr[col] <= 1.0
    assert kr["change"] in CHANGES
    if pd.notna(kr["mid_score"]) and pd.notna(kr["score"]):
        assert kr["delta"] == pytest.approx(kr["score"] - kr["mid_score"])
    early = [c for c in check_ins if c["checked_at"] < MID + pd.Timedelta(days=1)]
    expected = one_kr(early)
    mid_alone = score_all(
        expected["objectives"], expected["key_results"], expected["check_ins"], at_start=False
    )  # as it stood then: check-ins only
    assert np.allclose(
        mid_alone.key_results["score"].to_numpy(dtype=float),
        [kr["mid_score"]],
        equal_nan=True,
    )
    now = score_all(tables["objectives"], tables["key_results"], tables["check_ins"])
    assert np.allclose(
        now.key_results["score"].to_numpy(dtype=float), [kr["score"]], equal_nan=True
    )


def test_scores_at_a_cutoff_are_the_same_from_the_stores_keyed_check_ins(demo_store):
    """The Overview's same-point comparison scores the previous cycle from the check-ins the
    store keyed and sorted; the figures equal those from the plain check-in frame."""
    from metrics.progress.movement import cycle_midpoints, scores_at
    from pipelines.store.connection import open_store
    from pipelines.store.dataset import read_dataset

    with open_store(demo_store, read_only=True) as conn:
        data = read_dataset(conn)
    cutoffs = cycle_midpoints(data.cycles)
    keyed_check_ins = data.keyed_check_ins
    assert keyed_check_ins is not None  # the store keys them
    plain = scores_at(data.objectives, data.key_results, data.check_ins, cutoffs)
    keyed = scores_at(data.objectives, data.key_results, keyed_check_ins, cutoffs)
    pd.testing.assert_frame_equal(plain.key_results, keyed.key_results)
    pd.testing.assert_frame_equal(plain.objectives, keyed.objectives)
    counted = keyed.key_results["check_in_count"]
    everything = score_all(data.objectives, data.key_results, keyed_check_ins)
    assert 0 < counted.sum() < everything.key_results["check_in_count"].sum()
