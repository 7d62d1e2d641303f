"""The numbers and their planted patterns: start, target and range bounds of every key
result, where each one ends the cycle and where it stands now, and the closing grades.

The goal-setting profiles are planted here: over-ambitious teams set far targets and end
low; sandbagging teams set easy targets and end beyond them. Normal owners and teams are
redrawn until none of them looks like either (`repair_normal_scores`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from demo_company.bank import ACTIVITY, BAS, DEC, INC, METRICS, MIL, RNG
from demo_company.shape import AMBITIOUS, NORMAL, SANDBAG, Unit

ZONES = np.array([0.0, 0.3, 0.7, 1.0])  # the grades of a team that grades in zones


def draw_numbers(rng: np.random.Generator, kr: pd.DataFrame) -> pd.DataFrame:
    """start, target, range bounds per key result, shaped by the team's goal-setting profile.

    Over-ambitious teams set targets 2.5–4 times further away; sandbagging teams set targets
    at or 0.5–3% beyond the start, and start range key results inside the range.
    """
    m = METRICS.iloc[kr["metric"].to_numpy()].reset_index(drop=True)
    n = len(kr)
    kind, profile = kr["kind"].to_numpy(), kr["profile"].to_numpy()
    dec = m["dec"].to_numpy()
    step = 10.0**-dec
    a, b, c, d = (m[x].to_numpy() for x in "abcd")
    start = round_to(a + rng.random(n) * (b - a), dec)
    gain = c + rng.random(n) * (d - c)
    gain = np.where(profile == AMBITIOUS, gain * rng.uniform(2.5, 4.0, n), gain)
    cap = m["cap"].to_numpy()
    ceiling = np.where(np.isfinite(cap), cap - step, np.inf)

    up = np.minimum(start * (1 + gain), ceiling)
    down = start * (1 - np.minimum(gain, 0.85))
    target = round_to(np.where(kind == DEC, down, up), dec)
    direction = np.where(kind == DEC, -1.0, 1.0)
    easy = round_to(start * (1 + direction * rng.uniform(0.005, 0.03, n)), dec)
    easy = np.where(np.abs(easy - start) < step / 2, start + direction * step, easy)
    easy = np.where(rng.random(n) < 0.15, start, np.minimum(easy, np.maximum(ceiling, start)))
    target = np.where(profile == SANDBAG, easy, target)
    normal_bad = (profile != SANDBAG) & (np.abs(target - start) < step / 2)
    target = np.where(normal_bad & (kind == DEC), start - step, target)
    target = np.where(normal_bad & (kind != DEC), start + step, target)

    low, high = np.where(kind == RNG, a, np.nan), np.where(kind == RNG, b, np.nan)
    width = b - a
    side = rng.random(n)
    outside = np.where(
        side < 0.5, a - width * rng.uniform(0.15, 0.8, n), b + width * rng.uniform(0.15, 0.8, n)
    )
    inside = a + width * rng.uniform(0.2, 0.8, n)
    wants_inside = np.where(
        profile == SANDBAG, True, np.where(profile == AMBITIOUS, False, rng.random(n) < 0.3)
    )
    range_start = round_to(np.where(wants_inside, inside, outside), dec)

    activity_target = np.round(c + rng.random(n) * (d - c))
    out = pd.DataFrame(
        {
            "start": np.select(
                [kind == RNG, kind == MIL, kind == BAS, kind == ACTIVITY],
                [range_start, 0.0, np.nan, 0.0],
                start,
            ),
            "target": np.select(
                [kind == RNG, kind == MIL, kind == BAS, kind == ACTIVITY],
                [np.nan, 1.0, np.nan, activity_target],
                target,
            ),
            "low": low,
            "high": high,
            "dec": dec,
            "cap": cap,
            "unit_name": m["unit"].to_numpy(),
            "template": m["template"].to_numpy(),
            "base_value": round_to(a + rng.random(n) * (b - a), dec),
        }
    )
    out["range_inside"] = (kind == RNG) & (out["start"] >= a) & (out["start"] <= b)
    return out


def round_to(values: NDArray[np.float64], dec: NDArray[np.int_]) -> NDArray[np.float64]:
    """Round each value to its own number of decimals (negative: tens, hundreds …)."""
    scale = 10.0**dec
    return np.round(values * scale) / scale


def _draw_normal(
    rng: np.random.Generator, kr: pd.DataFrame, tight: bool
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """(final, current) progress for normal teams' key results.

    The first draw mixes some maxed (1.0–1.25) and some low (0.05–0.38) key results into a
    broad middle; the `tight` redraw used by the repair stays in the middle. The
    over-confident team ends lower (mostly 0.28–0.6). Running cycle: current = final × pace.
    """
    n = len(kr)
    kind = kr["kind"].to_numpy()
    running, overconf = kr["running"].to_numpy(), kr["overconfident"].to_numpy()
    if tight:
        numeric = np.where(overconf, rng.uniform(0.4, 0.65, n), rng.uniform(0.5, 0.9, n))
        done_p = np.where(overconf, 0.35, 0.5)
    else:
        u = rng.random(n)
        maxed, low = np.where(overconf, 0.0, 0.1), np.where(overconf, 0.1, 0.25)
        mid_lo, mid_hi = np.where(overconf, 0.28, 0.42), np.where(overconf, 0.6, 0.97)
        numeric = np.select(
            [u < maxed, u < low],
            [rng.uniform(1.0, 1.25, n), rng.uniform(0.05, 0.38, n)],
            mid_lo + rng.random(n) * (mid_hi - mid_lo),
        )
        done_p = np.where(overconf, 0.35, 0.6)
    pace = np.where(overconf, rng.uniform(0.7, 0.95, n), rng.uniform(0.45, 0.8, n))
    pace = np.where(running, pace, 1.0)
    done_final = rng.random(n) < done_p
    done_now = done_final & (~running | (rng.random(n) < 0.5))
    recorded = ~running | (rng.random(n) < 0.85)
    stale_share = rng.uniform(0.2, 0.45, n)
    current = np.where(kr["stale"].to_numpy(), numeric * stale_share, numeric * pace)
    final = np.select([kind == MIL, kind == BAS], [done_final, recorded], numeric)
    current = np.select([kind == MIL, kind == BAS], [done_now, recorded], current)
    return final.astype(float), current.astype(float)


def plan_progress(rng: np.random.Generator, kr: pd.DataFrame) -> pd.DataFrame:
    """Final and current progress per key result (1.0 = target reached).

    `final` is where the key result ends the cycle; `current` where it is at its last
    check-in (the same for finished cycles). Sandbagging teams end 4–15% of the start value
    beyond their (easy) target in every cycle, the running one included; over-ambitious teams
    at 0.06–0.25 with milestones not done. Milestones and baselines use 0/1 (done, recorded).
    """
    n = len(kr)
    kind, profile = kr["kind"].to_numpy(), kr["profile"].to_numpy()
    final, current = _draw_normal(rng, kr, tight=False)
    span = np.maximum((kr["target"] - kr["start"]).abs().to_numpy(), 10.0 ** -kr["dec"])
    overshoot = np.abs(kr["start"].to_numpy()) * rng.uniform(0.04, 0.15, n)
    beyond = np.nan_to_num(np.maximum(1 + overshoot / span, 1.05), nan=1.05)
    stuck = np.where(
        kr["running"].to_numpy(), rng.uniform(0.06, 0.2, n), rng.uniform(0.08, 0.25, n)
    )
    binary = (kind == MIL) | (kind == BAS)
    sandbag = np.where(binary, 1.0, beyond)
    ambitious = np.where(binary, 0.0, stuck)
    final = np.select([profile == SANDBAG, profile == AMBITIOUS], [sandbag, ambitious], final)
    current = np.select([profile == SANDBAG, profile == AMBITIOUS], [sandbag, ambitious], current)
    plan = pd.DataFrame({"final": final, "current": current}, index=kr.index)
    return plan


def _snap_to_values(kr: pd.DataFrame) -> None:
    """Move `current` onto the value grid (rounding, caps), so plan and data agree (in place).

    A current progress p becomes the value start + p × (target − start), rounded to the
    metric's decimals; p is then recomputed from that value.
    """
    kind = kr["kind"].to_numpy()
    p = kr["current"].to_numpy().copy()
    start, target, dec = kr["start"].to_numpy(), kr["target"].to_numpy(), kr["dec"].to_numpy()
    low, high = kr["low"].to_numpy(), kr["high"].to_numpy()
    bound = np.where(start < low, low, high)
    goal = np.where(kind == RNG, bound, target)
    span = goal - start
    linear = ((kind == INC) | (kind == DEC) | (kind == ACTIVITY)) & (span != 0)
    ranged = (kind == RNG) & ~kr["range_inside"].to_numpy() & (p < 1)
    movable = linear | ranged
    value = round_to(np.minimum(start + p * span, kr["cap"].to_numpy()), dec)
    with np.errstate(invalid="ignore", divide="ignore"):
        snapped = (value - start) / span
    kr["current"] = np.where(movable, snapped, p)


def _plan_score(kr: pd.DataFrame) -> NDArray[np.float64]:
    """The score the planned current progress will produce (zones snapped)."""
    score = np.clip(kr["current"].to_numpy(), 0.0, 1.0)
    score = np.where(kr["range_inside"].to_numpy(), 1.0, score)
    zone = kr["zone"].to_numpy()
    snapped = ZONES[np.abs(score[:, None] - ZONES[None, :]).argmin(axis=1)]
    return np.where(zone, snapped, score)


def _violating(
    group: NDArray[np.int_],
    score: NDArray[np.float64],
    counted: NDArray[np.bool_],
    finished: NDArray[np.bool_],
    lenient: NDArray[np.bool_],
) -> NDArray[np.bool_]:
    """Per group: does its score pattern look like sandbagging or over-ambition?

    A normal group (≥3 graded key results) must have a mean between 0.5 and 0.76, over all
    cycles and over finished cycles alone, with at most 45% maxed and 45%
    low over all cycles and over finished cycles alone. Groups with `lenient` key results
    (the over-confident team) may go down to a mean of 0.46 and 50% low.
    """
    n = int(group.max()) + 1
    w = counted.astype(float)
    wf = (counted & finished).astype(float)
    cnt = np.bincount(group, w, n)
    mean = np.bincount(group, w * score, n) / np.maximum(cnt, 1)
    fin_cnt = np.bincount(group, wf, n)
    fin_mean = np.bincount(group, wf * score, n) / np.maximum(fin_cnt, 1)
    maxed = np.bincount(group, w * (score >= 1.0), n) / np.maximum(cnt, 1)
    low = np.bincount(group, w * (score < 0.4), n) / np.maximum(cnt, 1)
    fin_maxed = np.bincount(group, wf * (score >= 1.0), n) / np.maximum(fin_cnt, 1)
    fin_low = np.bincount(group, wf * (score < 0.4), n) / np.maximum(fin_cnt, 1)
    soft = np.bincount(group, lenient.astype(float), n) > 0
    floor, low_max = np.where(soft, 0.46, 0.5), np.where(soft, 0.5, 0.45)
    return (cnt >= 3) & (
        (mean < floor)
        | (mean > 0.76)
        | (maxed > 0.45)
        | (low > low_max)
        | (
            (fin_cnt >= 3)
            & ((fin_mean < floor) | (fin_mean > 0.76) | (fin_maxed > 0.45) | (fin_low > low_max))
        )
    )


def repair_normal_scores(rng: np.random.Generator, kr: pd.DataFrame, units: list[Unit]) -> None:
    """Redraw normal owners' and teams' progress until none of them looks flagged (in place).

    Random draws can leave a person with, say, only milestones that were all done; their key
    results are redrawn from the middle of the range. When that is not enough (a person
    holding mostly baselines), every twentieth round hands their milestones, baselines and
    in-range key results to a colleague in the same unit.
    """
    counted = (
        (kr["profile"].to_numpy() == NORMAL) & ~kr["strict"].to_numpy() & ~kr["ungraded"].to_numpy()
    )
    finished = ~kr["running"].to_numpy()
    team = pd.factorize(kr["team_id"])[0]
    # milestones, baselines and ranges started inside the range cannot take a middle score
    fixed = kr["kind"].isin([MIL, BAS]).to_numpy() | kr["range_inside"].to_numpy()
    lenient = kr["overconfident"].to_numpy()
    owner = pd.factorize(kr["owner"])[0]
    for round_ in range(200):
        _snap_to_values(kr)
        score = _plan_score(kr)
        bad_owner = _violating(owner, score, counted, finished, lenient)[owner] & counted
        bad_team = _violating(team, score, counted, finished, lenient)[team] & counted
        redo = bad_owner | bad_team
        if not redo.any():
            return
        if round_ % 20 == 19:
            _hand_over(rng, kr, bad_owner & fixed, units)
            owner = pd.factorize(kr["owner"])[0]
        final, current = _draw_normal(rng, kr.loc[redo], tight=True)
        kr.loc[redo, "final"] = final
        kr.loc[redo, "current"] = current


def _hand_over(
    rng: np.random.Generator, kr: pd.DataFrame, rows: NDArray[np.bool_], units: list[Unit]
) -> None:
    """Give the selected key results to another member of the same unit, where there is one."""
    owner = kr.columns.get_loc("owner")
    assert isinstance(owner, int)
    for i in map(int, np.flatnonzero(rows)):
        unit = units[int(kr["unit_idx"].to_numpy()[i])]
        members = [m for m in unit.members if m != kr["owner"].iat[i]]
        if members:
            kr.iloc[i, owner] = members[rng.integers(len(members))]


def _kr_scores(key_results: pd.DataFrame) -> pd.Series:
    """A plain score (docs/scoring.md, "Key-result types") per key result from current_value (no
    grades, no strict links)."""
    kr = key_results.set_index("kr_id")
    current = kr["current_value"]
    start, target = kr["start_value"].fillna(0.0), kr["target_value"]
    span = (target - start).where(lambda s: s != 0)
    linear = ((current - start) / span).where(span.notna(), (current >= target) * 1.0)
    linear = linear.where(
        kr["kr_type"] != "decrease",
        ((start - current) / (start - target).where(lambda s: s != 0)).where(
            start != target, (current <= target) * 1.0
        ),
    )
    inside = (current >= kr["range_low"]) & (current <= kr["range_high"])
    nearest = kr["range_low"].where(current < kr["range_low"], kr["range_high"])
    toward = (current - kr["start_value"]) / (nearest - kr["start_value"])
    ranged = pd.Series(np.where(inside, 1.0, toward), index=kr.index)
    score = np.select(
        [kr["kr_type"] == "range", kr["kr_type"] == "milestone", kr["kr_type"] == "baseline"],
        [ranged, (current >= 0.5) * 1.0, current.notna() * 1.0],
        linear,
    )
    return pd.Series(np.clip(score, 0, 1), index=kr.index).where(current.notna())


def manual_scores(
    rng: np.random.Generator, kr: pd.DataFrame, frame: pd.DataFrame
) -> NDArray[np.float64]:
    """Closing grades for ~5% of normal key results in finished cycles, close to computed."""
    eligible = (
        (kr["profile"].to_numpy() == NORMAL)
        & ~kr["running"].to_numpy()
        & ~kr["zone"].to_numpy()
        & ~kr["strict"].to_numpy()
    )
    chosen = eligible & (rng.random(len(kr)) < 0.05)
    computed = _kr_scores(frame).to_numpy()
    delta = rng.choice([-0.15, -0.1, 0.1, 0.15], size=len(kr))
    manual = np.round(np.clip(computed + delta, 0.05, 0.95), 2)
    manual = np.where(
        np.abs(manual - computed) < 0.01, np.round(np.clip(computed - delta, 0.05, 0.95), 2), manual
    )
    return np.where(chosen & ~np.isnan(computed), manual, np.nan)
