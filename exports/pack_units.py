"""Which unit and which cycle a closing pack is asked for: a unit or cycle by id or by name,
and the teams a unit covers (a department covers every team below it)."""

from __future__ import annotations

from datetime import date

import pandas as pd

from metrics.progress.cycle_choice import opening_cycle
from metrics.summary import ordered_cycles


class PackError(ValueError):
    """The cycle or unit asked for is not in the store (the message lists the known ones)."""


def known_units(teams: pd.DataFrame, objectives: pd.DataFrame) -> pd.DataFrame:
    """Every unit a pack can be made for: unit_id, name, level (teams named only by
    objectives are teams)."""
    listed = teams[["team_id", "name", "level"]].drop_duplicates("team_id")
    named = pd.Series(objectives["team_id"].dropna().unique(), dtype="object")
    extra = named[~named.isin(listed["team_id"])]
    frame = pd.concat(
        [listed, pd.DataFrame({"team_id": extra, "name": extra, "level": "team"})],
        ignore_index=True,
    )
    frame["name"] = frame["name"].astype("object").fillna(frame["team_id"].astype("object"))
    frame["level"] = frame["level"].astype("object").fillna("team")
    order = frame["level"].map({"company": 0, "department": 1, "team": 2}).fillna(3)
    frame = frame.assign(_order=order).sort_values(["_order", "team_id"], kind="stable")
    return frame.drop(columns="_order").rename(columns={"team_id": "unit_id"})


def _units_listing(units: pd.DataFrame) -> str:
    return ", ".join(f"{u.unit_id} ({u.name}, {u.level})" for u in units.itertuples())


def resolve_unit(teams: pd.DataFrame, objectives: pd.DataFrame, unit: str) -> pd.Series:
    """The unit row (unit_id, name, level) for an id, or for a name matched ignoring case."""
    units = known_units(teams, objectives)
    hit = units[units["unit_id"] == unit]
    if hit.empty:
        names = units["name"].astype(str).str.casefold()
        hit = units[names == str(unit).casefold()]
    if len(hit) != 1:
        problem = "ambiguous" if len(hit) > 1 else "unknown"
        raise PackError(f"{problem} team {unit!r}; known: {_units_listing(units)}")
    return hit.iloc[0]


def unit_team_ids(teams: pd.DataFrame, unit_id: str) -> set[str]:
    """The unit and every team below it (following parent_team_id down, loops ignored)."""
    members = {unit_id}
    links = teams[["team_id", "parent_team_id"]].dropna()
    for _ in range(len(links)):
        below = links["parent_team_id"].isin(members) & ~links["team_id"].isin(members)
        if not below.any():
            break
        members |= set(links.loc[below, "team_id"])
    return members


def resolve_cycle(
    cycles: pd.DataFrame, objectives: pd.DataFrame, cycle: str | None, as_of: date
) -> str:
    """A cycle id (or a cycle name, ignoring case); None means the cycle every surface opens
    on (`metrics.progress.cycle_choice.opening_cycle`)."""
    known = ordered_cycles(cycles) or sorted(objectives["cycle_id"].dropna().unique())
    if cycle is None:
        found = opening_cycle(cycles, objectives, as_of)
        if found is None and known:
            found = known[-1]
        if found is None:
            raise PackError("there are no cycles in the store")
        return found
    if cycle in known:
        return cycle
    names = cycles.set_index(cycles["name"].astype(str).str.casefold())["cycle_id"]
    if str(cycle).casefold() in names.index:
        return str(names.loc[[str(cycle).casefold()]].iloc[0])
    raise PackError(f"unknown cycle {cycle!r}; known: {', '.join(known)}")
