"""The report after an import, from what the import changed (docs/performance.md, "The
report follows the import").

`analyse` computes its per-key-result part (`metrics.report.KeyResultFrames`: scores,
score paths' features, forecasts, the forecast backtest, goal-setting evidence) from each
objective's own rows alone, plus strict links. So after an import, the rows of every
objective the import left as it was are taken from the report before, and only the
*affected* objectives are computed again:

- the objectives whose row, key results or known check-ins changed (the caller says which:
  `reporting.incremental` compares fingerprints of the store's rows);
- every objective of a cycle whose dates or state moved, and objectives new to the report;
- every objective holding a key result that an affected objective links to through
  `parent_kr_id` (before or after the import), up the chain: its score comes from below.

Then everything the as-of date moves (statuses, expected progress) and every whole-store
metric is computed from the spliced frames as `analyse` does. The result equals a full
computation frame by frame (tests/reporting/test_report_update.py; the benchmark checks it
at scale). Measured, it costs as much as a full computation at M and more at L4, so the
cache uses it only when asked to (`reporting.incremental`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from metrics.config import DEFAULT_CONFIG, HealthConfig
from metrics.report import (
    HealthReport,
    KeyResultFrames,
    Prepared,
    assemble,
    key_result_frames,
    prepare,
    quality_findings,
)
from pipelines.arrow import isin, positions
from pipelines.store.dataset import Dataset
from pipelines.store.keyed import KeyedCheckIns

# Calendar columns the per-key-result part reads: a cycle whose row differs in one of them
# is computed again whole (elapsed_share moves every day and only touches statuses).
ROW_CALENDAR_COLUMNS = ["cycle_id", "name", "start", "end", "days", "state", "dates_from", "order"]


@dataclass(frozen=True)
class Previous:
    """What an update starts from: the report before's calendar, per-key-result frames and
    quality lint, and each objective's parent objective through strict links
    (`parent_objectives`) then."""

    calendar: pd.DataFrame
    rows: KeyResultFrames
    lint: pd.DataFrame
    parents: pd.Series  # objective_id → objective holding its parent_kr_id


@dataclass(frozen=True)
class Update:
    """An updated report, its per-key-result frames, and how many objectives were computed
    again (affected) out of how many."""

    report: HealthReport
    rows: KeyResultFrames
    affected: int
    objectives: int


def parent_objectives(objectives: pd.DataFrame, key_results: pd.DataFrame) -> pd.Series:
    """Per objective that strictly links to a key result (`parent_kr_id`): the objective
    holding that key result (objective_id → objective_id)."""
    linked = objectives.loc[objectives["parent_kr_id"].notna(), ["objective_id", "parent_kr_id"]]
    holder = pd.Series(
        key_results["objective_id"].to_numpy(), index=key_results["kr_id"].astype(str)
    )
    holder = holder[~holder.index.duplicated()]
    found = linked["parent_kr_id"].astype(str).map(holder)
    keep = found.notna().to_numpy()
    return pd.Series(
        found.to_numpy()[keep].astype(str),
        index=linked["objective_id"].astype(str).to_numpy()[keep],
        dtype="object",
    )


def _up(ids: set[str], parents: Iterable[pd.Series]) -> set[str]:
    """`ids` and every objective above them through strict links."""
    out, frontier = set(ids), set(ids)
    maps = [p[~p.index.duplicated()] for p in parents]
    while frontier:
        above: set[str] = set()
        for parent in maps:
            found = parent.reindex(pd.Index(sorted(frontier))).dropna()
            above.update(str(v) for v in found)
        frontier = above - out
        out |= frontier
    return out


def _down(ids: set[str], parents: pd.Series) -> set[str]:
    """`ids` and every objective below them through strict links (what their scores need)."""
    children: dict[str, list[str]] = {}
    for child, parent in zip(parents.index, parents.to_numpy(), strict=True):
        children.setdefault(str(parent), []).append(str(child))
    out, frontier = set(ids), list(ids)
    while frontier:
        found = [c for p in frontier for c in children.get(p, []) if c not in out]
        out.update(found)
        frontier = found
    return out


def moved_cycles(before: pd.DataFrame, now: pd.DataFrame) -> set[str]:
    """Cycles whose calendar row (the columns of ROW_CALENDAR_COLUMNS) differs, or that
    only one of the two calendars has."""
    cols = ROW_CALENDAR_COLUMNS
    a = before[cols].astype(str).set_index("cycle_id")
    b = now[cols].astype(str).set_index("cycle_id")
    ids = a.index.union(b.index)
    a, b = a.reindex(ids), b.reindex(ids)
    differs = (a.fillna("\0") != b.fillna("\0")).any(axis=1)
    return {str(c) for c in ids[differs.to_numpy()]}


def keyed_subset(keyed: KeyedCheckIns, kr_ids: pd.Series) -> KeyedCheckIns:
    """The check-ins of the key results `kr_ids` (in the order of `keyed.kr_ids`), keyed
    by their position in `kr_ids`."""
    old = keyed.codes(kr_ids)
    remap = np.full(len(keyed.kr_ids), -1, dtype=np.int64)
    remap[old[old >= 0]] = np.arange(len(kr_ids), dtype=np.int64)[old >= 0]
    frame = keyed.frame
    new_codes = remap[frame["kr_code"].to_numpy()]
    kept = frame[new_codes >= 0].copy()
    kept["kr_code"] = new_codes[new_codes >= 0].astype(frame["kr_code"].dtype)
    return KeyedCheckIns(pd.Index(kr_ids), kept.reset_index(drop=True))


def _where(values: pd.Series, keys: pd.Series) -> np.ndarray:
    """Position of each value in the unique `keys` (-1 when absent), in C++ for text."""
    found = positions(values.reset_index(drop=True), keys.reset_index(drop=True))
    if found is None:
        found = pd.Index(keys).get_indexer(pd.Index(values))
    return np.asarray(found, dtype=np.intp)


def _splice(
    before: pd.DataFrame,
    fresh: pd.DataFrame,
    key: str,
    redo: pd.Series,
    order: pd.Series,
) -> pd.DataFrame:
    """`before` without the rows of `redo` (and of keys no longer in `order`), `fresh`'s
    rows of `redo`, in the order of their keys in `order`."""
    at_before = _where(before[key], order)
    keep = (at_before >= 0) & (_where(before[key], redo) < 0)
    take = _where(fresh[key], redo) >= 0
    kept, taken = before[keep], fresh[take]
    at = np.concatenate([at_before[keep], _where(taken[key], order)])
    parts = [p for p in (kept, taken) if not p.empty]
    if not parts:
        return before.iloc[0:0].reset_index(drop=True)
    out = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    out = out.iloc[np.argsort(at, kind="stable")]
    for column, dtype in before.dtypes.items():  # concat widens a column one side lacked
        if column in out and out[column].dtype != dtype:
            if isinstance(dtype, pd.CategoricalDtype):
                continue
            with contextlib.suppress(TypeError, ValueError):
                out[column] = out[column].astype(dtype)
    return out.reset_index(drop=True)


def _cycles_of(objectives: pd.DataFrame, ids: set[str]) -> set[str]:
    found = objectives.loc[isin(objectives["objective_id"], ids).to_numpy(), "cycle_id"]
    return {str(c) for c in found.dropna().unique()}


def _lint(
    objectives: pd.DataFrame,
    key_results: pd.DataFrame,
    before: pd.DataFrame,
    cycles: set[str],
    config: HealthConfig,
) -> pd.DataFrame:
    """The quality lint: the findings before for cycles outside `cycles`, computed again
    for those (every rule looks within one cycle). Whole when a finding or an objective has
    no cycle."""
    if objectives["cycle_id"].isna().any() or before["cycle_id"].isna().any():
        return quality_findings(objectives, key_results, config)
    redo = isin(objectives["cycle_id"], cycles).to_numpy()
    fresh = quality_findings(
        objectives[redo],
        key_results[isin(key_results["objective_id"], objectives.loc[redo, "objective_id"])],
        config,
    )
    known = set(objectives["cycle_id"].astype(str))
    kept = before[isin(before["cycle_id"], known - cycles).to_numpy()]
    parts = [p for p in (kept, fresh) if not p.empty]
    if not parts:
        return fresh
    out = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    out = out.sort_values(["cycle_id", "rule", "id"], na_position="last", kind="stable")
    return out.reset_index(drop=True).astype(fresh.dtypes.to_dict())


def update_report(
    dataset: Dataset,
    previous: Previous,
    changed: set[str],
    config: HealthConfig = DEFAULT_CONFIG,
    as_of: date | None = None,
) -> Update:
    """The report of `dataset`, reusing `previous` for every objective outside `changed`
    and the objectives they touch (see the module's docstring)."""
    ready = prepare(dataset, as_of)
    spliced = update_rows(ready, previous, changed, config)
    dataset = ready.dataset
    objectives, key_results = dataset.objectives, dataset.key_results
    findings = _lint(objectives, key_results, previous.lint, spliced.cycles, config)
    report = assemble(
        dataset, ready.check_ins, ready.calendar, spliced.rows, ready.today, config, findings
    )
    return Update(report, spliced.rows, spliced.affected, len(objectives))


@dataclass(frozen=True)
class Spliced:
    """The per-key-result frames of an update, how many objectives were computed again,
    and the cycles those objectives are (or were) in."""

    rows: KeyResultFrames
    affected: int
    cycles: set[str]


def update_rows(
    ready: Prepared,
    previous: Previous,
    changed: set[str],
    config: HealthConfig = DEFAULT_CONFIG,
) -> Spliced:
    """The per-key-result part of a prepared dataset's report
    (`metrics.report.key_result_frames`), computed for the affected objectives only and
    spliced into `previous`'s."""
    dataset, check_ins, calendar = ready.dataset, ready.check_ins, ready.calendar
    objectives, key_results, teams = dataset.objectives, dataset.key_results, dataset.teams
    rows = previous.rows
    ids = objectives["objective_id"].astype(str)
    moved = moved_cycles(previous.calendar, calendar)
    known = set(rows.objective_scores["objective_id"].astype(str))
    affected = set(changed) | set(ids[objectives["cycle_id"].astype(str).isin(moved)])
    affected |= set(ids) - known
    removed = known - set(ids)
    parents = parent_objectives(objectives, key_results)
    affected = _up(affected | removed, [parents, previous.parents]) & set(ids)
    computed = _down(affected, parents)
    in_sub = isin(objectives["objective_id"], computed).to_numpy()
    sub_objectives = objectives[in_sub]
    sub_krs = key_results[isin(key_results["objective_id"], computed).to_numpy()]
    fresh = key_result_frames(
        sub_objectives,
        sub_krs,
        teams,
        keyed_subset(check_ins, sub_krs["kr_id"]),
        calendar,
        config,
    )
    redo_objectives = pd.Series(sorted(affected), dtype=objectives["objective_id"].dtype)
    redo_krs = sub_krs.loc[isin(sub_krs["objective_id"], affected).to_numpy(), "kr_id"]
    kr_order, objective_order = key_results["kr_id"], objectives["objective_id"]
    cycle_order = calendar.set_index("cycle_id")["order"]

    def by_kr(before: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
        return _splice(before, new, "kr_id", redo_krs, kr_order)

    backtest = by_kr(rows.backtest, fresh.backtest)
    if not backtest.empty:
        position = backtest["cycle_id"].map(cycle_order).to_numpy()
        backtest = backtest.iloc[np.lexsort((backtest["kr_id"].astype(str), position))]
        backtest = backtest.reset_index(drop=True)
    spliced = KeyResultFrames(
        kr_scores=by_kr(rows.kr_scores, fresh.kr_scores),
        objective_scores=_splice(
            rows.objective_scores,
            fresh.objective_scores,
            "objective_id",
            redo_objectives,
            objective_order,
        ),
        features=by_kr(rows.features, fresh.features),
        kr_forecast=by_kr(rows.kr_forecast, fresh.kr_forecast),
        backtest=backtest,
        evidence=by_kr(rows.evidence, fresh.evidence),
    )
    redo_cycles = (
        moved
        | _cycles_of(rows.objective_scores, affected | removed)
        | _cycles_of(objectives, affected)
    )
    return Spliced(spliced, len(affected), redo_cycles)
