"""The download under a table sent a page of rows at a time (docs/pages.md, "Large tables").

A table of more than `table_payload.LAZY_ROWS` rows reaches the browser in pages as the
viewer scrolls, so the table's own toolbar cannot download it whole; this button does, as
CSV with the table's headers in words and its rows in its order. The file is built only
when the button is pressed, and text a spreadsheet would run as a formula is made inert
(exports/spreadsheet_safe.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
import streamlit as st

from dashboard.table_payload import sorted_shown
from exports.spreadsheet_safe import excel_safe


def table_csv(
    frame: pd.DataFrame,
    columns: tuple[str, ...] | None,
    sort: tuple[tuple[str, bool], ...],
    config: Mapping[str, Any],
) -> bytes:
    """The table as it is drawn (rows sorted and chosen), headers as its column labels."""
    shown = sorted_shown(frame, columns, sort)
    headers = {c: (config.get(str(c)) or {}).get("label") or str(c) for c in shown.columns}
    return excel_safe(shown.rename(columns=headers)).to_csv(index=False).encode("utf-8")


def large_table_download(
    frame: pd.DataFrame,
    key: str,
    columns: tuple[str, ...] | None,
    sort: tuple[tuple[str, bool], ...],
    config: Mapping[str, Any],
) -> None:
    """A button under the table `key`: all its rows as CSV, built when pressed."""
    st.download_button(
        f"Download all {len(frame):,} rows (CSV)",
        lambda: table_csv(frame, columns, sort, config),
        file_name=f"{key}.csv", mime="text/csv", key=f"{key}_csv",
    )  # fmt: skip
