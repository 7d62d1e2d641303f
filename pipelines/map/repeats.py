"""A key result's id or row repeated on a flat sheet, when that is not a duplicate.

- Key-result ids `KR1`, `KR2` that restart in each objective are resolved within it by
  `pipelines.map.scope`; `restart_note` says so on the report.
- A dated check-in log keeps the key-result definitions and their check-ins in one sheet:
  one row per key result per date. Rows of one key result on distinct dates (and at most
  one undated row, its definition) are its history: each dated row is a check-in, and the
  latest dated row defines the key result, its empty cells filled from the other rows. Two
  rows of one key result with the same date (or two without a date) stay a duplicate.
"""

from __future__ import annotations

import pandas as pd

KR_ID = "key_results.kr_id"
CHECKED_AT = "check_ins.checked_at"


def restart_note(given: pd.Series, scoped: pd.Series, label: str) -> list[str]:
    """The report's line when given key-result ids were read within their objective
    (`pipelines.map.scope.scoped_ids`): which ids restart."""
    local = given.notna() & (given.astype("str") != scoped.astype("str"))
    if not local.any():
        return []
    names = sorted(given[local].astype("str").unique())
    listed = ", ".join(names[:5]) + (", …" if len(names) > 5 else "")
    return [
        f"{label}: key-result ids restart in each objective ({listed}): each is resolved "
        "within its objective"
    ]


def log_rows(krs: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """(rows of a dated check-in log, those of them that are not their key result's latest
    row). A key result's rows form a log when it has several on distinct dates, all dated
    but for at most one (its definition)."""
    none = pd.Series(False, index=krs.index)
    if CHECKED_AT not in krs:
        return none, none
    ids, dates = krs[KR_ID], krs[CHECKED_AT]
    repeated = ids.duplicated(keep=False)
    if not repeated.any():
        return none, none
    frame = pd.DataFrame({"id": ids[repeated], "at": dates[repeated]})
    groups = frame.groupby("id", sort=False)["at"]
    is_log = groups.transform(_is_log).astype(bool)
    in_log = none.copy()
    in_log[is_log.index] = is_log
    latest = frame[is_log].groupby("id", sort=False)["at"].transform("max")
    older = none.copy()
    at = frame.loc[latest.index, "at"]
    older[latest.index] = (at < latest) | at.isna()  # an undated row: the definition
    return in_log, older


def _is_log(at: pd.Series) -> bool:
    """Dates of one key result's rows: a log when they are distinct, with at most one row
    undated (the key result's definition above its check-ins)."""
    dated = at.dropna()
    return len(dated) >= max(1, len(at) - 1) and dated.is_unique


def defined_from_log(kept: pd.DataFrame, history: pd.DataFrame) -> pd.DataFrame:
    """The rows that define key results of a log (`kept`), their empty key-result cells
    filled from the key result's other rows, the latest dated first (a log row often
    carries only its date and value, the target sitting on the first row)."""
    if CHECKED_AT not in history or not history[KR_ID].duplicated().any():
        return kept
    columns = [c for c in kept.columns if c.startswith("key_results.") and c != KR_ID]
    ordered = history.sort_values(CHECKED_AT, na_position="first", kind="stable")
    latest = ordered.groupby(KR_ID, sort=False)[columns].last()  # last value given, per cell
    known = kept[KR_ID].isin(latest.index)
    if not known.any():
        return kept
    kept = kept.copy()
    fill = latest.reindex(kept.loc[known, KR_ID]).set_axis(kept.index[known])
    kept.loc[known, columns] = kept.loc[known, columns].fillna(fill)
    return kept


def log_note(krs: pd.DataFrame, in_log: pd.Series, label: str) -> str:
    """`OKRs: a dated check-in log: 8 rows of 2 key results read as their history`."""
    n_krs = krs.loc[in_log, KR_ID].nunique()
    return (
        f"{label}: a dated check-in log: {int(in_log.sum()):,} rows of {n_krs:,} key results "
        "read as their history (the latest row defines each key result)"
    )
