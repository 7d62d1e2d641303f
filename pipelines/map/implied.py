"""Check-ins that key-result rows imply, when a sheet carries no check-ins table.

- A row with a date (`Last updated`, `As of`…) records a check-in at that date: its current
  value, or its reported progress when the key result has no start, target or range to
  compute from (the key result is then graded by that progress), with its confidence,
  status and note.
- A mid-quarter grade (`Mid-Q Score`, `Mid-Q Actual`, `Midpoint`) is a grade check-in dated
  at the middle day of the cycle, so movement since mid-cycle works for grading sheets.
"""

from __future__ import annotations

import pandas as pd

from pipelines.kr_types import KrType
from pipelines.map.canonical import Canonical, to_table
from pipelines.map.derive import cycle_midpoints
from pipelines.map.synonyms import CHECKED_AT, normalise_header
from pipelines.map.values import parse_date
from pipelines.read.sources import SourceTable

KR_ID = "key_results.kr_id"
PROGRESS = "key_results.reported_progress"
MIDPOINT = "key_results.midpoint_grade"
CYCLE = "objectives.cycle_id"
NUMBERS = ("start_value", "target_value", "range_low", "range_high")


def _nothing_to_compute(krs: pd.DataFrame) -> pd.Series:
    """Key results with no start, target or range: their progress is their value."""
    given = [f"key_results.{c}" for c in NUMBERS if f"key_results.{c}" in krs]
    if not given:
        return pd.Series(True, index=krs.index)
    return krs[given].isna().all(axis=1)


GRADES = ("key_results.manual_score", MIDPOINT, "key_results.projected_score")


def progress_as_value(krs: pd.DataFrame) -> pd.DataFrame:
    """Where a key result has only a reported progress, that progress is its current value
    and its type `graded` (unless a type is stated): the value is the grade. A key result
    with only grades (a grading sheet: final, mid-quarter, projected) is `graded` too."""
    krs = _graded_by_scores(krs)
    if PROGRESS not in krs:
        return krs
    bare = _nothing_to_compute(krs) & krs[PROGRESS].notna()
    current = "key_results.current_value"
    if current in krs:
        bare &= krs[current].isna()
    if not bare.any():
        return krs
    krs = krs.copy()
    krs[current] = krs.get(current, pd.Series(float("nan"), index=krs.index)).mask(
        bare, krs[PROGRESS]
    )
    kr_type = krs.get("key_results.kr_type", pd.Series(pd.NA, index=krs.index, dtype="str"))
    krs["key_results.kr_type"] = kr_type.mask(bare & kr_type.isna(), KrType.GRADED.value)
    return krs


def _graded_by_scores(krs: pd.DataFrame) -> pd.DataFrame:
    grades = [g for g in GRADES if g in krs]
    if not grades:
        return krs
    bare = _nothing_to_compute(krs) & krs[grades].notna().any(axis=1)
    current = "key_results.current_value"
    if current in krs:
        bare &= krs[current].isna()
    kr_type = krs.get("key_results.kr_type", pd.Series(pd.NA, index=krs.index, dtype="str"))
    bare &= kr_type.isna()
    if not bare.any():
        return krs
    krs = krs.copy()
    krs["key_results.kr_type"] = kr_type.mask(bare, KrType.GRADED.value)
    return krs


def dated_check_ins(krs: pd.DataFrame) -> pd.DataFrame | None:
    """One check-in per key-result row that has a date: its value (see module docstring)."""
    if "check_ins.checked_at" not in krs:
        return None
    dated = krs[krs["check_ins.checked_at"].notna()].copy()
    dated["check_ins.kr_id"] = dated[KR_ID]
    if "key_results.current_value" in dated:
        dated["check_ins.value"] = dated["key_results.current_value"]
    return to_table(dated, "check_ins")


def midpoint_check_ins(krs: pd.DataFrame, canonical: Canonical) -> pd.DataFrame | None:
    """A grade check-in at the cycle's middle day for each row with a mid-quarter grade."""
    if MIDPOINT not in krs:
        return None
    graded = krs[krs[MIDPOINT].notna()].copy()
    if graded.empty:
        return None
    midpoint = cycle_midpoints(graded[CYCLE])
    undated = midpoint.isna()
    message = "mid-quarter grade not loaded: the cycle has no dates (name it like Q3 2025)"
    canonical.report(graded, undated, MIDPOINT, message, "warning")
    graded = graded[~undated]
    graded["check_ins.kr_id"] = graded[KR_ID]
    graded["check_ins.grade"] = graded[MIDPOINT]
    graded["check_ins.checked_at"] = midpoint[~undated].astype("datetime64[us]")
    graded["check_ins.note"] = "mid-quarter grade"
    return to_table(graded, "check_ins")


def key_sheet_check_ins(
    typed: pd.DataFrame, source: SourceTable, canonical: Canonical, ignored: list[str] | None = None
) -> pd.DataFrame | None:
    """Check-ins of a key-results sheet with a date column (`Last Updated`): one per row that
    has a date and a value (or a reported progress), at that date. A column a mapping file
    ignores (a database's `created_at`) is no such date."""
    dates = [
        h
        for h in source.headers
        if normalise_header(h) in _DATE_HEADERS and h not in (ignored or [])
    ]
    if not dates:
        return None
    parsed = parse_date(source.data[dates[0]], with_time=True)
    at = pd.Series(parsed.values.to_numpy(), index=typed.index)
    krs = progress_as_value(typed)
    value = krs.get("key_results.current_value")
    if value is None or "key_results.kr_id" not in krs:
        return None
    rows = krs[at.notna() & value.notna()].copy()
    if rows.empty:
        return None
    canonical.notes.append(f"{source.label}: each dated value is a check-in ({len(rows)})")
    rows["check_ins.kr_id"] = rows[KR_ID]
    rows["check_ins.value"] = rows["key_results.current_value"]
    rows["check_ins.checked_at"] = at[rows.index].astype("datetime64[us]")
    return to_table(rows, "check_ins")


_DATE_HEADERS = {normalise_header(h) for h in CHECKED_AT}
