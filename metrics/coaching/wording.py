"""Vectorised wording helpers for the sentences the metrics write (evidence, lint reasons)."""

from __future__ import annotations

import numpy as np
import pandas as pd


def numbers(values: pd.Series, spec: str = "%g") -> pd.Series:
    """Numbers as text with a printf-style `spec` ('%g', '%.2f'), as a str Series.

    Rounded to 9 decimals first, so that a mean summed in another row order (0.525 or
    0.52499999999999991) reads the same."""
    text: np.ndarray | list[str] = (
        np.char.mod(spec, values.astype("float64").round(9).to_numpy()) if len(values) else []
    )
    return pd.Series(text, index=values.index, dtype="str")


def plural(count: pd.Series, one: str, many: str) -> pd.Series:
    """'1 cycle' / '3 cycles' for each count."""
    noun = pd.Series(np.where(count == 1, one, many), index=count.index, dtype="str")
    return numbers(count, "%d") + " " + noun
