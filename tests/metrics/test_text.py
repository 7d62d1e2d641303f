"""Numbers in evidence sentences read the same whatever order the rows were summed in."""

from __future__ import annotations

import pandas as pd

from metrics.coaching.wording import numbers


def test_a_mean_summed_in_another_order_reads_the_same() -> None:
    scores = [0.1, 0.7, 0.6, 0.7]  # mean 0.525: one order sums to it, another just below
    ways = [sum(scores) / 4, sum(reversed(scores)) / 4, 0.52499999999999991]
    assert numbers(pd.Series(ways), "%.2f").tolist() == ["0.53", "0.53", "0.53"]
    assert numbers(pd.Series([0.524, 0.5]), "%.2f").tolist() == ["0.52", "0.50"]
