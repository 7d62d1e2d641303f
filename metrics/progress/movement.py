"""Movement since mid-cycle: each key result's and objective's score at the cycle's mid-point
against its score now (the closing meeting's "what moved?").

The mid-cycle score uses the same rules (docs/scoring.md) as the score now
(`metrics.scores.scoring`), applied to what was known on the mid-point date: the check-ins up
to and including that day. The closing grade (`manual_score`) and the undated `current_value`
are not known at mid-cycle, so
a key result with no check-in by then has no mid-cycle score (strict linking still applies:
a linked key result takes its child objective's mid-cycle score). A cycle whose mid-point is
after the as-of date, or that has no dates, has no mid-cycle scores yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from metrics.conformed_frames import first_match
from metrics.progress.checkins import KeyedCheckIns, keyed_check_ins
from metrics.scores.bands import band_of
from metrics.scores.scoring import Scores, score_all

# What every movement row carries after its identifying columns.
_MOVEMENT_FIGURES = [
    "owner",
    "midpoint",
    "mid_score",
    "score",
    "delta",
    "change",
    "mid_band",
    "band",
]
MOVEMENT_KR_COLUMNS = ["kr_id", "objective_id", "cycle_id", "title", *_MOVEMENT_FIGURES]
MOVEMENT_OBJECTIVE_COLUMNS = ["objective_id", "cycle_id", "title", "team_id", *_MOVEMENT_FIGURES]
# How a score changed: up, down, same (|delta| below this), new (graded only now),
# lost (graded at mid-cycle, not now) or none (graded at neither moment).
SAME_WITHIN = 0.005
CHANGES = ("up", "down", "same", "new", "lost", "none")


@dataclass(frozen=True)
class Movement:
    """Mid-cycle against now, one row per key result and per objective."""

    key_results: pd.DataFrame
    objectives: pd.DataFrame


def cycle_midpoints(cycles: pd.DataFrame) -> pd.Series:
    """The mid-point day of each dated cycle: start + (end − start) / 2, floored to the day.

    A Series of midnight timestamps indexed by cycle_id (cycles without both dates absent).
    """
    frame = cycles.drop_duplicates("cycle_id")
    start = pd.to_datetime(frame["start_date"], errors="coerce")
    end = pd.to_datetime(frame["end_date"], errors="coerce")
    mid = (start + (end - start) / 2).dt.normalize()
    out = pd.Series(mid.to_numpy(), index=frame["cycle_id"].to_numpy(), name="midpoint")
    return out.dropna()


def check_ins_until(
    check_ins: pd.DataFrame,
    key_results: pd.DataFrame,
    objectives: pd.DataFrame,
    cutoffs: pd.Series,
) -> pd.DataFrame:
    """The check-ins made up to and including the cutoff day of their key result's cycle.

    `cutoffs` maps cycle_id to a day; check-ins of cycles without a cutoff are dropped.
    """
    keyed = keyed_check_ins(check_ins, key_results["kr_id"])
    return keyed_until(keyed, key_results, objectives, cutoffs).as_check_ins()


def keyed_until(
    keyed: KeyedCheckIns,
    key_results: pd.DataFrame,
    objectives: pd.DataFrame,
    cutoffs: pd.Series,
) -> KeyedCheckIns:
    """`check_ins_until` on keyed check-ins: the same rows, still keyed and sorted, found by
    code (one cutoff per key result, then one comparison per check-in)."""
    cycle = first_match(key_results["objective_id"], objectives["objective_id"],
                        objectives["cycle_id"])  # fmt: skip
    days = pd.Series(pd.to_datetime(cutoffs).to_numpy("datetime64[us]"))
    cutoff = first_match(cycle, pd.Series(cutoffs.index, dtype="str"), days)
    day_after = np.full(len(keyed.kr_ids), np.datetime64("NaT"), dtype="datetime64[us]")
    codes = keyed.codes(key_results["kr_id"])
    known = codes >= 0
    day_after[codes[known]] = cutoff.to_numpy("datetime64[us]")[known] + np.timedelta64(1, "D")
    frame = keyed.frame
    keep = frame["checked_at"].to_numpy("datetime64[us]") < day_after[frame["kr_code"].to_numpy()]
    return KeyedCheckIns(keyed.kr_ids, frame[keep].reset_index(drop=True))


def scores_at(
    objectives: pd.DataFrame,
    key_results: pd.DataFrame,
    check_ins: pd.DataFrame | KeyedCheckIns,
    cutoffs: pd.Series,
) -> Scores:
    """Scores as they stood on each cycle's cutoff day (check-ins only: no closing grades,
    and a key result not checked in by then has no score then, rather than one at its start).
    Check-ins keyed already (the store's) are cut as they are; others are keyed first."""
    known_then = key_results.assign(current_value=np.nan, manual_score=np.nan)
    keyed = keyed_check_ins(check_ins, key_results["kr_id"])
    cut = keyed_until(keyed, key_results, objectives, cutoffs)
    return score_all(objectives, known_then, cut, at_start=False)


def _change(mid: pd.Series, now: pd.Series) -> pd.Series:
    delta = now - mid
    labels = np.select(
        [
            mid.notna() & now.notna() & (delta >= SAME_WITHIN),
            mid.notna() & now.notna() & (delta <= -SAME_WITHIN),
            mid.notna() & now.notna(),
            mid.isna() & now.notna(),
            mid.notna() & now.isna(),
        ],
        ["up", "down", "same", "new", "lost"],
        default="none",
    )
    return pd.Series(labels, index=mid.index, dtype="object")


def _compare(now: pd.DataFrame, mid: pd.DataFrame, key: str, midpoints: pd.Series) -> pd.DataFrame:
    out = now.copy()
    out["midpoint"] = out["cycle_id"].map(midpoints)
    out["mid_score"] = out[key].map(mid.set_index(key)["score"]).astype("float64")
    out["delta"] = out["score"] - out["mid_score"]
    out["change"] = _change(out["mid_score"], out["score"])
    out["mid_band"] = band_of(out["mid_score"])
    return out


def movement_since_midcycle(
    objectives: pd.DataFrame,
    key_results: pd.DataFrame,
    check_ins: pd.DataFrame,
    cycles: pd.DataFrame,
    as_of: date | None = None,
    now: Scores | None = None,
) -> Movement:
    """Every key result's and objective's mid-cycle score, its score now, and the change.

    `now` are the current scores when already computed (else they are computed here);
    with `as_of`, cycles whose mid-point is after it have no mid-cycle score.
    Key-result columns: MOVEMENT_KR_COLUMNS; objective columns: MOVEMENT_OBJECTIVE_COLUMNS.
    delta = score − mid_score; change is one of CHANGES.
    """
    now = now or score_all(objectives, key_results, check_ins)
    midpoints = cycle_midpoints(cycles)
    reached = midpoints if as_of is None else midpoints[midpoints <= pd.Timestamp(as_of)]
    mid = scores_at(objectives, key_results, check_ins, reached)
    krs = _compare(now.key_results, mid.key_results, "kr_id", midpoints)
    objs = _compare(now.objectives, mid.objectives, "objective_id", midpoints)
    return Movement(
        key_results=krs[MOVEMENT_KR_COLUMNS].reset_index(drop=True),
        objectives=objs[MOVEMENT_OBJECTIVE_COLUMNS].reset_index(drop=True),
    )
