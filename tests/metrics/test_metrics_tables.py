"""`attach`: a left merge on a unique key, by position when the rows already line up."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from metrics.conformed_frames import attach

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
    n = len(keys)
    right = pd.DataFrame(
        {
            "kr_id": pd.Series(keys, dtype="str"),
            "y": np.arange(n) * 10,  # whole numbers: floats once a row has no match
            "share": np.linspace(0.1, 0.9, n),
            "flag": np.arange(n) % 2 == 0,
            "when": pd.date_range("2026-01-01", periods=n).astype("datetime64[us]"),
            "name": pd.Series([f"n{i}" for i in range(n)], dtype="str"),
        }
    )
    expected = LEFT.merge(right, on="kr_id", how="left")
    pd.testing.assert_frame_equal(attach(LEFT, right, "kr_id"), expected)


def test_attach_keeps_the_values_of_a_matching_row():
    right = pd.DataFrame({"kr_id": pd.Series(["d", "b", "a"], dtype="str"), "y": [40, 20, 10]})
    out = attach(LEFT, right, "kr_id").set_index("x")["y"]
    assert out.tolist()[:2] == [10, 20] and out[4] == 40 and np.isnan(out[3])


def test_first_match_takes_the_first_row_of_each_id_and_leaves_unknown_ids_missing():
    from metrics.conformed_frames import first_match

    ids = pd.Series(["o1", "o2", "o1"], dtype="str")
    cycles = pd.Series(["Q1", "Q2", "Q9"], dtype="str")
    keys = pd.Series(["o2", "o1", "o1"], dtype="str", index=[10, 11, 12])
    found = first_match(keys, ids, cycles)
    assert list(found.index) == [10, 11, 12] and list(found) == ["Q2", "Q1", "Q1"]
    # an id that is nowhere, and ids that are not text, take pandas' own lookup
    unknown = first_match(pd.Series(["o3", "o1"], dtype="str"), ids, cycles)
    assert pd.isna(unknown[0]) and unknown[1] == "Q1"
    numbers = first_match(pd.Series([2, 1]), pd.Series([1, 2, 1]), pd.Series([0.5, 0.7, 0.9]))
    assert list(numbers) == [0.7, 0.5]
    # whole numbers cannot hold a gap: an unknown id turns them into floats, as reindex does
    counts = first_match(pd.Series(["o3", "o2"], dtype="str"), ids, pd.Series([1, 2, 3]))
    assert pd.isna(counts[0]) and counts[1] == 2
    days = pd.Series(pd.to_datetime(["2026-01-01", "2026-02-01", "2026-03-01"]))
    times = first_match(pd.Series(["o3", "o2"], dtype="str"), ids, days)
    assert pd.isna(times[0]) and times[1] == pd.Timestamp("2026-02-01")
