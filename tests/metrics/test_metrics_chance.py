"""The chance of landing: a running unit's heading against the errors the mid-cycle forecast
made on finished cycles; its calibration; and owners' own projections against the finals."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from metrics.progress.chance import (
    MIN_ERRORS,
    chance_at_least,
    objective_backtest,
    projection_bias,
    reliability,
    unit_chances,
)
from metrics.scores.bands import score_bands
from tests.support.frames import Q1, Q2, check_in, kr, objective, report

INC = {"start_value": 0.0, "target_value": 100.0}


def test_the_chance_is_the_share_of_measured_errors_that_still_land():
    errors = np.array([0.0] * 20 + [0.2] * 5)  # forecast − final: 5 of 25 promised 0.2 too much
    heading = pd.Series([0.65, 0.85, 0.55, None], dtype="float64")
    got = chance_at_least(heading, errors, 0.6)
    assert got.iloc[:3].tolist() == [0.8, 1.0, 0.0]
    assert np.isnan(got.iloc[3])  # no heading, no chance
    assert chance_at_least(heading, errors[: MIN_ERRORS - 1], 0.6).isna().all()  # too few


def quarter_with_history(projections: dict[str, float] | None = None):
    """Q1 finished: 25 key results checked in at 0.5 at mid-cycle; 20 ended at 0.5, five at
    0.3 (the forecast promised 0.2 too much). Q2 running on 15 May: one objective heading
    high, one heading low."""
    objectives, krs, ins = [], [], []
    for i in range(25):
        final = 50 if i < 20 else 30
        owner = "Ann" if i % 2 else "Bob"
        objectives.append(objective(f"P{i}", "Q1", team_id="t1", owner=owner))
        projected = (projections or {}).get(owner)
        krs.append(kr(f"P{i}k", f"P{i}", current_value=final, projected_score=projected,
                      owner=owner, **INC))  # fmt: skip
        ins += [check_in(f"P{i}k", "2026-02-01", 50), check_in(f"P{i}k", "2026-03-30", final)]
    objectives += [objective("HIGH", "Q2", team_id="t1"), objective("LOW", "Q2", team_id="t2")]
    krs += [kr("Hk", "HIGH", current_value=35, **INC), kr("Lk", "LOW", current_value=10, **INC)]
    ins += [check_in("Hk", "2026-05-10", 35), check_in("Lk", "2026-05-10", 10)]
    return report(objectives, krs, ins, cycles=(Q1, Q2), as_of=date(2026, 5, 15))


@pytest.fixture(scope="module")
def history():
    return quarter_with_history({"Ann": 0.9, "Bob": 0.45})


def test_running_objectives_carry_their_chance_beside_their_heading(history):
    running = history.objectives.set_index("objective_id").loc[["HIGH", "LOW"]]
    assert running.loc["HIGH", "heading"] == pytest.approx(0.35 / (44 / 90), abs=0.02)
    assert running.loc["LOW", "heading"] < 0.4
    # HIGH heads for ~0.72: only the five cases that lost 0.2 would end below 0.6.
    assert running.loc["HIGH", ["chance", "chance_low"]].tolist() == [0.8, 1.0]
    assert running.loc["LOW", ["chance", "chance_low"]].tolist() == [0.0, 0.0]
    kr_chance = history.key_results.set_index("kr_id").loc["Hk", "chance"]
    assert kr_chance == 0.8


def test_finished_cycles_carry_no_chance(history):
    finished = history.objectives[history.objectives["cycle_id"] == "Q1"]
    assert finished["chance"].isna().all() and finished["chance_low"].isna().all()


def test_the_objective_backtest_pairs_mid_cycle_forecasts_with_finals(history):
    per = objective_backtest(history.forecast_backtest, history.key_results)
    assert len(per) == 25
    assert sorted(per["error"].round(2).tolist()) == [0.0] * 20 + [0.2] * 5


def test_reliability_bins_the_chance_against_what_landed():
    # Two finished cycles, each forecast 0.7 for every unit; 3 in 4 ended in the sweet spot.
    rows = [(c, 0.7, 0.65 if i % 4 else 0.3) for c in ("Q1", "Q2") for i in range(40)]
    frame = pd.DataFrame(rows, columns=["cycle_id", "forecast", "final"])
    table = reliability(frame, score_bands().sweet_low).set_index("bin")
    assert table.loc["60%–80%", "units"] == 80
    assert table.loc["60%–80%", "predicted"] == pytest.approx(0.75)
    assert table.loc["60%–80%", "landed"] == pytest.approx(0.75)
    assert table["units"].sum() == 80


def test_owners_projections_are_compared_with_their_finals(history):
    bias = projection_bias(history.key_results, "owner").set_index("owner")
    # Ann projected 0.9 for key results that ended at 0.5 or 0.3; Bob 0.45, about their mean.
    assert bias.loc["Ann", "leaning"] == "projects high"
    assert bias.loc["Bob", "leaning"] == "about right"
    ann_finals = [0.5] * 10 + [0.3] * 2  # odd i < 20, then 21 and 23
    assert bias.loc["Ann", "bias"] == pytest.approx(0.9 - np.mean(ann_finals))
    assert bias.loc["Ann", "key_results"] == 12
    assert list(bias.index) == ["Ann", "Bob"]  # the highest projector first


def test_no_projection_no_row():
    plain = quarter_with_history()
    assert projection_bias(plain.key_results, "owner").empty


def test_a_units_chance_reads_the_errors_of_units_like_it():
    # 25 finished teams of one objective each: 20 forecast right, 5 promised 0.2 too much.
    finished = [(f"F{i}", "Q1", f"t{i}", None, None) for i in range(25)]
    running = [("A1", "Q2", "A", "on track", 0.70), ("A2", "Q2", "A", "on track", 0.74)]
    objectives = pd.DataFrame(finished + running,
                              columns=["objective_id", "cycle_id", "team_id", "status",
                                       "heading"])  # fmt: skip
    kr_scores = pd.DataFrame({"kr_id": [f"k{i}" for i in range(25)],
                              "objective_id": [f"F{i}" for i in range(25)],
                              "cycle_id": "Q1", "weight": 1.0})  # fmt: skip
    backtest = pd.DataFrame({"kr_id": kr_scores["kr_id"], "forecast": 0.5,
                             "final": [0.5] * 20 + [0.3] * 5})  # fmt: skip
    got = unit_chances(objectives, backtest, kr_scores, ["team_id"]).set_index("team_id")
    assert list(got.index) == ["A"]  # only running units
    assert got.loc["A", "heading"] == pytest.approx(0.72)
    assert got.loc["A", ["chance", "chance_low"]].tolist() == [0.8, 1.0]
    fewer = unit_chances(objectives, backtest.iloc[:10], kr_scores, ["team_id"])
    assert fewer["chance"].isna().all()  # ten units measured: too few for a chance
