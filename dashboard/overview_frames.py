"""The Overview's frames, all from the one status model (metrics/progress/status.py;
docs/metrics.md, "Status: one verdict per unit") and the bands in force: the verdict of the
scope shown, its counts before and after the latest import, departments worst first, and
the objective score cycle by cycle for the scope shown, the running cycle as a forecast.

Pure: DataFrames in, frames or a `Verdict` out, `memoized` per input (dashboard/memo.py);
results are shared, never assign into them."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from dashboard.memo import memoized
from metrics.progress.status import STATUSES, unit_status
from metrics.scores.bands import BANDS, band_of
from metrics.scores.distribution import score_distribution

# Worst first: the order departments and counts are read in.
WORST_FIRST = ("at risk", "behind", "not started", "on track", "done")


def _counts(statuses: pd.Series, names: tuple[str, ...]) -> dict[str, int]:
    found = statuses.value_counts()
    return {name: int(found.get(name, 0)) for name in names}


@dataclass(frozen=True)
class Verdict:
    """What the Overview opens with. In a running cycle: objectives and key results counted
    per status, and the scope's own status (the mean of its objectives' scores and headings
    judged by the same rule), its score, heading and what was expected by now. In a finished
    cycle (`running` False): the counts are per final band and there is no status."""

    running: bool
    objectives: dict[str, int]
    key_results: dict[str, int]
    status: str | None = None
    score: float | None = None
    heading: float | None = None
    expected: float | None = None
    names: tuple[str, ...] = field(default=STATUSES)

    @property
    def total(self) -> int:
        return sum(self.objectives.values())


def _number(value: float | None) -> float | None:
    return None if value is None or value != value else float(value)


@memoized()
def verdict(objectives: pd.DataFrame, key_results: pd.DataFrame) -> Verdict:
    """The verdict of the objectives and key results shown (one cycle, filtered): counted per
    `status` when their cycle is running, else per final band of the graded ones."""
    judged = objectives[objectives["status"].notna()]
    if judged.empty:
        graded_objectives = objectives["score"].dropna()
        graded_krs = key_results["score"].dropna()
        return Verdict(
            running=False,
            objectives=_counts(band_of(graded_objectives).astype("object"), BANDS),
            key_results=_counts(band_of(graded_krs).astype("object"), BANDS),
            score=_number(graded_objectives.mean()) if len(graded_objectives) else None,
            names=BANDS,
        )
    krs = key_results[key_results["status"].notna()]
    whole = unit_status(judged.assign(scope="shown"), ["scope"]).iloc[0]
    return Verdict(
        running=True,
        objectives=_counts(judged["status"], STATUSES),
        key_results=_counts(krs["status"], STATUSES),
        status=str(whole["status"]),
        score=_number(whole["score"]),
        heading=_number(whole["heading"]),
        expected=_number(whole["expected"]),
    )


@memoized()
def status_change(before: pd.DataFrame, now: pd.DataFrame) -> pd.DataFrame:
    """Objectives (or key results) per status before and now, in `STATUSES` order; rows with
    no status (a finished cycle) are not counted. Columns: status, before, now, change."""
    was = _counts(before["status"].dropna(), STATUSES)
    is_ = _counts(now["status"].dropna(), STATUSES)
    out = pd.DataFrame({"status": list(STATUSES), "before": was.values(), "now": is_.values()})
    out["change"] = out["now"] - out["before"]
    return out


@memoized()
def department_status(objectives: pd.DataFrame, by: str = "department") -> pd.DataFrame:
    """Per department (or team: `by`) of the objectives shown (one cycle): mean score and
    objectives, and in a running cycle its status (`unit_status`), heading, expected by now
    and objectives at risk; worst first (status in `WORST_FIRST` order, then heading, then
    score). Columns: `by`, status, at_risk, score, heading, expected, objectives."""
    frame = objectives[objectives[by].notna()]
    base = (
        frame.groupby(by, sort=True)
        .agg(score=("score", "mean"), objectives=("objective_id", "count"))
        .reset_index()
    )
    units = unit_status(frame, [by])
    if units.empty:
        out = base.assign(status=None, at_risk=0, heading=float("nan"), expected=float("nan"))
        out = out.sort_values(["score", by], na_position="first")
    else:
        units = units.groupby(by, sort=True).agg(
            status=("status", "first"), at_risk=("at risk", "sum"),
            heading=("heading", "mean"), expected=("expected", "first"),
        )  # fmt: skip
        out = base.join(units, on=by)
        out["at_risk"] = out["at_risk"].fillna(0).astype(int)
        rank = out["status"].map({s: i for i, s in enumerate(WORST_FIRST)})
        out = out.assign(_rank=rank.fillna(len(WORST_FIRST)))
        out = out.sort_values(["_rank", "heading", "score"], na_position="last")
    columns = [by, "status", "at_risk", "score", "heading", "expected", "objectives"]
    return out[columns].reset_index(drop=True)


@memoized()
def at_risk_objectives(objectives: pd.DataFrame) -> pd.DataFrame:
    """Objectives whose status is "at risk", heading lowest first; the title, status and
    score first (what a narrow screen shows)."""
    risky = objectives[objectives["status"] == "at risk"]
    risky = risky.assign(department=risky["department"].astype("object").fillna("(company)"))
    columns = ["objective_id", "title", "status", "score", "heading", "expected", "department",
               "team", "owner", "cycle_id"]  # fmt: skip
    if "chance" in risky:  # the chance of landing in the sweet spot, beside the heading
        columns.insert(columns.index("heading") + 1, "chance")
    return risky.sort_values(["heading", "score"])[columns].reset_index(drop=True)


@memoized()
def scope_trend(
    objectives: pd.DataFrame, order: tuple[str, ...], running: str | None, by: str | None = None
) -> pd.DataFrame:
    """The mean objective score of the objectives shown (any filter, every cycle), cycle by
    cycle in calendar `order`, by the same rule as the report's trends (`score_distribution`):
    measured for finished cycles; for the `running` one, the mean heading of its objectives,
    marked `kind` = "forecast" (where it is heading, not a score). Columns: cycle_id, [by,]
    value, kind."""
    keys = ["cycle_id", *([by] if by else [])]
    frame = objectives if by is None else objectives[objectives[by].notna()]
    done = frame[frame["cycle_id"] != running]
    measured = score_distribution(done, keys)[[*keys, "mean"]].rename(columns={"mean": "value"})
    measured = measured.assign(kind="score")
    current = frame[frame["cycle_id"] == running]
    forecast = (
        current.groupby(keys, sort=True)["heading"].mean().rename("value").reset_index()
        if running is not None and not current.empty
        else measured.iloc[0:0]
    )
    out = pd.concat([measured, forecast.assign(kind="forecast")], ignore_index=True)
    out = out[out["cycle_id"].isin(order) & out["value"].notna()]
    position = out["cycle_id"].map({c: i for i, c in enumerate(order)})
    out = out.assign(_at=position).sort_values(["_at", *keys[1:]]).drop(columns="_at")
    return out[[*keys, "value", "kind"]].reset_index(drop=True)
