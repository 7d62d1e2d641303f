"""`attach`: a left merge on a unique key, by position when the rows already line up."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from metrics.tables import attach

LEFT = pd.DataFrame({"kr_id": pd.Series(["a", "b", np.nan, "d"], dtype="str"), "x": [1, 2, 3, 4]})


@pytest.mark.parametrize(
    "keys",
    [
        ["a", "b", np.nan, "d"],  # the same rows in the same order: attached by position
        ["d", "b", np.nan, "a"],  # the same keys in another order
        ["a", "b", "c", "d"],  # one key differs
        ["a", "b"],  # fewer rows
    ],
)
def test_attach_is_a_left_merge(keys):
    right = pd.DataFrame({"kr_id": pd.Series(keys, dtype="str"), "y": np.arange(len(keys)) * 10})
    expected = LEFT.merge(right, on="kr_id", how="left")
    pd.testing.assert_frame_equal(attach(LEFT, right, "kr_id"), expected)


def test_attach_keeps_the_values_of_a_matching_row():
    right = pd.DataFrame({"kr_id": pd.Series(["d", "b", "a"], dtype="str"), "y": [40, 20, 10]})
    out = attach(LEFT, right, "kr_id").set_index("x")["y"]
    assert out.tolist()[:2] == [10, 20] and out[4] == 40 and np.isnan(out[3])
