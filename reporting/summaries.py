"""A cycle's summary straight from the report cache, without reading the report back.

An entry of the report cache (reporting/cache.py) keeps, beside the report and its dataset,
the summary of every cycle as computed when the entry was written
(`metrics.summary.summaries_by_cycle`). `okr-health summary` asks here first: the store's
key, then that one small JSON node of the entry's manifest, so its cost no longer grows with
the check-ins it would otherwise read back to count.

The key is DuckDB's hash of every row (reporting/cache.py): a third of a second of CPU at 5M
check-ins. So the key last computed is remembered in `KEY_MEMO` beside the entries, with
what it was computed from: the store file's and its WAL's size and modification time (to
the nanosecond; any write changes them, inside this program or not), the day, the code and
the settings. While all of them are unchanged the remembered key is the key.
"""

from __future__ import annotations

import json
import logging
import os
from datetime import date
from pathlib import Path
from typing import Any

from metrics.config import DEFAULT_CONFIG
from metrics.scores.bands import score_bands
from pipelines.store.connection import open_store, resolve_db_path
from reporting.cache import cache_dir, code_fingerprint, enabled, load_entry, report_key

log = logging.getLogger(__name__)
KEY_MEMO = "last-key.json"


def _stamp(path: Path) -> list[Any]:
    """What identifies the store's bytes without reading them, and what else the key
    depends on (the day, the code, the settings)."""
    files: list[list[int] | None] = []
    for file in (path, path.with_name(path.name + ".wal")):
        try:
            stat = file.stat()
            files.append([stat.st_size, stat.st_mtime_ns, stat.st_ino])
        except FileNotFoundError:
            files.append(None)
    settings = [repr(DEFAULT_CONFIG), repr(score_bands())]
    return [files, date.today().isoformat(), code_fingerprint(), *settings]


def current_key(path: Path) -> str:
    """The store's report key; from the memo while the store file is untouched."""
    memo = cache_dir(path) / KEY_MEMO
    stamp = _stamp(path)
    try:
        known = json.loads(memo.read_text())
        if known.get("stamp") == stamp and isinstance(known.get("key"), str):
            return str(known["key"])
    except (OSError, ValueError, AttributeError):
        pass
    with open_store(path, read_only=True) as conn:
        key, _ = report_key(conn)
    if _stamp(path) == stamp:  # nothing was written meanwhile
        try:
            partial = memo.with_name(f".{KEY_MEMO}.{os.getpid()}")
            partial.write_text(json.dumps({"stamp": stamp, "key": key}))
            partial.replace(memo)
        except OSError:  # a folder we cannot write: computed each time
            pass
    return key


def cached_summary(db: str | Path | None, cycle: str | None) -> dict[str, Any] | None:
    """The summary of `cycle` (the default one when None) kept with the cached report of the
    store's current content; None when there is no such entry (or it holds no summaries,
    or not that cycle): the caller then computes it."""
    if not enabled():
        return None
    path = resolve_db_path(db)
    try:
        found = load_entry(cache_dir(path), current_key(path), names=("summaries",))
    except Exception as exc:  # no key, an unreadable entry: computed the usual way
        log.debug("summary: not from the cache (%s)", exc)
        return None
    kept = (found or {}).get("summaries")
    if not isinstance(kept, dict) or (cycle or "") not in kept:
        return None
    result: dict[str, Any] = json.loads(kept[cycle or ""])
    return result
