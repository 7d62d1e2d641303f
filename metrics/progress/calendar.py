"""Where each cycle stands on the calendar at an as-of date: span, elapsed share, state.

Pace, forecasts, check-in discipline and staleness all measure time in a cycle's own span,
so they share this one definition of it.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from metrics.conformed_frames import first_match
from metrics.progress.checkins import KeyedCheckIns, check_in_span, keyed_check_ins

CALENDAR_COLUMNS = [
    "cycle_id",
    "name",
    "start",
    "end",
    "days",
    "elapsed_share",
    "state",
    "order",
    "dates_from",
]
STATES = ("finished", "running", "upcoming", "undated")

_QUARTER = r"(?P<year>(?:19|20)\d{2})\D{0,3}Q(?P<quarter>[1-4])"
_QUARTER_FIRST = r"Q(?P<quarter>[1-4])\D{0,3}(?P<year>(?:19|20)\d{2})"


def as_timestamp(as_of: date | pd.Timestamp | str) -> pd.Timestamp:
    """The as-of date as a midnight timestamp."""
    return pd.Timestamp(as_of).normalize()


def _quarter_dates(labels: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Start and end of a quarter named like '2025-Q1', '2025 Q1' or 'Q1 2025' (else NaT)."""
    text = labels.astype("object").where(labels.notna(), "").astype(str).str.upper()
    parts = text.str.extract(_QUARTER)
    other = text.str.extract(_QUARTER_FIRST)
    year = pd.to_numeric(parts["year"].fillna(other["year"]), errors="coerce")
    quarter = pd.to_numeric(parts["quarter"].fillna(other["quarter"]), errors="coerce")
    start = pd.to_datetime(
        pd.DataFrame({"year": year, "month": (quarter - 1) * 3 + 1, "day": 1}), errors="coerce"
    )
    end = start + pd.DateOffset(months=3) - pd.Timedelta(days=1)
    return start, end


def cycle_calendar(
    cycles: pd.DataFrame,
    objectives: pd.DataFrame,
    key_results: pd.DataFrame,
    check_ins: pd.DataFrame | KeyedCheckIns,
    as_of: date | pd.Timestamp,
) -> pd.DataFrame:
    """One row per cycle (those in `cycles` and those only named by objectives).

    start, end     the cycle's first and last day (midnight timestamps). Missing dates are
                   taken from a quarter label in the id or name ('2025-Q1', 'Q1 2025'), else
                   from the first and last check-in of the cycle's key results;
                   `dates_from` says which (table, label, check-ins).
    days           end − start in days (the span that elapsed shares are measured in).
    elapsed_share  (as_of − start) / days, clipped to [0, 1]: the progress the calendar
                   expects by the as-of date.
    state          finished (end < as_of), running (start ≤ as_of ≤ end), upcoming, or
                   undated when no date could be found.
    order          position in calendar order (by start, then id), from 0.
    """
    today = as_timestamp(as_of)
    table = cycles[["cycle_id", "name", "start_date", "end_date"]].drop_duplicates("cycle_id")
    named = pd.DataFrame({"cycle_id": objectives["cycle_id"].dropna().unique()})
    frame = table.merge(named, on="cycle_id", how="outer")
    frame["name"] = frame["name"].astype("object").fillna(frame["cycle_id"].astype("object"))
    start = pd.to_datetime(frame["start_date"], errors="coerce").dt.normalize()
    end = pd.to_datetime(frame["end_date"], errors="coerce").dt.normalize()
    # Declared as a Series of any dtype: the stubs take a Series built from an array as float.
    source: pd.Series = pd.Series(
        np.where(start.notna() & end.notna(), "table", ""), index=frame.index
    )

    q_start, q_end = _quarter_dates(frame["cycle_id"])
    n_start, n_end = _quarter_dates(frame["name"])
    q_start, q_end = q_start.fillna(n_start), q_end.fillna(n_end)
    from_label = (start.isna() | end.isna()) & q_start.notna()
    start = start.fillna(q_start)
    end = end.fillna(q_end)
    source = source.mask(from_label & (source == ""), "label")

    seen = _check_in_span(objectives, key_results, check_ins)
    first = pd.Series(seen["first"].reindex(frame["cycle_id"]).to_numpy(), index=frame.index)
    last = pd.Series(seen["last"].reindex(frame["cycle_id"]).to_numpy(), index=frame.index)
    from_data = (start.isna() | end.isna()) & first.notna()
    start = start.fillna(first)
    end = end.fillna(last)
    source = source.mask(from_data & (source == ""), "check-ins")

    days = (end - start).dt.days.astype("float64")
    elapsed = ((today - start).dt.days / days.where(days > 0)).clip(0.0, 1.0)
    elapsed = elapsed.mask(days == 0, (today >= start).astype("float64"))
    state = np.select(
        [start.isna() | end.isna(), end < today, start > today],
        ["undated", "finished", "upcoming"],
        default="running",
    )
    out = pd.DataFrame(
        {
            "cycle_id": frame["cycle_id"],
            "name": frame["name"],
            "start": start,
            "end": end,
            "days": days,
            "elapsed_share": elapsed,
            "state": state,
            "dates_from": source.replace("", None),
        }
    )
    out = out.sort_values(["start", "cycle_id"], na_position="last", kind="stable")
    out["order"] = np.arange(len(out))
    return out[CALENDAR_COLUMNS].reset_index(drop=True)


def _check_in_span(
    objectives: pd.DataFrame,
    key_results: pd.DataFrame,
    check_ins: pd.DataFrame | KeyedCheckIns,
) -> pd.DataFrame:
    """First and last check-in day per cycle (columns first, last; indexed by cycle_id)."""
    keyed = keyed_check_ins(check_ins, key_results["kr_id"])
    if keyed.frame.empty:
        return pd.DataFrame(
            {"first": pd.Series(dtype="datetime64[us]"), "last": pd.Series(dtype="datetime64[us]")}
        )
    span = check_in_span(keyed)
    # The first key-result row of each code (the store's rows are in code order already).
    codes = keyed.codes(key_results["kr_id"])
    row_of_code = np.full(len(keyed.kr_ids), -1, dtype=np.intp)
    known = np.flatnonzero(codes >= 0)[::-1]  # written last to first: the first row wins
    row_of_code[codes[known]] = known
    rows = row_of_code[span.index.to_numpy()]
    objective_of = pd.Series(key_results["objective_id"].array.take(rows, allow_fill=True))
    cycle_of = first_match(objective_of, objectives["objective_id"], objectives["cycle_id"])
    cycle = pd.Series(cycle_of.array, index=span.index)
    first = span["first_check_in_at"].dt.normalize().groupby(cycle).min()
    last = span["last_check_in_at"].dt.normalize().groupby(cycle).max()
    return pd.DataFrame({"first": first, "last": last})
