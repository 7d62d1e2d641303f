"""Goal-setting patterns (docs/metrics.md): sandbagging and over-ambition, per owner and per team.

A flag is a judgement about how someone sets goals, so it rests on several key results
across cycles and always says its evidence in words. Only *graded* key results count:
ungraded ones carry no information, and strictly linked ones are scored by someone else's
objective. By default only finished cycles are judged (a running cycle's low scores are
just early).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from metrics.coaching.wording import numbers, plural
from metrics.config import DEFAULT_CONFIG, HealthConfig
from metrics.scores.bands import band_of
from metrics.scores.scoring import NO_CHECK_IN
from pipelines.kr_types import KrType

# The per-key-result signals a flag counts, in the order its evidence names them.
PATTERN_COUNTS = [
    "maxed",
    "low",
    "reached_early",
    "target_not_beyond_start",
    "far_above_target",
    "no_movement",
]
EVIDENCE_COLUMNS = [
    "kr_id",
    "objective_id",
    "cycle_id",
    "title",
    "owner",
    "team_id",
    "team",
    "department",
    "score",
    "attainment",
    *PATTERN_COUNTS,
]
_FULL = 1.0 - 1e-9


def pattern_evidence(
    kr_units: pd.DataFrame,
    features: pd.DataFrame,
    calendar: pd.DataFrame,
    config: HealthConfig = DEFAULT_CONFIG,
) -> pd.DataFrame:
    """The graded key results that goal-setting patterns are judged on, with their signals.

    Kept: key results with a score of their own (not ungraded, not strictly linked) in a
    finished cycle (also running ones with `patterns_include_running`; undated cycles count
    as finished). Signals per key result:

    maxed                    score 1.0
    low                      score below 0.4 (band `low`)
    reached_early            a check-in first scored 1.0 within the first `early_share` of
                             the cycle
    target_not_beyond_start  the target asks for no progress: at or below the start for an
                             increase, at or above it for a decrease
    far_above_target         raw attainment ≥ `far_above_attainment` (e.g. 1.5 = the target
                             beaten by half the planned distance again)
    no_movement              ≥ 2 scored check-ins spanning less than `no_movement_range` of
                             score, and the target not reached
    """
    states = {"finished", "undated"} | ({"running"} if config.patterns_include_running else set())
    judged = calendar.loc[calendar["state"].isin(states), "cycle_id"]
    krs = kr_units[
        kr_units["cycle_id"].isin(judged)
        & kr_units["score"].notna()
        & ~kr_units["strict_linked"]
        & ~kr_units["score_source"].isin(["linked", NO_CHECK_IN])  # an assumed 0 is no evidence
    ]
    krs = krs.merge(features, on="kr_id", how="left")
    score = krs["score"].astype("float64")
    start = krs["start_value"].astype("float64")
    target = krs["target_value"].astype("float64")
    kr_type = krs["kr_type"].astype("object")
    out = krs[[c for c in EVIDENCE_COLUMNS[:10] if c in krs.columns]].copy()
    out["maxed"] = score >= _FULL
    out["low"] = band_of(score) == "low"
    out["reached_early"] = krs["reached_share"].astype("float64") <= config.early_share + 1e-9
    out["target_not_beyond_start"] = ((kr_type == KrType.INCREASE) & (target <= start)) | (
        (kr_type == KrType.DECREASE) & (target >= start)
    )
    out["far_above_target"] = krs["attainment"].astype("float64") >= config.far_above_attainment
    moved = krs["score_range"].astype("float64")
    out["no_movement"] = (
        (krs["scored_check_ins"].fillna(0) >= 2)
        & (moved < config.no_movement_range)
        & (score < _FULL)
    )
    for column in PATTERN_COUNTS:
        out[column] = out[column].fillna(False).astype(bool)
    return out.reset_index(drop=True)


def goal_setting_patterns(
    evidence: pd.DataFrame,
    by: str | list[str],
    config: HealthConfig = DEFAULT_CONFIG,
    words: bool = True,
) -> pd.DataFrame:
    """Score pattern of each owner (by='owner') or team (by='team_id'), flagged when clear.

    Columns: the `by` columns, key_results (graded key results judged), cycles, mean_score,
    the counts of each signal (maxed, low, reached_early, target_not_beyond_start,
    far_above_target, no_movement), maxed_share, low_share, pattern and evidence.

    pattern  sandbagging     ≥ min_graded_krs key results across ≥ min_cycles cycles and
                             (mean ≥ sandbag_mean or maxed share > sandbag_maxed_share)
             over-ambitious  the same evidence and (mean < over_ambition_mean or
                             low share > over_ambition_low_share)
             empty otherwise (including too little evidence: one cycle is a result, not a
             pattern)
    evidence the reason in words, e.g. "scored 1.0 on 9 of 10 key results across 3 cycles
             (mean 0.95); 4 were reached in the first third of the cycle" (left empty
             with words=False).
    """
    keys = [by] if isinstance(by, str) else list(by)
    rows = evidence.dropna(subset=keys)
    grouped = rows.groupby(keys, sort=True)
    out = grouped.agg(
        key_results=("kr_id", "count"),
        cycles=("cycle_id", "nunique"),
        mean_score=("score", "mean"),
        **{c: (c, "sum") for c in PATTERN_COUNTS},
    )
    if "team_id" in keys and "team" in rows.columns:
        out.insert(0, "team", grouped["team"].first())
    out = out.astype({c: "int64" for c in ["key_results", "cycles", *PATTERN_COUNTS]})
    out["maxed_share"] = out["maxed"] / out["key_results"]
    out["low_share"] = out["low"] / out["key_results"]
    enough = (out["key_results"] >= config.min_graded_krs) & (out["cycles"] >= config.min_cycles)
    sandbag = enough & (
        (out["mean_score"] >= config.sandbag_mean - 1e-9)
        | (out["maxed_share"] > config.sandbag_maxed_share)
    )
    over = (
        enough
        & ~sandbag
        & (
            (out["mean_score"] < config.over_ambition_mean)
            | (out["low_share"] > config.over_ambition_low_share)
        )
    )
    out["pattern"] = pd.Series(
        np.select([sandbag, over], ["sandbagging", "over-ambitious"], default=""),
        index=out.index,
        dtype="object",
    ).replace("", None)
    out["evidence"] = _evidence_text(out, config) if words else None
    return out.reset_index()


def _clause(count: pd.Series, one: str, many: str) -> pd.Series:
    """'; 4 were reached early' where the count is positive, else ''."""
    text = "; " + plural(count, one, many)
    return text.where(count > 0, "")


def _evidence_text(patterns: pd.DataFrame, config: HealthConfig) -> pd.Series:
    """The evidence sentence of each row: the sandbagging or over-ambition case, too
    little evidence, or the neutral summary (each written only for the rows it describes)."""
    third = fraction_words(config.early_share)
    far = f"beat the target by {config.far_above_attainment - 1:.0%} of the planned gain or more"

    def of_all(p: pd.DataFrame) -> pd.Series:
        return (
            " of "
            + p["key_results"].astype("str")
            + " key results across "
            + plural(p["cycles"], "cycle", "cycles")
            + " (mean "
            + numbers(p["mean_score"], "%.2f")
            + ")"
        )

    def sandbag(p: pd.DataFrame) -> pd.Series:
        return (
            "scored 1.0 on "
            + p["maxed"].astype("str")
            + of_all(p)
            + _clause(
                p["reached_early"],
                f"was reached in the first {third} of the cycle",
                f"were reached in the first {third} of the cycle",
            )
            + _clause(
                p["target_not_beyond_start"],
                "target was at or below the start value",
                "targets were at or below the start value",
            )
            + _clause(p["far_above_target"], far, far)
        )

    def over(p: pd.DataFrame) -> pd.Series:
        return (
            "scored below 0.4 on "
            + p["low"].astype("str")
            + of_all(p)
            + _clause(
                p["no_movement"],
                "barely moved across its check-ins",
                "barely moved across their check-ins",
            )
        )

    def thin(p: pd.DataFrame) -> pd.Series:
        few = p["key_results"] < config.min_graded_krs
        krs = f" ({config.min_graded_krs} needed)"
        cycles = f" (a pattern needs {config.min_cycles})"
        return (
            "too little evidence: "
            + plural(p["key_results"], "graded key result", "graded key results")
            + pd.Series(krs, index=p.index).where(few, "")
            + " across "
            + plural(p["cycles"], "cycle", "cycles")
            + pd.Series(cycles, index=p.index).where(~few, "")
        )

    def neutral(p: pd.DataFrame) -> pd.Series:
        return (
            "mean "
            + numbers(p["mean_score"], "%.2f")
            + " over "
            + plural(p["key_results"], "graded key result", "graded key results")
            + " across "
            + plural(p["cycles"], "cycle", "cycles")
        )

    p = patterns
    is_sandbag = p["pattern"].eq("sandbagging").to_numpy()
    is_over = p["pattern"].eq("over-ambitious").to_numpy() & ~is_sandbag
    thin_evidence = (p["key_results"] < config.min_graded_krs) | (p["cycles"] < config.min_cycles)
    is_thin = thin_evidence.to_numpy() & ~is_sandbag & ~is_over
    is_neutral = ~(is_sandbag | is_over | is_thin)
    text = np.empty(len(p), dtype="object")
    for rows, write in ((is_sandbag, sandbag), (is_over, over), (is_thin, thin)):
        text[rows] = write(p[rows]).to_numpy(dtype="object")
    text[is_neutral] = neutral(p[is_neutral]).to_numpy(dtype="object")
    return pd.Series(text, index=p.index, dtype="object")


def fraction_words(share: float) -> str:
    names = {1 / 2: "half", 1 / 3: "third", 1 / 4: "quarter", 1 / 5: "fifth"}
    for value, name in names.items():
        if abs(share - value) < 1e-6:
            return name
    return f"{share:.0%}"


def flagged(patterns: pd.DataFrame, pattern: str) -> pd.DataFrame:
    """Only the rows flagged with `pattern` ('sandbagging' or 'over-ambitious')."""
    return patterns[patterns["pattern"] == pattern].reset_index(drop=True)
