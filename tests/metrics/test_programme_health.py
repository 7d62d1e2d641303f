"""Programme health (metrics/programme/health.py): each part on a small company whose answer
is known by hand, the index as the mean of the parts it rests on, and a part left out."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from metrics.programme.discipline import discipline_by_cycle
from metrics.programme.health import health_index, programme_health, read_roster
from metrics.report import HealthReport, analyse
from tests.support.frames import Q1, Q2, check_in, dataset, kr, objective

# Q1 (finished on the as-of date): a company objective and three team objectives, two key
# results each, all at the same final value and confidence within an objective.
FINAL = {"c1": (65, 0.5), "o1": (100, 1.0), "o2": (30, 0.0), "o3": (50, 0.5)}
Q1_OBJECTIVES = [
    objective("c1", team_id="co", owner="Zed Zed"),
    objective("o1", team_id="t1", owner="Ann Ash", parent_objective_id="c1"),
    objective("o2", team_id="t1", owner="Ben Bay"),  # linked to nothing: an orphan
    objective("o3", team_id="t2", owner="Cy Cole", parent_objective_id="c1"),
]
Q2_OBJECTIVES = [objective("o4", "Q2", team_id="t1", owner="Ann Ash")]


def _krs(objective_id: str) -> list[dict]:
    return [
        kr(f"{objective_id}k{i}", objective_id, title=f"Grow {objective_id} metric {i}",
           start_value=0, target_value=100)
        for i in (1, 2)
    ]  # fmt: skip


def company() -> HealthReport:
    krs = [k for o in [*FINAL, "o4"] for k in _krs(o)]
    check_ins = [
        check_in(f"{o}k{i}", "2026-03-20", value, confidence=confidence)
        for o, (value, confidence) in FINAL.items()
        for i in (1, 2)
    ] + [check_in(f"o4k{i}", "2026-05-01", 40) for i in (1, 2)]
    data = dataset(
        [*Q1_OBJECTIVES, *Q2_OBJECTIVES], krs, check_ins, cycles=(Q1, Q2), as_of=date(2026, 5, 15)
    )
    return analyse(data)


@pytest.fixture(scope="module")
def report():
    return company()


def row(health: pd.DataFrame, cycle: str, level: str = "company", unit: str = "Company"):
    found = health[(health["cycle_id"] == cycle) & (health["level"] == level)
                   & (health["unit"] == unit)]  # fmt: skip
    assert len(found) == 1, health[["cycle_id", "level", "unit"]]
    return found.iloc[0]


def test_participation_counts_the_teams_and_people_seen_in_any_cycle(report):
    health = programme_health(report)
    assert row(health, "Q1")["participation"] == pytest.approx(1.0)  # 3 of 3 teams, 4 of 4
    # Q2: Team One only (1 of 3 teams), Ann only (1 of 4 people)
    assert row(health, "Q2")["participation"] == pytest.approx((1 / 3 + 1 / 4) / 2)
    assert row(health, "Q2", "team", "Team One")["participation"] == pytest.approx(
        (1 + 1 / 2) / 2  # the team has OKRs; Ann of Ann and Ben
    )


def test_a_roster_counts_people_and_teams_without_okrs(report):
    roster = read_roster(pd.DataFrame({" Person ": ["Dee Dunn", "Eve Eng", ""],
                                       "TEAM": ["Team Two", "Legal", ""]}))  # fmt: skip
    assert roster.to_dict("records") == [
        {"person": "Dee Dunn", "team": "Team Two"}, {"person": "Eve Eng", "team": "Legal"},
    ]  # fmt: skip
    health = programme_health(report, roster)
    # Q1: 3 of 4 teams (Legal has none), 4 of 6 people
    assert row(health, "Q1")["participation"] == pytest.approx((3 / 4 + 4 / 6) / 2)
    # Team Two in Q1: the team took part; Cy did, Dee did not
    assert row(health, "Q1", "team", "Team Two")["participation"] == pytest.approx((1 + 1 / 2) / 2)


def test_landing_alignment_and_calibration_of_a_finished_cycle(report):
    q1 = row(programme_health(report), "Q1")
    # key results at 0.65 (sweet spot), 1.0 (maxed), 0.3 and 0.5 (below): 4 of 8 landed
    assert q1["landing"] == pytest.approx(0.5)
    # o1 and o3 link to the company objective, o2 to nothing: 2 of 3 non-top aligned
    assert q1["alignment"] == pytest.approx(2 / 3)
    # Brier: (0.5−0)², (1−1)², (0−0)², (0.5−0)² → 0.125; skill 1 − 0.125 / 0.25
    assert q1["calibration"] == pytest.approx(0.5)
    assert q1["quality"] == pytest.approx(1.0)  # nothing the lint flags on an item
    discipline = discipline_by_cycle(report.team_weeks).set_index("cycle_id")["share"]
    assert q1["check_ins"] == pytest.approx(discipline["Q1"])  # the Coach page's share
    assert q1["parts"] == 6
    assert q1["index"] == pytest.approx(100 * q1[list(
        ["participation", "check_ins", "landing", "alignment", "quality", "calibration"]
    )].mean())  # fmt: skip


def test_a_running_cycle_rests_on_the_parts_it_has(report):
    q2 = row(programme_health(report), "Q2")
    assert pd.isna(q2["calibration"])  # nobody knows yet whether the confidence was right
    assert "calibration" not in q2["rests_on"] and q2["parts"] == 5
    # 0.40 half-way through a quarter heads for the sweet spot: both key results on track
    assert q2["landing"] == pytest.approx(1.0)


def test_lint_findings_lower_quality():
    krs = [*_krs("o1"), kr("o1k3", "o1", title="Run 4 workshops", target_value=4)]
    data = dataset([objective("o1", team_id="t1", owner="Ann Ash")], krs,
                   [check_in("o1k1", "2026-03-20", 50)], as_of=date(2026, 3, 31))  # fmt: skip
    report = analyse(data)
    flagged = set(report.lint.loc[report.lint["kind"] != "owner", "id"])
    assert flagged == {"o1k3"}  # an activity, not an outcome
    assert row(programme_health(report), "Q1")["quality"] == pytest.approx(3 / 4)


def test_the_index_is_renormalised_over_the_parts_it_has():
    parts = pd.DataFrame(
        {"participation": [1.0, None], "check_ins": [0.5, None], "landing": [None, None],
         "alignment": [0.9, None], "quality": [0.6, None], "calibration": [None, None]}
    )  # fmt: skip
    out = health_index(parts)
    assert out["index"].iloc[0] == pytest.approx(75.0)  # (1 + 0.5 + 0.9 + 0.6) / 4
    assert out["parts"].tolist() == [4, 0]
    assert out["rests_on"].iloc[0] == (
        "participation, check-in discipline, alignment coverage, quality"
    )
    assert pd.isna(out["index"].iloc[1])  # nothing to rest on: no index


def test_read_roster_names_a_missing_column():
    with pytest.raises(ValueError, match="person and team"):
        read_roster(pd.DataFrame({"name": ["Ann"]}))
