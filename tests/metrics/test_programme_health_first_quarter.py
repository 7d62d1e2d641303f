"""Programme health of a company in its first quarter: no cycle has finished, so nothing has
landed yet, and with more than 127 teams pandas once failed joining the empty "landed" part
to the running one (found by Monday's benchmark at L4: the summary crashed)."""

from __future__ import annotations

import pytest

from metrics.programme.health import programme_health
from metrics.summary import build_summary
from pipelines.store.dataset import Dataset
from tests.support.frames import check_in, dataset, kr, objective

TEAM_COUNT = 130  # past the 127 categories a one-byte code holds


def first_quarter() -> Dataset:
    teams: list[dict[str, str]] = [{"team_id": "co", "name": "Co", "level": "company"},
             {"team_id": "d1", "name": "Dept One", "parent_team_id": "co",
              "level": "department"}]  # fmt: skip
    objectives: list[dict] = []
    krs: list[dict] = []
    check_ins: list[dict] = []
    for i in range(TEAM_COUNT):
        team = f"t{i}"
        teams.append({"team_id": team, "name": f"Team {i}", "parent_team_id": "d1",
                      "level": "team"})  # fmt: skip
        objectives.append(objective(f"o{i}", team_id=team, owner=f"Owner {i}"))
        krs.append(kr(f"k{i}", f"o{i}", start_value=0, target_value=100))
        # half-way through the quarter: 40 heads for the sweet spot, 5 does not
        check_ins.append(check_in(f"k{i}", "2026-02-10", 40 if i % 2 == 0 else 5))
    return dataset(objectives, krs, check_ins, teams=teams)


def test_a_first_quarter_of_many_teams_has_programme_health() -> None:
    from metrics.report import analyse

    data = first_quarter()
    report = analyse(data)
    health = programme_health(report)
    company = health[(health["level"] == "company")].iloc[0]
    assert company["cycle_id"] == "Q1"
    assert company["landing"] == pytest.approx(0.5)  # half the key results on track
    assert len(health[health["level"] == "team"]) == TEAM_COUNT
    summary = build_summary(data, report=report)
    assert summary["programme_health"]
