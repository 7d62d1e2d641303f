"""Reports of the store as it stood: `--at` and the Overview's "Since the last import".

Computed from the change log (pipelines.store.history) in memory and not cached: an entry
would replace the current content's in the report cache (reporting/cache.py).
"""

from __future__ import annotations

from pathlib import Path

from metrics.config import DEFAULT_CONFIG, HealthConfig
from metrics.report import analyse
from pipelines.store.connection import open_store, resolve_db_path
from pipelines.store.dataset import read_dataset
from pipelines.store.history import version_ids_after
from pipelines.store.undo import dataset_at, state_at
from reporting.cache import StoreReport, running_same_point, store_as_of


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
        if not ids:
            return None
        mem = state_at(conn, ids[0] - 1, store_as_of(conn))
    try:
        dataset = read_dataset(mem)
    finally:
        mem.close()
    if dataset.is_empty:
        return StoreReport(dataset, None, "", "computed")
    return StoreReport(dataset, analyse(dataset, config), "", "computed")
