"""The store's earlier versions a brief compares with (I/O): the scored key results before
the latest import (reporting/versions.py keeps them beside the report cache) and the store
as it stood at the end of the day a week before the report's as-of date (`--at`), kept
beside the report cache too under the current content's key and that day, so that only the
first reader after an import pays for analysing the older store."""

from __future__ import annotations

import logging
from datetime import date, timedelta
from pathlib import Path

import pandas as pd

from pipelines.store.undo import UndoError
from reporting.brief.changes import Earlier, History
from reporting.cache_place import cache_dir, enabled, writable
from reporting.summaries import current_key
from reporting.versions import (
    BEFORE_KR_COLUMNS,
    BEFORE_STALE_COLUMNS,
    before_latest,
    keep_frames,
    load_at,
)

log = logging.getLogger(__name__)
WEEK = timedelta(days=7)
PREFIX = "brief-week-"


def _computed(db: str | Path, day: date) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    try:
        found = load_at(db, day.isoformat())
    except (UndoError, ValueError) as exc:  # no version that old
        log.debug("brief: no store on %s (%s)", day, exc)
        return None
    if found.report is None:
        return None
    return (
        found.report.key_results.reindex(columns=BEFORE_KR_COLUMNS).reset_index(drop=True),
        found.report.stale.reindex(columns=BEFORE_STALE_COLUMNS).reset_index(drop=True),
    )


def _kept(db: str | Path, day: date) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """The frames of the store on `day`, read from beside the report cache when kept for the
    current content, else computed and kept (where this process may write)."""
    path = Path(db)
    key = ""
    if enabled():
        try:
            key = current_key(path)
        except Exception as exc:  # a store the cache cannot key: computed, not kept
            log.debug("brief: no key (%s)", exc)
    if not key:
        return _computed(db, day)
    folder = cache_dir(path)
    stem = f"{PREFIX}{key}-{day.isoformat()}"
    files = [folder / f"{stem}-{n}.parquet" for n in ("krs", "stale", "none")]
    if files[2].exists():
        return None
    if files[0].exists() and files[1].exists():
        try:
            return pd.read_parquet(files[0]), pd.read_parquet(files[1])
        except (OSError, ValueError) as exc:
            log.warning("brief: unreadable (%s); computing again", exc)
    frames = _computed(db, day)
    if writable():
        kept = (pd.DataFrame(),) if frames is None else frames
        keep_frames(kept, files[2:] if frames is None else files[:2], PREFIX)
    return frames


def last_week(db: str | Path, as_of: date) -> Earlier | None:
    """The store as it stood at the end of the day a week before `as_of`; None when it held
    nothing then."""
    day = as_of - WEEK
    found = _kept(db, day)
    return None if found is None else Earlier("last week", day, *found)


def store_history(db: str | Path, as_of: date) -> History:
    """What a brief of the store at `db` compares with (reporting/brief/changes.py)."""
    before = before_latest(db)
    last_import = (
        None
        if before is None
        else Earlier("the last import", None, before.key_results, before.stale)
    )
    return History(last_import, last_week(db, as_of))
