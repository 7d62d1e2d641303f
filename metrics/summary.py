"""The headline summary of a store for one cycle (SPEC §8 `summary --json`)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd

from metrics.bands import band_counts, sweet_spot_share
from metrics.scoring import score_all
from pipelines.store import Dataset


def default_cycle(cycles: pd.DataFrame, as_of: date) -> str | None:
    """The cycle running at `as_of`; else the latest one that has started; else the first."""
    if cycles.empty:
        return None
    start = pd.to_datetime(cycles["start_date"])
    end = pd.to_datetime(cycles["end_date"])
    today = pd.Timestamp(as_of)
    running = cycles[(start <= today) & (end >= today)]
    if not running.empty:
        return str(running.sort_values("start_date")["cycle_id"].iloc[-1])
    started = cycles[start <= today]
    pool = started if not started.empty else cycles
    return str(pool.sort_values(["start_date", "cycle_id"])["cycle_id"].iloc[-1])


def ordered_cycles(cycles: pd.DataFrame) -> list[str]:
    """Cycle ids in calendar order (by start date, then id)."""
    return [str(c) for c in cycles.sort_values(["start_date", "cycle_id"])["cycle_id"]]


def _mean(values: pd.Series) -> float | None:
    graded = values.dropna()
    return None if graded.empty else round(float(graded.mean()), 4)


def build_summary(dataset: Dataset, cycle: str | None = None) -> dict[str, Any]:
    """Counts, scores, bands, alignment and flags of one cycle (default: the running one)."""
    cycle = cycle or default_cycle(dataset.cycles, dataset.reference_date())
    scores = score_all(dataset.objectives, dataset.key_results, dataset.check_ins)
    krs = scores.key_results[scores.key_results["cycle_id"] == cycle]
    objectives = scores.objectives[scores.objectives["cycle_id"] == cycle]
    check_ins = dataset.check_ins[dataset.check_ins["kr_id"].isin(krs["kr_id"])]
    return {
        "cycle": cycle,
        "cycles": ordered_cycles(dataset.cycles),
        "as_of": dataset.reference_date().isoformat(),
        "counts": {
            "teams": int(objectives["team_id"].nunique()),
            "objectives": len(objectives),
            "key_results": len(krs),
            "check_ins": len(check_ins),
            "ungraded_key_results": int(krs["score"].isna().sum()),
        },
        "scores": {
            "kr_mean": _mean(krs["score"]),
            "objective_mean": _mean(objectives["score"]),
            "sweet_spot_share": sweet_spot_share(krs["score"]),
            "bands": band_counts(krs["score"]),
        },
        "alignment": {
            "aligned_share": None,
            "orphans": None,
            "unsupported_top": None,
            "broken_links": None,
        },
        "flags": {"sandbagging": [], "over_ambitious": [], "stale_key_results": None},
    }
