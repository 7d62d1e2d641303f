"""The key-result types: how a key result is measured, so how it is scored.

One home for the names every stage uses (the reader's synonyms, the store's schema, the
scoring formulas, the demo company). The rule of each type is in docs/scoring.md, "Key-result
types".
"""

from __future__ import annotations

from enum import StrEnum


class KrType(StrEnum):
    """A key result's type; its value is what the store holds in `key_results.kr_type`."""

    INCREASE = "increase"  # move a number up from a start to a target
    DECREASE = "decrease"  # move a number down from a start to a target
    RANGE = "range"  # keep a number inside a low–high range
    MILESTONE = "milestone"  # done (1) or not done (0)
    BASELINE = "baseline"  # measure a number for the first time: done once it is recorded
    GRADED = "graded"  # no number: graded by hand on the 0–1 scale (zones such as 0/0.3/0.7/1)


# Types a source states with values (start, target, range): every type but a hand grade.
MEASURED_TYPES: tuple[KrType, ...] = tuple(t for t in KrType if t is not KrType.GRADED)
# Types that are done or not: checked in on with no value yet, they score 0 (not ungraded).
DONE_OR_NOT_TYPES: tuple[KrType, ...] = (KrType.MILESTONE, KrType.BASELINE)
