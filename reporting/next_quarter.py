"""Next quarter's proposed targets of a store, and their backtest (docs/metrics.md,
"Targets for next quarter"): the report's key results with the units they state, read by
metrics.coaching.targets."""

from __future__ import annotations

import pandas as pd

from metrics.coaching.targets import (
    next_targets,
    recurring,
    target_backtest,
    team_ratios,
    with_units,
)
from metrics.report import HealthReport
from pipelines.store.dataset import Dataset


def store_next_quarter(dataset: Dataset, report: HealthReport) -> pd.DataFrame:
    """The proposed next target of every recurring metric (metrics.coaching.targets
    .next_targets columns)."""
    krs = with_units(report.key_results, dataset.key_results)
    return next_targets(recurring(krs, report.calendar), team_ratios(krs, report.calendar))


def store_target_backtest(dataset: Dataset, report: HealthReport) -> pd.DataFrame:
    """Every past occurrence the proposal can be replayed on (target_backtest columns)."""
    krs = with_units(report.key_results, dataset.key_results)
    return target_backtest(recurring(krs, report.calendar))
