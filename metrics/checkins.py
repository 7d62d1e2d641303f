"""Check-ins keyed by position: where millions of rows meet their key results once.

Check-ins outnumber key results ten to one (11.6M against 0.9M for a 100,000-person
company). Every check-in-sized step (the latest value, the score path, the weeks checked in,
a cycle's span) used to merge the check-ins with their key results on the text id and sort
them by it; here each check-in's key result is found once, in C++ through Arrow, and the
rows are sorted once by (key result, time). The steps then work on integer codes and
numpy arrays, and only their per-key-result results carry text ids again.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from pipelines.arrow import positions

KEYED_COLUMNS = ["kr_code", "checked_at", "value", "grade", "confidence"]


@dataclass(frozen=True)
class KeyedCheckIns:
    """Check-ins of known key results, ordered by key result and time.

    kr_ids  the distinct key-result ids, in their first order of appearance; a key
            result's *code* is its position here
    frame   kr_code, checked_at, value, grade, confidence (float), sorted by (kr_code,
            checked_at), ties kept in their original order
    """

    kr_ids: pd.Index
    frame: pd.DataFrame

    def codes(self, kr_ids: pd.Series) -> np.ndarray:
        """The code of each id in `kr_ids` (-1 for an id with no code)."""
        return codes_of(kr_ids, self.kr_ids)

    def per_key_result(self, per_code: pd.DataFrame, kr_ids: pd.Series) -> pd.DataFrame:
        """`per_code` (indexed by code) laid out on the rows of `kr_ids`: one row per id,
        missing values where the key result has no row in `per_code`."""
        rows = per_code.reindex(self.codes(kr_ids))
        return rows.set_axis(kr_ids.index)


def codes_of(values: pd.Series, kr_ids: pd.Index) -> np.ndarray:
    """Position of each value in the unique index `kr_ids` (-1 when absent)."""
    found = positions(values, pd.Series(kr_ids))
    if found is None:
        found = kr_ids.get_indexer(pd.Index(values))
    return np.asarray(found, dtype=np.intp)


def keyed_check_ins(check_ins: pd.DataFrame | KeyedCheckIns, kr_ids: pd.Series) -> KeyedCheckIns:
    """The check-ins of the key results named in `kr_ids`, keyed and sorted (see
    `KeyedCheckIns`). Check-ins of other key results are left out. Check-ins keyed already
    are returned as they are: every step looks their codes up by id."""
    if isinstance(check_ins, KeyedCheckIns):
        return check_ins
    unique = pd.Index(pd.unique(kr_ids.dropna()))
    codes = codes_of(check_ins["kr_id"], unique)
    known = codes >= 0
    checked = pd.to_datetime(check_ins["checked_at"]).to_numpy()[known]
    codes = codes[known]
    # NaT sorts last, as in pandas; np.lexsort is stable, so ties keep their input order.
    moment = checked.view("int64").copy()
    moment[np.isnat(checked)] = np.iinfo("int64").max
    order = np.lexsort((moment, codes))

    def column(name: str) -> np.ndarray:
        values = pd.to_numeric(check_ins[name], errors="coerce").astype("float64")
        return values.to_numpy()[known][order]

    frame = pd.DataFrame(
        {
            "kr_code": codes[order],
            "checked_at": checked[order],
            "value": column("value"),
            "grade": column("grade"),
            "confidence": column("confidence"),
        }
    )
    return KeyedCheckIns(kr_ids=unique, frame=frame)


def latest_per_key_result(keyed: KeyedCheckIns) -> pd.DataFrame:
    """Per key-result code: the latest value, the latest grade and confidence, with times.

    Columns: latest_value, value_at, latest_grade, grade_at, latest_confidence,
    check_in_count, first_check_in_at, last_check_in_at. "Latest" is by `checked_at`; a
    check-in with no value does not hide an earlier value.
    """
    ci = keyed.frame
    frame = pd.DataFrame(
        {
            "latest_value": ci["value"],
            "value_at": ci["checked_at"].where(ci["value"].notna()),
            "latest_grade": ci["grade"],
            "grade_at": ci["checked_at"].where(ci["grade"].notna()),
            "latest_confidence": ci["confidence"],
        }
    )
    grouped = frame.groupby(ci["kr_code"].to_numpy(), sort=True)
    out = grouped.last()  # the last non-missing value of each column
    by_code = ci.groupby("kr_code", sort=True)["checked_at"]
    out["check_in_count"] = by_code.size()
    out["first_check_in_at"] = by_code.min()
    out["last_check_in_at"] = by_code.max()
    return out


def week_starts(moments: pd.Series | np.ndarray) -> np.ndarray:
    """The Monday (midnight) of each moment's week, as datetime64."""
    day = pd.DatetimeIndex(moments).normalize()
    return (day - pd.to_timedelta(day.day_of_week, unit="D")).to_numpy()


def checked_weeks(keyed: KeyedCheckIns) -> pd.DataFrame:
    """Distinct (kr_code, week_start) pairs: the weeks in which each key result was
    checked in (a week runs Monday to Sunday)."""
    ci = keyed.frame
    pairs = pd.DataFrame({"kr_code": ci["kr_code"], "week_start": week_starts(ci["checked_at"])})
    return pairs.drop_duplicates(ignore_index=True)
