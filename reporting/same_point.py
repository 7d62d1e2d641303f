"""The Overview's first comparison, kept with the report: the running cycle against the
previous one at the same point of the cycle."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from metrics.progress.comparison import scores_at_same_point
from metrics.progress.cycle_choice import opening_cycle
from metrics.report import HealthReport
from metrics.summary import ordered_cycles
from pipelines.store.dataset import Dataset


@dataclass(frozen=True)
class SamePoint:
    """The previous cycle scored at the same point of the cycle as the running one stands
    (`metrics.progress.comparison.scores_at_same_point`): the Overview's first comparison, kept with
    the report so that a first render needs neither the check-ins nor the rescoring."""

    cycle: str
    previous: str
    objectives: pd.DataFrame
    key_results: pd.DataFrame


def running_same_point(dataset: Dataset, report: HealthReport) -> SamePoint | None:
    """The comparison the Overview opens with: the running cycle (the dashboard's default)
    against the previous one at the same point; None when no cycle is running after one."""
    cycle = opening_cycle(dataset.cycles, dataset.objectives, dataset.reference_date())
    cycles = ordered_cycles(dataset.cycles)
    if cycle is None or cycle not in cycles or cycles.index(cycle) == 0:
        return None
    states = report.calendar.set_index("cycle_id")["state"]
    if states.get(cycle) != "running":
        return None
    previous = cycles[cycles.index(cycle) - 1]
    objectives, key_results = scores_at_same_point(dataset, report.calendar, cycle, previous)
    return SamePoint(cycle, previous, objectives, key_results)
