"""Each check-in scored as if it were the latest: the path a key result took through its cycle.

Forecasts, "reached early" and "no movement" read this path. A check-in's score uses the
same SPEC §5 rules as the key result's own score (its grade if it carries one, else its
value scored against the key result's start, target and type), vectorised by merging each
check-in with its key result.
"""

from __future__ import annotations

import pandas as pd

from metrics.calendar import cycle_position
from metrics.scoring import attainment
from pipelines.arrow import positions

HISTORY_COLUMNS = [
    "kr_id",
    "cycle_id",
    "checked_at",
    "value",
    "grade",
    "confidence",
    "attainment",
    "score",
    "day",
    "share",
]
_FULL = 1.0 - 1e-9  # a score this close to 1.0 counts as reached


def check_in_scores(
    kr_scores: pd.DataFrame,
    key_results: pd.DataFrame,
    check_ins: pd.DataFrame,
    calendar: pd.DataFrame,
) -> pd.DataFrame:
    """One row per check-in that carries a value or a grade, with the score it implies.

    score       the check-in's grade, else clip(attainment of its value, 0, 1)
    attainment  the value's raw attainment (the grade when there is no value)
    day, share  days since the cycle's start, and that as a share of the cycle's span
    Rows are ordered by key result and time; check-ins of unknown key results are dropped.
    """
    if check_ins.empty:
        return pd.DataFrame(columns=HISTORY_COLUMNS)
    bounds = key_results[["kr_id", "range_low", "range_high"]].drop_duplicates("kr_id")
    krs = kr_scores[["kr_id", "cycle_id", "kr_type", "start_value", "target_value"]].merge(
        bounds, on="kr_id", how="left"
    )
    ci = check_ins[["kr_id", "checked_at", "value", "grade", "confidence"]]
    ci = ci[ci["value"].notna() | ci["grade"].notna()]
    rows = _with_key_results(ci, krs)
    rows = rows.sort_values(["kr_id", "checked_at"], kind="stable").reset_index(drop=True)
    raw = attainment(rows, rows["kr_type"], rows["value"].astype("float64"))
    grade = rows["grade"].astype("float64")
    score = grade.where(grade.notna(), raw.clip(0.0, 1.0)).clip(0.0, 1.0)
    position = cycle_position(rows["checked_at"], rows["cycle_id"], calendar)
    out = rows[["kr_id", "cycle_id", "checked_at", "value", "grade", "confidence"]].copy()
    out["attainment"] = raw.where(raw.notna(), grade)
    out["score"] = score
    out["day"] = position["day"]
    out["share"] = position["share"]
    return out[HISTORY_COLUMNS]


def _with_key_results(check_ins: pd.DataFrame, krs: pd.DataFrame) -> pd.DataFrame:
    """`check_ins.merge(krs, on="kr_id", how="inner")`, by position when the ids allow."""
    where = positions(check_ins["kr_id"], krs["kr_id"])
    if where is None:
        return check_ins.merge(krs, on="kr_id", how="inner")
    known = where >= 0
    attributes = krs.drop(columns="kr_id").take(where[known]).reset_index(drop=True)
    return pd.concat([check_ins[known].reset_index(drop=True), attributes], axis=1)


def history_features(history: pd.DataFrame) -> pd.DataFrame:
    """Per key result, what its check-in path shows.

    scored_check_ins  check-ins with a score
    first_score, last_score, score_range (max − min of the check-in scores)
    reached_at        the first check-in whose score reached 1.0 (NaT if none)
    reached_share     where in the cycle that was (0 = first day, 1 = last day)
    """
    columns = [
        "kr_id",
        "scored_check_ins",
        "first_score",
        "last_score",
        "score_range",
        "reached_at",
        "reached_share",
    ]
    if history.empty:
        return pd.DataFrame(columns=columns)
    grouped = history.groupby("kr_id", sort=False)["score"]
    out = grouped.agg(
        scored_check_ins="count", first_score="first", last_score="last", low="min", high="max"
    )
    out["score_range"] = out["high"] - out["low"]
    reached = history[history["score"] >= _FULL].groupby("kr_id", sort=False).first()
    out["reached_at"] = reached["checked_at"].reindex(out.index)
    out["reached_share"] = reached["share"].reindex(out.index)
    return out.reset_index()[columns]
