"""The headline summary of a store for one cycle (docs/cli.md, "`summary --json`").

Every figure is read from one `HealthReport`, so the command line, the dashboard and the
exports agree. Scores, alignment, pace and lint are those of the chosen cycle; goal-setting
flags are judged across all cycles in the store (docs/metrics.md), and stale key results exist only
in a running cycle.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Any

import pandas as pd

from metrics.coaching.lint import RULES
from metrics.config import DEFAULT_CONFIG, HealthConfig
from metrics.programme.health import health_summary, programme_health
from metrics.progress.cycle_choice import opening_cycle
from metrics.progress.status import STATUSES
from metrics.report import HealthReport, analyse
from metrics.scores.bands import BANDS
from pipelines.arrow import isin
from pipelines.store.dataset import Dataset


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


def _calendar_cycle(calendar: pd.DataFrame) -> str | None:
    """The running cycle of the calendar, else the latest begun, else the first."""
    if calendar.empty:
        return None
    for states in (["running"], ["finished"]):
        pool = calendar[calendar["state"].isin(states)]
        if not pool.empty:
            return str(pool["cycle_id"].iloc[-1])
    return str(calendar["cycle_id"].iloc[0])


def _number(value: Any, digits: int = 4) -> float | None:
    """A JSON-ready float (None for missing)."""
    if value is None or pd.isna(value):
        return None
    value = float(value)
    return None if math.isnan(value) else round(value, digits)


def _count(value: Any) -> int:
    return 0 if value is None or pd.isna(value) else int(value)


def _flag_list(patterns: pd.DataFrame, pattern: str, key: str) -> list[dict[str, Any]]:
    rows = patterns[patterns["pattern"] == pattern]
    out = []
    for row in rows.to_dict("records"):  # a handful of flagged owners or teams
        item = {key: row[key]}
        if key == "team_id":
            item["team"] = row.get("team")
        item |= {
            "evidence": row["evidence"],
            "key_results": int(row["key_results"]),
            "cycles": int(row["cycles"]),
            "mean_score": _number(row["mean_score"]),
        }
        out.append(item)
    return out


def build_summary(
    dataset: Dataset,
    cycle: str | None = None,
    *,
    report: HealthReport | None = None,
    config: HealthConfig = DEFAULT_CONFIG,
    health: pd.DataFrame | None = None,
) -> dict[str, Any]:
    """Counts, scores, bands, alignment, pace, discipline and flags of one cycle (default: the
    cycle every surface opens on, `metrics.progress.cycle_choice`), as a JSON-ready dict with at
    least the keys docs/cli.md lists.

    Pass `report` (from `analyse(dataset)`) to reuse one computation across surfaces, and
    `health` (`programme_health(report)`) across cycles.
    """
    report = report or analyse(dataset, config)
    calendar = report.calendar
    cycle = (
        cycle
        or opening_cycle(dataset.cycles, dataset.objectives, dataset.reference_date())
        or _calendar_cycle(calendar)
    )
    # Only the columns read below are filtered (the report's frames have some forty).
    kr_columns = ["kr_id", "score", "band", "status"]
    krs = report.key_results.loc[report.key_results["cycle_id"] == cycle, kr_columns]
    objective_columns = ["team_id", "score", "status", "expected", "heading", "forecast"]
    objectives = report.objectives.loc[report.objectives["cycle_id"] == cycle, objective_columns]
    cycle_check_ins = isin(dataset.check_ins["kr_id"], krs["kr_id"])

    kr_scores = krs["score"].dropna()
    bands = {b: int((krs["band"] == b).sum()) for b in BANDS}
    coverage = report.coverage.set_index("cycle_id")
    cov = coverage.loc[cycle] if cycle in coverage.index else pd.Series(dtype="object")
    kr_status = krs["status"].value_counts()
    objective_status = objectives["status"].value_counts()
    errors = report.forecast_error.set_index("cycle_id")
    trends = report.trends.set_index("cycle_id")
    trend = trends.loc[cycle] if cycle in trends.index else pd.Series(dtype="object")
    lint = report.lint[report.lint["cycle_id"] == cycle]
    stale = report.stale[report.stale["cycle_id"] == cycle]
    cal = calendar.set_index("cycle_id")
    state = cal["state"].get(cycle)

    return {
        "cycle": cycle,
        "cycles": [str(c) for c in calendar["cycle_id"]],
        "as_of": report.as_of.isoformat(),
        "cycle_state": state,
        "counts": {
            "teams": int(objectives["team_id"].nunique()),
            "objectives": len(objectives),
            "key_results": len(krs),
            "check_ins": int(cycle_check_ins.sum()),
            "ungraded_key_results": int(krs["score"].isna().sum()),
        },
        "scores": {
            "kr_mean": _number(kr_scores.mean() if len(kr_scores) else None),
            "objective_mean": _number(objectives["score"].mean()),
            "sweet_spot_share": _number(
                bands["sweet"] / len(kr_scores) if len(kr_scores) else None
            ),
            "bands": bands,
        },
        "alignment": {
            "aligned_share": _number(cov.get("aligned_share")),
            "orphans": _count(cov.get("orphans")),
            "unsupported_top": _count(cov.get("unsupported_top")),
            "broken_links": _count(cov.get("broken_links")),
            "strict_links": _count(cov.get("strict")),
            "directional_links": _count(cov.get("directional")),
            "loops": _count(cov.get("loops")),
        },
        "status": {
            "elapsed_share": _number(cal["elapsed_share"].get(cycle)),
            "expected": _number(objectives["expected"].iloc[0] if len(objectives) else None),
            "key_results": {s: int(kr_status.get(s, 0)) for s in STATUSES},
            "objectives": {s: int(objective_status.get(s, 0)) for s in STATUSES},
            "heading_objective_mean": _number(objectives["heading"].mean()),
            "forecast_objective_mean": _number(objectives["forecast"].mean()),
            "forecast_mae": _number(errors["mae"].get("all")),
        },
        "check_ins": {
            "weekly_share": _number(trend.get("check_in_share")),
            "stale_days": report.config.stale_days,
        },
        "calibration": {
            "brier": _number(trend.get("brier")),
            "brier_all_cycles": _number(report.calibration_overall["brier"].iloc[0])
            if not report.calibration_overall.empty
            else None,
        },
        "lint": {
            "findings": len(lint),
            "by_rule": {rule: int((lint["rule"] == rule).sum()) for rule in RULES},
        },
        "flags": {
            "sandbagging": _flag_list(report.owner_patterns, "sandbagging", "owner"),
            "over_ambitious": _flag_list(report.owner_patterns, "over-ambitious", "owner"),
            "sandbagging_teams": _flag_list(report.team_patterns, "sandbagging", "team_id"),
            "over_ambitious_teams": _flag_list(report.team_patterns, "over-ambitious", "team_id"),
            "stale_key_results": len(stale),
        },
        "programme_health": health_summary(
            programme_health(report) if health is None else health, str(cycle)
        ),
    }


def summaries_by_cycle(dataset: Dataset, report: HealthReport) -> dict[str, dict[str, Any]]:
    """`build_summary` of every cycle of the dataset, and under "" the default cycle's (what
    `okr-health summary` prints without --cycle): kept with a cached report, so printing a
    summary reads these few numbers instead of the dataset."""
    health = programme_health(report)
    default = build_summary(dataset, report=report, health=health)
    out = {"": default}
    for cycle in map(str, dataset.cycles["cycle_id"]):
        same = cycle == default["cycle"]
        out[cycle] = (
            default if same else build_summary(dataset, cycle, report=report, health=health)
        )
    return out
