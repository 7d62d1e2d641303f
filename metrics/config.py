"""Every threshold of the health metrics (docs/metrics.md, "Configuration"), in one place.

The metrics take a `HealthConfig` instead of literals, so a coach who disagrees with a
threshold changes it once and every page, export and flag follows. The defaults are the
ones the OKR literature names. The score bands and the sweet spot are not thresholds
here but the grading facts of `metrics/scores/bands.py` (a setting; docs/scoring.md, "Bands").
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class HealthConfig:
    # Check-in discipline.
    stale_days: int = 14  # a running key result with no check-in for more days is stale

    # Sandbagging and over-ambition.
    min_graded_krs: int = 3  # never flag from fewer graded key results
    min_cycles: int = 2  # ... nor from fewer cycles: a pattern repeats across cycles
    sandbag_mean: float = 0.9  # mean score at or above this ...
    sandbag_maxed_share: float = 0.5  # ... or more than this share of key results at 1.0
    early_share: float = 1 / 3  # "reached early": score 1.0 within this share of the cycle
    far_above_attainment: float = 1.5  # raw attainment at or above this: "far above target"
    over_ambition_mean: float = 0.4  # mean score below this ...
    over_ambition_low_share: float = 0.5  # ... or more than this share of key results in `low`
    no_movement_range: float = 0.05  # check-in scores spanning less than this "barely moved"
    patterns_include_running: bool = False  # judge only finished cycles by default

    # Quality lint (OKR writing rules).
    objectives_per_owner: tuple[int, int] = (3, 5)
    krs_per_objective: tuple[int, int] = (2, 5)
    activity_verbs: tuple[str, ...] = (
        "run",
        "hold",
        "work on",
        "help",
        "analyse",
        "analyze",
    )

    # Forecast error: forecast from the check-ins up to this share of a finished cycle.
    forecast_checkpoint: float = 0.5


DEFAULT_CONFIG = HealthConfig()
