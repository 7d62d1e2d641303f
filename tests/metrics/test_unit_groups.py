"""Programme health's totals per unit on integer codes equal the pandas group-by's."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from metrics.programme.health import coded, per_unit, unit_totals

ROWS = pd.DataFrame(
    {
        "cycle_id": ["Q2", "Q1", "Q2", None, "Q1", "Q2", "Q1", "Q2"],
        "team": ["Web", "Web", "Apps", "Web", None, "Web", "Apps", "Data"],
        "department": ["Eng", "Eng", "Eng", "Eng", "Sales", "Eng", None, "Eng"],
        "owner": ["ana", "ana", "bo", "cy", "ana", "dee", None, "bo"],
        "flag": [True, False, True, True, False, False, True, True],
        "count": [3, 1, 0, 2, 5, 4, 1, 2],
    }
)
AGGREGATES = {
    "size": (None, lambda g: g["cycle_id"].size()),
    "mean": ("flag", lambda g: g["flag"].mean()),
    "sum": ("count", lambda g: g["count"].sum()),
    "nunique": ("owner", lambda g: g["owner"].nunique()),
}


@pytest.mark.parametrize("how", list(AGGREGATES))
@pytest.mark.parametrize("by_cycle", [True, False])
def test_totals_equal_the_pandas_group_by(how: str, by_cycle: bool) -> None:
    frame = coded(ROWS, "owner", "flag", "count")
    column, aggregate = AGGREGATES[how]
    expected = per_unit(frame, aggregate, by_cycle)
    actual = unit_totals(frame, column, how, by_cycle)  # type: ignore[arg-type]
    pd.testing.assert_series_equal(actual, expected, check_names=False)
    assert list(actual.index) == list(expected.index)  # the same units, in the same order


def test_web_in_q2_counts_two_owners_and_seven_check_ins() -> None:
    frame = coded(ROWS, "owner", "flag", "count")
    owners = unit_totals(frame, "owner", "nunique")
    checked = unit_totals(frame, "count", "sum")
    assert owners[("Q2", "team", "Web")] == 2
    assert checked[("Q2", "team", "Web")] == 7
    assert checked[("Q2", "company", "Company")] == 9
    assert np.isclose(unit_totals(frame, "flag", "mean")[("Q1", "department", "Eng")], 0.0)
