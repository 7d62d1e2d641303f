"""The roster file (people and teams) that programme health's participation counts against:
a CSV with the columns person and team, named by `--roster FILE` or $OKR_HEALTH_ROSTER
(docs/metrics.md, "Programme health")."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from metrics.programme.health import read_roster
from pipelines.settings import PREFIX, SettingsError

VARIABLE = PREFIX + "ROSTER"


def roster_of(path: Path | None = None) -> pd.DataFrame | None:
    """The roster at `path` (else $OKR_HEALTH_ROSTER), None when neither names one. Raises
    SettingsError naming the file when it cannot be read or lacks a column."""
    if path is None and os.environ.get(VARIABLE):
        path = Path(os.environ[VARIABLE])
    if path is None:
        return None
    try:
        rows = pd.read_csv(path, dtype="string", keep_default_na=False, encoding="utf-8-sig")
        return read_roster(rows)
    except (OSError, ValueError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise SettingsError(f"roster {path}: {exc}") from None
