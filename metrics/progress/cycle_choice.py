"""Which cycle a surface opens on when nobody chose one: the same rule for `summary`,
`scores`, `report`, the closing pack and the dashboard's sidebar (see docs/cli.md)."""

from __future__ import annotations

from datetime import date

import pandas as pd

from pipelines.arrow import isin


def opening_cycle(cycles: pd.DataFrame, objectives: pd.DataFrame, as_of: date) -> str | None:
    """Of the cycles that hold objectives: the one running at `as_of` (the latest to start
    when several run), else the latest that has started, else the earliest to come. When no
    cycle holds an objective, the same rule over every cycle; None when there is no cycle.

    A cycle created ahead of time with nothing in it yet is never where a surface opens."""
    if cycles.empty:
        return None
    held = cycles[isin(cycles["cycle_id"], objectives["cycle_id"])]  # not pandas' Python loop
    pool = (held if not held.empty else cycles).sort_values(["start_date", "cycle_id"])
    start = pd.to_datetime(pool["start_date"])
    end = pd.to_datetime(pool["end_date"])
    today = pd.Timestamp(as_of)
    running = pool[(start <= today) & (end >= today)]
    if not running.empty:
        return str(running["cycle_id"].iloc[-1])
    started = pool[start <= today]
    if not started.empty:
        return str(started["cycle_id"].iloc[-1])
    return str(pool["cycle_id"].iloc[0])
