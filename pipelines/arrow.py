"""Fast paths for text columns, which pandas 3 keeps in Arrow (the `str` dtype).

Every id in the model is text. For an Arrow-backed column, pandas' `Series.isin` builds its
lookup set one Python scalar at a time, so checking a million check-ins against a hundred
thousand key-result ids costs seconds; pyarrow's `is_in` hashes the value set in C++. A
merge of millions of check-ins with their key results on the id spends its time factorizing
the text keys; `positions` finds each row's key once, in C++, and the columns follow by
position.

The metrics read text and id columns through the helpers of the second half (`text`,
`codes`, `key_positions`, `groups`, …): Arrow's kernels where they give what Python's string
methods give (`strip`; any text on ASCII), `exact` redoing the rare non-ASCII values in
Python where they do not. Ids become integer codes once and the metrics then count, look up
and walk trees with numpy on those codes instead of merging on text.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


def _as_arrow(values: object) -> pa.Array | pa.ChunkedArray | None:
    """Text values as an Arrow string array, or None when they are not all text."""
    if isinstance(values, pd.Series | pd.Index):
        if not pd.api.types.is_string_dtype(values.dtype):
            return None
        data = values
    else:
        data = pd.Series(list(values) if isinstance(values, set | frozenset) else values,
                         dtype="object")  # fmt: skip
    try:
        array = pa.array(data, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None
    if not (pa.types.is_string(array.type) or pa.types.is_large_string(array.type)
            or pa.types.is_null(array.type)):  # fmt: skip
        return None
    if pa.types.is_null(array.type):  # nothing but missing values (or nothing at all)
        return array.cast(pa.large_string())
    return array


def isin(values: pd.Series, allowed: Iterable[object]) -> pd.Series:
    """`values.isin(allowed)` as a boolean Series on `values`' index (a missing value matches
    only a missing value), through pyarrow when both sides are text."""
    if values.empty:  # nothing to look up (as in an empty store): no lookup set to build
        return pd.Series(False, index=values.index, dtype=bool)
    left = _as_arrow(values)
    right = _as_arrow(allowed) if left is not None else None
    if left is None or right is None:
        return values.isin(list(allowed) if isinstance(allowed, set | frozenset) else allowed)
    if isinstance(right, pa.ChunkedArray):
        right = right.combine_chunks()
    found = pc.is_in(left, value_set=right)
    return pd.Series(np.asarray(found, dtype=bool), index=values.index)


def positions(values: pd.Series, keys: pd.Series) -> np.ndarray | None:
    """For each value, the position of the equal key in `keys` (-1 when there is none; a
    missing value finds a missing key, as a merge does), or None when either side is not
    text or `keys` repeats a key (then merge as usual)."""
    left, right = _as_arrow(values), _as_arrow(keys)
    if left is None or right is None or not keys.is_unique:
        return None
    if isinstance(right, pa.ChunkedArray):
        right = right.combine_chunks()
    return key_positions(left, right, nulls_match=True).astype(np.intp)


def same_values(a: pd.Series | pd.Index, b: pd.Series | pd.Index) -> bool:
    """Whether two columns hold equal values in the same order (missing equals missing);
    compared in C++ when both are text."""
    if len(a) != len(b):
        return False
    left, right = _as_arrow(a), _as_arrow(b)
    if left is None or right is None:
        return pd.Series(a).reset_index(drop=True).equals(pd.Series(b).reset_index(drop=True))
    same = pc.fill_null(pc.equal(left, right), False)
    both_missing = pc.and_(pc.is_null(left), pc.is_null(right))
    return bool(pc.all(pc.or_(same, both_missing)).as_py())


def no_text(index: pd.Index) -> pd.Series:
    """An all-missing text column, as `pd.Series(pd.NA, index=index, dtype="str")` gives,
    built without a pass over the rows."""
    return pd.Series(pd.array(_nulls(len(index)), dtype="str"), index=index)


@lru_cache(maxsize=8)
def _nulls(length: int) -> pa.Array:
    """`length` missing texts. Arrow arrays never change, and pandas replaces (never writes
    into) the array of a column it changes, so one array serves every such column."""
    return pa.nulls(length, pa.large_string())


def value_bytes(cells: pa.ChunkedArray | pa.Array) -> list[np.ndarray] | None:
    """The bytes of a text array's values, one numpy array per chunk, without a copy; None
    for anything but (large_)string arrays. A missing value's slot may hold bytes of its own
    (none, as Arrow writes them), so a test over these bytes can only be stricter."""
    chunks = cells.chunks if isinstance(cells, pa.ChunkedArray) else [cells]
    out = []
    for chunk in chunks:
        bounds = _bounds(chunk)
        if bounds is None:
            return None
        data = chunk.buffers()[2]
        if len(chunk) == 0 or data is None:
            continue
        low, high = int(bounds[0]), int(bounds[-1])
        if high > low:
            out.append(np.frombuffer(data, dtype=np.uint8, count=high)[low:])
    return out


def _bounds(chunk: pa.Array) -> np.ndarray[Any, np.dtype[np.int64]] | None:
    """Where each value of a (large_)string array starts and ends in its data buffer (one
    more bound than values), or None for any other type."""
    width: type[np.int64] | type[np.int32]
    if pa.types.is_large_string(chunk.type):
        width = np.int64
    elif pa.types.is_string(chunk.type):
        width = np.int32
    else:
        return None
    offsets = chunk.buffers()[1]
    if len(chunk) == 0 or offsets is None:
        return np.zeros(1, dtype=np.int64)
    count = chunk.offset + len(chunk) + 1
    return np.frombuffer(offsets, dtype=width, count=count)[chunk.offset :].astype(np.int64)


def untrimmed(cells: pa.ChunkedArray | pa.Array) -> bool:
    """Whether no value of a text array starts or ends with a byte that could begin or end
    whitespace (ASCII 0–32 or 127, or any byte of a non-ASCII character): then trimming
    whitespace would change nothing. Two gathers over the offsets; no value is read whole.
    False (trim to find out) for anything but (large_)string arrays."""
    chunks = cells.chunks if isinstance(cells, pa.ChunkedArray) else [cells]
    for chunk in chunks:
        bounds = _bounds(chunk)
        if bounds is None:
            return False
        data = chunk.buffers()[2]
        if len(chunk) == 0 or data is None:
            continue
        starts, ends = bounds[:-1], bounds[1:]
        filled = ends > starts
        raw = np.frombuffer(data, dtype=np.uint8)
        for edge in (raw[starts[filled]], raw[ends[filled] - 1]):
            if ((edge <= 0x20) | (edge >= 0x7F)).any():
                return False
    return True


def only_bytes(cells: pa.ChunkedArray | pa.Array, allowed: bytes) -> bool:
    """Whether every value is made of the ASCII characters in `allowed` only."""
    parts = value_bytes(cells)
    if parts is None:
        return False
    table = np.zeros(256, dtype=bool)
    table[list(allowed)] = True
    return all(bool(table[part].all()) for part in parts)


def per_distinct(column: pd.Series, fn: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """`fn(column)` for a function that reads each cell on its own (a word looked up, a
    pattern matched), computed once per distinct value of a text column and spread back over
    its rows: a status or owner column of 100,000 rows holds a few thousand values at most.

    Columns that are not text (a workbook's typed cells, where `True == 1` would merge two
    values) and columns of mostly distinct values get `fn(column)` itself."""
    codes, distinct = distinct_codes(column)
    if distinct is None:
        return fn(column)
    return spread(fn(distinct), codes, column.index)


def spread(per_value: pd.Series, codes: np.ndarray, index: pd.Index) -> pd.Series:
    """One result per distinct value (`distinct_codes`) laid back out over the rows."""
    return pd.Series(per_value.array.take(codes), index=index, name=per_value.name)


def distinct_codes(column: pd.Series) -> tuple[np.ndarray, pd.Series | None]:
    """Each row's position in the column's distinct values, and those values (a missing one
    last, whether or not the column has one), for a text column of repeated values; the
    distinct values are None when the column is not text or holds mostly different values."""
    if not isinstance(column.array, pd.arrays.ArrowStringArray) or len(column) < 64:
        return np.empty(0, dtype=np.intp), None
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    if len(uniques) * 2 > len(column):
        return np.empty(0, dtype=np.intp), None
    found: pa.Array = pa.array(uniques, type=pa.large_string())
    values = pa.concat_arrays([found, pa.nulls(1, pa.large_string())])
    dtype: Any = column.dtype  # `str`, or `string[pyarrow]`: kept as the column has it
    distinct = pd.Series(pd.array(values, dtype=dtype), name=column.name)
    return np.where(codes < 0, len(uniques), codes).astype(np.intp), distinct


POOL_VARIABLE = "ARROW_DEFAULT_MEMORY_POOL"


def prefer_jemalloc() -> str:
    """Arrow's jemalloc memory pool for the rest of this process, unless
    ARROW_DEFAULT_MEMORY_POOL names one or this pyarrow has no jemalloc; returns the pool's
    name. An import of files from the command line allocates and frees its columns in a
    fresh process: with the default mimalloc pool the CSV ingest of M spent about a sixth of
    its time (0.6 s of 4) more, most of it in the kernel handing pages back and again.
    Buffers keep the pool they came from, so switching mid-process is safe."""
    current = str(pa.default_memory_pool().backend_name)
    if os.environ.get(POOL_VARIABLE) or current == "jemalloc":
        return current
    try:
        jemalloc = pa.jemalloc_memory_pool()
    except NotImplementedError:  # a pyarrow built without it
        return current
    pa.set_memory_pool(jemalloc)
    return str(jemalloc.backend_name)


# --- text and id columns as the metrics read them ---------------------------------------------


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


def key_positions(values: pa.Array, keys: pa.Array, nulls_match: bool = False) -> np.ndarray:
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
