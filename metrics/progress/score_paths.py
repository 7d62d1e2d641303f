"""Each check-in scored as if it were the latest: the path a key result took through its cycle.

Forecasts, "reached early" and "no movement" read this path. A check-in's score uses the
same rules (docs/scoring.md) as the key result's own score (its grade if it carries one, else its
value scored against the key result's start, target and type), vectorised: each check-in
takes its key result's start, target and type by position (`metrics.progress.checkins`).
"""

from __future__ import annotations

from typing import cast

import numpy as np
import numpy.typing as npt
import pandas as pd

from metrics.progress.checkins import KeyedCheckIns, keyed_check_ins
from metrics.scores.scoring import attainment

PATH_COLUMNS = ["kr_code", "checked_at", "score", "day", "share"]
FEATURE_COLUMNS = [
    "kr_id",
    "scored_check_ins",
    "first_score",
    "last_score",
    "score_range",
    "reached_at",
    "reached_share",
]
_FULL = 1.0 - 1e-9  # a score this close to 1.0 counts as reached


def check_in_scores(
    kr_scores: pd.DataFrame,
    key_results: pd.DataFrame,
    check_ins: pd.DataFrame | KeyedCheckIns,
    calendar: pd.DataFrame,
) -> KeyedCheckIns:
    """The score path: one row per check-in that carries a value or a grade, with the score
    it implies, keyed by key-result code (see `metrics.progress.checkins`).

    score       the check-in's grade, else clip(attainment of its value, 0, 1)
    day, share  days since the cycle's start, and that as a share of the cycle's span
    Rows are ordered by key result and time; check-ins of unknown key results are dropped.
    """
    keyed = keyed_check_ins(check_ins, key_results["kr_id"])
    # Plain numpy columns: a frame-level row mask would first stack millions of rows of every
    # column into one block; these are copied one column at a time, and only when needed.
    frame = keyed.frame
    columns = {"kr_code": frame["kr_code"].to_numpy(), "checked_at": frame["checked_at"].to_numpy()}
    for name in ("value", "grade"):
        columns[name] = frame[name].to_numpy("float64", na_value=np.nan)
    carries = ~(np.isnan(columns["value"]) & np.isnan(columns["grade"]))
    if not carries.all():  # copying millions of rows only when some carry nothing
        columns = {c: v[carries] for c, v in columns.items()}
    # One row of key-result attributes per code; the path takes them by position.
    n = len(keyed.kr_ids)
    scored = keyed.codes(kr_scores["kr_id"])
    stated = keyed.codes(key_results["kr_id"])

    def per_code(values: pd.Series, where: np.ndarray) -> np.ndarray:
        out = np.full(n, np.nan)
        known = where >= 0
        out[where[known]] = values.to_numpy("float64")[known]
        return out

    start_value = per_code(kr_scores["start_value"], scored)
    target_value = per_code(kr_scores["target_value"], scored)
    range_low = per_code(key_results["range_low"], stated)
    range_high = per_code(key_results["range_high"], stated)
    type_codes, kr_types = pd.factorize(kr_scores["kr_type"])
    cycle_codes, cycles = pd.factorize(kr_scores["cycle_id"])
    spans = calendar.drop_duplicates("cycle_id").set_index("cycle_id")
    code: npt.NDArray[np.intp] = columns["kr_code"]

    def by_code(per_row: np.ndarray) -> np.ndarray:  # kr_scores' rows laid out by code
        out = np.full(n, -1, dtype=np.int64)
        known = scored >= 0
        out[scored[known]] = per_row[known]
        return out

    kr = {  # attainment reads these columns; a dict spares stacking them into one block
        "start_value": start_value[code],
        "target_value": target_value[code],
        "range_low": range_low[code],
        "range_high": range_high[code],
    }
    kr_type = pd.Series(pd.Categorical.from_codes(by_code(type_codes)[code], pd.Index(kr_types)))
    # Each key result's cycle start and length, then one gather per check-in.
    # Code −1 (no cycle) takes the missing value appended last.
    cycle_of_code = by_code(cycle_codes)
    cycle_start = spans["start"].reindex(cycles).to_numpy("datetime64[us]")
    cycle_days = spans["days"].reindex(cycles).to_numpy("float64")
    row_start = np.append(cycle_start, np.datetime64("NaT", "us"))[cycle_of_code][code]
    row_days = np.append(cycle_days, np.nan)[cycle_of_code][code]
    raw = attainment(kr, kr_type, pd.Series(columns["value"])).to_numpy()
    grade = columns["grade"]
    score = np.clip(np.where(np.isnan(grade), np.clip(raw, 0.0, 1.0), grade), 0.0, 1.0)
    checked_at = columns["checked_at"]
    day = (checked_at - row_start) / np.timedelta64(1, "D")  # NaT gives NaN
    with np.errstate(invalid="ignore", divide="ignore"):
        share = day / np.where(row_days > 0, row_days, np.nan)
    path = pd.DataFrame(
        {"kr_code": code, "checked_at": checked_at, "score": score, "day": day, "share": share},
        copy=False,
    )
    return KeyedCheckIns(kr_ids=keyed.kr_ids, frame=path)


def history_features(path: KeyedCheckIns) -> pd.DataFrame:
    """Per key result, what its score path (`check_in_scores`) shows.

    scored_check_ins  check-ins with a score
    first_score, last_score, score_range (max − min of the check-in scores)
    reached_at        the first check-in whose score reached 1.0 (NaT if none)
    reached_share     where in the cycle that was (0 = first day, 1 = last day)
    """
    rows = path.frame
    if rows.empty:
        return pd.DataFrame(columns=FEATURE_COLUMNS)
    grouped = rows.groupby("kr_code", sort=True)["score"]
    # Named aggregations of a column give a DataFrame; the stubs say Series.
    out = cast(
        pd.DataFrame,
        grouped.agg(
            scored_check_ins="count", first_score="first", last_score="last", low="min", high="max"
        ),
    )
    out["score_range"] = out["high"] - out["low"]
    reached = rows[rows["score"] >= _FULL].groupby("kr_code", sort=True).first()
    out["reached_at"] = reached["checked_at"].reindex(out.index)
    out["reached_share"] = reached["share"].reindex(out.index)
    out.insert(0, "kr_id", path.kr_ids[out.index.to_numpy()])
    return out.reset_index(drop=True)[FEATURE_COLUMNS]
