"""Text and id columns through pyarrow, with the results Python's own string methods give.

The metrics read text columns that pandas 3 keeps in Arrow (the `str` dtype). Per-element
Python work on them (`.str` with a lambda, `astype(object)`, merges and group-bys on text
keys) is what made the key-result-sized metrics slow; Arrow's kernels do the same in C++.
Arrow and Python agree on ASCII text, but not everywhere beyond it (Python's `casefold`,
its Unicode `\\w` and `\\d`, `str.lower` of 'İ'), so `exact` redoes the rare non-ASCII
values in Python and every helper here returns exactly what the Python spelling would.

Ids become integer codes once (`codes`, `positions`) and the metrics then count, look up
and walk trees with numpy on those codes instead of merging on text.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


def text(values: pd.Series) -> pa.Array:
    """A text column as one Arrow string array (missing values as nulls).

    A column that is not `str` yet (a frame built by hand) is converted as
    `metrics.conformed_frames.conform` converts text: each value through `str`, missing kept
    missing.
    """
    if values.dtype != "str":
        values = values.astype("object").where(values.notna()).astype("str")
    array = pa.array(values)
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    return array


def series(array: pa.Array | pa.ChunkedArray, index: pd.Index | None = None) -> pd.Series:
    """An Arrow string array as a pandas `str` Series (nulls become missing values)."""
    return pd.Series(array, index=index, dtype="str")


def exact(
    array: pa.Array, fast: Callable[[pa.Array], pa.Array], slow: Callable[[str], Any]
) -> pa.Array:
    """`fast` of each value, with the non-ASCII values computed by `slow` instead.

    `fast` is an Arrow kernel that gives what `slow` (the Python spelling) gives on ASCII
    text; nulls stay null. Each distinct value is computed once (titles repeat), and real
    titles are nearly all ASCII, so Python sees a handful.
    """
    encoded = pc.dictionary_encode(array)
    if isinstance(encoded, pa.ChunkedArray):
        encoded = encoded.combine_chunks()
    values = encoded.dictionary
    out = fast(values)
    if isinstance(out, pa.ChunkedArray):
        out = out.combine_chunks()
    other = pc.invert(pc.string_is_ascii(values))
    if pc.any(other).as_py():
        redone = [slow(v) for v in values.filter(other).to_pylist()]
        out = pc.replace_with_mask(out, other, pa.array(redone, out.type))
    return out.take(encoded.indices)


def strip(array: pa.Array) -> pa.Array:
    """`str.strip()` of each value: Arrow trims exactly the characters `str.isspace` names
    (tested over all of Unicode)."""
    return pc.utf8_trim_whitespace(array)


def blank(array: pa.Array) -> np.ndarray:
    """Missing, or nothing but whitespace."""
    empty = pc.equal(pc.utf8_length(strip(array)), 0).fill_null(True)
    return np.asarray(empty, dtype=bool)


def mask(condition: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """An Arrow boolean result as a numpy mask (null counts as False)."""
    return np.asarray(condition.fill_null(False), dtype=bool)


def join(*parts: pa.Array | str) -> pa.Array:
    """Concatenate text arrays and literals element-wise (a null part gives null)."""
    large = [
        pa.scalar(p, pa.large_string()) if isinstance(p, str) else p.cast(pa.large_string())
        for p in parts
    ]
    return pc.binary_join_element_wise(*large, pa.scalar("", pa.large_string()))


def integers(values: np.ndarray) -> pa.Array:
    """Whole numbers as decimal text ('3'), as `str(int)` writes them."""
    return pc.cast(pa.array(np.asarray(values, dtype=np.int64)), pa.large_string())


def codes(array: pa.Array, ordered: bool = False) -> tuple[np.ndarray, pa.Array]:
    """Integer code of each value (-1 for null) and the distinct values they index.

    With `ordered`, codes follow the sort order of the values (code-point order, as Python
    sorts text), so sorting or grouping by the code is sorting or grouping by the value.
    """
    encoded = pc.dictionary_encode(array)
    if isinstance(encoded, pa.ChunkedArray):
        encoded = encoded.combine_chunks()
    index = np.asarray(encoded.indices.fill_null(-1), dtype=np.int64)
    uniques = encoded.dictionary
    if ordered and len(uniques):
        order = np.asarray(pc.sort_indices(uniques), dtype=np.int64)
        rank = np.empty(len(order), dtype=np.int64)
        rank[order] = np.arange(len(order))
        index = np.where(index >= 0, rank[np.maximum(index, 0)], -1)
        uniques = uniques.take(pa.array(order))
    return index, uniques


def positions(values: pa.Array, keys: pa.Array, nulls_match: bool = False) -> np.ndarray:
    """For each value, the position of the equal key in `keys` (unique), or -1 when there
    is none. A null value finds nothing, unless `nulls_match` (then it finds a null key,
    as `Series.map` does)."""
    found = pc.index_in(values, value_set=keys, skip_nulls=not nulls_match)
    return np.asarray(found.fill_null(-1), dtype=np.int64)


def take(array: pa.Array, index: np.ndarray) -> pa.Array:
    """`array[index]`, null where the index is -1."""
    index = np.asarray(index, dtype=np.int64)
    return array.take(pa.array(index, mask=index < 0))


def sort_key(array: pa.Array) -> np.ndarray:
    """A numpy key that sorts like the text values, nulls last (for `np.lexsort`)."""
    index, uniques = codes(array, ordered=True)
    return np.where(index >= 0, index, len(uniques))


def groups(*keys: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """A group number per row (0, 1, ...) in the order of the rows' text keys (each key in
    code-point order, missing values last), and the first row of each group."""
    group = np.zeros(len(keys[0]) if keys else 0, dtype=np.int64)
    for key in keys:
        code = sort_key(key)
        width = int(code.max(initial=0)) + 1
        if int(group.max(initial=0)) + 1 > (1 << 62) // width:  # renumber before overflow
            group = np.unique(group, return_inverse=True)[1].astype(np.int64)
        group = group * width + code
    _, first, dense = np.unique(group, return_index=True, return_inverse=True)
    return dense.astype(np.int64).reshape(-1), first
