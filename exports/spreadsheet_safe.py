"""Text a spreadsheet would run as a formula, made inert: one rule for the packs' Excel cells
and for the CSV `okr-health scores --excel-safe` writes (OWASP's advice on CSV injection)."""

from __future__ import annotations

import pandas as pd

# A cell whose text starts with one of these is read as a formula by Excel, LibreOffice or
# Google Sheets (a leading newline too, once the cell is edited).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def excel_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """Text cells a spreadsheet would run as a formula, prefixed with a single quote.
    Numbers are left alone; only text can carry a formula."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            text = out[column]
            risky = text.map(lambda v: isinstance(v, str) and v.startswith(FORMULA_START))
            out[column] = text.where(~risky.astype(bool), "'" + text.astype("str"))
    return out
