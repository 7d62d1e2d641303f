"""Numbers a score can trust: infinities and magnitudes no OKR holds are located problems.

`inf`, `Infinity`, `-inf`, `1e309` (which overflows to infinity) and JSON's `Infinity` read
as numbers but would make every score, mean and roll-up built on them meaningless, as `NaN`
would (which the reader already refuses); so would a value beyond ±1e15 (a thousand
trillion: no revenue, count or percentage in an OKR comes near). Such a cell is a problem
naming it, handled as any cell that is not a number (an error; in a key result's or
check-in's number columns set aside, see `setaside`), and is never stored. Weights are bounded
separately (`validate.value_ranges`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipelines.map.values import Parsed, parse_text

LARGEST = 1e15  # the largest magnitude a value may have


def bounded(parsed: Parsed, column: pd.Series) -> Parsed:
    """`parsed` with every infinite or out-of-range value an error on its row (and empty)."""
    values = parsed.values
    magnitude = np.abs(values.to_numpy(dtype="float64", na_value=np.nan))
    bad = pd.Series(magnitude > LARGEST, index=values.index)  # inf too; NaN compares False
    if not bad.any():
        return parsed
    text = parse_text(column).values[bad].fillna("")
    infinite = pd.Series(np.isinf(magnitude), index=values.index)[bad]
    message = ('"' + text + '" is ' + pd.Series(
        np.where(infinite, "infinite", "beyond ±1e15"), index=text.index, dtype="str"
    ) + ", so it is not a number a score can use")  # fmt: skip
    errors = parsed.errors.astype("str").copy()
    errors[bad] = errors[bad].fillna(message)
    return Parsed(values.mask(bad), errors, parsed.warnings, parsed.note)
