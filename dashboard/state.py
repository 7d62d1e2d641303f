"""The dashboard's only door to the store: cached loading and the global filters.

The store is opened read-only for the moment of a read and closed again, so a command-line
import can write while the dashboard is open; results are cached per store version, so
a landed import is seen on the next interaction and a filter change costs no database trip.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st

from metrics.rollups import attach_units
from metrics.scoring import Scores, score_all
from metrics.summary import default_cycle, ordered_cycles
from pipelines.store import Dataset, open_store, read_dataset, resolve_db_path, store_version

FILTER_KEYS = ("cycle", "department", "team", "level")
ALL = "All"


@dataclass(frozen=True)
class Loaded:
    """What every page works on: the raw tables and their scores."""

    dataset: Dataset
    scores: Scores

    @property
    def objectives(self) -> pd.DataFrame:
        """Scored objectives with team, department and cycle attached."""
        return attach_units(self.scores.objectives, self.dataset.teams)

    @property
    def key_results(self) -> pd.DataFrame:
        """Scored key results with their objective's team, department and level."""
        units = self.objectives[["objective_id", "team_id", "team", "department", "level"]]
        return self.scores.key_results.merge(units, on="objective_id", how="left")


@st.cache_data(max_entries=4, show_spinner="Loading OKRs…")
def _load(db_path: str, version: float) -> Loaded:
    with open_store(db_path, read_only=True) as conn:
        dataset = read_dataset(conn)
    scores = score_all(dataset.objectives, dataset.key_results, dataset.check_ins)
    return Loaded(dataset=dataset, scores=scores)


def db_path() -> Path:
    return resolve_db_path()


def load() -> Loaded | None:
    """The store's data, or None when there is no store or it holds no OKRs yet."""
    path = db_path()
    if not path.exists():
        return None
    loaded = _load(str(path), store_version(path))
    return None if loaded.dataset.is_empty else loaded


def cycle_options(loaded: Loaded) -> list[str]:
    return ordered_cycles(loaded.dataset.cycles)


def running_cycle(loaded: Loaded) -> str | None:
    return default_cycle(loaded.dataset.cycles, loaded.dataset.reference_date())


def selected(key: str) -> str | None:
    """The value of a global sidebar filter, None for 'All' or unset."""
    value = st.session_state.get(key)
    return None if value in (None, ALL) else str(value)


def filter_objectives(objectives: pd.DataFrame) -> pd.DataFrame:
    """Objectives narrowed by the sidebar's department, team and level (not cycle)."""
    out = objectives
    for key, column in (("department", "department"), ("team", "team"), ("level", "level")):
        value = selected(key)
        if value is not None and column in out.columns:
            out = out[out[column] == value]
    return out


def show_empty_store() -> None:
    """What a page shows when there is nothing to analyse yet."""
    st.info(
        "There are no OKRs in the store yet "
        f"(`{db_path()}`).\n\n"
        "- Load the demo company: `okr-health demo`\n"
        "- Or load your own spreadsheet on the **Data** page, or with "
        "`okr-health ingest FILE.xlsx`."
    )
