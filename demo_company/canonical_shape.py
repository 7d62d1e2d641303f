"""The canonical shape of a generated table: exactly the schema's columns, in order, with
the schema's types (shared by the demo company and the import template).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from pipelines.store import schema


def canonical(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Exactly the schema's columns, in order; numbers as float, text as object (a column
    the generator does not draw, such as `archived`, is left empty)."""
    table = schema.TABLES_BY_NAME[name]
    frame = frame.reindex(columns=table.column_names).reset_index(drop=True)
    out: dict[str, pd.Series[Any]] = {}
    for col in table.columns:
        values = frame[col.name]
        if col.sql_type == schema.NUMBER:
            out[col.name] = values.astype("float64")
        elif col.sql_type == schema.TEXT:
            text = values.astype(object)
            out[col.name] = text.where(text.notna(), None)
        elif col.sql_type == schema.TIMESTAMP:
            out[col.name] = pd.to_datetime(values)
        else:
            out[col.name] = values.astype(object)
    return pd.DataFrame(out)
