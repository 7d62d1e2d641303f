"""Trends (docs/metrics.md, "Trends"): the headline metrics cycle by cycle, for the company or per
department."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from metrics.coaching.calibration import confidence_calibration
from metrics.coaching.patterns import goal_setting_patterns
from metrics.config import DEFAULT_CONFIG, HealthConfig
from metrics.conformed_frames import first_match
from metrics.programme.discipline import discipline_by_cycle
from metrics.scores.bands import BANDS
from metrics.scores.distribution import score_distribution

TREND_COLUMNS = [
    "kr_mean",
    "objective_mean",
    "sweet_spot_share",
    *[f"{b}_share" for b in BANDS],
    "ungraded_krs",
    "aligned_share",
    "orphans",
    "broken_links",
    "check_in_share",
    "sandbagging_owners",
    "over_ambitious_owners",
    "lint_findings",
    "brier",
]


def metric_trends(
    *,
    calendar: pd.DataFrame,
    kr_units: pd.DataFrame,
    objective_units: pd.DataFrame,
    links: pd.DataFrame,
    team_weeks: pd.DataFrame,
    evidence: pd.DataFrame,
    findings: pd.DataFrame,
    outcomes: pd.DataFrame,
    by: list[str] | None = None,
    config: HealthConfig = DEFAULT_CONFIG,
) -> pd.DataFrame:
    """One row per cycle (and `by` group, e.g. ['department_id', 'department']), in calendar
    order, with every headline metric of that cycle:

    kr_mean, objective_mean, sweet_spot_share, low/mid/sweet/high/maxed_share (of graded key
    results), ungraded_krs, aligned_share, orphans, broken_links, check_in_share (checked
    key-result-weeks of complete weeks), sandbagging_owners and over_ambitious_owners (owners
    flagged on that cycle's key results alone; empty for cycles not judged), lint_findings,
    brier (confidence calibration; empty before a cycle finishes).

    `objective_units`, `links` and `findings` need `team_id`; when grouping by department
    the department columns are looked up from `objective_units`. Rows outside every group
    (the company's own objectives, when grouping by department) are left out.
    """
    extra = list(by or [])
    keys = ["cycle_id", *extra]

    team_units = objective_units.drop_duplicates("team_id")  # a team's units, once

    def with_units(frame: pd.DataFrame) -> pd.DataFrame:
        missing = [c for c in extra if c not in frame.columns]
        if not missing:
            return frame
        teams = team_units["team_id"]
        return frame.assign(
            **{c: first_match(frame["team_id"], teams, team_units[c]) for c in missing}
        )

    krs = score_distribution(kr_units, keys).set_index(keys)
    out = krs[["mean", "sweet_spot_share", *[f"{b}_share" for b in BANDS], "ungraded"]]
    out = out.rename(columns={"mean": "kr_mean", "ungraded": "ungraded_krs"})
    objs = score_distribution(objective_units, keys).set_index(keys)["mean"]
    out = out.join(objs.rename("objective_mean"), how="outer")

    linked = with_units(links)
    non_top = linked.loc[~linked["is_top"], keys].assign(
        aligned_share=linked["status"].eq("aligned"), orphans=linked["status"].eq("orphan")
    )
    alignment = non_top.groupby(keys, dropna=False).agg(
        aligned_share=("aligned_share", "mean"), orphans=("orphans", "sum")
    )
    broken = linked.groupby(keys, dropna=False)["broken"].sum().rename("broken_links")
    out = out.join(alignment, how="left").join(broken, how="left")

    discipline = discipline_by_cycle(team_weeks, extra).set_index(keys)["share"]
    out = out.join(discipline.rename("check_in_share"), how="left")

    judged = evidence["cycle_id"].unique()
    # Counted cycle by cycle: a cycle's own evidence, not the pattern across cycles a flag needs.
    per_cycle = replace(config, min_cycles=1)
    patterns = goal_setting_patterns(with_units(evidence), [*keys, "owner"], per_cycle, words=False)
    for pattern, column in (
        ("sandbagging", "sandbagging_owners"),
        ("over-ambitious", "over_ambitious_owners"),
    ):
        counts = patterns[patterns["pattern"] == pattern].groupby(keys).size()
        out[column] = counts.reindex(out.index).fillna(0).astype("int64")
        in_judged = out.index.get_level_values("cycle_id").isin(judged)
        out[column] = out[column].astype("Int64").where(in_judged)

    lint = with_units(findings).groupby(keys, dropna=False).size().rename("lint_findings")
    out = out.join(lint, how="left")
    out["lint_findings"] = out["lint_findings"].fillna(0).astype("int64")

    brier = confidence_calibration(with_units(outcomes), keys).set_index(keys)["brier"]
    out = out.join(brier, how="left")

    out = out.reset_index()
    if extra:  # objectives outside any group (e.g. the company's own) belong to no row
        out = out.dropna(subset=extra, how="all")
    order = calendar.set_index("cycle_id")
    out.insert(1, "cycle", out["cycle_id"].map(order["name"]))
    out["_order"] = out["cycle_id"].map(order["order"])
    out = out.sort_values(["_order", *extra], kind="stable").drop(columns="_order")
    for column in ("orphans", "broken_links"):
        out[column] = out[column].astype("Int64")
    return out[["cycle_id", "cycle", *extra, *TREND_COLUMNS]].reset_index(drop=True)
