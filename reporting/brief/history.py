"""The store's earlier versions a brief compares with (I/O): the scored key results before
the latest import (reporting/versions.py keeps them beside the report cache) and the store
as it stood at the end of the day a week before the report's as-of date (`--at`)."""

from __future__ import annotations

import logging
from datetime import date, timedelta
from pathlib import Path

from pipelines.store.undo import UndoError
from reporting.brief.changes import Earlier, History
from reporting.versions import BEFORE_KR_COLUMNS, BEFORE_STALE_COLUMNS, before_latest, load_at

log = logging.getLogger(__name__)
WEEK = timedelta(days=7)


def last_week(db: str | Path, as_of: date) -> Earlier | None:
    """The store as it stood at the end of the day a week before `as_of`; None when it held
    nothing then."""
    day = as_of - WEEK
    try:
        found = load_at(db, day.isoformat())
    except (UndoError, ValueError) as exc:  # no version that old
        log.debug("brief: no store a week ago (%s)", exc)
        return None
    if found.report is None:
        return None
    return Earlier(
        "last week",
        day,
        found.report.key_results.reindex(columns=BEFORE_KR_COLUMNS).reset_index(drop=True),
        found.report.stale.reindex(columns=BEFORE_STALE_COLUMNS).reset_index(drop=True),
    )


def store_history(db: str | Path, as_of: date) -> History:
    """What a brief of the store at `db` compares with (reporting/brief/changes.py)."""
    before = before_latest(db)
    last_import = None if before is None else Earlier("the last import", None, *before)
    return History(last_import, last_week(db, as_of))
