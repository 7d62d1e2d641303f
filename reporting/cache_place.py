"""Where a store's report cache lives, and whether this process may use or write it.

The cache is a sidecar folder beside the store (`okr.duckdb` → `okr.duckdb.cache/`).
`OKR_HEALTH_REPORT_CACHE=0` switches it off; a read-only deployment never writes it.
"""

from __future__ import annotations

import os
from pathlib import Path

from pipelines.settings import TRUE, settings
from pipelines.store.connection import resolve_db_path

ENABLE_VAR = "OKR_HEALTH_REPORT_CACHE"


def cache_dir(db: str | Path | None = None) -> Path:
    """The sidecar folder of a store: `okr.duckdb` → `okr.duckdb.cache/`."""
    path = resolve_db_path(db)
    return path.with_name(path.name + ".cache")


def enabled() -> bool:
    """False when OKR_HEALTH_REPORT_CACHE switches the cache off (0, false, no, off)."""
    raw = os.environ.get(ENABLE_VAR)
    return raw is None or raw.strip().lower() in TRUE | {""}


def writable() -> bool:
    """Whether this process may write the cache: not in a read-only deployment."""
    return enabled() and not settings().read_only
