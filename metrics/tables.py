"""Canonical frames conformed to the schema's types before any metric reads them.

Frames come from DuckDB (text as `str`, dates as datetime64), from the demo generator, or
from tests built by hand (an all-empty text column arrives as float NaN). The metrics merge
on ids and compare dates, so every frame is first given the schema's columns and types.
"""

from __future__ import annotations

import dataclasses

import pandas as pd

from pipelines.schema import DATE, NUMBER, TABLES_BY_NAME, TEXT, TIMESTAMP
from pipelines.store import Dataset


def conform(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with every column of canonical table `name`: text as str, numbers as float,
    dates and timestamps as datetime64 (missing columns added empty; extra columns kept)."""
    table = TABLES_BY_NAME[name]
    out = frame.copy()
    for column in table.columns:
        values = out[column.name] if column.name in out else pd.Series(None, index=out.index)
        if column.sql_type == TEXT:
            values = values.astype("object").where(values.notna()).astype("str")
        elif column.sql_type == NUMBER:
            values = pd.to_numeric(values, errors="coerce").astype("float64")
        elif column.sql_type in (DATE, TIMESTAMP):
            values = pd.to_datetime(values, errors="coerce")
        out[column.name] = values
    return out


def conform_dataset(dataset: Dataset) -> Dataset:
    """The dataset with each canonical table conformed (see `conform`)."""
    frames = {name: conform(name, getattr(dataset, name)) for name in TABLES_BY_NAME}
    return dataclasses.replace(dataset, **frames)


def lookup(keys: pd.Series, table: pd.Series) -> pd.Series:
    """`table[key]` for each key, aligned with `keys` and keeping `table`'s dtype even when
    empty (`Series.map` turns an empty datetime lookup into floats). `table` has a unique
    index; unknown keys give missing values."""
    return pd.Series(table.reindex(keys.to_numpy()).to_numpy(), index=keys.index, name=table.name)
