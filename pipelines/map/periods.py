"""Check-ins laid out as columns: one column per week, month or quarter of the cycle.

- `Week 1 … Week 13` (`W1`, `Wk 1`, `Semana 1`): the value at the end of week n of the
  cycle (its start + 7n − 1 days, not past its end).
- `Jan … Dec` (full names too, and `Ene`, `Abr`, `Ago`, `Dic`, `Fev`, `Mai`, `Set`, `Out`,
  `Dez`): the value at the month's last day, in the cycle's year (a cycle across two years,
  April to March, puts January to March in the second); `Jan 2026`, `Jan-26` in that year.
- Quarter blocks `Q1 Baseline | Q1 Real | Q1 Target | Q2 Baseline …` (`Actual`, `Result`,
  `Current`; `Goal`, `Meta`; `Start`, `Base`): each quarter's real value at the quarter's
  end; the first baseline is the key result's start and the last target its target, where
  no start or target column gives them.

Three week or month columns at least make such a layout (one `May` column is not). Each
key-result row becomes one row per period that has a value, dated as above, which the flat
sheet reads as that key result's history (pipelines/map/repeats.py): the latest defines the
key result. A cycle without dates (not named like 2026-Q1) cannot place them: a warning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from pipelines.map.canonical import Canonical
from pipelines.map.derive import cycle_bounds, cycle_in_name
from pipelines.map.values import parse_number
from pipelines.read.sources import SourceTable

CYCLE = "objectives.cycle_id"
KR_TITLE = "key_results.title"
CURRENT = "key_results.current_value"
START = "key_results.start_value"
TARGET = "key_results.target_value"
CHECKED_AT = "check_ins.checked_at"
MONTHS = {
    **{m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug",
                                   "sep", "oct", "nov", "dec"), 1)},
    **{m: i for i, m in enumerate(("january", "february", "march", "april", "may", "june",
                                   "july", "august", "september", "october", "november",
                                   "december"), 1)},
    "sept": 9, "ene": 1, "abr": 4, "ago": 8, "dic": 12, "fev": 2, "mai": 5, "set": 9,
    "out": 10, "dez": 12,
}  # fmt: skip
MONTH = re.compile(r"^(?P<name>[^\W\d_]+)\.?(?:[\s\-'/]*(?P<year>\d{4}|\d{2}))?$")
WEEK = re.compile(r"^(?:week|wk|w|semana|sem)\s*\.?\s*(\d{1,2})$", re.IGNORECASE)
QUARTER = re.compile(
    r"^q\s*([1-4])\s*[-_ ]?\s*(baseline|base|start|real|actual|result|current|target|goal|meta)$",
    re.IGNORECASE,
)
ROLES = {"baseline": "start", "base": "start", "start": "start", "real": "value",
         "actual": "value", "result": "value", "current": "value", "target": "target",
         "goal": "target", "meta": "target"}  # fmt: skip
MIN_COLUMNS = 3


@dataclass
class Layout:
    kind: str  # "week" | "month" | "quarter"
    values: dict[int, str]  # period number → header of its values
    starts: dict[int, str]  # quarter → baseline header
    targets: dict[int, str]  # quarter → target header


def period_layout(headers: list[str]) -> Layout | None:
    """The week, month or quarter columns among `headers` (see the module docstring)."""
    weeks = {int(m[1]): h for h in headers if (m := WEEK.match(h.strip()))}
    months = {n: h for h in headers if (n := month_number(h))}
    quarters: dict[str, dict[int, str]] = {"start": {}, "value": {}, "target": {}}
    for h in headers:
        if m := QUARTER.match(h.strip()):
            quarters[ROLES[m[2].casefold()]][int(m[1])] = h
    if quarters["value"]:
        return Layout("quarter", quarters["value"], quarters["start"], quarters["target"])
    if len(weeks) >= MIN_COLUMNS:
        return Layout("week", weeks, {}, {})
    if len(months) >= MIN_COLUMNS:
        return Layout("month", months, {}, {})
    return None


def month_number(header: str) -> int | None:
    """`Jan` → 1, `March` → 3; with a year, `Jan 2026`, `Jan-26` → 202601; else None."""
    match = MONTH.match(header.strip().casefold())
    if match is None or match["name"] not in MONTHS:
        return None
    month = MONTHS[match["name"]]
    if not match["year"]:
        return month
    year = int(match["year"])
    return (year + 2000 if year < 100 else year) * 100 + month


def period_end(kind: str, n: int, start: pd.Series, end: pd.Series) -> pd.Series:
    """The day period `n` of each cycle ends (see the module docstring)."""
    if kind == "month" and n > 12:  # a month with its year: `Jan 2026`
        return _month_end(
            pd.Series(n // 100, index=start.index), pd.Series(n % 100, index=start.index)
        )
    if kind == "week":
        day = start + pd.Timedelta(days=7 * n - 1)
        return day.where(day <= end, end)
    year = start.dt.year
    if kind == "quarter":
        return _month_end(year, pd.Series(3 * n, index=start.index))
    month = pd.Series(n, index=start.index)
    day = _month_end(year, month)
    later = _month_end(year + 1, month)
    return day.where((day >= start) | (later > end), later)


def _month_end(year: pd.Series, month: pd.Series) -> pd.Series:
    frame = pd.DataFrame({"year": year, "month": month, "day": 1}).astype("float64")
    first = pd.to_datetime(frame, errors="coerce")
    return (first + pd.offsets.MonthEnd(0)).astype("datetime64[us]")


def with_periods(
    typed: pd.DataFrame, source: SourceTable, used: set[str], canonical: Canonical
) -> pd.DataFrame:
    """A flat sheet's key-result rows, one per period with a value, dated (module docstring);
    `used`: the headers the mapping already reads."""
    layout = period_layout([h for h in source.headers if h not in used])
    if layout is None or KR_TITLE not in typed or CHECKED_AT in typed:
        return typed
    if CYCLE in typed:
        cycles = typed[CYCLE].ffill()
    else:
        named = cycle_in_name(source.sheet or "") or cycle_in_name(Path(source.file).stem)
        cycles = pd.Series(named, index=typed.index, dtype="str")
    start, end = cycle_bounds(cycles)

    def numbers(header: str) -> pd.Series:
        parsed = parse_number(source.data[header], "value", source.decimal_hint).values
        return pd.Series(parsed.to_numpy(dtype="float64"), index=typed.index)

    rows = typed.copy()
    for field, given in ((START, layout.starts), (TARGET, layout.targets)):
        if given:
            ordered = [numbers(given[q]) for q in sorted(given)]
            pick = ordered[0] if field == START else ordered[-1]
            for more in ordered[1:] if field == START else reversed(ordered[:-1]):
                pick = pick.fillna(more)
            rows[field] = rows[field].fillna(pick) if field in rows else pick
    periods = sorted(layout.values)
    values = np.column_stack([numbers(layout.values[n]).to_numpy() for n in periods])
    dates = np.column_stack(
        [period_end(layout.kind, n, start, end).to_numpy() for n in periods]
    ).astype("datetime64[us]")
    has_value = ~np.isnan(values) & rows[KR_TITLE].notna().to_numpy()[:, None]
    undated = has_value.any(axis=1) & start.isna().to_numpy()
    if undated.any():
        mask = pd.Series(undated, index=rows.index)
        message = (
            f"{layout.kind}ly values not loaded: the cycle has no dates (name it like 2026-Q1)"
        )
        canonical.report(rows, mask, KR_TITLE, message, "warning")
        has_value &= ~undated[:, None]
    counts = np.maximum(has_value.sum(axis=1), 1)
    out = rows.loc[rows.index.repeat(counts)].reset_index(drop=True)
    picked_value, picked_at = [], []
    for i in range(len(rows)):
        if has_value[i].any():
            picked_value += values[i][has_value[i]].tolist()
            picked_at += dates[i][has_value[i]].tolist()
        else:
            picked_value.append(np.nan)
            picked_at.append(None)
    given_current = out.get(CURRENT)
    read = pd.Series(picked_value, index=out.index, dtype="float64")
    out[CURRENT] = read if given_current is None else read.fillna(given_current)
    out[CHECKED_AT] = pd.Series(pd.to_datetime(picked_at), index=out.index).astype("datetime64[us]")
    headers = [layout.values[n] for n in periods]
    if has_value.any():
        canonical.notes.append(
            f"{source.label}: {layout.kind}ly columns ({headers[0]} … {headers[-1]}) read as "
            f"check-ins: {int(has_value.sum()):,} values, each dated at its {layout.kind}'s end"
        )
    return out
