"""Builders shared by the metric tests: a tiny store from a few dicts (no tests here)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import pandas as pd

from metrics.config import HealthConfig
from metrics.report import HealthReport, analyse
from pipelines.store.dataset import Dataset
from tests.support.stores import canonical

Q1 = {"cycle_id": "Q1", "name": "Q1 2026", "start_date": date(2026, 1, 1),
      "end_date": date(2026, 3, 31)}  # fmt: skip
Q2 = {"cycle_id": "Q2", "name": "Q2 2026", "start_date": date(2026, 4, 1),
      "end_date": date(2026, 6, 30)}  # fmt: skip
TEAMS = [
    {"team_id": "co", "name": "Co", "level": "company"},
    {"team_id": "d1", "name": "Dept One", "parent_team_id": "co", "level": "department"},
    {"team_id": "t1", "name": "Team One", "parent_team_id": "d1", "level": "team"},
    {"team_id": "t2", "name": "Team Two", "parent_team_id": "d1", "level": "team"},
]


def at(day: str, hour: int = 10) -> pd.Timestamp:
    return pd.Timestamp(day) + pd.Timedelta(hours=hour)


def objective(objective_id: str, cycle_id: str = "Q1", **values) -> dict:
    return {"objective_id": objective_id, "cycle_id": cycle_id, "title": objective_id} | values


def kr(kr_id: str, objective_id: str, **values) -> dict:
    return {"kr_id": kr_id, "objective_id": objective_id, "title": kr_id} | values


def check_in(kr_id: str, day: str, value: float | None = None, hour: int = 10, **values) -> dict:
    return {"kr_id": kr_id, "checked_at": at(day, hour), "value": value} | values


def dataset(
    objectives: list[dict],
    key_results: list[dict],
    check_ins: Sequence[dict] = (),
    cycles: Sequence[dict] = (Q1,),
    teams: Sequence[dict] = TEAMS,
    as_of: date = date(2026, 2, 15),
) -> Dataset:
    ci = canonical("check_ins", list(check_ins))
    ci["checked_at"] = pd.to_datetime(ci["checked_at"])
    return Dataset(
        cycles=canonical("cycles", list(cycles)),
        teams=canonical("teams", list(teams)),
        objectives=canonical("objectives", objectives),
        key_results=canonical("key_results", key_results),
        check_ins=ci,
        as_of=as_of,
    )


def report(*args, config: HealthConfig | None = None, **kwargs) -> HealthReport:
    return analyse(dataset(*args, **kwargs), config or HealthConfig())
