"""What a closing pack sets its unit's figures against, and where its cycle stands
(docs/pages.md, "Closing meeting").

Against   the same unit (its own objectives and those of the teams below it) in the cycle
          before: scored as it stood at the same point of that cycle while the pack's cycle
          is still running (`metrics.progress.comparison.scores_at_same_point`), at its end
          otherwise. Never the company: a department is judged against its own last quarter.
Running   a cycle that has not finished says so: its state, the share of it that has passed,
          and the unit's objectives that are behind or at risk, with the status of
          `metrics.progress.status` (no rule of its own).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, cast

import pandas as pd

from metrics.progress.comparison import same_point_cutoff, scores_at_same_point
from metrics.progress.status import OFF_TRACK
from metrics.report import HealthReport
from metrics.scores.bands import sweet_spot_share
from metrics.summary import ordered_cycles
from pipelines.arrow import isin
from pipelines.store.dataset import Dataset


def _mean(values: pd.Series) -> float | None:
    graded = values.dropna()
    return None if graded.empty else float(graded.mean())


def unit_figures(objectives: pd.DataFrame, key_results: pd.DataFrame) -> dict[str, Any]:
    """The headline figures (keys of `pack_columns.HEADLINE`) of a set of scored objectives
    and their key results: counts, graded counts, mean scores, the sweet-spot share."""
    return {
        "objectives": len(objectives),
        "graded_objectives": int(objectives["score"].notna().sum()),
        "key_results": len(key_results),
        "graded_key_results": int(key_results["score"].notna().sum()),
        "objective_mean": _mean(objectives["score"]),
        "kr_mean": _mean(key_results["score"]),
        "sweet_spot_share": sweet_spot_share(key_results["score"]),
    }


@dataclass(frozen=True)
class Against:
    """The unit in the cycle before the pack's: what every change in the pack compares with."""

    cycle_id: str | None  # None: the store has no earlier cycle
    cycle_name: str | None
    same_point: date | None  # the day its scores are taken at, when the pack's cycle runs
    label: str  # "vs Engineering Q3 2026", said beside every change
    note: str  # the comparison in a sentence, for a caption
    figures: dict[str, Any] = field(default_factory=dict)


def _cycle_name(dataset: Dataset, cycle_id: str) -> str:
    names = dataset.cycles.loc[dataset.cycles["cycle_id"] == cycle_id, "name"].dropna()
    return str(names.iloc[0]) if len(names) else cycle_id


def against_previous(
    dataset: Dataset,
    report: HealthReport,
    cycle_id: str,
    unit_name: str,
    members: set[str] | None,
    same_point: tuple[str, pd.DataFrame, pd.DataFrame] | None = None,
) -> Against:
    """The unit (`members`: its team ids; None for the company) in the cycle before
    `cycle_id`, at the same point when `cycle_id` is running, else at that cycle's end.

    `same_point`: (previous cycle id, objectives, key results) already scored at the same
    point by the caller (the dashboard keeps them with the report), used when they match."""
    cycles = ordered_cycles(dataset.cycles)
    if cycle_id not in cycles or cycles.index(cycle_id) == 0:
        return Against(None, None, None, "no earlier cycle", "There is no earlier cycle to "
                       "compare with: changes are not shown.")  # fmt: skip
    previous = cycles[cycles.index(cycle_id) - 1]
    name = _cycle_name(dataset, previous)
    states = report.calendar.set_index("cycle_id")["state"]
    running = states.get(cycle_id) == "running"
    cutoff = same_point_cutoff(report.calendar, cycle_id, previous) if running else None
    if running and cutoff is not None:
        objectives, key_results = scores_at_same_point(dataset, report.calendar, cycle_id, previous)
    else:
        objectives = report.scores.objectives[report.scores.objectives["cycle_id"] == previous]
        key_results = report.scores.key_results[report.scores.key_results["cycle_id"] == previous]
    if members is not None:
        objectives = objectives[isin(objectives["team_id"], members)]
    key_results = key_results[isin(key_results["objective_id"], objectives["objective_id"])]
    label = f"vs {unit_name} {name}"
    if cutoff is not None:
        day = cutoff.date()
        note = (
            f"Changes are against {unit_name} in {name} at the same point of that cycle "
            f"(its scores as of {day}), since this cycle is still running."
        )
    else:
        day = None
        note = f"Changes are against {unit_name} in {name}, at the end of that cycle."
    if objectives.empty:
        note += f" {unit_name} had no objectives in {name}: nothing to compare with."
    return Against(previous, name, day, label, note, unit_figures(objectives, key_results))


def changes(
    headline: dict[str, Any], against: Against, keys: tuple[str, ...]
) -> dict[str, float | None]:
    """Each figure of `keys` minus the same figure of `against` (None when either is missing)."""
    out: dict[str, float | None] = {}
    for key in keys:
        a, b = headline.get(key), against.figures.get(key)
        out[key] = None if a is None or b is None else float(a) - float(b)
    return out


@dataclass(frozen=True)
class CycleStanding:
    """Where the pack's cycle stands on the calendar at the as-of date."""

    state: str  # finished | running | upcoming | undated
    elapsed_share: float | None  # share of the cycle that has passed (running cycles)

    @property
    def running(self) -> bool:
        return self.state == "running"

    def line(self, cycle_name: str, as_of: date) -> str | None:
        """One sentence for a cycle that is not closed: still running (as of when, how much
        has passed) or not started yet; None for a finished cycle."""
        if self.state == "running":
            share = (
                "" if self.elapsed_share is None else f", {self.elapsed_share:.0%} of it has passed"
            )
            return f"{cycle_name} is still running: as of {as_of}{share}."
        if self.state == "upcoming":
            return f"{cycle_name} has not started yet (as of {as_of})."
        return None

    def notice(self, cycle_name: str, as_of: date) -> str | None:
        """What the page and the packs say about a cycle that is not closed."""
        line = self.line(cycle_name, as_of)
        if line is None or not self.running:
            return line
        return f"{line} Scores are not final; the objectives behind or at risk are listed below."


def cycle_standing(report: HealthReport, cycle_id: str) -> CycleStanding:
    """The state and elapsed share of `cycle_id` from the report's calendar."""
    calendar = report.calendar.set_index("cycle_id")
    if cycle_id not in calendar.index:
        return CycleStanding("undated", None)
    share = cast(float, calendar.at[cycle_id, "elapsed_share"])  # a float64 column
    return CycleStanding(
        str(calendar.at[cycle_id, "state"]), None if pd.isna(share) else float(share)
    )


def off_track(objectives: pd.DataFrame, report: HealthReport) -> pd.DataFrame:
    """The pack's objectives that are behind or at risk (`OFF_TRACK`): at risk first, then the
    furthest below what was expected by now. Columns: objective_id, objective, team, owner,
    status, score, expected, heading."""
    judged = report.objectives.drop_duplicates("objective_id").set_index("objective_id")
    frame = objectives[["objective_id", "objective", "team", "owner", "score"]].copy()
    for column in ("status", "expected", "heading"):
        frame[column] = frame["objective_id"].map(judged[column])
    frame = frame[frame["status"].isin(OFF_TRACK)]
    order = frame["status"].map({s: i for i, s in enumerate(reversed(OFF_TRACK))})
    gap = frame["score"] - frame["expected"]
    frame = frame.assign(_order=order, _gap=gap).sort_values(
        ["_order", "_gap", "objective"], kind="stable", na_position="last"
    )
    columns = ["objective_id", "objective", "team", "owner", "status", "score", "expected",
               "heading"]  # fmt: skip
    out = frame[columns].reset_index(drop=True)
    out["status"] = out["status"].astype("object")
    return out
