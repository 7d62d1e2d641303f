"""`pipelines.arrow.isin` answers exactly what pandas' `Series.isin` answers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pipelines.arrow import isin

TEXT = pd.Series(["a", None, "b", "c", "a"], dtype="str")


@pytest.mark.parametrize(
    "values, allowed",
    [
        (TEXT, ["a", "c"]),
        (TEXT, {"b"}),
        (TEXT, pd.Series(["a", None], dtype="str")),  # a missing value matches a missing one
        (TEXT, pd.Index(["zz"], dtype="str")),
        (TEXT, []),
        (TEXT, [1, 2]),  # numbers never match text
        (TEXT.astype("object"), ["a"]),
        (pd.Series([1.0, np.nan, 3.0]), [3.0, np.nan]),  # not text: pandas decides
        (pd.Series([], dtype="str"), ["a"]),
    ],
)
def test_isin_agrees_with_pandas(values, allowed):
    expected = values.isin(list(allowed) if isinstance(allowed, set) else allowed)
    got = isin(values, allowed)
    assert got.dtype == bool
    pd.testing.assert_series_equal(got, expected, check_names=False)


def test_isin_keeps_the_index():
    values = pd.Series(["x", "y"], index=[10, 20], dtype="str")
    assert isin(values, ["y"]).to_dict() == {10: False, 20: True}


@pytest.mark.parametrize(
    "values, keys, expected",
    [
        (["b", "x", None, "a"], ["a", "b"], [1, -1, -1, 0]),
        (["a"], [], [-1]),
        ([], ["a"], []),
    ],
)
def test_positions_finds_each_value_among_the_keys(values, keys, expected):
    from pipelines.arrow import positions

    found = positions(pd.Series(values, dtype="str"), pd.Series(keys, dtype="str"))
    assert found is not None and found.tolist() == expected


def test_positions_declines_repeated_keys_and_non_text():
    from pipelines.arrow import positions

    assert positions(pd.Series(["a"], dtype="str"), pd.Series(["a", "a"], dtype="str")) is None
    assert positions(pd.Series([1.0]), pd.Series([1.0])) is None


@pytest.mark.parametrize(
    "values, allowed",
    [
        (pd.Series([], dtype="object"), pd.Series(["a"], dtype="str")),
        (pd.Series([None, None], dtype="object"), pd.Series(["a"], dtype="str")),
        (pd.Series(["a"], dtype="str"), pd.Series([None], dtype="object")),
        (pd.Series([], dtype="object"), pd.Series([], dtype="object")),
    ],
)
def test_isin_copes_with_columns_of_nothing_but_missing_values(values, allowed):
    pd.testing.assert_series_equal(isin(values, allowed), values.isin(allowed), check_names=False)
