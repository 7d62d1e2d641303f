"""Objectives and their alignment: how many each unit sets per cycle, their titles, and how
they link upward (directional, strict, orphan, broken).

Built as plain column lists (`Objectives`), since the key-result stage later retitles the
strictly linked ones and one link is broken at the end.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from demo_company.bank import BANKS, OBJECTIVE_DESCRIPTIONS
from demo_company.shape import NORMAL, Cycle, Special, Unit
from pipelines.store import schema


@dataclass
class Objectives:
    """Objective columns plus what the key-result stage needs to know about each objective."""

    rows: dict[str, list[Any]]
    unit: list[int]
    cycle: list[int]
    n_krs: list[int]
    strict_parent: dict[int, tuple[int, int]]  # child objective -> (dept objective, kr pos)


def _kr_count(rng: np.random.Generator) -> int:
    return int(rng.choice([2, 3, 4], p=[0.2, 0.45, 0.35]))


def build_objectives(
    rng: np.random.Generator, units: list[Unit], cycles: list[Cycle], special: Special
) -> Objectives:
    """Objectives per cycle and unit, linked upward (directional, strict, orphan).

    The last company objective of every cycle gets no supporting objective. About one team
    objective in eight (normal teams only) links strictly to a key result of a department
    objective; about one in twenty-five is an orphan, as is one department objective in
    twenty.
    """
    cols = schema.OBJECTIVES.column_names
    obj = Objectives({c: [] for c in cols}, [], [], [], {})
    running = len(cycles) - 1
    busy = set(special["busy"])
    unit_of = {u.team_id: i for i, u in enumerate(units)}

    def add(ci: int, ui: int, n: int, title: str, parent: str | None, n_krs: int) -> int:
        u, c = units[ui], cycles[ci]
        index = len(obj.unit)
        row = {
            "objective_id": f"{c.cycle_id}-{u.team_id}-o{n}",
            "cycle_id": c.cycle_id,
            "title": title,
            "team_id": u.team_id,
            "owner": u.lead,
            "level": u.level,
            "parent_objective_id": parent,
            "parent_kr_id": None,
            "weight": 2.0 if rng.random() < 0.05 else 1.0,
            "description": (
                OBJECTIVE_DESCRIPTIONS[rng.integers(len(OBJECTIVE_DESCRIPTIONS))]
                if rng.random() < 0.5
                else None
            ),
        }
        for k in cols:
            obj.rows[k].append(row.get(k))
        obj.unit.append(ui)
        obj.cycle.append(ci)
        obj.n_krs.append(n_krs)
        return index

    for ci in range(len(cycles)):
        by_unit: dict[int, list[int]] = {}
        strict_pool: dict[str, list[tuple[int, int]]] = {}
        for ui, u in enumerate(units):
            bank = BANKS[u.bank]
            if u.level in ("company", "department"):
                titles = bank.objectives
                n = int(rng.integers(3, 5))
            elif u.level == "team":
                titles = tuple(t.format(f=u.focus) for t in bank.team_objectives)
                n = 6 if (ci == running and u.team_id in busy) else int(rng.integers(3, 6))
            else:
                titles = tuple(t.format(f=u.focus) for t in bank.team_objectives)
                n = int(rng.integers(1, 3))
            picked = [titles[i] for i in rng.permutation(len(titles))[:n]]
            created = []
            for n_obj, title in enumerate(picked, 1):
                parent = _pick_parent(rng, units, ui, by_unit, obj, unit_of)
                created.append(add(ci, ui, n_obj, title, parent, _kr_count(rng)))
            by_unit[ui] = created
            if u.level == "department":
                strict_pool[u.team_id] = [(o, k) for o in created for k in range(obj.n_krs[o])]
                order = rng.permutation(len(strict_pool[u.team_id]))
                strict_pool[u.team_id] = [strict_pool[u.team_id][k] for k in order]
        _link_strictly(rng, units, obj, [i for v in by_unit.values() for i in v], strict_pool)
    return obj


def _pick_parent(
    rng: np.random.Generator,
    units: list[Unit],
    ui: int,
    by_unit: dict[int, list[int]],
    obj: Objectives,
    unit_of: dict[str, int],
) -> str | None:
    """The directional parent objective id (or None for an orphan or a top objective)."""
    u = units[ui]
    ids: list[str] = obj.rows["objective_id"]
    if u.level == "company":
        return None
    if u.level == "department":
        supported = by_unit[0][:-1]  # the last company objective stays unsupported
        if rng.random() < 0.05:
            return None
        return ids[supported[rng.integers(len(supported))]]
    if u.level == "individual":
        assert u.parent_unit is not None
        team_objs = by_unit[u.parent_unit]
        return ids[team_objs[rng.integers(len(team_objs))]]
    if rng.random() < 0.04:
        return None
    assert u.department is not None
    dept_objs = by_unit[unit_of[u.department]]
    return ids[dept_objs[rng.integers(len(dept_objs))]]


def _link_strictly(
    rng: np.random.Generator,
    units: list[Unit],
    obj: Objectives,
    created: list[int],
    strict_pool: dict[str, list[tuple[int, int]]],
) -> None:
    """Turn 12% of a cycle's team objectives into strict links (normal teams only, in place).

    The chosen objectives drop their directional parent and point at a key result of one
    of their department's objectives (each such key result is used once).
    """
    teams = [i for i in created if units[obj.unit[i]].level == "team"]
    eligible = [
        i
        for i in teams
        if units[obj.unit[i]].profile == NORMAL and obj.rows["parent_objective_id"][i] is not None
    ]
    wanted = round(0.12 * len(teams))
    for i in (eligible[j] for j in rng.permutation(len(eligible))):
        if wanted == 0:
            break
        pool = strict_pool.get(units[obj.unit[i]].department, [])
        if pool:
            obj.strict_parent[i] = pool.pop()
            obj.rows["parent_objective_id"][i] = None
            wanted -= 1


def single_kr_objectives(
    rng: np.random.Generator, obj: Objectives, units: list[Unit], running: int, special: Special
) -> list[int]:
    """Two team objectives of normal teams in the running cycle get a single key result."""
    excluded = {special["zone"], special["overconfident"]}
    candidates = [
        i
        for i, (ui, ci) in enumerate(zip(obj.unit, obj.cycle, strict=True))
        if ci == running
        and units[ui].level == "team"
        and units[ui].profile == NORMAL
        and units[ui].team_id not in excluded
        and i not in obj.strict_parent
    ]
    chosen = [candidates[i] for i in rng.choice(len(candidates), size=2, replace=False)]
    for i in chosen:
        obj.n_krs[i] = 1
    return chosen


def retitle_strict_children(obj: Objectives, kr: pd.DataFrame) -> None:
    """A strictly linked objective *is* its parent key result: same title, parent_kr_id set."""
    kr_index = {(o, p): i for i, (o, p) in enumerate(zip(kr["obj"], kr["pos"], strict=True))}
    for child, (parent_obj, pos) in obj.strict_parent.items():
        i = kr_index[(parent_obj, pos)]
        obj.rows["parent_kr_id"][child] = kr["kr_id"].iat[i]
        obj.rows["title"][child] = kr["title"].iat[i]


def break_one_link(rng: np.random.Generator, obj: Objectives, units: list[Unit]) -> str:
    """Point one directional link of a normal team at an objective that no longer exists."""
    target_cycle = 1 if max(obj.cycle) >= 1 else 0
    candidates = [
        i
        for i, (ui, ci) in enumerate(zip(obj.unit, obj.cycle, strict=True))
        if ci == target_cycle
        and units[ui].level == "team"
        and units[ui].profile == NORMAL
        and obj.rows["parent_objective_id"][i] is not None
    ]
    i = candidates[rng.integers(len(candidates))]
    ids: list[str] = obj.rows["objective_id"]
    existing = set(ids)
    parent = obj.rows["parent_objective_id"][i]
    stem = parent.rsplit("-o", 1)[0]
    n = 9
    while f"{stem}-o{n}" in existing:
        n += 1
    obj.rows["parent_objective_id"][i] = f"{stem}-o{n}"
    return ids[i]
