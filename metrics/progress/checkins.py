"""Check-ins keyed by position: where millions of rows meet their key results once.

Check-ins outnumber key results ten to one (11.6M against 0.9M for a 100,000-person
company). Every check-in-sized step (the latest value, the score path, the weeks checked in,
a cycle's span) reads them keyed (`pipelines.store.keyed.KeyedCheckIns`): each check-in's key
result found once and the rows sorted once by (key result, time), by DuckDB when they come
from the store, else here. The steps then work on integer codes and numpy arrays, and only
their per-key-result results carry text ids again.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

# KeyedCheckIns is re-exported: the metrics take it from here.
from pipelines.store.keyed import KeyedCheckIns as KeyedCheckIns
from pipelines.store.keyed import codes_of


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
        values = check_ins[name]
        if values.dtype != "float64":
            values = pd.to_numeric(values, errors="coerce").astype("float64")
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
    code = ci["kr_code"].to_numpy()
    moments = ci["checked_at"].to_numpy()
    out = pd.DataFrame(index=pd.Index(_runs(code)[0]))
    for column, latest, at in (
        ("value", "latest_value", "value_at"),
        ("grade", "latest_grade", "grade_at"),
        ("confidence", "latest_confidence", None),
    ):
        rows = _last_valid_rows(code, ci[column].to_numpy())
        out[latest] = pd.Series(ci[column].to_numpy()[rows], index=code[rows])
        if at:
            out[at] = pd.Series(moments[rows], index=code[rows])
    return out.join(check_in_span(keyed))


def check_in_span(keyed: KeyedCheckIns) -> pd.DataFrame:
    """Per key-result code: check_in_count, first_check_in_at, last_check_in_at."""
    code = keyed.frame["kr_code"].to_numpy()
    moments = keyed.frame["checked_at"].to_numpy()
    codes, starts = _runs(code)
    out = pd.DataFrame(index=pd.Index(codes))
    out["check_in_count"] = np.diff(np.append(starts, len(code)))
    out["first_check_in_at"] = moments[starts]  # NaT sorts last: the first row is the earliest
    rows = _last_valid_rows(code, moments)
    out["last_check_in_at"] = pd.Series(moments[rows], index=code[rows])
    return out


def _runs(code: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For rows sorted by code: each distinct code and the row where its run starts."""
    if len(code) == 0:
        return code[:0], np.zeros(0, dtype=np.intp)
    starts = np.flatnonzero(np.r_[True, code[1:] != code[:-1]])
    return code[starts], starts


def _last_valid_rows(code: np.ndarray, values: np.ndarray) -> np.ndarray:
    """For rows sorted by (code, time): per code, the last row whose value is not missing
    (codes with none are absent)."""
    rows = np.flatnonzero(~pd.isna(values))
    codes = code[rows]
    if len(rows) == 0:
        return rows
    ends = np.r_[codes[1:] != codes[:-1], True]
    return rows[ends]


_DAY_US = 86_400_000_000
_MONDAY = 4  # 1970-01-05, four days after the epoch, was a Monday


def week_starts(moments: pd.Series | pd.Index | np.ndarray) -> np.ndarray:
    """The Monday (midnight) of each moment's week, as datetime64[us]."""
    moments = np.asarray(moments, dtype="datetime64[us]")
    days = moments.view("int64") // _DAY_US
    monday = ((days - _MONDAY) // 7 * 7 + _MONDAY) * _DAY_US
    return np.where(np.isnat(moments), np.datetime64("NaT", "us"), monday.view("datetime64[us]"))


def week_numbers(moments: pd.Series | pd.Index | np.ndarray) -> np.ndarray:
    """The week of each moment as a number (week k starts on Monday 1970-01-05 + 7k days;
    weeks before it are negative), −2**63 for a missing moment: the integer form of
    `week_starts`, for counting millions of check-ins."""
    micros = np.asarray(moments, dtype="datetime64[us]").view("int64")
    missing = micros == np.iinfo("int64").min
    weeks = (micros - _MONDAY * _DAY_US) // (7 * _DAY_US)
    weeks[missing] = np.iinfo("int64").min
    return weeks


def week_start_of(weeks: np.ndarray) -> np.ndarray:
    """The Monday (midnight, datetime64[us]) of each week number of `week_numbers`."""
    monday = (weeks * 7 + _MONDAY) * _DAY_US
    return np.where(weeks == np.iinfo("int64").min, np.datetime64("NaT", "us"),
                    monday.view("datetime64[us]"))  # fmt: skip


def checked_weeks(keyed: KeyedCheckIns) -> tuple[np.ndarray, np.ndarray]:
    """Distinct (kr_code, week number) pairs, as two arrays: the weeks in which each key
    result was checked in (a week runs Monday to Sunday; see `week_numbers`; a check-in
    with no time gives the missing week)."""
    ci = keyed.frame
    code = ci["kr_code"].to_numpy()
    week = week_numbers(ci["checked_at"].to_numpy())
    # Rows are in (code, time) order, so a new pair is one that differs from the row before.
    new = np.ones(len(code), dtype=bool)
    new[1:] = (code[1:] != code[:-1]) | (week[1:] != week[:-1])
    return code[new], week[new]
