"""The company's shape: its cycles, its units (company, departments, teams, people) and who
sets goals how.

`build_units` lays out the organisation and draws the people's names from the bank;
`assign_profiles` picks the teams whose patterns the metrics must find (sandbagging,
over-ambitious, zone-grading, over-confident, busy). `teams_frame` is the teams table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import TypedDict

import numpy as np
import pandas as pd

from demo_company.bank import (
    COMPANY_BANK_INDEX,
    COMPANY_ID,
    COMPANY_NAME,
    DEPARTMENT_BANKS,
    FIRST_NAMES,
    LAST_NAMES,
)
from pipelines.store import schema

# Goal-setting profiles of a team.
NORMAL, SANDBAG, AMBITIOUS = range(3)


class Special(TypedDict):
    """The team ids of the planted patterns."""

    sandbag: list[str]
    ambitious: list[str]
    zone: str
    overconfident: str
    busy: list[str]  # six objectives each in the running cycle


@dataclass(frozen=True)
class Cycle:
    """An OKR cycle: one calendar quarter."""

    cycle_id: str
    name: str
    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days


@dataclass(frozen=True)
class Unit:
    """Something that owns objectives: the company, a department, a team or a person."""

    team_id: str
    level: str
    bank: int  # index into bank.BANKS
    department: str | None
    focus: str
    lead: str  # owns the unit's objectives
    members: tuple[str, ...]  # own the unit's key results
    profile: int = NORMAL
    parent_unit: int | None = None  # individual OKRs: index of the person's team


def quarter_cycles(as_of: date, n_cycles: int) -> list[Cycle]:
    """`n_cycles` calendar quarters, the last one being the quarter that contains `as_of`."""
    index = as_of.year * 4 + (as_of.month - 1) // 3
    cycles = []
    for i in range(index - n_cycles + 1, index + 1):
        year, q = divmod(i, 4)
        start = date(year, 3 * q + 1, 1)
        next_start = date(year + (q == 3), (3 * q + 3) % 12 + 1, 1)
        cycles.append(
            Cycle(f"{year}-Q{q + 1}", f"Q{q + 1} {year}", start, next_start - timedelta(days=1))
        )
    return cycles


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _people(rng: np.random.Generator, n: int) -> list[str]:
    """`n` distinct "First Last" names (with a middle initial once the plain names run out)."""
    grid = len(FIRST_NAMES) * len(LAST_NAMES)
    codes = list(rng.permutation(grid)[: min(n, grid)])
    if n > grid:
        codes += list(grid + rng.choice(grid * 26, size=n - grid, replace=False))
    names = []
    for code in codes:
        initial, rest = divmod(int(code), grid)
        first, last = FIRST_NAMES[rest // len(LAST_NAMES)], LAST_NAMES[rest % len(LAST_NAMES)]
        middle = f" {chr(ord('A') + initial - 1)}." if initial else ""
        names.append(f"{first}{middle} {last}")
    return names


def build_units(
    rng: np.random.Generator, n_departments: int, n_teams: int, individual_okrs: bool
) -> list[Unit]:
    """The company, its departments and teams (and people, for individual OKRs)."""
    if n_teams < n_departments:
        raise ValueError("need at least one team per department")
    per_dept = np.full(n_departments, n_teams // n_departments)
    per_dept[rng.permutation(n_departments)[: n_teams % n_departments]] += 1
    team_sizes = rng.choice([2, 3, 4, 5], size=n_teams, p=[0.15, 0.35, 0.3, 0.2])
    dept_staff = rng.integers(1, 3, size=n_departments)  # people besides the head
    names = iter(_people(rng, 1 + n_departments + int(dept_staff.sum()) + int(team_sizes.sum())))

    ceo = next(names)
    departments, teams, heads = [], [], []
    t = 0
    for d in range(n_departments):
        bank_index = d % len(DEPARTMENT_BANKS)
        bank = DEPARTMENT_BANKS[bank_index]
        round_ = d // len(DEPARTMENT_BANKS)
        dept_id = bank.key if round_ == 0 else f"{bank.key}-{round_ + 1}"
        dept_name = bank.name if round_ == 0 else f"{bank.name} {round_ + 1}"
        head = next(names)
        heads.append(head)
        staff = tuple(next(names) for _ in range(dept_staff[d]))
        departments.append(
            Unit(dept_id, "department", bank_index, dept_id, dept_name, head, (head, *staff))
        )
        for k in range(per_dept[d]):
            focus = bank.focuses[k % len(bank.focuses)]
            if k >= len(bank.focuses):
                focus = f"{focus} {k // len(bank.focuses) + 1}"
            people = tuple(next(names) for _ in range(team_sizes[t]))
            teams.append(
                Unit(
                    f"{dept_id}-{_slug(focus)}",
                    "team",
                    bank_index,
                    dept_id,
                    focus,
                    people[0],
                    people,
                )
            )
            t += 1
    company = Unit(
        COMPANY_ID, "company", COMPANY_BANK_INDEX, None, COMPANY_NAME, ceo, (ceo, *heads)
    )
    units = [company, *departments, *teams]
    if individual_okrs:
        first_team = 1 + n_departments
        for i, team in enumerate(teams):
            for person in team.members[1:]:
                units.append(
                    Unit(
                        f"{team.team_id}-{_slug(person)}",
                        "individual",
                        team.bank,
                        team.department,
                        team.focus,
                        person,
                        (person,),
                        parent_unit=first_team + i,
                    )
                )
    return units


def assign_profiles(rng: np.random.Generator, units: list[Unit]) -> tuple[list[Unit], Special]:
    """Pick the sandbagging, over-ambitious, zone-grading, over-confident and busy teams.

    Sandbagging teams come from different departments. Returns the units with their
    profiles (people inherit their team's) and the names of the special teams.
    """
    team_idx = [i for i, u in enumerate(units) if u.level == "team"]
    n_flag = max(2, len(team_idx) // 16)
    if len(team_idx) < 2 * n_flag + 4:
        raise ValueError("the generator needs at least 8 teams")
    order = [team_idx[i] for i in rng.permutation(len(team_idx))]
    sandbag: list[int] = []
    seen: set[str | None] = set()
    for i in order:
        if units[i].department not in seen and len(sandbag) < n_flag:
            sandbag.append(i)
            seen.add(units[i].department)
    sandbag += [i for i in order if i not in sandbag][: n_flag - len(sandbag)]
    rest = [i for i in order if i not in sandbag]
    ambitious, rest = rest[:n_flag], rest[n_flag:]
    zone, overconfident, busy = rest[0], rest[1], rest[2:4]
    profile = dict.fromkeys(sandbag, SANDBAG) | dict.fromkeys(ambitious, AMBITIOUS)
    out = [
        replace(u, profile=profile.get(i if u.parent_unit is None else u.parent_unit, NORMAL))
        for i, u in enumerate(units)
    ]
    special: Special = {
        "sandbag": [units[i].team_id for i in sandbag],
        "ambitious": [units[i].team_id for i in ambitious],
        "zone": units[zone].team_id,
        "overconfident": units[overconfident].team_id,
        "busy": [units[i].team_id for i in busy],
    }
    return out, special


def teams_frame(units: list[Unit]) -> pd.DataFrame:
    """The teams table: company, departments, teams (and individuals)."""
    dept_names = {u.team_id: u.focus for u in units if u.level == "department"}
    rows: list[tuple[str, str, str | None, str]] = []
    for u in units:
        if u.level == "company":
            rows.append((u.team_id, COMPANY_NAME, None, "company"))
        elif u.level == "department":
            rows.append((u.team_id, u.focus, COMPANY_ID, "department"))
        elif u.level == "team":
            assert u.department is not None
            rows.append((u.team_id, f"{dept_names[u.department]} {u.focus}", u.department, "team"))
        else:
            assert u.parent_unit is not None
            rows.append((u.team_id, u.lead, units[u.parent_unit].team_id, "individual"))
    return pd.DataFrame(rows, columns=schema.TEAMS.column_names)
