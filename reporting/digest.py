"""A digest of every frame of a health report, to prove a refactoring changes no number.

The demo's digest is pinned by tests/architecture/test_report_digest.py; the benchmark's M
and L4 companies' by benchmarks/expected/ (checked by every `make bench`).

Each frame is reduced to its columns, dtypes and a SHA-256 of its values, with floats
rounded to 9 decimals (so a change in summation order is not a change). Scalars and lists
are digested from their `repr`.
"""

from __future__ import annotations

import dataclasses
import hashlib
from typing import Any

import numpy as np
import pandas as pd


def frame_digest(frame: pd.DataFrame) -> str:
    """Columns, dtypes, index and values of `frame`, as one hex digest."""
    rounded = frame.copy()
    for column in rounded.columns:
        if pd.api.types.is_float_dtype(rounded[column].dtype):
            rounded[column] = rounded[column].round(9)
    digest = hashlib.sha256()
    digest.update(repr([(str(c), str(t)) for c, t in rounded.dtypes.items()]).encode())
    values = pd.util.hash_pandas_object(rounded.reset_index(drop=False), index=False)
    digest.update(np.asarray(values, dtype="uint64").tobytes())
    return digest.hexdigest()


def report_digest(report: Any) -> dict[str, str]:
    """One digest per field of a report dataclass (nested dataclasses by dotted name)."""
    out: dict[str, str] = {}

    def visit(prefix: str, value: Any) -> None:
        if isinstance(value, pd.DataFrame):
            out[prefix] = frame_digest(value)
        elif isinstance(value, pd.Series):
            out[prefix] = frame_digest(value.to_frame())
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            for f in dataclasses.fields(value):
                visit(f"{prefix}.{f.name}" if prefix else f.name, getattr(value, f.name))
        else:
            out[prefix] = hashlib.sha256(repr(value).encode()).hexdigest()

    visit("", report)
    return out
