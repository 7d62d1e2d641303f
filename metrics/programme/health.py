"""Programme health (docs/metrics.md, "Programme health"): is the OKR practice alive in a unit?

One index from 0 to 100 per unit (the company, each department, each team) and cycle: the
mean of the parts below that can be computed, times 100, each part a share in 0–1.

  participation  the mean of two shares: teams of the unit with objectives in the cycle among
                 its teams known (any cycle, or the roster), and people owning an objective or
                 a key result in the cycle among its people known (any cycle, or the roster)
  check_ins      key-result-weeks checked in among those active, over the cycle's complete
                 weeks (the Coach page's check-in discipline)
  landing        finished cycle: graded key results that scored in the sweet spot or above;
                 running cycle: key results on track or done among those started (the
                 Overview's tile); "on track" means heading for the sweet spot or above, so
                 both halves ask the same question and the trend does not jump at a close
  alignment      non-top objectives linked to one above them (the Alignment page's coverage)
  quality        objectives and key results without a quality-lint finding
  calibration    Brier skill of stated confidence against a coin: 1 − Brier ÷ 0.25, at least
                 0 (finished cycles only)

Equal weights: no part is known to matter more, and each is a share already. A part that
cannot be computed (no complete week yet, no confidence stated, a cycle still running for
calibration) is left out and the others weigh the same among themselves; `rests_on` names
the parts the index was computed from.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from metrics.coaching.calibration import calibration_outcomes
from metrics.programme import unit_groups
from metrics.programme.unit_groups import How
from metrics.scores.bands import BANDS
from pipelines.arrow import isin

if TYPE_CHECKING:
    from pandas.core.groupby import DataFrameGroupBy

    from metrics.report import HealthReport

PARTS = ("participation", "check_ins", "landing", "alignment", "quality", "calibration")
PART_LABELS = {
    "participation": "participation",
    "check_ins": "check-in discipline",
    "landing": "landing",
    "alignment": "alignment coverage",
    "quality": "quality",
    "calibration": "calibration",
}
LEVELS = ("company", "department", "team")
COMPANY = "Company"
# The bands of a finished key result that landed: the sweet spot or above.
LANDED = BANDS[BANDS.index("sweet") :]
# Brier score of always saying 50%: the calibration part's zero.
COIN_BRIER = 0.25
KEYS = ["cycle_id", "level", "unit"]
COLUMNS = [*KEYS, "index", *PARTS, "parts", "rests_on"]
ROSTER_COLUMNS = ["person", "team"]


UNIT_COLUMNS = ["cycle_id", "team", "department"]


def coded(frame: pd.DataFrame, *extra: str) -> pd.DataFrame:
    """The unit columns of `frame` as categories (text grouped once, not per group-by), with
    the `extra` columns as they are."""
    out = frame[[*UNIT_COLUMNS, *extra]]
    return out.astype({c: "category" for c in UNIT_COLUMNS})


Aggregate = Callable[["DataFrameGroupBy[Any, Any]"], pd.Series]


def per_unit(frame: pd.DataFrame, aggregate: Aggregate, by_cycle: bool = True) -> pd.Series:
    """`aggregate` of `frame`'s rows grouped per unit they belong to (the company, their
    department, their team), each level grouped on its own (no rows copied), indexed by
    (cycle_id, level, unit); with by_cycle off, by (level, unit) across cycles."""
    found = []
    for level in LEVELS:
        if level == "company":
            rows, keys = frame, []
        else:
            rows, keys = frame[frame[level].notna()], [level]
        keys = ["cycle_id", *keys] if by_cycle else keys
        grouped = rows.groupby(keys or (lambda _: COMPANY), sort=False, observed=True)
        result = aggregate(grouped)
        n = len(result)
        names = result.index.get_level_values(-1) if keys and keys[-1] == level else None
        arrays = [
            *([result.index.get_level_values(0)] if by_cycle else []),
            [level] * n,
            names if names is not None else [COMPANY] * n,
        ]
        found.append(result.set_axis(pd.MultiIndex.from_arrays(arrays)))
    # pandas fails concatenating empty parts whose index levels are categories (taking code
    # -128: no cycle finished yet, a company's first quarter): the empty ones are left out.
    out: pd.Series = pd.concat([part for part in found if len(part)] or found[:1])
    out.index.names = KEYS if by_cycle else KEYS[1:]
    return out


def unit_totals(
    frame: pd.DataFrame, column: str | None, how: How, by_cycle: bool = True
) -> pd.Series:
    """`per_unit` of one total of `column` (mean, sum, nunique; size without a column),
    counted on the units' category codes (`unit_groups`); the same Series, index and order
    as `per_unit` gives, which it falls back to when the units are not categoricals and for
    the mean of a float column."""
    found = []
    for level in LEVELS:
        keys = [] if level == "company" else [level]
        keys = ["cycle_id", *keys] if by_cycle else keys
        codes = unit_groups.coded_keys(frame, keys)
        inexact = how == "mean" and frame[str(column)].dtype != bool  # pandas sums floats
        if codes is None or inexact:  # compensated: a plain sum may differ in the last bit
            return per_unit(frame, _AGGREGATES[how](column or "cycle_id"), by_cycle)
        if not keys:  # the company across cycles: one group of every row
            codes = [np.zeros(len(frame), dtype=np.int64)]
        rows, group, first = unit_groups.numbered(codes, len(frame))
        values = None if column is None else frame[column]
        result = unit_groups.totals(values, rows, group, how)
        n = len(result)
        arrays: list[Any] = (
            [pd.CategoricalIndex(frame["cycle_id"].array.take(first))] if by_cycle else []
        )
        arrays.append([level] * n)
        if level == "company":
            arrays.append([COMPANY] * n)
        else:
            arrays.append(pd.CategoricalIndex(frame[level].array.take(first)))
        found.append(pd.Series(result, index=pd.MultiIndex.from_arrays(arrays)))
    out: pd.Series = pd.concat(found)
    out.index.names = KEYS if by_cycle else KEYS[1:]
    return out


_AGGREGATES: dict[str, Callable[[str], Aggregate]] = {
    "mean": lambda c: lambda g: g[c].mean(),
    "sum": lambda c: lambda g: g[c].sum(),
    "nunique": lambda c: lambda g: g[c].nunique(),
    "size": lambda c: lambda g: g["cycle_id"].size(),
}


def _share(frame: pd.DataFrame, column: str) -> pd.Series:
    """Mean of a boolean column per (cycle, level, unit)."""
    return unit_totals(frame, column, "mean")


def _participation(
    objectives: pd.DataFrame, key_results: pd.DataFrame, roster: pd.DataFrame | None
) -> pd.Series:
    cols = ["cycle_id", "owner", "team", "department"]
    people = pd.concat([objectives[cols], key_results[cols]], ignore_index=True)
    people = coded(people.dropna(subset=["owner"]), "owner")
    teams = coded(objectives.dropna(subset=["team"]), "owner")
    known_people, known_teams = people, teams
    if roster is not None and not roster.empty:
        departments = objectives.dropna(subset=["team"]).drop_duplicates("team")
        listed = roster.assign(
            cycle_id=None,
            owner=roster["person"],
            department=roster["team"].map(departments.set_index("team")["department"]),
        )[cols].astype("object")
        known_people = coded(pd.concat(
            [people.astype("object"), listed.dropna(subset=["owner"])], ignore_index=True
        ), "owner")  # fmt: skip
        known_teams = coded(pd.concat(
            [teams.astype("object"), listed.dropna(subset=["team"])], ignore_index=True
        ), "owner")  # fmt: skip

    def share(active_rows: pd.DataFrame, known_rows: pd.DataFrame, column: str) -> pd.Series:
        # people and teams as integer codes: counting distinct ints is what is fast
        codes, _ = pd.factorize(
            pd.concat([active_rows[column], known_rows[column]], ignore_index=True).astype("object")
        )
        active_rows = active_rows.assign(_id=codes[: len(active_rows)])
        known_rows = known_rows.assign(_id=codes[len(active_rows) :])
        known = unit_totals(known_rows, "_id", "nunique", by_cycle=False)
        active = unit_totals(active_rows, "_id", "nunique")
        units = pd.MultiIndex.from_arrays(
            [active.index.get_level_values(1), active.index.get_level_values(2)]
        )
        ratio: pd.Series = active.astype("float64") / known.reindex(units).to_numpy(dtype="float64")
        return ratio

    both: pd.Series = (share(people, known_people, "owner") + share(teams, known_teams, "team")) / 2
    return both


def _landing(key_results: pd.DataFrame, calendar: pd.DataFrame) -> pd.Series:
    state = key_results["cycle_id"].map(calendar.set_index("cycle_id")["state"])
    slim = coded(key_results)
    finished = slim[(state == "finished") & key_results["score"].notna()]
    sweet = _share(finished.assign(flag=key_results["band"].isin(LANDED)), "flag")
    started = key_results["status"].notna() & (key_results["status"] != "not started")
    running = slim[(state == "running") & started]
    on_track = running.assign(flag=key_results["status"].isin(["on track", "done"]))
    both: pd.Series = pd.concat([sweet, _share(on_track, "flag")])
    return both


def _check_ins(team_weeks: pd.DataFrame) -> pd.Series:
    weeks = coded(team_weeks[team_weeks["complete"]], "checked_krs", "active_krs")
    checked = unit_totals(weeks, "checked_krs", "sum")
    active = unit_totals(weeks, "active_krs", "sum")
    return checked / active.where(active > 0)


def _quality(objectives: pd.DataFrame, key_results: pd.DataFrame, lint: pd.DataFrame) -> pd.Series:
    found = lint.loc[lint["kind"].isin(["objective", "key_result"]), "id"].astype("object")
    items = pd.concat(
        [
            coded(objectives).assign(clean=~isin(objectives["objective_id"], found)),
            coded(key_results).assign(clean=~isin(key_results["kr_id"], found)),
        ],
        ignore_index=True,
    )
    return _share(coded(items, "clean"), "clean")


def _calibration(report: HealthReport) -> pd.Series:
    outcomes = calibration_outcomes(report.key_results, report.calendar)
    rows = coded(outcomes).assign(sq=(outcomes["confidence"] - outcomes["hit"]) ** 2)
    brier = unit_totals(rows, "sq", "mean")
    skill: pd.Series = (1.0 - brier / COIN_BRIER).clip(lower=0.0)
    return skill


def health_index(parts: pd.DataFrame) -> pd.DataFrame:
    """Index, number of parts and `rests_on` from a frame with one column per part (NaN
    where a part cannot be computed): 100 × the mean of the known parts, equal weights."""
    values = parts[list(PARTS)].astype("float64")
    known = values.notna()
    count = known.sum(axis=1)
    index = (values.mean(axis=1, skipna=True) * 100).where(count > 0)
    named = pd.Series("", index=parts.index, dtype="object")
    for part in PARTS:
        named = named + known[part].map({True: PART_LABELS[part] + ", ", False: ""})
    rests_on = named.str.removesuffix(", ")
    return parts.assign(index=index, parts=count.astype("int64"), rests_on=rests_on)


def programme_health(report: HealthReport, roster: pd.DataFrame | None = None) -> pd.DataFrame:
    """Programme health of every unit in every cycle with objectives (module docstring).

    `roster`: optional people and teams (columns person, team: team names as the data spells
    them) so that teams and people without OKRs count against participation. Columns:
    cycle_id, level (company, department, team), unit (its name; `Company` for the company),
    index (0–100), one column per part (0–1, NaN when it cannot be computed), parts, rests_on.

    Without a roster, the last report's result is kept: a report never changes (frozen),
    and the summary of every cycle and the summary printed after them ask for the same.
    """
    if roster is None and _LAST and _LAST[0][0]() is report:
        return _LAST[0][1].copy(deep=False)  # copy-on-write: the kept frame stays as computed
    frame = _computed(report, roster)
    if roster is None:
        _LAST[:] = [(weakref.ref(report), frame.copy(deep=False))]
    return frame


# The last report's programme health without a roster: the report (weakly) and the frame.
_LAST: list[tuple[weakref.ref[HealthReport], pd.DataFrame]] = []


def _computed(report: HealthReport, roster: pd.DataFrame | None) -> pd.DataFrame:
    """`programme_health`, computed."""
    objectives, key_results = report.objectives, report.key_results
    if objectives.empty:
        return pd.DataFrame(columns=COLUMNS)
    slim = coded(objectives)
    non_top = slim[~objectives["is_top"].astype(bool)]
    aligned = non_top.assign(flag=objectives["alignment"] == "aligned")
    columns = {
        "participation": _participation(objectives, key_results, roster),
        "check_ins": _check_ins(report.team_weeks),
        "landing": _landing(key_results, report.calendar),
        "alignment": _share(aligned, "flag"),
        "quality": _quality(objectives, key_results, report.lint),
        "calibration": _calibration(report),
    }
    units = unit_totals(slim, None, "size").index
    frame = pd.DataFrame({name: series.reindex(units) for name, series in columns.items()})
    frame = health_index(frame.reset_index())
    order = report.calendar.set_index("cycle_id")["order"]
    frame = frame.assign(
        _cycle=frame["cycle_id"].map(order),
        _level=frame["level"].map({level: i for i, level in enumerate(LEVELS)}),
    )
    frame = frame.sort_values(["_cycle", "_level", "unit"], kind="stable")
    return frame[COLUMNS].reset_index(drop=True)


def unit_health(health: pd.DataFrame, cycle_id: str, level: str, unit: str) -> pd.Series | None:
    """The row of one unit in one cycle, or None."""
    rows = health[
        (health["cycle_id"] == cycle_id) & (health["level"] == level) & (health["unit"] == unit)
    ]
    return None if rows.empty else rows.iloc[0]


def read_roster(rows: pd.DataFrame) -> pd.DataFrame:
    """A roster table as read from its file: the columns person and team (matched ignoring
    case and spaces), blank rows dropped. Raises ValueError naming a missing column."""
    names = {str(c).strip().casefold(): c for c in rows.columns}
    missing = [c for c in ROSTER_COLUMNS if c not in names]
    if missing:
        raise ValueError(f"the roster needs the columns person and team; missing: {missing}")
    out = pd.DataFrame({c: rows[names[c]].astype("object") for c in ROSTER_COLUMNS})
    for column in ROSTER_COLUMNS:
        text = out[column].where(out[column].notna(), None)
        out[column] = text.map(lambda v: None if v is None else str(v).strip() or None)
    return out.dropna(how="all").reset_index(drop=True)


__all__ = ["COLUMNS", "PARTS", "PART_LABELS", "health_index", "programme_health", "read_roster"]


def health_summary(health: pd.DataFrame, cycle_id: str) -> dict[str, object]:
    """The company's programme health in a cycle and each department's, JSON-ready: index
    (0–100, one decimal), parts (shares, 4 decimals; None when not measured), rests_on."""

    def entry(row: pd.Series) -> dict[str, object]:
        value = row["index"]
        return {
            "index": None if pd.isna(value) else round(float(value), 1),
            "parts": {p: None if pd.isna(row[p]) else round(float(row[p]), 4) for p in PARTS},
            "rests_on": [p for p in PARTS if pd.notna(row[p])],
        }

    rows = health[health["cycle_id"] == cycle_id]
    company = rows[rows["level"] == "company"]
    departments = rows[rows["level"] == "department"]
    return {
        **(entry(company.iloc[0]) if len(company) else {"index": None, "parts": {},
                                                         "rests_on": []}),
        "departments": {str(r["unit"]): entry(r) for _, r in departments.iterrows()},
    }  # fmt: skip
