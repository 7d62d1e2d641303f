"""Key results: one row per key result of every objective, its kind, its template from the
bank, its owner, its title, and the flags of the planted cases (strict links, ungraded,
stale, missing start); `key_results_frame` turns the working frame into the table.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from demo_company.bank import (
    ACTIVITY,
    BAS,
    DEC,
    INC,
    METRIC_COUNT,
    METRIC_START,
    RNG,
    kr_types_of,
)
from demo_company.objectives import Objectives
from demo_company.shape import AMBITIOUS, NORMAL, Cycle, Special, Unit
from demo_company.weekly_checkins import STALE_DAYS, check_in_counts, first_check_in

TYPE_SHARES = np.array([0.40, 0.23, 0.10, 0.19, 0.08])  # increase … baseline


def key_result_skeleton(
    obj: Objectives, units: list[Unit], special: Special, running: int
) -> pd.DataFrame:
    """One row per key result with its objective's cycle, unit, level and profile."""
    n_krs = np.array(obj.n_krs)
    o = np.repeat(np.arange(len(n_krs)), n_krs)
    pos = np.arange(len(o)) - np.repeat(np.cumsum(n_krs) - n_krs, n_krs)
    unit = np.array(obj.unit)[o]
    team_ids = np.array([u.team_id for u in units], dtype=object)
    team_of_unit = np.array(
        [u.team_id if u.parent_unit is None else units[u.parent_unit].team_id for u in units],
        dtype=object,
    )
    cycle = np.array(obj.cycle)[o]
    return pd.DataFrame(
        {
            "obj": o,
            "pos": pos,
            "unit_idx": unit,
            "cycle": cycle,
            "running": cycle == running,
            "team_id": team_ids[unit],
            "level": np.array([u.level for u in units], dtype=object)[unit],
            "bank": np.array([u.bank for u in units])[unit],
            "profile": np.array([u.profile for u in units])[unit],
            "zone": team_of_unit[unit] == special["zone"],
            "overconfident": team_of_unit[unit] == special["overconfident"],
            "objective_id": np.array(obj.rows["objective_id"], dtype=object)[o],
        }
    )


def draw_kinds(rng: np.random.Generator, kr: pd.DataFrame) -> NDArray[np.int_]:
    """kr_type per key result, plus the activity key results (2–4% of each cycle)."""
    n = len(kr)
    kind = rng.choice(5, size=n, p=TYPE_SHARES)
    no_baseline = (kr["profile"].to_numpy() == AMBITIOUS) | kr["overconfident"].to_numpy()
    kind[no_baseline & (kind == BAS)] = INC
    is_team = kr["level"].to_numpy() == "team"
    candidates = (
        is_team
        & (kr["profile"].to_numpy() == NORMAL)
        & (kr["pos"].to_numpy() == 1)
        & ~kr["zone"].to_numpy()
    )
    for ci in np.unique(kr["cycle"]):
        in_cycle = kr["cycle"].to_numpy() == ci
        pool = np.flatnonzero(candidates & in_cycle)
        k = min(len(pool), max(1, round(0.03 * in_cycle.sum())))
        kind[rng.choice(pool, size=k, replace=False)] = ACTIVITY
    return kind


def pick_metrics(rng: np.random.Generator, kr: pd.DataFrame) -> NDArray[np.int_]:
    """Row of METRICS per key result: distinct within an objective, varied across teams."""
    n_obj = int(kr["obj"].max()) + 1
    offsets = rng.integers(0, 1 << 30, size=(n_obj, 6))
    kind = kr["kind"].to_numpy()
    bank = kr["bank"].to_numpy()
    nth = kr.groupby(["obj", "kind"], sort=False).cumcount().to_numpy()
    count = METRIC_COUNT[bank, kind]
    if (count == 0).any():  # the company bank has no activities
        raise ValueError("a metric bank has no template for a drawn kind")
    rows: NDArray[np.int_] = (
        METRIC_START[bank, kind] + (offsets[kr["obj"].to_numpy(), kind] + nth) % count
    )
    return rows


def draw_owners(
    rng: np.random.Generator, kr: pd.DataFrame, units: list[Unit]
) -> NDArray[np.object_]:
    """A key-result owner per key result, drawn from the unit's people.

    In sandbagging and over-ambitious teams the key results go round the team in turn, so
    that every member owns enough of them (≥ 3 per finished cycle) to be judged.
    """
    u = rng.random(len(kr))
    turn = kr.groupby("unit_idx", sort=False).cumcount().to_numpy()
    owners = []
    for i, x, k in zip(kr["unit_idx"], u, turn, strict=True):
        members = units[i].members
        pick = k % len(members) if units[i].profile != NORMAL else int(x * len(members))
        owners.append(members[pick])
    return np.array(owners, dtype=object)


def _choose(rng: np.random.Generator, mask: NDArray[np.bool_], k: int) -> NDArray[np.bool_]:
    """A boolean mask with `k` (or fewer, if not enough) randomly chosen True entries of mask."""
    pool = np.flatnonzero(mask)
    out = np.zeros(len(mask), bool)
    out[rng.choice(pool, size=min(k, len(pool)), replace=False)] = True
    return out


def mark_special_key_results(
    rng: np.random.Generator, kr: pd.DataFrame, obj: Objectives, cycles: list[Cycle], as_of: date
) -> None:
    """Flag strict-linked, ungraded, stale and missing-start key results (in place)."""
    strict_pos = {(o, p) for o, p in obj.strict_parent.values()}
    kr["strict"] = [(o, p) in strict_pos for o, p in zip(kr["obj"], kr["pos"], strict=True)]
    kind = kr["kind"].to_numpy()
    plain = (
        (kr["profile"].to_numpy() == NORMAL)
        & kr["running"].to_numpy()
        & ~kr["strict"].to_numpy()
        & ~kr["zone"].to_numpy()
        & (kr["level"] == "team")
    )
    n_running = int(kr["running"].sum())
    numeric = (kind == INC) | (kind == DEC) | (kind == RNG)
    kr["ungraded"] = _choose(rng, plain & numeric, max(3, round(n_running * 0.01)))
    free = plain & ~kr["ungraded"].to_numpy()

    per_cycle = check_in_counts(cycles, as_of)
    first = first_check_in(cycles[-1])
    last_ok = (as_of - timedelta(days=STALE_DAYS + 1) - first).days // 7  # last allowed index
    stale = np.zeros(len(kr), bool)
    if last_ok >= 2 and per_cycle[-1] > last_ok + 1:
        stale = _choose(rng, free & (kind != BAS), max(5, round(n_running * 0.015)))
    kr["stale"] = stale
    kr["stale_count"] = np.where(stale, rng.integers(3, max(last_ok, 2) + 2, len(kr)), 0)
    free &= ~stale

    wanted = (kind == INC) & free & np.isin(kr["unit_name"], ["count", "EUR"])
    kr["missing_start"] = _choose(rng, wanted, 4)


def _format_value(value: float, unit: str | None, dec: int) -> str:
    """A number as people write it in an OKR title: "EUR 1.2M", "12%", "30 h"."""
    digits = max(dec, 0)
    plain = f"{value:,.{digits}f}"
    if unit == "EUR":
        for size, suffix in ((1e6, "M"), (1e3, "k")):
            if abs(value) >= size:
                return f"EUR {f'{value / size:.2f}'.rstrip('0').rstrip('.')}{suffix}"
        return f"EUR {plain}"
    suffixes = {"%": "%", "x": "x", "h": " h", "days": " days", "min": " min", "ms": " ms"}
    return plain + suffixes.get(unit or "", "")


def kr_titles(kr: pd.DataFrame) -> list[str]:
    """Key-result titles from the templates and the drawn numbers."""
    titles = []
    for tpl, unit, dec, s, t, lo, hi, no_start in zip(
        kr["template"],
        kr["unit_name"],
        kr["dec"],
        kr["start"],
        kr["target"],
        kr["low"],
        kr["high"],
        kr["missing_start"],
        strict=True,
    ):
        if no_start:
            tpl = tpl.replace(" from {s} to {t}", " to {t}")
        fmt = {}
        if "{s}" in tpl:
            fmt["s"] = _format_value(s, unit, dec)
        if "{t}" in tpl:
            fmt["t"] = _format_value(t, unit, dec)
        if "{lo}" in tpl:
            fmt["lo"] = _format_value(lo, unit, dec)
            fmt["hi"] = _format_value(hi, unit, dec)
        titles.append(tpl.format(**fmt))
    return titles


def key_results_frame(kr: pd.DataFrame, cycles: list[Cycle]) -> pd.DataFrame:
    """The canonical key_results table from the working frame."""
    kind = kr["kind"].to_numpy()
    ends = [c.end for c in cycles]
    due = [
        ends[c] - timedelta(days=int(e)) for c, e in zip(kr["cycle"], kr["due_early"], strict=True)
    ]
    no_data = kr["strict"].to_numpy() | kr["ungraded"].to_numpy()
    return pd.DataFrame(
        {
            "kr_id": kr["kr_id"],
            "objective_id": kr["objective_id"],
            "title": kr["title"],
            "kr_type": kr_types_of(kind),
            "owner": kr["owner"],
            "unit": kr["unit_name"].where(kr["unit_name"].notna(), None),
            "start_value": kr["start"].where(~kr["missing_start"]).astype(float),
            "target_value": kr["target"].astype(float),
            "range_low": kr["low"].astype(float),
            "range_high": kr["high"].astype(float),
            "current_value": kr["current_value"].where(~no_data).astype(float),
            "manual_score": np.nan,
            "weight": np.where(kr["heavy"], 2.0, 1.0),
            "due_date": due,
        }
    )
