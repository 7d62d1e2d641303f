"""Programme health's group-bys per unit (company, department, team) and cycle, on integer
codes: the units arrive as categoricals, so each group is a pair of category codes, numbered
in the order the rows first show it (as a group-by with `sort=False` numbers them), and the
totals are `np.bincount`s instead of a pandas group-by per total and level."""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

How = Literal["mean", "sum", "nunique", "size"]


def coded_keys(frame: pd.DataFrame, keys: list[str]) -> list[np.ndarray] | None:
    """The category codes of each key column (-1: missing), or None when one is not a
    categorical."""
    found = []
    for key in keys:
        if not isinstance(frame[key].dtype, pd.CategoricalDtype):
            return None
        found.append(frame[key].cat.codes.to_numpy().astype(np.int64))
    return found


def numbered(codes: list[np.ndarray], length: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The rows with every key present, each one's group (0, 1, … in order of first
    appearance) and each group's first row."""
    present = np.ones(length, dtype=bool)
    for code in codes:
        present &= code >= 0
    rows = np.flatnonzero(present)
    key = np.zeros(len(rows), dtype=np.int64)
    for code in codes:
        key = key * (int(code.max(initial=0)) + 1) + code[rows]
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    order = np.argsort(first, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    return rows, rank[inverse.reshape(-1)], rows[first[order]]


def totals(values: pd.Series | None, rows: np.ndarray, group: np.ndarray, how: How) -> np.ndarray:
    """Per group: the mean or sum of `values` (missing values skipped), the number of its
    distinct values, or its number of rows (`values` None)."""
    groups = int(group.max(initial=-1)) + 1
    if how == "size" or values is None:
        return np.bincount(group, minlength=groups).astype(np.int64)
    if how == "nunique":
        raw = values.to_numpy()[rows]
        if pd.api.types.is_integer_dtype(raw.dtype) and raw.min(initial=0) >= -1:
            ids = raw.astype(np.int64)  # codes already (-1: missing)
        else:
            ids = pd.factorize(raw, use_na_sentinel=True)[0].astype(np.int64)
        seen = ids >= 0
        pairs = np.unique(group[seen] * (int(ids.max(initial=0)) + 1) + ids[seen])
        return np.bincount(pairs // (int(ids.max(initial=0)) + 1), minlength=groups).astype(
            np.int64
        )
    numbers = values.to_numpy(dtype="float64", na_value=np.nan)[rows]
    known = ~np.isnan(numbers)
    total = np.bincount(group[known], weights=numbers[known], minlength=groups)
    if how == "sum":
        whole = pd.api.types.is_integer_dtype(values.dtype) or pd.api.types.is_bool_dtype(
            values.dtype
        )
        return total.astype(np.int64) if whole else total
    count = np.bincount(group[known], minlength=groups)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / np.maximum(count, 1), np.nan)
