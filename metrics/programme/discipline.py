"""Check-in discipline (docs/metrics.md, "Check-ins"): are key results updated every week, and
which went quiet?

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

from metrics.config import DEFAULT_CONFIG, HealthConfig
from metrics.conformed_frames import first_match
from metrics.progress.calendar import as_timestamp
from metrics.progress.checkins import (
    KeyedCheckIns,
    checked_weeks,
    keyed_check_ins,
    week_numbers,
    week_starts,
)
from pipelines.arrow import groups, text

TEAM_WEEK_COLUMNS = [
    "cycle_id",
    "week_start",
    "complete",
    "team_id",
    "team",
    "department_id",
    "department",
    "active_krs",
    "checked_krs",
]
_UNIT_COLUMNS = ["team_id", "team", "department_id", "department"]


def cycle_weeks(calendar: pd.DataFrame, as_of: date | pd.Timestamp) -> pd.DataFrame:
    """Every (cycle, week) that has begun by `as_of`: cycle_id, week_start, complete."""
    today = as_timestamp(as_of)
    dated = calendar[calendar["start"].notna() & calendar["end"].notna()]
    first = pd.Series(week_starts(dated["start"]), index=dated.index)
    last = pd.Series(week_starts(dated["end"].where(dated["end"] < today, today)), dated.index)
    n = ((last - first).dt.days // 7 + 1).clip(lower=0).astype("int64")
    rows = dated.loc[dated.index.repeat(n), ["cycle_id", "end"]]
    offset = rows.groupby(level=0).cumcount().to_numpy()
    week = first.loc[rows.index].to_numpy() + pd.to_timedelta(offset * 7, unit="D")
    out = pd.DataFrame({"cycle_id": rows["cycle_id"].to_numpy(), "week_start": week})
    last_day = np.minimum(out["week_start"] + pd.Timedelta(days=6), rows["end"].to_numpy())
    out["complete"] = last_day < today
    return out


def team_weeks(
    kr_units: pd.DataFrame,
    calendar: pd.DataFrame,
    check_ins: pd.DataFrame | KeyedCheckIns,
    as_of: date | pd.Timestamp,
) -> pd.DataFrame:
    """One row per cycle, week of that cycle and team with active key results in it.

    active_krs   the team's active key results of the cycle (each is active in every week)
    checked_krs  those of them checked in at least once that week
    Columns: cycle_id, week_start, complete, team_id, team, department_id, department,
    active_krs, checked_krs. Key results whose objective has no team form one row per week
    with empty unit columns.
    """
    active = kr_units.loc[~kr_units["strict_linked"], ["kr_id", "cycle_id", *_UNIT_COLUMNS]]
    active = active.reset_index(drop=True)
    # A group is one (cycle, team) pair; its key results are counted once per week.
    group, first = groups(text(active["cycle_id"]), text(active["team_id"]))
    names = active.groupby(group).first()[_UNIT_COLUMNS[1:]]  # first non-missing per group
    units = active.iloc[first][["cycle_id", "team_id"]].reset_index(drop=True)
    units = pd.concat([units, names.reset_index(drop=True)], axis=1)
    units["_group"] = np.arange(len(units))
    units["active_krs"] = np.bincount(group, minlength=len(units))
    rows = units.merge(cycle_weeks(calendar, as_of), on="cycle_id")

    keyed = keyed_check_ins(check_ins, kr_units["kr_id"])
    seen_code, seen_week = checked_weeks(keyed)
    group_of_code = np.full(len(keyed.kr_ids), -1, dtype=np.int64)
    # Codes of every key result (in the store's order: no lookup), then of the active ones.
    codes = keyed.codes(kr_units["kr_id"])[~kr_units["strict_linked"].to_numpy(bool)]
    group_of_code[codes[codes >= 0]] = group[codes >= 0]
    rows["week_start"] = rows["week_start"].astype("datetime64[us]")
    wanted_week = week_numbers(rows["week_start"].to_numpy())
    rows["checked_krs"] = _pairs_counted(
        group_of_code[seen_code], seen_week, rows["_group"].to_numpy("int64"), wanted_week
    )
    return rows[TEAM_WEEK_COLUMNS].reset_index(drop=True)


_BINS = 10_000_000  # up to this many (group, week) cells (80 MB) are counted by bincount


def _pairs_counted(
    group: np.ndarray, week: np.ndarray, wanted_group: np.ndarray, wanted_week: np.ndarray
) -> np.ndarray:
    """For each wanted (group, week), how many of the (group, week) pairs given name it
    (pairs with group −1 or a missing week count for none). Counted on integers: a group
    number and a week number make one key, so millions of pairs need no grouping by two
    columns."""
    missing = np.iinfo("int64").min
    asked = wanted_week != missing
    if not asked.any():
        return np.zeros(len(wanted_group), dtype="int64")
    # Only weeks someone asks about can count: a stray check-in years away widens nothing.
    low, high = int(wanted_week[asked].min()), int(wanted_week[asked].max())
    span = high - low + 1
    valid = (group >= 0) & (week >= low) & (week <= high)
    if not valid.any():
        return np.zeros(len(wanted_group), dtype="int64")
    key = group[valid] * span + (week[valid] - low)
    wanted_key = np.where(asked, wanted_group * span + (wanted_week - low), -1)
    groups = int(max(group.max(), wanted_group.max())) + 1
    if groups * span <= _BINS:
        counts = np.bincount(key, minlength=groups * span)
        return np.where(asked, counts[np.maximum(wanted_key, 0)], 0).astype("int64")
    found, counted = np.unique(key, return_counts=True)
    at = np.minimum(np.searchsorted(found, wanted_key), len(found) - 1)
    return np.where(asked & (found[at] == wanted_key), counted[at], 0).astype("int64")


def check_in_discipline(
    weeks: pd.DataFrame, by: list[str] | None = None, complete_only: bool = False
) -> pd.DataFrame:
    """Share of active key results checked in, per week (and per `by`, e.g. ['team_id']),
    from `team_weeks`.

    Columns: cycle_id, week_start, the `by` columns, active_krs, checked_krs, share.
    """
    rows = weeks[weeks["complete"]] if complete_only else weeks
    keys = ["cycle_id", "week_start", *(by or [])]
    out = rows.groupby(keys, sort=True, dropna=False)[["active_krs", "checked_krs"]].sum()
    out = out.astype("int64")
    out["share"] = out["checked_krs"] / out["active_krs"]
    return out.reset_index()


def discipline_by_cycle(weeks: pd.DataFrame, by: list[str] | None = None) -> pd.DataFrame:
    """Check-in discipline of each cycle (and `by` group) over its complete weeks: checked
    key-result-weeks / active key-result-weeks, from `team_weeks`.

    Columns: cycle_id, the `by` columns, weeks, key_results (active in the cycle), share.
    """
    rows = weeks[weeks["complete"]]
    keys = ["cycle_id", *(by or [])]
    out = rows.groupby(keys, sort=True, dropna=False).agg(
        weeks=("week_start", "nunique"),
        active=("active_krs", "sum"),
        checked=("checked_krs", "sum"),
    )
    out["key_results"] = out["active"] // out["weeks"]  # every key result is in every week
    out["share"] = out["checked"] / out["active"]
    return out[["weeks", "key_results", "share"]].reset_index()


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
    state = first_match(kr_units["cycle_id"], calendar["cycle_id"], calendar["state"])
    running = state.eq("running") & ~kr_units["strict_linked"]
    # Days silent for every key result, then only the stale rows copied (most key results of
    # a large company are running: copying all their columns first cost more than the rest).
    last = pd.to_datetime(kr_units["last_check_in_at"]).dt.normalize()
    since = last.fillna(first_match(kr_units["cycle_id"], calendar["cycle_id"], calendar["start"]))
    silent = (today - since).dt.days
    is_stale = running & (silent > config.stale_days)
    cols = ["kr_id", "objective_id", "cycle_id", "title", "owner", "team_id", "team"]
    cols += ["department", "last_check_in_at"]
    stale = kr_units.loc[is_stale, cols]
    stale["days_silent"] = silent[is_stale].astype("int64")
    never = stale["last_check_in_at"].isna()
    stale["reason"] = np.where(
        never,
        "never checked in; the cycle began " + stale["days_silent"].astype(str) + " days ago",
        "last checked in " + stale["days_silent"].astype(str) + " days ago",
    )
    cols += ["days_silent", "reason"]
    return stale[cols].sort_values("days_silent", ascending=False).reset_index(drop=True)
