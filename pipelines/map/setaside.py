"""Cells that are not numbers at all (`Blocked`, `Yes`) in a key result's or check-in's number
columns: set aside, never a reason to refuse the file (see docs/ingestion.md).

The key result (or check-in) is loaded without that value, so it is unscored by it, and the
cell's text stays on the import report where it is (file, sheet, row, column). A cell that
contradicts the column's number format stays an error: its value would be read wrong.
"""

from __future__ import annotations

import pandas as pd

SET_ASIDE_TABLES = ("key_results", "check_ins")
NOT_A_NUMBER = r" is not a (?:number|score)"
SET_ASIDE = ": set aside, loaded without this value (unscored by it)"


def set_aside_unreadable(
    name: str, errors: pd.Series, warnings: pd.Series
) -> tuple[pd.Series, pd.Series]:
    """`(errors, warnings)` of one parsed number column, with "is not a number" errors of a
    key result's or check-in's field turned into set-aside warnings."""
    if name.split(".", 1)[0] not in SET_ASIDE_TABLES or not errors.notna().any():
        return errors, warnings
    text = errors.astype("str")
    unreadable = errors.notna() & text.str.contains(NOT_A_NUMBER, regex=True).fillna(False)
    if not unreadable.any():
        return errors, warnings
    warnings = warnings.astype("str").mask(unreadable, text + SET_ASIDE)
    return errors.mask(unreadable), warnings
