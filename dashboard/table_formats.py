"""Tables that read well: one vocabulary of column headers and formats for every page.

`show(frame, key)` draws a frame with headers in words, scores to two decimals, shares as
percentages, dates as dates, missing values blank and long text wrapped; `column_config`
is the builder behind it, for a page that calls `st.dataframe` itself. A column of links
(`*_link`, from `dashboard.links`) shows the text after the link's `#` and opens the page.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd
import streamlit as st

from dashboard.table_download import large_table_download
from dashboard.table_payload import prepared
from dashboard.table_payload import readable as readable  # the pages' name for it
from exports.closing_pack import COLUMNS as PACK_COLUMNS

# Column name → (header, kind). Kinds: text, long (wrapped), score, share, int, number,
# date, datetime, delta, link, band.
VOCABULARY: dict[str, tuple[str, str]] = {
    "title": ("Title", "text"),
    "objective_link": ("Objective", "link"),
    "owner_link": ("Owner", "link"),
    "team_link": ("Team", "link"),
    "parent_link": ("Parent objective", "link"),
    "cycle_id": ("Cycle", "text"),
    "cycle": ("Cycle", "text"),
    "department": ("Department", "text"),
    "team": ("Team", "text"),
    "team_id": ("Team ID", "text"),
    "owner": ("Owner", "text"),
    "level": ("Level", "text"),
    "score": ("Score", "score"),
    "expected": ("Expected by now", "score"),
    "forecast": ("Forecast at end", "score"),
    "chance": ("Chance of the sweet spot", "share"),
    "chance_low": ("Chance to clear the low band", "share"),
    "gap": ("Gap to the calendar", "delta"),
    "objectives": ("Objectives", "int"),
    "at_risk": ("At risk", "int"),
    "key_results": ("Key results", "int"),
    "graded": ("Graded", "int"),
    "kr_count": ("Key results", "int"),
    "graded_krs": ("Graded", "int"),
    "bin": ("Score", "text"),
    "band": ("Band", "band"),
    "count": ("Count", "int"),
    "label": ("Name", "text"),
    "kind": ("Kind", "text"),
    "value": ("Value", "number"),
    "parent_id": ("Missing parent", "text"),
    "status": ("Status", "text"),
    "link": ("Link", "text"),
    "evidence": ("Evidence", "long"),
    "signals": ("What it shows", "long"),
    "reason": ("Why", "long"),
    "rule": ("Rule", "text"),
    "pattern": ("Pattern", "text"),
    "cycles": ("Cycles", "int"),
    "mean_score": ("Mean score", "score"),
    "maxed": ("At 1.0", "int"),
    "low": ("Below 0.4", "int"),
    "reached_early": ("Reached early", "int"),
    "target_not_beyond_start": ("Target at or below start", "int"),
    "far_above_target": ("Far above target", "int"),
    "no_movement": ("No movement", "int"),
    "maxed_share": ("Share at 1.0", "share"),
    "low_share": ("Share below 0.4", "share"),
    "week_start": ("Week of", "date"),
    "active_krs": ("Active key results", "int"),
    "checked_krs": ("Checked in", "int"),
    "share": ("Share", "share"),
    "in_progress": ("Week in progress", "text"),
    "last_check_in_at": ("Last check-in", "date"),
    "days_silent": ("Days silent", "int"),
    "mean_confidence": ("Mean confidence", "share"),
    "hit_rate": ("Share hit", "share"),
    "brier": ("Brier score", "number"),
    "overconfidence": ("Overconfidence", "delta"),
    "kr_mean": ("Key-result score", "score"),
    "objective_mean": ("Objective score", "score"),
    "sweet_spot_share": ("In the sweet spot", "share"),
    "sweet_share": ("Sweet spot", "share"),
    "mid_share": ("Mid", "share"),
    "high_share": ("High", "share"),
    "ungraded_krs": ("Ungraded key results", "int"),
    "aligned_share": ("Aligned", "share"),
    "orphans": ("Orphans", "int"),
    "broken_links": ("Broken links", "int"),
    "check_in_share": ("Checked in weekly", "share"),
    "sandbagging_owners": ("Sandbagging owners", "int"),
    "over_ambitious_owners": ("Over-ambitious owners", "int"),
    "lint_findings": ("Lint findings", "int"),
    "kr_type": ("Type", "text"),
    "start_value": ("Start", "number"),
    "target_value": ("Target", "number"),
    "current": ("Current", "number"),
    "attainment": ("Attainment", "score"),
    "score_source": ("Score from", "text"),
    "heading": ("Heading for", "score"),
    "checked_at": ("Checked in", "datetime"),
    "check_in_count": ("Check-ins", "int"),
    "latest_confidence": ("Confidence", "share"),
    "confidence": ("Confidence", "share"),
    "grade": ("Grade", "score"),
    "note": ("Note", "long"),
    "author": ("By", "text"),
    "mid_score": ("Mid-cycle", "score"),
    "delta": ("Change", "delta"),
    "change": ("Movement", "text"),
    "when": ("When", "datetime"),
    "files": ("Files", "long"),
    "outcome": ("Outcome", "text"),
    "rows": ("Rows", "long"),
    "took": ("Took (s)", "number"),
    "message": ("Message", "long"),
    "severity": ("Severity", "text"),
    "where": ("Where", "text"),
    "problem": ("Problem", "long"),
    "elapsed": ("Time gone", "share"),
}
# The closing pack's own headers (exports.closing_pack.COLUMNS, per table) hold on its page too.
PACK = {name: {c.key: (c.header, c.kind) for c in cols} for name, cols in PACK_COLUMNS.items()}
LONG_NAMES = ("evidence", "detail", "reason", "note", "message", "problem")  # wrapped, wide


def header(column: str) -> str:
    """`team_id` → `Team ID`, `key_results` → `Key results`: a header in words."""
    if column in VOCABULARY:
        return VOCABULARY[column][0]
    words = column.replace("_", " ").strip()
    words = words.removesuffix(" id") + (" ID" if words.endswith(" id") else "")
    return words[:1].upper() + words[1:]


def kind_of(column: str, dtype: Any) -> str:
    """The kind of a column: from the vocabulary, else from its name and type."""
    if column in VOCABULARY:
        return VOCABULARY[column][1]
    if column.endswith("_link"):
        return "link"
    if column.endswith("_share") or column == "share":
        return "share"
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return "datetime"
    if pd.api.types.is_integer_dtype(dtype):
        return "int"
    if pd.api.types.is_float_dtype(dtype):
        return "score" if "score" in column or column.endswith("_mean") else "number"
    return "text"


# The number format of each numeric kind of column (Streamlit's printf-style or named).
NUMBER_FORMATS = {"score": "%.2f", "attainment": "%.2f", "delta": "%+.2f", "share": "percent",
                  "int": "%d", "number": "%.4g"}  # fmt: skip


def _config(label: str, kind: str) -> Any:
    """The Streamlit column configuration of one kind."""
    cc = st.column_config
    if kind in NUMBER_FORMATS:
        return cc.NumberColumn(label, format=NUMBER_FORMATS[kind])
    if kind == "date":
        return cc.DateColumn(label, format="D MMM YYYY")
    if kind == "datetime":
        return cc.DatetimeColumn(label, format="D MMM YYYY, HH:mm")
    if kind == "link":
        return cc.LinkColumn(label, display_text=r"#(.*)$", width="large")
    if kind == "long":
        return cc.TextColumn(label, width="large")
    return cc.TextColumn(label)


def column_config(
    frame: pd.DataFrame,
    labels: Mapping[str, str] | None = None,
    pack: str | None = None,
) -> dict[str, Any]:
    """Column configuration for every column of `frame`: header in words and format by kind.
    `labels` overrides headers; `pack` names the closing pack's table whose own headers
    come first."""
    out: dict[str, Any] = {}
    for column in frame.columns:
        name = str(column)
        own = PACK.get(pack or "", {})
        label, kind = own[name] if name in own else (header(name), kind_of(name, frame[name].dtype))
        kind = "long" if name in LONG_NAMES else kind
        out[name] = _config((labels or {}).get(name, label), kind)
    return out


def show(
    frame: pd.DataFrame,
    key: str,
    *,
    columns: Sequence[str] | None = None,
    sort: Iterable[tuple[str, bool]] = (),
    labels: Mapping[str, str] | None = None,
    pack: str | None = None,
    height: int | None = None,
) -> None:
    """Draw `frame` sorted by `sort` ((column, ascending) pairs, any column of `frame`), only
    `columns` in that order when given, with headers in words; missing values stay blank and long
    text wraps. The table's own toolbar downloads it as CSV; a table of more than LAZY_ROWS rows
    is sent a page at a time, with a button to download it whole (docs/pages.md, "Large
    tables"). The Arrow form is kept per input (dashboard/table_payload.py)."""
    chosen = tuple(columns) if columns is not None else None
    shown = frame.iloc[:0][list(chosen)] if chosen is not None else frame.iloc[:0]  # dtypes only
    config = column_config(shown, labels, pack)
    long_text = tuple(
        str(c)
        for c in shown.columns
        if kind_of(str(c), shown[c].dtype) == "long" or str(c) in LONG_NAMES
    )
    payload = prepared(frame, chosen, tuple(sort), long_text)
    options: dict[str, Any] = {}
    if height is not None:
        options["height"] = height
    st.dataframe(
        payload.table,
        hide_index=True,
        key=key,
        column_config=config,
        placeholder="",
        row_height=payload.row_height,
        lazy=payload.lazy,
        **options,
    )
    if payload.lazy:
        large_table_download(frame, key, chosen, tuple(sort), config)
