"""The text tests of the quality lint, run by Arrow's kernels on ASCII titles.

Each function gives what its Python rule in `metrics.coaching.lint` gives (`re` and string
methods, Unicode as Python reads it): on ASCII text RE2's classes, `\\b` and case folding
name the same characters as Python's, so Arrow runs the rule over every distinct title in
C++, and `pipelines.arrow.exact` hands the few non-ASCII titles to the Python rule itself.
A missing title reads as '' (as `lint.per_text` reads it).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pipelines import arrow as at

_NOT_WORD = "[^A-Za-z0-9_]"  # Python's \W on ASCII text
# Python's \s on ASCII text: space, \t \n \v \f \r and the separators \x1c–\x1f.
_SPACE = "[\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f ]"


def _per_title(
    titles: pd.Series, fast: Callable[[pa.Array], pa.Array], slow: Callable[[str], Any]
) -> pa.Array:
    return at.exact(at.text(titles), fast, slow)


def has_digit(titles: pd.Series, slow: Callable[[str], bool]) -> pd.Series:
    """Whether each title holds a digit (Python's `\\d`), as a boolean Series."""
    found = _per_title(titles, lambda v: pc.match_substring_regex(v, "[0-9]"), slow)
    return pd.Series(at.mask(found), index=titles.index)


def normalised(titles: pd.Series, slow: Callable[[str], str]) -> pd.Series:
    """Each title casefolded, every run of non-word characters one space, stripped ('' for
    a missing title), as a `str` Series."""

    def fast(values: pa.Array) -> pa.Array:
        spaced = pc.replace_substring_regex(pc.ascii_lower(values), f"{_NOT_WORD}+", " ")
        return pc.utf8_trim(spaced, " ")

    found = pc.fill_null(_per_title(titles, fast, slow), "")
    return at.series(found, titles.index)


def leading_verb(
    titles: pd.Series, verbs: Iterable[str], slow: Callable[[str], str | None]
) -> pd.Series | None:
    """The activity verb each title starts with, lower-cased (None for none), as an object
    Series; None when a verb is not ASCII (then only Python's rule reads it right)."""
    verbs = list(verbs)
    if not all(v.isascii() for v in verbs):
        return None
    # As `lint.activity_pattern` spells it: each space of a verb is a run of whitespace.
    words = "|".join(f"{_SPACE}+".join(re.escape(p) for p in v.split(" ")) for v in verbs)
    pattern = f"(?i)^{_NOT_WORD}*(?P<verb>{words})\\b"

    def fast(values: pa.Array) -> pa.Array:
        found = pc.struct_field(pc.extract_regex(values, pattern), [0])
        return pc.ascii_lower(found)

    try:
        found = _per_title(titles, fast, slow)
    except pa.ArrowInvalid:  # a verb RE2 does not read as Python does: Python's rule
        return None
    return pd.Series(found.to_numpy(zero_copy_only=False), index=titles.index, dtype="object")
