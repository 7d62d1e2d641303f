"""Results of the pages' transforms and chart builders, kept per input so a page view with
the report cached is layout only.

Streamlit runs every page from the top on every click of every viewer; with the report
loaded once per process (state.py), what remains per view is filtering, small group-bys and
building Plotly figures (with their text made literal), the same for every viewer who looks
at the same filters. `memoized` keeps those results per input in a bounded, thread-safe
LRU shared by all sessions of the process:

- a small frame or series (up to SMALL_CELLS cells: histograms, per-department tables,
  trends) is keyed by its content (pandas' row hashes, its columns and dtypes), so
  a frame rebuilt on each run still finds its result; the content key of a frame is
  remembered while the frame lives, so the same object (a cached scoped frame, a memoized
  transform's result) is hashed once, not on every run;
- a larger one is keyed by identity: the frames that state.py caches per store version and
  filter set are the same objects on every run, and a key whose object is gone no longer
  matches (a weak reference checks it);
- a dict or list by its items (in order), anything else by its value.

Results are shared, never copied: callers treat them as read-only, as they already treat
the cached report (pandas' copy-on-write keeps derived frames apart). No Streamlit here.
"""

from __future__ import annotations

import hashlib
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from functools import partial, wraps
from typing import Any, ParamSpec, TypeVar

import numpy as np
import pandas as pd

from metrics.scores.bands import score_bands

SMALL_CELLS = 5_000
MAX_ENTRIES = 256

P = ParamSpec("P")
R = TypeVar("R")


class _Unkeyable(Exception):
    """An argument no key can be made for: the call is simply not memoized."""


# id of a live frame -> (a weak reference to it, its shape, its content key): frames handed
# to a memoized function are read-only, so the key of an object seen before is its key still
# (its shape, columns and dtypes are checked again: a column added in place is a new key).
# An entry leaves when its frame dies.
_content_keys: dict[int, tuple[weakref.ref[Any], Hashable, Hashable]] = {}


def _forget(ident: int, ref: weakref.ref[Any]) -> None:
    found = _content_keys.get(ident)
    if found is not None and found[0] is ref:
        del _content_keys[ident]


def _shape(value: pd.DataFrame | pd.Series[Any]) -> tuple[Any, ...]:
    if isinstance(value, pd.DataFrame):
        return (len(value), tuple(map(str, value.columns)), tuple(map(str, value.dtypes)))
    return (len(value), str(value.name), str(value.dtype))


def _frame_key(value: pd.DataFrame | pd.Series[Any], refs: list[weakref.ref[Any]]) -> Hashable:
    cells = len(value) * (len(value.columns) if isinstance(value, pd.DataFrame) else 1)
    if cells > SMALL_CELLS:
        try:
            refs.append(weakref.ref(value))
        except TypeError as exc:
            raise _Unkeyable from exc
        return ("id", id(value))
    ident, shape = id(value), _shape(value)
    known = _content_keys.get(ident)
    if known is not None and known[0]() is value and known[1] == shape:
        return known[2]
    key = _content_key(value, shape)
    try:
        ref = weakref.ref(value, partial(_forget, ident))
    except TypeError:
        return key
    _content_keys[ident] = (ref, shape, key)
    return key


def _content_key(value: pd.DataFrame | pd.Series[Any], shape: tuple[Any, ...]) -> Hashable:
    try:
        rows = pd.util.hash_pandas_object(value, index=True).to_numpy()
    except (TypeError, ValueError) as exc:  # unhashable cells (lists, dicts)
        raise _Unkeyable from exc
    return ("content", shape[1:], hashlib.blake2b(np.ascontiguousarray(rows).tobytes()).digest())


def _key(value: Any, refs: list[weakref.ref[Any]]) -> Hashable:
    if isinstance(value, pd.DataFrame | pd.Series):
        return _frame_key(value, refs)
    if isinstance(value, dict):  # labels per column and the like: by their items, in order
        return ("dict", tuple((_key(k, refs), _key(v, refs)) for k, v in value.items()))
    if isinstance(value, list):
        return ("list", tuple(_key(v, refs) for v in value))
    try:
        hash(value)
    except TypeError as exc:
        raise _Unkeyable from exc
    return ("value", type(value).__name__, value)


def _dead(refs: list[weakref.ref[Any]]) -> bool:
    return any(ref() is None for ref in refs)


def memoized(max_entries: int = MAX_ENTRIES) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Keep a function's results per input (see the module's docstring)."""

    def decorate(function: Callable[P, R]) -> Callable[P, R]:
        # key -> (weak references to the arguments keyed by identity, result)
        results: OrderedDict[Hashable, tuple[list[weakref.ref[Any]], R]] = OrderedDict()
        lock = threading.Lock()

        @wraps(function)
        def call(*args: P.args, **kwargs: P.kwargs) -> R:
            refs: list[weakref.ref[Any]] = []
            try:
                key: Hashable = (
                    score_bands(),  # labels and shading follow the sweet spot in force
                    tuple(_key(a, refs) for a in args),
                    tuple(sorted((k, _key(v, refs)) for k, v in kwargs.items())),
                )
            except _Unkeyable:
                return function(*args, **kwargs)
            with lock:
                found = results.get(key)
                # An identity key matches only while its object lives (an id can be reused).
                if found is not None and all(ref() is not None for ref in found[0]):
                    results.move_to_end(key)
                    return found[1]
            value = function(*args, **kwargs)
            with lock:
                if refs:  # a result whose argument is gone can never match: let it go
                    for gone in [k for k, (r, _) in results.items() if _dead(r)]:
                        del results[gone]
                results[key] = (refs, value)
                results.move_to_end(key)
                while len(results) > max_entries:
                    results.popitem(last=False)
            return value

        call.cache_clear = results.clear  # type: ignore[attr-defined]
        return call

    return decorate
