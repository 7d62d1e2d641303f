"""A cycle's summary straight from the report cache, without reading the report back.

An entry of the report cache (reporting/cache.py) keeps, beside the report and its dataset,
the summary of every cycle as computed when the entry was written
(`metrics.summary.summaries_by_cycle`). `okr-health summary` asks here first: the store's
key (DuckDB hashes its content), then that one small JSON node of the entry's manifest, so
its cost no longer grows with the check-ins it would otherwise read back to count.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from pipelines.store.connection import open_store, resolve_db_path
from reporting.cache import cache_dir, enabled, load_entry, report_key

log = logging.getLogger(__name__)


def cached_summary(db: str | Path | None, cycle: str | None) -> dict[str, Any] | None:
    """The summary of `cycle` (the default one when None) kept with the cached report of the
    store's current content; None when there is no such entry (or it holds no summaries,
    or not that cycle): the caller then computes it."""
    if not enabled():
        return None
    path = resolve_db_path(db)
    try:
        with open_store(path, read_only=True) as conn:
            key, _ = report_key(conn)
        found = load_entry(cache_dir(path), key, names=("summaries",))
    except Exception as exc:  # no key, an unreadable entry: computed the usual way
        log.debug("summary: not from the cache (%s)", exc)
        return None
    kept = (found or {}).get("summaries")
    if not isinstance(kept, dict) or (cycle or "") not in kept:
        return None
    result: dict[str, Any] = json.loads(kept[cycle or ""])
    return result
