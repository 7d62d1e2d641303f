"""Reports of the store as it stood: `--at` and the Overview's "Since the last import".

Computed from the change log (pipelines.store.history) in memory. `--at` is not cached (an
entry would replace the current content's in the report cache, reporting/cache.py). What
"Since the last import" compares with, the scored key results and stale list just before
the latest write, is small and costly (a copy of the store in memory, reverted, analysed):
it is kept beside the report cache under the current content's key (`before_latest`), so
only the first reader after an import computes it (`okr-health ingest` does, warming).
"""

from __future__ import annotations

import logging
import os
from datetime import date
from pathlib import Path
from typing import NamedTuple

import duckdb
import pandas as pd

from metrics.config import DEFAULT_CONFIG, HealthConfig
from metrics.report import (
    HealthReport,
    KeyResultFrames,
    Verdict,
    analyse,
    prepare,
    verdict,
)
from metrics.report_update import update_rows
from pipelines.store.connection import open_store, resolve_db_path
from pipelines.store.dataset import Dataset, read_dataset
from pipelines.store.history import empty_before, version_ids_after, versions
from pipelines.store.undo import dataset_at, state_at
from reporting.cache import (
    StoreReport,
    cache_dir,
    enabled,
    running_same_point,
    store_as_of,
    writable,
)
from reporting.cache_entries import load_entry
from reporting.cache_key import report_key
from reporting.incremental import incremental_enabled, previous_entry, store_marks
from reporting.summaries import current_key

log = logging.getLogger(__name__)
# The columns "Since the last import" compares (metrics.progress.since_import).
BEFORE_KR_COLUMNS = ["kr_id", "objective_id", "title", "team", "score", "status"]
BEFORE_STALE_COLUMNS = ["kr_id", "days_silent"]
# The Overview's verdict counts objectives per status before and after (dashboard/sections).
BEFORE_OBJECTIVE_COLUMNS = ["objective_id", "cycle_id", "department", "team", "level", "status"]
BEFORE_PREFIX = "before-latest-"


def load_at(db: str | Path | None, at: str, config: HealthConfig = DEFAULT_CONFIG) -> StoreReport:
    """The dataset and health report of the store as it stood at `at` (an import number or
    a date: `--at`), computed from the change log and not cached (an entry would replace
    the current content's)."""
    path = resolve_db_path(db)
    with open_store(path, read_only=True) as conn:
        dataset = dataset_at(conn, at)
    if dataset.is_empty:
        return StoreReport(dataset, None, "", "computed")
    report = analyse(dataset, config)
    return StoreReport(dataset, report, "", "computed", running_same_point(dataset, report))


def load_before_latest(
    db: str | Path | None, config: HealthConfig = DEFAULT_CONFIG
) -> StoreReport | None:
    """The health report of the store as it stood just before its latest recorded write,
    at the same as-of date as the current one (so what differs is what the write changed);
    None when the store has no recorded write. Not cached (computed on demand)."""
    path = resolve_db_path(db)
    with open_store(path, read_only=True) as conn:
        ids = version_ids_after(conn, 0)
        if not ids or empty_before(conn, ids[0]):  # nothing before it: nothing to compare
            return None
        mem = state_at(conn, ids[0] - 1, store_as_of(conn))
    try:
        dataset = read_dataset(mem)
    finally:
        mem.close()
    if dataset.is_empty:
        return StoreReport(dataset, None, "", "computed")
    return StoreReport(dataset, analyse(dataset, config), "", "computed")


def verdict_before_latest(
    db: str | Path | None, config: HealthConfig = DEFAULT_CONFIG
) -> Verdict | None:
    """The statuses of `load_before_latest`'s report (`metrics.report.Verdict`), computed
    without the rest of the report: read back when the cache holds an entry for that
    content, else from the current content's entry updated back by what the write changed
    (`reporting.incremental`), else computed. None when there is nothing before, or it
    holds no OKRs."""
    path = resolve_db_path(db)
    with open_store(path, read_only=True) as conn:
        ids = version_ids_after(conn, 0)
        if not ids or empty_before(conn, ids[0]):
            return None
        mem = state_at(conn, ids[0] - 1, store_as_of(conn))
    try:
        cached = _cached_before(path, mem, config)
        if cached is not None:
            return Verdict(cached.key_results, cached.objectives, cached.stale)
        dataset = read_dataset(mem)
        if dataset.is_empty:
            return None
        return verdict(dataset, config, _rows_before(path, mem, dataset, config))
    finally:
        mem.close()


def _cached_before(
    path: Path, mem: duckdb.DuckDBPyConnection, config: HealthConfig
) -> HealthReport | None:
    """The report of the state before the latest write read back, when the cache still
    holds an entry for that content (the import before's, when the as-of date was pinned
    then)."""
    if not enabled():
        return None
    try:
        key, _ = report_key(mem, config)
        found = load_entry(cache_dir(path), key, ("report",))
    except Exception as exc:  # an entry that cannot be read: updated or computed
        log.debug("before-latest: no cached entry (%s)", exc)
        return None
    report = None if found is None else found["report"]
    return report if isinstance(report, HealthReport) else None


def _rows_before(
    path: Path, mem: duckdb.DuckDBPyConnection, dataset: Dataset, config: HealthConfig
) -> KeyResultFrames | None:
    """The per-key-result part of the state before the latest write (`mem`): the current
    content's entry updated back by what the write changed; None (compute it) when there
    is no entry to start from."""
    if not (enabled() and incremental_enabled()):
        return None
    try:
        marks = store_marks(mem, config, store_as_of(mem))
        found = previous_entry(cache_dir(path), "", marks)
        if found is None:
            return None
        return update_rows(prepare(dataset), found.previous, found.changed, config).rows
    except Exception as exc:  # an update that fails is a whole computation
        log.warning("before-latest: update failed (%s); computing whole", exc)
        return None


class Before(NamedTuple):
    """The store just before its latest write: scored key results (BEFORE_KR_COLUMNS), the
    stale list (BEFORE_STALE_COLUMNS), objectives with their status (BEFORE_OBJECTIVE_COLUMNS)
    and the day of that write (None when the log does not say)."""

    key_results: pd.DataFrame
    stale: pd.DataFrame
    objectives: pd.DataFrame
    written: date | None = None


def latest_write_day(conn: duckdb.DuckDBPyConnection) -> date | None:
    """The day the latest recorded write finished (None without one)."""
    rows = versions(conn)
    if rows.empty or pd.isna(rows["finished_at"].iloc[0]):
        return None
    return pd.Timestamp(rows["finished_at"].iloc[0]).date()


def before_latest(db: str | Path | None) -> Before | None:
    """The store just before its latest write (`Before`), at today's as-of date; None when
    there is no recorded write or nothing was scored. Read from beside the report cache when
    kept for the current content, else computed and kept (where this process may write)."""
    path = resolve_db_path(db)
    key = ""
    if enabled():
        try:
            key = current_key(path)
        except Exception as exc:  # a store the cache cannot key: computed, not kept
            log.debug("before-latest: no key (%s)", exc)
    folder = cache_dir(path)
    files = [folder / f"{BEFORE_PREFIX}{key}-{n}.parquet" for n in ("krs", "stale", "objs")]
    nothing = folder / f"{BEFORE_PREFIX}{key}-none.parquet"  # kept: nothing to compare with
    if key and nothing.exists():
        return None
    if key and all(f.exists() for f in files):
        try:
            krs, stale, objectives = (pd.read_parquet(f) for f in files)
            return Before(krs, stale, objectives, _written(path))
        except (OSError, ValueError) as exc:
            log.warning("before-latest: unreadable (%s); computing again", exc)
    found = verdict_before_latest(path)
    if found is None:
        if key and writable():
            _keep((pd.DataFrame(),), [nothing])
        return None
    frames = (
        found.key_results.reindex(columns=BEFORE_KR_COLUMNS).reset_index(drop=True),
        found.stale.reindex(columns=BEFORE_STALE_COLUMNS).reset_index(drop=True),
        found.objectives.reindex(columns=BEFORE_OBJECTIVE_COLUMNS).reset_index(drop=True),
    )
    if key and writable():
        _keep(frames, files)
    return Before(*frames, _written(path))


def _written(path: Path) -> date | None:
    try:
        with open_store(path, read_only=True) as conn:
            return latest_write_day(conn)
    except Exception as exc:  # the day is a label: a store that cannot say goes without it
        log.debug("before-latest: no day (%s)", exc)
        return None


def keep_frames(frames: tuple[pd.DataFrame, ...], files: list[Path], prefix: str) -> None:
    """Write the frames atomically beside the report cache as `files`; remove the older files
    of the same `prefix` (kept for content the store no longer has)."""
    folder = files[0].parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for frame, file in zip(frames, files, strict=True):
            partial = file.with_name(f".{file.name}.{os.getpid()}")
            frame.to_parquet(partial, index=False)
            partial.replace(file)
        for old in folder.glob(f"{prefix}*"):
            if old not in files:
                old.unlink(missing_ok=True)
    except OSError as exc:  # a folder we cannot write: computed by each reader
        log.debug("%s: not kept (%s)", prefix, exc)


def _keep(frames: tuple[pd.DataFrame, ...], files: list[Path]) -> None:
    keep_frames(frames, files, BEFORE_PREFIX)
