"""What the generator returns: the company (`DemoCompany`) and the ground truth the metrics
should find in it (`DemoTruth`), read back from the finished tables where possible.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from demo_company.bank import ACTIVITY, BAS
from demo_company.objectives import Objectives
from demo_company.shape import Special
from demo_company.weekly_checkins import STALE_DAYS


@dataclass(frozen=True)
class DemoTruth:
    """What the metrics are expected to find in the generated company."""

    sandbagging_teams: frozenset[str]
    over_ambitious_teams: frozenset[str]
    sandbagging_owners: frozenset[str]
    over_ambitious_owners: frozenset[str]
    broken_link_objective_ids: frozenset[str]
    orphan_objective_ids: frozenset[str]
    unsupported_top_objective_ids: frozenset[str]
    stale_kr_ids: frozenset[str]
    activity_kr_ids: frozenset[str]
    strict_link_kr_ids: frozenset[str]
    ungraded_kr_ids: frozenset[str]
    # Extras for the lint, calibration and grading tests.
    overconfident_team: str | None = None
    zone_grading_team: str | None = None
    missing_start_kr_ids: frozenset[str] = frozenset()
    single_kr_objective_ids: frozenset[str] = frozenset()
    busy_owners: frozenset[str] = frozenset()  # owners of 6+ objectives in the running cycle
    unrecorded_baseline_kr_ids: frozenset[str] = frozenset()  # check-ins, never a value
    manual_score_kr_ids: frozenset[str] = frozenset()


@dataclass(frozen=True, eq=False)
class DemoCompany:
    """The canonical tables (keyed by schema table name), the reference date and the truth."""

    tables: dict[str, pd.DataFrame]
    as_of: date
    truth: DemoTruth


def read_truth(
    tables: dict[str, pd.DataFrame],
    kr: pd.DataFrame,
    special: Special,
    obj: Objectives,
    single: list[int],
    broken: str,
    as_of: date,
) -> DemoTruth:
    """The ground truth, read back from the finished tables where possible."""
    objectives, key_results = tables["objectives"], tables["key_results"]
    team_of_obj = objectives.set_index("objective_id")["team_id"]
    kr_team = key_results["objective_id"].map(team_of_obj)

    def owners(teams: list[str]) -> frozenset[str]:
        return frozenset(key_results.loc[kr_team.isin(teams), "owner"])

    non_top = objectives["level"] != "company"
    orphans = objectives.loc[
        non_top & objectives["parent_objective_id"].isna() & objectives["parent_kr_id"].isna(),
        "objective_id",
    ]
    linked_objs = set(objectives["parent_objective_id"].dropna())
    linked_krs = set(objectives["parent_kr_id"].dropna())
    objs_with_linked_kr = set(
        key_results.loc[key_results["kr_id"].isin(linked_krs), "objective_id"]
    )
    top = objectives.loc[objectives["level"] == "company", "objective_id"]
    unsupported = [o for o in top if o not in linked_objs and o not in objs_with_linked_kr]

    running_cycle = tables["cycles"]["cycle_id"].iloc[-1]
    running_objs = objectives.loc[objectives["cycle_id"] == running_cycle]
    per_owner = running_objs.groupby("owner").size()
    cutoff = pd.Timestamp(as_of) - pd.Timedelta(days=STALE_DAYS)
    stale = kr.loc[kr["stale"] & (kr["last_check_in"] < cutoff), "kr_id"]
    unrecorded = kr.loc[
        (kr["kind"] == BAS) & ~kr["zone"] & ~kr["strict"] & kr["current_value"].isna(), "kr_id"
    ]

    return DemoTruth(
        sandbagging_teams=frozenset(special["sandbag"]),
        over_ambitious_teams=frozenset(special["ambitious"]),
        sandbagging_owners=owners(special["sandbag"]),
        over_ambitious_owners=owners(special["ambitious"]),
        broken_link_objective_ids=frozenset([broken]),
        orphan_objective_ids=frozenset(orphans),
        unsupported_top_objective_ids=frozenset(unsupported),
        stale_kr_ids=frozenset(stale),
        activity_kr_ids=frozenset(kr.loc[kr["kind"] == ACTIVITY, "kr_id"]),
        strict_link_kr_ids=frozenset(linked_krs),
        ungraded_kr_ids=frozenset(kr.loc[kr["ungraded"], "kr_id"]),
        overconfident_team=special["overconfident"],
        zone_grading_team=special["zone"],
        missing_start_kr_ids=frozenset(kr.loc[kr["missing_start"], "kr_id"]),
        single_kr_objective_ids=frozenset(obj.rows["objective_id"][i] for i in single),
        busy_owners=frozenset(per_owner[per_owner >= 6].index),
        unrecorded_baseline_kr_ids=frozenset(unrecorded),
        manual_score_kr_ids=frozenset(
            key_results.loc[key_results["manual_score"].notna(), "kr_id"]
        ),
    )
