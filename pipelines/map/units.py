"""Numbers written with a unit or a scale word, and grade cells holding two readings.

`4.3 sec`, `93 dias`, `USD 120`, `12k`, `1.2M`, `3 bn` read as the number (a `k`, `M`, `bn`
scales it; lowercase `m` is a unit, metres or minutes, never a million); the unit word is
kept by `units_of` for a key result's unit field, as is a unit named in a header's brackets
(`Target (€)`). A grade cell `0.7 (70%)` reads as its first
number, and `3/5` (score columns only) as the ratio 0.6. Cells are looked at once per
distinct text; the caller parses what comes back as a plain number.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

SCALES = {"k": 1e3, "K": 1e3, "M": 1e6, "MM": 1e6, "mn": 1e6, "Mn": 1e6, "B": 1e9, "bn": 1e9,
          "Bn": 1e9}  # fmt: skip
_NUMBER = r"[-+]?[0-9][0-9.,' \u00a0\u202f]*[0-9]|[-+]?[0-9]"
# a unit: letters (any script), optionally with a dot, slash or degree sign; at most 12 long
_UNIT = r"[^\W\d_][^\W\d_./°]{0,11}\.?"
_CURRENCY = r"[$€£¥₹₩₽]|[A-Z]{3}|[A-Z]{1,2}\$"
WITH_UNIT = re.compile(
    rf"^\s*(?P<pre>(?:{_CURRENCY})\s*)?(?P<number>{_NUMBER})\s*"
    rf"(?P<post>%|(?:{_UNIT})(?:\s*/\s*{_UNIT})?)?\s*$"
)
GRADE_AND_PERCENT = re.compile(rf"^\s*(?P<number>(?:{_NUMBER})%?)\s*\(\s*[^()]*\)\s*$")
LETTERED = r"[^0-9.,\-+%\s'\u00a0\u202f]"  # a cell with more than digits and separators
RATIO = re.compile(r"^\s*(?P<a>[0-9]+(?:[.,][0-9]+)?)\s*/\s*(?P<b>[0-9]+(?:[.,][0-9]+)?)\s*$")


def split_unit(text: str) -> tuple[str, float, str | None] | None:
    """`4.3 sec` → ("4.3", 1, "sec"); `12k` → ("12", 1000, None); `€ 3.400,50` →
    ("3.400,50", 1, "€"); `0.7 (70%)` → ("0.7", 1, None). None when the text is not a number
    with a unit (a date, a sentence, a plain number)."""
    if match := GRADE_AND_PERCENT.match(text):
        number = match["number"]
        return (number[:-1], 0.01, None) if number.endswith("%") else (number, 1.0, None)
    match = WITH_UNIT.match(text)
    if match is None or not (match["pre"] or match["post"]):
        return None
    post = match["post"]
    if post == "%":  # the caller reads a trailing percent sign itself
        return match["number"], 1.0, None
    scale = SCALES.get(post or "", 1.0)
    unit = None if scale != 1.0 else post
    pre = (match["pre"] or "").strip() or None
    return match["number"], scale, unit or pre


def ratio(text: str) -> float | None:
    """`3/5` → 0.6 (a grade out of a scale); None for anything else or a zero denominator."""
    match = RATIO.match(text)
    if match is None:
        return None
    b = float(match["b"].replace(",", "."))
    return float(match["a"].replace(",", ".")) / b if b else None


def strip_units(
    core: pd.Series, text: pd.Series, ratios: bool = False
) -> tuple[pd.Series, pd.Series]:
    """The numeric part of cells written with a unit or scale word (`core`: the cell text
    with spaces and currency signs already removed; `text`: as written), and each cell's
    scale (1 where none); with `ratios`, `3/5` as 0.6. Other cells are left as they are."""
    scale = pd.Series(1.0, index=core.index, dtype="float64")
    lettered = text.str.contains(LETTERED, regex=True)
    lettered = lettered.fillna(False).astype(bool)
    if not lettered.any():
        return core, scale
    found = {t: split_unit(t) for t in text[lettered].unique()}
    read = text[lettered].map(found)
    ok = read.map(lambda r: r is not None).astype(bool)
    rows = read[ok].index
    if len(rows):
        core = core.copy()
        numbers = read[ok].map(lambda r: r[0])
        core[rows] = numbers.str.replace(r"[\s'\u00a0\u202f]", "", regex=True)
        scale[rows] = read[ok].map(lambda r: r[1]).astype("float64")
    if ratios:
        as_ratio = text[lettered].map({t: ratio(t) for t in text[lettered].unique()}).dropna()
        if len(as_ratio):
            core = core.copy()
            core[as_ratio.index] = as_ratio.map(repr)
    return core, scale


def units_of(column: pd.Series) -> pd.Series:
    """The unit written beside each number (`sec`, `dias`, `€`), missing where none. Only
    cells holding a letter or currency sign are looked at, once per distinct text."""
    none = pd.Series(pd.NA, index=column.index, dtype="str")
    if pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column):
        return none
    if column.dtype == object:
        column = column.where(column.map(lambda v: isinstance(v, str))).astype("str")
    text = column.astype("str").str.strip()
    lettered = text.str.contains(LETTERED, regex=True).fillna(False).astype(bool)
    if not lettered.any():
        return none
    codes, distinct = pd.factorize(text[lettered])
    reads = [split_unit(str(t)) for t in distinct]
    units = np.array([None if r is None else r[2] for r in reads] or [None], dtype=object)
    found = pd.Series(units[codes], index=text[lettered].index, dtype="str")
    return none.fillna(found)


MEASURED = ("key_results.target_value", "key_results.current_value", "key_results.start_value")


HEADER_UNIT = re.compile(r"[(\[]\s*([$€£¥₹]|[^\W\d_]{1,8}\.?)\s*[)\]]\s*$")
NOT_UNITS = {"optional", "required", "number", "numeric", "value", "total", "new", "old"}


def header_unit(header: str) -> str | None:
    """The unit a header names in brackets at its end: `Target (€)` → €, `Current [sec]` →
    sec; None for `Target (optional)` or a header without one."""
    match = HEADER_UNIT.search(header)
    if match is None or match[1].casefold().rstrip(".") in NOT_UNITS:
        return None
    return match[1]


def with_units(typed: pd.DataFrame, data: pd.DataFrame, columns: dict[str, str]) -> None:
    """Fill `key_results.unit` (in place) from the unit written beside a key result's
    target, current or start value, or in brackets at the end of that column's header,
    where no unit column gives one."""
    found: pd.Series | None = None
    for name in MEASURED:
        if name in columns:
            units = units_of(data[columns[name]])
            units.index = typed.index
            in_header = header_unit(columns[name])
            if in_header:  # `Target (€)`: the unit of every row of the column
                units = units.fillna(in_header)
            found = units if found is None else found.fillna(units)
    if found is None or found.isna().all():
        return
    if "key_results.title" in typed:  # only rows that are key results carry a unit
        found = found.where(typed["key_results.title"].notna())
    given = typed.get("key_results.unit")
    typed["key_results.unit"] = found if given is None else given.fillna(found)
