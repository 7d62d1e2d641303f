"""Check-in discipline (SPEC §6): are key results updated every week, and which went quiet?

Definitions:

- a **week** runs Monday to Sunday; a cycle's weeks are those overlapping its span that have
  begun by the as-of date. A week is **complete** once its last day inside the cycle has
  passed (every week of a finished cycle is complete).
- a key result is **active** in each week of its cycle, unless it is strictly linked with no
  data of its own (its progress is checked in on the child objective's key results). An
  ungraded key result *is* active: never checking in is exactly what this measures.
- a key result is **stale** when its cycle is running and its last check-in is more than
  `stale_days` before the as-of date, or it has never been checked in and the cycle began
  more than `stale_days` ago.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from metrics.calendar import as_timestamp
from metrics.config import DEFAULT_CONFIG, HealthConfig
from metrics.tables import lookup

WEEKLY_COLUMNS = [
    "kr_id",
    "cycle_id",
    "objective_id",
    "owner",
    "team_id",
    "team",
    "department_id",
    "department",
    "week_start",
    "complete",
    "checked",
]


def _monday(moments: pd.Series) -> pd.Series:
    day = pd.to_datetime(moments).dt.normalize()
    return day - pd.to_timedelta(day.dt.day_of_week, unit="D")


def cycle_weeks(calendar: pd.DataFrame, as_of: date | pd.Timestamp) -> pd.DataFrame:
    """Every (cycle, week) that has begun by `as_of`: cycle_id, week_start, complete."""
    today = as_timestamp(as_of)
    dated = calendar[calendar["start"].notna() & calendar["end"].notna()]
    first = _monday(dated["start"])
    last = _monday(dated["end"].where(dated["end"] < today, today))
    n = ((last - first).dt.days // 7 + 1).clip(lower=0).astype("int64")
    rows = dated.loc[dated.index.repeat(n), ["cycle_id", "end"]]
    offset = rows.groupby(level=0).cumcount().to_numpy()
    week = first.loc[rows.index].to_numpy() + pd.to_timedelta(offset * 7, unit="D")
    out = pd.DataFrame({"cycle_id": rows["cycle_id"].to_numpy(), "week_start": week})
    last_day = np.minimum(out["week_start"] + pd.Timedelta(days=6), rows["end"].to_numpy())
    out["complete"] = last_day < today
    return out


def weekly_check_ins(
    kr_units: pd.DataFrame,
    calendar: pd.DataFrame,
    check_ins: pd.DataFrame,
    as_of: date | pd.Timestamp,
) -> pd.DataFrame:
    """One row per active key result and week of its cycle: was it checked in that week?

    Columns: kr_id, cycle_id, objective_id, owner, team_id, team, department_id, department,
    week_start, complete, checked.
    """
    active = kr_units.loc[~kr_units["strict_linked"], WEEKLY_COLUMNS[:8]]
    rows = active.merge(cycle_weeks(calendar, as_of), on="cycle_id")
    seen = pd.DataFrame(
        {"kr_id": check_ins["kr_id"], "week_start": _monday(check_ins["checked_at"])}
    )
    seen = seen.drop_duplicates().assign(checked=True)
    rows["week_start"] = rows["week_start"].astype(seen["week_start"].dtype)
    rows = rows.merge(seen, on=["kr_id", "week_start"], how="left")
    rows["checked"] = rows["checked"].astype("boolean").fillna(False).astype(bool)
    return rows[WEEKLY_COLUMNS]


def check_in_discipline(
    weekly: pd.DataFrame, by: list[str] | None = None, complete_only: bool = False
) -> pd.DataFrame:
    """Share of active key results checked in, per week (and per `by`, e.g. ['team_id']).

    Columns: cycle_id, week_start, the `by` columns, active_krs, checked_krs, share.
    """
    rows = weekly[weekly["complete"]] if complete_only else weekly
    keys = ["cycle_id", "week_start", *(by or [])]
    out = rows.groupby(keys, sort=True, dropna=False).agg(
        active_krs=("kr_id", "count"), checked_krs=("checked", "sum")
    )
    out["checked_krs"] = out["checked_krs"].astype("int64")
    out["share"] = out["checked_krs"] / out["active_krs"]
    return out.reset_index()


def discipline_by_cycle(weekly: pd.DataFrame, by: list[str] | None = None) -> pd.DataFrame:
    """Check-in discipline of each cycle (and `by` group) over its complete weeks: checked
    key-result-weeks / active key-result-weeks.

    Columns: cycle_id, the `by` columns, weeks, key_results, share.
    """
    rows = weekly[weekly["complete"]]
    keys = ["cycle_id", *(by or [])]
    out = rows.groupby(keys, sort=True, dropna=False).agg(
        weeks=("week_start", "nunique"),
        key_results=("kr_id", "nunique"),
        share=("checked", "mean"),
    )
    return out.reset_index()


def stale_key_results(
    kr_units: pd.DataFrame,
    calendar: pd.DataFrame,
    as_of: date | pd.Timestamp,
    config: HealthConfig = DEFAULT_CONFIG,
) -> pd.DataFrame:
    """Key results of a running cycle with no check-in for more than `stale_days`.

    Columns: kr_id, objective_id, cycle_id, title, owner, team_id, team, department,
    last_check_in_at, days_silent (since the last check-in, or since the cycle began when
    there was none), reason.
    """
    today = as_timestamp(as_of)
    cal = calendar.set_index("cycle_id")
    running = kr_units["cycle_id"].map(cal["state"]).eq("running") & ~kr_units["strict_linked"]
    krs = kr_units[running]
    last = pd.to_datetime(krs["last_check_in_at"]).dt.normalize()
    since = last.fillna(lookup(krs["cycle_id"], cal["start"]))
    silent = (today - since).dt.days
    stale = krs[silent > config.stale_days].copy()
    stale["days_silent"] = silent[stale.index].astype("int64")
    never = stale["last_check_in_at"].isna()
    stale["reason"] = np.where(
        never,
        "never checked in; the cycle began " + stale["days_silent"].astype(str) + " days ago",
        "last checked in " + stale["days_silent"].astype(str) + " days ago",
    )
    cols = ["kr_id", "objective_id", "cycle_id", "title", "owner", "team_id", "team"]
    cols += ["department", "last_check_in_at", "days_silent", "reason"]
    return stale[cols].sort_values("days_silent", ascending=False).reset_index(drop=True)
