"""The report follows the import (docs/performance.md, "The report follows the import").

The demo company is exported as canonical CSV files and imported with the product's own
ingest, then a month of Mondays: each week new check-ins for a tenth of the running
quarter's key results, a target eased, a key result archived, an objective added and one
strictly linked, an objective dropped, a team renamed. After each import the report the
cache gives (updated from the week before's entry) must equal a report computed whole
from the same store, frame by frame; so must the statuses of the store just before the
import, which "Since the last import" compares with.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from demo_company.generate import generate_demo
from metrics.report import analyse
from pipelines.ingest import ingest_paths
from pipelines.store.connection import open_store
from pipelines.store.dataset import read_dataset
from reporting.cache import load_or_compute
from reporting.digest import frame_digest, report_digest
from reporting.incremental import INCREMENTAL_VAR
from reporting.versions import load_before_latest, verdict_before_latest

FILES = {"cycles": "Cycles", "teams": "Teams", "objectives": "Objectives",
         "key_results": "KeyResults", "check_ins": "CheckIns"}  # fmt: skip


@dataclass
class Week:
    """One Monday's export: the tables, and the as-of date it is imported at."""

    tables: dict[str, pd.DataFrame]
    as_of: date


def export(week: Week, folder: Path) -> Path:
    folder.mkdir(parents=True)
    for name, stem in FILES.items():
        week.tables[name].to_csv(folder / f"{stem}.csv", index=False)
    return folder


def running_key_results(week: Week) -> pd.DataFrame:
    objectives, krs = week.tables["objectives"], week.tables["key_results"]
    running = objectives.loc[objectives["cycle_id"] == "2026-Q4", "objective_id"]
    return krs[krs["objective_id"].isin(running)]


def with_check_ins(week: Week, share: float, seed: int) -> Week:
    """A week later, one new check-in for `share` of the running quarter's key results."""
    day = week.as_of + timedelta(days=7)
    krs = running_key_results(week)
    moved = krs[np.random.default_rng(seed).random(len(krs)) < share]
    new = pd.DataFrame(
        {
            "kr_id": moved["kr_id"],
            "checked_at": f"{day.isoformat()}T09:00:00",
            "value": moved["current_value"].fillna(0) + 1,
            "confidence": 0.6,
        }
    )
    tables = dict(week.tables)
    tables["check_ins"] = pd.concat([week.tables["check_ins"], new], ignore_index=True)
    return Week(tables, day)


def edit(
    week: Week, table: str, where: pd.Series[bool] | np.ndarray, **values: float | bool | str
) -> None:
    frame = week.tables[table].copy()
    for column, value in values.items():
        frame.loc[np.asarray(where, dtype=bool), column] = value
    week.tables[table] = frame


def measured(db: Path) -> tuple[str, dict[str, str], dict[str, str]]:
    """The cache's report (its source) and a report computed whole, as digests."""
    found = load_or_compute(db, write=True)
    assert found.report is not None
    with open_store(db, read_only=True) as conn:
        whole = analyse(read_dataset(conn))
    return found.source, report_digest(found.report), report_digest(whole)


def before_differs(db: Path) -> list[str]:
    """Where the statuses before the latest import, as "Since the last import" reads them
    (updated back from the current entry), differ from the report of that state computed
    whole."""
    whole = load_before_latest(db)
    slim = verdict_before_latest(db)
    if whole is None or whole.report is None:
        return [] if slim is None else ["before: found where there is nothing"]
    assert slim is not None
    pairs = {"before: key_results": (slim.key_results, whole.report.key_results),
             "before: objectives": (slim.objectives, whole.report.objectives),
             "before: stale": (slim.stale, whole.report.stale)}  # fmt: skip
    out = []
    for name, (a, b) in pairs.items():
        columns = [c for c in a.columns if c in b.columns]
        if frame_digest(a[columns]) != frame_digest(b[columns]):
            out.append(name)
    return out


def differing(a: dict[str, str], b: dict[str, str]) -> list[str]:
    return sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k))


@pytest.fixture(scope="module")
def weeks(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, str, list[str]]]:
    """Each Monday's import into one store: (what changed, the cache's source, the frames
    where the cached report differs from a whole computation)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(INCREMENTAL_VAR, "1")  # updates are off by default (measured slower)
        return mondays(tmp_path_factory.mktemp("weekly"))


def mondays(folder: Path) -> list[tuple[str, str, list[str]]]:
    """The month of Mondays, imported into one store in `folder`."""
    db = folder / "okr.duckdb"
    company = generate_demo()
    week = Week({k: v.copy() for k, v in company.tables.items()}, company.as_of)
    out: list[tuple[str, str, list[str]]] = []

    def monday(label: str) -> None:
        report = ingest_paths([export(week, folder / label)], db, as_of=week.as_of)
        assert report.ok, report.problems[:3]
        source, cached, whole = measured(db)
        out.append((label, source, differing(cached, whole) + before_differs(db)))

    monday("first import")
    week = with_check_ins(week, 0.1, seed=1)
    monday("check-ins")
    week = with_check_ins(week, 0.1, seed=2)
    krs = running_key_results(week)
    eased = week.tables["key_results"]["kr_id"] == krs["kr_id"].iloc[0]
    edit(week, "key_results", eased, target_value=krs["target_value"].iloc[0] / 2)
    edit(week, "key_results", week.tables["key_results"]["kr_id"] == krs["kr_id"].iloc[5],
         archived=True)  # fmt: skip
    objectives = week.tables["objectives"]
    parent_kr = str(krs["kr_id"].iloc[10])
    added = pd.DataFrame({"objective_id": ["2026-Q4-new-o1"], "cycle_id": ["2026-Q4"],
                          "title": ["Open the Lisbon office"],
                          "team_id": [objectives["team_id"].iloc[-1]], "owner": ["Ana Reis"],
                          "parent_kr_id": [parent_kr], "weight": [1.0]})  # fmt: skip
    new_krs = pd.DataFrame({"kr_id": ["2026-Q4-new-o1-kr1", "2026-Q4-new-o1-kr2"],
                            "objective_id": "2026-Q4-new-o1",
                            "title": ["Sign 3 local partners", "Hire 12 engineers in Lisbon"],
                            "kr_type": "increase", "start_value": 0.0,
                            "target_value": [3.0, 12.0], "current_value": [2.0, 4.0],
                            "weight": 1.0})  # fmt: skip
    week.tables["objectives"] = pd.concat([objectives, added], ignore_index=True)
    week.tables["key_results"] = pd.concat([week.tables["key_results"], new_krs],
                                           ignore_index=True)  # fmt: skip
    monday("target eased, key result archived, objective added and strictly linked")
    week = with_check_ins(week, 0.1, seed=3)
    dropped = str(running_key_results(week)["objective_id"].iloc[-1])
    gone = week.tables["key_results"].loc[
        week.tables["key_results"]["objective_id"] == dropped, "kr_id"
    ]
    week.tables["objectives"] = objectives_without(week.tables["objectives"], dropped)
    week.tables["key_results"] = week.tables["key_results"][
        week.tables["key_results"]["objective_id"] != dropped
    ]
    week.tables["check_ins"] = week.tables["check_ins"][
        ~week.tables["check_ins"]["kr_id"].isin(gone)
    ]
    monday("objective dropped")
    week = with_check_ins(week, 0.1, seed=4)
    teams = week.tables["teams"]
    edit(week, "teams", teams.index == teams.index[-1], name="Platform & Tools")
    monday("team renamed")
    return out


def objectives_without(objectives: pd.DataFrame, objective_id: str) -> pd.DataFrame:
    return objectives[objectives["objective_id"] != objective_id]


def test_every_weekly_report_equals_a_whole_computation(
    weeks: list[tuple[str, str, list[str]]],
) -> None:
    assert [(label, frames) for label, _, frames in weeks] == [(label, []) for label, _, _ in weeks]


def test_weekly_imports_update_the_report_and_a_team_change_computes_it_whole(
    weeks: list[tuple[str, str, list[str]]],
) -> None:
    assert [(label, source) for label, source, _ in weeks] == [
        ("first import", "computed"),
        ("check-ins", "updated"),
        ("target eased, key result archived, objective added and strictly linked", "updated"),
        ("objective dropped", "updated"),
        ("team renamed", "computed"),  # teams move every unit: no update follows it
    ]
