"""The closing-meeting pack of one unit (company, department or team) for one cycle.

Pure assembly: a `Dataset` (and, when the caller has them, its scores) in, a `ClosingPack` of
presentation-ready frames and headline figures out. The Excel and HTML writers lay these
frames out and add nothing of their own, so both formats always say the same thing.

A department covers its own objectives and those of every team below it; the company covers
every objective of the cycle (`pack_units.py`). Column names stay snake_case; `COLUMNS`
(`pack_columns.py`) gives each table's headers and kinds for the writers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from exports.findings import closing_findings
from exports.pack_brief import pack_brief
from exports.pack_columns import COLUMNS, COMPARED, HEADLINE, Col, headline_figures
from exports.pack_context import (
    Against,
    CycleStanding,
    against_previous,
    changes,
    cycle_standing,
    off_track,
    unit_figures,
)
from exports.pack_history import history_findings
from exports.pack_units import (
    PackError,
    known_units,
    resolve_cycle,
    resolve_unit,
    unit_team_ids,
)
from metrics.progress.movement import cycle_midpoints, movement_since_midcycle
from metrics.report import HealthReport, analyse
from metrics.scores.bands import BANDS, band_labels, band_of
from metrics.scores.rollups import attach_units
from metrics.scores.scoring import Scores
from pipelines.arrow import isin
from pipelines.store.dataset import Dataset
from reporting.brief import Brief


@dataclass(frozen=True)
class ClosingPack:
    """Everything the closing meeting of one unit looks at, for one cycle."""

    cycle_id: str
    cycle_name: str
    cycle_start: date | None
    cycle_end: date | None
    midpoint: date | None  # the day "mid-cycle" scores are taken at
    midpoint_reached: bool  # False while the cycle's first half is still running
    unit_id: str
    unit_name: str
    unit_level: str  # company | department | team | individual
    as_of: date
    headline: dict[str, Any]  # the unit's figures (keys of HEADLINE)
    company: dict[str, Any]  # the same figures for the whole company in this cycle
    against: Against  # the unit in the cycle before: what every change compares with
    standing: CycleStanding  # finished or still running, and how far
    comparison: pd.DataFrame  # figure, kind, unit, previous, difference (unit − previous), company
    bands: pd.DataFrame  # band, label, key_results, kr_share, objectives, objective_share
    objectives: pd.DataFrame  # scorecard, COLUMNS["objectives"] (+ team_id)
    key_results: pd.DataFrame  # COLUMNS["key_results"] (+ objective_id)
    movement: pd.DataFrame  # objective rows each followed by its key results' rows
    findings: pd.DataFrame  # exports.findings.FINDING_COLUMNS: flags, lint, alignment, …
    off_track: pd.DataFrame  # COLUMNS["off_track"]: behind or at risk (running cycles)
    brief: Brief | None = None  # the unit's brief in the cycle (exports/pack_brief.py)

    @property
    def title(self) -> str:
        return f"Closing pack: {self.unit_name} · {self.cycle_name}"

    def headline_frame(self) -> pd.DataFrame:
        """The headline figures as rows: key, figure (label), kind, value."""
        return pd.DataFrame(
            [(k, label, kind, self.headline.get(k)) for k, label, kind in headline_figures()],
            columns=["key", "figure", "kind", "value"],
        )


# --- the tables -----------------------------------------------------------------------------


def _comparison(unit: dict[str, Any], against: Against, company: dict[str, Any]) -> pd.DataFrame:
    """The compared figures: the unit, the unit in the cycle before (`against`), the change,
    and the company in this cycle for context."""
    diff = changes(unit, against, COMPARED)
    rows = [
        (label, kind, unit.get(key), against.figures.get(key), diff[key], company.get(key))
        for key, label, kind in headline_figures()
        if key in COMPARED
    ]
    return pd.DataFrame(
        rows, columns=["figure", "kind", "unit", "previous", "difference", "company"]
    )


def _band_table(kr_scores: pd.Series, objective_scores: pd.Series) -> pd.DataFrame:
    kr = band_of(kr_scores.dropna()).value_counts().reindex(list(BANDS), fill_value=0)
    ob = band_of(objective_scores.dropna()).value_counts().reindex(list(BANDS), fill_value=0)
    frame = pd.DataFrame(
        {
            "band": list(BANDS),
            "label": list(band_labels().values()),
            "key_results": kr.to_numpy(dtype="int64"),
            "objectives": ob.to_numpy(dtype="int64"),
        }
    )
    frame["kr_share"] = frame["key_results"] / max(int(kr.sum()), 1)
    frame["objective_share"] = frame["objectives"] / max(int(ob.sum()), 1)
    return frame[["band", "label", "key_results", "kr_share", "objectives", "objective_share"]]


def _text(values: pd.Series) -> pd.Series:
    """Text with missing values as None (object dtype, so writers see plain str or None)."""
    out = values.astype("object")
    return out.where(out.notna(), None)


def _alignment(objectives: pd.DataFrame, report: HealthReport) -> pd.DataFrame:
    """Per objective: what it is aligned to, in words, and its link (strict, directional,
    top, orphan or broken), from the health engine's alignment links."""
    links = objectives[["objective_id"]].merge(report.links, on="objective_id", how="left")
    links.index = objectives.index
    titles = report.links.drop_duplicates("objective_id").set_index("objective_id")["title"]
    kr_titles = report.scores.key_results.drop_duplicates("kr_id").set_index("kr_id")["title"]
    parent = links["parent_id"].map(titles).astype("object")
    strict = links["link"] == "strict"
    kr = links["parent_kr_id"].map(kr_titles).astype("object")
    aligned_to = parent.where(~strict, parent + " › " + kr)
    missing = links["parent_kr_id"].where(
        links["parent_kr_id"].notna(), links["parent_objective_id"]
    )
    aligned_to = aligned_to.where(aligned_to.notna() | ~links["broken"], "missing: " + missing)
    link = links["link"].where(links["link"] != "none", links["status"])
    return pd.DataFrame({"aligned_to": aligned_to, "link": link.astype("object")})


def _objective_table(scored: pd.DataFrame, report: HealthReport) -> pd.DataFrame:
    align = _alignment(scored, report)
    team = scored["team"].astype("object").fillna(scored["team_id"].astype("object"))
    frame = pd.DataFrame(
        {
            "objective_id": scored["objective_id"].astype("object"),
            "objective": _text(scored["title"]),
            "team_id": _text(scored["team_id"]),
            "team": _text(team),
            "owner": _text(scored["owner"]),
            "score": scored["score"].astype("float64"),
            "band": scored["band"].astype("object"),
            "status": scored["objective_id"].map(_statuses(report)).astype("object"),
            "key_results": scored["kr_count"].astype("int64"),
            "graded": scored["graded_krs"].astype("int64"),
            "aligned_to": _text(align["aligned_to"]),
            "link": align["link"].astype("object"),
        }
    )
    frame = frame.sort_values(["team", "objective", "objective_id"], kind="stable")
    return frame.reset_index(drop=True)


def _statuses(report: HealthReport) -> pd.Series:
    """Each objective's status (metrics.progress.status; None outside a running cycle)."""
    judged = report.objectives.drop_duplicates("objective_id").set_index("objective_id")
    return judged["status"]


def _kr_table(krs: pd.DataFrame, objectives: pd.DataFrame) -> pd.DataFrame:
    order = pd.Series(np.arange(len(objectives)), index=objectives["objective_id"])
    titles = objectives.set_index("objective_id")["objective"]
    # A key result without an owner of its own is its objective owner's.
    owners = krs["objective_id"].map(objectives.set_index("objective_id")["owner"])
    frame = pd.DataFrame(
        {
            "kr_id": krs["kr_id"].astype("object"),
            "objective_id": krs["objective_id"].astype("object"),
            "objective": _text(krs["objective_id"].map(titles)),
            "title": _text(krs["title"]),
            "kr_type": _text(krs["kr_type"]),
            "owner": _text(krs["owner"].astype("object").fillna(owners)),
            "start_value": krs["start_value"].astype("float64"),
            "target_value": krs["target_value"].astype("float64"),
            "current": krs["current"].astype("float64"),
            "score": krs["score"].astype("float64"),
            "band": krs["band"].astype("object"),
            "attainment": krs["attainment"].astype("float64"),
            "score_source": _text(krs["score_source"]),
            "last_check_in": pd.to_datetime(krs["last_check_in_at"]),
            "confidence": krs["latest_confidence"].astype("float64"),
            "_order": krs["objective_id"].map(order).to_numpy(),
        }
    )
    frame = frame.sort_values(["_order", "kr_id"], kind="stable").drop(columns="_order")
    return frame.reset_index(drop=True)


def _movement_table(
    dataset: Dataset,
    scores: Scores,
    cycle_id: str,
    objectives: pd.DataFrame,
    krs: pd.DataFrame,
    as_of: date,
) -> pd.DataFrame:
    """Objective rows (key_result empty) each followed by the rows of its key results.

    Only the cycle's own OKRs are rescored at mid-cycle (strict links stay within a cycle).
    """
    in_cycle = dataset.objectives[dataset.objectives["cycle_id"] == cycle_id]
    cycle_krs = dataset.key_results[
        isin(dataset.key_results["objective_id"], in_cycle["objective_id"])
    ]
    now = Scores(
        key_results=scores.key_results[scores.key_results["cycle_id"] == cycle_id],
        objectives=scores.objectives[scores.objectives["cycle_id"] == cycle_id],
    )
    moved = movement_since_midcycle(
        in_cycle,
        cycle_krs,
        dataset.check_ins[isin(dataset.check_ins["kr_id"], cycle_krs["kr_id"])],
        dataset.cycles,
        as_of=as_of,
        now=now,
    )
    cols = ["mid_score", "score", "delta", "change"]
    obj = objectives[["objective_id", "objective", "owner"]].merge(
        moved.objectives[["objective_id", *cols]], on="objective_id", how="left"
    )
    obj["key_result"] = None
    obj["level"] = "objective"
    obj["_order"] = np.arange(len(obj))
    obj["_sub"] = -1
    kr = krs[["kr_id", "objective_id", "objective", "title", "owner"]].merge(
        moved.key_results[["kr_id", *cols]], on="kr_id", how="left"
    )
    kr = kr.rename(columns={"title": "key_result"})
    kr["level"] = "key result"
    kr["_order"] = kr["objective_id"].map(obj.set_index("objective_id")["_order"])
    kr["_sub"] = np.arange(len(kr))
    both = pd.concat([obj, kr], ignore_index=True).sort_values(["_order", "_sub"])
    keep = ["level", "objective_id", "kr_id", "objective", "key_result", "owner", *cols]
    out = both.reindex(columns=keep).reset_index(drop=True)
    for col in ("objective_id", "kr_id", "objective", "key_result", "owner", "level", "change"):
        out[col] = _text(out[col])
    return out


def build_closing_pack(
    dataset: Dataset,
    cycle: str | None,
    unit_id: str,
    report: HealthReport | None = None,
    same_point: tuple[str, pd.DataFrame, pd.DataFrame] | None = None,
    *,
    goalposts: pd.DataFrame | None = None,
) -> ClosingPack:
    """The closing pack of `unit_id` (company, department or team id, or its name) for
    `cycle` (id or name; None = the cycle every surface opens on). Raises PackError for an
    unknown cycle or unit, naming the known ones. Scores, alignment, flags and lint come from
    the health engine's `report` of the dataset (computed here when the caller has none);
    `same_point` the previous cycle's scores at the same point, when the caller has them
    (`pack_context.against_previous`).
    `goalposts` (reporting/goalposts.py, from the store's history) join the findings."""
    as_of = report.as_of if report is not None else dataset.reference_date()
    cycle_id = resolve_cycle(dataset.cycles, dataset.objectives, cycle, as_of)
    unit = resolve_unit(dataset.teams, dataset.objectives, unit_id)
    report = report or analyse(dataset)
    scores = report.scores

    in_cycle = attach_units(scores.objectives, dataset.teams)
    in_cycle = in_cycle[in_cycle["cycle_id"] == cycle_id]
    members: set[str] | None = None
    in_unit = in_cycle
    if unit["level"] != "company":
        members = unit_team_ids(dataset.teams, str(unit["unit_id"]))
        in_unit = in_cycle[isin(in_cycle["team_id"], members)]
    cycle_krs = scores.key_results[scores.key_results["cycle_id"] == cycle_id]
    unit_krs = cycle_krs[isin(cycle_krs["objective_id"], in_unit["objective_id"])]

    objectives = _objective_table(in_unit, report)
    key_results = _kr_table(unit_krs, objectives)
    headline = unit_figures(in_unit, unit_krs)
    company = unit_figures(in_cycle, cycle_krs)
    against = against_previous(dataset, report, cycle_id, str(unit["name"]), members, same_point)
    team_names = known_units(dataset.teams, dataset.objectives).set_index("unit_id")["name"]
    findings = closing_findings(report, cycle_id, objectives, key_results, members, team_names)
    history = history_findings(dataset, report, cycle_id, members, team_names, goalposts)
    findings = pd.concat([f for f in (findings, history) if not f.empty] or [findings])

    cycle_row = dataset.cycles[dataset.cycles["cycle_id"] == cycle_id]
    midpoint = _day(cycle_midpoints(cycle_row))
    return ClosingPack(
        cycle_id=cycle_id,
        cycle_name=str(_first(cycle_row["name"]) or cycle_id),
        cycle_start=_day(cycle_row["start_date"]),
        cycle_end=_day(cycle_row["end_date"]),
        midpoint=midpoint,
        midpoint_reached=midpoint is not None and midpoint <= as_of,
        unit_id=str(unit["unit_id"]),
        unit_name=str(unit["name"]),
        unit_level=str(unit["level"]),
        as_of=as_of,
        headline=headline,
        company=company,
        against=against,
        standing=cycle_standing(report, cycle_id),
        comparison=_comparison(headline, against, company),
        bands=_band_table(unit_krs["score"], in_unit["score"]),
        objectives=objectives,
        key_results=key_results,
        movement=_movement_table(dataset, scores, cycle_id, objectives, key_results, as_of),
        findings=findings.reset_index(drop=True),
        off_track=off_track(objectives, report),
        brief=pack_brief(report, cycle_id, str(unit["level"]), str(unit["name"])),
    )


def _first(values: pd.Series) -> Any:
    values = values.dropna()
    return values.iloc[0] if len(values) else None


def _day(values: pd.Series) -> date | None:
    value = _first(values)
    return None if value is None else pd.Timestamp(value).date()


__all__ = [  # the parts, for callers that knew them here
    "COLUMNS", "COMPARED", "HEADLINE", "ClosingPack", "Col", "PackError", "build_closing_pack",
    "headline_figures",
    "known_units", "resolve_cycle", "resolve_unit", "unit_team_ids",
]  # fmt: skip
