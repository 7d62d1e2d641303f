"""Targets for next quarter: recurring key results found by their blanked title, unit and
owner; a proposal that would have scored mid sweet spot on the owner's record; the backtest
that replays it on past cycles."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from metrics.coaching.targets import (
    backtest_summary,
    next_targets,
    normalised_title,
    recurring,
    target_backtest,
    team_ratios,
    with_units,
)
from tests.support.frames import Q1, Q2, dataset, kr, objective, report

Q3 = {"cycle_id": "Q3", "name": "Q3 2026", "start_date": date(2026, 7, 1),
      "end_date": date(2026, 9, 30)}  # fmt: skip
# Ann raises NPS by 10 points a quarter and gets 8 of them every time (a ratio of 0.8).
NPS = {"Q1": (30, 40, 38), "Q2": (38, 48, 46), "Q3": (46, 56, 54)}


def history():
    objectives, krs = [], []
    for cycle, (start, target, final) in NPS.items():
        objectives.append(objective(f"O{cycle}", cycle, team_id="t1", owner="Ann"))
        krs.append(kr(f"N{cycle}", f"O{cycle}", title=f"Raise NPS from {start} to {target}",
                      unit="pts", owner="Ann", start_value=start, target_value=target,
                      current_value=final))  # fmt: skip
    krs.append(kr("B1", "OQ1", title="Raise NPS from 10 to 20", unit="pts", owner="Bob",
                  start_value=10, target_value=20, current_value=15))  # fmt: skip
    krs.append(kr("L1", "OQ2", title="Launch the app", owner="Ann", kr_type="milestone",
                  current_value=1))  # fmt: skip
    cycles, as_of = (Q1, Q2, Q3), date(2026, 10, 15)
    return (report(objectives, krs, cycles=cycles, as_of=as_of),
            dataset(objectives, krs, cycles=cycles, as_of=as_of))  # fmt: skip


@pytest.fixture(scope="module")
def series():
    health, data = history()
    krs = with_units(health.key_results, data.key_results)
    return recurring(krs, health.calendar), team_ratios(krs, health.calendar)


def test_titles_match_once_their_numbers_are_blanked():
    titles = pd.Series(["Raise NPS from 33 to 41", "Raise  NPS from 37.5 to 45",
                        "Cut cost per lead from EUR 139 to EUR 91",
                        "Grow ARR to $2.4M"])  # fmt: skip
    assert normalised_title(titles).tolist() == [
        "raise nps from # to #", "raise nps from # to #", "cut cost per lead from eur # to eur #",
        "grow arr to #",
    ]  # fmt: skip


def test_a_metric_recurring_for_one_owner_is_one_series_with_its_match(series):
    found, _ = series
    assert found["kr_id"].tolist() == ["NQ1", "NQ2", "NQ3"]  # Bob's once, the milestone never
    assert set(found["match"]) == {"“raise nps from # to #”, unit pts, owner Ann"}
    assert found["ratio"].tolist() == pytest.approx([0.8, 0.8, 0.8])


def test_next_target_would_score_mid_sweet_spot_on_the_owners_record(series):
    found, teams = series
    proposal = next_targets(found, teams).iloc[0]
    assert proposal["basis"] == "own record" and proposal["cycles"] == 3
    assert proposal["ratios"] == "Q1 0.80, Q2 0.80, Q3 0.80"
    # From the last final (54), a step of 10 is expected to gain 8: 8 / 0.65 from 54.
    assert proposal["start"] == 54 and proposal["step"] == 10
    assert proposal["proposed"] == pytest.approx(54 + 8 / 0.65)
    assert (proposal["low"], proposal["high"]) == pytest.approx((54 + 8 / 0.7, 54 + 8 / 0.6))


def test_the_backtest_proposes_from_earlier_cycles_only(series):
    found, _ = series
    tested = target_backtest(found)
    assert tested["kr_id"].tolist() == ["NQ3"]  # the first with two cycles before it
    row = tested.iloc[0]
    assert row["typical_ratio"] == pytest.approx(0.8) and row["earlier"] == 2
    assert row["proposed"] == pytest.approx(46 + 8 / 0.65)
    assert row["proposed_score"] == pytest.approx(0.65) and row["proposed_band"] == "sweet"
    assert row["actual_score"] == pytest.approx(0.8) and row["actual_band"] == "high"
    summary = backtest_summary(tested).set_index("target")
    assert summary.loc["proposed", "sweet_share"] == 1.0
    assert summary.loc["set by people", "sweet_share"] == 0.0
