"""Arrow text helpers give what Python's string methods give."""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pipelines import arrow as at


def test_strip_trims_exactly_what_python_strips():
    spaces = [chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()]
    others = ["\u200b", "\ufeff", "\u180e", "x", "_", "\x00"]  # not whitespace to Python
    values = [f"{c}a{c}" for c in spaces + others]
    assert at.strip(pa.array(values)).to_pylist() == [v.strip() for v in values]


def test_blank_and_text_of_hand_built_columns():
    values = pd.Series(["a", " ", None, float("nan"), "\u3000", 3], dtype="object")
    assert at.text(values).to_pylist() == ["a", " ", None, None, "\u3000", "3"]
    assert at.blank(at.text(values)).tolist() == [False, True, True, True, True, False]


def test_codes_sort_like_python_with_nulls_apart():
    values = ["b", None, "é", "a", "b", "Z"]
    index, uniques = at.codes(pa.array(values), ordered=True)
    assert uniques.to_pylist() == sorted(v for v in set(values) if v is not None)
    assert [uniques[i].as_py() if i >= 0 else None for i in index] == values
    key = at.sort_key(pa.array(values))
    assert [values[i] for i in np.argsort(key, kind="stable")] == ["Z", "a", "b", "b", "é", None]


def test_positions_find_nulls_only_when_asked():
    keys = pa.array(["a", None, "b"])
    values = pa.array(["b", None, "c", "a"])
    assert at.key_positions(values, keys).tolist() == [2, -1, -1, 0]
    assert at.key_positions(values, keys, nulls_match=True).tolist() == [2, 1, -1, 0]


def test_exact_computes_non_ascii_values_in_python():
    values = pa.array(["Straße", "ABC", None, "ﬁx", "ABC"])
    out = at.exact(values, pc.ascii_lower, str.casefold)
    assert out.to_pylist() == ["strasse", "abc", None, "fix", "abc"]
