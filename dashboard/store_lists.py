"""The names the sidebar and the Owner page offer, from the report's frames: computed once
per frame (dashboard/memo.py keeps them while the loaded store lives), not on every run."""

from __future__ import annotations

import pandas as pd

from dashboard.memo import memoized


@memoized(max_entries=8)
def departments(objectives: pd.DataFrame) -> tuple[str, ...]:
    """The departments of `objectives`, sorted."""
    return tuple(sorted(objectives["department"].dropna().unique()))


@memoized(max_entries=8)
def teams_by_department(objectives: pd.DataFrame) -> dict[str | None, tuple[str, ...]]:
    """The teams of `objectives`, sorted, per department (None: every team)."""
    every = tuple(sorted(objectives["team"].dropna().unique()))
    teams: dict[str | None, tuple[str, ...]] = {None: every}
    for department, rows in objectives.groupby("department", sort=False):
        teams[str(department)] = tuple(sorted(rows["team"].dropna().unique()))
    return teams


@memoized(max_entries=8)
def levels(objectives: pd.DataFrame) -> frozenset[str]:
    """The objective levels `objectives` holds."""
    return frozenset(objectives["level"].dropna().unique())


@memoized(max_entries=8)
def owners(objectives: pd.DataFrame, key_results: pd.DataFrame) -> tuple[str, ...]:
    """Everyone who owns an objective or holds a key result, sorted."""
    return tuple(sorted(
        set(key_results["owner"].dropna().astype(str))
        | set(objectives["owner"].dropna().astype(str))
    ))  # fmt: skip


@memoized(max_entries=8)
def objective_ids(objectives: pd.DataFrame) -> frozenset[str]:
    """Every objective id of `objectives` (what an address's `id` is checked against)."""
    return frozenset(objectives["objective_id"].astype(str))


@memoized(max_entries=64)
def objective_titles(objectives: pd.DataFrame) -> tuple[tuple[str, ...], dict[str, str]]:
    """The objectives' ids in the order of their titles, and each id's title (the Objective
    page's picker)."""
    titles = objectives.set_index("objective_id")["title"].astype("object")
    names = {str(oid): str(title) for oid, title in titles.items()}
    return tuple(sorted(names, key=lambda oid: names[oid])), names
