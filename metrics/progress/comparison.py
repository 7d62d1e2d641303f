"""Comparing a running cycle with the previous one fairly: at the same point of the cycle."""

from __future__ import annotations

from typing import cast

import numpy as np
import pandas as pd
from pandas.api.typing import NaTType

from metrics.progress.movement import scores_at
from metrics.scores.rollups import attach_units, key_result_units
from pipelines.arrow import isin
from pipelines.store.dataset import Dataset


def same_point_cutoff(calendar: pd.DataFrame, cycle: str, previous: str) -> pd.Timestamp | None:
    """The day of `previous` that lies as far into it as the as-of date lies into `cycle`:
    previous start + elapsed share of `cycle` × length of `previous` (None when undated)."""
    cal = calendar.set_index("cycle_id")
    if cycle not in cal.index or previous not in cal.index:
        return None
    # The calendar's columns: elapsed_share is float64, start and end are datetime64.
    share = cast(np.float64, cal.at[cycle, "elapsed_share"])
    start = cast(pd.Timestamp | NaTType, cal.at[previous, "start"])
    end = cast(pd.Timestamp | NaTType, cal.at[previous, "end"])
    if pd.isna(share) or pd.isna(start) or pd.isna(end):
        return None
    return (pd.Timestamp(start) + (pd.Timestamp(end) - pd.Timestamp(start)) * float(share)).floor(
        "D"
    )


def scores_at_same_point(
    dataset: Dataset, calendar: pd.DataFrame, cycle: str, previous: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Objectives and key results of `previous` scored from the check-ins made by the same
    point of the cycle (see `same_point_cutoff`), with their units attached. Empty frames
    when the cycles are undated."""
    cutoff = same_point_cutoff(calendar, cycle, previous)
    objectives = dataset.objectives[dataset.objectives["cycle_id"] == previous]
    key_results = dataset.key_results[isin(dataset.key_results["objective_id"],
                                           objectives["objective_id"])]  # fmt: skip
    if cutoff is None or objectives.empty:
        return objectives.iloc[0:0], key_results.iloc[0:0]
    check_ins = dataset.keyed_check_ins or dataset.check_ins  # keyed by the store: no re-sort
    then = scores_at(objectives, key_results, check_ins, pd.Series({previous: cutoff}))
    objective_units = attach_units(then.objectives, dataset.teams)
    kr_units = key_result_units(then.key_results, then.objectives, dataset.teams)
    return objective_units, kr_units
