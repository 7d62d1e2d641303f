"""The check-ins: weekly updates of every key result, on a fixed weekday, up to the date the
demo is seen from.

Each key result's progress follows a path to its planned current value (a quick climb for
sandbagging teams, an early stall for over-ambitious ones); the values, zone grades, stated
confidence, status and notes are read off that path.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from demo_company.bank import BAS, CHECK_IN_NOTES, DEC, INC, MIL, RNG
from demo_company.numbers import ZONES, round_to
from demo_company.shape import AMBITIOUS, SANDBAG, Cycle

CHECK_IN_WEEKDAY = 3  # Thursday
STALE_DAYS = 14  # a key result without a check-in for longer is stale


def first_check_in(cycle: Cycle) -> date:
    """The first check-in day of a cycle: its first CHECK_IN_WEEKDAY."""
    return cycle.start + timedelta(days=(CHECK_IN_WEEKDAY - cycle.start.weekday()) % 7)


def check_in_counts(cycles: list[Cycle], as_of: date) -> NDArray[np.int_]:
    """Weekly check-ins per cycle, from its first check-in day up to min(end, as_of)."""
    counts = []
    for c in cycles:
        last = min(c.end, as_of)
        first = first_check_in(c)
        counts.append(0 if first > last else (last - first).days // 7 + 1)
    return np.array(counts)


def _progress_paths(
    rng: np.random.Generator, kr: pd.DataFrame, ci: pd.DataFrame
) -> NDArray[np.float64]:
    """Progress (1.0 = target) at each check-in, ending exactly at the planned current."""
    k = ci["k"].to_numpy()
    t_rel, t_cyc = ci["t_rel"].to_numpy(), ci["t_cyc"].to_numpy()
    cur = kr["current"].to_numpy()[k]
    profile = kr["profile"].to_numpy()[k]
    n = len(kr)
    gamma = rng.uniform(0.6, 1.6, n)[k]
    wobble = rng.normal(0, 0.06, len(ci)) * 4 * t_rel * (1 - t_rel)
    normal = np.maximum(cur * t_rel**gamma + wobble, -0.05)
    reach = rng.uniform(0.1, 0.25, n)[k]
    t_last = kr["t_last"].to_numpy()[k]
    after = np.clip((t_cyc - reach) / np.maximum(t_last - reach, 1e-9), 0, 1)
    sandbag = np.where(t_cyc < reach, t_cyc / reach, 1 + (cur - 1) * after)
    # over-ambitious: a little progress early on, then hardly anything
    head_start = rng.uniform(0.7, 0.95, n)[k]
    ambitious = cur * (head_start + (1 - head_start) * np.floor(t_rel * 3 + 1e-9) / 3)
    path = np.select([profile == SANDBAG, profile == AMBITIOUS], [sandbag, ambitious], normal)

    kind = kr["kind"].to_numpy()[k]
    done_at = np.where(kr["profile"].to_numpy() == SANDBAG, 0.0, rng.uniform(0.3, 1.0, n))[k]
    milestone = (cur >= 1) & np.where(profile == SANDBAG, t_cyc >= reach, t_rel >= done_at)
    recorded_at = np.where(kr["profile"].to_numpy() == SANDBAG, 0.0, rng.uniform(0, 0.6, n))[k]
    baseline = (cur >= 1) & (t_rel >= recorded_at)
    return np.select([kind == MIL, kind == BAS], [milestone * 1.0, baseline * 1.0], path)


def _values(rng: np.random.Generator, kr: pd.DataFrame, ci: pd.DataFrame) -> NDArray[np.float64]:
    """Check-in values from progress: start + p × (target − start), ranges and baselines aside."""
    k = ci["k"].to_numpy()
    p = ci["progress"].to_numpy()
    g = kr[
        ["kind", "start", "target", "low", "high", "dec", "range_inside", "base_value", "cap"]
    ].iloc[k]
    kind = g["kind"].to_numpy()
    start, target = g["start"].to_numpy(), g["target"].to_numpy()
    low, high = g["low"].to_numpy(), g["high"].to_numpy()
    dec = g["dec"].to_numpy()
    step = 10.0**-dec
    flat = np.abs(target - start) < step / 2
    direction = np.where(kind == DEC, -1.0, 1.0)
    linear = start + p * (target - start) + flat * direction * np.maximum(p - 1, 0) * step
    below = start < low
    bound, other = np.where(below, low, high), np.where(below, high, low)
    outside = np.where(
        p < 1, start + p * (bound - start), bound + np.minimum(p - 1, 0.9) * (other - bound)
    )
    wander = np.clip(start + rng.normal(0, 0.12, len(ci)) * (high - low), low, high)
    in_range = g["range_inside"].to_numpy()
    ranged = np.where(in_range, wander, outside)
    measured = np.where(p >= 1, g["base_value"].to_numpy() * rng.normal(1, 0.03, len(ci)), np.nan)
    value = np.select([kind == RNG, kind == MIL, kind == BAS], [ranged, p, measured], linear)
    value = np.minimum(value, g["cap"].to_numpy())
    value = np.where((kind == DEC) | (kind == INC), np.maximum(value, 0), value)
    return round_to(value, dec)


def _confidence(
    rng: np.random.Generator, kr: pd.DataFrame, ci: pd.DataFrame
) -> NDArray[np.float64]:
    """Stated confidence: roughly calibrated for normal teams, not for the special ones."""
    k = ci["k"].to_numpy()
    t = ci["t_cyc"].to_numpy()
    g = kr[["final", "profile", "overconfident"]].iloc[k]
    final = np.clip(g["final"].to_numpy(), 0, 1)
    profile = g["profile"].to_numpy()
    noise = rng.normal(0, 0.08, len(ci))
    calibrated = 0.65 * (1 - t) + final * t + noise
    conf = np.select(
        [g["overconfident"].to_numpy(), profile == SANDBAG, profile == AMBITIOUS],
        [
            rng.uniform(0.85, 0.95, len(ci)),
            rng.uniform(0.9, 1.0, len(ci)),
            0.5 * (1 - t) + 0.15 * t + noise / 2,
        ],
        calibrated,
    )
    rounded: NDArray[np.float64] = np.round(np.clip(conf, 0.05, 1.0) * 20) / 20
    return rounded


def build_check_ins(
    rng: np.random.Generator, kr: pd.DataFrame, cycles: list[Cycle], as_of: date
) -> pd.DataFrame:
    """Weekly check-ins (fixed weekday) for every key result with data of its own.

    Also sets the working columns `current_value` (the last check-in value) and
    `last_check_in` of `kr`.
    """
    per_cycle = check_in_counts(cycles, as_of)
    cyc = kr["cycle"].to_numpy()
    counts = per_cycle[cyc].copy()
    counts[kr["strict"].to_numpy() | kr["ungraded"].to_numpy()] = 0
    counts = np.where(kr["stale"].to_numpy(), kr["stale_count"].to_numpy(), counts)
    first_off = np.array([(first_check_in(c) - c.start).days for c in cycles])
    length = np.array([c.days for c in cycles], dtype=float)
    kr["t_last"] = (first_off[cyc] + 7 * np.maximum(counts - 1, 0)) / length[cyc]

    k = np.repeat(np.arange(len(kr)), counts)
    j = np.arange(len(k)) - np.repeat(np.cumsum(counts) - counts, counts)
    last = np.repeat(counts - 1, counts)
    ci = pd.DataFrame(
        {
            "k": k,
            "t_rel": np.where(last > 0, j / np.maximum(last, 1), 1.0),
            "t_cyc": (first_off[cyc[k]] + 7 * j) / length[cyc[k]],
        }
    )
    ci["progress"] = _progress_paths(rng, kr, ci)
    value = _values(rng, kr, ci)
    zone = kr["zone"].to_numpy()[k]
    score = np.clip(ci["progress"].to_numpy(), 0, 1)
    score = np.where(kr["range_inside"].to_numpy()[k], 1.0, score)
    grade = ZONES[np.abs(score[:, None] - ZONES[None, :]).argmin(axis=1)]

    t = ci["t_cyc"].to_numpy()
    words = np.array(list(CHECK_IN_NOTES), dtype=object)  # on track, behind, at risk
    code = np.select([score >= 0.8 * t - 0.05, score >= 0.5 * t - 0.05], [0, 1], 2)
    note_table = np.array(list(CHECK_IN_NOTES.values()), dtype=object)
    pick = rng.integers(0, note_table.shape[1], len(ci))
    notes = np.where(rng.random(len(ci)) < 0.6, note_table[code, pick], None)
    status = words[code]
    first_day = np.array([np.datetime64(first_check_in(c)) for c in cycles])
    minutes = rng.integers(8 * 60, 18 * 60, len(ci))
    checked_at = (first_day[cyc[k]] + (7 * j).astype("timedelta64[D]")).astype(
        "datetime64[s]"
    ) + minutes.astype("timedelta64[m]")
    value = np.where(zone, np.nan, value)
    kr["current_value"] = pd.Series(value).groupby(k).last().reindex(range(len(kr))).to_numpy()
    kr["last_check_in"] = pd.Series(checked_at).groupby(k).max().reindex(range(len(kr))).to_numpy()
    return pd.DataFrame(
        {
            "kr_id": kr["kr_id"].to_numpy()[k],
            "checked_at": pd.to_datetime(checked_at),
            "value": value,
            "grade": np.where(zone, grade, np.nan),
            "confidence": _confidence(rng, kr, ci),
            "status": status,
            "note": notes,
            "author": kr["owner"].to_numpy()[k],
        }
    )
